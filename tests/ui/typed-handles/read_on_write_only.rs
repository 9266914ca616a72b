use std::io::Read;

use sandboxed::{sandboxed, File};

#[sandboxed(preopen(new = file(arg(1), write, create)))]
fn main(mut new: File) {
    let mut buf = [0; 8];
    let _ = new.read(&mut buf);
}
