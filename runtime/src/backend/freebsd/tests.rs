//! Tests of the Capsicum backend on a FreeBSD kernel. Capability mode
//! cannot be left, so each check that enters it runs in a forked child that
//! reports by exit status (cap_enter(2); the capsicum crate's tests do the
//! same).

use std::io::{self, Read, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::panic::AssertUnwindSafe;

use super::Native;
use crate::decl::{Plan, ServiceDecl, Stdio};
use crate::rights::{Fcntl, Ioctl, Limits, Right, RightSet};
use crate::steps::Backend;

/// Exit status of a child that skipped its check.
const SKIPPED: i32 = 77;

/// `None` when this kernel has Capsicum, else why the test is skipped.
fn no_capsicum() -> Option<String> {
    let missing = Native::new().missing(&Plan::default());
    (!missing.is_empty()).then(|| missing.join(", "))
}

macro_rules! require_capsicum {
    () => {
        if let Some(why) = no_capsicum() {
            println!("skipped: {why}");
            return;
        }
    };
}

/// Writes straight to descriptor 2: the test harness's output capture does
/// not survive fork.
fn say(text: &str) {
    let line = format!("{text}\n");
    // SAFETY: write(2) of a live buffer to descriptor 2.
    unsafe { libc::write(2, line.as_ptr().cast(), line.len()) };
}

/// Runs `check` in a forked child: `Ok(true)` passed, `Ok(false)` skipped
/// (the child said why), `Err` failed with its message.
fn in_child(check: impl FnOnce() -> Result<bool, String>) {
    // SAFETY: the child runs only `check` and then `_exit`s, never
    // returning into the test harness. FreeBSD's libc keeps malloc usable
    // after fork in a threaded process (jemalloc's fork handlers).
    match unsafe { libc::fork() } {
        -1 => panic!("fork: {}", io::Error::last_os_error()),
        0 => {
            let code = match std::panic::catch_unwind(AssertUnwindSafe(check)) {
                Ok(Ok(true)) => 0,
                Ok(Ok(false)) => SKIPPED,
                Ok(Err(message)) => {
                    say(&format!("child failed: {message}"));
                    1
                }
                Err(_) => 1,
            };
            // SAFETY: ends the child without running the parent's exit
            // handlers or unwinding into the harness.
            unsafe { libc::_exit(code) }
        }
        pid => {
            let mut status = 0;
            // SAFETY: waits for the child just forked.
            let rc = unsafe { libc::waitpid(pid, &mut status, 0) };
            assert_eq!(rc, pid, "waitpid: {}", io::Error::last_os_error());
            assert!(libc::WIFEXITED(status), "child died: status {status}");
            match libc::WEXITSTATUS(status) {
                0 => {}
                SKIPPED => println!("skipped: see the child's message"),
                code => panic!("child check failed (exit {code})"),
            }
        }
    }
}

/// `Err` unless `result` failed with a Capsicum violation.
fn denied<T: std::fmt::Debug>(what: &str, result: io::Result<T>) -> Result<(), String> {
    match result {
        Err(e) if super::is_violation(&e) => Ok(()),
        other => Err(format!(
            "{what}: expected ENOTCAPABLE or ECAPMODE, got {other:?}"
        )),
    }
}

fn limits(rights: &[Right]) -> Limits {
    Limits {
        rights: RightSet::of(rights),
        ..Limits::default()
    }
}

fn pipe() -> (OwnedFd, OwnedFd) {
    let mut fds = [0; 2];
    // SAFETY: pipe(2) fills two descriptors that we then own.
    assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
    // SAFETY: both were just created and are owned by nobody else.
    unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) }
}

fn errno_of(rc: libc::c_int) -> io::Result<libc::c_int> {
    if rc == -1 {
        Err(io::Error::last_os_error())
    } else {
        Ok(rc)
    }
}

fn temp_file(tag: &str) -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!("sandboxed-{tag}-{}", std::process::id()));
    std::fs::write(&path, b"contents").unwrap();
    path
}

