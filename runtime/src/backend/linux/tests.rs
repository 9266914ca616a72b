//! Mechanism tests. Every test that enters the sandbox does it in a forked
//! child, which reports back through a pipe and `_exit`s: the test runner
//! itself is never confined.

use std::io::{Read, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::path::{Path, PathBuf};

use super::*;
use crate::rights::{Right, RightSet};

/// Serializes forks: a lock another test thread holds at fork time (std's
/// backtrace lock while a failing test prints) would stay locked forever in
/// the child.
static FORK: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// How long a child may run before it counts as hung.
const CHILD_TIMEOUT_MS: i32 = 20_000;

/// Runs `body` in a forked child and fails the test with its message.
fn in_child(body: impl FnOnce() -> Result<(), String>) {
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
fn errno_of(ret: i64) -> Result<i64, i32> {
    if ret < 0 {
        Err(io::Error::last_os_error().raw_os_error().unwrap_or(0))
    } else {
        Ok(ret)
    }
}

/// Checks that `ret` failed with `want`.
fn denied(what: &str, ret: i64, want: i32) -> Result<(), String> {
    match errno_of(ret) {
        Err(e) if e == want => Ok(()),
        Err(e) => Err(format!(
            "{what}: errno {e} ({}), want {want}",
            io::Error::from_raw_os_error(e)
        )),
        Ok(v) => Err(format!("{what}: succeeded ({v}), want errno {want}")),
    }
}

fn ok(what: &str, ret: i64) -> Result<i64, String> {
    errno_of(ret).map_err(|e| format!("{what}: {}", io::Error::from_raw_os_error(e)))
}

fn limits(rights: &[Right]) -> Limits {
    Limits {
        rights: RightSet::of(rights),
        ..Limits::default()
    }
}

/// A fresh directory under the target dir (not /tmp: other tests' files
/// must not be reachable by accident).
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sandboxed-linux-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn open_dir(path: &Path) -> OwnedFd {
    std::fs::File::open(path).unwrap().into()
}

fn cstr(s: &str) -> std::ffi::CString {
    std::ffi::CString::new(s).unwrap()
}

fn openat(dir: RawFd, path: &str, flags: i32) -> i64 {
    let p = cstr(path);
    // SAFETY: `p` is NUL-terminated.
    unsafe { libc::openat(dir, p.as_ptr(), flags | libc::O_CLOEXEC, 0o644) as i64 }
}

fn skip_without_landlock() -> bool {
    let k = Kernel::running();
    if k.landlock_abi < 6 || !k.seccomp {
        eprintln!("skipped: needs Landlock ABI 6 and seccomp, have {k:?}");
        return true;
    }
    false
}

fn enter(native: &mut Native) -> Result<(), String> {
    native.enter().map_err(|e| e.to_string())
}

/// Every command `ioctls(...)` declares has its Linux numbers; only
/// `fiodtype` (FreeBSD's) has none and is never allowed here.
#[test]
fn every_declarable_ioctl_has_linux_numbers() {
    for ioctl in crate::rights::Ioctl::ALL {
        let numbers = seccomp::ioctl_numbers(*ioctl);
        assert_eq!(
            numbers.is_empty(),
            *ioctl == crate::rights::Ioctl::Fiodtype,
            "{ioctl}"
        );
    }
}

#[test]
fn entry_gives_lookups_beneath_directories_and_nothing_else() {
    if skip_without_landlock() {
        return;
    }
    let root = scratch("lookups");
    std::fs::create_dir(root.join("inside")).unwrap();
    std::fs::write(root.join("inside/file"), b"hello").unwrap();
    std::fs::write(root.join("outside"), b"secret").unwrap();
    std::os::unix::fs::symlink("../outside", root.join("inside/link")).unwrap();
    let inside = root.join("inside");
    in_child(move || {
        let mut n = Native::new();
        let dir = n
            .limit(
                open_dir(&inside),
                &limits(&[Right::Lookup, Right::Read, Right::Fstat]),
            )
            .map_err(|f| format!("limit: {}", f.error))?;
        enter(&mut n)?;
        if !is_sandboxed() {
            return Err("is_sandboxed() is false after entry".into());
        }
        let d = dir.as_raw_fd();
        let fd = ok("openat beneath", openat(d, "file", libc::O_RDONLY))?;
        let mut text = String::new();
        // SAFETY: `fd` was just opened.
        unsafe { std::fs::File::from_raw_fd(fd as RawFd) }
            .read_to_string(&mut text)
            .map_err(|e| e.to_string())?;
        if text != "hello" {
            return Err(format!("read {text:?}"));
        }
        let err = std::fs::File::open("/etc/passwd").unwrap_err();
        if err.raw_os_error() != Some(libc::EPERM) || !crate::is_violation(&err) {
            return Err(format!("open(/etc/passwd): {err}"));
        }
        denied(
            "openat(AT_FDCWD)",
            openat(libc::AT_FDCWD, "x", libc::O_RDONLY),
            libc::EPERM,
        )?;
        denied(
            "openat(dir, absolute)",
            openat(d, "/etc/passwd", libc::O_RDONLY),
            libc::EACCES,
        )?;
        denied(
            "openat(dir, ..)",
            openat(d, "../outside", libc::O_RDONLY),
            libc::EACCES,
        )?;
        denied(
            "openat(dir, symlink out)",
            openat(d, "link", libc::O_RDONLY),
            libc::EACCES,
        )?;
        // The directory's rights: no write, no create beneath it.
        denied(
            "openat(dir, O_WRONLY)",
            openat(d, "file", libc::O_WRONLY),
            libc::EACCES,
        )?;
        denied(
            "openat(dir, O_CREAT)",
            openat(d, "new", libc::O_WRONLY | libc::O_CREAT),
            libc::EACCES,
        )?;
        let p = cstr("/tmp");
        denied(
            "chdir",
            // SAFETY: arguments are integers or pointers to live locals.
            unsafe { libc::chdir(p.as_ptr()) } as i64,
            libc::EPERM,
        )?;
        denied(
            "mkdir",
            // SAFETY: arguments are integers or pointers to live locals.
            unsafe { libc::mkdir(p.as_ptr(), 0o755) } as i64,
            libc::EPERM,
        )?;
        Ok(())
    });
    std::fs::remove_dir_all(root).unwrap();
}

#[test]
fn limited_files_keep_only_their_rights() {
    if skip_without_landlock() {
        return;
    }
    let root = scratch("rights");
    let path = root.join("data");
    std::fs::write(&path, b"0123456789").unwrap();
    in_child(move || {
        let file: OwnedFd = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(&path)
            .map_err(|e| e.to_string())?
            .into();
        let mut n = Native::new();
        let fd = n
            .limit(file, &limits(&[Right::Read]))
            .map_err(|f| format!("limit: {}", f.error))?;
        let f = fd.as_raw_fd();
        // The kernel's access mode was narrowed before entry.
        // SAFETY: F_GETFL takes no pointer.
        let fl = unsafe { libc::fcntl(f, libc::F_GETFL) };
        if fl & libc::O_ACCMODE != libc::O_RDONLY {
            return Err(format!("access mode {fl:#o}, want O_RDONLY"));
        }
        if f < 100 {
            return Err(format!("descriptor {f} was not moved into the block"));
        }
        enter(&mut n)?;
        let mut buf = [0u8; 4];
        // SAFETY: `buf` is valid for 4 bytes.
        let n_read = unsafe { libc::read(f, buf.as_mut_ptr().cast(), 4) };
        ok("read", n_read as i64)?;
        // The access mode denies it: the filter leaves read/write alone.
        denied(
            "write",
            // SAFETY: arguments are integers or pointers to live locals.
            unsafe { libc::write(f, buf.as_ptr().cast(), 4) } as i64,
            libc::EBADF,
        )?;
        denied(
            "pread",
            // SAFETY: arguments are integers or pointers to live locals.
            unsafe { libc::pread(f, buf.as_mut_ptr().cast(), 4, 0) } as i64,
            libc::EACCES,
        )?;
        // SAFETY: lseek takes no pointer.
        denied(
            "lseek",
            // SAFETY: arguments are integers or pointers to live locals.
            unsafe { libc::lseek(f, 0, libc::SEEK_SET) },
            libc::EACCES,
        )?;
        let mut st = std::mem::MaybeUninit::<libc::stat>::uninit();
        denied(
            "fstat",
            // SAFETY: arguments are integers or pointers to live locals.
            unsafe { libc::fstat(f, st.as_mut_ptr()) } as i64,
            libc::EACCES,
        )?;
        // SAFETY: ftruncate/fchmod/fsync/flock/dup take no pointer.
        unsafe {
            denied("ftruncate", libc::ftruncate(f, 0) as i64, libc::EACCES)?;
            denied("fchmod", libc::fchmod(f, 0o600) as i64, libc::EACCES)?;
            denied("fsync", libc::fsync(f) as i64, libc::EACCES)?;
            denied("flock", libc::flock(f, libc::LOCK_EX) as i64, libc::EACCES)?;
            denied("dup", libc::dup(f) as i64, libc::EACCES)?;
            denied("dup2 from", libc::dup2(f, 50) as i64, libc::EACCES)?;
            denied("dup2 onto", libc::dup2(0, f) as i64, libc::EACCES)?;
            denied(
                "F_DUPFD",
                libc::fcntl(f, libc::F_DUPFD_CLOEXEC, 0) as i64,
                libc::EACCES,
            )?;
            denied(
                "F_GETFL without fcntl",
                libc::fcntl(f, libc::F_GETFL) as i64,
                libc::EACCES,
            )?;
            ok("F_GETFD", libc::fcntl(f, libc::F_GETFD) as i64)?;
            denied(
                "ioctl(FIONREAD)",
                libc::ioctl(f, libc::FIONREAD, buf.as_mut_ptr()) as i64,
                libc::EACCES,
            )?;
            denied(
                "mmap",
                libc::mmap(
                    std::ptr::null_mut(),
                    4096,
                    libc::PROT_READ,
                    libc::MAP_PRIVATE,
                    f,
                    0,
                ) as i64,
                libc::EACCES,
            )?;
        }
        // Reopening through /proc to widen it: a lookup from nowhere, or
        // from a descriptor without `lookup`.
        let proc_path = format!("/proc/self/fd/{f}");
        denied(
            "reopen via /proc from AT_FDCWD",
            openat(libc::AT_FDCWD, &proc_path, libc::O_RDWR),
            libc::EPERM,
        )?;
        denied(
            "reopen via /proc from the file",
            openat(f, &proc_path, libc::O_RDWR),
            libc::EACCES,
        )?;
        Ok(())
    });
    std::fs::remove_dir_all(root).unwrap();
}

#[test]
fn the_kernel_surface_is_closed() {
    if skip_without_landlock() {
        return;
    }
    in_child(|| {
        let mut n = Native::new();
        enter(&mut n)?;
        // SAFETY: each raw syscall below either fails or has no effect on
        // memory; pointers are null where the call would read them.
        unsafe {
            denied(
                "execve",
                libc::execve(
                    cstr("/bin/true").as_ptr(),
                    std::ptr::null(),
                    std::ptr::null(),
                ) as i64,
                libc::EPERM,
            )?;
            denied(
                "ptrace",
                libc::ptrace(libc::PTRACE_TRACEME, 0, 0, 0),
                libc::EPERM,
            )?;
            denied("kill(1)", libc::kill(1, 0) as i64, libc::EPERM)?;
            denied(
                "kill(parent)",
                libc::kill(libc::getppid(), 0) as i64,
                libc::EPERM,
            )?;
            ok("kill(self, 0)", libc::kill(libc::getpid(), 0) as i64)?;
            denied(
                "io_uring_setup",
                libc::syscall(libc::SYS_io_uring_setup, 1, 0),
                libc::EPERM,
            )?;
            denied("bpf", libc::syscall(libc::SYS_bpf, 0, 0, 0), libc::EPERM)?;
            denied(
                "unshare(CLONE_NEWUSER)",
                libc::unshare(libc::CLONE_NEWUSER) as i64,
                libc::EPERM,
            )?;
            denied(
                "clone(CLONE_NEWUSER)",
                libc::syscall(
                    libc::SYS_clone,
                    libc::CLONE_NEWUSER | libc::SIGCHLD,
                    0,
                    0,
                    0,
                    0,
                ),
                libc::EPERM,
            )?;
            denied(
                "clone3",
                libc::syscall(libc::SYS_clone3, 0, 0),
                libc::ENOSYS,
            )?;
            denied(
                "openat2",
                libc::syscall(libc::SYS_openat2, libc::AT_FDCWD, 0, 0, 0),
                libc::ENOSYS,
            )?;
            denied(
                "x32 getpid",
                libc::syscall(libc::SYS_getpid | 0x4000_0000),
                libc::EPERM,
            )?;
            denied(
                "socket(AF_INET)",
                libc::socket(libc::AF_INET, libc::SOCK_STREAM, 0) as i64,
                libc::EPERM,
            )?;
            denied(
                "socket(AF_NETLINK)",
                libc::socket(libc::AF_NETLINK, libc::SOCK_RAW, 0) as i64,
                libc::EPERM,
            )?;
            denied(
                "socket(AF_UNIX, SOCK_DGRAM)",
                libc::socket(libc::AF_UNIX, libc::SOCK_DGRAM, 0) as i64,
                libc::EPERM,
            )?;
            let s = ok(
                "socket(AF_UNIX, SOCK_STREAM)",
                libc::socket(libc::AF_UNIX, libc::SOCK_STREAM | libc::SOCK_CLOEXEC, 0) as i64,
            )? as RawFd;
            let addr: libc::sockaddr_un = std::mem::zeroed();
            denied(
                "connect",
                libc::connect(
                    s,
                    (&addr as *const libc::sockaddr_un).cast(),
                    std::mem::size_of::<libc::sockaddr_un>() as u32,
                ) as i64,
                libc::EPERM,
            )?;
            denied(
                "bind",
                libc::bind(
                    s,
                    (&addr as *const libc::sockaddr_un).cast(),
                    std::mem::size_of::<libc::sockaddr_un>() as u32,
                ) as i64,
                libc::EPERM,
            )?;
            denied(
                "personality",
                libc::personality(0xffff_ffff) as i64,
                libc::EPERM,
            )?;
        }
        Ok(())
    });
}

#[test]
fn threads_time_and_randomness_work_after_entry() {
    if skip_without_landlock() {
        return;
    }
    in_child(|| {
        let mut n = Native::new();
        n.warm_caches().map_err(|e| e.to_string())?;
        enter(&mut n)?;
        let handle = std::thread::spawn(|| {
            let mut v = vec![0u8; 1 << 20];
            v[12345] = 7;
            (is_sandboxed(), v.iter().map(|&b| b as u64).sum::<u64>())
        });
        let (sandboxed, sum) = handle.join().map_err(|_| "thread panicked")?;
        if !sandboxed || sum != 7 {
            return Err(format!("thread: sandboxed {sandboxed}, sum {sum}"));
        }
        let _ = std::time::SystemTime::now();
        let mut buf = [0u8; 16];
        ok(
            "getrandom",
            // SAFETY: arguments are integers or pointers to live locals.
            unsafe { libc::getrandom(buf.as_mut_ptr().cast(), 16, 0) } as i64,
        )?;
        let (a, b) = std::os::unix::net::UnixStream::pair().map_err(|e| e.to_string())?;
        (&a).write_all(b"ping").map_err(|e| e.to_string())?;
        let mut got = [0u8; 4];
        (&b).read_exact(&mut got).map_err(|e| e.to_string())?;
        let backtrace = std::backtrace::Backtrace::force_capture().to_string();
        if !backtrace.contains("threads_time_and_randomness_work_after_entry") {
            return Err(format!("backtrace not symbolized:\n{backtrace}"));
        }
        Ok(())
    });
}

#[test]
fn entry_is_refused_with_a_second_thread() {
    in_child(|| {
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let t = std::thread::spawn(move || rx.recv());
        let err = Native::new()
            .enter()
            .err()
            .ok_or("entered with two threads")?
            .to_string();
        drop(tx);
        let _ = t.join();
        if !err.contains("2 threads") {
            return Err(err);
        }
        Ok(())
    });
}

#[test]
fn narrowed_ioctls_and_fcntls_and_stdio_keep_isatty() {
    if skip_without_landlock() {
        return;
    }
    in_child(|| {
        // A pseudo-terminal as stdout, so isatty(3) has something to ask.
        // SAFETY: posix_openpt/grantpt/unlockpt/ptsname take the master fd.
        let pts = unsafe {
            let master = libc::posix_openpt(libc::O_RDWR | libc::O_NOCTTY);
            if master < 0 || libc::grantpt(master) != 0 || libc::unlockpt(master) != 0 {
                return Err("no pseudo-terminal".into());
            }
            std::ffi::CStr::from_ptr(libc::ptsname(master))
                .to_string_lossy()
                .into_owned()
        };
        let pts = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(pts)
            .map_err(|e| e.to_string())?;
        // SAFETY: dup2 onto stdout of this child.
        unsafe { libc::dup2(pts.as_raw_fd(), 1) };
        let mut n = Native::new();
        n.limit_stdio(Stdio::Stdout, &Limits::STDOUT)
            .map_err(|f| f.error.to_string())?;
        let narrowed = Limits {
            rights: RightSet::of(&[Right::Read, Right::Ioctl, Right::Fcntl]),
            ioctls: Some(&[crate::rights::Ioctl::Fionread]),
            fcntls: Some(&[crate::rights::Fcntl::Getfl]),
        };
        let (r, _w) = std::io::pipe().map_err(|e| e.to_string())?;
        let r = n
            .limit(r.into(), &narrowed)
            .map_err(|f| f.error.to_string())?;
        let f = r.as_raw_fd();
        enter(&mut n)?;
        // SAFETY: isatty takes an fd.
        if unsafe { libc::isatty(1) } != 1 {
            return Err(format!("isatty(stdout): {}", io::Error::last_os_error()));
        }
        let c = 0u8;
        let mut avail = 0i32;
        // SAFETY: arguments are integers or pointers to live locals.
        unsafe {
            denied(
                "TIOCSTI on stdout",
                libc::ioctl(1, libc::TIOCSTI, &c) as i64,
                libc::EPERM,
            )?;
            denied(
                "TIOCSWINSZ on stdout",
                libc::ioctl(1, libc::TIOCSWINSZ, &mut avail) as i64,
                libc::EACCES,
            )?;
            // The terminal was reopened write-only before entry.
            if libc::fcntl(1, libc::F_GETFL) & libc::O_ACCMODE != libc::O_WRONLY {
                return Err("stdout (a terminal) was not reopened O_WRONLY".into());
            }
            denied(
                "read(stdout)",
                libc::read(1, &mut avail as *mut i32 as *mut libc::c_void, 1) as i64,
                libc::EBADF,
            )?;
            ok(
                "FIONREAD",
                libc::ioctl(f, libc::FIONREAD, &mut avail) as i64,
            )?;
            denied(
                "FIONBIO",
                libc::ioctl(f, libc::FIONBIO, &mut avail) as i64,
                libc::EACCES,
            )?;
            ok("F_GETFL", libc::fcntl(f, libc::F_GETFL) as i64)?;
            denied(
                "F_SETFL",
                libc::fcntl(f, libc::F_SETFL, libc::O_NONBLOCK) as i64,
                libc::EACCES,
            )?;
        }
        Ok(())
    });
}

#[test]
fn lookup_only_directories_are_o_path_and_rights_gate_changes() {
    if skip_without_landlock() {
        return;
    }
    let root = scratch("dirs");
    std::fs::write(root.join("f"), b"x").unwrap();
    in_child(move || {
        let mut n = Native::new();
        let lookup_only = n
            .limit(open_dir(&root), &limits(&[Right::Lookup]))
            .map_err(|f| f.error.to_string())?;
        let writable = n
            .limit(
                open_dir(&root),
                &limits(&[Right::Lookup, Right::Create, Right::Write, Right::Mkdirat]),
            )
            .map_err(|f| f.error.to_string())?;
        // SAFETY: F_GETFL takes no pointer.
        let fl = unsafe { libc::fcntl(lookup_only.as_raw_fd(), libc::F_GETFL) };
        if fl & libc::O_PATH == 0 {
            return Err(format!("lookup-only directory has flags {fl:#o}"));
        }
        enter(&mut n)?;
        let (l, w) = (lookup_only.as_raw_fd(), writable.as_raw_fd());
        ok("O_PATH beneath", openat(l, "f", libc::O_PATH))?;
        denied(
            "read beneath without read",
            openat(l, "f", libc::O_RDONLY),
            libc::EACCES,
        )?;
        ok(
            "create beneath with create",
            openat(w, "new", libc::O_WRONLY | libc::O_CREAT),
        )?;
        let p = cstr("sub");
        ok(
            "mkdirat with mkdirat",
            // SAFETY: arguments are integers or pointers to live locals.
            unsafe { libc::mkdirat(w, p.as_ptr(), 0o755) } as i64,
        )?;
        // SAFETY: NUL-terminated path.
        let r = unsafe { libc::mkdirat(l, p.as_ptr(), 0o755) };
        denied("mkdirat without mkdirat", r as i64, libc::EACCES)?;
        // SAFETY: NUL-terminated path.
        let r = unsafe { libc::unlinkat(w, cstr("f").as_ptr(), 0) };
        denied("unlinkat without unlinkat", r as i64, libc::EACCES)?;
        Ok(())
    });
}

#[test]
fn the_i386_entry_is_denied() {
    if skip_without_landlock() {
        return;
    }
    /// getpid through the 32-bit `int 0x80` entry (i386 number 20).
    fn getpid_i386() -> i64 {
        let ret: i64;
        // SAFETY: getpid reads and writes no memory; eax in, eax out.
        unsafe {
            std::arch::asm!("int 0x80", inlateout("rax") 20i64 => ret, options(nostack));
        }
        ret as i32 as i64
    }
    // Without IA32 emulation `int 0x80` faults: skip then.
    let probe = std::panic::catch_unwind(|| {
        in_child(|| {
            // SAFETY: getpid cannot fail.
            let pid = unsafe { libc::getpid() } as i64;
            (getpid_i386() == pid)
                .then_some(())
                .ok_or_else(|| "no ia32 entry".into())
        })
    });
    if probe.is_err() {
        eprintln!("skipped: this kernel has no i386 system call entry");
        return;
    }
    in_child(|| {
        enter(&mut Native::new())?;
        match getpid_i386() {
            r if r == -(libc::EPERM as i64) => Ok(()),
            r => Err(format!("i386 getpid returned {r}")),
        }
    });
}

#[test]
fn end_to_end_through_the_steps() {
    if skip_without_landlock() {
        return;
    }
    let root = scratch("steps");
    std::fs::write(root.join("in"), b"input").unwrap();
    let dir: &'static str = Box::leak(root.to_str().unwrap().to_owned().into_boxed_str());
    let input: &'static str = Box::leak(
        root.join("in")
            .to_str()
            .unwrap()
            .to_owned()
            .into_boxed_str(),
    );
    in_child(move || {
        use crate::decl::{Kind, OpenFlags, Preopen, Source};
        let plan = Plan {
            preopens: vec![
                Preopen {
                    name: "input",
                    kind: Kind::File,
                    source: Source::Literal(input),
                    flags: OpenFlags::READ,
                    limits: limits(&[Right::Read]),
                },
                Preopen {
                    name: "out",
                    kind: Kind::Dir,
                    source: Source::Literal(dir),
                    flags: OpenFlags::READ,
                    limits: limits(&[Right::Lookup, Right::Create, Right::Write]),
                },
            ],
            stdio: vec![
                (Stdio::Stdin, Limits::STDIN),
                (Stdio::Stdout, Limits::STDOUT),
                (Stdio::Stderr, Limits::STDOUT),
            ],
            ..Plan::default()
        };
        let mut handles =
            crate::steps::run(&plan, &[], &mut Native::new()).map_err(|e| e.to_string())?;
        let file: crate::File = handles.file(0);
        let out: crate::Dir = handles.dir(1);
        let mut buf = [0u8; 5];
        // SAFETY: `buf` is valid for 5 bytes.
        let n = unsafe { libc::read(file.as_raw_fd(), buf.as_mut_ptr().cast(), 5) };
        if n != 5 || &buf != b"input" {
            return Err(format!("read {n}: {buf:?}"));
        }
        let fd = ok(
            "create in out",
            openat(out.as_raw_fd(), "result", libc::O_WRONLY | libc::O_CREAT),
        )?;
        ok(
            "write result",
            // SAFETY: arguments are integers or pointers to live locals.
            unsafe { libc::write(fd as RawFd, buf.as_ptr().cast(), 5) } as i64,
        )?;
        let err = std::fs::read(input).unwrap_err();
        if !crate::is_violation(&err) {
            return Err(format!("reading by path: {err}"));
        }
        Ok(())
    });
    assert_eq!(std::fs::read(root.join("result")).unwrap(), b"input");
    std::fs::remove_dir_all(root).unwrap();
}

/// A function whose name must appear in a panic's backtrace.
#[inline(never)]
fn panicking_inside_the_sandbox() {
    panic!("deliberate panic inside the sandbox");
}

#[test]
fn panics_print_symbolized_backtraces() {
    const CHILD: &str = "SANDBOXED_TEST_PANIC_CHILD";
    if std::env::var_os(CHILD).is_some() {
        // Re-executed with --nocapture: the default panic hook writes to
        // the real stderr. The test thread forks so the grandchild is
        // single-threaded.
        in_child(|| {
            let mut n = Native::new();
            n.warm_caches().map_err(|e| e.to_string())?;
            enter(&mut n)?;
            let _ = std::panic::catch_unwind(panicking_inside_the_sandbox);
            Ok(())
        });
        return;
    }
    if skip_without_landlock() {
        return;
    }
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "backend::linux::tests::panics_print_symbolized_backtraces",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD, "1")
        .env("RUST_BACKTRACE", "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("deliberate panic") && stderr.contains("panicking_inside_the_sandbox"),
        "backtrace without function names:\n{stderr}"
    );
}

