//! The system calls the attempts are made of, and what they read of
//! the world the harness built.

use std::ffi::CString;
use std::io;
use std::os::fd::RawFd;

use crate::sys::*;

/// `syscall(2)` numbers newer than the libc crate's tables (x86_64).
pub(super) mod nr {
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

/// Times for futimens(3) and utimensat(2): both set explicitly, which
/// only the owner (or `CAP_FOWNER`) may do (utimensat(2)).
pub(super) const TIMES: [libc::timespec; 2] = [libc::timespec {
    tv_sec: 1_000_000_000,
    tv_nsec: 0,
}; 2];

/// fchmodat2 (Linux 6.6) of `""` with `AT_EMPTY_PATH`: the mode of the
/// file `fd` names, whatever kind of descriptor it is (`O_PATH` too).
pub(super) fn fchmod_empty(fd: RawFd, mode: libc::mode_t) -> std::io::Result<libc::c_long> {
    sys!(libc::syscall(
        nr::FCHMODAT2,
        fd,
        c"".as_ptr(),
        mode,
        libc::AT_EMPTY_PATH
    ))
}

pub(super) fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("the harness sets ${name}"))
}

/// `$ESCAPE_ROOT/rel`: a path in the harness's world (outside the
/// preopened directories unless `rel` starts with `dir/` or `rodir/`).
pub(super) fn world(rel: &str) -> CString {
    c(&format!("{}/{rel}", env("ESCAPE_ROOT")))
}

pub(super) fn pid_env(name: &str) -> libc::pid_t {
    env(name).parse().expect("a pid")
}

pub(super) fn inet(port: u16) -> libc::sockaddr_in {
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
pub(super) fn unix_addr(path: &[u8]) -> (libc::sockaddr_un, libc::socklen_t) {
    // SAFETY: `sockaddr_un` is plain old data; all zeroes is a valid value.
    let mut addr: libc::sockaddr_un = unsafe { std::mem::zeroed() };
    addr.sun_family = libc::AF_UNIX as libc::sa_family_t;
    for (d, s) in addr.sun_path.iter_mut().zip(path) {
        *d = *s as libc::c_char;
    }
    let len = std::mem::size_of::<libc::sa_family_t>() + path.len();
    (addr, len as libc::socklen_t)
}

pub(super) fn port_env(name: &str) -> u16 {
    env(name).parse().expect("a port")
}

pub(super) fn socket(domain: i32, ty: i32, proto: i32) -> io::Result<RawFd> {
    sys!(libc::socket(domain, ty | libc::SOCK_CLOEXEC, proto))
}

/// connect(2) to the unix socket `name` (a path, or an abstract name
/// with its leading NUL).
pub(super) fn connect_unix(fd: RawFd, name: &[u8]) -> Attempt {
    let (addr, len) = unix_addr(name);
    sys!(libc::connect(
        fd,
        (&addr as *const libc::sockaddr_un).cast(),
        len
    ))?;
    Ok("connected".into())
}

pub(super) fn connect_inet(fd: RawFd, port: u16) -> Attempt {
    let addr = inet(port);
    sys!(libc::connect(
        fd,
        (&addr as *const libc::sockaddr_in).cast(),
        std::mem::size_of_val(&addr) as libc::socklen_t
    ))?;
    Ok("connected".into())
}

pub(super) fn sendto_inet(fd: RawFd, port: u16) -> Attempt {
    let addr = inet(port);
    sendto(
        fd,
        (&addr as *const libc::sockaddr_in).cast(),
        std::mem::size_of_val(&addr) as libc::socklen_t,
    )
}

/// sendto(2) of a few bytes to the address `addr` (`len` bytes).
pub(super) fn sendto(fd: RawFd, addr: *const libc::sockaddr, len: libc::socklen_t) -> Attempt {
    let msg = b"escaped";
    let n = sys!(libc::sendto(
        fd,
        msg.as_ptr().cast(),
        msg.len(),
        0,
        addr,
        len
    ))?;
    Ok(format!("sent {n}"))
}

/// sendmsg(2) with an explicit destination in `msg_name`: the address
/// rides in memory seccomp cannot read.
pub(super) fn sendmsg_to(fd: RawFd, name: *mut libc::c_void, namelen: libc::socklen_t) -> Attempt {
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

/// execve(2) of /usr/bin/true without environment (when it works, the
/// process becomes `true` and reports no outcome).
pub(super) fn execve_true() -> Attempt {
    let argv = [c"true".as_ptr(), std::ptr::null()];
    let envp: [*const libc::c_char; 1] = [std::ptr::null()];
    sys!(libc::execve(
        c("/usr/bin/true").as_ptr(),
        argv.as_ptr(),
        envp.as_ptr()
    ))?;
    Ok("executed".into())
}

/// A unix socket pair of type `ty` (socketpair(2)), both ends
/// close-on-exec.
pub(super) fn socketpair(ty: i32) -> io::Result<[RawFd; 2]> {
    let mut sp = [0; 2];
    sys!(libc::socketpair(
        libc::AF_UNIX,
        ty | libc::SOCK_CLOEXEC,
        0,
        sp.as_mut_ptr()
    ))?;
    Ok(sp)
}

/// Sends `fd` over a socketpair to ourselves (SCM_RIGHTS) and returns the
/// received copy: a dup(2) that does not say "dup".
pub(super) fn pass_to_self(fd: RawFd) -> io::Result<RawFd> {
    let sp = socketpair(libc::SOCK_STREAM)?;
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
pub(super) fn handle_from_env() -> Vec<u8> {
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
pub(super) fn int80_getpid() -> i64 {
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
pub(super) fn ioperm_off() -> io::Result<()> {
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
pub(super) fn int80_getpid() -> i64 {
    -i64::from(libc::ENOSYS)
}

#[inline(never)]
pub(super) fn panic_here() -> Attempt {
    panic!("deliberate panic inside the sandbox")
}
