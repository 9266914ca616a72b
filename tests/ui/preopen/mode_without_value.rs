// `mode` needs its value.
use sandboxed::{sandboxed, File};

#[sandboxed(preopen(out = file(arg(1), write, create, mode)))]
fn main(out: File) {
    let _ = out;
}
