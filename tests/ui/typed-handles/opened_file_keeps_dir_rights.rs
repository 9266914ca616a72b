use std::io::Write;

use sandboxed::{sandboxed, Dir};

#[sandboxed(preopen(src = dir(arg(1))))]
fn main(src: Dir) {
    if let Ok(mut f) = src.open("a") {
        let _ = f.write_all(b"x");
    }
}
