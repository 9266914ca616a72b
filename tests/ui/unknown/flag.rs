use sandboxed::{sandboxed, File};

#[sandboxed(preopen(out = file(arg(1), wirte)))]
fn main(out: File) {
    let _ = out;
}
