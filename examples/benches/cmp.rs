//! The sandboxed cmp against GNU cmp on two 256 MiB files, best of 7 runs
//! each: equal (goal: ratio <= 1.0) and differing in the last byte (goal:
//! <= 1.1). Both files are read once before timing, so both tools read
//! from the page cache.

mod common;

use common::{installed, noise, versus};

const SIZE: usize = 256 << 20;
const RUNS: usize = 7;

fn main() {
    let reference = "/usr/bin/cmp";
    if !installed(reference) {
        return;
    }
    let dir = tempfile::tempdir().expect("temporary directory");
    let a = noise(SIZE, 5);
    let mut b = a.clone();
    std::fs::write(dir.path().join("a"), &a).expect("write a");
    std::fs::write(dir.path().join("b"), &b).expect("write b");
    b[SIZE - 1] ^= 1;
    std::fs::write(dir.path().join("c"), &b).expect("write c");
    drop((a, b));
    for f in ["a", "b", "c"] {
        std::fs::read(dir.path().join(f)).expect("warm the page cache");
    }
    let tools = (reference, env!("CARGO_BIN_EXE_cmp"));
    let none = || {};
    versus(
        "cmp 256 MiB equal",
        "<= 1.0x",
        RUNS,
        tools,
        &["a", "b"],
        dir.path(),
        &[0],
        &none,
    );
    versus(
        "cmp 256 MiB differing in the last byte",
        "<= 1.1x",
        RUNS,
        tools,
        &["a", "c"],
        dir.path(),
        &[1],
        &none,
    );
}
