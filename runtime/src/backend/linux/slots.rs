//! Pool numbers are never free. Every number of every pool (fds.rs
//! [`Pool`]) holds, from setup on, either a descriptor limited into it or
//! a *placeholder*: a copy of one eventfd(2) made before entry (the
//! *source*, kept in a class of its own above the pools). The kernel
//! allocates the lowest *free* number (open(2), dup(2), `F_DUPFD`:
//! fs/file.c `alloc_fd`), so no descriptor made after entry lands on a
//! pool number and takes its limits; limiting replaces a placeholder
//! with dup3(2), which is atomic.
//!
//! Closing a pool number puts the placeholder back instead of freeing
//! it: the seccomp filter answers close(2) of a pool number, and
//! close_range(2) of a range that meets a pool (without
//! `CLOSE_RANGE_CLOEXEC`), with `SECCOMP_RET_TRAP`, and the `SIGSYS`
//! handler ([`emulate`]) does dup3(2) of the source over each pool number
//! (which closes the old open file description as close(2) would),
//! closes the rest of the range for real, and answers as close(2) would.
//! The handler makes system calls only (async-signal-safe, no lock, no
//! allocation), none of which the filter denies or traps: dup3(2) of the
//! source into a pool is allowed by the `Into` rules (the source's class
//! holds every right a pool may hold), and close_range(2) of the numbers
//! outside the pools is not trapped. The program cannot replace the
//! `SIGSYS` action after entry (rt_sigaction(2): `EPERM`); a `SIGSYS`
//! the program blocked or ignored kills it when the filter traps
//! (kernel/signal.c `force_sig_info_to_task`): a close that fails closed.
//! A `SIGSYS` the program forges (rt_tgsigqueueinfo(2) to itself may
//! carry `SYS_SECCOMP`, and the registers of the call it interrupts) is
//! handled as a trapped one: the handler gains the program nothing, as
//! every call it makes passes the filter as the program's own would.
//!
//! The source lies in the block, at or above `RLIMIT_NOFILE`: nothing
//! made after entry lands on its number, nothing may be copied onto it
//! (not a pool), and close_range(2) leaves it. A close(2) of it by number
//! makes every later close of a pool number fail with `EBADF`, the number
//! still held, and limiting fail with `EMFILE`: fail closed.
//!
//! A placeholder is told from a descriptor by readiness alone
//! ([`free_slot`]): poll(2) is the one call the filter lets through on
//! any number whatever its rights (capabilities.conf; the descriptors are
//! behind a pointer). The source's counter is raised and cleared while the
//! pool's numbers are polled: a number that follows it in step shares its
//! open file description.

use std::io;
use std::os::fd::{FromRawFd, IntoRawFd, OwnedFd, RawFd};
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::{Mutex, OnceLock, PoisonError};

/// The source's number; -1 until one is made.
static SOURCE: AtomicI32 = AtomicI32::new(-1);

/// Every pool's numbers (first, last), as reserved (before entry).
static RESERVED: Mutex<Vec<(RawFd, RawFd)>> = Mutex::new(Vec::new());

/// [`RESERVED`], sorted and fixed at entry ([`seal`]); read by the
/// handler (a lock-free load).
static RANGES: OnceLock<Box<[(RawFd, RawFd)]>> = OnceLock::new();

