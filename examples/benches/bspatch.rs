//! The sandboxed bspatch against the reference bspatch on a 64 MiB input:
//! prints both times (best of 5 runs each) and their ratio; the goal is a
//! ratio ≤ 1.0.
//!
//! The patch is built here, as bsdiff would build it between two versions
//! of a 64 MiB file (mostly-zero diff bytes with a changed byte every 256, a
//! few inserted extra bytes per MiB): running bsdiff itself on 64 MiB would take minutes. Both tools
//! must write the same NEW.

mod common;

use common::{installed, noise, versus};
use sandboxed_examples::bspatch::build_patch;

const SIZE: usize = 64 << 20;
const CHUNK: usize = 1 << 20;
const INSERTED: usize = 64;
const RUNS: usize = 5;

fn main() {
    let reference = "/usr/bin/bspatch";
    if !installed(reference) {
        return;
    }
    let dir = tempfile::tempdir().expect("temporary directory");
    let old = noise(SIZE, 11);
    // Per MiB: the chunk less INSERTED bytes, patched by sparse diff bytes;
    // then INSERTED new bytes; OLD skips the bytes they replace.
    let mut controls = Vec::new();
    let mut diff = vec![0u8; 0];
    for _ in 0..SIZE / CHUNK {
        let add = CHUNK - INSERTED;
        let start = diff.len();
        diff.resize(start + add, 0);
        // A changed byte every 256, as between two builds of a binary
        // (addresses shift): the diff block costs real decompression.
        for (i, b) in (start..start + add)
            .step_by(256)
            .zip(noise(add / 256 + 1, start as u64 + 1))
        {
            diff[i] = b;
        }
        controls.push((add as i64, INSERTED as i64, INSERTED as i64));
    }
    let extra = noise(SIZE / CHUNK * INSERTED, 13);
    let patch = build_patch(&controls, &diff, &extra);
    std::fs::write(dir.path().join("old"), &old).expect("write OLD");
    std::fs::write(dir.path().join("patch"), &patch).expect("write PATCH");
    drop((old, diff, extra));

    let what = format!("bspatch 64 MiB (patch {} KiB)", patch.len() / 1024);
    let tools = (reference, env!("CARGO_BIN_EXE_bspatch"));
    let dir = dir.path();
    for (tool, new) in [(tools.0, "new.ref"), (tools.1, "new.ours")] {
        if common::time(tool, &["old", new, "patch"], dir, &[0]).is_err() {
            println!("skipped: {tool} failed");
            return;
        }
    }
    let same =
        std::fs::read(dir.join("new.ref")).unwrap() == std::fs::read(dir.join("new.ours")).unwrap();
    assert!(same, "the sandboxed bspatch wrote a different NEW");
    versus(
        &what,
        "<= 1.0x",
        RUNS,
        tools,
        &["old", "new", "patch"],
        dir,
        &[0],
        &|| {},
    );
}
