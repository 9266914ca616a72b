use sandboxed::{sandboxed, File};

#[sandboxed(preopen(input = file(arg(1)), input = file(arg(2))))]
fn main(input: File) {
    let _ = input;
}
