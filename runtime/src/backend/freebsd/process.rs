//! Process-level pieces of compartments on FreeBSD. Capability mode
//! already confines every process to itself (cap_enter(2): `kill(2)` of
//! another process, `cpuset` of others, `ptrace`, ... fail with
//! `ECAPMODE`, and it is inherited by children), so children need no
//! domain of their own: `isolate` has nothing to do.

use std::io;
use std::os::fd::RawFd;

/// Nothing to add to capability mode.
pub(crate) fn isolate() -> io::Result<()> {
    Ok(())
}

/// Nothing: capability mode allows fork(2) (capabilities.conf), and no
/// filter can be added to it. A process a compartment forks keeps its
/// channel; the program watches the compartment's process descriptor
/// (pdfork(2)) so that a call still ends with the compartment.
pub(crate) fn forbid_forks() -> io::Result<()> {
    Ok(())
}

/// Never: [`forbid_forks`] has nothing to do.
pub(crate) fn children_forkless() -> bool {
    false
}

/// Whether this is the only thread of the process: `ki_numthreads` of
/// `kern.proc.pid.<pid>` (sysctl(3)); `None` when the sysctl is refused
/// (capability mode allows only some nodes).
pub(crate) fn single_threaded() -> Option<bool> {
    // SAFETY: getpid(2) cannot fail.
    let pid = unsafe { libc::getpid() };
    let mib = [libc::CTL_KERN, libc::KERN_PROC, libc::KERN_PROC_PID, pid];
    let mut info = std::mem::MaybeUninit::<libc::kinfo_proc>::zeroed();
    let mut len = std::mem::size_of::<libc::kinfo_proc>();
    // SAFETY: `info` has room for one kinfo_proc of `len` bytes; the mib
    // is a live array of its length.
    let r = unsafe {
        libc::sysctl(
            mib.as_ptr(),
            mib.len() as libc::c_uint,
            info.as_mut_ptr().cast(),
            &mut len,
            std::ptr::null(),
            0,
        )
    };
    if r != 0 || len != std::mem::size_of::<libc::kinfo_proc>() {
        return None;
    }
    // SAFETY: sysctl filled the whole structure (checked above).
    Some(unsafe { info.assume_init() }.ki_numthreads == 1)
}

/// FreeBSD has no capabilities to drop; a compartment running as root
/// keeps root's right to raise its hard limits (setrlimit(2)).
pub(crate) fn drop_privileges() -> io::Result<()> {
    Ok(())
}

/// Nothing to do: a compartment is a pdfork(2) child, killed when its
/// parent's process descriptor for it is closed, as when the parent dies
/// (pdfork(2); google/capsicum-test procdesc.cc, `Pdfork.Bagpuss`).
pub(crate) fn die_with_parent(_parent: libc::pid_t) -> io::Result<()> {
    Ok(())
}

/// Limits the address space of the process to `bytes` (`RLIMIT_AS`;
/// FreeBSD's `RLIMIT_DATA` counts only the break, not mmap(2), which
/// jemalloc uses).
pub(crate) fn limit_memory(bytes: u64) -> io::Result<()> {
    let lim = libc::rlimit {
        rlim_cur: bytes as libc::rlim_t,
        rlim_max: bytes as libc::rlim_t,
    };
    // SAFETY: `lim` is a live rlimit.
    if unsafe { libc::setrlimit(libc::RLIMIT_AS, &lim) } == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// Closes the descriptors `lo..=hi`: close_range(2).
pub(crate) fn close_range(lo: RawFd, hi: RawFd) -> io::Result<()> {
    // SAFETY: close_range only closes descriptors; the caller (a freshly
    // forked child) owns them.
    if unsafe { libc::close_range(lo as libc::c_uint, hi as libc::c_uint, 0) } == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// FreeBSD pipes keep no message boundaries: compartments use socket pairs.
pub(crate) fn packet_pipe() -> io::Result<(std::os::fd::OwnedFd, std::os::fd::OwnedFd)> {
    Err(io::Error::from(io::ErrorKind::Unsupported))
}

/// A forked child: its pid and its process descriptor. In capability mode
/// `kill(2)` reaches only the process itself (cap_enter(2)); a child is
/// signalled through its descriptor with pdkill(2).
pub(crate) type Forked = (libc::pid_t, Option<std::os::fd::OwnedFd>);

/// pdfork(2) (allowed in capability mode). In the child: `(0, None)`. The
/// child does not signal `SIGCHLD` while its descriptor is open; its
/// descriptor polls readable (`POLLHUP`) when it exits.
///
/// # Safety
///
/// The caller is single-threaded, or the child only calls
/// async-signal-safe functions.
pub(crate) unsafe fn fork() -> io::Result<Forked> {
    let mut fd: libc::c_int = -1;
    // SAFETY: `fd` is a valid out-pointer; the caller's contract.
    let pid = unsafe { libc::pdfork(&mut fd, 0) };
    if pid < 0 {
        return Err(io::Error::last_os_error());
    }
    if pid == 0 {
        return Ok((0, None));
    }
    // SAFETY: pdfork returned a new descriptor owned by nothing else.
    Ok((
        pid,
        Some(unsafe { std::os::fd::FromRawFd::from_raw_fd(fd) }),
    ))
}

/// Reaps `child` once it has ended (with `nohang`, `None` while it runs):
/// wait4(2) of its pid.
pub(crate) fn wait(
    child: &Forked,
    nohang: bool,
) -> io::Result<Option<super::super::unix::compartment::Ended>> {
    super::super::unix::compartment::wait4(child.0, if nohang { libc::WNOHANG } else { 0 })
}

/// SIGKILL to a child through its process descriptor (pdkill(2)).
pub(crate) fn kill(child: &Forked) {
    if let Some(fd) = &child.1 {
        // SAFETY: pdkill(2) of a descriptor we own.
        unsafe { libc::pdkill(std::os::fd::AsRawFd::as_raw_fd(fd), libc::SIGKILL) };
    }
}
