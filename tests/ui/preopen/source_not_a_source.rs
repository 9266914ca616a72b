// A list where the source goes.
use sandboxed::{sandboxed, File};

#[sandboxed(preopen(input = file([1])))]
fn main(input: File) {
    let _ = input;
}
