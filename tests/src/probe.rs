//! The attempts of the escape suite, run by `escape_probe` INSIDE the
//! sandbox. Each case tries one thing and returns what the kernel said;
//! the harness ([`crate::harness`]) decides whether that is the documented
//! answer and checks that nothing changed outside.
//!
//! The world a case finds is built by the harness before the probe starts:
//! see [`crate::harness::World`] for the layout and the environment
//! variables. Raw system calls go through libc (this is the FFI edge of the
//! test suite); system calls libc has no wrapper for use `syscall(2)`
//! numbers of x86_64.

use std::ffi::CString;
use std::io;
use std::os::fd::RawFd;

use crate::sys::{
    c, close, fork_watched, fstat, in_child, map, open_read, openat, pidfd_fork, pidfd_wait, pipe,
    read_text, stat_at, sys, write_text, End,
};

/// The preopened descriptors, as the attribute handed them to `main`.
#[derive(Clone, Copy, Debug)]
pub struct Fds {
    /// `dir`: a directory with lookup, read, write, create and the `*at`
    /// rights (fstatat, fchmodat, fchownat, futimesat, mkdirat, unlinkat,
    /// renameat, linkat, symlinkat).
    pub dir: RawFd,
    /// `rodir`: a directory with `[lookup, read, fstat]` only.
    pub rodir: RawFd,
    /// `ro`: a file with `[read]` only.
    pub ro: RawFd,
    /// `wo`: a file opened for writing with `[write]` only.
    pub wo: RawFd,
    /// `rw`: a file opened read-write with `[read, write, seek, fstat,
    /// mmap_r, ioctls(fionread), fcntls(getfl)]`.
    pub rw: RawFd,
    /// `narrowed`: a file OPENED read-write but declared `[read]`: the
    /// backend must reopen it read-only.
    pub narrowed: RawFd,
}

/// One attempt, on the preopened descriptors.
pub type Probe = fn(&Fds) -> Attempt;

pub use crate::sys::{outcome_line, Attempt};

/// The descriptor the harness hands in as a connected TCP stream.
pub const HANDED_TCP: RawFd = 3;
/// The descriptor the harness hands in as an unconnected UDP socket.
pub const HANDED_UDP: RawFd = 4;
/// The descriptor the harness hands in as a listening TCP socket with one
/// connection waiting.
pub const HANDED_LISTENER: RawFd = 5;
/// The descriptor the harness hands in as a pidfd of the victim process.
pub const HANDED_PIDFD: RawFd = 6;

/// `syscall(2)` numbers newer than the libc crate's tables (x86_64).
mod nr {
    pub const SETXATTRAT: libc::c_long = 463;
    pub const FCHMODAT2: libc::c_long = 452;
    pub const QUOTACTL_FD: libc::c_long = 443;
    /// ioctl FIOSETOWN (asm-generic/sockios.h).
    pub const FIOSETOWN: libc::Ioctl = 0x8901;
    /// ioctl SIOCGIFMTU / SIOCSIFMTU (linux/sockios.h).
    pub const SIOCGIFMTU: libc::Ioctl = 0x8921;
    pub const SIOCSIFMTU: libc::Ioctl = 0x8922;
    /// ioctl FITHAW = _IOWR('X', 120, int) (linux/fs.h).
    pub const FITHAW: libc::Ioctl = 0xc004_5878;
}

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("the harness sets ${name}"))
}

/// `$ESCAPE_ROOT/rel`: a path in the harness's world (outside the
/// preopened directories unless `rel` starts with `dir/` or `rodir/`).
fn world(rel: &str) -> CString {
    c(&format!("{}/{rel}", env("ESCAPE_ROOT")))
}

fn pid_env(name: &str) -> libc::pid_t {
    env(name).parse().expect("a pid")
}

fn inet(port: u16) -> libc::sockaddr_in {
    libc::sockaddr_in {
        sin_family: libc::AF_INET as libc::sa_family_t,
        sin_port: port.to_be(),
        sin_addr: libc::in_addr {
            s_addr: u32::from(std::net::Ipv4Addr::LOCALHOST).to_be(),
        },
        sin_zero: [0; 8],
    }
}

/// A `sockaddr_un` for `path`; a leading NUL makes it abstract.
fn unix_addr(path: &[u8]) -> (libc::sockaddr_un, libc::socklen_t) {
    // SAFETY: `sockaddr_un` is plain old data; all zeroes is a valid value.
    let mut addr: libc::sockaddr_un = unsafe { std::mem::zeroed() };
    addr.sun_family = libc::AF_UNIX as libc::sa_family_t;
    for (d, s) in addr.sun_path.iter_mut().zip(path) {
        *d = *s as libc::c_char;
    }
    let len = std::mem::size_of::<libc::sa_family_t>() + path.len();
    (addr, len as libc::socklen_t)
}

fn port_env(name: &str) -> u16 {
    env(name).parse().expect("a port")
}

fn socket(domain: i32, ty: i32, proto: i32) -> io::Result<RawFd> {
    sys!(libc::socket(domain, ty | libc::SOCK_CLOEXEC, proto))
}

fn connect_inet(fd: RawFd, port: u16) -> Attempt {
    let addr = inet(port);
    sys!(libc::connect(
        fd,
        (&addr as *const libc::sockaddr_in).cast(),
        std::mem::size_of_val(&addr) as libc::socklen_t
    ))?;
    Ok("connected".into())
}

fn sendto_inet(fd: RawFd, port: u16) -> Attempt {
    let addr = inet(port);
    let msg = b"escaped";
    let n = sys!(libc::sendto(
        fd,
        msg.as_ptr().cast(),
        msg.len(),
        0,
        (&addr as *const libc::sockaddr_in).cast(),
        std::mem::size_of_val(&addr) as libc::socklen_t
    ))?;
    Ok(format!("sent {n}"))
}

/// sendmsg(2) with an explicit destination in `msg_name`: the address
/// rides in memory seccomp cannot read.
fn sendmsg_to(fd: RawFd, name: *mut libc::c_void, namelen: libc::socklen_t) -> Attempt {
    let mut msg = *b"escaped";
    let mut iov = libc::iovec {
        iov_base: msg.as_mut_ptr().cast(),
        iov_len: msg.len(),
    };
    // SAFETY: `msghdr` is plain old data; all zeroes is a valid value.
    let mut hdr: libc::msghdr = unsafe { std::mem::zeroed() };
    hdr.msg_name = name;
    hdr.msg_namelen = namelen;
    hdr.msg_iov = &mut iov;
    hdr.msg_iovlen = 1;
    let n = sys!(libc::sendmsg(fd, &hdr, 0))?;
    Ok(format!("sent {n}"))
}

/// Sends `fd` over a socketpair to ourselves (SCM_RIGHTS) and returns the
/// received copy: a dup(2) that does not say "dup".
fn pass_to_self(fd: RawFd) -> io::Result<RawFd> {
    let mut sp = [0; 2];
    sys!(libc::socketpair(
        libc::AF_UNIX,
        libc::SOCK_STREAM | libc::SOCK_CLOEXEC,
        0,
        sp.as_mut_ptr()
    ))?;
    let space = 64usize;
    let mut control = vec![0u8; space];
    let mut byte = [0u8; 1];
    let mut iov = libc::iovec {
        iov_base: byte.as_mut_ptr().cast(),
        iov_len: 1,
    };
    // SAFETY: `msghdr` is plain old data; all zeroes is a valid value.
    let mut hdr: libc::msghdr = unsafe { std::mem::zeroed() };
    hdr.msg_iov = &mut iov;
    hdr.msg_iovlen = 1;
    hdr.msg_control = control.as_mut_ptr().cast();
    // SAFETY: CMSG_SPACE only computes a size.
    hdr.msg_controllen = unsafe { libc::CMSG_SPACE(4) } as usize;
    // SAFETY: the control buffer holds CMSG_SPACE(4) bytes, so the first
    // header and its 4-byte payload are inside it.
    unsafe {
        let cmsg = libc::CMSG_FIRSTHDR(&hdr);
        (*cmsg).cmsg_level = libc::SOL_SOCKET;
        (*cmsg).cmsg_type = libc::SCM_RIGHTS;
        (*cmsg).cmsg_len = libc::CMSG_LEN(4) as usize;
        std::ptr::write_unaligned(libc::CMSG_DATA(cmsg).cast::<RawFd>(), fd);
    }
    let sent = sys!(libc::sendmsg(sp[0], &hdr, 0));
    close(sp[0]);
    if let Err(e) = sent {
        close(sp[1]);
        return Err(e);
    }
    control.iter_mut().for_each(|b| *b = 0);
    hdr.msg_controllen = space;
    let got = sys!(libc::recvmsg(sp[1], &mut hdr, libc::MSG_CMSG_CLOEXEC));
    close(sp[1]);
    got?;
    // SAFETY: recvmsg filled `control` (length msg_controllen); the first
    // header, if any, lies inside it.
    unsafe {
        let cmsg = libc::CMSG_FIRSTHDR(&hdr);
        if cmsg.is_null() || (*cmsg).cmsg_type != libc::SCM_RIGHTS {
            return Err(io::Error::other("no descriptor received"));
        }
        Ok(std::ptr::read_unaligned(
            libc::CMSG_DATA(cmsg).cast::<RawFd>(),
        ))
    }
}

/// `name_to_handle_at` output the harness computed before entry, as hex:
/// `handle_type:bytes`.
fn handle_from_env() -> Vec<u8> {
    let text = env("ESCAPE_HANDLE");
    let (ty, bytes) = text.split_once(':').expect("type:hex");
    let bytes: Vec<u8> = (0..bytes.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&bytes[i..i + 2], 16).expect("hex"))
        .collect();
    let ty: i32 = ty.parse().expect("handle type");
    let mut raw = Vec::new();
    raw.extend_from_slice(&(bytes.len() as u32).to_ne_bytes());
    raw.extend_from_slice(&ty.to_ne_bytes());
    raw.extend_from_slice(&bytes);
    raw
}

/// Executes `getpid` through the 32-bit `int 0x80` entry point (i386
/// number 20) and returns what came back in eax.
#[cfg(target_arch = "x86_64")]
fn int80_getpid() -> i64 {
    let mut eax: i64 = 20;
    // SAFETY: `int 0x80` with eax = 20 is the i386 getpid: no memory
    // arguments, result in eax; the kernel preserves the other registers
    // the asm does not declare clobbered (r8-r11 are declared).
    unsafe {
        std::arch::asm!(
            "int 0x80",
            inout("rax") eax,
            out("r8") _, out("r9") _, out("r10") _, out("r11") _,
        );
    }
    eax as i32 as i64
}

/// ioperm(2) turning port 0x80 off; only x86 has the call (`ENOSYS`
/// elsewhere, as the kernel answers an unknown call).
fn ioperm_off() -> io::Result<()> {
    #[cfg(target_arch = "x86_64")]
    sys!(libc::syscall(libc::SYS_ioperm, 0x80, 1, 0))?;
    #[cfg(not(target_arch = "x86_64"))]
    return Err(io::Error::from_raw_os_error(libc::ENOSYS));
    #[cfg(target_arch = "x86_64")]
    Ok(())
}

/// Only x86_64 has the i386 entry point: `-ENOSYS`, as a kernel without
/// it answers.
#[cfg(not(target_arch = "x86_64"))]
fn int80_getpid() -> i64 {
    -i64::from(libc::ENOSYS)
}

