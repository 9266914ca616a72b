use sandboxed::{sandboxed, Dir};

#[sandboxed(preopen(out = dir(arg(1), write)))]
fn main(out: Dir) {
    let _ = out;
}
