use sandboxed::{sandboxed, File};

#[sandboxed(preopen(new = file(arg(1), write)))]
fn main(new: File) {
    let _ = new.set_len(0);
}
