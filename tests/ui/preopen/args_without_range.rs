use sandboxed::{sandboxed, File};

#[sandboxed(preopen(inputs = files(args(1))))]
fn main(inputs: Vec<File>) {
    let _ = inputs;
}
