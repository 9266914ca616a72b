use sandboxed::{sandboxed, File};

#[sandboxed(preopen(input = file(arg(0))))]
fn main(input: File) {
    let _ = input;
}