/// The cases, by name. The harness's table names the same cases with the
/// documented answer; `cases_agree` in tests/tests/escape.rs checks the two
/// lists match.
pub const CASES: &[(&str, Probe)] = &[
    // ---- 1. no global namespaces -------------------------------------
    ("open_absolute", |_| {
        open_read(libc::AT_FDCWD, &world("outside/secret.txt"))
    }),
    ("openat_cwd_relative", |_| {
        open_read(libc::AT_FDCWD, &c("secret.txt"))
    }),
    ("creat_absolute", |_| {
        let fd = openat(
            libc::AT_FDCWD,
            &world("outside/new.txt"),
            libc::O_CREAT | libc::O_WRONLY,
        )?;
        write_text(fd, "escaped")
    }),
    ("openat_dotdot", |f| {
        open_read(f.dir, &c("../outside/secret.txt"))
    }),
    ("openat_dotdot_other_preopen", |f| {
        // `..` out of `dir`, landing in `rodir`, preopened with `read`.
        open_read(f.dir, &c("../rodir/keep.txt"))
    }),
    ("openat_sub_dotdot_out", |f| {
        open_read(f.dir, &c("sub/../../outside/secret.txt"))
    }),
    ("openat_dotdot_create", |f| {
        let fd = openat(
            f.dir,
            &c("../outside/new.txt"),
            libc::O_CREAT | libc::O_WRONLY,
        )?;
        write_text(fd, "escaped")
    }),
    ("openat_absolute_from_dir", |f| {
        open_read(f.dir, &world("outside/secret.txt"))
    }),
    ("openat_symlink_out", |f| {
        open_read(f.dir, &c("escape_link"))
    }),
    ("openat_dotdot_opath", |f| {
        let fd = openat(f.dir, &c(".."), libc::O_PATH)?;
        let seen = stat_at(fd, &c("outside/secret.txt"), 0);
        close(fd);
        Ok(format!("O_PATH of the parent; stat beyond: {seen:?}"))
    }),
    ("fstatat_dotdot", |f| {
        stat_at(f.dir, &c("../outside/secret.txt"), 0)
    }),
    ("fstatat_symlink_out", |f| {
        stat_at(f.dir, &c("escape_link"), 0)
    }),
    ("faccessat_dotdot", |f| {
        sys!(libc::faccessat(
            f.dir,
            c("../outside/secret.txt").as_ptr(),
            libc::F_OK,
            0
        ))?;
        Ok("exists".into())
    }),
    ("readlinkat_dotdot", |f| {
        let mut buf = [0u8; 256];
        let n = sys!(libc::readlinkat(
            f.dir,
            c("../outside/link").as_ptr(),
            buf.as_mut_ptr().cast(),
            buf.len()
        ))?;
        Ok(String::from_utf8_lossy(&buf[..n as usize]).into_owned())
    }),
    ("fchmodat_dotdot", |f| {
        sys!(libc::fchmodat(
            f.dir,
            c("../outside/victim.txt").as_ptr(),
            0o777,
            0
        ))?;
        Ok("mode changed".into())
    }),
    ("fchmodat_symlink_out", |f| {
        sys!(libc::fchmodat(f.dir, c("escape_link").as_ptr(), 0o777, 0))?;
        Ok("mode changed".into())
    }),
    ("fchownat_dotdot", |f| {
        sys!(libc::fchownat(
            f.dir,
            c("../outside/victim.txt").as_ptr(),
            1,
            1,
            0
        ))?;
        Ok("owner changed".into())
    }),
    ("utimensat_dotdot", |f| {
        let times = [libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        }; 2];
        sys!(libc::utimensat(
            f.dir,
            c("../outside/victim.txt").as_ptr(),
            times.as_ptr(),
            0
        ))?;
        Ok("times changed".into())
    }),
    ("setxattrat_dotdot", |f| {
        // struct xattr_args { u64 value; u32 size; u32 flags; } (6.13+)
        let value = *b"escaped";
        let args: [u64; 2] = [value.as_ptr() as u64, value.len() as u64];
        sys!(libc::syscall(
            nr::SETXATTRAT,
            f.dir,
            c("../outside/victim.txt").as_ptr(),
            0,
            c("user.escape").as_ptr(),
            args.as_ptr(),
            16usize
        ))?;
        Ok("xattr set".into())
    }),
    ("stat_absolute", |_| {
        stat_at(libc::AT_FDCWD, &world("outside/secret.txt"), 0)
    }),
    ("access_absolute", |_| {
        sys!(libc::access(
            world("outside/secret.txt").as_ptr(),
            libc::F_OK
        ))?;
        Ok("exists".into())
    }),
    ("readlink_absolute", |_| {
        let mut buf = [0u8; 256];
        let n = sys!(libc::readlink(
            c("/proc/self/exe").as_ptr(),
            buf.as_mut_ptr().cast(),
            buf.len()
        ))?;
        Ok(String::from_utf8_lossy(&buf[..n as usize]).into_owned())
    }),
    ("statfs_absolute", |_| {
        // SAFETY: `statfs` is plain old data; all zeroes is a valid value.
        let mut st: libc::statfs = unsafe { std::mem::zeroed() };
        sys!(libc::statfs(c("/").as_ptr(), &mut st))?;
        Ok("statfs".into())
    }),
    ("unlink_absolute", |_| {
        sys!(libc::unlink(world("outside/victim.txt").as_ptr()))?;
        Ok("unlinked".into())
    }),
    ("unlinkat_dotdot", |f| {
        sys!(libc::unlinkat(
            f.dir,
            c("../outside/victim.txt").as_ptr(),
            0
        ))?;
        Ok("unlinked".into())
    }),
    ("mkdir_absolute", |_| {
        sys!(libc::mkdir(world("outside/newdir").as_ptr(), 0o755))?;
        Ok("created".into())
    }),
    ("mkdirat_dotdot", |f| {
        sys!(libc::mkdirat(f.dir, c("../outside/newdir").as_ptr(), 0o755))?;
        Ok("created".into())
    }),
    ("rename_absolute", |f| {
        sys!(libc::renameat(
            f.dir,
            c("inside.txt").as_ptr(),
            libc::AT_FDCWD,
            world("outside/moved.txt").as_ptr()
        ))?;
        Ok("moved".into())
    }),
    ("renameat_dotdot", |f| {
        sys!(libc::renameat(
            f.dir,
            c("inside.txt").as_ptr(),
            f.dir,
            c("../outside/moved.txt").as_ptr()
        ))?;
        Ok("moved".into())
    }),
    ("renameat_exchange_out", |f| {
        sys!(libc::renameat2(
            f.dir,
            c("inside.txt").as_ptr(),
            f.dir,
            c("../outside/victim.txt").as_ptr(),
            libc::RENAME_EXCHANGE
        ))?;
        Ok("exchanged".into())
    }),
    ("linkat_dotdot", |f| {
        sys!(libc::linkat(
            f.dir,
            c("inside.txt").as_ptr(),
            f.dir,
            c("../outside/hl.txt").as_ptr(),
            0
        ))?;
        Ok("linked".into())
    }),
    ("linkat_fd_into_dir", |f| {
        // Give the read-only file a second name beneath the writable
        // directory, then open that name for writing.
        sys!(libc::linkat(
            f.ro,
            c("").as_ptr(),
            f.dir,
            c("ro_alias").as_ptr(),
            libc::AT_EMPTY_PATH
        ))?;
        let fd = openat(f.dir, &c("ro_alias"), libc::O_WRONLY)?;
        write_text(fd, "escaped")
    }),
    ("truncate_absolute", |_| {
        sys!(libc::truncate(world("outside/victim.txt").as_ptr(), 0))?;
        Ok("truncated".into())
    }),
    ("chmod_absolute", |_| {
        sys!(libc::chmod(world("outside/victim.txt").as_ptr(), 0o777))?;
        Ok("mode changed".into())
    }),
    ("chown_absolute", |_| {
        sys!(libc::chown(world("outside/victim.txt").as_ptr(), 1, 1))?;
        Ok("owner changed".into())
    }),
    ("utimes_absolute", |_| {
        let times = [libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        }; 2];
        sys!(libc::utimensat(
            libc::AT_FDCWD,
            world("outside/victim.txt").as_ptr(),
            times.as_ptr(),
            0
        ))?;
        Ok("times changed".into())
    }),
    ("openat2_absolute", |_| {
        // SAFETY: `open_how` is plain old data; all zeroes is a valid value.
        let mut how: libc::open_how = unsafe { std::mem::zeroed() };
        how.flags = libc::O_RDONLY as u64;
        let fd = sys!(libc::syscall(
            libc::SYS_openat2,
            libc::AT_FDCWD,
            world("outside/secret.txt").as_ptr(),
            &how,
            std::mem::size_of_val(&how)
        ))?;
        read_text(fd as RawFd)
    }),
    ("openat2_dotdot", |f| {
        // SAFETY: `open_how` is plain old data; all zeroes is a valid value.
        let mut how: libc::open_how = unsafe { std::mem::zeroed() };
        how.flags = libc::O_RDONLY as u64;
        let fd = sys!(libc::syscall(
            libc::SYS_openat2,
            f.dir,
            c("../outside/secret.txt").as_ptr(),
            &how,
            std::mem::size_of_val(&how)
        ))?;
        read_text(fd as RawFd)
    }),
    ("open_by_handle_at", |f| {
        let mut handle = handle_from_env();
        let fd = sys!(libc::open_by_handle_at(
            f.dir,
            handle.as_mut_ptr().cast(),
            libc::O_RDONLY
        ))?;
        read_text(fd)
    }),
    ("inotify_add_watch_path", |_| {
        let fd = sys!(libc::inotify_init1(libc::IN_CLOEXEC))?;
        let w = sys!(libc::inotify_add_watch(
            fd,
            world("outside").as_ptr(),
            libc::IN_ALL_EVENTS
        ));
        close(fd);
        Ok(format!("watch {}", w?))
    }),
    ("fanotify_init", |_| {
        let fd = sys!(libc::fanotify_init(
            libc::FAN_CLASS_NOTIF,
            libc::O_RDONLY as u32
        ))?;
        close(fd);
        Ok("fanotify".into())
    }),
    ("memfd_execveat", |_| {
        let fd = sys!(libc::memfd_create(c("probe").as_ptr(), 0))?;
        write_text(fd, "#!/usr/bin/true\n")?;
        let argv = [c"probe".as_ptr(), std::ptr::null()];
        let envp: [*const libc::c_char; 1] = [std::ptr::null()];
        sys!(libc::syscall(
            libc::SYS_execveat,
            fd,
            c("").as_ptr(),
            argv.as_ptr(),
            envp.as_ptr(),
            libc::AT_EMPTY_PATH
        ))?;
        Ok("executed".into())
    }),
    ("chdir_absolute", |_| {
        sys!(libc::chdir(c("/").as_ptr()))?;
        Ok("changed directory".into())
    }),
    ("fchdir_then_open", |f| {
        sys!(libc::fchdir(f.dir))?;
        open_read(libc::AT_FDCWD, &c("../outside/secret.txt"))
    }),
    ("mknodat_device", |f| {
        // /dev/null's numbers: harmless if it were created.
        sys!(libc::mknodat(
            f.dir,
            c("nullnode").as_ptr(),
            libc::S_IFCHR | 0o600,
            libc::makedev(1, 3)
        ))?;
        Ok("device node created".into())
    }),
    ("proc_self_fd_reopen", |f| {
        let fd = openat(
            libc::AT_FDCWD,
            &c(&format!("/proc/self/fd/{}", f.ro)),
            libc::O_RDWR,
        )?;
        write_text(fd, "escaped")
    }),
    ("getxattr_absolute", |_| {
        let mut buf = [0u8; 64];
        let n = sys!(libc::getxattr(
            c("/").as_ptr(),
            c("user.x").as_ptr(),
            buf.as_mut_ptr().cast(),
            buf.len()
        ))?;
        Ok(format!("{n} bytes"))
    }),
    ("rodir_create", |f| {
        let fd = openat(f.rodir, &c("new.txt"), libc::O_CREAT | libc::O_WRONLY)?;
        write_text(fd, "escaped")
    }),
    ("rodir_write", |f| {
        let fd = openat(f.rodir, &c("keep.txt"), libc::O_WRONLY)?;
        write_text(fd, "escaped")
    }),
    ("rodir_unlink", |f| {
        sys!(libc::unlinkat(f.rodir, c("keep.txt").as_ptr(), 0))?;
        Ok("unlinked".into())
    }),
    ("rodir_opened_fchmod", |f| {
        let fd = openat(f.rodir, &c("keep.txt"), libc::O_RDONLY)?;
        sys!(libc::fchmod(fd, 0o777))?;
        Ok("mode changed".into())
    }),
    ("rodir_opened_fsetxattr", |f| {
        let fd = openat(f.rodir, &c("keep.txt"), libc::O_RDONLY)?;
        let v = b"escaped";
        sys!(libc::fsetxattr(
            fd,
            c("user.escape").as_ptr(),
            v.as_ptr().cast(),
            v.len(),
            0
        ))?;
        Ok("xattr set".into())
    }),
    ("rodir_opened_futimens", |f| {
        let fd = openat(f.rodir, &c("keep.txt"), libc::O_RDONLY)?;
        let times = [libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        }; 2];
        sys!(libc::futimens(fd, times.as_ptr()))?;
        Ok("times changed".into())
    }),
    ("symlinkat_then_follow", |f| {
        sys!(libc::symlinkat(
            world("outside/secret.txt").as_ptr(),
            f.dir,
            c("mylink").as_ptr()
        ))?;
        open_read(f.dir, &c("mylink"))
    }),
    // positive twins
    ("openat_beneath", |f| open_read(f.dir, &c("inside.txt"))),
    ("openat_beneath_dotdot_inside", |f| {
        open_read(f.dir, &c("sub/../inside.txt"))
    }),
    ("openat_beneath_create", |f| {
        let fd = openat(
            f.dir,
            &c("created.txt"),
            libc::O_CREAT | libc::O_WRONLY | libc::O_EXCL,
        )?;
        write_text(fd, "created")
    }),
    ("mkdirat_beneath", |f| {
        sys!(libc::mkdirat(f.dir, c("newdir").as_ptr(), 0o755))?;
        Ok("created".into())
    }),
    ("fstatat_beneath", |f| stat_at(f.dir, &c("inside.txt"), 0)),
    ("renameat_beneath", |f| {
        sys!(libc::renameat(
            f.dir,
            c("inside.txt").as_ptr(),
            f.dir,
            c("sub/moved.txt").as_ptr()
        ))?;
        Ok("moved".into())
    }),
    ("openat_beneath_enoent", |f| {
        open_read(f.dir, &c("missing.txt"))
    }),
    ("rodir_read", |f| open_read(f.rodir, &c("keep.txt"))),
    ("rodir_list", |f| {
        let fd = openat(f.rodir, &c("."), libc::O_RDONLY | libc::O_DIRECTORY)?;
        let mut buf = [0u8; 1024];
        let n = sys!(libc::syscall(
            libc::SYS_getdents64,
            fd,
            buf.as_mut_ptr(),
            buf.len()
        ))?;
        close(fd);
        Ok(format!("{n} bytes of entries"))
    }),
    // ---- 2. no new process images, no foreign processes --------------
    ("execve", |_| {
        let argv = [c"true".as_ptr(), std::ptr::null()];
        let envp: [*const libc::c_char; 1] = [std::ptr::null()];
        sys!(libc::execve(
            c("/usr/bin/true").as_ptr(),
            argv.as_ptr(),
            envp.as_ptr()
        ))?;
        Ok("executed".into())
    }),
    ("execveat_absolute", |_| {
        let argv = [c"true".as_ptr(), std::ptr::null()];
        let envp: [*const libc::c_char; 1] = [std::ptr::null()];
        sys!(libc::syscall(
            libc::SYS_execveat,
            libc::AT_FDCWD,
            c("/usr/bin/true").as_ptr(),
            argv.as_ptr(),
            envp.as_ptr(),
            0
        ))?;
        Ok("executed".into())
    }),
    ("ptrace_attach", |_| {
        sys!(libc::ptrace(
            libc::PTRACE_ATTACH,
            pid_env("ESCAPE_VICTIM"),
            0,
            0
        ))?;
        Ok("attached".into())
    }),
    ("ptrace_traceme", |_| {
        sys!(libc::ptrace(libc::PTRACE_TRACEME, 0, 0, 0))?;
        Ok("traced".into())
    }),
    ("process_vm_readv", |_| {
        let mut buf = [0u8; 8];
        let local = libc::iovec {
            iov_base: buf.as_mut_ptr().cast(),
            iov_len: 8,
        };
        // An address in the victim that is surely unmapped: EFAULT, not
        // data, if the call got through.
        let remote = libc::iovec {
            iov_base: 0x1000 as *mut _,
            iov_len: 8,
        };
        sys!(libc::process_vm_readv(
            pid_env("ESCAPE_VICTIM"),
            &local,
            1,
            &remote,
            1,
            0
        ))?;
        Ok("read the victim".into())
    }),
    ("process_vm_writev", |_| {
        let mut buf = [0u8; 8];
        let local = libc::iovec {
            iov_base: buf.as_mut_ptr().cast(),
            iov_len: 8,
        };
        let remote = libc::iovec {
            iov_base: 0x1000 as *mut _,
            iov_len: 8,
        };
        sys!(libc::process_vm_writev(
            pid_env("ESCAPE_VICTIM"),
            &local,
            1,
            &remote,
            1,
            0
        ))?;
        Ok("wrote the victim".into())
    }),
    ("pidfd_open_other", |_| {
        let fd = sys!(libc::syscall(
            libc::SYS_pidfd_open,
            pid_env("ESCAPE_VICTIM"),
            0
        ))?;
        close(fd as RawFd);
        Ok("pidfd".into())
    }),
    ("pidfd_getfd_self", |f| {
        // SAFETY: getpid(2) cannot fail.
        let me = unsafe { libc::getpid() };
        let pidfd = sys!(libc::syscall(libc::SYS_pidfd_open, me, 0))?;
        let fd = sys!(libc::syscall(libc::SYS_pidfd_getfd, pidfd, f.ro, 0))?;
        fstat(fd as RawFd)
    }),
    ("kill_other", |_| {
        sys!(libc::kill(pid_env("ESCAPE_VICTIM"), libc::SIGTERM))?;
        Ok("signalled".into())
    }),
    ("tgkill_other", |_| {
        let v = pid_env("ESCAPE_VICTIM");
        sys!(libc::syscall(libc::SYS_tgkill, v, v, libc::SIGTERM))?;
        Ok("signalled".into())
    }),
    ("sigqueue_other", |_| {
        // SAFETY: `siginfo_t` is plain old data; all zeroes is a valid value.
        let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
        info.si_signo = libc::SIGTERM;
        info.si_code = libc::SI_QUEUE;
        sys!(libc::syscall(
            libc::SYS_rt_sigqueueinfo,
            pid_env("ESCAPE_VICTIM"),
            libc::SIGTERM,
            &info
        ))?;
        Ok("signalled".into())
    }),
    ("kill_parent_probe", |_| {
        // Signal 0 only asks whether the parent exists: harmless.
        // SAFETY: getppid(2) cannot fail.
        let parent = unsafe { libc::getppid() };
        sys!(libc::kill(parent, 0))?;
        Ok("parent is there".into())
    }),
    ("kill_all_probe", |_| {
        sys!(libc::kill(-1, 0))?;
        Ok("signal 0 to everyone".into())
    }),
    ("setpriority_other", |_| {
        sys!(libc::setpriority(
            libc::PRIO_PROCESS,
            pid_env("ESCAPE_VICTIM") as u32,
            5
        ))?;
        Ok("reniced".into())
    }),
    ("sched_setaffinity_other", |_| {
        // SAFETY: `cpu_set_t` is plain old data; all zeroes is a valid value.
        let mut set: libc::cpu_set_t = unsafe { std::mem::zeroed() };
        // SAFETY: CPU 0 is within the set's bounds.
        unsafe { libc::CPU_SET(0, &mut set) };
        sys!(libc::sched_setaffinity(
            pid_env("ESCAPE_VICTIM"),
            std::mem::size_of_val(&set),
            &set
        ))?;
        Ok("pinned".into())
    }),
    ("prlimit_other", |_| {
        // SAFETY: `rlimit` is plain old data; all zeroes is a valid value.
        let mut old: libc::rlimit = unsafe { std::mem::zeroed() };
        sys!(libc::prlimit(
            pid_env("ESCAPE_VICTIM"),
            libc::RLIMIT_NOFILE,
            std::ptr::null(),
            &mut old
        ))?;
        Ok(format!("nofile {}", old.rlim_cur))
    }),
    ("kcmp_other", |_| {
        // SAFETY: getpid(2) cannot fail.
        let me = unsafe { libc::getpid() };
        sys!(libc::syscall(
            libc::SYS_kcmp,
            me,
            pid_env("ESCAPE_VICTIM"),
            0, /* KCMP_FILE */
            0,
            0
        ))?;
        Ok("compared".into())
    }),
    // positive twins
    ("kill_self", |_| {
        // SAFETY: SIG_IGN for SIGUSR1 installs no handler code.
        unsafe { libc::signal(libc::SIGUSR1, libc::SIG_IGN) };
        // SAFETY: getpid(2) cannot fail.
        let me = unsafe { libc::getpid() };
        sys!(libc::kill(me, libc::SIGUSR1))?;
        sys!(libc::raise(libc::SIGUSR1))?;
        Ok("signalled myself".into())
    }),
    ("sched_self", |_| {
        // SAFETY: `cpu_set_t` is plain old data; all zeroes is a valid value.
        let mut set: libc::cpu_set_t = unsafe { std::mem::zeroed() };
        sys!(libc::sched_getaffinity(
            0,
            std::mem::size_of_val(&set),
            &mut set
        ))?;
        sys!(libc::sched_yield())?;
        // SAFETY: counts bits of a live local set.
        Ok(format!("{} cpus", unsafe { libc::CPU_COUNT(&set) }))
    }),
    // ---- 3. no new network endpoints ---------------------------------
    ("tcp_connect", |_| {
        let fd = socket(libc::AF_INET, libc::SOCK_STREAM, 0)?;
        connect_inet(fd, port_env("ESCAPE_TCP_PORT"))
    }),
    ("tcp_bind", |_| {
        let fd = socket(libc::AF_INET, libc::SOCK_STREAM, 0)?;
        let addr = inet(0);
        sys!(libc::bind(
            fd,
            (&addr as *const libc::sockaddr_in).cast(),
            std::mem::size_of_val(&addr) as u32
        ))?;
        Ok("bound".into())
    }),
    ("tcp_listen_autobind", |_| {
        let fd = socket(libc::AF_INET, libc::SOCK_STREAM, 0)?;
        sys!(libc::listen(fd, 1))?;
        Ok("listening".into())
    }),
    ("udp_sendto", |_| {
        let fd = socket(libc::AF_INET, libc::SOCK_DGRAM, 0)?;
        sendto_inet(fd, port_env("ESCAPE_UDP_PORT"))
    }),
    ("unix_connect_path", |_| {
        let fd = socket(libc::AF_UNIX, libc::SOCK_STREAM, 0)?;
        let (addr, len) = unix_addr(env("ESCAPE_UNIX").as_bytes());
        sys!(libc::connect(
            fd,
            (&addr as *const libc::sockaddr_un).cast(),
            len
        ))?;
        Ok("connected".into())
    }),
    ("unix_connect_abstract", |_| {
        let fd = socket(libc::AF_UNIX, libc::SOCK_STREAM, 0)?;
        let name = format!("\0{}", env("ESCAPE_ABSTRACT"));
        let (addr, len) = unix_addr(name.as_bytes());
        sys!(libc::connect(
            fd,
            (&addr as *const libc::sockaddr_un).cast(),
            len
        ))?;
        Ok("connected".into())
    }),
    ("unix_dgram_sendto_path", |_| {
        let fd = socket(libc::AF_UNIX, libc::SOCK_DGRAM, 0)?;
        let (addr, len) = unix_addr(env("ESCAPE_UNIX_DGRAM").as_bytes());
        let msg = b"escaped";
        let n = sys!(libc::sendto(
            fd,
            msg.as_ptr().cast(),
            msg.len(),
            0,
            (&addr as *const libc::sockaddr_un).cast(),
            len
        ))?;
        Ok(format!("sent {n}"))
    }),
    ("socketpair_dgram_sendmsg_name", |_| {
        // A datagram socketpair is allowed; sendmsg's msg_name overrides
        // the peer with a path in the global namespace.
        let mut sp = [0; 2];
        sys!(libc::socketpair(
            libc::AF_UNIX,
            libc::SOCK_DGRAM | libc::SOCK_CLOEXEC,
            0,
            sp.as_mut_ptr()
        ))?;
        let (mut addr, len) = unix_addr(env("ESCAPE_UNIX_DGRAM").as_bytes());
        sendmsg_to(sp[0], (&mut addr as *mut libc::sockaddr_un).cast(), len)
    }),
    ("netlink_socket", |_| {
        let fd = socket(libc::AF_NETLINK, libc::SOCK_RAW, libc::NETLINK_ROUTE)?;
        close(fd);
        Ok("netlink".into())
    }),
    ("packet_socket", |_| {
        let fd = socket(
            libc::AF_PACKET,
            libc::SOCK_RAW,
            i32::from((libc::ETH_P_ALL as u16).to_be()),
        )?;
        close(fd);
        Ok("packet".into())
    }),
    ("raw_inet_socket", |_| {
        let fd = socket(libc::AF_INET, libc::SOCK_RAW, libc::IPPROTO_ICMP)?;
        close(fd);
        Ok("raw".into())
    }),
    ("alg_socket", |_| {
        let fd = socket(libc::AF_ALG, libc::SOCK_SEQPACKET, 0)?;
        close(fd);
        Ok("af_alg".into())
    }),
    ("handed_udp_sendto", |_| {
        sendto_inet(HANDED_UDP, port_env("ESCAPE_UDP_PORT"))
    }),
    ("handed_udp_sendmsg_name", |_| {
        let mut addr = inet(port_env("ESCAPE_UDP_PORT"));
        sendmsg_to(
            HANDED_UDP,
            (&mut addr as *mut libc::sockaddr_in).cast(),
            std::mem::size_of_val(&addr) as u32,
        )
    }),
    ("handed_udp_connect", |_| {
        connect_inet(HANDED_UDP, port_env("ESCAPE_UDP_PORT"))
    }),
    ("handed_tcp_reconnect", |_| {
        connect_inet(HANDED_TCP, port_env("ESCAPE_TCP_PORT"))
    }),
    // positive twins
    ("handed_tcp_write", |_| {
        write_text(HANDED_TCP, "through the handed socket")
    }),
    ("handed_listener_accept", |_| {
        let fd = sys!(libc::accept4(
            HANDED_LISTENER,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            libc::SOCK_CLOEXEC
        ))?;
        write_text(fd, "accepted")
    }),
    ("socketpair_stream", |_| {
        let mut sp = [0; 2];
        sys!(libc::socketpair(
            libc::AF_UNIX,
            libc::SOCK_STREAM | libc::SOCK_CLOEXEC,
            0,
            sp.as_mut_ptr()
        ))?;
        write_text(sp[0], "ping")?;
        read_text(sp[1])
    }),
    // ---- 4. no kernel surface that bypasses the filter -----------------
    ("io_uring_setup", |_| {
        let mut params = [0u8; 120]; // struct io_uring_params
        let fd = sys!(libc::syscall(
            libc::SYS_io_uring_setup,
            1,
            params.as_mut_ptr()
        ))?;
        close(fd as RawFd);
        Ok("io_uring".into())
    }),
    ("bpf", |_| {
        let mut attr = [0u8; 128]; // union bpf_attr, zeroed: BPF_MAP_CREATE of nothing
        sys!(libc::syscall(
            libc::SYS_bpf,
            0,
            attr.as_mut_ptr(),
            attr.len()
        ))?;
        Ok("bpf".into())
    }),
    ("perf_event_open", |_| {
        // A software clock counter on ourselves.
        let mut attr = [0u8; 128]; // struct perf_event_attr
        attr[0..4].copy_from_slice(&1u32.to_ne_bytes()); // type = PERF_TYPE_SOFTWARE
        attr[4..8].copy_from_slice(&128u32.to_ne_bytes()); // size
        let fd = sys!(libc::syscall(
            libc::SYS_perf_event_open,
            attr.as_mut_ptr(),
            0,
            -1,
            -1,
            0
        ))?;
        close(fd as RawFd);
        Ok("perf".into())
    }),
    ("userfaultfd", |_| {
        let fd = sys!(libc::syscall(libc::SYS_userfaultfd, libc::O_CLOEXEC))?;
        close(fd as RawFd);
        Ok("userfaultfd".into())
    }),
    ("add_key", |_| {
        let payload = b"x";
        sys!(libc::syscall(
            libc::SYS_add_key,
            c("user").as_ptr(),
            c("sandboxed-escape").as_ptr(),
            payload.as_ptr(),
            payload.len(),
            -2 /* KEY_SPEC_PROCESS_KEYRING */
        ))?;
        Ok("key added".into())
    }),
    ("keyctl", |_| {
        let id = sys!(libc::syscall(
            libc::SYS_keyctl,
            0,  /* KEYCTL_GET_KEYRING_ID */
            -4, /* KEY_SPEC_USER_KEYRING */
            0
        ))?;
        Ok(format!("user keyring {id}"))
    }),
    ("mount_tmpfs", |_| {
        sys!(libc::mount(
            c("none").as_ptr(),
            world("outside/mnt").as_ptr(),
            c("tmpfs").as_ptr(),
            0,
            std::ptr::null()
        ))?;
        Ok("mounted".into())
    }),
    ("fsopen", |_| {
        let fd = sys!(libc::syscall(libc::SYS_fsopen, c("tmpfs").as_ptr(), 0))?;
        close(fd as RawFd);
        Ok("fsopen".into())
    }),
    ("open_tree", |f| {
        let fd = sys!(libc::syscall(
            libc::SYS_open_tree,
            f.dir,
            c("").as_ptr(),
            1 /* OPEN_TREE_CLONE */ | libc::AT_EMPTY_PATH
        ))?;
        close(fd as RawFd);
        Ok("detached tree".into())
    }),
    ("umount", |_| {
        sys!(libc::umount2(world("outside/mnt").as_ptr(), 0))?;
        Ok("unmounted".into())
    }),
    ("unshare_user", |_| {
        sys!(libc::unshare(libc::CLONE_NEWUSER))?;
        Ok("new user namespace".into())
    }),
    ("unshare_net", |_| {
        sys!(libc::unshare(libc::CLONE_NEWNET))?;
        Ok("new network namespace".into())
    }),
    ("setns", |f| {
        // Not a namespace descriptor: EINVAL if the call got through.
        sys!(libc::setns(f.ro, 0))?;
        Ok("joined".into())
    }),
    ("chroot", |_| {
        sys!(libc::chroot(world("dir").as_ptr()))?;
        Ok("chrooted".into())
    }),
    ("pivot_root", |_| {
        // Paths that do not exist: ENOENT if the call got through.
        sys!(libc::syscall(
            libc::SYS_pivot_root,
            c("/nonexistent-a").as_ptr(),
            c("/nonexistent-b").as_ptr()
        ))?;
        Ok("pivoted".into())
    }),
    ("sysv_shmget", |_| {
        let id = sys!(libc::shmget(
            libc::IPC_PRIVATE,
            4096,
            libc::IPC_CREAT | 0o600
        ))?;
        let _ = sys!(libc::shmctl(id, libc::IPC_RMID, std::ptr::null_mut()));
        Ok("shm segment".into())
    }),
    ("sysv_semget", |_| {
        let id = sys!(libc::semget(libc::IPC_PRIVATE, 1, libc::IPC_CREAT | 0o600))?;
        let _ = sys!(libc::semctl(id, 0, libc::IPC_RMID));
        Ok("semaphore".into())
    }),
    ("sysv_msgget", |_| {
        let id = sys!(libc::msgget(libc::IPC_PRIVATE, libc::IPC_CREAT | 0o600))?;
        let _ = sys!(libc::msgctl(id, libc::IPC_RMID, std::ptr::null_mut()));
        Ok("message queue".into())
    }),
    ("mq_open", |_| {
        let name = c("/sandboxed-escape");
        let q = sys!(libc::syscall(
            libc::SYS_mq_open,
            name.as_ptr(),
            libc::O_CREAT | libc::O_RDWR,
            0o600,
            0
        ))?;
        let _ = sys!(libc::syscall(libc::SYS_mq_unlink, name.as_ptr()));
        close(q as RawFd);
        Ok("message queue".into())
    }),
    ("reboot_bad_magic", |_| {
        // magic2 = 0 is invalid: EINVAL if the call got through.
        sys!(libc::syscall(
            libc::SYS_reboot,
            0xfee1_dead_u32,
            0,
            0x4321_fedc_u32,
            0
        ))?;
        Ok("reboot accepted".into())
    }),
    ("finit_module", |_| {
        sys!(libc::syscall(libc::SYS_finit_module, -1, c("").as_ptr(), 0))?;
        Ok("module".into())
    }),
    ("delete_module", |_| {
        sys!(libc::syscall(
            libc::SYS_delete_module,
            c("sandboxed_escape_none").as_ptr(),
            libc::O_NONBLOCK
        ))?;
        Ok("module removed".into())
    }),
    ("clock_settime", |_| {
        // CLOCK_MONOTONIC cannot be set: EINVAL if the call got through.
        let now = libc::timespec {
            tv_sec: 1,
            tv_nsec: 0,
        };
        sys!(libc::clock_settime(libc::CLOCK_MONOTONIC, &now))?;
        Ok("clock set".into())
    }),
    ("settimeofday", |_| {
        // Both arguments NULL: a no-op that returns 0 if it got through.
        sys!(libc::syscall(libc::SYS_settimeofday, 0, 0))?;
        Ok("time set".into())
    }),
    ("sethostname", |_| {
        let mut name = [0u8; 65];
        sys!(libc::gethostname(name.as_mut_ptr().cast(), name.len()))?;
        let len = name.iter().position(|b| *b == 0).unwrap_or(64);
        sys!(libc::sethostname(name.as_ptr().cast(), len))?;
        Ok("hostname set (to itself)".into())
    }),
    ("personality", |_| {
        sys!(libc::personality(libc::READ_IMPLIES_EXEC as libc::c_ulong))?;
        Ok("persona changed".into())
    }),
    ("x32_getpid", |_| {
        let pid = sys!(libc::syscall(0x4000_0000 | libc::SYS_getpid))?;
        Ok(format!("x32 getpid = {pid}"))
    }),
    ("int80_getpid", |_| match int80_getpid() {
        r if (-4095..0).contains(&r) => Err(io::Error::from_raw_os_error(-r as i32)),
        pid => Ok(format!("i386 getpid = {pid}")),
    }),
    ("ioperm", |_| {
        // Turning access off: 0 if the call got through.
        ioperm_off()?;
        Ok("ioperm".into())
    }),
    ("syslog_read", |_| {
        let size = sys!(libc::klogctl(
            10, /* SYSLOG_ACTION_SIZE_BUFFER */
            std::ptr::null_mut(),
            0
        ))?;
        Ok(format!("kernel log of {size} bytes"))
    }),
    ("landlock_after_entry", |_| {
        let abi = sys!(libc::syscall(
            libc::SYS_landlock_create_ruleset,
            0,
            0,
            1 /* VERSION */
        ))?;
        Ok(format!("landlock abi {abi}"))
    }),
    ("tiocsti_stdin", |_| {
        let ch = b'x';
        sys!(libc::ioctl(0, libc::TIOCSTI, &ch))?;
        Ok("injected".into())
    }),
    // positive twins
    ("getrandom", |_| {
        let mut buf = [0u8; 16];
        let n = sys!(libc::getrandom(buf.as_mut_ptr().cast(), buf.len(), 0))?;
        Ok(format!("{n} random bytes"))
    }),
    ("time_and_sleep", |_| {
        let t0 = std::time::Instant::now();
        std::thread::sleep(std::time::Duration::from_millis(1));
        let wall = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_err(io::Error::other)?;
        Ok(format!(
            "slept {:?}, epoch {}s",
            t0.elapsed(),
            wall.as_secs()
        ))
    }),
    ("localtime", |_| {
        let now: libc::time_t = 0;
        // SAFETY: `tm` is plain old data; all zeroes is a valid value.
        let mut tm: libc::tm = unsafe { std::mem::zeroed() };
        // SAFETY: both pointers are to live locals.
        let r = unsafe { libc::localtime_r(&now, &mut tm) };
        if r.is_null() {
            return Err(io::Error::last_os_error());
        }
        Ok(format!(
            "1970 in the local zone: year {}",
            tm.tm_year + 1900
        ))
    }),
    ("pipe_eventfd_epoll", |_| {
        let [r, w] = pipe()?;
        let ev = sys!(libc::eventfd(1, libc::EFD_CLOEXEC))?;
        let ep = sys!(libc::epoll_create1(libc::EPOLL_CLOEXEC))?;
        let mut event = libc::epoll_event {
            events: libc::EPOLLIN as u32,
            u64: 7,
        };
        sys!(libc::epoll_ctl(ep, libc::EPOLL_CTL_ADD, ev, &mut event))?;
        let mut out = [libc::epoll_event { events: 0, u64: 0 }; 1];
        let n = sys!(libc::epoll_wait(ep, out.as_mut_ptr(), 1, 1000))?;
        write_text(w, "pipe")?;
        let text = read_text(r)?;
        Ok(format!("{n} event, {text}"))
    }),
    ("mmap_anon", |_| {
        let p = sys!(libc::mmap(
            std::ptr::null_mut(),
            4096,
            libc::PROT_READ,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
            -1,
            0
        ))?;
        sys!(libc::mprotect(p, 4096, libc::PROT_READ | libc::PROT_WRITE))?;
        let _ = sys!(libc::munmap(p, 4096));
        Ok("anonymous memory".into())
    }),
    ("uname", |_| {
        // SAFETY: `utsname` is plain old data; all zeroes is a valid value.
        let mut u: libc::utsname = unsafe { std::mem::zeroed() };
        sys!(libc::uname(&mut u))?;
        Ok("uname".into())
    }),
    ("panic_backtrace", |_| panic_here()),
    // ---- 5. per-descriptor rights -------------------------------------
    ("narrowed_write", |f| write_text(f.narrowed, "escaped")),
    ("narrowed_mmap_shared_write", |f| {
        map(
            f.narrowed,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_SHARED,
        )
    }),
    ("ro_lseek", |f| {
        let off = sys!(libc::lseek(f.ro, 0, libc::SEEK_SET))?;
        Ok(format!("at {off}"))
    }),
    ("ro_fstat", |f| fstat(f.ro)),
    ("ro_pread", |f| {
        let mut buf = [0u8; 8];
        let n = sys!(libc::pread(f.ro, buf.as_mut_ptr().cast(), buf.len(), 0))?;
        Ok(format!("{n} bytes"))
    }),
    ("ro_preadv2_offset", |f| {
        let mut buf = [0u8; 8];
        let iov = libc::iovec {
            iov_base: buf.as_mut_ptr().cast(),
            iov_len: 8,
        };
        let n = sys!(libc::preadv2(f.ro, &iov, 1, 0, 0))?;
        Ok(format!("{n} bytes"))
    }),
    ("wo_ftruncate", |f| {
        sys!(libc::ftruncate(f.wo, 0))?;
        Ok("truncated".into())
    }),
    ("wo_fallocate", |f| {
        sys!(libc::fallocate(f.wo, 0, 0, 1 << 20))?;
        Ok("extended".into())
    }),
    ("wo_fchmod", |f| {
        sys!(libc::fchmod(f.wo, 0o777))?;
        Ok("mode changed".into())
    }),
    ("ro_fchown", |f| {
        sys!(libc::fchown(f.ro, 1, 1))?;
        Ok("owner changed".into())
    }),
    ("wo_futimens", |f| {
        let times = [libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        }; 2];
        sys!(libc::futimens(f.wo, times.as_ptr()))?;
        Ok("times changed".into())
    }),
    ("wo_fsetxattr", |f| {
        let v = b"escaped";
        sys!(libc::fsetxattr(
            f.wo,
            c("user.escape").as_ptr(),
            v.as_ptr().cast(),
            v.len(),
            0
        ))?;
        Ok("xattr set".into())
    }),
    ("ro_mmap_read", |f| {
        map(f.ro, libc::PROT_READ, libc::MAP_PRIVATE)
    }),
    ("rw_mmap_shared_write", |f| {
        map(f.rw, libc::PROT_READ | libc::PROT_WRITE, libc::MAP_SHARED)
    }),
    ("rw_mmap_exec", |f| {
        map(f.rw, libc::PROT_READ | libc::PROT_EXEC, libc::MAP_PRIVATE)
    }),
    ("rw_mprotect_widen", |f| {
        let p = sys!(libc::mmap(
            std::ptr::null_mut(),
            4096,
            libc::PROT_READ,
            libc::MAP_SHARED,
            f.rw,
            0
        ))?;
        sys!(libc::mprotect(p, 4096, libc::PROT_READ | libc::PROT_WRITE))?;
        // SAFETY: the page is mapped shared and now writable; rw.txt is
        // non-empty so its first byte is backed by the file.
        unsafe { *p.cast::<u8>() = b'X' };
        let _ = sys!(libc::msync(p, 4096, libc::MS_SYNC));
        Ok("wrote through a widened mapping".into())
    }),
    ("ro_ioctl", |f| {
        let mut n: libc::c_int = 0;
        sys!(libc::ioctl(f.ro, libc::FIONREAD, &mut n))?;
        Ok(format!("{n} readable"))
    }),
    ("rw_ioctl_not_listed", |f| {
        let on: libc::c_int = 1;
        sys!(libc::ioctl(f.rw, libc::FIONBIO, &on))?;
        Ok("non-blocking".into())
    }),
    ("ro_fcntl_getfl", |f| {
        let fl = sys!(libc::fcntl(f.ro, libc::F_GETFL))?;
        Ok(format!("flags {fl:#o}"))
    }),
    ("rw_fcntl_setfl", |f| {
        sys!(libc::fcntl(f.rw, libc::F_SETFL, libc::O_APPEND))?;
        Ok("flags set".into())
    }),
    ("ro_flock", |f| {
        sys!(libc::flock(f.ro, libc::LOCK_SH))?;
        Ok("locked".into())
    }),
    ("ro_fcntl_setlk", |f| {
        // SAFETY: `flock` is plain old data; all zeroes is a valid value.
        let mut lk: libc::flock = unsafe { std::mem::zeroed() };
        lk.l_type = libc::F_RDLCK as i16;
        sys!(libc::fcntl(f.ro, libc::F_SETLK, &mut lk))?;
        Ok("locked".into())
    }),
    ("wo_fsync", |f| {
        sys!(libc::fsync(f.wo))?;
        Ok("synced".into())
    }),
    ("ro_fstatfs", |f| {
        // SAFETY: `statfs` is plain old data; all zeroes is a valid value.
        let mut st: libc::statfs = unsafe { std::mem::zeroed() };
        sys!(libc::fstatfs(f.ro, &mut st))?;
        Ok("fstatfs".into())
    }),
    ("ro_dup", |f| {
        let fd = sys!(libc::dup(f.ro))?;
        fstat(fd)
    }),
    ("ro_dup2", |f| {
        let fd = sys!(libc::dup2(f.ro, 100))?;
        fstat(fd)
    }),
    ("ro_dup3", |f| {
        let fd = sys!(libc::dup3(f.ro, 100, libc::O_CLOEXEC))?;
        fstat(fd)
    }),
    ("ro_fcntl_dupfd", |f| {
        let fd = sys!(libc::fcntl(f.ro, libc::F_DUPFD_CLOEXEC, 0))?;
        fstat(fd)
    }),
    ("ro_dup2_onto_stdout", |f| {
        // Stdout's class allows fstat; ro's does not.
        sys!(libc::dup2(f.ro, 1))?;
        fstat(1)
    }),
    ("dup2_onto_ro", |f| {
        let [r, _w] = pipe()?;
        sys!(libc::dup2(r, f.ro))?;
        Ok("replaced ro".into())
    }),
    ("stdout_dup", |_| {
        let fd = sys!(libc::dup(1))?;
        Ok(format!("stdout copied to {fd}"))
    }),
    ("ro_scm_rights_copy", |f| {
        // Capsicum keeps rights across SCM_RIGHTS; the copy must not be
        // wider than the original.
        let copy = pass_to_self(f.ro)?;
        let seen = fstat(copy)?;
        sys!(libc::fchmod(copy, 0o777))?;
        Ok(format!("copy {copy}: {seen}, mode changed"))
    }),
    ("stdin_write", |_| write_text(0, "escaped")),
    // positive twins
    ("ro_read", |f| read_text(f.ro)),
    ("narrowed_read", |f| read_text(f.narrowed)),
    ("wo_write", |f| write_text(f.wo, "written")),
    ("rw_seek_fstat", |f| {
        sys!(libc::lseek(f.rw, 0, libc::SEEK_SET))?;
        let text = read_text(f.rw)?;
        Ok(format!("{text} / {}", fstat(f.rw)?))
    }),
    ("rw_pread", |f| {
        let mut buf = [0u8; 4];
        let n = sys!(libc::pread(f.rw, buf.as_mut_ptr().cast(), buf.len(), 0))?;
        Ok(format!("{n} bytes"))
    }),
    ("rw_ioctl_listed", |f| {
        let mut n: libc::c_int = 0;
        sys!(libc::ioctl(f.rw, libc::FIONREAD, &mut n))?;
        Ok(format!("{n} readable"))
    }),
    ("rw_fcntl_getfl", |f| {
        let fl = sys!(libc::fcntl(f.rw, libc::F_GETFL))?;
        Ok(format!("flags {fl:#o}"))
    }),
    ("rw_mmap_read", |f| {
        map(f.rw, libc::PROT_READ, libc::MAP_SHARED)
    }),
    ("stdout_write", |_| write_text(1, "stdout works\n")),
    ("isatty_stdout", |_| {
        // SAFETY: `termios` is plain old data; all zeroes is a valid value.
        let mut t: libc::termios = unsafe { std::mem::zeroed() };
        match sys!(libc::tcgetattr(1, &mut t)) {
            Ok(_) => Ok("a terminal".into()),
            Err(e) if e.raw_os_error() == Some(libc::ENOTTY) => Ok("not a terminal".into()),
            Err(e) => Err(e),
        }
    }),
    ("fd_flags_any", |f| {
        let fl = sys!(libc::fcntl(f.ro, libc::F_GETFD))?;
        sys!(libc::fcntl(f.ro, libc::F_SETFD, fl | libc::FD_CLOEXEC))?;
        Ok("F_GETFD/F_SETFD".into())
    }),
    // ---- 6. every thread and child ------------------------------------
    ("thread_open_absolute", |_| {
        std::thread::spawn(|| open_read(libc::AT_FDCWD, &world("outside/secret.txt")))
            .join()
            .map_err(|_| io::Error::other("thread panicked"))?
    }),
    ("fork_child_open_absolute", |_| {
        in_child(|| open_read(libc::AT_FDCWD, &world("outside/secret.txt")))
    }),
    ("fork_child_connect", |_| {
        in_child(|| {
            let fd = socket(libc::AF_INET, libc::SOCK_STREAM, 0)?;
            connect_inet(fd, port_env("ESCAPE_TCP_PORT"))
        })
    }),
    ("fork_child_narrowed_write", |f| {
        let fd = f.narrowed;
        in_child(move || write_text(fd, "escaped"))
    }),
    ("clone_newuser", |_| {
        let pid = sys!(libc::syscall(
            libc::SYS_clone,
            libc::CLONE_NEWUSER | libc::SIGCHLD,
            0,
            0,
            0,
            0
        ))?;
        if pid == 0 {
            // SAFETY: _exit(2) in the child of a raw clone.
            unsafe { libc::_exit(0) }
        }
        Ok("cloned into a new user namespace".into())
    }),
    ("clone3", |_| {
        let args = [0u64; 11]; // struct clone_args, flags 0
        let pid = sys!(libc::syscall(
            libc::SYS_clone3,
            args.as_ptr(),
            std::mem::size_of_val(&args)
        ))?;
        if pid == 0 {
            // SAFETY: _exit(2) in the child of a raw clone3.
            unsafe { libc::_exit(0) }
        }
        Ok("clone3".into())
    }),
    ("vfork_execve", |_| {
        in_child(|| {
            let argv = [c"true".as_ptr(), std::ptr::null()];
            let envp: [*const libc::c_char; 1] = [std::ptr::null()];
            sys!(libc::execve(
                c("/usr/bin/true").as_ptr(),
                argv.as_ptr(),
                envp.as_ptr()
            ))?;
            Ok("executed".into())
        })
    }),
    // positive twins
    ("thread_works", |f| {
        let ro = f.ro;
        std::thread::spawn(move || read_text(ro))
            .join()
            .map_err(|_| io::Error::other("thread panicked"))?
    }),
    ("fork_child_works", |_| {
        let [r, w] = pipe()?;
        in_child(move || write_text(w, "from the child"))?;
        read_text(r)
    }),
    // ---- more attacks, added after reading the backend's design -------
    ("opath_dotdot_fchownat_empty", |f| {
        // O_PATH opens are not mediated by Landlock; AT_EMPTY_PATH then
        // acts on the file outside through the descriptor.
        let fd = openat(f.dir, &c("../outside/victim.txt"), libc::O_PATH)?;
        sys!(libc::fchownat(fd, c"".as_ptr(), 1, 1, libc::AT_EMPTY_PATH))?;
        Ok("owner of a file outside changed".into())
    }),
    ("opath_dotdot_fchmodat2_empty", |f| {
        let fd = openat(f.dir, &c("../outside/victim.txt"), libc::O_PATH)?;
        sys!(libc::syscall(
            nr::FCHMODAT2,
            fd,
            c"".as_ptr(),
            0o777,
            libc::AT_EMPTY_PATH
        ))?;
        Ok("mode of a file outside changed".into())
    }),
    ("rodir_opath_fchmodat_out", |f| {
        // From the READ-ONLY directory (no fchmodat right at all).
        let parent = openat(f.rodir, &c(".."), libc::O_PATH | libc::O_DIRECTORY)?;
        sys!(libc::fchmodat(
            parent,
            c"outside/victim.txt".as_ptr(),
            0o777,
            0
        ))?;
        Ok("mode of a file outside changed".into())
    }),
    ("name_to_handle_at_dotdot", |f| {
        let mut raw = vec![0u8; 8 + 128];
        raw[0..4].copy_from_slice(&128u32.to_ne_bytes());
        let mut mount_id = 0;
        sys!(libc::name_to_handle_at(
            f.dir,
            c"../outside/secret.txt".as_ptr(),
            raw.as_mut_ptr().cast(),
            &mut mount_id,
            0
        ))?;
        Ok("handle of a file outside".into())
    }),
    ("getcwd", |_| {
        let mut buf = [0u8; 512];
        sys!(libc::syscall(libc::SYS_getcwd, buf.as_mut_ptr(), buf.len()))?;
        let end = buf.iter().position(|b| *b == 0).unwrap_or(buf.len());
        Ok(String::from_utf8_lossy(&buf[..end]).into_owned())
    }),
    ("openat_beneath_trunc", |f| {
        // O_TRUNC needs `ftruncate`, which `dir` does not have.
        let fd = openat(f.dir, &c("inside.txt"), libc::O_WRONLY | libc::O_TRUNC)?;
        write_text(fd, "escaped")
    }),
    ("mkfifoat_beneath", |f| {
        sys!(libc::mkfifoat(f.dir, c"fifo".as_ptr(), 0o600))?;
        Ok("fifo created".into())
    }),
    ("beneath_opened_fchmod", |f| {
        // The path-free way: `dir` holds `fchmodat`, so a file opened
        // beneath it may change its mode.
        let fd = openat(f.dir, &c("inside.txt"), libc::O_RDONLY)?;
        sys!(libc::fchmod(fd, 0o600))?;
        Ok("mode changed beneath".into())
    }),
    ("fchmodat_beneath", |f| {
        sys!(libc::fchmodat(f.dir, c"inside.txt".as_ptr(), 0o600, 0))?;
        Ok("mode changed beneath".into())
    }),
    ("dir_ioctl", |f| {
        let mut flags: libc::c_long = 0;
        sys!(libc::ioctl(f.dir, libc::FS_IOC_GETFLAGS, &mut flags))?;
        Ok(format!("inode flags {flags:#x}"))
    }),
    ("ro_splice_offset", |f| {
        // An explicit offset is a pread: `ro` has no `seek`.
        let [_r, w] = pipe()?;
        let mut off: libc::loff_t = 0;
        let n = sys!(libc::splice(f.ro, &mut off, w, std::ptr::null_mut(), 4, 0))?;
        Ok(format!("{n} bytes at an offset"))
    }),
    ("ro_sendfile_offset", |f| {
        let [_r, w] = pipe()?;
        let mut off: libc::off_t = 0;
        let n = sys!(libc::sendfile(w, f.ro, &mut off, 4))?;
        Ok(format!("{n} bytes at an offset"))
    }),
    ("ro_copy_file_range_offset", |f| {
        let mut off: libc::loff_t = 0;
        let n = sys!(libc::copy_file_range(
            f.ro,
            &mut off,
            f.wo,
            std::ptr::null_mut(),
            4,
            0
        ))?;
        Ok(format!("{n} bytes at an offset"))
    }),
    ("rw_mprotect_exec", |f| {
        let p = sys!(libc::mmap(
            std::ptr::null_mut(),
            4096,
            libc::PROT_READ,
            libc::MAP_PRIVATE,
            f.rw,
            0
        ))?;
        sys!(libc::mprotect(p, 4096, libc::PROT_READ | libc::PROT_EXEC))?;
        Ok("file mapping made executable".into())
    }),
    ("kill_pgrp_probe", |_| {
        // Signal 0 to our process group (which holds the test runner):
        // harmless.
        // SAFETY: getpgrp(2) cannot fail.
        let pgrp = unsafe { libc::getpgrp() };
        sys!(libc::kill(-pgrp, 0))?;
        Ok("group is there".into())
    }),
    ("ioprio_set_other", |_| {
        // IOPRIO_WHO_PROCESS, best-effort class 2 level 4: harmless.
        sys!(libc::syscall(
            libc::SYS_ioprio_set,
            1,
            pid_env("ESCAPE_VICTIM"),
            (2 << 13) | 4
        ))?;
        Ok("io priority changed".into())
    }),
    ("sched_setscheduler_other", |_| {
        let param = libc::sched_param { sched_priority: 0 };
        sys!(libc::sched_setscheduler(
            pid_env("ESCAPE_VICTIM"),
            libc::SCHED_OTHER,
            &param
        ))?;
        Ok("scheduler set".into())
    }),
    ("get_robust_list_other", |_| {
        let mut head: usize = 0;
        let mut len: usize = 0;
        sys!(libc::syscall(
            libc::SYS_get_robust_list,
            pid_env("ESCAPE_VICTIM"),
            &mut head,
            &mut len
        ))?;
        Ok(format!("robust list at {head:#x}"))
    }),
    ("move_pages_other", |_| {
        // Query only (nodes NULL): where the victim's pages live.
        let pages = [0x1000usize as *mut libc::c_void];
        let mut status = [0i32; 1];
        sys!(libc::syscall(
            libc::SYS_move_pages,
            pid_env("ESCAPE_VICTIM"),
            1,
            pages.as_ptr(),
            std::ptr::null::<i32>(),
            status.as_mut_ptr(),
            0
        ))?;
        Ok("page status".into())
    }),
    ("beneath_opened_ftruncate", |f| {
        // `dir` has no `ftruncate`: Landlock's truncate right (ABI 3)
        // follows the descriptor opened beneath it.
        let fd = openat(f.dir, &c("inside.txt"), libc::O_WRONLY)?;
        sys!(libc::ftruncate(fd, 0))?;
        Ok("truncated".into())
    }),
    ("rodir_opened_setflags", |f| {
        // FS_NODUMP_FL: a harmless inode flag, set through a descriptor
        // opened read-only beneath the read-only directory.
        let fd = openat(f.rodir, &c("keep.txt"), libc::O_RDONLY)?;
        let mut flags: libc::c_long = 0;
        sys!(libc::ioctl(fd, libc::FS_IOC_GETFLAGS, &mut flags))?;
        flags |= 0x40; // FS_NODUMP_FL
        sys!(libc::ioctl(fd, libc::FS_IOC_SETFLAGS, &flags))?;
        Ok("inode flags changed".into())
    }),
    ("rodir_link_into_dir", |f| {
        sys!(libc::linkat(
            f.rodir,
            c"keep.txt".as_ptr(),
            f.dir,
            c"keep_alias".as_ptr(),
            0
        ))?;
        let fd = openat(f.dir, &c("keep_alias"), libc::O_WRONLY)?;
        write_text(fd, "escaped")
    }),
    ("rodir_rename_into_dir", |f| {
        sys!(libc::renameat(
            f.rodir,
            c"keep.txt".as_ptr(),
            f.dir,
            c"keep_moved".as_ptr()
        ))?;
        Ok("moved out of the read-only directory".into())
    }),
    ("symlink_into_rodir_write", |f| {
        sys!(libc::symlinkat(
            c"../rodir/keep.txt".as_ptr(),
            f.dir,
            c"to_keep".as_ptr()
        ))?;
        let fd = openat(f.dir, &c("to_keep"), libc::O_WRONLY)?;
        write_text(fd, "escaped")
    }),
    ("seccomp_new_filter", |_| {
        // One instruction: SECCOMP_RET_ALLOW. Harmless if it got through.
        let insn = libc::sock_filter {
            code: 0x06,
            jt: 0,
            jf: 0,
            k: 0x7fff_0000,
        };
        let prog = libc::sock_fprog {
            len: 1,
            filter: &insn as *const _ as *mut _,
        };
        sys!(libc::syscall(
            libc::SYS_seccomp,
            1, /* SECCOMP_SET_MODE_FILTER */
            0,
            &prog
        ))?;
        Ok("filter added".into())
    }),
    ("quotactl_fd", |f| {
        // Q_GETFMT of the filesystem holding `dir`: read-only.
        let mut fmt: u32 = 0;
        sys!(libc::syscall(
            nr::QUOTACTL_FD,
            f.dir,
            0x80_0004u32, /* QCMD(Q_GETFMT, USRQUOTA) */
            0,
            &mut fmt
        ))?;
        Ok(format!("quota format {fmt}"))
    }),
    ("swapoff", |_| {
        sys!(libc::syscall(
            libc::SYS_swapoff,
            c"/nonexistent-swap".as_ptr()
        ))?;
        Ok("swap off".into())
    }),
    ("sched_getaffinity_other", |_| {
        // SAFETY: `cpu_set_t` is plain old data; all zeroes is a valid value.
        let mut set: libc::cpu_set_t = unsafe { std::mem::zeroed() };
        sys!(libc::sched_getaffinity(
            pid_env("ESCAPE_VICTIM"),
            std::mem::size_of_val(&set),
            &mut set
        ))?;
        Ok("read another process's affinity".into())
    }),
    ("unix_bind_abstract", |_| {
        let fd = socket(libc::AF_UNIX, libc::SOCK_STREAM, 0)?;
        let name = format!("\0sandboxed-escape-bound-{}", std::process::id());
        let (addr, len) = unix_addr(name.as_bytes());
        sys!(libc::bind(
            fd,
            (&addr as *const libc::sockaddr_un).cast(),
            len
        ))?;
        sys!(libc::listen(fd, 1))?;
        Ok("listening in the abstract namespace".into())
    }),
    ("socketpair_sendmsg", |_| {
        let mut sp = [0; 2];
        sys!(libc::socketpair(
            libc::AF_UNIX,
            libc::SOCK_STREAM | libc::SOCK_CLOEXEC,
            0,
            sp.as_mut_ptr()
        ))?;
        sendmsg_to(sp[0], std::ptr::null_mut(), 0)?;
        read_text(sp[1])
    }),
    ("socketpair_send", |_| {
        // send(2) is sendto without an address: allowed.
        let mut sp = [0; 2];
        sys!(libc::socketpair(
            libc::AF_UNIX,
            libc::SOCK_STREAM | libc::SOCK_CLOEXEC,
            0,
            sp.as_mut_ptr()
        ))?;
        let msg = b"ping";
        sys!(libc::send(sp[0], msg.as_ptr().cast(), msg.len(), 0))?;
        read_text(sp[1])
    }),
    ("tkill_other", |_| {
        sys!(libc::syscall(
            libc::SYS_tkill,
            pid_env("ESCAPE_VICTIM"),
            libc::SIGTERM
        ))?;
        Ok("signalled".into())
    }),
    ("tkill_self", |_| {
        // SAFETY: SIG_IGN installs no handler code.
        unsafe { libc::signal(libc::SIGUSR1, libc::SIG_IGN) };
        // SAFETY: gettid(2) cannot fail.
        let tid = unsafe { libc::gettid() };
        sys!(libc::syscall(libc::SYS_tkill, tid, libc::SIGUSR1))?;
        Ok("signalled my own thread".into())
    }),
    ("handed_pidfd_signal", |_| {
        // A pidfd of another process, handed in: seccomp lets
        // pidfd_send_signal through; Landlock's signal scope must stop it.
        sys!(libc::syscall(
            libc::SYS_pidfd_send_signal,
            HANDED_PIDFD,
            libc::SIGTERM,
            0,
            0
        ))?;
        Ok("signalled the victim through its pidfd".into())
    }),
    ("sigio_to_victim", |_| {
        // FIOSETOWN takes the owner behind a pointer (unlike F_SETOWN):
        // SIGIO to the victim, whose default action is to die. Landlock's
        // signal scope must drop it at delivery; the ioctl itself works.
        let mut sp = [0; 2];
        sys!(libc::socketpair(
            libc::AF_UNIX,
            libc::SOCK_STREAM | libc::SOCK_CLOEXEC,
            0,
            sp.as_mut_ptr()
        ))?;
        let [r, w] = sp;
        let fl = sys!(libc::fcntl(r, libc::F_GETFL))?;
        sys!(libc::fcntl(r, libc::F_SETFL, fl | libc::O_ASYNC))?;
        let victim = pid_env("ESCAPE_VICTIM");
        sys!(libc::ioctl(r, nr::FIOSETOWN, &victim))?;
        write_text(w, "x")?;
        std::thread::sleep(std::time::Duration::from_millis(50));
        Ok("SIGIO armed towards the victim".into())
    }),
    ("ro_statx_empty", |f| {
        // SAFETY: `statx` is plain old data; all zeroes is a valid value.
        let mut st: libc::statx = unsafe { std::mem::zeroed() };
        sys!(libc::statx(
            f.ro,
            c"".as_ptr(),
            libc::AT_EMPTY_PATH,
            libc::STATX_BASIC_STATS,
            &mut st
        ))?;
        Ok(format!("size {}", st.stx_size))
    }),
    ("fork_child_kill_parent", |_| {
        // Signal 0: harmless either way.
        in_child(|| {
            // SAFETY: getppid(2) cannot fail.
            let parent = unsafe { libc::getppid() };
            sys!(libc::kill(parent, 0))?;
            Ok("the parent is there".into())
        })
    }),
    ("no_stray_descriptors", |f| {
        // Every open descriptor must be one the program was given: a copy
        // left behind by setup (a reopen, a Landlock rule's directory) would
        // be unlimited by the rights filter.
        let given = [
            0,
            1,
            2,
            HANDED_TCP,
            HANDED_UDP,
            HANDED_LISTENER,
            HANDED_PIDFD,
        ];
        let mine = [f.dir, f.rodir, f.ro, f.wo, f.rw, f.narrowed];
        // SAFETY: `rlimit` is plain old data; all zeroes is a valid value.
        let mut lim: libc::rlimit = unsafe { std::mem::zeroed() };
        sys!(libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim))?;
        let stray: Vec<RawFd> = (0..lim.rlim_cur.min(1 << 20) as RawFd)
            .filter(|fd| !given.contains(fd) && !mine.contains(fd))
            // SAFETY: F_GETFD takes no pointer.
            .filter(|fd| unsafe { libc::fcntl(*fd, libc::F_GETFD) } != -1)
            .collect();
        Ok(if stray.is_empty() {
            "none".into()
        } else {
            format!("stray descriptors {stray:?}")
        })
    }),
    ("rodir_tmpfile", |f| {
        let fd = openat(f.rodir, &c("."), libc::O_TMPFILE | libc::O_WRONLY)?;
        write_text(fd, "escaped")
    }),
    ("socket_ioctl_set_mtu", |_| {
        // Interface ioctls work on any socket, even a Unix one made inside.
        // Set `lo`'s MTU to the value it has: no change if it got through.
        let fd = socket(libc::AF_UNIX, libc::SOCK_STREAM, 0)?;
        let mut ifr = [0u8; 40]; // struct ifreq: name[16], then the union
        ifr[..2].copy_from_slice(b"lo");
        sys!(libc::ioctl(fd, nr::SIOCGIFMTU, ifr.as_mut_ptr()))?;
        sys!(libc::ioctl(fd, nr::SIOCSIFMTU, ifr.as_mut_ptr()))?;
        let mtu = i32::from_ne_bytes(ifr[16..20].try_into().expect("4 bytes"));
        Ok(format!("set lo's MTU (to {mtu})"))
    }),
    ("beneath_opened_fithaw", |f| {
        // Filesystem-wide ioctls work on any regular file, and Landlock's
        // ioctl right covers devices only. FITHAW of a filesystem that is
        // not frozen fails with EINVAL if it gets through: harmless, and
        // proof that FIFREEZE (which would freeze it) would too.
        let fd = openat(f.rodir, &c("keep.txt"), libc::O_RDONLY)?;
        sys!(libc::ioctl(fd, nr::FITHAW, 0))?;
        Ok("thawed".into())
    }),
    // ---- differences the Linux table documents (tests/tests/parity.rs) --
    ("fork_child_kill_self", |_| {
        in_child(|| {
            // SAFETY: SIG_IGN installs no handler code.
            unsafe { libc::signal(libc::SIGUSR1, libc::SIG_IGN) };
            // SAFETY: getpid(2) cannot fail.
            let me = unsafe { libc::getpid() };
            sys!(libc::kill(me, libc::SIGUSR1))?;
            Ok("signalled myself".into())
        })
    }),
    // capmode.cc AllowedMiscSyscalls: waitpid in capability mode is
    // ECAPMODE; a child is reaped through its process descriptor.
    ("wait4_child", |_| {
        let pid = exited_child()?;
        let mut status = 0;
        let r = sys!(libc::waitpid(pid, &mut status, 0))?;
        Ok(format!("reaped {r}"))
    }),
    ("wait4_any", |_| {
        exited_child()?;
        let mut status = 0;
        let r = sys!(libc::waitpid(-1, &mut status, 0))?;
        Ok(format!("reaped {r}"))
    }),
    ("waitid_pid_child", |_| {
        let pid = exited_child()?;
        // SAFETY: `siginfo_t` is plain old data.
        let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
        sys!(libc::waitid(
            libc::P_PID,
            pid as libc::id_t,
            &mut info,
            libc::WEXITED
        ))?;
        Ok("reaped".into())
    }),
    ("waitid_all", |_| {
        exited_child()?;
        // SAFETY: `siginfo_t` is plain old data.
        let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
        sys!(libc::waitid(libc::P_ALL, 0, &mut info, libc::WEXITED))?;
        Ok("reaped".into())
    }),
    ("pidfd_waitid_child", |_| {
        let (pid, pidfd) = pidfd_fork()?;
        if pid == 0 {
            // SAFETY: _exit(2) in the child of a raw clone.
            unsafe { libc::_exit(3) }
        }
        let end = pidfd_wait(pidfd);
        close(pidfd);
        match end? {
            End::Exited(3) => Ok("reaped through its pidfd".into()),
            other => Err(io::Error::other(format!("the child ended {other:?}"))),
        }
    }),
    ("pidfd_own_child_signal", |_| {
        // clone(CLONE_PIDFD): the pidfd of our own child, like pdfork(2).
        let (pid, pidfd) = pidfd_fork()?;
        if pid == 0 {
            // SAFETY: pause(2) then _exit(2) in the child of a raw clone;
            // the parent kills it.
            unsafe {
                libc::pause();
                libc::_exit(0)
            }
        }
        let sent = sys!(libc::syscall(
            libc::SYS_pidfd_send_signal,
            pidfd,
            libc::SIGKILL,
            0,
            0
        ));
        // Reaped through its pidfd, as pdwait reaps a pdfork(2) child.
        let end = pidfd_wait(pidfd);
        close(pidfd);
        sent?;
        match end? {
            End::Killed(libc::SIGKILL) => Ok("killed my child through its pidfd".into()),
            other => Err(io::Error::other(format!("the child ended {other:?}"))),
        }
    }),
    ("memfd_create", |_| {
        let fd = sys!(libc::memfd_create(c"probe".as_ptr(), libc::MFD_CLOEXEC))?;
        write_text(fd, "anonymous")
    }),
    ("narrowed_scm_rights_copy_write", |f| {
        let copy = pass_to_self(f.narrowed)?;
        write_text(copy, "escaped")
    }),
];

