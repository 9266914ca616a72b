use sandboxed::{sandboxed, Dir};

// A write-only open without O_APPEND or O_TRUNC needs `seek` (rights(4)).
#[sandboxed(preopen(out = dir(arg(1))), rights(out = [lookup, create, write]))]
fn main(out: Dir) {
    let _ = out.create_new("x");
}
