//! What `RUST_BACKTRACE=1` costs a short-lived sandboxed tool (`cargo
//! bench -p sandboxed-tests --bench backtrace`, about a minute): the whole
//! process of `tool_sandboxed` (copies a 2 KB file to stdout, in the
//! bench profile: release with `debug = 1`) against `tool_plain`, the
//! same without the attribute, both with `RUST_BACKTRACE=1`, in
//! alternating pairs so that noise from other work hits both alike.
//! Goals: at most 1.15× the time, at most 2 MiB more peak memory (the
//! panic hook symbolizes from the executable opened before entry, read
//! only when a backtrace is printed). For comparison, the same with
//! `RUST_LIB_BACKTRACE=1`, which still warms std's own symbolizer.

#[cfg(not(target_os = "linux"))]
fn main() {
    println!("skipped: the benchmark measures the Linux backend");
}

#[cfg(target_os = "linux")]
fn main() {
    linux::main()
}

#[cfg(target_os = "linux")]
mod linux {
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};

    const SANDBOXED: &str = env!("CARGO_BIN_EXE_tool_sandboxed");
    const PLAIN: &str = env!("CARGO_BIN_EXE_tool_plain");
    const PAIRS: usize = 300;

    /// Wall time, CPU time (user + system) and peak resident memory (KiB)
    /// of one run.
    fn once(bin: &str, file: &std::path::Path, env: &[(&str, &str)]) -> (Duration, Duration, i64) {
        let start = Instant::now();
        // Reaped by wait4 below, which also gives its resource usage.
        #[allow(clippy::zombie_processes)]
        let child = Command::new(bin)
            .arg(file)
            .env_remove("RUST_BACKTRACE")
            .env_remove("RUST_LIB_BACKTRACE")
            .env_remove("SANDBOXED_TRACE")
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .spawn()
            .expect("the tool starts");
        let mut status = 0;
        // SAFETY: a zeroed rusage is valid; wait4 fills it for our child.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        // SAFETY: waiting for our own child, with valid out-pointers.
        let r = unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
        let elapsed = start.elapsed();
        assert!(r > 0 && status == 0, "{bin} failed: status {status}");
        let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
        (
            elapsed,
            tv(usage.ru_utime) + tv(usage.ru_stime),
            usage.ru_maxrss,
        )
    }

    fn mean(v: &[Duration]) -> Duration {
        v.iter().sum::<Duration>() / v.len() as u32
    }

    fn median(mut v: Vec<Duration>) -> Duration {
        v.sort();
        v[v.len() / 2]
    }

    /// Median times and peak memories of `first` and `second`, run in
    /// alternation.
    fn pairs(
        file: &std::path::Path,
        first: (&str, &[(&str, &str)]),
        second: (&str, &[(&str, &str)]),
    ) -> [(Duration, Duration, i64); 2] {
        let mut runs = [(Vec::new(), Vec::new(), 0), (Vec::new(), Vec::new(), 0)];
        for _ in 0..PAIRS {
            for (i, (bin, env)) in [first, second].into_iter().enumerate() {
                let (t, cpu, rss) = once(bin, file, env);
                runs[i].0.push(t);
                runs[i].1.push(cpu);
                runs[i].2 = runs[i].2.max(rss);
            }
        }
        runs.map(|(wall, cpu, rss)| (median(wall), mean(&cpu), rss))
    }

    pub fn main() {
        let file = std::env::temp_dir().join(format!("sandboxed-bench-{}.txt", std::process::id()));
        std::fs::write(&file, "x".repeat(2048)).expect("the input");
        let probe = Command::new(SANDBOXED).arg(&file).output().expect("starts");
        if !probe.status.success() {
            println!("skipped: {}", String::from_utf8_lossy(&probe.stderr).trim());
            return;
        }
        println!("whole process, {PAIRS} alternating pairs, median wall time and peak RSS:");
        let rb: &[(&str, &str)] = &[("RUST_BACKTRACE", "1")];
        let lib: &[(&str, &str)] = &[("RUST_LIB_BACKTRACE", "1")];
        for (label, first, second) in [
            (
                "RUST_BACKTRACE=1, sandboxed vs unsandboxed",
                (SANDBOXED, rb),
                (PLAIN, rb),
            ),
            (
                "no RUST_BACKTRACE, sandboxed vs unsandboxed",
                (SANDBOXED, &[][..]),
                (PLAIN, &[][..]),
            ),
            (
                "sandboxed, RUST_BACKTRACE=1 vs unset",
                (SANDBOXED, rb),
                (SANDBOXED, &[][..]),
            ),
            (
                "RUST_LIB_BACKTRACE=1 (std's symbolizer warmed), sandboxed vs unsandboxed",
                (SANDBOXED, lib),
                (PLAIN, lib),
            ),
        ] {
            let [(s, sc, rs), (p, pc, rp)] = pairs(&file, first, second);
            println!(
                "  {label}: wall {:.0} µs vs {:.0} µs: {:.2}x; CPU {:.0} µs vs {:.0} µs: {:.2}x; peak RSS {} KiB vs {} KiB: {:+} KiB",
                s.as_secs_f64() * 1e6,
                p.as_secs_f64() * 1e6,
                s.as_secs_f64() / p.as_secs_f64(),
                sc.as_secs_f64() * 1e6,
                pc.as_secs_f64() * 1e6,
                sc.as_secs_f64() / pc.as_secs_f64(),
                rs,
                rp,
                rs - rp
            );
        }
        let _ = std::fs::remove_file(&file);
    }
}
