use sandboxed::{sandboxed, File};

#[sandboxed(preopen(input = file(arg(1)), out = file(arg(2), write)))]
fn main(input: File) {
    let _ = input;
}