/// The source of placeholders: an eventfd(2) that nothing but the library
/// writes to (nothing can be looked up, executed or mapped through it),
/// non-blocking (a read through a placeholder answers `EAGAIN`).
pub(crate) fn source() -> io::Result<OwnedFd> {
    // SAFETY: eventfd(2) takes no pointer; the result is checked.
    let fd = unsafe { libc::eventfd(0, libc::EFD_NONBLOCK | libc::EFD_CLOEXEC) };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: a new descriptor nobody else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// Records `fd` (placed for good) as the source.
pub(crate) fn set_source(fd: RawFd) {
    SOURCE.store(fd, Ordering::SeqCst);
}

/// The source's number, if pools exist.
pub(crate) fn source_fd() -> Option<RawFd> {
    Some(SOURCE.load(Ordering::SeqCst)).filter(|&fd| fd >= 0)
}

/// Records a pool's numbers `lo..=hi` (reserved before entry).
pub(crate) fn reserve(lo: RawFd, hi: RawFd) {
    RESERVED
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push((lo, hi));
}

/// Whether `n` is a number of a reserved pool.
pub(crate) fn is_pool_number(n: RawFd) -> bool {
    let reserved = RESERVED.lock().unwrap_or_else(PoisonError::into_inner);
    in_pool(&reserved, n)
}

/// Fixes the reserved pools for the handler (at entry, once every pool is
/// reserved).
pub(crate) fn seal() {
    let mut ranges = RESERVED
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clone();
    ranges.sort_unstable();
    let _ = RANGES.set(ranges.into_boxed_slice());
}

/// Puts a placeholder on number `n` (closing what it held). Without
/// FD_CLOEXEC: across fexecve(2) an unused pool number stays occupied in
/// the new image too.
pub(crate) fn fill(n: RawFd) -> io::Result<()> {
    let Some(src) = source_fd() else {
        return Err(io::Error::from_raw_os_error(libc::EBADF));
    };
    // SAFETY: dup3 of the source over a pool number, whose old
    // description (if any) is ours to close.
    if unsafe { libc::dup3(src, n, 0) } < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// Releases `fd`, which lies in a pool: its number gets the placeholder
/// back (its open file description is closed as close(2) would).
pub(crate) fn release(fd: OwnedFd) {
    let n = fd.into_raw_fd();
    if fill(n).is_err() {
        // No source (nothing enforced): an ordinary close.
        // SAFETY: `n` was owned by `fd`.
        drop(unsafe { OwnedFd::from_raw_fd(n) });
    }
}

/// The eventfd(2) counter of the source: raised by one, or read back to 0.
fn counter(src: RawFd, raise: bool) {
    let mut value: u64 = 1;
    let p = (&raw mut value).cast::<libc::c_void>();
    // SAFETY: eight bytes in or out of `value`; EAGAIN (already 0, or
    // full) is fine: the polls below decide.
    unsafe {
        if raise {
            libc::write(src, p, 8);
        } else {
            libc::read(src, p, 8);
        }
    }
}

/// Which of `fds` poll(2) finds readable now (`None`: a closed number or
/// an error, for which nothing is known).
pub(crate) fn readable(fds: &mut [libc::pollfd]) -> Option<()> {
    for p in fds.iter_mut() {
        p.events = libc::POLLIN;
        p.revents = 0;
    }
    // SAFETY: `fds` is a valid array of its length; timeout 0.
    let r = unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, 0) };
    (r >= 0).then_some(())
}

/// A poll(2) array of the numbers `lo..=hi`, asking nothing yet.
pub(crate) fn pollfds(lo: RawFd, hi: RawFd) -> Vec<libc::pollfd> {
    (lo..=hi)
        .map(|fd| libc::pollfd {
            fd,
            events: 0,
            revents: 0,
        })
        .collect()
}

/// A number of `lo..=hi` holding the placeholder, found under the
/// caller's lock: one whose readiness follows the source's counter, low,
/// then high, then low again. A descriptor the program put there itself
/// (dup2(2) onto a pool number) is never taken for one unless the program
/// drives a descriptor's readiness in step with the library's.
pub(crate) fn free_slot(lo: RawFd, hi: RawFd) -> Option<RawFd> {
    let src = source_fd()?;
    let mut fds = pollfds(lo, hi);
    counter(src, false);
    readable(&mut fds)?;
    fds.retain(|p| p.revents == 0);
    counter(src, true);
    readable(&mut fds)?;
    fds.retain(|p| p.revents == libc::POLLIN);
    counter(src, false);
    readable(&mut fds)?;
    fds.iter().find(|p| p.revents == 0).map(|p| p.fd)
}

/// Whether `n` is a pool number.
fn in_pool(ranges: &[(RawFd, RawFd)], n: RawFd) -> bool {
    ranges.iter().any(|&(lo, hi)| (lo..=hi).contains(&n))
}

/// A raw system call; its result, `-errno` on failure (async-signal-safe).
fn raw(nr: libc::c_long, a: u64, b: u64, c: u64) -> i64 {
    // SAFETY: close, close_range, dup3: integer arguments only.
    let r = unsafe { libc::syscall(nr, a, b, c) };
    if r < 0 {
        // SAFETY: errno is thread-local.
        -i64::from(unsafe { *libc::__errno_location() })
    } else {
        r
    }
}