#[test]
fn capability_mode_denies_paths_and_reports_it() {
    require_capsicum!();
    let path = temp_file("enter");
    in_child(|| {
        let mut native = Native::new();
        if !native.missing(&Plan::default()).is_empty() {
            return Ok(false);
        }
        if super::is_sandboxed() {
            return Err("sandboxed before cap_enter".into());
        }
        native.enter().map_err(|e| e.to_string())?;
        if !super::is_sandboxed() {
            return Err("cap_getmode says not sandboxed after cap_enter".into());
        }
        denied("open of a path", std::fs::File::open(&path))?;
        denied("connect", std::net::TcpStream::connect("127.0.0.1:9"))?;
        Ok(true)
    });
    std::fs::remove_file(path).unwrap();
}

#[test]
fn a_read_only_descriptor_cannot_write_or_seek() {
    require_capsicum!();
    let path = temp_file("rights");
    in_child(|| {
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(&path)
            .map_err(|e| e.to_string())?;
        let fd = Native::new()
            .limit(file.into(), &limits(&[Right::Read, Right::Fstat]))
            .map_err(|f| format!("{}: {}", f.syscall, f.error))?;
        let mut file = std::fs::File::from(fd);
        let mut text = [0; 8];
        file.read_exact(&mut text).map_err(|e| e.to_string())?;
        if &text != b"contents" {
            return Err(format!("read {text:?}"));
        }
        denied("write", file.write(b"x"))?;
        denied("seek", std::io::Seek::rewind(&mut file))?;
        // Rights only shrink: asking for more back fails.
        let wider = Native::new().limit(file.into(), &limits(&[Right::Read, Right::Write]));
        denied("widening", wider.map(drop).map_err(|f| f.error))?;
        Ok(true)
    });
    std::fs::remove_file(path).unwrap();
}

#[test]
fn ioctls_are_narrowed_to_the_declared_commands() {
    require_capsicum!();
    in_child(|| {
        let (read, _write) = pipe();
        let narrowed = Limits {
            rights: RightSet::of(&[Right::Read, Right::Ioctl]),
            ioctls: Some(&[Ioctl::Fionread]),
            fcntls: None,
        };
        let read = Native::new()
            .limit(read, &narrowed)
            .map_err(|f| format!("{}: {}", f.syscall, f.error))?;
        let mut n: libc::c_int = 0;
        // SAFETY: FIONREAD writes one int.
        errno_of(unsafe { libc::ioctl(read.as_raw_fd(), libc::FIONREAD, &mut n) })
            .map_err(|e| format!("FIONREAD: {e}"))?;
        // SAFETY: TIOCGWINSZ writes one winsize; a pipe would answer ENOTTY
        // if the command were allowed.
        let mut ws: libc::winsize = unsafe { std::mem::zeroed() };
        // SAFETY: as above.
        let rc = unsafe { libc::ioctl(read.as_raw_fd(), libc::TIOCGWINSZ, &mut ws) };
        denied("TIOCGWINSZ", errno_of(rc)).map(|()| true)
    });
}

#[test]
fn fcntls_are_narrowed_to_the_declared_commands() {
    require_capsicum!();
    in_child(|| {
        let (read, _write) = pipe();
        let narrowed = Limits {
            rights: RightSet::of(&[Right::Read, Right::Fcntl]),
            ioctls: None,
            fcntls: Some(&[Fcntl::Getfl]),
        };
        let read = Native::new()
            .limit(read, &narrowed)
            .map_err(|f| format!("{}: {}", f.syscall, f.error))?;
        Native::new().enter().map_err(|e| e.to_string())?;
        // SAFETY: F_GETFL takes no argument.
        let flags = errno_of(unsafe { libc::fcntl(read.as_raw_fd(), libc::F_GETFL) })
            .map_err(|e| format!("F_GETFL: {e}"))?;
        // SAFETY: F_SETFL takes an int.
        let rc = unsafe { libc::fcntl(read.as_raw_fd(), libc::F_SETFL, flags | libc::O_NONBLOCK) };
        denied("F_SETFL", errno_of(rc)).map(|()| true)
    });
}

