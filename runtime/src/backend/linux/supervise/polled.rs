//! poll(2), ppoll(2), select(2) and pselect6 (`judge::Supervised::Polled`),
//! whose descriptors lie in memory the filter cannot read. Capsicum polls
//! a descriptor only with `CAP_EVENT` (rights(4)): FreeBSD's poll answers
//! `POLLNVAL` for one without it, as for a closed one, and counts it, so
//! the call returns at once (pollscan in sys/kern/sys_generic.c); select
//! fails with `ENOTCAPABLE` (selscan, getselfd_cap: fget_unlocked with
//! `cap_event_rights`).
//!
//! The supervisor reads the array or the sets once. When every descriptor
//! they name holds `event` (or lies outside every class), the caller makes
//! the call (`SECCOMP_USER_NOTIF_FLAG_CONTINUE`: it may block, which the
//! supervisor must not). Otherwise a poll is answered here at once, as
//! FreeBSD's returns at once: `POLLNVAL` for each descriptor without
//! `event`, and the others polled without waiting on copies of them
//! (pidfd_getfd(2): the same open file descriptions, so the same
//! readiness), their `revents` written back; a select answers `EACCES`,
//! the filter's errno where Capsicum's is `ENOTCAPABLE`.
//!
//! A pool number (`slots.rs`) that holds a placeholder, a copy of the
//! library's own eventfd, stands for no descriptor of the program: the
//! library tells placeholders by polling them, so they are polled as any
//! descriptor holding `event` (told by kcmp(2) `KCMP_FILE` against the
//! placeholders' source; where the kernel lacks kcmp, fail closed).
//!
//! The kernel reads the array again when the call goes on: a thread that
//! rewrites it meanwhile polls a descriptor without `event`, and learns
//! its readiness, nothing more.

use std::os::fd::{AsRawFd, OwnedFd, RawFd};

use crate::rights::Right;

use super::super::judge::{self, Context};
use super::super::rules::need;
use super::{caller, copy_of, read_into, valid, write_bytes, Reply, RIGHTS_ERRNO};

/// The most descriptors a poll or a select is read for: the kernel's
/// default ceiling of `RLIMIT_NOFILE` (`fs.nr_open`, 1,048,576). A poll of
/// more answers `EINVAL`, as the kernel does past `RLIMIT_NOFILE`; a
/// select is read up to it (the kernel reads no further than its table).
const MOST: usize = 1 << 20;

/// `struct pollfd`: fd (`int`), events and revents (`short`).
const POLLFD: usize = 8;

/// Whether descriptor `fd` of the caller may be polled: it holds `event`,
/// or lies outside every class (not limited).
fn holds_event(fd: i32, ctx: &Context) -> bool {
    judge::denial(
        &need(0, Right::Event),
        &[fd as u32 as u64, 0, 0, 0, 0, 0],
        ctx,
    )
    .is_none()
}

/// Whether the caller's descriptor `fd`, in a pool, is a placeholder: the
/// same open file description as the placeholders' source (kcmp(2)
/// `KCMP_FILE`, Linux 3.5 with `CONFIG_KCMP`).
fn placeholder(tid: libc::pid_t, fd: i32, ctx: &Context) -> bool {
    let Some(source) = super::super::slots::source_fd() else {
        return false;
    };
    if !ctx.class_of(fd as u32 as u64).is_some_and(|c| c.pool) {
        return false;
    }
    // SAFETY: kcmp(2) with integer arguments; it compares, changes nothing.
    unsafe { libc::syscall(libc::SYS_kcmp, tid, tid, KCMP_FILE, fd, source) == 0 }
}

/// kcmp(2)'s type for open file descriptions (include/uapi/linux/kcmp.h).
pub(super) const KCMP_FILE: libc::c_int = 0;

/// Reads `len` bytes at `addr` of thread `tid` (`EFAULT` when it cannot).
fn read_vec(tid: libc::pid_t, addr: u64, len: usize) -> Result<Vec<u8>, i32> {
    let mut buf = vec![0u8; len];
    read_into(tid, addr, &mut buf)?;
    Ok(buf)
}