#[inline(never)]
fn panic_here() -> Attempt {
    panic!("deliberate panic inside the sandbox")
}

/// Every case: [`CASES`] and [`PARENT_CASES`].
pub fn all() -> impl Iterator<Item = &'static (&'static str, Probe)> {
    CASES.iter().chain(PARENT_CASES)
}

/// Runs `case` on `fds`; `None` if there is no such case.
pub fn run(case: &str, fds: &Fds) -> Option<Attempt> {
    all().find(|(name, _)| *name == case).map(|(_, f)| f(fds))
}

/// A child forked (fork(3)) that exits at once, and its pid.
fn exited_child() -> io::Result<libc::pid_t> {
    let pid = sys!(libc::fork())?;
    if pid == 0 {
        // SAFETY: _exit(2) in the forked child.
        unsafe { libc::_exit(0) }
    }
    Ok(pid)
}

/// Runs attack `name` of [`crate::parent::ATTACKS`] from a child: a
/// compartment when `compartment` and the probe is sandboxed, else a
/// plain forked child (a child forked after entry, or the baseline).
/// `Ok` when it worked, or when the probe's own state changed.
fn against_parent(compartment: bool, name: &str) -> Attempt {
    use crate::parent::{State, ATTACKS};
    let index = ATTACKS
        .iter()
        .position(|(n, _)| *n == name)
        .expect("a known attack");
    let before = State::now();
    let result = if compartment && sandboxed::is_sandboxed() {
        match sandboxed::compartment(attack_in_compartment, &(index as u32)) {
            Ok(detail) => Ok(detail),
            Err(sandboxed::CompartmentError::Failed(errno)) => Err(io::Error::from_raw_os_error(
                errno.parse().unwrap_or(libc::EIO),
            )),
            Err(e) => Err(io::Error::other(e.to_string())),
        }
    } else {
        in_child(ATTACKS[index].1)
    };
    if let Some(what) = State::now().changed_since(&before) {
        return Ok(format!("the parent's {what} changed"));
    }
    result
}

