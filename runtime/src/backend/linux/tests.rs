//! Mechanism tests. Every test that enters the sandbox does it in a forked
//! child, which reports back through a pipe and `_exit`s: the test runner
//! itself is never confined.

use std::io::{Read, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::path::{Path, PathBuf};

use super::*;
use crate::rights::{Right, RightSet};

mod files;
mod steps;
mod surface;

/// Serializes forks: a lock another test thread holds at fork time (std's
/// backtrace lock while a failing test prints) would stay locked forever in
/// the child.
pub(super) static FORK: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// How long a child may run before it counts as hung.
const CHILD_TIMEOUT_MS: i32 = 20_000;

/// Runs `body` in a forked child and fails the test with its message.
pub(super) fn in_child(body: impl FnOnce() -> Result<(), String>) {
    let _serial = FORK.lock().unwrap_or_else(|e| e.into_inner());
    let mut fds = [0; 2];
    // SAFETY: `fds` has room for the two descriptors.
    assert_eq!(unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) }, 0);
    // SAFETY: pipe2 returned two new descriptors we own.
    let (mut rx, tx) = unsafe {
        (
            std::fs::File::from_raw_fd(fds[0]),
            std::fs::File::from_raw_fd(fds[1]),
        )
    };
    // SAFETY: the child only runs `body` and then `_exit`s; it never
    // returns into the test harness.
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0, "fork: {}", io::Error::last_os_error());
    if pid == 0 {
        drop(rx);
        let result =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(body)).unwrap_or_else(|p| {
                Err(p
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_else(|| "panic".into()))
            });
        let code = match result {
            Ok(()) => 0,
            Err(msg) => {
                let _ = (&tx).write_all(msg.as_bytes());
                1
            }
        };
        // SAFETY: ends the child without running the harness' exit path.
        unsafe { libc::_exit(code) };
    }
    drop(tx);
    let mut poll = libc::pollfd {
        fd: rx.as_raw_fd(),
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one valid pollfd.
    if unsafe { libc::poll(&mut poll, 1, CHILD_TIMEOUT_MS) } == 0 {
        // SAFETY: our own child.
        unsafe { libc::kill(pid, libc::SIGKILL) };
    }
    let mut msg = String::new();
    let _ = rx.read_to_string(&mut msg);
    let mut status = 0;
    // SAFETY: waits for our own child.
    unsafe { libc::waitpid(pid, &mut status, 0) };
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "child failed (status {status:#x}): {msg}"
    );
}

/// errno of a raw call's result.
pub(super) fn errno_of(ret: i64) -> Result<i64, i32> {
    if ret < 0 {
        Err(io::Error::last_os_error().raw_os_error().unwrap_or(0))
    } else {
        Ok(ret)
    }
}

/// Checks that `ret` failed with `want`.
pub(super) fn denied(what: &str, ret: i64, want: i32) -> Result<(), String> {
    match errno_of(ret) {
        Err(e) if e == want => Ok(()),
        Err(e) => Err(format!(
            "{what}: errno {e} ({}), want {want}",
            io::Error::from_raw_os_error(e)
        )),
        Ok(v) => Err(format!("{what}: succeeded ({v}), want errno {want}")),
    }
}

pub(super) fn ok(what: &str, ret: i64) -> Result<i64, String> {
    errno_of(ret).map_err(|e| format!("{what}: {}", io::Error::from_raw_os_error(e)))
}

pub(super) fn limits(rights: &[Right]) -> Limits {
    Limits {
        rights: RightSet::of(rights),
        ..Limits::default()
    }
}

/// A fresh directory under the target dir (not /tmp: other tests' files
/// must not be reachable by accident).
pub(super) fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sandboxed-linux-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

pub(super) fn open_dir(path: &Path) -> OwnedFd {
    std::fs::File::open(path).unwrap().into()
}

pub(super) fn cstr(s: &str) -> std::ffi::CString {
    std::ffi::CString::new(s).unwrap()
}

