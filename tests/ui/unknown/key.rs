use sandboxed::{sandboxed, File};

#[sandboxed(preopn(input = file(arg(1))))]
fn main(input: File) {
    let _ = input;
}
