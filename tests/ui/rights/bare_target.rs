// A target without its list.
use sandboxed::{sandboxed, File};

#[sandboxed(preopen(input = file(arg(1))), rights(input))]
fn main(input: File) {
    let _ = input;
}
