//! sendmsg(2) and sendmmsg(2) (`judge::Supervised::Sent`), made by the
//! supervisor itself. Capsicum lets a program in capability mode send a
//! message, refusing only an explicit address (`kern_sendit` in
//! sys/kern/uipc_syscalls.c: `msg_name` set in capability mode is
//! `ECAPMODE`), and passes `SCM_RIGHTS` descriptors with their rights.
//! The message, its address and its control data lie behind a pointer the
//! filter cannot read, and a call let through with
//! `SECCOMP_USER_NOTIF_FLAG_CONTINUE` is read again by the kernel, after
//! another thread may have rewritten it (seccomp_unotify(2), "Caveats").
//! So the supervisor reads each message once (process_vm_readv(2)), checks
//! what it read, and sends that on its copy of the socket (pidfd_getfd(2):
//! the same open file description):
//!
//! - an address (`msg_name` not `NULL` with `msg_namelen` not 0) is
//!   `EPERM`, the filter's answer to sendto(2) with one (the kernel
//!   ignores a `msg_name` whose length is 0, net/socket.c
//!   `__copy_msghdr`: sent without an address);
//! - an `SCM_RIGHTS` descriptor at a number of a class (limited: a number
//!   the filter limits, a pool's, a standard stream's, a placeholder) is
//!   `EACCES`: its receiver would hold it without its limits, where
//!   Capsicum passes the rights along. Descriptors in no class (pipes,
//!   sockets, memfds made after entry: Capsicum gives them every right)
//!   are sent as copies taken from the caller (pidfd_getfd(2));
//! - `SCM_CREDENTIALS` is `EPERM`: the kernel checks the credentials sent
//!   against the sender's (net/core/scm.c `scm_check_creds`: its own
//!   process id, unless `CAP_SYS_ADMIN`), and the sender here is the
//!   supervisor, whose identity must not be lent;
//! - of the other control messages, only those that set a field of the
//!   packet's header pass (`IP_TTL`, `IP_TOS`: net/ipv4/ip_sockglue.c
//!   `ip_cmsg_send`; `IPV6_HOPLIMIT`, `IPV6_TCLASS`:
//!   net/ipv6/datagram.c `ip6_datagram_send_ctl`); the rest is `EPERM`:
//!   some choose a route or a first hop (`IP_RETOPTS` with a source
//!   route sends to another address, net/ipv4/udp.c `udp_sendmsg`),
//!   others are checked against the sender's capabilities, which here
//!   are the supervisor's (`SO_MARK`, `SO_PRIORITY`: net/core/sock.c
//!   `__sock_cmsg_send`);
//! - `MSG_FASTOPEN` (a connect, net/ipv4/tcp.c) is `EPERM`, as Capsicum
//!   refuses a new endpoint; `MSG_ZEROCOPY` is `EPERM` (the pages sent
//!   would be the supervisor's buffer, reused once it answers);
//!   `MSG_CMSG_COMPAT` is `EINVAL`, as the kernel answers it from user
//!   space;
//! - once a process under the filter has changed its credentials
//!   (`Supervised::Credentials`), every send is `EPERM`: the kernel
//!   attaches the sender's credentials to what it sends on a Unix socket
//!   (net/core/scm.c `scm_send`, `SO_PASSCRED` at the receiver), and the
//!   supervisor's would no longer be the caller's.
//!
//! The supervisor answers one call at a time and must never wait: it
//! sends with `MSG_DONTWAIT` and `MSG_NOSIGNAL`. A send that would wait
//! where the caller's would (its socket without `O_NONBLOCK`, no
//! `MSG_DONTWAIT`) is handed to a child of the supervisor (clone(2), as
//! fork(2)), which waits for room (poll(2), `SO_SNDTIMEO` honoured),
//! sends the rest, answers the notification itself
//! (`SECCOMP_IOCTL_NOTIF_SEND` works from any holder of the listener) and
//! exits; `SIGCHLD` is ignored, so no child is left a zombie. A stream
//! socket's send is partial as the kernel's is: at once without waiting,
//! in full with it. `EPIPE` raises `SIGPIPE` in the caller's thread
//! unless `MSG_NOSIGNAL` (pidfd_send_signal(2) `PIDFD_SIGNAL_THREAD`), as
//! the kernel signals its sender (net/socket.c, net/unix/af_unix.c).
//! sendmmsg(2) sends each message in turn, writes each `msg_len` back and
//! answers the count, the first error only when nothing was sent
//! (net/socket.c `__sys_sendmmsg`).
//!
//! What is read is bounded: at most [`MOST_DATA`] bytes of a message (a
//! stream socket's send is then partial; a datagram's is `EMSGSIZE`),
//! [`MOST_CONTROL`] of control data (`ENOBUFS` beyond, as the kernel
//! answers control data beyond `net.core.optmem_max`), 1024 iovecs and
//! messages (`UIO_MAXIOV`).
//!
//! Differences that remain: a receiver that asks for the sender's
//! credentials (`SO_PASSCRED`, `SO_PASSPIDFD`) sees the supervisor's
//! process, whose user and groups are the caller's; a caller waiting for
//! room is not interrupted by a signal it handles (the notification is
//! received: seccomp_unotify(2)).

