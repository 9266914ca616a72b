//! The whole-process benchmark's Landlock-only peer: the `landlock` crate
//! (rust-landlock) denies every file-system access after the file is
//! opened, nothing else (tests/benches/enforcement.rs).

use std::io::{Read, Write};

#[cfg(target_os = "linux")]
fn main() -> std::io::Result<()> {
    use landlock::{Access, AccessFs, Ruleset, RulesetAttr, ABI};
    let path = std::env::args_os().nth(1).expect("a file to copy");
    let input = std::fs::File::open(path)?;
    Ruleset::default()
        .handle_access(AccessFs::from_all(ABI::V5))
        .and_then(|r| r.create())
        .and_then(|r| r.restrict_self())
        .map_err(std::io::Error::other)?;
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
