use sandboxed::{sandboxed, File};

#[sandboxed(preopen(new = file(arg(1), write)), rights(new = [write, mmap_r]))]
fn main(new: File) {
    let _ = new;
}
