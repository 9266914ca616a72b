use sandboxed::{sandboxed, Dir};

#[sandboxed(preopen(out = dir(arg(1))), rights(out = [read, fstat]))]
fn main(out: Dir) {
    let _ = out;
}