/// A compartment's side of [`against_parent`]: the errno of a refusal.
fn attack_in_compartment(index: &u32) -> Result<String, i32> {
    (crate::parent::ATTACKS[*index as usize].1)().map_err(|e| e.raw_os_error().unwrap_or(0))
}

/// A compartment (or, unsandboxed, a forked child) that ends by `how`: the
/// signal it died of.
fn child_ends_itself(how: fn() -> Attempt) -> Attempt {
    if sandboxed::is_sandboxed() {
        let r = sandboxed::compartment(
            |how: &u64| -> Result<(), String> {
                // SAFETY: the address of a `fn() -> Attempt` passed by the
                // parent, the same code in this forked child.
                let how: fn() -> Attempt = unsafe { std::mem::transmute(*how as usize) };
                how().map(drop).map_err(|e| e.to_string())
            },
            &(how as usize as u64),
        );
        match r {
            Err(sandboxed::CompartmentError::Killed { signal }) => {
                Ok(format!("killed by signal {signal}"))
            }
            Err(sandboxed::CompartmentError::Failed(e)) => Err(io::Error::other(e)),
            other => Err(io::Error::other(format!("{other:?}"))),
        }
    } else {
        in_child(how)
    }
}

/// Macro of the cases of [`PARENT_CASES`]: each attack from a compartment
/// and from a child forked after entry.
macro_rules! parent_cases {
    ($($name:literal),* $(,)?) => {
        &[$(
            (concat!("compartment_", $name), |_| against_parent(true, $name)),
            (concat!("forked_", $name), |_| against_parent(false, $name)),
        )*]
    };
}

