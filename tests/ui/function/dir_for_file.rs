use sandboxed::{sandboxed, Dir};

#[sandboxed(preopen(input = file(arg(1))))]
fn main(input: Dir) {
    let _ = input;
}
