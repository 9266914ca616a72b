//! Running an example binary as a person would, in its own process.

#![allow(dead_code)] // each test file uses part of it

use std::path::Path;
use std::process::{Command, Output, Stdio};

/// What the runtime prints when this machine cannot enforce a sandbox.
const UNSUPPORTED: &str = "this system cannot enforce the sandbox";

/// Runs `bin` with `args` in `dir`, stdin from `/dev/null`. `None` (after
/// printing `skipped: ...`) when the sandbox cannot be enforced here: the
/// program refused to run, as it must, and there is nothing to check.
pub fn run(bin: &str, args: &[&str], dir: &Path) -> Option<Output> {
    run_with_stdin(bin, args, dir, &[])
}

/// [`run`] with `stdin` piped in.
pub fn run_with_stdin(bin: &str, args: &[&str], dir: &Path, stdin: &[u8]) -> Option<Output> {
    let mut child = Command::new(bin)
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("spawning {bin}: {e}"));
    {
        use std::io::Write;
        let mut input = child.stdin.take().unwrap();
        input.write_all(stdin).unwrap();
    }
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    if stderr.contains(UNSUPPORTED) {
        assert_eq!(out.stdout, b"", "nothing may run unsandboxed");
        eprintln!("skipped: {}", stderr.trim());
        return None;
    }
    Some(out)
}

/// The exit status (panics if killed by a signal).
pub fn status(out: &Output) -> i32 {
    out.status
        .code()
        .unwrap_or_else(|| panic!("killed by a signal: {out:?}"))
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Asserts an error is reported cleanly: one line, no panic.
pub fn assert_clean_error(out: &Output, prefix: &str) {
    let err = stderr(out);
    assert!(!err.contains("panicked"), "panic: {err}");
    assert_eq!(err.lines().count(), 1, "one line: {err:?}");
    assert!(err.starts_with(prefix), "{prefix:?}: {err:?}");
}

/// Deterministic pseudo-random bytes (xorshift), for test files.
pub fn noise(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}
