//! `bspatch OLD NEW PATCH`: applies a BSDIFF40 patch, sandboxed.
//!
//! Pattern: the classic Capsicum example. OLD and PATCH are read-only
//! (`read`, `seek`, `fstat`), NEW is write-only and the only file the
//! program can write; the patch, the untrusted input, is parsed after the
//! sandbox is entered.

use std::io::Read;
use std::process::ExitCode;

use sandboxed::rights::{can, RightsMarker};
use sandboxed::{sandboxed, File};
use sandboxed_examples::{bspatch, os_error};

/// Reads all of `file`, sized by fstat(2): one allocation, each page
/// touched once (reading to the end of an exactly-sized `Vec` would grow
/// it to probe for EOF).
fn slurp<R: RightsMarker + can::Read + can::Fstat>(mut file: File<R>) -> std::io::Result<Vec<u8>> {
    let len = usize::try_from(file.metadata()?.len())
        .map_err(|_| std::io::Error::from(std::io::ErrorKind::OutOfMemory))?;
    let mut data = Vec::new();
    data.try_reserve_exact(len)
        .map_err(|_| std::io::Error::from(std::io::ErrorKind::OutOfMemory))?;
    data.resize(len, 0);
    let mut filled = 0;
    while filled < len {
        match file.read(&mut data[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    data.truncate(filled);
    // The file may have grown since fstat: read the rest.
    file.read_to_end(&mut data)?;
    Ok(data)
}

#[sandboxed(
    preopen(
        old = file(arg(1)),
        // Opened before NEW, so that a missing patch leaves NEW alone.
        patch = file(arg(3)),
        new = file(arg(2), write, create, truncate, mode = 0o644),
    ),
    rights(
        old = [read, seek, fstat],
        patch = [read, seek, fstat],
        new = [write],
        stdio,
    ),
    // bspatch(1) exits 1 on any error.
    exit_code = 1,
)]
fn main(old: File, new: File, patch: File) -> ExitCode {
    let arg = |n: usize| std::env::args_os().nth(n).unwrap_or_default();
    let old = match slurp(old) {
        Ok(data) => data,
        Err(e) => {
            eprintln!("bspatch: {}: {}", arg(1).to_string_lossy(), os_error(&e));
            return ExitCode::FAILURE;
        }
    };
    let patch = match slurp(patch) {
        Ok(data) => data,
        Err(e) => {
            eprintln!("bspatch: {}: {}", arg(3).to_string_lossy(), os_error(&e));
            return ExitCode::FAILURE;
        }
    };
    match bspatch::apply(&old, &patch, &new) {
        Ok(_) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bspatch: {}: {e}", arg(3).to_string_lossy());
            ExitCode::FAILURE
        }
    }
}