#[test]
fn stdio_limits_apply_and_a_closed_stream_is_not_an_error() {
    require_capsicum!();
    in_child(|| {
        let mut native = Native::new();
        // A closed stdin: CAPH_IGNORE_EBADF.
        // SAFETY: closes the child's own descriptor 0.
        unsafe { libc::close(0) };
        native
            .limit_stdio(Stdio::Stdin, &Limits::STDIN)
            .map_err(|f| format!("closed stdin: {}: {}", f.syscall, f.error))?;
        // A socket as stdin: readable and writable until limited.
        let mut fds = [0; 2];
        // SAFETY: socketpair(2) fills two descriptors.
        errno_of(unsafe {
            libc::socketpair(libc::AF_UNIX, libc::SOCK_STREAM, 0, fds.as_mut_ptr())
        })
        .map_err(|e| e.to_string())?;
        // SAFETY: moves one end onto descriptor 0 (now free).
        errno_of(unsafe { libc::dup2(fds[0], 0) }).map_err(|e| e.to_string())?;
        native
            .limit_stdio(Stdio::Stdin, &Limits::STDIN)
            .map_err(|f| format!("stdin: {}: {}", f.syscall, f.error))?;
        // SAFETY: write(2) of a live one-byte buffer.
        let rc = unsafe { libc::write(0, b"x".as_ptr().cast(), 1) };
        denied("write to stdin", errno_of(rc as libc::c_int)).map(|()| true)
    });
}

#[test]
fn time_zone_data_survives_entry() {
    require_capsicum!();
    if !std::path::Path::new("/usr/share/zoneinfo/Asia/Tokyo").exists() {
        println!("skipped: no /usr/share/zoneinfo/Asia/Tokyo");
        return;
    }
    in_child(|| {
        // Tokyo has no daylight saving time: always UTC+9.
        std::env::set_var("TZ", "Asia/Tokyo");
        let mut native = Native::new();
        native.warm_caches().map_err(|e| e.to_string())?;
        native.enter().map_err(|e| e.to_string())?;
        // SAFETY: localtime_r fills a tm from a time_t, both live.
        let offset = unsafe {
            let now = libc::time(std::ptr::null_mut());
            let mut tm: libc::tm = std::mem::zeroed();
            libc::localtime_r(&now, &mut tm);
            tm.tm_gmtoff
        };
        if offset != 9 * 3600 {
            return Err(format!("UTC offset {offset} after entry, expected 32400"));
        }
        Ok(true)
    });
}

#[test]
fn dry_run_creates_its_ktrace_file_and_starts() {
    let dir = std::env::temp_dir().join(format!("sandboxed-dry-run-{}", std::process::id()));
    std::fs::create_dir(&dir).unwrap();
    let cwd = std::env::current_dir().unwrap();
    in_child(|| {
        std::env::set_current_dir(&dir).map_err(|e| e.to_string())?;
        match super::trace::dry_run() {
            // A kernel without `options KTRACE`.
            Err(f) if f.error.raw_os_error() == Some(libc::ENOSYS) => {
                say(&format!("skipped: ktrace: {}", f.error));
                Ok(false)
            }
            Err(f) => Err(format!("{}: {}", f.syscall, f.error)),
            Ok(()) => {
                let file = format!("sandboxed-dry-run.{}.ktrace", std::process::id());
                let meta = std::fs::metadata(&file).map_err(|e| format!("{file}: {e}"))?;
                meta.is_file()
                    .then_some(true)
                    .ok_or(format!("{file} is not a file"))
            }
        }
    });
    std::env::set_current_dir(cwd).unwrap();
    std::fs::remove_dir_all(dir).unwrap();
}

#[cfg(not(feature = "casper"))]
#[test]
fn services_without_the_casper_feature_fail_naming_both() {
    let err = Native::new()
        .open_services(&[ServiceDecl::Syslog])
        .map(drop)
        .unwrap_err()
        .to_string();
    assert!(err.contains("system.syslog"), "{err}");
    assert!(err.contains("`casper` feature"), "{err}");
}

#[cfg(feature = "casper")]
mod casper;
