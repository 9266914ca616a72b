use sandboxed::{sandboxed, File};

#[sandboxed(preopen(new = file(arg(1), write)), rights(new = [write, read]))]
fn main(new: File) {
    let _ = new;
}
