// `create` is openat(2)'s `O_CREAT` beneath a directory: nothing on a file.
use sandboxed::{sandboxed, File};

#[sandboxed(preopen(out = file(arg(1), write)), rights(out = [write, create]))]
fn main(out: File) {
    let _ = out;
}
