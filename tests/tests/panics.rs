//! Panics inside the sandbox end, symbolized, in every `SANDBOXED_TRACE`
//! mode (unset, `1`, `trap`, `dry-run`), with `RUST_BACKTRACE` unset, `0`,
//! `1` and `full`, from the main thread and from another thread: each
//! case is a fresh `panic_probe` process with a deadline. With backtraces
//! on, the functions of the probe's backtrace are the ones std's own hook
//! prints for the same panic outside the sandbox (`panic_twin`).

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const PROBE: &str = env!("CARGO_BIN_EXE_panic_probe");
const TWIN: &str = env!("CARGO_BIN_EXE_panic_twin");
/// A case that takes longer hangs.
const DEADLINE: Duration = Duration::from_secs(30);

struct Run {
    code: Option<i32>,
    stderr: String,
    elapsed: Duration,
}

/// Runs `bin where` with the variables, killing it at the deadline.
fn run(bin: &str, place: &str, trace: Option<&str>, backtrace: Option<&str>) -> Run {
    let vars = [("SANDBOXED_TRACE", trace), ("RUST_BACKTRACE", backtrace)];
    run_with(bin, place, &vars)
}

/// Runs `bin where` with the variables of `vars` that are `Some` (the
/// trace and backtrace variables removed first), killing it at the
/// deadline.
fn run_with(bin: &str, place: &str, vars: &[(&str, Option<&str>)]) -> Run {
    let mut cmd = Command::new(bin);
    cmd.arg(place)
        .env_remove("SANDBOXED_TRACE")
        .env_remove("RUST_BACKTRACE")
        .env_remove("RUST_LIB_BACKTRACE")
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    for (var, value) in vars {
        if let Some(value) = value {
            cmd.env(var, value);
        }
    }
    let start = Instant::now();
    let mut child = cmd.spawn().expect("the probe starts");
    let mut stderr = child.stderr.take().expect("piped");
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break Some(status);
        }
        if start.elapsed() > DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let elapsed = start.elapsed();
    let stderr = reader.join().expect("reader");
    Run {
        code: status.and_then(|s| s.code()),
        stderr,
        elapsed,
    }
}

/// The functions of a printed backtrace, each without its crate when it
/// is one of the probe's (`panic_probe::panicking::deep` → `panicking::deep`).
fn functions(stderr: &str) -> Vec<String> {
    stderr
        .lines()
        .filter_map(|l| {
            let (n, rest) = l.trim_start().split_once(": ")?;
            n.chars().all(|c| c.is_ascii_digit()).then_some(rest)
        })
        .map(|f| {
            // `full` prints `0x… - name`, with crate disambiguators
            // (`std[e28293b1aa0f68bd]::`).
            let f = f.rsplit(" - ").next().unwrap_or(f);
            let mut plain = String::new();
            let mut skipping = false;
            for c in f.chars() {
                match c {
                    '[' => skipping = true,
                    ']' if skipping => skipping = false,
                    _ if !skipping => plain.push(c),
                    _ => {}
                }
            }
            // `full` keeps the symbol hash (`::h0123456789abcdef`).
            if let Some((base, hash)) = plain.rsplit_once("::h") {
                if hash.len() == 16 && hash.chars().all(|c| c.is_ascii_hexdigit()) {
                    plain = base.to_owned();
                }
            }
            for krate in ["panic_probe::", "panic_twin::"] {
                if let Some(rest) = plain.strip_prefix(krate) {
                    return rest.to_owned();
                }
            }
            plain
        })
        .filter(|f| f.starts_with("panicking::") || f.starts_with("core::panicking::"))
        .collect()
}

#[test]
fn panics_end_symbolized_in_every_mode() {
    if !cfg!(target_os = "linux") {
        println!("skipped: the trace modes are Linux's here");
        return;
    }
    let mut checked = 0;
    for place in ["main", "thread"] {
        for backtrace in [None, Some("0"), Some("1"), Some("full")] {
            let twin = run(TWIN, place, None, backtrace);
            for trace in [None, Some("1"), Some("trap"), Some("dry-run")] {
                let case =
                    format!("{place}, SANDBOXED_TRACE={trace:?}, RUST_BACKTRACE={backtrace:?}");
                let probe = run(PROBE, place, trace, backtrace);
                if probe.stderr.contains("cannot enforce") {
                    println!("skipped: {}", probe.stderr.trim());
                    return;
                }
                assert!(probe.elapsed < DEADLINE, "{case}: hung:\n{}", probe.stderr);
                assert_eq!(probe.code, Some(101), "{case}:\n{}", probe.stderr);
                assert!(
                    probe.stderr.contains("deliberate panic"),
                    "{case}:\n{}",
                    probe.stderr
                );
                assert!(
                    !probe.stderr.contains("sandboxed: denied"),
                    "{case}: the panic made denied calls:\n{}",
                    probe.stderr
                );
                let want = functions(&twin.stderr);
                if matches!(backtrace, Some("1" | "full")) {
                    assert!(
                        want.iter().any(|f| f == "panicking::inner_panic"),
                        "{}",
                        twin.stderr
                    );
                    assert_eq!(functions(&probe.stderr), want, "{case}:\n{}", probe.stderr);
                } else {
                    assert!(want.is_empty());
                    assert!(
                        probe.stderr.contains("note: run with `RUST_BACKTRACE=1`"),
                        "{case}:\n{}",
                        probe.stderr
                    );
                }
                checked += 1;
            }
        }
    }
    println!("{checked} panics ended, symbolized as std prints them outside");
}

/// A backtrace the program captures itself (`Backtrace::force_capture`)
/// names its functions inside the sandbox only when `RUST_LIB_BACKTRACE`
/// asks entry to warm std's symbolizer: without it std cannot open the
/// executable by path, and prints the frames unnamed (README, "Backtraces
/// inside the sandbox"). Outside (`panic_twin`) std names them either way.
#[test]
fn captured_backtraces_are_named_inside_with_rust_lib_backtrace() {
    if !cfg!(target_os = "linux") {
        println!("skipped: the sandbox's symbolizer is checked on Linux here");
        return;
    }
    let named = |r: &Run| r.stderr.contains("panicking::capture");
    let twin = run_with(TWIN, "capture", &[]);
    assert_eq!(twin.code, Some(0), "{}", twin.stderr);
    assert!(named(&twin), "outside:\n{}", twin.stderr);
    let bare = run_with(PROBE, "capture", &[]);
    if bare.stderr.contains("cannot enforce") {
        println!("skipped: {}", bare.stderr.trim());
        return;
    }
    assert_eq!(bare.code, Some(0), "{}", bare.stderr);
    assert!(!named(&bare), "unset:\n{}", bare.stderr);
    assert!(bare.stderr.contains("0: "), "no frames:\n{}", bare.stderr);
    let warmed = run_with(PROBE, "capture", &[("RUST_LIB_BACKTRACE", Some("1"))]);
    assert_eq!(warmed.code, Some(0), "{}", warmed.stderr);
    assert!(named(&warmed), "RUST_LIB_BACKTRACE=1:\n{}", warmed.stderr);
    println!("a captured backtrace is named inside with RUST_LIB_BACKTRACE=1 only");
}
