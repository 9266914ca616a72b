use sandboxed::{sandboxed, File};

#[sandboxed(preopen(new = file(arg(1))), rights(new = [write]))]
fn main(new: File) {
    let _ = new;
}