/// Answers the trapped close(2) (`nr` `SYS_close`) or close_range(2) of
/// pool numbers with `args`, as the kernel would have, putting the
/// placeholder on each pool number instead of freeing it. `None`: not a
/// call this emulates. Async-signal-safe: system calls only, no lock, no
/// allocation; errno is restored.
pub(crate) fn emulate(nr: i64, args: &[u64; 6]) -> Option<i64> {
    if nr != libc::SYS_close && nr != libc::SYS_close_range {
        return None;
    }
    let ranges: &[(RawFd, RawFd)] = RANGES.get()?;
    let src = source_fd()?;
    // SAFETY: errno is thread-local; restored before returning.
    let saved = unsafe { *libc::__errno_location() };
    let dup3 = |n: RawFd| raw(libc::SYS_dup3, src as u64, n as u64, 0);
    let result = if nr == libc::SYS_close {
        let n = args[0] as u32 as i32;
        if in_pool(ranges, n) {
            dup3(n).min(0)
        } else {
            raw(libc::SYS_close, args[0], 0, 0)
        }
    } else {
        close_range(ranges, src, args, dup3)
    };
    // SAFETY: as above.
    unsafe { *libc::__errno_location() = saved };
    Some(result)
}

/// close_range(2) of `args` (first, last, flags): the pool numbers in the
/// range get the placeholder, the rest is closed for real except the
/// source (kept for the pools' sake).
fn close_range(
    ranges: &[(RawFd, RawFd)],
    src: RawFd,
    args: &[u64; 6],
    dup3: impl Fn(RawFd) -> i64,
) -> i64 {
    let (first, last, flags) = (args[0] as u32, args[1] as u32, args[2] as u32);
    if first > last {
        return -i64::from(libc::EINVAL);
    }
    if flags & !(libc::CLOSE_RANGE_UNSHARE | libc::CLOSE_RANGE_CLOEXEC) != 0 {
        return -i64::from(libc::EINVAL);
    }
    if flags & libc::CLOSE_RANGE_CLOEXEC != 0 {
        // Marks, closes nothing (not trapped; here for completeness).
        return raw(libc::SYS_close_range, args[0], args[1], args[2]);
    }
    if flags & libc::CLOSE_RANGE_UNSHARE != 0 {
        // The table unshared first (an empty range), then acted on.
        let r = raw(
            libc::SYS_close_range,
            u64::from(u32::MAX),
            u64::from(u32::MAX),
            u64::from(libc::CLOSE_RANGE_UNSHARE),
        );
        if r < 0 {
            return r;
        }
    }
    // The pools first: the source must still be there.
    for &(lo, hi) in ranges {
        let (a, b) = ((lo as u32).max(first), (hi as u32).min(last));
        if a > b {
            continue;
        }
        for n in a..=b {
            let r = dup3(n as RawFd);
            if r < 0 {
                return r;
            }
        }
    }
    // The numbers outside the pools and the source, in stretches.
    let mut next = Some(first);
    let close = |a: u32, b: u32| raw(libc::SYS_close_range, a.into(), b.into(), 0);
    let mut skips = ranges
        .iter()
        .map(|&(lo, hi)| (lo as u32, hi as u32))
        .chain([(src as u32, src as u32)])
        .filter(|&(lo, hi)| hi >= first && lo <= last)
        .collect::<SmallRanges>();
    skips.sort();
    for &(lo, hi) in skips.as_slice() {
        if let Some(n) = next.filter(|&n| n < lo) {
            let r = close(n, lo - 1);
            if r < 0 {
                return r;
            }
        }
        next = next.and_then(|n| Some(n.max(hi.checked_add(1)?)));
    }
    match next.filter(|&n| n <= last) {
        Some(n) => close(n, last).min(0),
        None => 0,
    }
}

/// A few ranges on the stack (the handler may not allocate): the pools
/// and the source; more than this many pools are closed one call each.
struct SmallRanges {
    items: [(u32, u32); 64],
    len: usize,
}

impl FromIterator<(u32, u32)> for SmallRanges {
    fn from_iter<I: IntoIterator<Item = (u32, u32)>>(iter: I) -> Self {
        let mut out = SmallRanges {
            items: [(0, 0); 64],
            len: 0,
        };
        for r in iter {
            if out.len == out.items.len() {
                // Fail closed: overlapping the rest closes nothing more.
                out.items[out.len - 1].1 = u32::MAX;
                break;
            }
            out.items[out.len] = r;
            out.len += 1;
        }
        out
    }
}

