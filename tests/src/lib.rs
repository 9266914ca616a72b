//! Helpers shared by the integration tests: the escape suite's attempts
//! (run inside the sandbox by `escape_probe`), the supervisor's path forms
//! of chmod, chown and utimes attacked (`attributes_probe`), the
//! conformance suite's
//! operations, profiles and cases (run by `conformance_probe`), the
//! process-per-case harness that runs them, and the enforcement
//! benchmark's loop timing.

// The escape and conformance suites attack the Linux backend with Linux
// system calls; on other systems their binaries only say so.
#[cfg(target_os = "linux")]
pub mod attributes;
pub mod checks;
#[cfg(target_os = "linux")]
pub mod conformance;
#[cfg(target_os = "linux")]
pub mod escapes;
#[cfg(target_os = "linux")]
pub mod harness;
#[cfg(target_os = "linux")]
pub mod parent;
#[cfg(target_os = "linux")]
pub mod sys;

/// The cases a `case NAME PASS` probe prints enforced (`run(None)`, see
/// [`case_lines`]); `None`, with `skipped: <reason>` printed, where the
/// Linux backend's descriptor numbers are not this machine's (not Linux
/// x86_64) or the kernel cannot enforce the sandbox. Panics on any other
/// failure of the probe.
pub fn enforced_cases(
    run: impl Fn(Option<&str>) -> Result<Vec<(String, bool)>, String>,
) -> Option<Vec<(String, bool)>> {
    if !cfg!(all(target_os = "linux", target_arch = "x86_64")) {
        println!("skipped: the Linux backend's descriptor numbers");
        return None;
    }
    match run(None) {
        Ok(c) => Some(c),
        Err(e) if e.starts_with("skipped") => {
            println!("{e}");
            None
        }
        Err(e) => panic!("{e}"),
    }
}

/// Runs a probe that prints `case NAME PASS` lines (`reuse_probe`,
/// `pool_probe`) with `SANDBOXED_TRACE` set to `trace` (unset: `None`),
/// and returns each case's name and whether it printed `1`. `Err`:
/// `skipped: ...` when the kernel cannot enforce the sandbox, else why the
/// probe failed.
pub fn case_lines(
    mut cmd: std::process::Command,
    trace: Option<&str>,
) -> Result<Vec<(String, bool)>, String> {
    cmd.env_remove("SANDBOXED_TRACE");
    if let Some(t) = trace {
        cmd.env("SANDBOXED_TRACE", t);
    }
    let out = cmd.output().map_err(|e| e.to_string())?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    if stderr.contains("cannot enforce") {
        return Err(format!("skipped: {}", stderr.trim()));
    }
    if !out.status.success() {
        return Err(format!("the probe failed ({}): {stderr}", out.status));
    }
    Ok(String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| {
            let mut w = l.strip_prefix("case ")?.split(' ');
            Some((w.next()?.to_owned(), w.next()? == "1"))
        })
        .collect())
}

/// The `case` lines ([`case_lines`]) of the probe `cmd` makes, run
/// enforced and then under dry-run (`SANDBOXED_TRACE=dry-run`, the control
/// run: what the sandbox refuses, the probe does there); `None`, having
/// printed why, when the kernel cannot enforce the sandbox.
#[allow(clippy::type_complexity)]
pub fn enforced_and_control(
    cmd: impl Fn() -> std::process::Command,
) -> Option<(Vec<(String, bool)>, Vec<(String, bool)>)> {
    let enforced = match case_lines(cmd(), None) {
        Ok(c) => c,
        Err(e) if e.starts_with("skipped") => {
            println!("{e}");
            return None;
        }
        Err(e) => panic!("{e}"),
    };
    let control = case_lines(cmd(), Some("dry-run")).unwrap_or_else(|e| panic!("{e}"));
    Some((enforced, control))
}

/// Copies `input` to stdout with read(2) and write(2) alone: the work of
/// the whole-process benchmark's programs (`whole_*`,
/// tests/benches/enforcement.rs), the same in each of them.
pub fn copy_to_stdout(mut input: impl std::io::Read) -> std::io::Result<()> {
    use std::io::Write;
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

/// Nanoseconds per call of `step`, run `iters` times in `chunks` chunks:
/// the fastest chunk's average, so that a moment of noise from other work
/// on the machine spoils one chunk, not the figure.
pub fn fastest_chunk(iters: u32, chunks: u32, mut step: impl FnMut()) -> f64 {
    let per = (iters / chunks).max(1);
    (0..chunks)
        .map(|_| {
            let t = std::time::Instant::now();
            for _ in 0..per {
                step();
            }
            t.elapsed().as_nanos() as f64 / f64::from(per)
        })
        .fold(f64::INFINITY, f64::min)
}

/// Starts `lease_holder` (its path `exe`: `CARGO_BIN_EXE_lease_holder`)
/// on `file`, holding the lease `hold_ms` once asked to break it (its
/// default, 300 ms, without), and waits until it has taken the lease.
/// The holder, and its standard output for what it prints after.
pub fn lease_holder(
    exe: &std::path::Path,
    file: &std::path::Path,
    hold_ms: Option<u32>,
) -> (
    std::process::Child,
    std::io::BufReader<std::process::ChildStdout>,
) {
    use std::io::BufRead;
    let mut cmd = std::process::Command::new(exe);
    cmd.arg(file).stdout(std::process::Stdio::piped());
    if let Some(ms) = hold_ms {
        cmd.arg(ms.to_string());
    }
    let mut holder = cmd.spawn().expect("lease_holder");
    let mut out = std::io::BufReader::new(holder.stdout.take().expect("its output"));
    let mut line = String::new();
    out.read_line(&mut line).expect("its first line");
    assert_eq!(line.trim(), "leased", "the holder took no lease");
    (holder, out)
}
