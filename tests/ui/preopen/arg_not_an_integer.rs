// `arg` takes an integer.
use sandboxed::{sandboxed, File};

#[sandboxed(preopen(input = file(arg("1"))))]
fn main(input: File) {
    let _ = input;
}
