//! What enforcement costs, measured in one run (`cargo bench -p
//! sandboxed-tests --bench enforcement`, under a minute):
//!
//! 1. a 4 KiB read + 4 KiB write loop on limited descriptors inside the
//!    sandbox vs the same loop outside (goal ≤ 1.03×);
//! 2. sandbox entry (open, limit, caches, enter) with 10 preopens
//!    (goal ≤ 200 µs);
//! 3. the cost of one system call (a 1-byte read) on a limited descriptor
//!    with 1, 10, 100 and 1,000 limited descriptors (goal: flat), and the
//!    same call outside.
//!
//! The sandboxed parts run in fresh `bench_probe` processes; the outside
//! loop runs here. Each figure is the minimum (loops) or the median
//! (entry) of several runs, interleaved so that noise from other work on
//! the machine hits both sides alike.

#[cfg(not(target_os = "linux"))]
fn main() {
    println!("skipped: the enforcement benchmark measures the Linux backend");
}

#[cfg(target_os = "linux")]
use linux::main;

#[cfg(target_os = "linux")]
mod linux {
    use std::io::{Read, Write};
    use std::process::Command;
    use std::time::Instant;

    const PROBE: &str = env!("CARGO_BIN_EXE_bench_probe");
    const ITERS: u32 = 100_000;
    const RUNS: usize = 7;

    /// Runs the probe in `mode` with `extra` more limited descriptors and
    /// returns the value of `key=` it printed.
    fn probe(mode: &str, extra: usize, key: &str) -> f64 {
        probe_env(mode, extra, key, &[])
    }