#[test]
fn standard_streams_are_narrowed_where_no_offset_is_shared() {
    if skip_without_landlock() {
        return;
    }
    let root = scratch("stdio");
    let fifo = root.join("fifo");
    let file = root.join("out.txt");
    let c = cstr(fifo.to_str().unwrap());
    // SAFETY: NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    in_child(move || {
        // stdin: a FIFO opened read-write (no offset: reopened O_RDONLY);
        // stdout: a regular file opened read-write (its offset is shared
        // with the parent: kept, and the filter denies reading).
        let open_rw = |p: &Path| {
            std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(p)
                .map_err(|e| e.to_string())
        };
        let (fifo, file) = (open_rw(&fifo)?, open_rw(&file)?);
        // SAFETY: dup2 onto stdin and stdout of this child.
        unsafe {
            libc::dup2(fifo.as_raw_fd(), 0);
            libc::dup2(file.as_raw_fd(), 1);
        }
        let mut n = Native::new();
        for (stream, limits) in [
            (Stdio::Stdin, Limits::STDIN),
            (Stdio::Stdout, Limits::STDOUT),
        ] {
            n.limit_stdio(stream, &limits)
                .map_err(|f| f.error.to_string())?;
        }
        enter(&mut n)?;
        let mut byte = [0u8; 1];
        // SAFETY: F_GETFL takes no pointer; read/write use a live byte.
        unsafe {
            if libc::fcntl(0, libc::F_GETFL) & libc::O_ACCMODE != libc::O_RDONLY {
                return Err("stdin (a FIFO) was not reopened O_RDONLY".into());
            }
            if libc::fcntl(1, libc::F_GETFL) & libc::O_ACCMODE != libc::O_RDWR {
                return Err("stdout (a regular file) was reopened".into());
            }
            denied(
                "write(stdin)",
                libc::write(0, byte.as_ptr().cast(), 1) as i64,
                libc::EBADF,
            )?;
            denied(
                "read(stdout)",
                libc::read(1, byte.as_mut_ptr().cast(), 1) as i64,
                libc::EACCES,
            )?;
            ok(
                "write(stdout)",
                libc::write(1, c"x".as_ptr().cast(), 1) as i64,
            )?;
        }
        Ok(())
    });
}

