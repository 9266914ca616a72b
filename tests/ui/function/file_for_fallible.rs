use sandboxed::{sandboxed, File};

#[sandboxed(preopen(inputs = files(args(1..), fallible)))]
fn main(inputs: Vec<File>) {
    let _ = inputs;
}
