use sandboxed::{sandboxed, File};

#[sandboxed(preopen(input = file(arg(1))), on_setup_error = "report")]
fn main(input: File) {
    let _ = input;
}
