//! Process-level pieces of compartments and of children forked after
//! entry, on Linux:
//!
//! - a nested Landlock domain for every child forked after entry
//!   (`pthread_atfork(3)` child handler) and for each compartment: with
//!   `LANDLOCK_SCOPE_SIGNAL` (ABI 6) the child cannot signal its parent or
//!   its siblings, which are outside its domain, and Landlock's ptrace
//!   rule (a tracer must be in an ancestor domain of its tracee,
//!   Documentation/userspace-api/landlock.rst "Ptrace restrictions") keeps
//!   the `ptrace_may_access` family (`process_vm_*`, `kcmp`,
//!   `pidfd_getfd`, `get_robust_list`, `move_pages`, `migrate_pages`) off
//!   them too. The child can still signal itself and its own children;
//! - whether the process is single-threaded: `unshare(CLONE_THREAD)` is a
//!   no-op that fails with `EINVAL` when other threads exist
//!   (kernel/fork.c `check_unshare_flags`);
//! - dropping every capability (capset(2)) so that a compartment running
//!   as root cannot raise the hard limits it was given (setrlimit(2):
//!   raising a hard limit needs `CAP_SYS_RESOURCE`);
//! - the memory limit: `RLIMIT_DATA` (since Linux 4.7 it counts private
//!   writable mappings as well as the heap, so it bounds what an allocator
//!   can take without counting the executable or reserved address space);
//! - children with a process descriptor, as pdfork(2) makes them: clone(2)
//!   with `CLONE_PIDFD` (Linux 5.2), signalled through the pidfd
//!   (pidfd_send_signal(2)) and reaped with waitid(2) `P_PIDFD` (Linux
//!   5.4), since capability mode refuses wait4(2).

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Once;
use std::time::Duration;

use super::super::unix::compartment::{Ended, Exit};
use super::kernel::Kernel;

/// `struct landlock_ruleset_attr` (include/uapi/linux/landlock.h).
#[repr(C)]
struct RulesetAttr {
    handled_access_fs: u64,
    handled_access_net: u64,
    scoped: u64,
}

const SCOPE_ABSTRACT_UNIX_SOCKET: u64 = 1;
const SCOPE_SIGNAL: u64 = 2;
/// `LANDLOCK_ACCESS_FS_*` of ABI 1 to 6 (ABI 5 added `IOCTL_DEV`, bit 15).
const ACCESS_FS_ALL: u64 = (1 << 16) - 1;
/// `LANDLOCK_ACCESS_NET_BIND_TCP | LANDLOCK_ACCESS_NET_CONNECT_TCP` (ABI 4).
const ACCESS_NET_TCP: u64 = 3;

/// The access and scopes of a Landlock ABI: each ABI adds flags, and an
/// older kernel refuses flags it does not know (landlock.rst "Backward
/// and forward compatibility").
fn for_abi(abi: i32, fs: u64, net: u64, scoped: u64) -> RulesetAttr {
    let fs_known = match abi {
        ..=0 => 0,
        1 => (1 << 13) - 1,
        2 => (1 << 14) - 1,
        3 | 4 => (1 << 15) - 1,
        _ => ACCESS_FS_ALL,
    };
    RulesetAttr {
        handled_access_fs: fs & fs_known,
        handled_access_net: if abi >= 4 { net } else { 0 },
        scoped: if abi >= 6 { scoped } else { 0 },
    }
}

/// landlock_create_ruleset(2) + landlock_restrict_self(2) with no rule:
/// a new domain inside the current one that handles `attr` and allows
/// none of it. Needs no_new_privs (set at entry, inherited). No
/// allocation: safe in a `pthread_atfork` child handler.
fn restrict(attr: &RulesetAttr) -> io::Result<()> {
    // SAFETY: `attr` is a live `struct landlock_ruleset_attr` of the size
    // passed; the call reads it only.
    let fd = unsafe {
        libc::syscall(
            libc::SYS_landlock_create_ruleset,
            attr as *const RulesetAttr,
            std::mem::size_of::<RulesetAttr>(),
            0u32,
        )
    };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: `fd` is the ruleset descriptor just created, ours to use
    // and close.
    let r = unsafe { libc::syscall(libc::SYS_landlock_restrict_self, fd as RawFd, 0u32) };
    let err = io::Error::last_os_error();
    // SAFETY: closes the ruleset descriptor created above.
    unsafe { libc::close(fd as RawFd) };
    if r != 0 {
        return Err(err);
    }
    Ok(())
}

