use sandboxed::{sandboxed, File};

#[sandboxed(preopen(input = file(args(1..))))]
fn main(input: File) {
    let _ = input;
}
