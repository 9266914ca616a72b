use sandboxed::{sandboxed, File};

#[sandboxed(preopen(input = file(argv(1))))]
fn main(input: File) {
    let _ = input;
}
