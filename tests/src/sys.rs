//! System-call helpers shared by the probes (`escape_probe`,
//! `conformance_probe`): raw calls through libc with the OS error as
//! `io::Result`, and the one `outcome:` line a probe prints for its
//! runner. This is the FFI edge of the test suites.

use std::ffi::{CStr, CString};
use std::io;
use std::os::fd::RawFd;

/// What a probe's attempt reports: `Ok(detail)` when the operation worked,
/// the OS error of the first step that failed otherwise.
pub type Attempt = io::Result<String>;

/// Turns a C return value into `io::Result`: `-1` (or `MAP_FAILED`) is
/// the OS error.
pub trait Ret: Copy {
    /// Whether the value is the call's failure value.
    fn failed(self) -> bool;
}
impl Ret for i32 {
    fn failed(self) -> bool {
        self == -1
    }
}
impl Ret for i64 {
    fn failed(self) -> bool {
        self == -1
    }
}
impl Ret for isize {
    fn failed(self) -> bool {
        self == -1
    }
}
impl Ret for *mut libc::c_void {
    fn failed(self) -> bool {
        self == libc::MAP_FAILED
    }
}

/// Calls libc and turns a failure into the OS error.
macro_rules! sys {
    ($call:expr) => {{
        // SAFETY: the probes pass only integers, or pointers to live
        // locals, `CString`s and buffers at least as large as the kernel
        // structure the call reads or writes; each lives until the call
        // returns.
        let r = unsafe { $call };
        if $crate::sys::Ret::failed(r) {
            Err(::std::io::Error::last_os_error())
        } else {
            Ok(r)
        }
    }};
}
pub(crate) use sys;

/// `s` as a C string (probe paths never hold NUL).
pub fn c(s: &str) -> CString {
    CString::new(s).expect("no NUL in probe paths")
}

/// close(2), ignoring the result.
pub fn close(fd: RawFd) {
    let _ = sys!(libc::close(fd));
}

/// Reads up to 64 bytes from `fd` as text.
pub fn read_text(fd: RawFd) -> Attempt {
    let mut buf = [0u8; 64];
    let n = sys!(libc::read(fd, buf.as_mut_ptr().cast(), buf.len()))?;
    Ok(String::from_utf8_lossy(&buf[..n as usize]).into_owned())
}

/// Writes `text` to `fd`.
pub fn write_text(fd: RawFd, text: &str) -> Attempt {
    let n = sys!(libc::write(fd, text.as_ptr().cast(), text.len()))?;
    Ok(format!("wrote {n}"))
}

/// openat(2) with `O_CLOEXEC` added and mode 0644 for created files.
pub fn openat(dir: RawFd, path: &CStr, flags: i32) -> io::Result<RawFd> {
    sys!(libc::openat(
        dir,
        path.as_ptr(),
        flags | libc::O_CLOEXEC,
        0o644
    ))
}

/// Opens `path` beneath `dir` read-only and reads it.
pub fn open_read(dir: RawFd, path: &CStr) -> Attempt {
    let fd = openat(dir, path, libc::O_RDONLY)?;
    let text = read_text(fd);
    close(fd);
    text
}

/// fstatat(2) of `path` beneath `dir`.
pub fn stat_at(dir: RawFd, path: &CStr, flags: i32) -> Attempt {
    // SAFETY: `stat` is plain old data; all zeroes is a valid value.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    sys!(libc::fstatat(dir, path.as_ptr(), &mut st, flags))?;
    Ok(format!("size {}", st.st_size))
}

/// fstat(2).
pub fn fstat(fd: RawFd) -> Attempt {
    // SAFETY: `stat` is plain old data; all zeroes is a valid value.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    sys!(libc::fstat(fd, &mut st))?;
    Ok(format!("size {}", st.st_size))
}

/// A one-page mapping of `fd` with `prot` and `flags`; unmapped before
/// returning.
pub fn map(fd: RawFd, prot: i32, flags: i32) -> Attempt {
    let p = sys!(libc::mmap(std::ptr::null_mut(), 4096, prot, flags, fd, 0))?;
    let _ = sys!(libc::munmap(p, 4096));
    Ok("mapped".into())
}

/// Runs `attempt` in a forked child; the child's exit status carries the
/// errno (0 = the attempt worked).
pub fn in_child(attempt: impl FnOnce() -> Attempt) -> Attempt {
    let pid = sys!(libc::fork())?;
    if pid == 0 {
        let code = match attempt() {
            Ok(_) => 0,
            Err(e) => e.raw_os_error().unwrap_or(255).min(255),
        };
        // SAFETY: _exit(2) never returns; the child must not run the
        // parent's atexit handlers or unwind.
        unsafe { libc::_exit(code) }
    }
    let mut status = 0;
    sys!(libc::waitpid(pid, &mut status, 0))?;
    match (libc::WIFEXITED(status), libc::WEXITSTATUS(status)) {
        (true, 0) => Ok("child: ok".into()),
        (true, errno) => Err(io::Error::from_raw_os_error(errno)),
        _ => Err(io::Error::other(format!("child died: status {status:#x}"))),
    }
}

/// A pipe, both ends close-on-exec.
pub fn pipe() -> io::Result<[RawFd; 2]> {
    let mut fds = [0; 2];
    sys!(libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC))?;
    Ok(fds)
}

/// The one line the runners read: `outcome: ok <detail>` or
/// `outcome: err <errno> <violation 0|1> <message>`.
pub fn outcome_line(attempt: &Attempt) -> String {
    match attempt {
        Ok(detail) => format!("outcome: ok {detail}"),
        Err(e) => format!(
            "outcome: err {} {} {e}",
            e.raw_os_error().unwrap_or(0),
            u8::from(sandboxed::is_violation(e))
        ),
    }
}
