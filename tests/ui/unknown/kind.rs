use sandboxed::{sandboxed, File};

#[sandboxed(preopen(input = fiel(arg(1))))]
fn main(input: File) {
    let _ = input;
}
