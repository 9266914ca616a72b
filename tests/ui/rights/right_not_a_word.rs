// A right is a word.
use sandboxed::{sandboxed, File};

#[sandboxed(preopen(input = file(arg(1))), rights(input = ["read"]))]
fn main(input: File) {
    let _ = input;
}
