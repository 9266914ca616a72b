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

/// statx(2) of `path` beneath `dir` with `flags`, the basic fields.
pub fn statx_at(dir: RawFd, path: &CStr, flags: i32) -> Attempt {
    // SAFETY: `statx` is plain old data; all zeroes is a valid value.
    let mut st: libc::statx = unsafe { std::mem::zeroed() };
    sys!(libc::statx(
        dir,
        path.as_ptr(),
        flags,
        libc::STATX_BASIC_STATS,
        &mut st
    ))?;
    Ok(format!("size {}", st.stx_size))
}

/// fstatat(2) of `fd` itself with a NULL path and `AT_EMPTY_PATH`
/// (Linux 6.11), the basic fields.
pub fn fstatat_null(fd: RawFd) -> Attempt {
    // SAFETY: `stat` is plain old data; all zeroes is a valid value.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    sys!(libc::syscall(
        libc::SYS_newfstatat,
        fd,
        std::ptr::null::<libc::c_char>(),
        &mut st,
        libc::AT_EMPTY_PATH
    ))?;
    Ok(format!("size {}", st.st_size))
}

/// statx(2) of `fd` itself with a NULL path and `AT_EMPTY_PATH` (Linux
/// 6.11), the basic fields.
pub fn statx_null(fd: RawFd) -> Attempt {
    // SAFETY: `statx` is plain old data; all zeroes is a valid value.
    let mut st: libc::statx = unsafe { std::mem::zeroed() };
    sys!(libc::syscall(
        libc::SYS_statx,
        fd,
        std::ptr::null::<libc::c_char>(),
        libc::AT_EMPTY_PATH,
        libc::STATX_BASIC_STATS,
        &mut st
    ))?;
    Ok(format!("size {}", st.stx_size))
}

/// fstat(2).
pub fn fstat(fd: RawFd) -> Attempt {
    // SAFETY: `stat` is plain old data; all zeroes is a valid value.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    sys!(libc::fstat(fd, &mut st))?;
    Ok(format!("size {}", st.st_size))
}

/// `len` bytes of anonymous memory (mmap(2) `MAP_ANONYMOUS` with
/// `prot` and `flags`), which the caller unmaps.
pub fn anonymous(len: usize, prot: i32, flags: i32) -> io::Result<*mut libc::c_void> {
    sys!(libc::mmap(
        std::ptr::null_mut(),
        len,
        prot,
        flags | libc::MAP_ANONYMOUS,
        -1,
        0
    ))
}

/// A one-page mapping of `fd` with `prot` and `flags`; unmapped before
/// returning.
pub fn map(fd: RawFd, prot: i32, flags: i32) -> Attempt {
    let p = sys!(libc::mmap(std::ptr::null_mut(), 4096, prot, flags, fd, 0))?;
    let _ = sys!(libc::munmap(p, 4096));
    Ok("mapped".into())
}

/// Runs `attempt` in a forked child (fork(3), so a child forked after
/// entry gets what the sandbox gives such children); the child writes its
/// errno (0 = the attempt worked) on a pipe before it exits. The child is
/// not reaped: capability mode refuses wait4(2) (capmode.cc
/// AllowedMiscSyscalls expects ECAPMODE from waitpid), so it stays a
/// zombie until this process exits.
pub fn in_child(attempt: impl FnOnce() -> Attempt) -> Attempt {
    answered_by(|| sys!(libc::fork()), attempt)
}

/// As [`in_child`], in a child of the raw clone(2) system call (`SIGCHLD`
/// alone, as fork(2) without glibc): no `pthread_atfork` handler runs, so
/// the child shares its parent's Landlock domain. glibc's thread
/// descriptor in the child still holds the parent's thread id, so
/// `attempt` names itself with getpid(2) and gettid(2), never raise(3) or
/// pthread_self(3).
pub fn in_cloned(attempt: impl FnOnce() -> Attempt) -> Attempt {
    answered_by(clone_raw, attempt)
}

/// clone(2) with `SIGCHLD` alone (x86_64 order: flags, stack, parent_tid,
/// child_tid, tls): the child returns here on a copy of the stack, as from
/// fork(2).
pub fn clone_raw() -> io::Result<libc::pid_t> {
    sys!(libc::syscall(libc::SYS_clone, libc::SIGCHLD, 0, 0, 0, 0)).map(|p| p as libc::pid_t)
}