impl SmallRanges {
    fn sort(&mut self) {
        self.items[..self.len].sort_unstable();
    }

    fn as_slice(&self) -> &[(u32, u32)] {
        &self.items[..self.len]
    }
}

/// Installs the `SIGSYS` handler that emulates the trapped closes, when
/// nothing else traps (the trace modes' handler does it too). Before the
/// filter.
pub(crate) fn install_handler() -> io::Result<()> {
    install_sigsys(on_sigsys)
}

/// A `SIGSYS` handler's signature (`SA_SIGINFO`).
pub(crate) type SigsysHandler = extern "C" fn(libc::c_int, *mut libc::siginfo_t, *mut libc::c_void);

/// Makes `handler` the `SIGSYS` action. `SA_NODEFER`: `SIGSYS` stays
/// deliverable inside the handler (a blocked `SIGSYS` from seccomp kills
/// the process, kernel/signal.c `force_sig_info_to_task`), though the
/// handler makes no denied call. Every other signal is blocked while it
/// runs, so no other handler interleaves with it.
pub(crate) fn install_sigsys(handler: SigsysHandler) -> io::Result<()> {
    // SAFETY: a zeroed sigaction is valid; the handler has the SA_SIGINFO
    // signature.
    unsafe {
        let mut sa: libc::sigaction = std::mem::zeroed();
        sa.sa_sigaction = handler as *const () as usize;
        sa.sa_flags = libc::SA_SIGINFO | libc::SA_NODEFER;
        libc::sigfillset(&mut sa.sa_mask);
        libc::sigdelset(&mut sa.sa_mask, libc::SIGSYS);
        if libc::sigaction(libc::SIGSYS, &sa, std::ptr::null_mut()) != 0 {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(())
}

/// The trapped call as a `SIGSYS` handler's context holds it.
pub(crate) struct Trapped {
    /// The call's number (`si_syscall`).
    pub nr: i64,
    /// The filter's data (`si_errno`).
    pub data: u32,
    /// The call's architecture (`si_arch`).
    pub arch: u32,
    /// Its arguments.
    pub args: [u64; 6],
    /// The instruction after the call.
    pub pc: usize,
    /// Where its result goes (x86_64: `rax`).
    pub result: *mut i64,
}

/// The trapped call of a `SIGSYS` handler's `info` and `ctx`.
///
/// # Safety
///
/// `info` and `ctx` are what the kernel passed an `SA_SIGINFO` handler
/// for `SIGSYS`.
pub(crate) unsafe fn trapped_call(info: *mut libc::siginfo_t, ctx: *mut libc::c_void) -> Trapped {
    // SAFETY: for SIGSYS the union holds `_sigsys { void *_call_addr; int
    // _syscall; unsigned _arch; }` at offset 16 on x86_64
    // (include/uapi/asm-generic/siginfo.h); `si_errno` holds the filter's
    // data; the ucontext's general registers are the call's.
    unsafe {
        let base = info as *const u8;
        let nr = *(base.add(24) as *const i32);
        let arch = *(base.add(28) as *const u32);
        let data = (*info).si_errno as u32;
        let uc = ctx as *mut libc::ucontext_t;
        let g = &mut (*uc).uc_mcontext.gregs;
        Trapped {
            nr: i64::from(nr),
            data,
            arch,
            args: [
                g[libc::REG_RDI as usize] as u64,
                g[libc::REG_RSI as usize] as u64,
                g[libc::REG_RDX as usize] as u64,
                g[libc::REG_R10 as usize] as u64,
                g[libc::REG_R8 as usize] as u64,
                g[libc::REG_R9 as usize] as u64,
            ],
            pc: g[libc::REG_RIP as usize] as usize,
            result: &raw mut g[libc::REG_RAX as usize],
        }
    }
}

/// The enforcing `SIGSYS` handler: only closes of pool numbers trap.
extern "C" fn on_sigsys(_: libc::c_int, info: *mut libc::siginfo_t, ctx: *mut libc::c_void) {
    // SAFETY: the kernel's arguments to an SA_SIGINFO handler.
    let call = unsafe { trapped_call(info, ctx) };
    let answer = emulate(call.nr, &call.args).unwrap_or(-i64::from(libc::EPERM));
    // SAFETY: `result` points into the interrupted context.
    unsafe { *call.result = answer };
}
