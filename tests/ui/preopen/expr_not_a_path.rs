use sandboxed::{sandboxed, File};

#[sandboxed(preopen(input = file({ 42 })))]
fn main(input: File) {
    let _ = input;
}
