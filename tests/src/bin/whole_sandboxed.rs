//! The whole-process benchmark's program with this crate's sandbox: the
//! file opened by the attribute, `[read]` only, stdio limited, capability
//! mode (tests/benches/enforcement.rs; the baseline is `whole_plain`).

use std::io::{Read, Write};

#[cfg(target_os = "linux")]
#[sandboxed::sandboxed(preopen(input = file(arg(1))), rights(input = [read], stdio))]
fn main(input: sandboxed::File) -> std::io::Result<()> {
    copy(input)
}

#[cfg(not(target_os = "linux"))]
fn main() {}

/// Copies `input` to stdout with read(2) and write(2) alone.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
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
