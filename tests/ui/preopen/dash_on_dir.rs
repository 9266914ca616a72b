use sandboxed::{sandboxed, Dir};

#[sandboxed(preopen(out = dir(arg(1), dash)))]
fn main(out: Dir) {
    let _ = out;
}
