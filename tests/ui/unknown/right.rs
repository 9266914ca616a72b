use sandboxed::{sandboxed, File};

#[sandboxed(preopen(input = file(arg(1))), rights(input = [raed]))]
fn main(input: File) {
    let _ = input;
}
