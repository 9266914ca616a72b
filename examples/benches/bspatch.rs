//! The sandboxed bspatch against the reference bspatch on a 64 MiB input:
//! prints both times (best of 3 runs each) and their ratio; the goal is a
//! ratio ≤ 1.0.
//!
//! The patch is built here, as bsdiff would build it between two versions
//! of a 64 MiB file (mostly-zero diff bytes with a changed byte every 256, a
//! few inserted extra bytes per MiB): running bsdiff itself on 64 MiB would take minutes. Both tools
//! must write the same NEW.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use sandboxed_examples::bspatch::build_patch;

const SIZE: usize = 64 << 20;
const CHUNK: usize = 1 << 20;
const INSERTED: usize = 64;

fn noise(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    let mut out = Vec::with_capacity(len);
    while out.len() < len {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        out.extend_from_slice(&x.to_le_bytes());
    }
    out.truncate(len);
    out
}

/// Best wall-clock time of `runs` runs of `tool old new patch` in `dir`.
fn best(tool: &str, new: &str, dir: &Path, runs: usize) -> Result<Duration, String> {
    let mut best = Duration::MAX;
    for _ in 0..runs {
        let start = Instant::now();
        let out = Command::new(tool)
            .args(["old", new, "patch"])
            .current_dir(dir)
            .output()
            .map_err(|e| format!("{tool}: {e}"))?;
        let took = start.elapsed();
        if !out.status.success() {
            return Err(format!(
                "{tool}: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
        best = best.min(took);
    }
    Ok(best)
}

fn main() {
    let reference = "/usr/bin/bspatch";
    if !Path::new(reference).exists() {
        println!("skipped: bsdiff not installed");
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

    let ours = env!("CARGO_BIN_EXE_bspatch");
    let theirs = match best(reference, "new.ref", dir.path(), 3) {
        Ok(t) => t,
        Err(e) => panic!("the reference bspatch failed: {e}"),
    };
    let sandboxed = match best(ours, "new.ours", dir.path(), 3) {
        Ok(t) => t,
        Err(e) if e.contains("this system cannot enforce the sandbox") => {
            println!("skipped: {e}");
            return;
        }
        Err(e) => panic!("the sandboxed bspatch failed: {e}"),
    };
    let same = std::fs::read(dir.path().join("new.ref")).unwrap()
        == std::fs::read(dir.path().join("new.ours")).unwrap();
    assert!(same, "the sandboxed bspatch wrote a different NEW");
    println!(
        "bspatch 64 MiB (patch {} KiB): reference {:.3} s, sandboxed {:.3} s, ratio {:.2}x (goal <= 1.0x)",
        patch.len() / 1024,
        theirs.as_secs_f64(),
        sandboxed.as_secs_f64(),
        sandboxed.as_secs_f64() / theirs.as_secs_f64()
    );
}
