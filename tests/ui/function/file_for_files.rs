use sandboxed::{sandboxed, File};

#[sandboxed(preopen(inputs = files(args(1..))))]
fn main(inputs: File) {
    let _ = inputs;
}
