//! The whole-process benchmark's baseline (tests/benches/enforcement.rs):
//! copies the file named by `argv[1]` to stdout, with no sandbox. Its
//! siblings `whole_sandboxed`, `whole_landlock` and `whole_extrasafe` do the
//! same with the same system calls, confined in their ways.

use std::io::{Read, Write};

fn main() -> std::io::Result<()> {
    let path = std::env::args_os().nth(1).expect("a file to copy");
    copy(std::fs::File::open(path)?)
}

/// Copies `input` to stdout with read(2) and write(2) alone.
fn copy(mut input: impl Read) -> std::io::Result<()> {
    let mut buf = [0u8; 4096];
    let mut out = std::io::stdout().lock();
    loop {
        let n = input.read(&mut buf)?;
        if n == 0 {
            return out.flush();
        }
        out.write_all(&buf[..n])?;
    }
}
