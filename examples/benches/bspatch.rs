//! The sandboxed bspatch against the reference bspatch on a 64 MiB input:
//! prints both times (best of 5 runs each) and their ratio; the goal is a
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
const RUNS: usize = 5;

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

/// User + system time of the waited-for children so far, from
/// `/proc/self/stat` (`cutime`, `cstime`, in USER_HZ = 100 ticks a second
/// on Linux); `None` elsewhere. Less sensitive to a busy machine than the
/// wall clock.
fn children_cpu() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the `(comm)`, which may contain spaces: state is the 3rd
    // field, so cutime (16th) and cstime (17th) are the 14th and 15th here.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split(' ').collect();
    let ticks = fields.get(13)?.parse::<u64>().ok()? + fields.get(14)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

/// Wall-clock and CPU time of one run of `tool old new patch` in `dir`.
fn time(tool: &str, new: &str, dir: &Path) -> Result<(Duration, Option<Duration>), String> {
    let cpu = children_cpu();
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
    let cpu = cpu
        .zip(children_cpu())
        .map(|(before, after)| after - before);
    Ok((took, cpu))
}

/// The best (smallest) of each measure.
#[derive(Clone, Copy)]
struct Best {
    wall: Duration,
    cpu: Option<Duration>,
}

impl Best {
    const NONE: Best = Best {
        wall: Duration::MAX,
        cpu: None,
    };

    fn add(&mut self, (wall, cpu): (Duration, Option<Duration>)) {
        self.wall = self.wall.min(wall);
        self.cpu = match (self.cpu, cpu) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
    }
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
    // Best of RUNS, the two tools taking turns so that a busy machine
    // slows both alike.
    let (mut theirs, mut sandboxed) = (Best::NONE, Best::NONE);
    for _ in 0..RUNS {
        match time(reference, "new.ref", dir.path()) {
            Ok(t) => theirs.add(t),
            Err(e) => panic!("the reference bspatch failed: {e}"),
        }
        match time(ours, "new.ours", dir.path()) {
            Ok(t) => sandboxed.add(t),
            Err(e) if e.contains("this system cannot enforce the sandbox") => {
                println!("skipped: {e}");
                return;
            }
            Err(e) => panic!("the sandboxed bspatch failed: {e}"),
        }
    }
    let same = std::fs::read(dir.path().join("new.ref")).unwrap()
        == std::fs::read(dir.path().join("new.ours")).unwrap();
    assert!(same, "the sandboxed bspatch wrote a different NEW");
    println!(
        "bspatch 64 MiB (patch {} KiB), best of {RUNS}: wall: reference {:.3} s, sandboxed {:.3} s, ratio {:.2}x (goal <= 1.0x)",
        patch.len() / 1024,
        theirs.wall.as_secs_f64(),
        sandboxed.wall.as_secs_f64(),
        sandboxed.wall.as_secs_f64() / theirs.wall.as_secs_f64()
    );
    if let (Some(t), Some(s)) = (theirs.cpu, sandboxed.cpu) {
        println!(
            "bspatch 64 MiB, best of {RUNS}: cpu (user + sys): reference {:.2} s, sandboxed {:.2} s, ratio {:.2}x",
            t.as_secs_f64(),
            s.as_secs_f64(),
            s.as_secs_f64() / t.as_secs_f64()
        );
    }
}
