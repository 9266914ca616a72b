// An index beyond `usize`.
use sandboxed::{sandboxed, File};

#[sandboxed(preopen(input = file(arg(99999999999999999999999))))]
fn main(input: File) {
    let _ = input;
}
