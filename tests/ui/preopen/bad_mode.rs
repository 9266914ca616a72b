use sandboxed::{sandboxed, File};

#[sandboxed(preopen(out = file(arg(1), write, create, mode = 0o77777)))]
fn main(out: File) {
    let _ = out;
}