/// Reads up to `len` bytes at `addr` of thread `tid`, page by page, as far
/// as they can be read: the readable start of them (empty when the first
/// byte cannot be read).
fn read_prefix(tid: libc::pid_t, addr: u64, len: usize) -> Vec<u8> {
    const PAGE: u64 = 4096;
    let mut buf = vec![0u8; len];
    let mut done = 0usize;
    while done < len {
        let at = addr.wrapping_add(done as u64);
        let chunk = ((PAGE - at % PAGE) as usize).min(len - done);
        if read_into(tid, at, &mut buf[done..done + chunk]).is_err() {
            break;
        }
        done += chunk;
    }
    buf.truncate(done);
    buf
}

/// Answers the poll or select in `req` (module docs).
pub(super) fn polled(l: RawFd, req: &libc::seccomp_notif, ctx: &Context) -> Result<Reply, i32> {
    match i64::from(req.data.nr) {
        #[cfg(target_arch = "x86_64")]
        libc::SYS_poll => poll(l, req, ctx),
        libc::SYS_ppoll => poll(l, req, ctx),
        _ => select(req, ctx),
    }
}

/// poll(2), ppoll(2): the array at argument 0, its length at argument 1.
fn poll(l: RawFd, req: &libc::seccomp_notif, ctx: &Context) -> Result<Reply, i32> {
    let args = req.data.args;
    let tid = req.pid as libc::pid_t;
    // The kernel reads an `unsigned int`.
    let nfds = args[1] as u32 as usize;
    if nfds == 0 {
        return Ok(Reply::Continue);
    }
    if nfds > MOST {
        return Err(libc::EINVAL);
    }
    // What cannot be read here answers EFAULT, as the kernel answers what
    // it cannot read: the kernel reads some pages process_vm_readv(2)
    // cannot (`[vvar]`), and would poll whatever numbers they hold.
    let mut bytes = read_vec(tid, args[0], nfds * POLLFD)?;
    let entry = |b: &[u8], i: usize| {
        let e = &b[i * POLLFD..(i + 1) * POLLFD];
        (
            i32::from_ne_bytes([e[0], e[1], e[2], e[3]]),
            i16::from_ne_bytes([e[4], e[5]]),
        )
    };
    let lacking: Vec<bool> = (0..nfds)
        .map(|i| {
            let (fd, _) = entry(&bytes, i);
            fd >= 0 && !holds_event(fd, ctx) && !placeholder(tid, fd, ctx)
        })
        .collect();
    if !lacking.contains(&true) {
        return Ok(Reply::Continue);
    }
    if i64::from(req.data.nr) == libc::SYS_ppoll {
        ppoll_arguments(tid, &args)?;
    }
    let pidfd = caller(tid)?;
    valid(l, req)?;
    // The others, polled at once on copies; `POLLNVAL` where there is none.
    let mut copies: Vec<Option<OwnedFd>> = Vec::with_capacity(nfds);
    let mut local: Vec<libc::pollfd> = Vec::with_capacity(nfds);
    for (i, &lacks) in lacking.iter().enumerate() {
        let (fd, events) = entry(&bytes, i);
        let copy = if fd < 0 || lacks {
            None
        } else {
            copy_of(&pidfd, fd as u32 as u64).ok()
        };
        local.push(libc::pollfd {
            fd: copy.as_ref().map_or(-1, |c| c.as_raw_fd()),
            events,
            revents: 0,
        });
        copies.push(copy);
    }
    // SAFETY: poll(2) of a live array of `nfds` entries, without waiting.
    if unsafe { libc::poll(local.as_mut_ptr(), nfds as libc::nfds_t, 0) } < 0 {
        return Err(std::io::Error::last_os_error()
            .raw_os_error()
            .unwrap_or(libc::ENOMEM));
    }
    let mut ready = 0;
    for (i, p) in local.iter().enumerate() {
        let (fd, _) = entry(&bytes, i);
        let revents = if fd < 0 {
            0
        } else if copies[i].is_none() {
            libc::POLLNVAL
        } else {
            p.revents
        };
        if revents != 0 {
            ready += 1;
        }
        bytes[i * POLLFD + 6..(i + 1) * POLLFD].copy_from_slice(&revents.to_ne_bytes());
    }
    write_bytes(l, req, tid, args[0], &bytes)?;
    Ok(Reply::Value(ready))
}

