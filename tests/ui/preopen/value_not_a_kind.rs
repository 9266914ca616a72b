// A preopen's value is a kind.
use sandboxed::{sandboxed, File};

#[sandboxed(preopen(input = "a.txt"))]
fn main(input: File) {
    let _ = input;
}
