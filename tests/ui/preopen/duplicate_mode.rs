// `mode` given twice.
use sandboxed::{sandboxed, File};

#[sandboxed(preopen(out = file(arg(1), write, create, mode = 0o600, mode = 0o644)))]
fn main(out: File) {
    let _ = out;
}
