use sandboxed::{sandboxed, File};

#[sandboxed(preopen(old = file(arg(1))), rights(old = [read]))]
fn main(old: File) {
    let _ = old.metadata();
}
