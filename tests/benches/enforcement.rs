//! What enforcement costs, every goal side by side in one run (`cargo bench
//! -p sandboxed-tests --bench enforcement`, about a minute):
//!
//! 1. sandbox entry (open, limit, caches, services, enter) with 10
//!    preopens (goal ≤ 200 µs, median) and with 2 services (`pwd`,
//!    `syslog`: the broker forked, warmed, confined; goal ≤ 1 ms);
//! 2. the whole process: a release program copying a 2 KB file to stdout
//!    (`whole_sandboxed`) against the same program without the attribute
//!    (`whole_plain`), in alternating rounds (goal ≤ 1.10× the plain
//!    median), beside the same program confined by rust-landlock alone
//!    (`whole_landlock`) and by extrasafe's seccomp filter alone
//!    (`whole_extrasafe`), with each one's peak memory, and the floors of
//!    any seccomp confinement (`whole_seccomp_floor`): a one-instruction
//!    allow-all program, and a program as long as the sandboxed one's
//!    whose every call stops at its first instruction (what the kernel
//!    spends per instruction at attach, whatever the program says); then
//!    the same pair with `RUST_BACKTRACE=1` in both environments (goal
//!    ≤ 1.15× and at most 2 MiB more peak memory; the bench profile
//!    builds them with `debug = 1`);
//! 3. a 4 KiB read + 4 KiB write loop on limited descriptors inside the
//!    sandbox against the same loop under a one-instruction allow-all
//!    seccomp program (goal: within 1%), and outside;
//! 4. one system call (a 1-byte read) on a limited descriptor with 1, 10,
//!    100 and 1,000 limited descriptors (goal: flat);
//! 5. fstat(3) and 6. a lookup beneath a preopened directory, which the
//!    supervisor answers (`lookup_probe`), inside and outside.
//!
//! The sandboxed parts run in fresh processes; the outside loops run here.
//! Each figure is the minimum (loops: of the fastest of 20 chunks of each
//! run) or the median and the minimum (entry, processes) of several runs, interleaved so that noise from
//! other work on the machine hits every side alike; entry and processes
//! give processor time besides wall time (a loaded machine inflates wall
//! time by waiting, processor time far less), and entry gives each step's
//! median (the runtime's `step-times` feature). `BENCH_ROUNDS` sets the
//! whole-process rounds (default 200).

#[cfg(not(target_os = "linux"))]
fn main() {
    println!("skipped: the enforcement benchmark measures the Linux backend");
}

#[cfg(target_os = "linux")]
use linux::main;

#[cfg(target_os = "linux")]
mod linux {
    use std::io::{Read, Write};
    use std::process::{Command, Stdio};
    use std::time::Instant;

    const PROBE: &str = env!("CARGO_BIN_EXE_bench_probe");
    const ITERS: u32 = 100_000;
    /// The loops' chunks (as `bench_probe`): the fastest one is the figure.
    const CHUNKS: u32 = 20;
    const RUNS: usize = 7;

    /// The whole-process programs: the baseline first.
    const WHOLE: [(&str, &str); 5] = [
        ("without the attribute", env!("CARGO_BIN_EXE_whole_plain")),
        ("sandboxed", env!("CARGO_BIN_EXE_whole_sandboxed")),
        ("rust-landlock only", env!("CARGO_BIN_EXE_whole_landlock")),
        ("extrasafe only", env!("CARGO_BIN_EXE_whole_extrasafe")),
        (
            "a one-instruction allow-all seccomp program",
            env!("CARGO_BIN_EXE_whole_seccomp_floor"),
        ),
    ];

    /// Runs the probe in `mode` with `extra` more limited descriptors and
    /// returns the value of `key=` it printed.
    fn probe(mode: &str, extra: usize, key: &str) -> f64 {
        number(&probe_env(mode, extra, &[]), key)
    }

    /// Runs the probe in `mode` with `extra` more limited descriptors and
    /// more environment variables; returns what it printed.
    fn probe_env(mode: &str, extra: usize, env: &[(&str, &str)]) -> String {
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
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(
            out.status.success(),
            "bench_probe {mode} failed: {}{}",
            stdout,
            String::from_utf8_lossy(&out.stderr)
        );
        stdout
    }