/// Puts the calling process in a domain of its own that allows nothing
/// Landlock handles: no file opened by path, no TCP bind or connect, no
/// signal or abstract unix socket outside (ABI 6). For a compartment,
/// inside the sandbox it inherited or freshly entered.
pub(crate) fn isolate() -> io::Result<()> {
    let abi = Kernel::running().landlock_abi;
    if abi < 1 {
        return Ok(());
    }
    restrict(&for_abi(
        abi,
        ACCESS_FS_ALL,
        ACCESS_NET_TCP,
        SCOPE_SIGNAL | SCOPE_ABSTRACT_UNIX_SOCKET,
    ))
}

/// Set once this process may no longer make processes
/// ([`forbid_forks`]).
static NO_FORKS: AtomicBool = AtomicBool::new(false);

/// Whether this process may make processes (for the trace's judge): not
/// after [`forbid_forks`].
pub(crate) fn may_fork() -> bool {
    !NO_FORKS.load(Ordering::Relaxed)
}

/// Whether a compartment forked now makes no process ([`forbid_forks`]
/// acts in it): one that enters the sandbox afresh, from a program not
/// sandboxed yet (the sandbox refuses seccomp(2)), where it is enforced
/// (not `SANDBOXED_TRACE=dry-run`).
pub(crate) fn children_forkless() -> bool {
    !crate::is_sandboxed() && crate::trace::mode().enforces()
}

/// Asks entry for a program refusing fork(2), vfork(2) and clone(2) of
/// anything but a thread (`EPERM`, or a trace record under
/// `SANDBOXED_TRACE`): a compartment entering the sandbox afresh, so that
/// no process it made keeps its channel (a process left behind that
/// reaches nothing still outlives the compartment: README "Compartments",
/// "No processes of its own"). Entry installs it ([`forbid_forks_now`])
/// once it has forked the supervisor, before the filter (the sandbox
/// refuses seccomp(2)) and before the compartment's code runs; it sets
/// `PR_SET_NO_NEW_PRIVS`, as entry would. Nothing where
/// [`children_forkless`] is false.
pub(crate) fn forbid_forks() -> io::Result<()> {
    if children_forkless() {
        FORKS_PENDING.store(true, Ordering::SeqCst);
    }
    Ok(())
}

/// Set by [`forbid_forks`]: entry installs the program once its
/// supervisor is forked (`confine::apply`), before the filter, and
/// before any of the compartment's own code runs.
static FORKS_PENDING: AtomicBool = AtomicBool::new(false);

/// Installs the program [`forbid_forks`] asked for, if it did.
pub(crate) fn forbid_forks_now() -> io::Result<()> {
    use crate::trace::Mode;
    if !FORKS_PENDING.swap(false, Ordering::SeqCst) {
        return Ok(());
    }
    let trap = match crate::trace::mode() {
        Mode::Off => None,
        _ => Some(super::seccomp::consts::TRAP_MARK),
    };
    let program = super::seccomp::no_forks(&super::seccomp::returns(trap));
    // SAFETY: PR_SET_NO_NEW_PRIVS takes integer arguments only.
    if unsafe { libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) } != 0 {
        return Err(io::Error::last_os_error());
    }
    super::confine::install(&[program], false).map_err(|e| match e {
        super::confine::ConfineError::Seccomp(e) => e,
        other => io::Error::other(other.to_string()),
    })?;
    NO_FORKS.store(true, Ordering::Relaxed);
    Ok(())
}

/// The `pthread_atfork` child handler: a domain scoped for signals only,
/// so that the child of a sandboxed process cannot signal its parent or
/// siblings. Failing closed: a child that cannot be scoped exits at once.
extern "C" fn scope_child() {
    if restrict(&for_abi(6, 0, 0, SCOPE_SIGNAL)).is_err() {
        super::super::unix::write_stderr(
            "sandboxed: fork: the child could not be given its own Landlock domain (landlock_restrict_self); it exits\n",
        );
        // SAFETY: _exit(2) ends the child without running the parent's
        // atexit handlers.
        unsafe { libc::_exit(125) };
    }
}