use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::time::{Duration, Instant};

use super::super::judge::Context;
use super::{
    caller, copy_of, read_into, valid, write_bytes, Reply, State, MODE_ERRNO, RIGHTS_ERRNO,
};

/// The most bytes of one message read from the caller (4 MiB).
pub(super) const MOST_DATA: usize = 1 << 22;
/// The most bytes of control data read (128 KiB, the kernel's default
/// `net.core.optmem_max` on 64-bit kernels since 6.9).
pub(super) const MOST_CONTROL: usize = 1 << 17;
/// `UIO_MAXIOV` (include/uapi/linux/uio.h): the most iovecs of a message,
/// and the most messages of one sendmmsg(2).
const UIO_MAXIOV: usize = 1024;
/// `SCM_MAX_FD` (include/net/scm.h): the most descriptors of one message.
const SCM_MAX_FD: usize = 253;
/// `MSG_CMSG_COMPAT` (include/linux/socket.h): internal; from user space
/// `EINVAL` (net/socket.c `__sys_sendmsg`).
const MSG_CMSG_COMPAT: u32 = 0x8000_0000;
/// `MSG_BATCH` (include/linux/socket.h): sendmmsg(2) sets it on each
/// message but the last.
const MSG_BATCH: u32 = 0x40000;
/// `PIDFD_SIGNAL_THREAD` (include/uapi/linux/pidfd.h, Linux 6.9).
const PIDFD_SIGNAL_THREAD: libc::c_uint = 1;
/// `struct user_msghdr` (LP64): 56 bytes; `struct mmsghdr`: 64.
const MSGHDR: usize = 56;
const MMSGHDR: usize = 64;
/// `struct cmsghdr` (LP64): `cmsg_len` (size_t), level, type.
const CMSGHDR: usize = 16;

/// The control messages that pass as they are (module docs).
const HARMLESS: &[(i32, i32)] = &[
    (libc::IPPROTO_IP, libc::IP_TTL),
    (libc::IPPROTO_IP, libc::IP_TOS),
    (libc::IPPROTO_IPV6, libc::IPV6_HOPLIMIT),
    (libc::IPPROTO_IPV6, libc::IPV6_TCLASS),
];

/// One message as read: its data, its control data with the supervisor's
/// copies of the descriptors, and those copies.
struct Message {
    data: Vec<u8>,
    control: Vec<u8>,
    /// Kept open while the message is sent.
    _fds: Vec<OwnedFd>,
    /// The message's own `MSG_EOR`, which sendmmsg(2) honours
    /// (`allowed_msghdr_flags`, net/socket.c).
    eor: bool,
}

/// What the call asks, read once.
struct Call {
    tid: libc::pid_t,
    pidfd: OwnedFd,
    sock: OwnedFd,
    /// sendmsg(2): the msghdr; sendmmsg(2): the array.
    at: u64,
    /// The number of messages (1 for sendmsg(2)).
    count: usize,
    many: bool,
    flags: u32,
    stream: bool,
    /// Whether the caller's call waits for room.
    waits: bool,
    /// `SO_SNDTIMEO`, if any.
    timeout: Option<Duration>,
}

/// Where a send stopped: the message and how much of it was sent, the
/// messages done.
#[derive(Clone, Copy)]
struct Progress {
    index: usize,
    offset: usize,
    done: usize,
}

