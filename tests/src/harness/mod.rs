//! A process-per-case harness in the manner of birdcage's
//! `integration/harness.rs`: for each case the runner (never sandboxed)
//! builds a fresh [`World`] (files, a listener, a victim process, ...),
//! starts a fresh `escape_probe` that enters the sandbox through the real
//! attribute and tries one thing, then checks the probe's answer AND that
//! nothing changed outside. Output is libtest-like, one line per case.
//!
//! - this file: promises, expectations, cases and what a probe reported;
//! - `expect.rs`: whether a report is what a case expects;
//! - `world.rs`: the world a case runs in, and its snapshots;
//! - `run.rs`: running cases and items, libtest-like;
//! - `differences.rs`: the kinds of difference from Capsicum the Linux
//!   table documents.

pub mod differences;
mod expect;
mod run;
mod world;

pub use run::{case_items, run_all, run_baseline, run_case, run_items, Item, Outcome};
pub use world::{snapshot, Entry, Snapshot, World};

use std::io::Read;
use std::net::TcpStream;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// Which promise of the Linux backend a case tests: the numbered rows of
/// the "Linux vs Capsicum" table in `runtime/src/backend/linux/mod.rs`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Promise {
    /// 1. No global namespaces after entry.
    Namespaces,
    /// 2. No new process images or foreign processes.
    Processes,
    /// 3. No new network endpoints.
    Network,
    /// 4. No kernel surface that bypasses the filter or the namespace.
    Kernel,
    /// 5. Per-descriptor rights as declared.
    Rights,
    /// 6. Holds for every thread and child.
    Inherited,
    /// 8. Rights limited after entry only shrink, for good.
    Narrowing,
}

impl Promise {
    /// The short name used in case names (`p1`...).
    pub fn tag(self) -> &'static str {
        match self {
            Promise::Namespaces => "p1_namespaces",
            Promise::Processes => "p2_processes",
            Promise::Network => "p3_network",
            Promise::Kernel => "p4_kernel",
            Promise::Rights => "p5_rights",
            Promise::Inherited => "p6_inherited",
            Promise::Narrowing => "p8_narrowing",
        }
    }
}

