use sandboxed::{sandboxed, File};

#[sandboxed(preopen(input = file(arg(1))))]
fn main<T>(input: File) {
    let _ = input;
}
