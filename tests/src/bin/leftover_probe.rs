//! A sandboxed program whose compartments can make processes (seccomp(2)
//! is refused inside the sandbox, so they cannot add the no-fork
//! program; FreeBSD's capability mode allows fork(2)), or, under
//! `SANDBOXED_TRACE=dry-run`, an unsandboxed one whose compartments only
//! dry-run their entry. Its first compartment leaves a process behind, as
//! an attacker who took it over would: setsid(2), every signal it can
//! ignored, nothing closed, reading and forging answers on every
//! descriptor it kept for 1.5 s. Then three compartments of the same kind
//! (one-shots, hence the same zygote slot) echo a secret input. The
//! leftover reports what it read in memory shared from before the fork.
//!
//! Prints one line per way the compartments are forked: `direct` (the
//! program is single-threaded), `zygote` (it runs a second thread):
//! `ok`, or what crossed. Run by tests/tests/compartment.rs.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use sandboxed::compartment::{prepare, Compartment};

/// The secret each later compartment gets, and echoes.
const SECRET: &[u8] = b"secret input of a later compartment";
/// A well-formed answer (`END`, `OK`, the bytes of a `Vec<u8>`).
const FORGED: &[u8] = b"\xff\x00FORGED";
/// How long the leftover process reads and forges.
const WINDOW: Duration = Duration::from_millis(1500);

/// What one leftover process reports, in memory mapped `MAP_SHARED`
/// before the program forked anything.
#[repr(C)]
struct Report {
    /// 1 once it runs, 2 once its window is over.
    state: AtomicU64,
    /// Reads that returned bytes of [`SECRET`].
    secrets: AtomicU64,
    /// Bytes it read in all.
    read: AtomicU64,
    /// Forged answers a descriptor took.
    forged: AtomicU64,
}

fn leave_a_process(report: &u64) -> Result<(), String> {
    let report = *report as usize as *const Report;
    // SAFETY: fork(2) of the single-threaded compartment.
    if unsafe { libc::fork() } != 0 {
        return Ok(());
    }
    // SAFETY: the mapping outlives every process forked from the program
    // (MAP_SHARED, never unmapped).
    let report = unsafe { &*report };
    // SAFETY: setsid(2) and signal(2) with integer arguments: leave the
    // compartment's session and process group, ignore what can be.
    unsafe {
        libc::setsid();
        for signal in 1..32 {
            libc::signal(signal, libc::SIG_IGN);
        }
    }
    report.state.store(1, Ordering::SeqCst);
    for fd in 0..64 {
        // SAFETY: fcntl(2) with integers; reads must not wait.
        unsafe { libc::fcntl(fd, libc::F_SETFL, libc::O_NONBLOCK) };
    }
    let mut buf = [0u8; 8192];
    let start = Instant::now();
    while start.elapsed() < WINDOW {
        for fd in 0..64 {
            // SAFETY: read(2) into a live buffer of its length.
            let n = unsafe { libc::read(fd, buf.as_mut_ptr().cast(), buf.len()) };
            if n > 0 {
                let got = &buf[..n as usize];
                report.read.fetch_add(got.len() as u64, Ordering::SeqCst);
                if got.windows(6).any(|w| w == b"secret") {
                    report.secrets.fetch_add(1, Ordering::SeqCst);
                }
            }
            // SAFETY: write(2) of a static buffer (SIGPIPE ignored).
            if unsafe { libc::write(fd, FORGED.as_ptr().cast(), FORGED.len()) } > 0 {
                report.forged.fetch_add(1, Ordering::SeqCst);
            }
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    report.state.store(2, Ordering::SeqCst);
    // SAFETY: _exit(2) of the leftover process.
    unsafe { libc::_exit(0) }
}

fn echo(input: &[u8]) -> Result<Vec<u8>, String> {
    // Give a process that reads the same channel time to take it first.
    std::thread::sleep(Duration::from_millis(100));
    Ok(input.to_vec())
}

/// One leftover, then three later compartments: what crossed, if anything.
fn attempt(report: &Report) -> Result<(), String> {
    let limits = Compartment::new().timeout(Duration::from_secs(5));
    let start = Instant::now();
    // Its own answer may be forged: it is the leftover's own compartment.
    let _ = limits.run(leave_a_process, &(report as *const Report as u64));
    let mut crossed = Vec::new();
    for i in 0..3 {
        let r = limits.run(echo, SECRET);
        if r.as_deref().ok() != Some(SECRET) {
            crossed.push(format!("later compartment {i} answered {r:?}"));
        }
    }
    while report.state.load(Ordering::SeqCst) == 1 && start.elapsed() < WINDOW * 2 {
        std::thread::sleep(Duration::from_millis(10));
    }
    if report.state.load(Ordering::SeqCst) == 0 {
        return Err("the leftover process never ran: the check cannot fail".into());
    }
    let secrets = report.secrets.load(Ordering::SeqCst);
    if secrets > 0 {
        crossed.push(format!(
            "the leftover process read a later input {secrets} times ({} bytes in all)",
            report.read.load(Ordering::SeqCst)
        ));
    }
    if crossed.is_empty() {
        Ok(())
    } else {
        Err(crossed.join("; "))
    }
}

/// `--plain`: not sandboxed (with `SANDBOXED_TRACE=dry-run`, compartments
/// dry-run their entry; a `#[sandboxed]` program under dry-run cannot
/// start a zygote, since dry-run runs a thread of its own).
fn main() {
    if std::env::args().nth(1).as_deref() == Some("--plain") {
        attempts();
    } else {
        sandboxed_main();
    }
}

#[sandboxed::sandboxed(rights(stdio))]
fn sandboxed_main() {
    attempts();
}

/// Both ways, each with its own report.
fn attempts() {
    // SAFETY: an anonymous shared mapping of two reports, made before
    // anything is forked, so every process forked later shares it.
    let page = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            4096,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_SHARED | libc::MAP_ANONYMOUS,
            -1,
            0,
        )
    };
    assert_ne!(page, libc::MAP_FAILED, "mmap");
    // SAFETY: the mapping is zeroed, aligned and large enough for two
    // reports, whose atomics accept all zeroes.
    let reports = unsafe { std::slice::from_raw_parts(page as *const Report, 2) };
    prepare(&[]).expect("prepare");
    let show = |way: &str, r: Result<(), String>| match r {
        Ok(()) => println!("{way}: ok"),
        Err(e) => println!("{way}: {e}"),
    };
    show("direct", attempt(&reports[0]));
    let other = std::thread::spawn(std::thread::park);
    show("zygote", attempt(&reports[1]));
    other.thread().unpark();
    let _ = other.join();
}
