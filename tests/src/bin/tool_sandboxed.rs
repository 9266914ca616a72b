//! A small tool for tests/benches/backtrace.rs: copies the file named by
//! argv[1] to standard output, sandboxed. `tool_plain` is the same
//! without the attribute.

use std::io::{Read, Write};

#[sandboxed::sandboxed(preopen(input = file(arg(1))), rights(input = [read, fstat], stdio))]
fn main(mut input: sandboxed::File) {
    let mut text = Vec::new();
    input.read_to_end(&mut text).expect("read");
    std::io::stdout().write_all(&text).expect("write");
}
