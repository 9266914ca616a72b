// An environment variable's name is never empty.
use sandboxed::{sandboxed, File};

#[sandboxed(preopen(input = file(env(""))))]
fn main(input: File) {
    let _ = input;
}
