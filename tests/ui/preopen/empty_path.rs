// An empty literal path names nothing.
use sandboxed::{sandboxed, File};

#[sandboxed(preopen(input = file("")))]
fn main(input: File) {
    let _ = input;
}
