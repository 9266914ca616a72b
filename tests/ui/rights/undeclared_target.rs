use sandboxed::{sandboxed, File};

#[sandboxed(preopen(input = file(arg(1))), rights(inptu = [read]))]
fn main(input: File) {
    let _ = input;
}