    /// The value of `key=` in `printed`.
    fn field<'a>(printed: &'a str, key: &str) -> &'a str {
        printed
            .split_whitespace()
            .find_map(|kv| kv.strip_prefix(key)?.strip_prefix('='))
            .unwrap_or_else(|| panic!("no {key}= in {printed:?}"))
    }

    /// The number `key=` in `printed`.
    fn number(printed: &str, key: &str) -> f64 {
        field(printed, key)
            .parse()
            .unwrap_or_else(|_| panic!("{key}= is not a number in {printed:?}"))
    }

    /// Entries of one kind: wall and processor times, and each step's.
    #[derive(Default)]
    struct Entries {
        wall: Vec<f64>,
        cpu: Vec<f64>,
        steps: Vec<(String, Vec<f64>)>,
    }

    impl Entries {
        /// Adds one entry as the probe printed it.
        fn add(&mut self, printed: &str) {
            self.wall.push(number(printed, "entry_us"));
            self.cpu.push(number(printed, "entry_cpu_us"));
            self.add_steps(printed);
        }

        /// Adds the `steps=` of one entry.
        fn add_steps(&mut self, printed: &str) {
            for step in field(printed, "steps").split(',').filter(|s| !s.is_empty()) {
                let (name, us) = step.split_once(':').expect("step:us");
                let us: f64 = us.parse().expect("a number");
                match self.steps.iter_mut().find(|(n, _)| n == name) {
                    Some((_, v)) => v.push(us),
                    None => self.steps.push((name.to_owned(), vec![us])),
                }
            }
        }

        /// Prints the medians and minima, and each step's median.
        fn print(&mut self, what: &str, goal: &str) {
            println!(
                "{what}: median {:.0} us, min {:.0} us of wall time ({goal}); processor time median {:.0} us, min {:.0} us",
                median(&mut self.wall),
                min(&self.wall),
                median(&mut self.cpu),
                min(&self.cpu)
            );
            println!("  where it goes (medians, us): {}", self.step_medians());
        }

        /// Each step's median, in order.
        fn step_medians(&mut self) -> String {
            let steps: Vec<String> = self
                .steps
                .iter_mut()
                .map(|(name, v)| format!("{} {:.0}", name.replace('_', " "), median(v)))
                .collect();
            steps.join(", ")
        }
    }

    /// The same loop as `bench_probe io`, unsandboxed.
    fn outside_io() -> f64 {
        let mut src = std::fs::File::open("/dev/zero").expect("/dev/zero");
        let mut dst = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/null")
            .expect("/dev/null");
        let mut buf = [0u8; 4096];
        sandboxed_tests::fastest_chunk(ITERS, CHUNKS, || {
            src.read_exact(&mut buf).expect("read");
            dst.write_all(&buf).expect("write");
        })
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
        sandboxed_tests::fastest_chunk(ITERS, CHUNKS, || {
            src.read_exact(&mut buf).expect("read");
        })
    }

    /// Runs `program input` to completion with stdout on /dev/null: its
    /// wall time from spawn to reaping (µs), the processor time it used
    /// (µs, user + system, getrusage(2) of the child: what a busy machine
    /// does not inflate) and its peak resident memory (KiB, `ru_maxrss`).
    // The child is reaped by wait4(2), which gives its rusage; std's
    // `Child::wait` does not.
    #[allow(clippy::zombie_processes)]
    fn run_whole(
        program: &str,
        input: &std::path::Path,
        env: &[(&str, String)],
    ) -> (f64, f64, f64) {
        let t = Instant::now();
        let child = Command::new(program)
            .arg(input)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .env_remove("RUST_BACKTRACE")
            .env_remove("RUST_LIB_BACKTRACE")
            .envs(env.iter().map(|(k, v)| (k, v)))
            .spawn()
            .expect("the program starts");
        let mut status = 0;
        // SAFETY: a zeroed rusage is valid; wait4 reaps our own child and
        // fills both out-pointers.
        let usage = unsafe {
            let mut usage: libc::rusage = std::mem::zeroed();
            let pid = child.id() as libc::pid_t;
            assert_eq!(libc::wait4(pid, &mut status, 0, &mut usage), pid);
            usage
        };
        let us = t.elapsed().as_secs_f64() * 1e6;
        assert!(
            libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
            "{program} failed: {status:#x}"
        );
        let tv = |t: libc::timeval| t.tv_sec as f64 * 1e6 + t.tv_usec as f64;
        let cpu = tv(usage.ru_utime) + tv(usage.ru_stime);
        (us, cpu, usage.ru_maxrss as f64)
    }

    /// The scratch input of the whole-process programs: a 2 KB file in a
    /// directory of its own (removed by the caller).
    fn whole_input() -> (std::path::PathBuf, std::path::PathBuf) {
        let dir = std::env::temp_dir().join(format!("sandboxed-bench-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a scratch directory");
        let input = dir.join("input.bin");
        let bytes: Vec<u8> = (0..2048u32).map(|i| (i * 7 % 251) as u8).collect();
        std::fs::write(&input, bytes).expect("the input file");
        (dir, input)
    }

    /// The whole-process rounds (`BENCH_ROUNDS`, default 200).
    fn rounds() -> usize {
        std::env::var("BENCH_ROUNDS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(200)
    }

    /// Wall times, processor times and peak memories of `programs` (path,
    /// environment), run in turn for `rounds` rounds, rotating who goes
    /// first so that noise from other work hits every one alike.
    fn alternate(
        programs: &[(&str, Vec<(&str, String)>)],
        input: &std::path::Path,
        rounds: usize,
    ) -> Vec<[Vec<f64>; 3]> {
        let mut out = vec![[Vec::new(), Vec::new(), Vec::new()]; programs.len()];
        for round in 0..rounds {
            for k in 0..programs.len() {
                let i = (round + k) % programs.len();
                let (us, used, kib) = run_whole(programs[i].0, input, &programs[i].1);
                out[i][0].push(us);
                out[i][1].push(used);
                out[i][2].push(kib);
            }
        }
        out
    }

    /// Goal 2: the whole process, the programs in turn, rotating who goes
    /// first; then the floors: a one-instruction seccomp program, and one
    /// as long as the sandboxed program's whose calls all stop at its
    /// first instruction (what the kernel spends per instruction at
    /// attach, `whole_seccomp_floor`).
    fn whole_process() {
        let rounds = rounds();
        let (dir, input) = whole_input();
        // Where the sandboxed program's extra time goes: its entry steps,
        // in fresh processes as above, and the instructions it installs.
        let mut steps = Entries::default();
        let mut instructions = 0;
        for _ in 0..RUNS * 3 {
            let out = Command::new(WHOLE[1].1)
                .arg(&input)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .env_remove("RUST_BACKTRACE")
                .env_remove("RUST_LIB_BACKTRACE")
                .env("BENCH_STEPS", "1")
                .output()
                .expect("the program starts");
            let printed = String::from_utf8_lossy(&out.stderr);
            steps.add_steps(&printed);
            instructions = number(&printed, "instructions") as usize;
        }
        let mut programs: Vec<(&str, Vec<(&str, String)>)> =
            WHOLE.iter().map(|(_, path)| (*path, Vec::new())).collect();
        programs.push((WHOLE[4].1, vec![("FLOOR_INSNS", instructions.to_string())]));
        let mut names: Vec<String> = WHOLE.iter().map(|(name, _)| name.to_string()).collect();
        names.push(format!(
            "a {instructions}-instruction seccomp program (the sandboxed one's length) answering at its first"
        ));
        let mut runs = alternate(&programs, &input, rounds);
        let _ = std::fs::remove_dir_all(&dir);
        let [times, cpu, _] = &mut runs[0];
        let (base, base_cpu) = (median(times), median(cpu));
        let (base_min, base_cpu_min) = (min(times), min(cpu));
        println!(
            "whole process, a release program copying a 2 KB file to stdout ({rounds} alternating rounds; medians, then minima; wall time, then processor time):"
        );
        for (i, name) in names.iter().enumerate() {
            let [times, cpu, memory] = &mut runs[i];
            let t = median(times);
            let c = median(cpu);
            let (tm, cm) = (min(times), min(cpu));
            let goal = if i == 1 { " (goal <= 1.10x)" } else { "" };
            println!(
                "  {name}: wall {t:.0} us, {:.3}x{goal}, min {tm:.0} us, {:.3}x; processor {c:.0} us, {:.3}x, min {cm:.0} us, {:.3}x; peak memory {:.1} MB",
                t / base,
                tm / base_min,
                c / base_cpu,
                cm / base_cpu_min,
                median(memory) / 1024.0
            );
        }
        println!(
            "  the sandboxed program's entry steps, in a fresh process (medians, us): {}; its seccomp program: {instructions} instructions",
            steps.step_medians()
        );
    }

    /// The whole process with `RUST_BACKTRACE=1` in the
    /// environment of both programs (the bench profile builds them with
    /// `debug = 1`): the sandboxed one keeps its executable open for the
    /// panic hook, which symbolizes only when a backtrace is printed.
    fn whole_backtrace() {
        let rounds = rounds();
        let (dir, input) = whole_input();
        let backtrace = || vec![("RUST_BACKTRACE", "1".to_string())];
        let programs = [(WHOLE[0].1, backtrace()), (WHOLE[1].1, backtrace())];
        let mut runs = alternate(&programs, &input, rounds);
        let _ = std::fs::remove_dir_all(&dir);
        let mut figures = runs
            .iter_mut()
            .map(|[times, cpu, memory]| (median(times), min(times), median(cpu), median(memory)));
        let (plain, sandboxed) = (figures.next().unwrap(), figures.next().unwrap());
        println!(
            "whole process with RUST_BACKTRACE=1 ({rounds} alternating rounds): sandboxed {:.0} us vs {:.0} us without the attribute: {:.3}x (goal <= 1.15x), min {:.3}x; processor {:.3}x; peak memory {:.1} MB vs {:.1} MB: {:+.2} MiB (goal <= 2 MiB)",
            sandboxed.0,
            plain.0,
            sandboxed.0 / plain.0,
            sandboxed.1 / plain.1,
            sandboxed.2 / plain.2,
            sandboxed.3 / 1024.0,
            plain.3 / 1024.0,
            (sandboxed.3 - plain.3) / 1024.0
        );
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

        // 1. Entry: 10 preopens are clock, src, dst and 7 more.
        let (mut entry, mut services) = (Entries::default(), Entries::default());
        for _ in 0..RUNS * 3 {
            entry.add(&probe_env("entry", 7, &[]));
            services.add(&probe_env("services", 0, &[]));
        }
        entry.print("entry with 10 preopens", "goal <= 200 us");
        services.print(
            "entry with 2 services (pwd, syslog)",
            "goal <= 1000 us; processor time of the program alone, not the broker",
        );
        let mut symbolized: Vec<f64> = (0..RUNS)
            .map(|_| {
                number(
                    &probe_env("entry", 7, &[("RUST_BACKTRACE", "1")]),
                    "entry_us",
                )
            })
            .collect();
        println!(
            "entry with 10 preopens and RUST_BACKTRACE=1 (symbolizer warmed): median {:.0} us",
            median(&mut symbolized)
        );

        // 2. The whole process, and with RUST_BACKTRACE=1.
        whole_process();
        whole_backtrace();

        // 3. The 4 KiB loop.
        let (mut inside, mut outside, mut floor) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..RUNS {
            outside.push(outside_io());
            inside.push(probe("io", 1, "io_ns"));
            floor.push(allow_all_io());
        }
        let (i, o, f) = (min(&inside), min(&outside), min(&floor));
        println!(
            "4 KiB read+write loop: inside {i:.0} ns per iteration, under a one-instruction allow-all seccomp program {f:.0} ns: {:.3}x (goal <= 1.01x); outside {o:.0} ns",
            i / f
        );

        // 4. One system call against the number of limited descriptors.
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
        // 5. fstat(3) (glibc: fstatat with AT_EMPTY_PATH), answered by
        // the supervisor inside.
        let (mut inside, mut outside) = (Vec::new(), Vec::new());
        for _ in 0..RUNS {
            outside.push(sandboxed_tests::fastest_chunk(ITERS, CHUNKS, || {
                // SAFETY: `stat` is plain old data; all zeroes is valid.
                let mut st: libc::stat = unsafe { std::mem::zeroed() };
                // SAFETY: fstat(3) of standard output into a live buffer.
                assert_eq!(unsafe { libc::fstat(1, &mut st) }, 0, "fstat");
            }));
            inside.push(probe("fstat", 1, "fstat_ns"));
        }
        println!(
            "fstat(3) of standard output (fstatat(1, \"\", AT_EMPTY_PATH), answered by the supervisor inside): inside {:.1} us, outside {:.2} us",
            min(&inside) / 1000.0,
            min(&outside) / 1000.0
        );
        // 6. A lookup beneath a preopened directory, which the supervisor
        // walks (fstatat(2)), and Dir::symlink_metadata (an O_PATH open
        // walked then continued, and fstat of it).
        let world = std::env::temp_dir().join(format!("lookup-bench-{}", std::process::id()));
        std::fs::create_dir_all(world.join("sub")).expect("bench directory");
        std::fs::write(world.join("sub/file"), "x").expect("bench file");
        let (mut stat_in, mut meta_in, mut stat_out) = (Vec::new(), Vec::new(), Vec::new());
        let (mut open_in, mut open_out, mut dup_in, mut dup_out) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let dir = std::ffi::CString::new(world.clone().into_os_string().into_encoded_bytes())
            .expect("no NUL");
        // SAFETY: open(2) of a NUL-terminated path; closed below.
        let dir_fd = unsafe { libc::open(dir.as_ptr(), libc::O_RDONLY | libc::O_DIRECTORY) };
        assert!(dir_fd >= 0, "open the bench directory");
        let path =
            std::ffi::CString::new(world.join("sub/file").into_os_string().into_encoded_bytes())
                .expect("no NUL");
        for _ in 0..RUNS {
            stat_out.push(sandboxed_tests::fastest_chunk(ITERS, CHUNKS, || {
                // SAFETY: `stat` is plain old data; all zeroes is valid.
                let mut st: libc::stat = unsafe { std::mem::zeroed() };
                // SAFETY: stat(2) of a NUL-terminated path into a live buffer.
                assert_eq!(unsafe { libc::stat(path.as_ptr(), &mut st) }, 0, "stat");
            }));
            let out = Command::new(env!("CARGO_BIN_EXE_lookup_probe"))
                .arg(&world)
                .env("BENCH_ITERS", (ITERS / 20).to_string())
                .env_remove("RUST_BACKTRACE")
                .output()
                .expect("lookup_probe starts");
            let text = String::from_utf8_lossy(&out.stdout).into_owned();
            assert!(out.status.success(), "lookup_probe failed: {text}");
            stat_in.push(number(&text, "fstatat_ns"));
            meta_in.push(number(&text, "symlink_metadata_ns"));
            open_in.push(number(&text, "openat_ns"));
            dup_in.push(number(&text, "dup_ns"));
            open_out.push(sandboxed_tests::fastest_chunk(ITERS, CHUNKS, || {
                // SAFETY: openat(2) of a NUL-terminated path, closed at once.
                unsafe {
                    let f = libc::openat(
                        dir_fd,
                        c"sub/file".as_ptr(),
                        libc::O_RDONLY | libc::O_CLOEXEC,
                    );
                    assert!(f >= 0, "openat");
                    libc::close(f);
                }
            }));
            dup_out.push(sandboxed_tests::fastest_chunk(ITERS, CHUNKS, || {
                // SAFETY: dup(2) of a descriptor we hold, closed at once.
                unsafe {
                    let d = libc::dup(dir_fd);
                    assert!(d >= 0, "dup");
                    libc::close(d);
                }
            }));
        }
        // SAFETY: the directory opened above.
        unsafe { libc::close(dir_fd) };
        let _ = std::fs::remove_dir_all(&world);
        println!(
            "fstatat(2) of a path beneath a preopened directory (walked by the supervisor): inside {:.1} us, outside {:.2} us; Dir::symlink_metadata inside {:.1} us",
            min(&stat_in) / 1000.0,
            min(&stat_out) / 1000.0,
            min(&meta_in) / 1000.0
        );
        println!(
            "openat(2) and close(2) of a file beneath a preopened directory (opened by the supervisor, placed in the directory's pool): inside {:.1} us, outside {:.2} us; dup(2) and close(2) of it (placed by the supervisor): inside {:.1} us, outside {:.2} us",
            min(&open_in) / 1000.0,
            min(&open_out) / 1000.0,
            min(&dup_in) / 1000.0,
            min(&dup_out) / 1000.0
        );
        println!("finished in {:.1}s", start.elapsed().as_secs_f64());
    }
}