/// What the probe must answer.
#[derive(Clone, Copy, Debug)]
pub enum Expect {
    /// The operation works (a positive twin).
    Allowed,
    /// The sandbox denies it with one of these errnos, and
    /// `sandboxed::is_violation` says so.
    Denied(&'static [i32]),
    /// Refused with one of these errnos that are NOT reported as
    /// violations: the kernel's own answer for a narrowed access mode
    /// (`EBADF`), or `ENOSYS` for calls libc falls back from.
    Refused(&'static [i32]),
    /// An ordinary error (not the sandbox): this errno, and
    /// `is_violation` is false.
    Ordinary(i32),
    /// The probe panics (exit 101) and prints a symbolized backtrace
    /// naming this function.
    Panics(&'static str),
    /// Denied with one of the first errnos (and `is_violation` says so),
    /// or refused with one of the second, which are not violations (the
    /// kernel's `EBADF` for a narrowed access mode).
    DeniedOrRefused(&'static [i32], &'static [i32]),
    /// Works, or fails with an error that is not the sandbox's
    /// (`is_violation` false): capsicum-test's `EXPECT_FAIL_NOT_CAPMODE`.
    NotDenied,
    /// The probe is killed by this signal.
    Signal(i32),
    /// Fails, with any error.
    Fails,
}

/// A check of the world after a run.
pub type Check = fn(&mut World, &Report) -> Result<(), String>;

/// One case: the probe's case name, its promise, the answer, and what
/// may differ in the world afterwards.
#[derive(Clone, Copy, Debug)]
pub struct Case {
    /// The name the probe knows (`sandboxed_tests::escapes::all()`).
    pub name: &'static str,
    /// The promise it tests.
    pub promise: Promise,
    /// The answer it must get.
    pub expect: Expect,
    /// Paths (relative to the world's root) that may change; everything
    /// else must be byte-for-byte and mode-for-mode as before. `net:udp`
    /// lets the UDP socket receive a datagram.
    pub changes: &'static [&'static str],
    /// A further check on the world after the probe exited.
    pub check: Option<Check>,
    /// Returns `Some(reason)` when the kernel lacks what the case needs.
    pub skip: Option<fn() -> Option<String>>,
    /// Where the Linux table (runtime/src/backend/linux/mod.rs) documents
    /// that Linux differs from Capsicum here: a failure is then a known
    /// hole, reported as such, and fails the run only with `--strict`.
    pub documented: Option<&'static str>,
}

impl Case {
    /// A case with no extra changes, check or skip.
    pub const fn new(name: &'static str, promise: Promise, expect: Expect) -> Case {
        Case {
            name,
            promise,
            expect,
            changes: &[],
            check: None,
            skip: None,
            documented: None,
        }
    }

    /// Marks a failure as a difference the Linux table documents.
    pub const fn documented(mut self, row: &'static str) -> Case {
        self.documented = Some(row);
        self
    }

    /// Allows `paths` to change.
    pub const fn changes(mut self, paths: &'static [&'static str]) -> Case {
        self.changes = paths;
        self
    }

    /// Adds a check after the run.
    pub const fn check(mut self, f: Check) -> Case {
        self.check = Some(f);
        self
    }

    /// Adds a skip condition.
    pub const fn skip(mut self, f: fn() -> Option<String>) -> Case {
        self.skip = Some(f);
        self
    }
}

/// What the probe printed and how it ended.
#[derive(Debug)]
pub struct Report {
    /// The `outcome:` line, without the prefix.
    pub outcome: Option<String>,
    /// Everything on stdout.
    pub stdout: String,
    /// Everything on stderr.
    pub stderr: String,
    /// The exit status (`None`: killed by a signal).
    pub code: Option<i32>,
    /// The signal that killed the probe, if one did.
    pub signal: Option<i32>,
    /// Wall time of the probe process.
    pub elapsed: Duration,
    /// Why the case was skipped: the backend refused to start because the
    /// kernel lacks a mechanism (it failed closed).
    pub skipped: Option<String>,
}

impl Report {
    /// Runs the probe command and reads its report.
    pub fn of(probe: &Path, cmd: &mut Command) -> Result<Report, String> {
        let start = Instant::now();
        let output = cmd
            .output()
            .map_err(|e| format!("starting {}: {e}", probe.display()))?;
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        Ok(Report {
            outcome: stdout
                .lines()
                .find_map(|l| l.strip_prefix("outcome: "))
                .map(str::to_owned),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            stdout,
            code: output.status.code(),
            signal: std::os::unix::process::ExitStatusExt::signal(&output.status),
            elapsed: start.elapsed(),
            skipped: None,
        })
    }
}

/// The probe's answer, parsed.
#[derive(Debug, PartialEq, Eq)]
pub enum Answer {
    /// `outcome: ok ...`.
    Ok(String),
    /// `outcome: err ERRNO VIOLATION ...`.
    Err {
        /// The errno.
        errno: i32,
        /// What `sandboxed::is_violation` said.
        violation: bool,
        /// The message.
        text: String,
    },
}

impl Report {
    /// The parsed `outcome:` line.
    pub fn answer(&self) -> Result<Answer, String> {
        let line = self.outcome.as_deref().ok_or_else(|| {
            format!(
                "no outcome line (exit {:?}); stderr: {}",
                self.code,
                self.stderr.trim()
            )
        })?;
        if let Some(rest) = line.strip_prefix("ok") {
            return Ok(Answer::Ok(rest.trim().to_owned()));
        }
        let rest = line
            .strip_prefix("err ")
            .ok_or_else(|| format!("probe said: {line}"))?;
        let mut parts = rest.splitn(3, ' ');
        let errno = parts.next().and_then(|s| s.parse().ok()).ok_or("errno")?;
        let violation = parts.next() == Some("1");
        Ok(Answer::Err {
            errno,
            violation,
            text: parts.next().unwrap_or("").to_owned(),
        })
    }
}

/// The name of an errno, for messages.
pub fn errno_name(errno: i32) -> String {
    let name = match errno {
        libc::EPERM => "EPERM",
        libc::ENOENT => "ENOENT",
        libc::EBADF => "EBADF",
        libc::EACCES => "EACCES",
        libc::EXDEV => "EXDEV",
        libc::EINVAL => "EINVAL",
        libc::ENOSYS => "ENOSYS",
        libc::ENOTTY => "ENOTTY",
        libc::EAFNOSUPPORT => "EAFNOSUPPORT",
        libc::EOPNOTSUPP => "EOPNOTSUPP",
        libc::ENOTCONN => "ENOTCONN",
        libc::EISCONN => "EISCONN",
        libc::ECONNREFUSED => "ECONNREFUSED",
        libc::EFAULT => "EFAULT",
        libc::ESRCH => "ESRCH",
        libc::EMFILE => "EMFILE",
        libc::ENODATA => "ENODATA",
        libc::ELOOP => "ELOOP",
        libc::EEXIST => "EEXIST",
        libc::ENOTDIR => "ENOTDIR",
        libc::EISDIR => "EISDIR",
        libc::ESPIPE => "ESPIPE",
        libc::EAGAIN => "EAGAIN",
        libc::ENOTSOCK => "ENOTSOCK",
        libc::EDESTADDRREQ => "EDESTADDRREQ",
        libc::ENXIO => "ENXIO",
        _ => return format!("errno {errno}"),
    };
    name.to_owned()
}

fn errnos(list: &[i32]) -> String {
    list.iter()
        .map(|e| errno_name(*e))
        .collect::<Vec<_>>()
        .join(" or ")
}

/// Whether `line` was written by the probe on the handed-in TCP stream's
/// far end within a second.
pub fn peer_received(stream: &mut TcpStream, want: &str) -> Result<(), String> {
    stream
        .set_read_timeout(Some(Duration::from_secs(1)))
        .map_err(|e| e.to_string())?;
    let mut buf = vec![0u8; want.len()];
    stream
        .read_exact(&mut buf)
        .map_err(|e| format!("nothing arrived on the handed-in stream: {e}"))?;
    if buf == want.as_bytes() {
        Ok(())
    } else {
        Err(format!("received {:?}", String::from_utf8_lossy(&buf)))
    }
}

/// The Landlock ABI version the running kernel offers (0: none).
pub fn landlock_abi() -> i64 {
    // SAFETY: landlock_create_ruleset(NULL, 0, LANDLOCK_CREATE_RULESET_VERSION)
    // only returns the ABI version; it reads no memory.
    let v = unsafe {
        libc::syscall(
            libc::SYS_landlock_create_ruleset,
            std::ptr::null::<u8>(),
            0usize,
            1u32,
        )
    };
    v.max(0)
}

/// Whether the running kernel tells a thread's process through its pidfd
/// (pidfd_open(2) `PIDFD_THREAD`, Linux 6.9; then `PIDFD_GET_INFO`,
/// include/uapi/linux/pidfd.h, Linux 6.13), tried on the calling thread:
/// without it the sandbox's supervisor cannot keep signals to the caller's
/// own process, and they keep to Landlock's signal scope.
pub fn tells_thread_groups() -> bool {
    // struct pidfd_info, its first 64 bytes: mask, cgroupid, then pid and
    // tgid (u32 each).
    let mut info = [0u64; 8];
    info[0] = 1; // PIDFD_INFO_PID
                 // _IOWR(0xFF, 11, 64 bytes).
    const PIDFD_GET_INFO: u64 = (3 << 30) | (64 << 16) | (0xFF << 8) | 11;
    // SAFETY: pidfd_open(2) of the calling thread (`PIDFD_THREAD` is
    // `O_EXCL`), then PIDFD_GET_INFO into a live 64-byte buffer; the
    // descriptor is closed.
    unsafe {
        let fd = libc::syscall(libc::SYS_pidfd_open, libc::gettid(), libc::O_EXCL);
        if fd < 0 {
            return false;
        }
        let r = libc::ioctl(fd as i32, PIDFD_GET_INFO as _, info.as_mut_ptr());
        libc::close(fd as i32);
        r == 0 && (info[2] >> 32) as i32 == libc::getpid()
    }
}