/// The attacks on the parent ([`crate::parent::ATTACKS`]) from its
/// children, and their positive twins: a child may end itself.
pub const PARENT_CASES: &[(&str, Probe)] = &{
    const ATTACKS: &[(&str, Probe)] = parent_cases![
        "kill",
        "kill_own_group",
        "kill_group",
        "tgkill",
        "tkill",
        "rt_sigqueueinfo",
        "rt_tgsigqueueinfo",
        "pidfd_open",
        "fcntl_setown_group",
        "prlimit",
        "setpriority",
        "setpriority_group",
        "sched_setaffinity",
        "sched_setscheduler",
        "sched_setparam",
        "sched_setattr",
        "ioprio_set",
        "ptrace",
        "process_vm_readv",
        "process_vm_writev",
        "kcmp",
        "migrate_pages",
        "move_pages",
        "get_robust_list",
        "getpgid",
        "getsid",
        "getpriority",
        "sched_getparam",
        "sched_getscheduler",
        "sched_rr_get_interval",
        "sched_getattr",
        "prlimit_read",
        "clock_gettime_cputime",
        "capget",
        "clone_parent",
    ];
    const TWINS: [(&str, Probe); 7] = [
        ("compartment_kill_self", |_| {
            child_ends_itself(|| {
                // SAFETY: kill(2) of ourselves.
                sys!(libc::kill(libc::getpid(), libc::SIGKILL))?;
                Ok("still alive".into())
            })
        }),
        ("compartment_abort", |_| {
            child_ends_itself(|| std::process::abort())
        }),
        ("forked_abort", |_| {
            match fork_watched(|| std::process::abort())? {
                End::Killed(signal) => Ok(format!("killed by signal {signal}")),
                End::Exited(code) => Err(io::Error::other(format!("exited {code}"))),
            }
        }),
        ("compartment_kill_sibling", |_| kill_sibling(true)),
        ("forked_kill_sibling", |_| kill_sibling(false)),
        ("zygote_compartment_kill_zygote", |_| through_zygote(true)),
        ("zygote_compartment_runs", |_| through_zygote(false)),
    ];
    let mut all = [("", (|_| Ok(String::new())) as Probe); 2 * 35 + 7];
    let mut i = 0;
    while i < ATTACKS.len() {
        all[i] = ATTACKS[i];
        i += 1;
    }
    let mut j = 0;
    while j < TWINS.len() {
        all[i + j] = TWINS[j];
        j += 1;
    }
    all
};