/// The sendmsg(2) or sendmmsg(2) in `req` (module docs).
pub(super) fn sent(
    l: RawFd,
    req: &libc::seccomp_notif,
    ctx: &Context,
    state: &State,
) -> Result<Reply, i32> {
    let args = req.data.args;
    let many = i64::from(req.data.nr) == libc::SYS_sendmmsg;
    let flags = (if many { args[3] } else { args[2] }) as u32;
    if flags & MSG_CMSG_COMPAT != 0 {
        return Err(libc::EINVAL);
    }
    if flags & (libc::MSG_FASTOPEN | libc::MSG_ZEROCOPY) as u32 != 0 || state.credentials_changed {
        return Err(MODE_ERRNO);
    }
    let tid = req.pid as libc::pid_t;
    let pidfd = caller(tid)?;
    valid(l, req)?;
    let sock = copy_of(&pidfd, args[0])?;
    let kind: i32 = sockopt(sock.as_raw_fd(), libc::SO_TYPE)?;
    // SAFETY: fcntl(2) F_GETFL of our copy.
    let fl = unsafe { libc::fcntl(sock.as_raw_fd(), libc::F_GETFL) };
    let waits = flags & libc::MSG_DONTWAIT as u32 == 0 && fl & libc::O_NONBLOCK == 0;
    let timeout = if waits {
        let tv: libc::timeval = sockopt(sock.as_raw_fd(), libc::SO_SNDTIMEO)?;
        let t = Duration::new(tv.tv_sec.max(0) as u64, (tv.tv_usec.max(0) as u32) * 1000);
        (!t.is_zero()).then_some(t)
    } else {
        None
    };
    let count = if many {
        // The kernel reads an `unsigned int`, at most UIO_MAXIOV of them.
        (args[2] as u32 as usize).min(UIO_MAXIOV)
    } else {
        1
    };
    if count == 0 {
        return Ok(Reply::Value(0));
    }
    let call = Call {
        tid,
        pidfd,
        sock,
        at: args[1],
        count,
        many,
        flags,
        stream: kind == libc::SOCK_STREAM,
        waits,
        timeout,
    };
    let start = Progress {
        index: 0,
        offset: 0,
        done: 0,
    };
    match send(l, req, &call, ctx, start, None) {
        Ok(v) => Ok(Reply::Value(v)),
        Err(Stop::Error(e)) => Err(e),
        Err(Stop::Blocked(at, msg)) => hand_off(l, req, &call, ctx, at, msg),
    }
}

/// Why [`send`] stopped without an answer.
enum Stop {
    Error(i32),
    /// It would wait, at this point, in this message (read already).
    Blocked(Progress, Message),
}

/// Reads message `index` of `call`.
fn message(call: &Call, index: usize, ctx: &Context) -> Result<Message, i32> {
    let at = call.at.wrapping_add((index * MMSGHDR) as u64);
    let h: [u8; MSGHDR] = super::read_bytes(call.tid, at)?;
    let word = |i: usize| u64::from_ne_bytes(h[i..i + 8].try_into().unwrap_or([0; 8]));
    let name = word(0);
    let namelen = i32::from_ne_bytes(h[8..12].try_into().unwrap_or([0; 4]));
    let (iov, iovlen, control, controllen) = (word(16), word(24), word(32), word(40));
    let msg_flags = u32::from_ne_bytes(h[48..52].try_into().unwrap_or([0; 4]));
    if name != 0 {
        if namelen < 0 {
            return Err(libc::EINVAL);
        }
        if namelen != 0 {
            // Capability mode: no explicit address (cap_enter(2)).
            return Err(MODE_ERRNO);
        }
    }
    if iovlen > UIO_MAXIOV as u64 {
        return Err(libc::EMSGSIZE);
    }
    let data = read_data(call, iov, iovlen as usize)?;
    if controllen > i32::MAX as u64 || controllen > MOST_CONTROL as u64 {
        return Err(libc::ENOBUFS);
    }
    let mut ctl = vec![0u8; controllen as usize];
    if !ctl.is_empty() {
        read_into(call.tid, control, &mut ctl)?;
    }
    let fds = checked_control(call, &mut ctl, ctx)?;
    Ok(Message {
        data,
        control: ctl,
        _fds: fds,
        eor: call.many && msg_flags & libc::MSG_EOR as u32 != 0,
    })
}