/// ppoll(2)'s timeout and signal mask, checked before anything is polled
/// as the kernel checks them (fs/select.c do_sys_ppoll: `EFAULT` for a
/// timeout it cannot read, `EINVAL` for one out of range,
/// poll_select_set_timeout; kernel/signal.c set_user_sigmask: `EINVAL`
/// for a mask of another size, `EFAULT`), as FreeBSD's does (sys_ppoll,
/// kern_poll_kfds in sys/kern/sys_generic.c): a poll answered at once
/// answers those errors too. The mask itself is not applied there (the
/// call returns at once).
fn ppoll_arguments(tid: libc::pid_t, args: &[u64; 6]) -> Result<(), i32> {
    if args[2] != 0 {
        let ts = read_vec(tid, args[2], 16)?;
        let sec = i64::from_ne_bytes(ts[..8].try_into().map_err(|_| libc::EFAULT)?);
        let nsec = i64::from_ne_bytes(ts[8..].try_into().map_err(|_| libc::EFAULT)?);
        if sec < 0 || !(0..1_000_000_000).contains(&nsec) {
            return Err(libc::EINVAL);
        }
    }
    if args[3] != 0 {
        // The kernel's sigset_t: 64 signals.
        if args[4] != 8 {
            return Err(libc::EINVAL);
        }
        read_vec(tid, args[3], 8)?;
    }
    Ok(())
}

/// select(2), pselect6: `nfds` at argument 0, the three sets at 1 to 3.
fn select(req: &libc::seccomp_notif, ctx: &Context) -> Result<Reply, i32> {
    let args = req.data.args;
    let tid = req.pid as libc::pid_t;
    // The kernel reads an `int`; a negative count is its EINVAL.
    let nfds = args[0] as u32 as i32;
    if nfds <= 0 {
        return Ok(Reply::Continue);
    }
    let nfds = (nfds as usize).min(MOST);
    let words = nfds.div_ceil(64);
    for &set in &args[1..4] {
        if set == 0 {
            continue;
        }
        // The kernel reads no more of a set than the caller's descriptor
        // table holds (fs/select.c core_sys_select: `n` lowered to
        // `max_fds`), which may end before an unmapped page that `nfds`
        // bits would reach: every bit that can be read is checked, and
        // the kernel faults on any it would read past them.
        let bits = read_prefix(tid, set, words * 8);
        for (w, word) in bits.chunks_exact(8).enumerate() {
            let mut word = u64::from_ne_bytes(word.try_into().expect("8 bytes"));
            while word != 0 {
                let fd = w * 64 + word.trailing_zeros() as usize;
                word &= word - 1;
                if fd < nfds && !holds_event(fd as i32, ctx) && !placeholder(tid, fd as i32, ctx) {
                    return Err(select_arguments(tid, i64::from(req.data.nr), &args)
                        .err()
                        .unwrap_or(RIGHTS_ERRNO));
                }
            }
        }
    }
    Ok(Reply::Continue)
}

/// The timeout of select(2) (a `timeval`, argument 4) or pselect6 (a
/// `timespec`, and at argument 5 the signal mask's pointer and size),
/// which the kernel checks before the descriptors (fs/select.c
/// kern_select, do_pselect: `EFAULT` for one it cannot read, `EINVAL` for
/// one out of range, poll_select_set_timeout; set_user_sigmask: `EINVAL`
/// for a mask of another size), as FreeBSD checks the timeout before
/// selscan (kern_select in sys/kern/sys_generic.c): a select refused for
/// a descriptor without `event` answers those errors first.
fn select_arguments(tid: libc::pid_t, nr: i64, args: &[u64; 6]) -> Result<(), i32> {
    let pair = |addr| -> Result<(i64, i64), i32> {
        let b = read_vec(tid, addr, 16)?;
        let at = |i: usize| {
            let mut w = [0u8; 8];
            w.copy_from_slice(&b[i * 8..i * 8 + 8]);
            i64::from_ne_bytes(w)
        };
        Ok((at(0), at(1)))
    };
    if args[4] != 0 {
        let (sec, frac) = pair(args[4])?;
        // select(2)'s microseconds are carried into seconds first.
        let (sec, nsec) = if nr == libc::SYS_pselect6 {
            (sec, frac)
        } else {
            (
                sec.wrapping_add(frac / 1_000_000),
                (frac % 1_000_000).wrapping_mul(1000),
            )
        };
        if sec < 0 || !(0..1_000_000_000).contains(&nsec) {
            return Err(libc::EINVAL);
        }
    }
    if nr == libc::SYS_pselect6 && args[5] != 0 {
        let (mask, size) = pair(args[5])?;
        if mask != 0 {
            if size != 8 {
                return Err(libc::EINVAL);
            }
            read_vec(tid, mask as u64, 8)?;
        }
    }
    Ok(())
}
