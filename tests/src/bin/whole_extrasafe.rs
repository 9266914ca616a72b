//! The whole-process benchmark's seccomp-only peer: the `extrasafe` crate
//! allows reading and writing to stdout after the file is opened, nothing
//! else (tests/benches/enforcement.rs).

use std::io::{Read, Write};

#[cfg(all(target_os = "linux", target_arch = "x86_64"))]
fn main() -> std::io::Result<()> {
    use extrasafe::builtins::SystemIO;
    use extrasafe::SafetyContext;
    let path = std::env::args_os().nth(1).expect("a file to copy");
    let input = std::fs::File::open(path)?;
    SafetyContext::new()
        .enable(SystemIO::nothing().allow_read().allow_stdout())
        .and_then(|c| c.apply_to_current_thread())
        .map_err(|e| std::io::Error::other(e.to_string()))?;
    copy(input)
}

#[cfg(not(all(target_os = "linux", target_arch = "x86_64")))]
fn main() {}

/// Copies `input` to stdout with read(2) and write(2) alone.
#[cfg_attr(
    not(all(target_os = "linux", target_arch = "x86_64")),
    allow(dead_code)
)]
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
