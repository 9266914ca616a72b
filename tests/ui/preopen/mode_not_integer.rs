// `mode` takes an integer.
use sandboxed::{sandboxed, File};

#[sandboxed(preopen(out = file(arg(1), write, create, mode = "0644")))]
fn main(out: File) {
    let _ = out;
}
