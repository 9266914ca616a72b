//! The sandboxed half of the enforcement benchmark (tests/benches/
//! enforcement.rs): enters through the real attribute, then times one
//! thing and prints `name=value` lines.
//!
//! argv: `bench_probe MODE SRC DST EXTRA...`, MODE one of
//! - `entry`: microseconds from the first `{ expr }` source (evaluated
//!   before the steps run) to the body: open, limit, caches, enter; with
//!   `src` = /dev/zero `[read]`, `dst` = /dev/null `[write]` and the
//!   EXTRA descriptors `[read]`. Wall time, this thread's processor time,
//!   and each step's duration (`steps=name:us,...`, the runtime's
//!   `step-times` feature);
//! - `io`: nanoseconds per 4 KiB read from `src` + 4 KiB write to `dst`;
//! - `syscall`: nanoseconds per 1-byte read from the last EXTRA descriptor
//!   (a cheap call, so the filter's share shows);
//! - `services`: as `entry`, with two services instead of the preopens
//!   (`pwd` and `syslog`: the broker forked, warmed and confined).
//!
//! Iterations come from `$BENCH_ITERS`; the loops give the average of the
//! fastest of 20 chunks.

#[cfg(target_os = "linux")]
mod linux {
    use std::io::{Read, Write};
    use std::sync::OnceLock;
    use std::time::Instant;

    use sandboxed::services::{Pwd, Syslog};
    use sandboxed::{sandboxed, File};

    static START: OnceLock<(Instant, f64)> = OnceLock::new();

    /// The loops' chunks: the fastest one is the figure.
    const CHUNKS: u32 = 20;

    /// This thread's processor time so far, in microseconds
    /// (`CLOCK_THREAD_CPUTIME_ID`, clock_gettime(2)): what a busy machine
    /// does not inflate.
    fn cpu_us() -> f64 {
        let mut t = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: clock_gettime writes one timespec.
        unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) };
        t.tv_sec as f64 * 1e6 + t.tv_nsec as f64 / 1e3
    }

    /// Records when setup began; the path is a harmless preopen.
    fn mark_start() -> &'static str {
        START.get_or_init(|| (Instant::now(), cpu_us()));
        "/dev/null"
    }

    pub fn main() {
        match std::env::args().nth(1).as_deref() {
            Some("services") => services(),
            _ => preopens(),
        }
    }

    /// Microseconds since the first source was evaluated, of wall time
    /// and of this thread's processor time, and each step's share, as
    /// `entry_us=.. entry_cpu_us=.. steps=open:..,limit:..`.
    fn entered() -> String {
        let (wall, cpu) = *START.get().expect("the source ran");
        let wall = wall.elapsed().as_secs_f64() * 1e6;
        let cpu = cpu_us() - cpu;
        let steps: Vec<String> = sandboxed::__private::step_times()
            .iter()
            .map(|(step, us)| format!("{}:{us:.1}", step.replace(' ', "_")))
            .collect();
        format!(
            "entry_us={wall:.1} entry_cpu_us={cpu:.1} steps={}",
            steps.join(",")
        )
    }

    #[sandboxed(
        preopen(clock = file({ mark_start() })),
        rights(clock = [read], stdio),
        services(pwd(cmds = [getpwuid]), syslog),
    )]
    fn services(clock: File, pwd: Pwd, syslog: Syslog) {
        let entry = entered();
        let _ = (clock, pwd, syslog);
        assert!(
            sandboxed::is_sandboxed(),
            "the benchmark must run sandboxed"
        );
        println!("{entry}");
    }

    #[sandboxed(
        preopen(
            clock = file({ mark_start() }),
            src = file(arg(2)),
            dst = file(arg(3), write),
            extra = files(args(4..)),
        ),
        rights(clock = [read], src = [read], dst = [write], extra = [read], stdio),
    )]
    fn preopens(clock: File, mut src: File, mut dst: File, mut extra: Vec<File>) {
        let entry = entered();
        let _ = clock;
        let mode = std::env::args().nth(1).unwrap_or_default();
        let iters: u32 = std::env::var("BENCH_ITERS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(100_000);
        assert!(
            sandboxed::is_sandboxed(),
            "the benchmark must run sandboxed"
        );
        let mut buf = [0u8; 4096];
        match mode.as_str() {
            "entry" => println!("{entry}"),
            "io" => {
                let ns = sandboxed_tests::fastest_chunk(iters, CHUNKS, || {
                    src.read_exact(&mut buf).expect("read");
                    dst.write_all(&buf).expect("write");
                });
                println!("io_ns={ns:.1}");
            }
            "syscall" => {
                let last = extra.last_mut().expect("at least one extra descriptor");
                let ns = sandboxed_tests::fastest_chunk(iters, CHUNKS, || {
                    last.read_exact(&mut buf[..1]).expect("read");
                });
                println!("syscall_ns={ns:.1} descriptors={}", extra.len());
            }
            "fstat" => {
                // glibc's fstat: fstatat(1, "", AT_EMPTY_PATH), which the
                // supervisor answers (supervise.rs). A twentieth of the
                // iterations: each is a round trip to another process.
                let ns = sandboxed_tests::fastest_chunk(iters / 20, CHUNKS, || {
                    // SAFETY: `stat` is plain old data; all zeroes is valid.
                    let mut st: libc::stat = unsafe { std::mem::zeroed() };
                    // SAFETY: fstat(3) of standard output into a live buffer.
                    assert_eq!(unsafe { libc::fstat(1, &mut st) }, 0, "fstat");
                });
                println!("fstat_ns={ns:.1}");
            }
            other => panic!("unknown mode {other:?}"),
        }
    }
}

#[cfg(target_os = "linux")]
fn main() {
    linux::main()
}

#[cfg(not(target_os = "linux"))]
fn main() {
    println!("skipped: the enforcement benchmark attacks the Linux backend");
}
