// fchdir(2) needs a directory.
use sandboxed::{sandboxed, File};

#[sandboxed(preopen(input = file(arg(1))), rights(input = [read, fchdir]))]
fn main(input: File) {
    let _ = input;
}