/// Set once [`scope_child`] is registered: [`fork`], which runs no
/// `pthread_atfork` handler, then runs it itself.
static SCOPING: AtomicBool = AtomicBool::new(false);

/// After entry: every child forked from now on (fork(3) runs the
/// handlers, [`fork`] runs this one; the raw clone(2) system call made
/// elsewhere does not) gets its own signal scope. Without Landlock ABI 6
/// the filter refuses every signal instead (seccomp.rs), so there is
/// nothing to scope.
pub(crate) fn scope_children_after_entry() {
    static REGISTERED: Once = Once::new();
    if Kernel::running().landlock_abi < 6 {
        return;
    }
    REGISTERED.call_once(|| {
        // SAFETY: registers a handler that makes two system calls and
        // allocates nothing; there is no way to unregister it, which is
        // intended (the sandbox cannot be left).
        unsafe { libc::pthread_atfork(None, None, Some(scope_child)) };
        SCOPING.store(true, Ordering::SeqCst);
    });
}

/// Whether this is the only thread of the process: `unshare(CLONE_THREAD)`
/// succeeds only then, and changes nothing. `None` when the call is
/// refused (an older filter).
pub(crate) fn single_threaded() -> Option<bool> {
    // SAFETY: unshare with CLONE_THREAD alone unshares nothing.
    let r = unsafe { libc::unshare(libc::CLONE_THREAD) };
    match (r, io::Error::last_os_error().raw_os_error()) {
        (0, _) => Some(true),
        (_, Some(libc::EINVAL)) => Some(false),
        _ => None,
    }
}

/// `struct __user_cap_header_struct` (linux/capability.h).
#[repr(C)]
struct CapHeader {
    version: u32,
    pid: i32,
}

/// `struct __user_cap_data_struct`.
#[repr(C)]
#[derive(Clone, Copy)]
struct CapData {
    effective: u32,
    permitted: u32,
    inheritable: u32,
}

/// Drops every capability of the calling process (capset(2) with empty
/// sets, `_LINUX_CAPABILITY_VERSION_3`): none can come back without
/// execve(2), which the sandbox denies.
pub(crate) fn drop_privileges() -> io::Result<()> {
    let header = CapHeader {
        version: 0x2008_0522,
        pid: 0,
    };
    let data = [CapData {
        effective: 0,
        permitted: 0,
        inheritable: 0,
    }; 2];
    // SAFETY: a version-3 header and the two data structs it describes,
    // both live for the call.
    let r = unsafe { libc::syscall(libc::SYS_capset, &header, data.as_ptr()) };
    if r == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// Makes the calling child die with `parent`, the process that forked
/// it, as a pdfork(2) child dies when its process descriptor is closed
/// (google/capsicum-test procdesc.cc, `Pdfork.Bagpuss`): prctl(2)
/// `PR_SET_PDEATHSIG` with `SIGKILL`, which the filter lets no process
/// change after entry (`syscalls.rs`). The signal comes when the thread
/// that forked the child ends; compartments are forked by a process's
/// only thread. A parent already gone (the child then has another) is an
/// error: the child must not run.
pub(crate) fn die_with_parent(parent: libc::pid_t) -> io::Result<()> {
    // SAFETY: prctl(2) with integer arguments.
    if unsafe { libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL, 0, 0, 0) } != 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: getppid(2) cannot fail.
    if unsafe { libc::getppid() } != parent {
        return Err(io::Error::from_raw_os_error(libc::ESRCH));
    }
    Ok(())
}

