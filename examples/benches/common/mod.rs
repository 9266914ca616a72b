//! Timing a tool against its reference, run by run, on a shared machine:
//! the two take turns (a busy moment slows both alike) and the best of
//! each measure is kept.

#![allow(dead_code)] // each bench uses part of it

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Deterministic pseudo-random bytes (xorshift).
pub fn noise(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    let mut out = Vec::with_capacity(len + 8);
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
pub fn children_cpu() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the `(comm)`, which may contain spaces: state is the 3rd
    // field, so cutime (16th) and cstime (17th) are the 14th and 15th here.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split(' ').collect();
    let ticks = fields.get(13)?.parse::<u64>().ok()? + fields.get(14)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

/// One run's wall-clock and CPU time.
pub type Sample = (Duration, Option<Duration>);

/// Runs `tool args` in `dir` (stdout discarded, `RUST_BACKTRACE` unset);
/// `Err` with its stderr
/// when it fails with a status other than those in `ok`.
pub fn time(tool: &str, args: &[&str], dir: &Path, ok: &[i32]) -> Result<Sample, String> {
    let cpu = children_cpu();
    let start = Instant::now();
    // Without RUST_BACKTRACE, as a user runs the tool: with it, the
    // runtime warms std's backtrace symbolizer before entry (about 0.1 s
    // of reading debug info), which no reference tool does.
    let out = Command::new(tool)
        .env_remove("RUST_BACKTRACE")
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| format!("{tool}: {e}"))?;
    let took = start.elapsed();
    if !out.status.code().is_some_and(|c| ok.contains(&c)) {
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
#[derive(Clone, Copy, Debug)]
pub struct Best {
    pub wall: Duration,
    pub cpu: Option<Duration>,
}

impl Best {
    pub const NONE: Best = Best {
        wall: Duration::MAX,
        cpu: None,
    };

    pub fn add(&mut self, (wall, cpu): Sample) {
        self.wall = self.wall.min(wall);
        self.cpu = match (self.cpu, cpu) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
    }
}

/// Runs `reference` and `ours` in turns `runs` times each (with `prepare`
/// before every run, untimed), and prints both bests and their ratios.
/// `None` (after `skipped:`) where the sandbox cannot be enforced.
// One call per measurement reads best with every parameter named here.
#[allow(clippy::too_many_arguments)]
pub fn versus(
    what: &str,
    goal: &str,
    runs: usize,
    (reference, ours): (&str, &str),
    args: &[&str],
    dir: &Path,
    ok: &[i32],
    prepare: &dyn Fn(),
) -> Option<(Best, Best)> {
    let (mut theirs, mut sandboxed) = (Best::NONE, Best::NONE);
    for _ in 0..runs {
        prepare();
        theirs.add(time(reference, args, dir, ok).unwrap_or_else(|e| panic!("reference: {e}")));
        prepare();
        match time(ours, args, dir, ok) {
            Ok(t) => sandboxed.add(t),
            Err(e) if e.contains("this system cannot enforce the sandbox") => {
                println!("skipped: {e}");
                return None;
            }
            Err(e) => panic!("sandboxed: {e}"),
        }
    }
    println!(
        "{what}, best of {runs}: wall: reference {:.3} s, sandboxed {:.3} s, ratio {:.2}x (goal {goal})",
        theirs.wall.as_secs_f64(),
        sandboxed.wall.as_secs_f64(),
        sandboxed.wall.as_secs_f64() / theirs.wall.as_secs_f64()
    );
    if let (Some(t), Some(s)) = (theirs.cpu, sandboxed.cpu) {
        println!(
            "{what}, best of {runs}: cpu (user + sys): reference {:.2} s, sandboxed {:.2} s, ratio {:.2}x",
            t.as_secs_f64(),
            s.as_secs_f64(),
            s.as_secs_f64() / t.as_secs_f64()
        );
    }
    Some((theirs, sandboxed))
}

/// Whether `tool` exists; prints `skipped:` when not.
pub fn installed(tool: &str) -> bool {
    let found = Path::new(tool).exists();
    if !found {
        println!("skipped: {tool} not installed");
    }
    found
}