/// The bytes of the caller's `iovlen` iovecs at `iov`, at most
/// [`MOST_DATA`] of them (a datagram beyond is `EMSGSIZE`).
fn read_data(call: &Call, iov: u64, iovlen: usize) -> Result<Vec<u8>, i32> {
    let mut raw = vec![0u8; iovlen * 16];
    if iovlen > 0 {
        read_into(call.tid, iov, &mut raw)?;
    }
    let mut remote: Vec<libc::iovec> = Vec::with_capacity(iovlen);
    let mut total = 0usize;
    for e in raw.chunks_exact(16) {
        let base = u64::from_ne_bytes(e[..8].try_into().unwrap_or([0; 8]));
        let len = i64::from_ne_bytes(e[8..].try_into().unwrap_or([0; 8]));
        // lib/iov_iter.c: a negative length is EINVAL.
        if len < 0 {
            return Err(libc::EINVAL);
        }
        let room = MOST_DATA - total;
        if len as u64 > room as u64 {
            if !call.stream {
                return Err(libc::EMSGSIZE);
            }
            remote.push(libc::iovec {
                iov_base: base as *mut libc::c_void,
                iov_len: room,
            });
            total = MOST_DATA;
            break;
        }
        if len > 0 {
            remote.push(libc::iovec {
                iov_base: base as *mut libc::c_void,
                iov_len: len as usize,
            });
        }
        total += len as usize;
    }
    let mut data = vec![0u8; total];
    if total > 0 {
        let local = libc::iovec {
            iov_base: data.as_mut_ptr().cast(),
            iov_len: total,
        };
        // SAFETY: reads at most `total` bytes into `data` from the
        // caller's iovecs (at most UIO_MAXIOV, process_vm_readv(2)'s
        // IOV_MAX).
        let n = unsafe {
            libc::process_vm_readv(
                call.tid,
                &local,
                1,
                remote.as_ptr(),
                remote.len() as libc::c_ulong,
                0,
            )
        };
        if n != total as isize {
            return Err(libc::EFAULT);
        }
    }
    Ok(data)
}

/// Checks the control messages in `ctl` (module docs), putting the
/// supervisor's copies of `SCM_RIGHTS` descriptors in place of the
/// caller's numbers; the copies.
fn checked_control(call: &Call, ctl: &mut [u8], ctx: &Context) -> Result<Vec<OwnedFd>, i32> {
    let mut fds = Vec::new();
    let mut off = 0usize;
    // include/linux/socket.h for_each_cmsghdr, net/core/scm.c CMSG_OK.
    while ctl.len() - off >= CMSGHDR {
        let len = u64::from_ne_bytes(ctl[off..off + 8].try_into().unwrap_or([0; 8]));
        let level = i32::from_ne_bytes(ctl[off + 8..off + 12].try_into().unwrap_or([0; 4]));
        let kind = i32::from_ne_bytes(ctl[off + 12..off + 16].try_into().unwrap_or([0; 4]));
        if len < CMSGHDR as u64 || len > (ctl.len() - off) as u64 {
            return Err(libc::EINVAL);
        }
        let len = len as usize;
        match (level, kind) {
            (libc::SOL_SOCKET, libc::SCM_RIGHTS) => {
                let n = (len - CMSGHDR) / 4;
                if fds.len() + n > SCM_MAX_FD {
                    return Err(libc::EINVAL);
                }
                for i in 0..n {
                    let at = off + CMSGHDR + i * 4;
                    let fd = i32::from_ne_bytes(ctl[at..at + 4].try_into().unwrap_or([0; 4]));
                    if fd < 0 {
                        return Err(libc::EBADF);
                    }
                    if ctx.class_of(fd as u32 as u64).is_some() {
                        // Its receiver would hold it without its limits.
                        return Err(RIGHTS_ERRNO);
                    }
                    let copy = copy_of(&call.pidfd, fd as u32 as u64)?;
                    ctl[at..at + 4].copy_from_slice(&copy.as_raw_fd().to_ne_bytes());
                    fds.push(copy);
                }
            }
            (l, k) if HARMLESS.contains(&(l, k)) => {}
            _ => return Err(MODE_ERRNO),
        }
        // CMSG_ALIGN(cmsg_len).
        off = off.saturating_add(len.div_ceil(8) * 8).min(ctl.len());
    }
    Ok(fds)
}