#[test]
fn two_hundred_distinct_rights_classes_enter_and_hold() {
    if skip_without_landlock() {
        return;
    }
    in_child(|| {
        let mut n = Native::new();
        let all = Right::ALL;
        let mut kept = Vec::new();
        // 200 descriptors, each with a rights set of its own; every odd
        // one lacks `fstat` (and so is denied it), every even one has it.
        for i in 0..200usize {
            let mut picked: Vec<Right> = all
                .iter()
                .enumerate()
                .filter(|(k, _)| (i >> (k % 8)) & 1 == 1 || (i + k).is_multiple_of(5))
                .map(|(_, r)| *r)
                .filter(|r| !RightSet::of(&[*r]).allows(Right::Fstat))
                .collect();
            picked.push(Right::Read);
            if i.is_multiple_of(2) {
                picked.push(Right::Fstat);
            }
            let fd: OwnedFd = std::fs::File::open("/dev/null").unwrap().into();
            let fd = n
                .limit(fd, &limits(&picked))
                .map_err(|f| f.error.to_string())?;
            kept.push(fd);
        }
        enter(&mut n)?;
        for (i, fd) in kept.iter().enumerate() {
            let mut st = std::mem::MaybeUninit::<libc::stat>::uninit();
            // SAFETY: `st` is a valid out-pointer.
            let r = unsafe { libc::fstat(fd.as_raw_fd(), st.as_mut_ptr()) } as i64;
            if i.is_multiple_of(2) {
                ok(&format!("fstat of descriptor {i} (with fstat)"), r)?;
            } else {
                denied(
                    &format!("fstat of descriptor {i} (without)"),
                    r,
                    libc::EACCES,
                )?;
            }
        }
        Ok(())
    });
}

