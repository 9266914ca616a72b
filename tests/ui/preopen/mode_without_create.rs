use sandboxed::{sandboxed, File};

#[sandboxed(preopen(out = file(arg(1), write, mode = 0o600)))]
fn main(out: File) {
    let _ = out;
}