/// Sends the messages of `call` from `from` on (`first`: message
/// `from.index`, read already) without waiting: the call's value, or
/// where it would wait.
fn send(
    l: RawFd,
    req: &libc::seccomp_notif,
    call: &Call,
    ctx: &Context,
    from: Progress,
    first: Option<Message>,
) -> Result<i64, Stop> {
    send_waiting(l, req, call, ctx, from, first, None)
}

/// [`send`], waiting for room where the caller's call would when `wait`
/// is given (the child's: `Some(deadline)` from `SO_SNDTIMEO`).
fn send_waiting(
    l: RawFd,
    req: &libc::seccomp_notif,
    call: &Call,
    ctx: &Context,
    mut at: Progress,
    mut first: Option<Message>,
    wait: Option<Option<Instant>>,
) -> Result<i64, Stop> {
    // The answer once message `at.index` stops with `e`: sendmmsg(2)
    // answers the count when some were sent.
    let failed = |at: &Progress, e: i32| -> Result<i64, Stop> {
        if e == libc::EPIPE && call.flags & libc::MSG_NOSIGNAL as u32 == 0 {
            sigpipe(call);
        }
        if call.many && at.done > 0 {
            Ok(at.done as i64)
        } else {
            Err(Stop::Error(e))
        }
    };
    while at.index < call.count {
        let msg = match first.take() {
            Some(m) => m,
            None => match message(call, at.index, ctx) {
                Ok(m) => m,
                Err(e) => return failed(&at, e),
            },
        };
        let last = at.index + 1 == call.count;
        let mut flags = call.flags | (libc::MSG_DONTWAIT | libc::MSG_NOSIGNAL) as u32;
        if msg.eor {
            flags |= libc::MSG_EOR as u32;
        }
        if call.many && !last {
            flags |= MSG_BATCH;
        }
        let r = send_one(call.sock.as_raw_fd(), &msg, at.offset, flags);
        match r {
            // A stream that takes nothing of what is left: its count.
            Ok(0) if at.offset < msg.data.len() && at.offset > 0 => {
                return finish(l, req, call, at, at.offset);
            }
            Ok(n) => at.offset += n,
            Err(e) if e == libc::EAGAIN && call.waits => {
                let Some(deadline) = wait else {
                    return Err(Stop::Blocked(at, msg));
                };
                if deadline.is_some_and(|d| Instant::now() >= d) {
                    if at.offset > 0 {
                        // A stream's partial send, as the kernel's on
                        // its timeout.
                        return finish(l, req, call, at, at.offset);
                    }
                    return failed(&at, e);
                }
                room(l, req, call.sock.as_raw_fd());
                first = Some(msg);
                continue;
            }
            // Some of a stream's bytes sent: their count, as the kernel
            // answers (net/unix/af_unix.c, net/ipv4/tcp.c).
            Err(_) if at.offset > 0 => return finish(l, req, call, at, at.offset),
            Err(e) => return failed(&at, e),
        }
        if call.stream && call.waits && at.offset < msg.data.len() && r != Ok(0) {
            // The rest of a stream's send, as a send that waits.
            first = Some(msg);
            continue;
        }
        let partial = at.offset < msg.data.len();
        let sent = at.offset;
        match finish(l, req, call, at, sent) {
            Ok(v) if !call.many || partial || last => return Ok(v),
            Ok(_) => {}
            Err(e) => return Err(e),
        }
        at = Progress {
            index: at.index + 1,
            offset: 0,
            done: at.done + 1,
        };
    }
    Ok(at.done as i64)
}

/// Message `at.index` done with `sent` bytes: sendmsg(2) answers them;
/// sendmmsg(2) writes them to its `msg_len` and answers the count.
fn finish(
    l: RawFd,
    req: &libc::seccomp_notif,
    call: &Call,
    at: Progress,
    sent: usize,
) -> Result<i64, Stop> {
    if !call.many {
        return Ok(sent as i64);
    }
    let len_at = call.at.wrapping_add((at.index * MMSGHDR + MSGHDR) as u64);
    match write_bytes(l, req, call.tid, len_at, &(sent as u32).to_ne_bytes()) {
        Ok(()) => Ok(at.done as i64 + 1),
        Err(_) if at.done > 0 => Ok(at.done as i64),
        Err(e) => Err(Stop::Error(e)),
    }
}

