use sandboxed::{sandboxed, Dir};

#[sandboxed(preopen(out = dir(arg(1))), rights(out = [lookup, read]))]
fn main(out: Dir) {
    let _ = out.set_times_at("a", None, Some(std::time::UNIX_EPOCH), false);
}