/// A compartment forked by the zygote of the sandboxed probe (prepared,
/// then a second thread started): `attack` SIGKILLs its own parent, the
/// zygote, which must survive (it answers the next compartment); else it
/// just answers. Unsandboxed (the baseline), a plain child signals its
/// parent.
fn through_zygote(attack: bool) -> Attempt {
    if !sandboxed::is_sandboxed() {
        return in_child(|| {
            // SAFETY: getppid(2) cannot fail.
            sys!(libc::kill(libc::getppid(), 0))?;
            Ok("signalled the parent".into())
        });
    }
    sandboxed::compartment::prepare(&[])?;
    let other = std::thread::spawn(std::thread::park);
    let answer = |r: Result<u8, sandboxed::CompartmentError>| match r {
        Ok(v) => Ok(format!("answered {v}")),
        Err(sandboxed::CompartmentError::Failed(errno)) => Err(io::Error::from_raw_os_error(
            errno.parse().unwrap_or(libc::EIO),
        )),
        Err(e) => Err(io::Error::other(e.to_string())),
    };
    let r = if attack {
        answer(sandboxed::compartment(
            |_: &u8| -> Result<u8, i32> {
                // SAFETY: kill(2) with integer arguments.
                if unsafe { libc::kill(libc::getppid(), libc::SIGKILL) } == 0 {
                    Ok(0)
                } else {
                    Err(io::Error::last_os_error().raw_os_error().unwrap_or(0))
                }
            },
            &0,
        ))
    } else {
        Ok(String::new())
    };
    // The zygote still forks.
    let next = answer(sandboxed::compartment(|x: &u8| Ok::<_, i32>(x + 1), &1));
    other.thread().unpark();
    let _ = other.join();
    match (attack, next) {
        (_, Err(e)) => Ok(format!("the zygote is gone: {e}")),
        (true, _) => r,
        (false, ok) => ok,
    }
}