/// One sendmsg(2) of `msg` from byte `offset` (the control data with the
/// first bytes only, as the kernel attaches it to a stream's first
/// buffer) on `sock`: the bytes sent, or the errno.
fn send_one(sock: RawFd, msg: &Message, offset: usize, flags: u32) -> Result<usize, i32> {
    let rest = &msg.data[offset.min(msg.data.len())..];
    let mut iov = libc::iovec {
        iov_base: rest.as_ptr().cast_mut().cast(),
        iov_len: rest.len(),
    };
    // SAFETY: msghdr is plain data; all-zero is valid (no address).
    let mut hdr: libc::msghdr = unsafe { std::mem::zeroed() };
    hdr.msg_iov = &mut iov;
    hdr.msg_iovlen = 1;
    if offset == 0 && !msg.control.is_empty() {
        hdr.msg_control = msg.control.as_ptr().cast_mut().cast();
        hdr.msg_controllen = msg.control.len() as _;
    }
    // SAFETY: sendmsg(2) of live buffers on our copy of the socket.
    let r = unsafe { libc::syscall(libc::SYS_sendmsg, sock, &hdr, flags as libc::c_int) };
    if r < 0 {
        return Err(std::io::Error::last_os_error()
            .raw_os_error()
            .unwrap_or(libc::EIO));
    }
    Ok(r as usize)
}

/// Waits a while for room on `sock` (at most 100 ms, so that a caller
/// gone is noticed: then the child exits).
fn room(l: RawFd, req: &libc::seccomp_notif, sock: RawFd) {
    if valid(l, req).is_err() {
        // SAFETY: _exit(2) of the child: its caller is gone.
        unsafe { libc::_exit(0) }
    }
    let mut p = libc::pollfd {
        fd: sock,
        events: libc::POLLOUT,
        revents: 0,
    };
    // SAFETY: poll(2) of one live pollfd.
    if unsafe { libc::poll(&mut p, 1, 100) } > 0 {
        // Ready and yet full (a datagram larger than the room): not a
        // busy loop.
        // SAFETY: poll(2) of no descriptor, as a 1 ms sleep.
        unsafe { libc::poll(std::ptr::null_mut(), 0, 1) };
    }
}

/// `SIGPIPE` to the caller's thread, as the kernel sends its sender.
fn sigpipe(call: &Call) {
    // SAFETY: pidfd_send_signal(2) of a thread pidfd, no siginfo.
    unsafe {
        libc::syscall(
            libc::SYS_pidfd_send_signal,
            call.pidfd.as_raw_fd(),
            libc::SIGPIPE,
            std::ptr::null::<libc::siginfo_t>(),
            PIDFD_SIGNAL_THREAD,
        )
    };
}

/// Socket option `opt` (`SOL_SOCKET`) of `sock`; `ENOTSOCK` for a
/// descriptor that is no socket, as sendmsg(2) answers.
fn sockopt<T: Default>(sock: RawFd, opt: i32) -> Result<T, i32> {
    let mut v = T::default();
    let mut len = std::mem::size_of::<T>() as libc::socklen_t;
    // SAFETY: getsockopt(2) into a live `T` of `len` bytes (plain data).
    let r = unsafe {
        libc::syscall(
            libc::SYS_getsockopt,
            sock,
            libc::SOL_SOCKET,
            opt,
            (&mut v as *mut T).cast::<libc::c_void>(),
            &mut len,
        )
    };
    if r < 0 {
        return Err(std::io::Error::last_os_error()
            .raw_os_error()
            .unwrap_or(libc::ENOTSOCK));
    }
    Ok(v)
}

/// Hands a send that waits to a child (module docs), which answers it.
fn hand_off(
    l: RawFd,
    req: &libc::seccomp_notif,
    call: &Call,
    ctx: &Context,
    at: Progress,
    msg: Message,
) -> Result<Reply, i32> {
    if super::waiter()?.is_some() {
        return Ok(Reply::Sent);
    }
    let deadline = call.timeout.map(|t| Instant::now() + t);
    let answer = match send_waiting(l, req, call, ctx, at, Some(msg), Some(deadline)) {
        Ok(v) => Ok(Reply::Value(v)),
        Err(Stop::Error(e)) => Err(e),
        Err(Stop::Blocked(..)) => Err(libc::EAGAIN),
    };
    super::waiter_done(l, req, answer)
}
