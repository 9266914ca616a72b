use std::io::Read;

use sandboxed::{sandboxed, File};

fn consume(_: impl Read) {}

#[sandboxed(preopen(new = file(arg(1), write, create)))]
fn main(new: File) {
    consume(new);
}
