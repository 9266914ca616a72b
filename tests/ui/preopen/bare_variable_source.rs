use sandboxed::{sandboxed, File};

#[sandboxed(preopen(input = file(path)))]
fn main(input: File) {
    let _ = input;
}
