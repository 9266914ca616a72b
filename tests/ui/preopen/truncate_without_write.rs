use sandboxed::{sandboxed, File};

#[sandboxed(preopen(out = file(arg(1), create, truncate)))]
fn main(out: File) {
    let _ = out;
}
