//! `tool_sandboxed` without the sandbox (tests/benches/backtrace.rs).

use std::io::{Read, Write};

fn main() {
    let path = std::env::args_os().nth(1).expect("a file");
    let mut text = Vec::new();
    std::fs::File::open(path)
        .and_then(|mut f| f.read_to_end(&mut text))
        .expect("read");
    std::io::stdout().write_all(&text).expect("write");
}
