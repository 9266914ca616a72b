use sandboxed::{sandboxed, Dir};

#[sandboxed(preopen(out = dir(arg(1))))]
fn main(out: Dir) {
    let _ = out.create("x");
}
