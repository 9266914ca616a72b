use std::io::Write;

use sandboxed::{sandboxed, File};

#[sandboxed(preopen(old = file(arg(1))))]
fn main(mut old: File) {
    let _ = old.write_all(b"x");
}