/// The broker's policy for `net` keeps TCP to the listed ports even with
/// the `inet` grant (its own address check bypassed: the child calls
/// connect(2) and bind(2) itself). Landlock ABI 4 needed.
#[test]
fn inet_grant_keeps_tcp_to_the_listed_ports() {
    if Kernel::running().landlock_abi < 4 {
        eprintln!("skipped: Landlock ABI < 4 has no TCP port rules");
        return;
    }
    let allowed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let other = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let allowed_port = allowed.local_addr().unwrap().port();
    let other_port = other.local_addr().unwrap().port();
    in_child(|| {
        let policy = confine::Policy {
            grants: confine::Grants {
                global_paths: false,
                inet: true,
                unix_connect: false,
                send_descriptors: false,
            },
            tcp_bind: Some(Vec::new()),
            tcp_connect: Some(vec![allowed_port]),
            ..confine::Policy::default()
        };
        confine::apply(policy, &Kernel::running())
            .map_err(|f| format!("{}: {}", f.syscall, f.error))?;
        // The errno of connect(2) to 127.0.0.1:`port` (0: connected).
        let connect = |port: u16| -> i32 {
            // SAFETY: plain socket creation.
            let fd = unsafe { libc::socket(libc::AF_INET, libc::SOCK_STREAM, 0) };
            assert!(fd >= 0, "socket: {}", io::Error::last_os_error());
            let addr = libc::sockaddr_in {
                sin_family: libc::AF_INET as u16,
                sin_port: port.to_be(),
                sin_addr: libc::in_addr {
                    s_addr: u32::from(std::net::Ipv4Addr::LOCALHOST).to_be(),
                },
                sin_zero: [0; 8],
            };
            let len = std::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t;
            // SAFETY: a live sockaddr_in of `len` bytes.
            let r = unsafe { libc::connect(fd, (&raw const addr).cast(), len) };
            let err = io::Error::last_os_error().raw_os_error().unwrap_or(0);
            // SAFETY: our own descriptor.
            unsafe { libc::close(fd) };
            if r == 0 {
                0
            } else {
                err
            }
        };
        match connect(allowed_port) {
            0 => {}
            e => return Err(format!("connect to the listed port: errno {e}")),
        }
        match connect(other_port) {
            libc::EACCES => {}
            e => return Err(format!("connect to another port: errno {e}, want EACCES")),
        }
        Ok(())
    });
}
