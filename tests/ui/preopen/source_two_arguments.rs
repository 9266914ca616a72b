// `arg` takes one index.
use sandboxed::{sandboxed, File};

#[sandboxed(preopen(input = file(arg(1, 2))))]
fn main(input: File) {
    let _ = input;
}