/// Runs `attempt` in the child `spawn` makes (it returns 0 there, the
/// child's pid here), which answers with its errno on a pipe.
fn answered_by(
    spawn: impl FnOnce() -> io::Result<libc::pid_t>,
    attempt: impl FnOnce() -> Attempt,
) -> Attempt {
    let [r, w] = pipe()?;
    let pid = spawn()?;
    if pid == 0 {
        let code: i32 = match attempt() {
            Ok(_) => 0,
            Err(e) => e.raw_os_error().unwrap_or(255).clamp(1, 255),
        };
        // SAFETY: writes four bytes from a live local, then _exit(2),
        // which never returns: the child must not run the parent's atexit
        // handlers or unwind.
        unsafe {
            libc::write(w, code.to_le_bytes().as_ptr().cast(), 4);
            libc::_exit(code)
        }
    }
    close(w);
    let mut code = [0u8; 4];
    let mut got = 0;
    while got < 4 {
        // SAFETY: reads into the rest of a live local buffer.
        let n = unsafe { libc::read(r, code[got..].as_mut_ptr().cast(), 4 - got) };
        if n <= 0 {
            break;
        }
        got += n as usize;
    }
    close(r);
    match (got, i32::from_le_bytes(code)) {
        (4, 0) => Ok("child: ok".into()),
        (4, errno) => Err(io::Error::from_raw_os_error(errno)),
        _ => Err(io::Error::other("the child died before answering")),
    }
}

/// How a child forked with [`fork_watched`] ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum End {
    /// `_exit(code)`.
    Exited(i32),
    /// Killed by this signal.
    Killed(i32),
}

/// Forks a child (fork(3)) that runs `body`, which never returns, and
/// tells how it ended from the `SIGCHLD` it sends (its siginfo's
/// `si_code` and `si_status`, sigtimedwait(2)): capability mode refuses
/// wait4(2), so the child is not reaped. Stale `SIGCHLD`s are taken
/// first; no other child of this process may end meanwhile (a second
/// `SIGCHLD` pending is lost, signal(7)).
pub fn fork_watched(body: impl FnOnce()) -> io::Result<End> {
    // SAFETY: sigset_t is plain old data, filled by sigemptyset.
    let mut set: libc::sigset_t = unsafe { std::mem::zeroed() };
    // SAFETY: as above.
    let mut old: libc::sigset_t = unsafe { std::mem::zeroed() };
    // SAFETY: live sigsets; blocking SIGCHLD in this single-threaded probe.
    unsafe {
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGCHLD);
        libc::sigprocmask(libc::SIG_BLOCK, &set, &mut old);
    }
    let take = |timeout: libc::timespec| -> Option<libc::siginfo_t> {
        // SAFETY: siginfo_t is plain old data.
        let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
        // SAFETY: live sigset, siginfo and timespec.
        let r = unsafe { libc::sigtimedwait(&set, &mut info, &timeout) };
        (r == libc::SIGCHLD).then_some(info)
    };
    let now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    while take(now).is_some() {}
    let forked = sys!(libc::fork());
    if let Ok(0) = forked {
        body();
        // SAFETY: _exit(2) in the child if `body` returned.
        unsafe { libc::_exit(0) }
    }
    let end = forked.and_then(|pid| {
        let wait = libc::timespec {
            tv_sec: 30,
            tv_nsec: 0,
        };
        loop {
            let info = take(wait).ok_or_else(|| io::Error::other("no SIGCHLD in 30 s"))?;
            // SAFETY: a SIGCHLD siginfo carries si_pid and si_status.
            let (from, status) = unsafe { (info.si_pid(), info.si_status()) };
            if from == pid {
                return Ok(if info.si_code == libc::CLD_EXITED {
                    End::Exited(status)
                } else {
                    End::Killed(status)
                });
            }
        }
    });
    // SAFETY: restores the mask saved above.
    unsafe { libc::sigprocmask(libc::SIG_SETMASK, &old, std::ptr::null_mut()) };
    end
}

/// A child of clone(2) with `CLONE_PIDFD` (the pdfork(2) model): its pid
/// and process descriptor. The raw call runs no `pthread_atfork` handler:
/// the child shares the caller's Landlock domain.
pub fn pidfd_fork() -> io::Result<(libc::pid_t, RawFd)> {
    let mut pidfd: RawFd = -1;
    let pid = sys!(libc::syscall(
        libc::SYS_clone,
        libc::CLONE_PIDFD | libc::SIGCHLD,
        0,
        &mut pidfd as *mut RawFd,
        0,
        0
    ))?;
    Ok((pid as libc::pid_t, pidfd))
}

/// Reaps the child of `pidfd` (waitid(2) `P_PIDFD`, as pdwait): how it
/// ended.
pub fn pidfd_wait(pidfd: RawFd) -> io::Result<End> {
    // SAFETY: siginfo_t is plain old data.
    let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
    sys!(libc::waitid(
        libc::P_PIDFD,
        pidfd as libc::id_t,
        &mut info,
        libc::WEXITED
    ))?;
    // SAFETY: the kernel filled a SIGCHLD siginfo.
    let status = unsafe { info.si_status() };
    Ok(if info.si_code == libc::CLD_EXITED {
        End::Exited(status)
    } else {
        End::Killed(status)
    })
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