pub(super) fn openat(dir: RawFd, path: &str, flags: i32) -> i64 {
    let p = cstr(path);
    // SAFETY: `p` is NUL-terminated.
    unsafe { libc::openat(dir, p.as_ptr(), flags | libc::O_CLOEXEC, 0o644) as i64 }
}

pub(super) fn skip_without_landlock() -> bool {
    let k = Kernel::running();
    if k.landlock_abi < 6 || !k.seccomp {
        eprintln!("skipped: needs Landlock ABI 6 and seccomp, have {k:?}");
        return true;
    }
    false
}

pub(super) fn enter(native: &mut Native) -> Result<(), String> {
    native.enter().map_err(|e| e.to_string())
}

/// A standard stream may not hold a right that descriptors made after
/// entry lack beyond the `stdio` limits: its number (the lowest free once
/// it is closed) would pass the right on. The default limits pass.
#[test]
fn standard_streams_hold_no_right_a_new_descriptor_lacks() {
    let class = |lo: u32, hi: u32, rights: RightSet| seccomp::FdClass {
        lo,
        hi,
        limits: Limits {
            rights,
            ioctls: None,
            fcntls: None,
        },
        reads: true,
        writes: true,
        pool: false,
        served: false,
        inherited: false,
        copied: false,
        checked: crate::rights::RightSet::EMPTY,
    };
    let dir = class(4000, 4000, RightSet::of(&[Right::Lookup, Right::Read]));
    let defaults = [
        class(0, 0, Limits::STDIN.rights),
        class(1, 2, Limits::STDOUT.rights),
        dir,
    ];
    assert_eq!(
        stream_beyond_outside(&defaults, outside_rights(&defaults)),
        None
    );
    for right in [Right::Fchmod, Right::Fexecve, Right::MmapX, Right::Futimes] {
        let classes = [class(1, 1, RightSet::of(&[Right::Write, right])), dir];
        let (fd, beyond) =
            stream_beyond_outside(&classes, outside_rights(&classes)).expect("refused");
        assert_eq!(fd, 1);
        assert!(beyond.allows(right), "{right:?}: {beyond}");
    }
    // The same rights on a preopen (above RLIMIT_NOFILE at entry) stay.
    let preopen = [
        class(4001, 4001, RightSet::of(&[Right::Read, Right::Fchmod])),
        dir,
    ];
    assert_eq!(
        stream_beyond_outside(&preopen, outside_rights(&preopen)),
        None
    );
}

/// The program can receive a `fileargs` descriptor itself (recvmsg(2) on
/// the service's channel), outside every class: the metadata calls
/// Landlock does not mediate are then allowed only when the declaration
/// holds their rights, as a `fileargs` pool counts among the places of
/// those calls. A pool of `limits(...)` (filled from the program's own
/// descriptors) does not; the rights libcasper would also deny there but
/// that no place limits (seek, fstat...) stay (row 5 (b)).
#[test]
fn a_fileargs_pool_limits_the_metadata_rights_of_unclassed_descriptors() {
    let pool = |served: bool| seccomp::FdClass {
        lo: 3000,
        hi: 3063,
        limits: Limits {
            rights: RightSet::of(&[Right::Read, Right::Fstat]),
            ioctls: None,
            fcntls: None,
        },
        reads: true,
        writes: true,
        pool: true,
        served,
        inherited: false,
        copied: false,
        checked: crate::rights::RightSet::EMPTY,
    };
    let metadata = [
        Right::Fchmod,
        Right::Fchown,
        Right::Futimes,
        Right::ExtattrSet,
        Right::ExtattrDelete,
        Right::Ioctl,
    ];
    let served = outside_rights(&[pool(true)]);
    let own = outside_rights(&[pool(false)]);
    for right in metadata {
        assert!(!served.allows(right), "{right:?} with a fileargs pool");
        assert!(own.allows(right), "{right:?} with a limits pool");
    }
    assert!(served.allows(Right::Seek) && served.allows(Right::Fstat));
}
