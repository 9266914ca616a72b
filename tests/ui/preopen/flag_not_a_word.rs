// A flag is a word.
use sandboxed::{sandboxed, File};

#[sandboxed(preopen(input = file(arg(1), "write")))]
fn main(input: File) {
    let _ = input;
}
