use std::io::{Seek, SeekFrom};

use sandboxed::{sandboxed, File};

#[sandboxed(preopen(old = file(arg(1))), rights(old = [read, fstat]))]
fn main(mut old: File) {
    let _ = old.seek(SeekFrom::Start(0));
}
