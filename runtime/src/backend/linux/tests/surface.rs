//! The kernel surface capability mode closes, ioctls and fcntls, threads,
//! the i386 entry, the broker's TCP ports.

use std::io::{Read, Write};
use std::os::fd::{AsRawFd, RawFd};

use super::*;

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
        crate::backend::unix::trace::symbols::open();
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
        // Backtraces are symbolized from the executable opened before
        // entry (what a panic's hook prints), not by std's symbolizer.
        use crate::backend::unix::trace::{panic, unwind};
        let mut ips = [0; 64];
        let n = unwind::capture(&mut ips);
        let backtrace = panic::backtrace(&ips[..n], panic::Style::Full);
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
        confine::apply(policy, &Kernel::running()).map_err(|e| format!("{}: {e}", e.syscall()))?;
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

/// Every command `ioctls(...)` declares has its Linux numbers; only
/// `fiodtype` (FreeBSD's) has none and is never allowed here.
#[test]
fn every_declarable_ioctl_has_linux_numbers() {
    for ioctl in crate::rights::Ioctl::ALL {
        let numbers = seccomp::consts::ioctl_numbers(*ioctl);
        assert_eq!(
            numbers.is_empty(),
            *ioctl == crate::rights::Ioctl::Fiodtype,
            "{ioctl}"
        );
    }
}
