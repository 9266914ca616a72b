use sandboxed::{sandboxed, File};

#[sandboxed(preopen(out = file(arg(1), write, write)))]
fn main(out: File) {
    let _ = out;
}
