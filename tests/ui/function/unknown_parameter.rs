use sandboxed::{sandboxed, File};

#[sandboxed(preopen(input = file(arg(1))))]
fn main(input: File, output: File) {
    let _ = (input, output);
}
