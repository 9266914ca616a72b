use sandboxed::{sandboxed, File};

#[sandboxed(preopen(input = file(arg(1))), rights(input = [read], input = [fstat]))]
fn main(input: File) {
    let _ = input;
}