    /// As [`probe`], with more environment variables.
    fn probe_env(mode: &str, extra: usize, key: &str, env: &[(&str, &str)]) -> f64 {
        let out = Command::new(PROBE)
            .arg(mode)
            .arg("/dev/zero")
            .arg("/dev/null")
            .args(std::iter::repeat_n("/dev/zero", extra))
            .env("BENCH_ITERS", ITERS.to_string())
            // The default: std symbolizes no backtrace, so entry does not
            // warm the symbolizer (see the `entry with RUST_BACKTRACE=1`
            // line for the other case).
            .env_remove("RUST_BACKTRACE")
            .env_remove("RUST_LIB_BACKTRACE")
            .envs(env.iter().copied())
            .output()
            .expect("bench_probe starts");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "bench_probe {mode} failed: {}{}",
            stdout,
            String::from_utf8_lossy(&out.stderr)
        );
        stdout
            .split_whitespace()
            .find_map(|kv| kv.strip_prefix(key)?.strip_prefix('='))
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("no {key}= in {stdout:?}"))
    }

    /// The same loop as `bench_probe io`, unsandboxed.
    fn outside_io() -> f64 {
        let mut src = std::fs::File::open("/dev/zero").expect("/dev/zero");
        let mut dst = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/null")
            .expect("/dev/null");
        let mut buf = [0u8; 4096];
        let t = Instant::now();
        for _ in 0..ITERS {
            src.read_exact(&mut buf).expect("read");
            dst.write_all(&buf).expect("write");
        }
        t.elapsed().as_nanos() as f64 / f64::from(ITERS)
    }

    /// The loop of `outside_io` in a forked child that installed one
    /// seccomp program of one instruction (`SECCOMP_RET_ALLOW`): the
    /// floor any seccomp confinement pays on this machine (the system-call
    /// slow path), even when the kernel's action cache skips the programs.
    fn allow_all_io() -> f64 {
        let mut fds = [0; 2];
        // SAFETY: pipe(2) fills the two-element array.
        assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
        // SAFETY: the bench is single-threaded here; the child only runs
        // the loop, writes its figure and _exits.
        match unsafe { libc::fork() } {
            0 => {
                let mut allow = libc::sock_filter {
                    code: 0x06, // BPF_RET | BPF_K
                    jt: 0,
                    jf: 0,
                    k: libc::SECCOMP_RET_ALLOW,
                };
                let prog = libc::sock_fprog {
                    len: 1,
                    filter: &mut allow,
                };
                // SAFETY: prctl and seccomp with a valid one-instruction
                // program; the child exits right after.
                let ok = unsafe {
                    libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0
                        && libc::syscall(
                            libc::SYS_seccomp,
                            libc::SECCOMP_SET_MODE_FILTER,
                            0,
                            &prog as *const libc::sock_fprog,
                        ) == 0
                };
                let ns = if ok { outside_io() } else { -1.0 };
                let bytes = ns.to_ne_bytes();
                // SAFETY: writes 8 bytes from a live array, then _exit.
                unsafe {
                    libc::write(fds[1], bytes.as_ptr().cast(), bytes.len());
                    libc::_exit(0);
                }
            }
            pid => {
                assert!(pid > 0, "fork");
                let mut bytes = [0u8; 8];
                // SAFETY: reads into a live array; waits for our child.
                unsafe {
                    libc::close(fds[1]);
                    libc::read(fds[0], bytes.as_mut_ptr().cast(), bytes.len());
                    libc::close(fds[0]);
                    libc::waitpid(pid, std::ptr::null_mut(), 0);
                }
                f64::from_ne_bytes(bytes)
            }
        }
    }

    /// A 1-byte read loop, unsandboxed.
    fn outside_syscall() -> f64 {
        let mut src = std::fs::File::open("/dev/zero").expect("/dev/zero");
        let mut buf = [0u8; 1];
        let t = Instant::now();
        for _ in 0..ITERS {
            src.read_exact(&mut buf).expect("read");
        }
        t.elapsed().as_nanos() as f64 / f64::from(ITERS)
    }

    fn min(v: &[f64]) -> f64 {
        v.iter().copied().fold(f64::INFINITY, f64::min)
    }

    fn median(v: &mut [f64]) -> f64 {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    }

    pub fn main() {
        // `cargo bench` passes `--bench`; `cargo test --all-targets` runs this
        // target without it, where a minute of timing has no place.
        if !std::env::args().any(|a| a == "--bench") {
            println!("enforcement benchmark: skipped (run it with `cargo bench`)");
            return;
        }
        let start = Instant::now();
        println!("sandboxed enforcement benchmark ({RUNS} runs each, {ITERS} iterations per loop)");

        let (mut inside, mut outside, mut floor) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..RUNS {
            outside.push(outside_io());
            inside.push(probe("io", 1, "io_ns"));
            floor.push(allow_all_io());
        }
        let (i, o, f) = (min(&inside), min(&outside), min(&floor));
        println!(
        "4 KiB read+write loop: outside {o:.0} ns, inside {i:.0} ns per iteration: {:.3}x (goal <= 1.03x); under a one-instruction allow-all seccomp program {f:.0} ns: {:.3}x",
        i / o,
        f / o
    );

        // 10 preopens: clock, src, dst and 7 more.
        let mut entry: Vec<f64> = (0..RUNS * 3)
            .map(|_| probe("entry", 7, "entry_us"))
            .collect();
        println!(
            "entry with 10 preopens: median {:.0} us, min {:.0} us (goal <= 200 us)",
            median(&mut entry),
            min(&entry)
        );
        let mut symbolized: Vec<f64> = (0..RUNS)
            .map(|_| probe_env("entry", 7, "entry_us", &[("RUST_BACKTRACE", "1")]))
            .collect();
        println!(
            "entry with 10 preopens and RUST_BACKTRACE=1 (symbolizer warmed): median {:.0} us",
            median(&mut symbolized)
        );

        let counts = [1usize, 10, 100, 1000];
        let mut per: Vec<Vec<f64>> = vec![Vec::new(); counts.len()];
        let mut plain = Vec::new();
        for _ in 0..RUNS {
            plain.push(outside_syscall());
            for (k, n) in counts.iter().enumerate() {
                per[k].push(probe("syscall", *n, "syscall_ns"));
            }
        }
        let figures: Vec<f64> = per.iter().map(|v| min(v)).collect();
        let line: Vec<String> = counts
            .iter()
            .zip(&figures)
            .map(|(n, ns)| format!("{n}: {ns:.0} ns"))
            .collect();
        println!(
            "one 1-byte read with N limited descriptors: {} (1000/1 = {:.3}x, goal: flat); outside {:.0} ns",
            line.join(", "),
            figures[3] / figures[0],
            min(&plain)
        );
        println!("finished in {:.1}s", start.elapsed().as_secs_f64());
    }
}