/// Limits the memory the process may allocate to `bytes`
/// (`RLIMIT_DATA`, soft and hard).
pub(crate) fn limit_memory(bytes: u64) -> io::Result<()> {
    let lim = libc::rlimit {
        rlim_cur: bytes,
        rlim_max: bytes,
    };
    // SAFETY: `lim` is a live rlimit.
    if unsafe { libc::setrlimit(libc::RLIMIT_DATA, &lim) } == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// Closes the descriptors `lo..=hi`: close_range(2) (Linux ≥ 5.9).
pub(crate) fn close_range(lo: RawFd, hi: RawFd) -> io::Result<()> {
    // SAFETY: close_range only closes descriptors; the caller (a freshly
    // forked child) owns them.
    let r = unsafe { libc::syscall(libc::SYS_close_range, lo as u32, hi as u32, 0u32) };
    if r == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// A pipe in packet mode (pipe(2) `O_DIRECT`, Linux ≥ 3.4): each write of
/// at most `PIPE_BUF` bytes is read as one message. Read end first.
pub(crate) fn packet_pipe() -> io::Result<(std::os::fd::OwnedFd, std::os::fd::OwnedFd)> {
    let mut fds = [-1; 2];
    // SAFETY: `fds` is a valid array of two ints to fill.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_DIRECT | libc::O_CLOEXEC) } != 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: both descriptors were just created and are owned by nothing
    // else.
    Ok(unsafe {
        use std::os::fd::FromRawFd;
        (
            std::os::fd::OwnedFd::from_raw_fd(fds[0]),
            std::os::fd::OwnedFd::from_raw_fd(fds[1]),
        )
    })
}

/// A forked child: its pid and its process descriptor (a pidfd, as
/// pdfork(2) gives one on FreeBSD). `None` only where fork(3) had to be
/// used (not glibc): the child is then reaped by its pid, wait4(2),
/// which capability mode refuses.
pub(crate) type Forked = (libc::pid_t, Option<OwnedFd>);

/// fork(2) with a process descriptor, as pdfork(2): the clone(2) system
/// call with `CLONE_PIDFD | SIGCHLD` and what glibc's fork(3) passes and
/// redoes in the child besides (kernel and glibc sources: `arch_fork`,
/// `_Fork`): `CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID` at the thread's
/// id field (its address from prctl(2) `PR_GET_TID_ADDRESS`, which glibc
/// set at startup with set_tid_address(2)), and the robust futex list
/// registered again (the kernel clears it in the child). After entry the
/// child also gets its Landlock signal domain, as the `pthread_atfork`
/// handler gives children of fork(3); like pdfork(2), no other
/// `pthread_atfork` handler runs. In the child: `(0, None)`.
///
/// # Safety
///
/// The caller is single-threaded, or the child only calls
/// async-signal-safe functions.
pub(crate) unsafe fn fork() -> io::Result<Forked> {
    if !cfg!(target_env = "gnu") {
        // Another libc keeps the thread id elsewhere (musl: its
        // `raise` signals the id it keeps): its own fork.
        // SAFETY: the caller's contract.
        let pid = unsafe { libc::fork() };
        return if pid < 0 {
            Err(io::Error::last_os_error())
        } else {
            Ok((pid, None))
        };
    }
    let mut tid_field: *mut libc::pid_t = std::ptr::null_mut();
    // SAFETY: PR_GET_TID_ADDRESS stores one pointer through its argument,
    // a live local of pointer size.
    let known = unsafe {
        libc::prctl(
            libc::PR_GET_TID_ADDRESS,
            &mut tid_field as *mut *mut libc::pid_t,
        )
    } == 0
        && !tid_field.is_null();
    let mut robust_head: *mut libc::c_void = std::ptr::null_mut();
    let mut robust_len: libc::size_t = 0;
    // SAFETY: get_robust_list(2) of the calling thread (0) stores a
    // pointer and a length through two live locals.
    unsafe {
        libc::syscall(
            libc::SYS_get_robust_list,
            0,
            &mut robust_head as *mut *mut libc::c_void,
            &mut robust_len as *mut libc::size_t,
        )
    };
    let mut flags = (libc::CLONE_PIDFD | libc::SIGCHLD) as libc::c_ulong;
    if known {
        flags |= (libc::CLONE_CHILD_SETTID | libc::CLONE_CHILD_CLEARTID) as libc::c_ulong;
    }
    let mut pidfd: libc::c_int = -1;
    // SAFETY: clone(2) without CLONE_VM (x86_64 order: flags, stack,
    // parent_tid, child_tid, tls): the child gets a copy of this address
    // space and returns here on a copy of this stack, as from fork(2).
    // `pidfd` is a live int the kernel fills in the parent; `tid_field`
    // is this thread's id field in glibc's thread descriptor, which the
    // kernel sets in the child's copy. The caller's contract covers the
    // locks of other threads.
    let pid = unsafe {
        libc::syscall(
            libc::SYS_clone,
            flags,
            0usize,
            &mut pidfd as *mut libc::c_int,
            if known {
                tid_field
            } else {
                std::ptr::null_mut()
            },
            0usize,
        )
    };
    if pid < 0 {
        return Err(io::Error::last_os_error());
    }
    if pid == 0 {
        if !robust_head.is_null() {
            // SAFETY: registers again, for this child's only thread, the
            // list head the parent's thread had (in the copied memory).
            unsafe { libc::syscall(libc::SYS_set_robust_list, robust_head, robust_len) };
        }
        if SCOPING.load(Ordering::SeqCst) {
            scope_child();
        }
        return Ok((0, None));
    }
    // SAFETY: CLONE_PIDFD stored a new descriptor owned by nothing else.
    Ok((
        pid as libc::pid_t,
        Some(unsafe { OwnedFd::from_raw_fd(pidfd) }),
    ))
}

/// SIGKILL to a child this process forked and has not reaped: through
/// its pidfd (pidfd_send_signal(2)), else by its pid.
pub(crate) fn kill(child: &Forked) {
    match &child.1 {
        // SAFETY: pidfd_send_signal(2) of a pidfd we own, no siginfo.
        Some(pidfd) => unsafe {
            libc::syscall(
                libc::SYS_pidfd_send_signal,
                pidfd.as_raw_fd(),
                libc::SIGKILL,
                std::ptr::null::<libc::siginfo_t>(),
                0u32,
            );
        },
        // SAFETY: kill(2) of our own unreaped child.
        None => unsafe {
            libc::kill(child.0, libc::SIGKILL);
        },
    }
}

/// Reaps `child` once it has ended (with `nohang`, `None` while it runs):
/// waitid(2) `P_PIDFD | WEXITED` on its process descriptor, the system
/// call's fifth argument giving its `struct rusage` as wait4(2) does;
/// retried on `EINTR`.
pub(crate) fn wait(child: &Forked, nohang: bool) -> io::Result<Option<Ended>> {
    let Some(pidfd) = &child.1 else {
        return super::super::unix::compartment::wait4(
            child.0,
            if nohang { libc::WNOHANG } else { 0 },
        );
    };
    let options = libc::WEXITED | if nohang { libc::WNOHANG } else { 0 };
    loop {
        // SAFETY: `siginfo_t` and `rusage` are plain old data; all zeroes
        // is a valid value (and si_pid 0 is how WNOHANG says "running").
        let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
        // SAFETY: as above.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        // SAFETY: waitid(2) on a pidfd we own, with live out-pointers of
        // the kernel's `siginfo_t` and `struct rusage`.
        let r = unsafe {
            libc::syscall(
                libc::SYS_waitid,
                libc::P_PIDFD,
                pidfd.as_raw_fd(),
                &mut info as *mut libc::siginfo_t,
                options,
                &mut usage as *mut libc::rusage,
            )
        };
        if r < 0 {
            let e = io::Error::last_os_error();
            if e.kind() == io::ErrorKind::Interrupted {
                continue;
            }
            return Err(e);
        }
        // SAFETY: the kernel filled a SIGCHLD siginfo (or left it zeroed).
        let (pid, status) = unsafe { (info.si_pid(), info.si_status()) };
        if pid == 0 {
            return Ok(None);
        }
        let time = |t: libc::timeval| {
            Duration::from_secs(t.tv_sec.max(0) as u64)
                + Duration::from_micros(t.tv_usec.max(0) as u64)
        };
        return Ok(Some(Ended {
            exit: match info.si_code {
                libc::CLD_EXITED => Exit::Code(status),
                _ => Exit::Signal(status),
            },
            cpu: time(usage.ru_utime) + time(usage.ru_stime),
        }));
    }
}