/// A sibling (a worker compartment, or a forked child) and another child
/// that tries to SIGKILL it; the sibling must still answer.
fn kill_sibling(compartment: bool) -> Attempt {
    if compartment && sandboxed::is_sandboxed() {
        let mut sibling = sandboxed::Compartment::new().worker(|_: &u8| -> Result<i32, String> {
            // SAFETY: getpid(2) cannot fail.
            Ok(unsafe { libc::getpid() })
        });
        let pid = sibling
            .call(&0)
            .map_err(|e| io::Error::other(e.to_string()))?;
        let r = sandboxed::compartment(
            |pid: &i32| -> Result<(), i32> {
                // SAFETY: kill(2) with integer arguments.
                if unsafe { libc::kill(*pid, libc::SIGKILL) } == 0 {
                    Ok(())
                } else {
                    Err(io::Error::last_os_error().raw_os_error().unwrap_or(0))
                }
            },
            &pid,
        );
        if sibling.call(&0).is_err() {
            return Ok("the sibling died".into());
        }
        match r {
            Ok(()) => Ok("signalled the sibling".into()),
            Err(sandboxed::CompartmentError::Failed(errno)) => Err(io::Error::from_raw_os_error(
                errno.parse().unwrap_or(libc::EIO),
            )),
            Err(e) => Err(io::Error::other(e.to_string())),
        }
    } else {
        // The sibling holds the write end of a pipe while it lives: the
        // read end hangs up when it is gone (it cannot be waited for:
        // capability mode refuses wait4(2)).
        let [alive_r, alive_w] = pipe()?;
        let sibling = sys!(libc::fork())?;
        if sibling == 0 {
            // SAFETY: pause(2) then _exit(2) in the forked child.
            unsafe {
                libc::pause();
                libc::_exit(0)
            }
        }
        close(alive_w);
        let r = in_child(move || {
            sys!(libc::kill(sibling, libc::SIGKILL))?;
            Ok("signalled".into())
        });
        let mut p = libc::pollfd {
            fd: alive_r,
            events: libc::POLLIN,
            revents: 0,
        };
        // The sibling's end, if it died, reaches the pipe at once.
        let gone = sys!(libc::poll(&mut p, 1, 100)).is_ok() && p.revents & libc::POLLHUP != 0;
        close(alive_r);
        // SAFETY: SIGKILL to our own child (not reaped: a zombie until
        // the probe exits).
        unsafe { libc::kill(sibling, libc::SIGKILL) };
        if gone {
            return Ok("the sibling died".into());
        }
        r
    }
}
