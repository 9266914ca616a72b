use sandboxed::{sandboxed, Dir};

// `create_new` needs no `ftruncate`, but it does need `create`.
#[sandboxed(preopen(out = dir(arg(1))), rights(out = [lookup, write, seek]))]
fn main(out: Dir) {
    let _ = out.create_new("x");
}
