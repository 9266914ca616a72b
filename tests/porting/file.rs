//! A declared file written through its raw descriptor, which the
//! declaration left read-only: a missing right and open flag.
use std::io::Write;
use std::os::fd::OwnedFd;

#[sandboxed::sandboxed(
    preopen(log = file(arg(1))),
    rights(log = [read, fstat], stdio),
)]
fn main(log: sandboxed::File) {
    // As a library handed the descriptor would.
    let mut raw = std::fs::File::from(OwnedFd::from(log));
    println!("write log: {:?}", raw.write_all(b"entry\n").map_err(|e| e.kind()));
}
