// `arg` without its argument.
use sandboxed::{sandboxed, File};

#[sandboxed(preopen(input = file(arg)))]
fn main(input: File) {
    let _ = input;
}
