//! The supervisor: a process outside the filter that reads what the filter
//! cannot, and walks what Landlock does not mediate. seccomp(2) compares a
//! call's arguments as numbers and follows no pointer; Landlock does not
//! mediate chmod, chown or utimes (landlock(7)). The filter sends these
//! calls to this process instead (`SECCOMP_RET_USER_NOTIF`,
//! seccomp_unotify(2); `judge::Supervised`), which reads the path from the
//! caller's memory (process_vm_readv(2)) and answers:
//!
//! - the lookups Landlock does not mediate (fstatat(2), statx(2),
//!   faccessat(2), faccessat2, readlinkat(2); `supervise/lookup.rs`), once
//!   the filter has found the rights Capsicum asks (`lookup`, and `fstat`
//!   for stat and access): the path walked beneath a copy of the caller's
//!   directory (pidfd_getfd(2)) as Capsicum walks (openat2(2)
//!   `RESOLVE_BENEATH`: no absolute path, `..` never above the directory,
//!   symbolic links only within it; `EACCES` where Capsicum answers
//!   `ENOTCAPABLE`), from a preopened directory or a directory beneath one
//!   (its `..` walked up to one: an `O_PATH` open, which Landlock does
//!   not look at, reaches anywhere), then the call made on what the walk
//!   resolved and its answer written back (process_vm_writev(2)); a
//!   descriptor's metadata (fstat(2), fstatfs(2), `""` with
//!   `AT_EMPTY_PATH`, glibc's and std's fstat) where Capsicum would let
//!   the program hold the descriptor;
//! - the path forms of chmod, chown and utimes (fchmodat(2), fchmodat2,
//!   fchownat(2), futimesat(2), utimensat(2) with a path), once the filter
//!   has found `fchmodat`, `fchownat` or `futimesat` (the change's right
//!   and `lookup`): walked the same way, then the change made on what the
//!   walk resolved;
//! - the raw calls that open, create, remove, rename, link or execute
//!   beneath a directory (openat(2), mkdirat(2), mknodat(2),
//!   symlinkat(2), unlinkat(2), renameat(2), renameat2, linkat(2),
//!   execveat(2); `supervise/walked.rs`): each path walked the same way,
//!   then the call made by the caller (`SECCOMP_USER_NOTIF_FLAG_CONTINUE`),
//!   under Landlock; but an openat(2) through a directory whose rights set
//!   has a pool (`inherited.rs`), which the supervisor makes itself on
//!   what it walked and installs at a number of that pool
//!   (`SECCOMP_IOCTL_NOTIF_ADDFD`; `supervise/opened.rs`), so that the new
//!   descriptor holds the directory's rights;
//! - a copy (dup(2), fcntl(2) `F_DUPFD`, `F_DUPFD_CLOEXEC`) of a
//!   descriptor whose limits have a pool: made at a number of that pool
//!   (`supervise/copied.rs`), as Capsicum copies the rights along;
//! - a poll or select (poll(2), ppoll(2), select(2), pselect6), where a
//!   class of limited descriptors lacks `event`: each descriptor checked
//!   as Capsicum polls (`supervise/polled.rs`);
//! - a send of a message (sendmsg(2), sendmmsg(2)), whose address and
//!   `SCM_RIGHTS` descriptors lie behind a pointer: the message read once
//!   and sent by the supervisor on its copy of the socket, an address and
//!   a limited descriptor refused (`supervise/sent.rs`); a send that waits
//!   is made by a child of the supervisor, which answers it;
//! - a change of credentials (the set*id family, setgroups(2), capset(2)):
//!   noted, and made by the caller (`SECCOMP_USER_NOTIF_FLAG_CONTINUE`, its
//!   arguments all in registers); from then on the supervisor makes that
//!   process's lookups and changes with the caller's credentials (read
//!   from /proc/TID/status; `supervise/credentials.rs`), so a program that
//!   drops privileges after entry gets the kernel's answer for its own;
//! - a change of the file mode creation mask (umask(2)): noted, and made
//!   by the caller; from then on the supervisor reads a caller's mask
//!   before it creates a file for it (until then its own, the program's
//!   at entry, is every caller's);
//! - a signal to a process or thread id (kill(2), tkill(2), tgkill(2),
//!   rt_sigqueueinfo(2), rt_tgsigqueueinfo(2)), which capability mode
//!   allows only to the caller's own process (sys_kill in
//!   sys/kern/kern_sig.c): made by the caller
//!   (`SECCOMP_USER_NOTIF_FLAG_CONTINUE`, its target in a register) when
//!   its target is the caller's thread group (told by a pidfd of the
//!   calling thread, `PIDFD_GET_INFO`: Linux 6.13), `EPERM` otherwise.
//!   The filter cannot tell: it compares arguments with numbers fixed when
//!   it was built, and every child forked after entry runs under it.
//!
//! The supervisor makes the lookups, changes and opens it can itself, on
//! its own copy of the path: `SECCOMP_USER_NOTIF_FLAG_CONTINUE` re-reads a
//! path another thread may have changed meanwhile (seccomp_unotify(2),
//! "Design goals; use of SECCOMP_USER_NOTIF_FLAG_CONTINUE"). What it
//! cannot make for the caller (an entry made in the caller's Landlock
//! domain, an image, a change of the caller's credentials, an `O_PATH`
//! descriptor, which `SECCOMP_IOCTL_NOTIF_ADDFD` cannot install) it walks
//! and continues: a racing thread then reaches what Landlock allows by
//! place, as without the walk.
//!
//! It is forked at entry before Landlock
//! and the filter, under neither: Landlock refuses a sandboxed tracer
//! only, so it reaches the program and the children it forks, and the
//! program cannot signal it (Landlock's signal scope, ABI 6; without it
//! the filter refuses every signal). It takes the
//! listener out of the program with pidfd_getfd(2), keeps no other
//! descriptor, and ends when no process is left under the filter (the
//! listener's `SECCOMP_IOCTL_NOTIF_RECV` fails). If it dies, the calls it
//! would answer fail with `ENOSYS` (fail closed). Its refusals are
//! `EACCES`/`EPERM` as the filter's ([`sandboxed::is_violation`] knows
//! them), but `SANDBOXED_TRACE` does not report them: they do not pass
//! through the `SIGSYS` handler.
//!
//! # Limits
//!
//! process_vm_readv(2) and process_vm_writev(2) take a thread's number,
//! not a pidfd. The supervisor checks the caller is still waiting
//! (`SECCOMP_IOCTL_NOTIF_ID_VALID`) before each, but between that check
//! and the call a caller killed meanwhile could have its number reused
//! by another process, which would then be written a `struct stat`. The
//! kernel allocates numbers cyclically, so the whole number space
//! (`/proc/sys/kernel/pid_max`) would have to be used up inside that
//! window of microseconds. seccomp_unotify(2) suggests writing through
//! `/proc/TID/mem` opened before the check; that write ignores page
//! protections (a `struct stat` could then be written over the caller's
//! read-only code), which is worse, so it is not done.
//!
//! A signal is let through once its target is known to be the caller's
//! own process; the caller then makes the call, the target read again
//! from its register (the same number). A tkill(2) target is a thread of
//! the caller when it is judged: should that thread end and its number be
//! reused before the call is made, the signal would go to the new thread,
//! which Landlock's signal scope still confines to the caller's domain
//! and those nested in it (the same window as above). Every call sent here
//! waits for its answer: before the supervisor has received it, a signal
//! whose handler lacks `SA_RESTART` makes it fail with `EINTR`
//! (seccomp_unotify(2), "Interaction with SA_RESTART signal handlers"), a
//! kill(2) or raise(3) included; once received, only a fatal signal ends
//! the wait (`SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV`), so what the
//! supervisor made is answered, never reported as interrupted.
//!
//! [`sandboxed::is_violation`]: crate::is_violation

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};

use crate::rights::{Limits, Right};

mod changed;
mod copied;
mod credentials;
mod lookup;
mod opened;
mod polled;
mod protected;
mod sent;
mod walked;

use super::fds::Pool;
use super::inherited::Inherit;
use super::judge::{self, Context, Supervised, Target, Verdict};
use super::rules::{Outside, Req};
use super::seccomp::{FdClass, MODE_ERRNO, RIGHTS_ERRNO};
use super::syscalls::TABLE;

/// `PIDFD_THREAD` (include/uapi/linux/pidfd.h, Linux 6.9): a pidfd of a
/// thread, which the notifications name.
const PIDFD_THREAD: libc::c_uint = libc::O_EXCL as libc::c_uint;

/// `SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP` (include/uapi/linux/seccomp.h,
/// Linux 6.6): the caller and the supervisor hand over on one CPU.
const SYNC_WAKE_UP: u64 = 1;

/// The longest path read (`PATH_MAX`, with its NUL).
const PATH_MAX: usize = libc::PATH_MAX as usize;

/// Whether the running kernel has what the supervisor needs, and lets
/// this process use it: the user-notification action (Linux 5.0), pidfds
/// of threads (6.9), pidfd_getfd(2) (5.6) and process_vm_readv(2).
pub(crate) fn available() -> bool {
    if !super::kernel::action_available(libc::SECCOMP_RET_USER_NOTIF) {
        return false;
    }
    // SAFETY: pidfd_open(2) of the calling thread; the descriptor is
    // closed at once.
    let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, libc::gettid(), PIDFD_THREAD) };
    if fd < 0 {
        return false;
    }
    // SAFETY: `fd` was just opened and is owned here.
    let pidfd = unsafe { OwnedFd::from_raw_fd(fd as RawFd) };
    // What the supervisor does to the program, tried on ourselves: a
    // seccomp profile of a container (or an LSM) may refuse pidfd_getfd(2)
    // and process_vm_readv(2) without CAP_SYS_PTRACE, and the program
    // would then fail at entry with EPERM instead of naming the gap.
    // SAFETY: pidfd_getfd(2) of our own pidfd; the copy is closed at once.
    let copy = unsafe {
        libc::syscall(
            libc::SYS_pidfd_getfd,
            pidfd.as_raw_fd(),
            pidfd.as_raw_fd(),
            0,
        )
    };
    if copy < 0 {
        return false;
    }
    // SAFETY: `copy` was just made and is owned here.
    drop(unsafe { OwnedFd::from_raw_fd(copy as RawFd) });
    let src = [1u8];
    let mut dst = [0u8];
    let local = libc::iovec {
        iov_base: dst.as_mut_ptr().cast(),
        iov_len: 1,
    };
    let remote = libc::iovec {
        iov_base: src.as_ptr().cast_mut().cast(),
        iov_len: 1,
    };
    // SAFETY: reads one byte of our own live `src` into our own `dst`.
    let read = unsafe { libc::process_vm_readv(libc::getpid(), &local, 1, &remote, 1, 0) };
    read == 1 && dst[0] == 1
}

/// The program's side of a supervisor forked and waiting for the
/// listener.
pub(crate) struct Supervisor {
    sock: OwnedFd,
}

/// What the supervisor judges with: a copy of the context the filter was
/// compiled from.
pub(crate) struct Judged {
    /// The program's process id.
    pub program: libc::pid_t,
    pub signal_scope: bool,
    pub lookups: bool,
    pub classes: Vec<FdClass>,
}

/// Forks the supervisor. Call before Landlock and the filter, with one
/// thread.
///
/// # Errors
///
/// socketpair(2) or fork(2) failing.
pub(crate) fn start(judged: Judged) -> io::Result<Supervisor> {
    let mut pair = [0; 2];
    // SAFETY: socketpair(2) writes two descriptors into `pair`.
    if unsafe {
        libc::socketpair(
            libc::AF_UNIX,
            libc::SOCK_SEQPACKET | libc::SOCK_CLOEXEC,
            0,
            pair.as_mut_ptr(),
        )
    } != 0
    {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: both were just made and are owned here.
    let (ours, theirs) = unsafe { (OwnedFd::from_raw_fd(pair[0]), OwnedFd::from_raw_fd(pair[1])) };
    // A child of the program, which cannot wait for it: the filter
    // refuses wait4(2) and waitid(2) but through a pidfd, as capability
    // mode does.
    // SAFETY: fork(2) of a single-threaded process; the child only makes
    // system calls and leaves with _exit(2).
    let child = unsafe { libc::fork() };
    match child {
        -1 => return Err(io::Error::last_os_error()),
        0 => {
            // It shares the program's process group: a signal sent to the
            // group (a terminal's ^C or hangup, `kill -TERM -PGID`, a
            // shell's `kill %1`) would end it, and every later fstat of
            // a program that outlives the signal would answer ENOSYS. It
            // takes none (SIGKILL and SIGSTOP aside, sigprocmask(2)), and
            // so runs none of the handlers the program installed before
            // entry; it ends with the last process under the filter.
            block_signals();
            drop(ours);
            let code = serve(theirs, &judged).map_or(1, |()| 0);
            // SAFETY: ends the supervisor without the program's exit
            // handlers.
            unsafe { libc::_exit(code) }
        }
        _ => {}
    }
    drop(theirs);
    // Yama's ptrace scope 1 lets only ancestors, and the process named
    // here, reach the program (Documentation/admin-guide/LSM/Yama.rst);
    // without Yama this answers EINVAL, and nothing is needed. Before the
    // filter, which refuses it.
    // SAFETY: prctl(2) with integer arguments.
    unsafe { libc::prctl(libc::PR_SET_PTRACER, child as libc::c_ulong) };
    Ok(Supervisor { sock: ours })
}

impl Supervisor {
    /// Hands `listener` (the filter's, seccomp(2)
    /// `SECCOMP_FILTER_FLAG_NEW_LISTENER`) over: the supervisor takes a
    /// copy with pidfd_getfd(2) and says so; then this copy is closed.
    pub(crate) fn hand(self, listener: OwnedFd) -> io::Result<()> {
        let n = listener.as_raw_fd().to_ne_bytes();
        // SAFETY: writes 4 bytes from a live buffer to our socket.
        if unsafe { libc::write(self.sock.as_raw_fd(), n.as_ptr().cast(), n.len()) } != 4 {
            return Err(io::Error::last_os_error());
        }
        let mut ack = [0u8; 1];
        // SAFETY: reads at most 1 byte into a live buffer.
        let r = unsafe { libc::read(self.sock.as_raw_fd(), ack.as_mut_ptr().cast(), 1) };
        if r != 1 || ack[0] != b'k' {
            return Err(io::Error::other(
                "the supervisor could not take the listener (pidfd_getfd)",
            ));
        }
        Ok(())
    }
}

/// Blocks every signal that can be blocked in the calling thread.
fn block_signals() {
    // SAFETY: sigset_t is plain data; sigfillset(3) fills it.
    let mut all: libc::sigset_t = unsafe { std::mem::zeroed() };
    // SAFETY: sigfillset(3) and sigprocmask(2) with live sets; the kernel
    // leaves SIGKILL and SIGSTOP out.
    unsafe {
        libc::sigfillset(&mut all);
        libc::sigprocmask(libc::SIG_BLOCK, &all, std::ptr::null_mut());
    }
}

/// The raw result of a system call: its value, or `-errno`.
fn raw(r: libc::c_long) -> i64 {
    if r < 0 {
        -i64::from(
            io::Error::last_os_error()
                .raw_os_error()
                .unwrap_or(libc::EIO),
        )
    } else {
        r
    }
}

/// The supervisor's life: takes the listener, then answers until no
/// process is left under the filter.
fn serve(sock: OwnedFd, judged: &Judged) -> io::Result<()> {
    let mut n = [0u8; 4];
    // SAFETY: reads at most 4 bytes into a live buffer.
    if unsafe { libc::read(sock.as_raw_fd(), n.as_mut_ptr().cast(), 4) } != 4 {
        return Err(io::Error::last_os_error());
    }
    let fd = i32::from_ne_bytes(n);
    // SAFETY: pidfd_open(2) of the parent, then pidfd_getfd(2) of its
    // descriptor `fd`; both results are checked and owned below.
    let listener = unsafe {
        let parent = libc::syscall(libc::SYS_pidfd_open, judged.program, 0);
        if parent < 0 {
            return Err(io::Error::last_os_error());
        }
        let parent = OwnedFd::from_raw_fd(parent as RawFd);
        let l = libc::syscall(libc::SYS_pidfd_getfd, parent.as_raw_fd(), fd, 0);
        if l < 0 {
            return Err(io::Error::last_os_error());
        }
        OwnedFd::from_raw_fd(l as RawFd)
    };
    // SAFETY: writes 1 byte from a live buffer.
    unsafe { libc::write(sock.as_raw_fd(), b"k".as_ptr().cast(), 1) };
    drop(sock);
    let anchors = Anchors::of(&judged.classes);
    // /proc before the supervisor's own program, which allows no open(2).
    let proc = credentials::proc_dir();
    // The program's file mappings when it entered: the supervisor's own,
    // a fork of the program's address space made during entry
    // (`protected.rs`), read once the program goes on.
    let at_entry = protected::AtEntry::read(
        proc.as_ref().map(AsRawFd::as_raw_fd),
        anchors.mappable.clone(),
    );
    let l = listener.as_raw_fd();
    // Nothing of the program's is kept open here but copies of its
    // preopened directories and `O_PATH` files (and /proc, the
    // supervisor's own): a pipe's write end kept
    // would hold its reader's end of file back (an `O_PATH` descriptor
    // neither reads nor writes, open(2)).
    let mut keep: Vec<RawFd> = anchors
        .dirs
        .iter()
        .chain(&anchors.files)
        .chain(&anchors.pinned)
        .map(AsRawFd::as_raw_fd)
        .collect();
    keep.push(l);
    keep.extend(proc.as_ref().map(AsRawFd::as_raw_fd));
    close_all_but(&keep);
    // SAFETY: ioctl(2) on the listener. Best effort: older kernels hand
    // over through the scheduler.
    unsafe { libc::ioctl(l, libc::SECCOMP_IOCTL_NOTIF_SET_FLAGS, SYNC_WAKE_UP) };
    // SAFETY: gettid(2).
    let own = proc
        .as_ref()
        .and_then(|p| credentials::of(p.as_raw_fd(), unsafe { libc::gettid() }).ok());
    let nofile = {
        let mut lim = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: getrlimit(2) into a live struct.
        if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) } == 0 {
            lim.rlim_cur
        } else {
            u64::MAX
        }
    };
    // The children that make a send which waits (`sent.rs`) are reaped
    // by the kernel (SIGCHLD ignored: wait(2), "NOTES"; the disposition
    // counts, not the mask), before the filter, which refuses
    // rt_sigaction(2).
    // SAFETY: signal(2) with SIG_IGN; no handler runs.
    unsafe { libc::signal(libc::SIGCHLD, libc::SIG_IGN) };
    // What a bug here could do is bounded too: from now on only the calls
    // below (seccomp(2); `PR_SET_NO_NEW_PRIVS` was set before the fork).
    confine_self().map_err(io::Error::from_raw_os_error)?;
    let ctx = Context {
        signal_scope: judged.signal_scope,
        lookups: judged.lookups,
        grants: Default::default(),
        forks: true,
        notify: true,
        // Signals and affinities by id are answered without the table
        // (`own_process`).
        own_signals: false,
        classes: &judged.classes,
    };
    let mut state = State {
        anchors,
        credentials_changed: false,
        umask_changed: false,
        proc,
        own,
        inherits: super::inherited::all(),
        hints: Vec::new(),
        nofile,
        at_entry,
        installed: std::collections::HashMap::new(),
        reserved: Vec::new(),
    };
    loop {
        // SAFETY: all-zero is a valid seccomp_notif and _resp (plain
        // data); RECV fills the first, SEND reads the second.
        let mut req: libc::seccomp_notif = unsafe { std::mem::zeroed() };
        // SAFETY: RECV writes one seccomp_notif into `req`.
        if unsafe { libc::ioctl(l, libc::SECCOMP_IOCTL_NOTIF_RECV, &mut req) } != 0 {
            match io::Error::last_os_error().raw_os_error() {
                // A signal, or a caller gone before we read it.
                Some(libc::EINTR) | Some(libc::ENOENT) if alive(l) => continue,
                // No process left under the filter.
                _ => return Ok(()),
            }
        }
        let answer = answer(l, &req, &ctx, &mut state);
        respond(l, &req, answer);
    }
}

/// Answers the call in `req` with `answer` (nothing for
/// [`Reply::Sent`], answered already); from the supervisor or a child of
/// it ([`waiter`]): any holder of the listener may (seccomp_unotify(2)).
fn respond(l: RawFd, req: &libc::seccomp_notif, answer: Result<Reply, i32>) {
    // SAFETY: all-zero is a valid seccomp_notif_resp (plain data).
    let mut resp: libc::seccomp_notif_resp = unsafe { std::mem::zeroed() };
    resp.id = req.id;
    match answer {
        Ok(Reply::Sent) => return,
        Ok(Reply::Value(v)) => resp.val = v,
        Ok(Reply::Continue) => resp.flags = libc::SECCOMP_USER_NOTIF_FLAG_CONTINUE as u32,
        Err(e) => resp.error = -e,
    }
    // SAFETY: SEND reads one seccomp_notif_resp. ENOENT: the caller is
    // gone (killed meanwhile); nothing to do.
    unsafe { libc::ioctl(l, libc::SECCOMP_IOCTL_NOTIF_SEND, &resp) };
}

/// Forks a child of the supervisor for a call that waits (the supervisor
/// itself never waits: `sent.rs`, a send waiting for room; `opened.rs`, an
/// open waiting for a lease): clone(2) as fork(2) of the single-threaded
/// supervisor, with `CLONE_PIDFD`. `Some(pidfd)` of the child in the
/// parent, `None` in the child, which answers the call ([`respond`]) and
/// leaves with [`waiter_done`]; `SIGCHLD` is ignored, so no child is left
/// a zombie. `EAGAIN` when no child can be made.
fn waiter() -> Result<Option<OwnedFd>, i32> {
    let mut pidfd: libc::c_int = -1;
    // SAFETY: clone(2) as fork(2) (no new stack: the child runs on a copy
    // of ours), with `CLONE_PIDFD` writing the child's pidfd into `pidfd`
    // (the third argument on x86_64 and aarch64 alike, `parent_tid`); the
    // child makes system calls, touches only its own copy of memory and
    // leaves with _exit(2).
    let child = unsafe {
        libc::syscall(
            libc::SYS_clone,
            (libc::CLONE_PIDFD | libc::SIGCHLD) as libc::c_ulong,
            0,
            &mut pidfd as *mut libc::c_int,
            0,
            0,
        )
    };
    match child {
        c if c < 0 => Err(libc::EAGAIN),
        // SAFETY: the pidfd clone(2) made for us, owned by nothing else.
        c if c > 0 => Ok(Some(unsafe { OwnedFd::from_raw_fd(pidfd) })),
        _ => Ok(None),
    }
}

/// A [`waiter`] child answers the call in `req` and ends.
fn waiter_done(l: RawFd, req: &libc::seccomp_notif, answer: Result<Reply, i32>) -> ! {
    respond(l, req, answer);
    // SAFETY: _exit(2) of the child.
    unsafe { libc::_exit(0) }
}

/// The system calls the supervisor makes once it holds the listener:
/// answering (ioctl(2) on the listener, `SECCOMP_IOCTL_NOTIF_ADDFD`
/// included, and `PIDFD_GET_INFO` on a pidfd, umask(2) for the opens it
/// makes,
/// pidfd_open(2), pidfd_getfd(2), kcmp(2),
/// process_vm_readv(2)/process_vm_writev(2), fstatat(2), statx(2), the
/// walk's openat2(2), fcntl(2) `F_GETFL`, the changes fchmodat2,
/// fchmodat(2), fchownat(2), utimensat(2), fchmod(2), fchown(2),
/// fsetxattr(2) and fremovexattr(2), a caller's credentials read
/// (openat(2) beneath /proc, read(2)) and taken on (capget(2),
/// capset(2), setgroups(2), getgroups(2), setfsuid(2), setfsgid(2)),
/// close(2), poll(2)), a send made for a caller (`supervise/sent.rs`:
/// getsockopt(2), sendmsg(2), pidfd_send_signal(2) for its `SIGPIPE`,
/// clone(2) for a child that waits, which answers and exits),
/// memory, and leaving (an abort included).
const OWN_CALLS: &[libc::c_long] = &[
    libc::SYS_ioctl,
    libc::SYS_pidfd_open,
    libc::SYS_pidfd_getfd,
    libc::SYS_kcmp,
    libc::SYS_process_vm_readv,
    libc::SYS_process_vm_writev,
    libc::SYS_newfstatat,
    libc::SYS_statx,
    libc::SYS_openat2,
    libc::SYS_openat,
    libc::SYS_readlinkat,
    libc::SYS_faccessat2,
    libc::SYS_fstatfs,
    libc::SYS_read,
    libc::SYS_capget,
    libc::SYS_capset,
    libc::SYS_setgroups,
    libc::SYS_getgroups,
    libc::SYS_setfsuid,
    libc::SYS_setfsgid,
    libc::SYS_fcntl,
    libc::SYS_fchmod,
    libc::SYS_fchown,
    libc::SYS_fsetxattr,
    libc::SYS_fremovexattr,
    libc::SYS_fgetxattr,
    libc::SYS_flistxattr,
    libc::SYS_fchmodat,
    libc::SYS_fchmodat2,
    libc::SYS_fchownat,
    libc::SYS_utimensat,
    libc::SYS_umask,
    libc::SYS_fstat,
    libc::SYS_close,
    libc::SYS_ppoll,
    #[cfg(target_arch = "x86_64")]
    libc::SYS_poll,
    libc::SYS_getsockopt,
    libc::SYS_sendmsg,
    libc::SYS_pidfd_send_signal,
    libc::SYS_clone,
    libc::SYS_clock_gettime,
    libc::SYS_brk,
    libc::SYS_mmap,
    libc::SYS_munmap,
    libc::SYS_mremap,
    libc::SYS_madvise,
    libc::SYS_futex,
    libc::SYS_rt_sigprocmask,
    libc::SYS_rt_sigreturn,
    libc::SYS_sigaltstack,
    libc::SYS_getpid,
    libc::SYS_gettid,
    libc::SYS_tgkill,
    libc::SYS_exit,
    libc::SYS_exit_group,
];

/// `AUDIT_ARCH_*` of this build (include/uapi/linux/audit.h).
#[cfg(target_arch = "x86_64")]
const ARCH: u32 = 62 | 0x8000_0000 | 0x4000_0000;
#[cfg(target_arch = "aarch64")]
const ARCH: u32 = 183 | 0x8000_0000 | 0x4000_0000;

/// Confines the supervisor to [`OWN_CALLS`]: any other call answers
/// `EPERM`, a foreign architecture's kills it. Its own program, apart from
/// the program's (whose filter it is not under).
fn confine_self() -> Result<(), i32> {
    use libc::sock_filter;
    const LD_W_ABS: u16 = 0x20;
    const JEQ_K: u16 = 0x15;
    const RET_K: u16 = 0x06;
    let insn = |code, jt, jf, k| sock_filter { code, jt, jf, k };
    let n = OWN_CALLS.len() as u8;
    let mut p = vec![
        // seccomp_data: nr at 0, arch at 4.
        insn(LD_W_ABS, 0, 0, 4),
        insn(JEQ_K, 1, 0, ARCH),
        insn(RET_K, 0, 0, libc::SECCOMP_RET_KILL_PROCESS),
        insn(LD_W_ABS, 0, 0, 0),
    ];
    for (i, &nr) in OWN_CALLS.iter().enumerate() {
        // Matched: jump over the rest of the list and the denial.
        let over = n - i as u8;
        p.push(insn(JEQ_K, over, 0, nr as u32));
    }
    p.push(insn(
        RET_K,
        0,
        0,
        libc::SECCOMP_RET_ERRNO | libc::EPERM as u32,
    ));
    p.push(insn(RET_K, 0, 0, libc::SECCOMP_RET_ALLOW));
    let prog = libc::sock_fprog {
        len: p.len() as u16,
        filter: p.as_mut_ptr(),
    };
    // SAFETY: the kernel copies the program in; `prog` outlives the call.
    let r = unsafe {
        libc::syscall(
            libc::SYS_seccomp,
            libc::SECCOMP_SET_MODE_FILTER,
            0,
            &prog as *const libc::sock_fprog,
        )
    };
    if r != 0 {
        return Err(io::Error::last_os_error()
            .raw_os_error()
            .unwrap_or(libc::EINVAL));
    }
    Ok(())
}

/// Whether processes are still under the filter of listener `l` (it
/// reports `POLLHUP` once none is).
fn alive(l: RawFd) -> bool {
    let mut p = libc::pollfd {
        fd: l,
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: poll(2) of one live pollfd, without waiting.
    unsafe { libc::poll(&mut p, 1, 0) };
    p.revents & libc::POLLHUP == 0
}

/// The answer to one notification: the call's value, or an errno.
fn answer(
    l: RawFd,
    req: &libc::seccomp_notif,
    ctx: &Context,
    state: &mut State,
) -> Result<Reply, i32> {
    checked_rights(req, ctx, state)?;
    match judge::supervised(req.data.nr as u32) {
        Some(Supervised::Lookup) => lookup::metadata(l, req, ctx, state).map(Reply::Value),
        Some(Supervised::Walked) => walked::walked(l, req, ctx, state),
        Some(Supervised::Attributes { flags }) => {
            attributes(l, req, ctx, state, flags).map(Reply::Value)
        }
        Some(Supervised::OwnProcess { target }) => own_process(l, req, target),
        Some(Supervised::Polled) => polled::polled(l, req, ctx),
        Some(Supervised::Copied) => copied::copy(l, req, state),
        Some(Supervised::Protection) => protected::protect(req, state),
        Some(Supervised::Changed) => changed::changed(l, req, ctx, state).map(Reply::Value),
        Some(Supervised::Sent) => sent::sent(l, req, ctx, state),
        Some(Supervised::Umask) => {
            // Made by the caller itself (its argument in a register). From
            // now on a caller's mask may differ from the supervisor's.
            state.umask_changed = true;
            Ok(Reply::Continue)
        }
        Some(Supervised::Credentials) => {
            // Made by the caller itself, its arguments in registers
            // (nothing is read again from memory). From now on a caller's
            // credentials may differ from the supervisor's.
            state.credentials_changed = true;
            Ok(Reply::Continue)
        }
        None => Err(libc::ENOSYS),
    }
}

/// `EACCES` unless each descriptor argument of `req` that a need of the
/// call asks a right of, where the filter let it through for the
/// supervisor to check (a pool's [`FdClass::checked`]: the rights a
/// descriptor outside every class lacks, which such a pool's number may
/// hold), is, or lies beneath, a preopened directory holding that right,
/// or was opened beneath one by the supervisor and installed at that
/// number (`lookup::held_allowing`): there the program may open what it
/// names with the right, and a descriptor opened so keeps it (rights(4)).
/// A call the caller then makes itself
/// (`SECCOMP_USER_NOTIF_FLAG_CONTINUE`) reads its descriptor numbers
/// again: a thread putting another descriptor there meanwhile reaches what
/// Landlock allows by place (the Linux table, row 1 (a)).
fn checked_rights(req: &libc::seccomp_notif, ctx: &Context, state: &State) -> Result<(), i32> {
    if !ctx.classes.iter().any(|c| !c.checked.is_empty()) {
        return Ok(());
    }
    let nr = req.data.nr as u32;
    let args = req.data.args;
    let tid = req.pid as libc::pid_t;
    let Some(row) = TABLE.iter().find(|r| r.nr == nr) else {
        return Ok(());
    };
    let mut pidfd = None;
    for need in row.needs() {
        let (Some(at), Req::Right(right), Outside::Places(_) | Outside::Denied) =
            (need.fd, need.req, need.outside)
        else {
            continue;
        };
        if !need.when.iter().all(|c| c.holds(&args))
            || ctx
                .class_of(args[usize::from(at)])
                .is_none_or(|c| c.checked.intersection(right.set()).is_empty())
        {
            continue;
        }
        let pidfd = match &pidfd {
            Some(p) => p,
            None => pidfd.insert(caller(tid)?),
        };
        let copy = copy_of(pidfd, args[usize::from(at)])?;
        // Found with the supervisor's own credentials: the descriptor is
        // the caller's already, and the kernel asks no search permission
        // above its file of a call through it (chmod(2), utimensat(2)).
        if !lookup::held_allowing(
            args[usize::from(at)],
            copy.as_raw_fd(),
            |l| l.rights.allows(right),
            state,
        ) {
            return Err(RIGHTS_ERRNO);
        }
    }
    Ok(())
}

/// What the supervisor answers: the call's value, or the caller's call
/// made by the caller (`SECCOMP_USER_NOTIF_FLAG_CONTINUE`, only for calls
/// whose arguments are all in registers).
enum Reply {
    Value(i64),
    Continue,
    /// Answered already (`SECCOMP_ADDFD_FLAG_SEND`).
    Sent,
}

/// What the supervisor keeps between answers.
struct State {
    /// What the program held at fixed numbers at entry.
    anchors: Anchors,
    /// Whether a process under the filter has changed its credentials
    /// (`Supervised::Credentials`).
    credentials_changed: bool,
    /// Whether a process under the filter has changed its file mode
    /// creation mask (`Supervised::Umask`): until then the supervisor's
    /// own, inherited from the program at entry, is every caller's.
    umask_changed: bool,
    /// /proc, where a caller's credentials are read once they may differ
    /// from the supervisor's.
    proc: Option<OwnedFd>,
    /// The supervisor's own, put back after each call made as a caller
    /// (reading and writing a caller's memory needs them).
    own: Option<credentials::Credentials>,
    /// Where descriptors opened beneath a directory go (`inherited.rs`).
    inherits: Vec<Inherit>,
    /// Where the search for a free number of each pool starts next (its
    /// first number, an offset).
    hints: Vec<(RawFd, i32)>,
    /// The program's `RLIMIT_NOFILE` (soft), which it cannot change after
    /// entry (setrlimit(2), prlimit(2): `EPERM`), nor could it between
    /// this fork and entry: read here once, before the supervisor's own
    /// filter.
    nofile: u64,
    /// What mprotect(2) adding `PROT_EXEC` is judged against
    /// (`protected.rs`).
    at_entry: protected::AtEntry,
    /// What the supervisor installed at each number of a pool of
    /// descriptors opened beneath a directory (`opened.rs`), the last
    /// there: [`Installed`].
    installed: std::collections::HashMap<RawFd, Installed>,
    /// Pool numbers kept for a child of the supervisor that will install
    /// a descriptor there (`opened.rs`, an open waiting for a lease), with
    /// that child's pidfd: kept until it has exited.
    reserved: Vec<(RawFd, OwnedFd)>,
}

/// A file the supervisor opened beneath a directory and installed at a
/// pool's number ([`State::installed`]): it lay beneath a preopened
/// directory holding its pool's rights then, and the descriptor keeps
/// them wherever the file goes (rights(4)), unlinked or renamed out of
/// every such directory. A descriptor of the same file at that number
/// holds them (the program could keep the one installed), but an `O_PATH`
/// one, which the supervisor never installs (`lookup::held_allowing`);
/// the supervisor
/// holds the inode (`O_PATH`), so that its number names no other file
/// while the record lasts, until the number is installed at again.
struct Installed {
    /// Device and inode.
    id: (u64, u64),
    /// The pool's rights set, before they were cut.
    limits: Limits,
    /// Holds the inode ([`pinned`]).
    _pin: OwnedFd,
}

/// The supervisor's own credentials put back when dropped
/// ([`State::as_caller`]).
struct AsCaller<'a>(Option<&'a credentials::Credentials>);

impl Drop for AsCaller<'_> {
    fn drop(&mut self) {
        if let Some(own) = self.0 {
            if credentials::take_on(own).is_err() {
                // Left with a caller's: fail closed, as a dead supervisor
                // does (the calls it answers then fail with ENOSYS).
                // SAFETY: _exit(2).
                unsafe { libc::_exit(1) }
            }
        }
    }
}

impl State {
    /// Records that `fd` was installed at pool number `slot`, opened
    /// beneath a directory whose pool's rights set is `limits`
    /// ([`Installed`]); the number's earlier record goes. Without a
    /// descriptor holding the inode, none is kept (fail closed: the file
    /// is then found by its name alone).
    fn record_installed(&mut self, slot: RawFd, fd: &OwnedFd, limits: Limits) {
        self.installed.remove(&slot);
        let Some(st) = fstat(fd.as_raw_fd()) else {
            return;
        };
        if let Some(pin) = pinned(fd.as_raw_fd(), &st) {
            self.installed.insert(
                slot,
                Installed {
                    id: (st.st_dev, st.st_ino),
                    limits,
                    _pin: pin,
                },
            );
        }
    }

    /// Keeps pool number `slot` for the child whose pidfd is `child`
    /// until it has exited ([`State::free_slot`] skips it meanwhile).
    fn reserve(&mut self, slot: RawFd, child: OwnedFd) {
        self.installed.remove(&slot);
        self.reserved.push((slot, child));
    }

    /// The pool numbers kept for a child still running (forgetting those
    /// of children that have exited: a pidfd polls readable once its
    /// process has exited, pidfd_open(2)).
    fn kept(&mut self) -> Vec<RawFd> {
        self.reserved.retain(|(_, child)| {
            let mut p = libc::pollfd {
                fd: child.as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            };
            // SAFETY: poll(2) of one live pollfd, without waiting.
            unsafe { libc::poll(&mut p, 1, 0) == 0 }
        });
        self.reserved.iter().map(|&(slot, _)| slot).collect()
    }

    /// Where a descriptor opened beneath directory descriptor `fd` goes
    /// (`inherited.rs`), if anywhere: its pool and that pool's limits.
    fn inherited(&self, fd: u64) -> Option<Inherit> {
        let n = fd as u32;
        self.inherits
            .iter()
            .find(|i| (i.lo..=i.hi).contains(&n))
            .copied()
    }

    /// A number of `pool` not open in the descriptor table of thread `tid`
    /// (kcmp(2) `KCMP_FILE` of it with itself: `EBADF`), or holding a
    /// placeholder the program copied there (the same open file
    /// description as the placeholders' source), searched from after the
    /// last one found.
    /// Only the supervisor, one call at a time, puts descriptors there
    /// (the program's own dup2(2) onto a pool number aside, and the
    /// kernel's lowest free number once every number below is taken), so
    /// the number is still free when the descriptor is installed.
    fn free_slot(&mut self, tid: libc::pid_t, pool: Pool) -> Option<RawFd> {
        self.free_slot_from(tid, pool, 0)
    }

    /// [`State::free_slot`] at `min` or above (fcntl(2) `F_DUPFD`).
    fn free_slot_from(&mut self, tid: libc::pid_t, pool: Pool, min: RawFd) -> Option<RawFd> {
        // The placeholders' source, where pools of `limits(...)` sets put
        // one (none is put in these pools, but a program may copy one
        // there with dup2(2)).
        let source = super::slots::source_fd().unwrap_or(-1);
        let key = pool.lo;
        let pool = Pool {
            lo: pool.lo.max(min),
            hi: pool.hi,
        };
        if pool.lo > pool.hi {
            return None;
        }
        let size = pool.hi - pool.lo + 1;
        let kept = self.kept();
        let at = self.hints.iter().position(|&(lo, _)| lo == key);
        let start = at.map_or(0, |i| self.hints[i].1);
        for i in 0..size {
            let offset = (start + i) % size;
            let n = pool.lo + offset;
            // SAFETY: kcmp(2) with integer arguments; it compares,
            // changes nothing. A closed number (`EBADF`) is free too: a
            // close of an inherited pool's number is not trapped.
            let r = unsafe { libc::syscall(libc::SYS_kcmp, tid, tid, polled::KCMP_FILE, n, n) };
            let closed = r < 0 && io::Error::last_os_error().raw_os_error() == Some(libc::EBADF);
            // SAFETY: as above.
            let placeholder = !closed
                && source >= 0
                && unsafe {
                    libc::syscall(libc::SYS_kcmp, tid, tid, polled::KCMP_FILE, n, source) == 0
                };
            let free = (closed || placeholder) && !kept.contains(&n);
            if free {
                let next = (offset + 1) % size;
                match at {
                    Some(i) => self.hints[i].1 = next,
                    None => self.hints.push((key, next)),
                }
                return Some(n);
            }
        }
        None
    }

    /// Takes on the credentials of thread `tid` for a lookup or a change
    /// made for it, once a process under the filter has changed its own
    /// (`credentials.rs`); until then they are the supervisor's, which
    /// the program had at entry. `EACCES` when they cannot be taken on.
    fn as_caller(&self, tid: libc::pid_t) -> Result<AsCaller<'_>, i32> {
        self.as_caller_with(tid, false)
    }

    /// [`State::as_caller`]; with `real`, the caller's real ids as
    /// filesystem ids, as access(2) checks (`Credentials::for_access`).
    fn as_caller_with(&self, tid: libc::pid_t, real: bool) -> Result<AsCaller<'_>, i32> {
        if !self.credentials_changed {
            return Ok(AsCaller(None));
        }
        let (Some(proc), Some(own)) = (self.proc.as_ref(), self.own.as_ref()) else {
            return Err(RIGHTS_ERRNO);
        };
        let mut want = credentials::of(proc.as_raw_fd(), tid)?;
        if real {
            want = want.for_access();
        }
        let guard = AsCaller(Some(own));
        credentials::take_on(&want)?;
        Ok(guard)
    }
}

/// What the program held at fixed numbers when the supervisor started
/// (its classes but the pools, whose descriptors the program chooses):
/// where a supervised lookup or change may start, or from beneath which.
/// Read while the supervisor still holds the program's descriptors.
struct Anchors {
    /// Device and inode of each directory of those classes holding
    /// `lookup`.
    ids: Vec<(u64, u64)>,
    /// The limits of each of those directories (as `ids`): what Landlock
    /// lets the program do beneath it.
    limits: Vec<Limits>,
    /// A copy of each of those directories, to find a file beneath one by
    /// its name (`lookup::beneath_anchor`).
    dirs: Vec<OwnedFd>,
    /// A copy of each `O_PATH` descriptor of those classes that is not a
    /// directory (a file limited to rights that read and write nothing):
    /// its metadata is the program's own through that open file
    /// description alone (`lookup::anchored_descriptor`, kcmp(2)), not
    /// through another `O_PATH` descriptor of the same file, which a
    /// racing thread may win by a path Capsicum never walks.
    files: Vec<OwnedFd>,
    /// Device and inode of each file of those classes (not a
    /// directory), with their rights (`protected.rs`).
    mappable: Vec<protected::Held>,
    /// An `O_PATH` descriptor of each file of `mappable` whose rights
    /// hold `mmap_x` or `mmap_w` (opened again
    /// through /proc/self/fd/N, proc(5)): it holds the inode, so that its
    /// number names that file while the supervisor lives. The program may
    /// close its descriptor and unlink the file; a file system then hands
    /// the number out again (ext4: the lowest free one of a group), and
    /// the new file, made through a descriptor without `mmap_x`, would
    /// pass for the one held. `O_PATH`: neither reading nor writing it
    /// (a writer would keep execve(2) of it `ETXTBSY`).
    pinned: Vec<OwnedFd>,
}

impl Anchors {
    fn of(classes: &[FdClass]) -> Anchors {
        let mut out = Anchors {
            ids: Vec::new(),
            limits: Vec::new(),
            dirs: Vec::new(),
            files: Vec::new(),
            mappable: Vec::new(),
            pinned: Vec::new(),
        };
        for c in classes.iter().filter(|c| !c.pool) {
            for fd in c.lo..=c.hi.min(c.lo.saturating_add(4096)) {
                let Some(st) = fstat(fd as RawFd) else {
                    continue;
                };
                let dir = st.st_mode & libc::S_IFMT == libc::S_IFDIR;
                let rights = c.limits.rights;
                let held = protected::Held {
                    id: (st.st_dev, st.st_ino),
                    rights,
                    fd: fd as RawFd,
                };
                if !dir && (rights.allows(Right::MmapX) || rights.allows(Right::MmapW)) {
                    // Without a descriptor holding the inode, the file is
                    // not counted (fail closed: `EACCES`).
                    if let Some(pin) = pinned(fd as RawFd, &st) {
                        out.mappable.push(held);
                        out.pinned.push(pin);
                    }
                } else if !dir {
                    // Held without them: a memfd's limits (`protected.rs`).
                    out.mappable.push(held);
                }
                if dir && !c.limits.rights.allows(Right::Lookup) {
                    continue;
                }
                // SAFETY: fcntl(2) F_GETFL of a descriptor number.
                let o_path = unsafe { libc::fcntl(fd as RawFd, libc::F_GETFL) } & libc::O_PATH != 0;
                if !dir && !o_path {
                    continue;
                }
                // SAFETY: F_DUPFD_CLOEXEC of an open descriptor; the copy
                // is checked and owned.
                let copy = unsafe { libc::fcntl(fd as RawFd, libc::F_DUPFD_CLOEXEC, 0) };
                if copy < 0 {
                    continue;
                }
                // SAFETY: a new descriptor owned by nothing else.
                let copy = unsafe { OwnedFd::from_raw_fd(copy) };
                if dir {
                    out.ids.push((st.st_dev, st.st_ino));
                    out.limits.push(c.limits);
                    out.dirs.push(copy);
                } else {
                    out.files.push(copy);
                }
            }
        }
        out
    }
}

/// An `O_PATH` descriptor of the file of descriptor `fd`, whose metadata
/// is `st` (`Anchors::pinned`); `None` if none could be made.
fn pinned(fd: RawFd, st: &libc::stat) -> Option<OwnedFd> {
    reopened_file(fd, st, libc::O_PATH)
}

/// A new open file description, with `flags` (and `O_CLOEXEC`), of the
/// file the supervisor's descriptor `fd` names (proc(5): /proc/self/fd/N,
/// a magic link to it), whose metadata is `st`; `None` if it could not be
/// opened, or is not that file.
fn reopened_file(fd: RawFd, st: &libc::stat, flags: i32) -> Option<OwnedFd> {
    let at = format!("/proc/self/fd/{fd}\0");
    let copy = openat2(libc::AT_FDCWD, at.as_bytes(), flags | libc::O_CLOEXEC, 0).ok()?;
    fstat(copy.as_raw_fd())
        .filter(|c| (c.st_dev, c.st_ino) == (st.st_dev, st.st_ino))
        .map(|_| copy)
}

/// Closes every descriptor but those in `keep`.
fn close_all_but(keep: &[RawFd]) {
    let mut keep = keep.to_vec();
    keep.sort_unstable();
    let mut from: u32 = 0;
    for &k in &keep {
        let k = k as u32;
        if k > from {
            // SAFETY: close_range(2) of numbers not kept.
            unsafe { libc::syscall(libc::SYS_close_range, from, k - 1, 0) };
        }
        from = k + 1;
    }
    // SAFETY: as above.
    unsafe { libc::syscall(libc::SYS_close_range, from, u32::MAX, 0) };
}

/// fstat(2) of `fd`, if it is open.
fn fstat(fd: RawFd) -> Option<libc::stat> {
    // SAFETY: `stat` is plain data; all-zero is valid.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    // SAFETY: fstat(2) into a live buffer.
    (unsafe { libc::fstat(fd, &mut st) } == 0).then_some(st)
}

/// `Ok` when the filter built for `ctx` lets call `nr` through with
/// `args`, else its errno.
fn judge_args(nr: u32, args: &[u64; 6], ctx: &Context) -> Result<(), i32> {
    let row = TABLE.iter().find(|r| r.nr == nr).ok_or(libc::ENOSYS)?;
    match judge::judge(row, args, ctx) {
        Verdict::Allow => Ok(()),
        Verdict::Mode => Err(MODE_ERRNO),
        Verdict::Rights(_) => Err(RIGHTS_ERRNO),
        Verdict::Enosys => Err(libc::ENOSYS),
    }
}

/// The verdict of call `nr` with `args` whose `AT_EMPTY_PATH` (argument
/// `flags_at`) is taken away: a path that is not empty is looked up, and
/// needs what the lookup needs (`lookup`).
fn judge_without(nr: u32, args: &[u64; 6], flags_at: usize, ctx: &Context) -> Result<(), i32> {
    let mut without = *args;
    without[flags_at] = u64::from(args[flags_at] as u32 & !(libc::AT_EMPTY_PATH as u32));
    judge_args(nr, &without, ctx)
}

/// `openat2(2)`'s `struct open_how` (include/uapi/linux/openat2.h).
#[repr(C)]
struct OpenHow {
    flags: u64,
    mode: u64,
    resolve: u64,
}

/// `RESOLVE_NO_MAGICLINKS` and `RESOLVE_BENEATH` (openat2(2)).
const RESOLVE_NO_MAGICLINKS: u64 = 0x02;
const RESOLVE_BENEATH: u64 = 0x08;

/// Walks `path` beneath `dir` as Capsicum walks beneath a directory
/// descriptor (openat2(2) `RESOLVE_BENEATH`, whose rules are Capsicum's:
/// no absolute path, `..` never above `dir`, symbolic links only within
/// it; no magic link of /proc): an `O_PATH` descriptor of what it names,
/// of a final symbolic link itself with `nofollow`. A walk that would
/// leave `dir` answers `EACCES`, as the filter's rights denials
/// (Capsicum: `ENOTCAPABLE`).
fn walk(dir: RawFd, path: &[u8], nofollow: bool) -> Result<OwnedFd, i32> {
    let flags = libc::O_PATH | libc::O_CLOEXEC | if nofollow { libc::O_NOFOLLOW } else { 0 };
    match openat2(dir, path, flags, RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS) {
        Err(libc::EXDEV) => Err(RIGHTS_ERRNO),
        other => other,
    }
}

/// openat2(2) of the NUL-terminated `path` beneath `dir`; tried again
/// while it answers `EAGAIN` (a rename or mount elsewhere in the system
/// during a `RESOLVE_BENEATH` walk, openat2(2)), at most 16 times.
fn openat2(dir: RawFd, path: &[u8], flags: i32, resolve: u64) -> Result<OwnedFd, i32> {
    openat2_mode(dir, path, flags, 0, resolve)
}

/// [`openat2`] with `mode`, for a file it may make.
fn openat2_mode(
    dir: RawFd,
    path: &[u8],
    flags: i32,
    mode: u64,
    resolve: u64,
) -> Result<OwnedFd, i32> {
    debug_assert_eq!(path.last(), Some(&0));
    let how = OpenHow {
        flags: flags as u32 as u64,
        mode,
        resolve,
    };
    let mut tries = 0;
    loop {
        // SAFETY: openat2(2) with a NUL-terminated path and a live
        // open_how; the result is checked and owned.
        let fd = raw(unsafe {
            libc::syscall(
                libc::SYS_openat2,
                dir,
                path.as_ptr(),
                &how as *const OpenHow,
                std::mem::size_of::<OpenHow>(),
            )
        });
        match fd {
            e if e == -i64::from(libc::EAGAIN) && tries < 16 => tries += 1,
            e if e < 0 => return Err(-e as i32),
            // SAFETY: a new descriptor owned by nothing else.
            fd => return Ok(unsafe { OwnedFd::from_raw_fd(fd as RawFd) }),
        }
    }
}

/// A pidfd of thread `tid` (`PIDFD_THREAD`), the caller of a
/// notification: `ESRCH` when it is gone. A pidfd keeps the task, not its
/// number (module docs, "Limits").
fn caller(tid: libc::pid_t) -> Result<OwnedFd, i32> {
    // SAFETY: pidfd_open(2) of a thread; checked and owned.
    let p = unsafe { libc::syscall(libc::SYS_pidfd_open, tid, PIDFD_THREAD) };
    if p < 0 {
        return Err(libc::ESRCH);
    }
    // SAFETY: a new descriptor owned by nothing else.
    Ok(unsafe { OwnedFd::from_raw_fd(p as RawFd) })
}

/// A copy of descriptor `fd` of the caller `pidfd` (pidfd_getfd(2)); its
/// error (`EBADF` for a number not open) otherwise.
fn copy_of(pidfd: &OwnedFd, fd: u64) -> Result<OwnedFd, i32> {
    // SAFETY: pidfd_getfd(2) of the caller's descriptor argument.
    let copy = unsafe { libc::syscall(libc::SYS_pidfd_getfd, pidfd.as_raw_fd(), fd as i32, 0) };
    if copy < 0 {
        return Err(io::Error::last_os_error()
            .raw_os_error()
            .unwrap_or(libc::EBADF));
    }
    // SAFETY: a new descriptor owned by nothing else.
    Ok(unsafe { OwnedFd::from_raw_fd(copy as RawFd) })
}

/// Whether directory `dir` is a preopened directory in `anchors`, or lies
/// beneath one: its `..` walked up to the root. A directory the program
/// opened after entry anywhere Landlock does not look (an `O_PATH` open
/// of an absolute path) is beneath none and refused (`EACCES`).
fn anchored(dir: RawFd, anchors: &[(u64, u64)]) -> Result<(), i32> {
    anchored_by(dir, |id| anchors.contains(id))
}

/// Every directory on the way from directory `dir` up to the root (its
/// `..` walked up), `dir` first, as device and inode.
fn way_up(dir: RawFd) -> Result<Vec<(u64, u64)>, i32> {
    let mut out = Vec::new();
    walk_way_up(dir, |id| {
        out.push(*id);
        false
    })?;
    Ok(out)
}

/// Walks from directory `dir` up to the root (its `..`), giving `visit`
/// each directory's device and inode, `dir` first, until it answers
/// true: whether it did.
fn walk_way_up(dir: RawFd, mut visit: impl FnMut(&(u64, u64)) -> bool) -> Result<bool, i32> {
    let here = fstat(dir).ok_or(libc::EBADF)?;
    let mut id = (here.st_dev, here.st_ino);
    let mut up: Option<OwnedFd> = None;
    // A path has at most PATH_MAX / 2 components.
    for _ in 0..PATH_MAX / 2 {
        if visit(&id) {
            return Ok(true);
        }
        let from = up.as_ref().map_or(dir, AsRawFd::as_raw_fd);
        let parent = walk_up(from)?;
        let st = fstat(parent.as_raw_fd()).ok_or(libc::EBADF)?;
        let next = (st.st_dev, st.st_ino);
        if next == id {
            // The root: `..` of the root is itself.
            break;
        }
        id = next;
        up = Some(parent);
    }
    Ok(false)
}

/// Whether directory `dir` is, or lies beneath, a directory whose device
/// and inode `anchor` takes: its `..` walked up to the root.
fn anchored_by(dir: RawFd, anchor: impl Fn(&(u64, u64)) -> bool) -> Result<(), i32> {
    if walk_way_up(dir, anchor)? {
        Ok(())
    } else {
        Err(RIGHTS_ERRNO)
    }
}

/// An `O_PATH` descriptor of `..` of directory `dir`.
fn walk_up(dir: RawFd) -> Result<OwnedFd, i32> {
    openat2(
        dir,
        b"..\0",
        libc::O_PATH | libc::O_DIRECTORY | libc::O_CLOEXEC,
        RESOLVE_NO_MAGICLINKS,
    )
}

/// Reads `N` bytes at `addr` of thread `tid` (`EFAULT` when it cannot).
fn read_bytes<const N: usize>(tid: libc::pid_t, addr: u64) -> Result<[u8; N], i32> {
    let mut buf = [0u8; N];
    read_into(tid, addr, &mut buf)?;
    Ok(buf)
}

/// Fills `buf` from `addr` of thread `tid` (`EFAULT` when it cannot).
fn read_into(tid: libc::pid_t, addr: u64, buf: &mut [u8]) -> Result<(), i32> {
    let local = libc::iovec {
        iov_base: buf.as_mut_ptr().cast(),
        iov_len: buf.len(),
    };
    let remote = libc::iovec {
        iov_base: addr as *mut libc::c_void,
        iov_len: buf.len(),
    };
    // SAFETY: reads at most `buf.len()` bytes into `buf`.
    let n = unsafe { libc::process_vm_readv(tid, &local, 1, &remote, 1, 0) };
    if n != buf.len() as isize {
        return Err(libc::EFAULT);
    }
    Ok(())
}

/// A path form of chmod, chown or utimes (`Supervised::Attributes`, its
/// `AT_*` flags in argument `flags_at`): the path walked beneath the
/// caller's directory as Capsicum walks ([`walk`]), from a preopened
/// directory or beneath one ([`anchored`]), then the change made on what
/// the walk resolved, with the caller's other arguments (times read from
/// its memory once).
fn attributes(
    l: RawFd,
    req: &libc::seccomp_notif,
    ctx: &Context,
    state: &State,
    flags_at: Option<usize>,
) -> Result<i64, i32> {
    let nr = req.data.nr as u32;
    let args = req.data.args;
    let tid = req.pid as libc::pid_t;
    let flags = flags_at.map_or(0, |f| args[f] as u32 as i32);
    let known = match flags_at {
        Some(_) => libc::AT_SYMLINK_NOFOLLOW | libc::AT_EMPTY_PATH,
        None => 0,
    };
    if flags & !known != 0 {
        return Err(libc::EINVAL);
    }
    let pidfd = caller(tid)?;
    valid(l, req)?;
    let mut path = [0u8; PATH_MAX];
    // futimens(3): utimensat(2) with a `NULL` path changes the descriptor
    // itself (sent only through a pool whose `futimes` the supervisor
    // checks).
    let null = i64::from(nr) == libc::SYS_utimensat && args[1] == 0;
    let len = if null {
        // fs/utimes.c `do_utimes`: no flags without a path.
        if flags != 0 {
            return Err(libc::EINVAL);
        }
        0
    } else {
        read_path(tid, args[1], &mut path)?
    };
    // What the call changes to, read once, before anything is walked.
    let times: Option<[libc::timespec; 2]> = match i64::from(nr) {
        libc::SYS_utimensat if args[2] != 0 => Some(timespecs(tid, args[2])?),
        #[cfg(target_arch = "x86_64")]
        libc::SYS_futimesat if args[2] != 0 => Some(timevals(tid, args[2])?),
        _ => None,
    };
    if len > 0 {
        if let Some(f) = flags_at {
            judge_without(nr, &args, f, ctx)?;
        }
    } else if flags & libc::AT_EMPTY_PATH == 0 && !null {
        return Err(libc::ENOENT);
    }
    let dir = copy_of(&pidfd, args[0])?;
    // The walk and the change with the caller's credentials (after the
    // copy: pidfd_getfd(2) needs ours); ours back when this returns.
    let _as_caller = state.as_caller(tid)?;
    // Where the descriptor is, before anything beneath it is looked at
    // (a walk's errors would tell what lies beneath an `O_PATH` directory
    // outside).
    lookup::anchored_descriptor(dir.as_raw_fd(), state)?;
    // Through a pool whose right for the change the filter let through
    // for the supervisor to check, [`checked_rights`] has found the
    // descriptor itself, or the directory walked beneath, beneath a
    // preopened directory holding it.
    let target = if len > 0 {
        walk(
            dir.as_raw_fd(),
            &path[..=len],
            flags & libc::AT_SYMLINK_NOFOLLOW != 0,
        )?
    } else {
        // `""` with `AT_EMPTY_PATH`: the descriptor itself, whose rights
        // the filter has judged (fchmod, fchown, futimes).
        dir
    };
    let t = target.as_raw_fd();
    let empty = c"".as_ptr();
    // SAFETY: each call takes the walked descriptor, `""` with
    // AT_EMPTY_PATH (the descriptor itself) and integer arguments or a
    // live array of two timespecs.
    let r = unsafe {
        match i64::from(nr) {
            libc::SYS_fchmodat | libc::SYS_fchmodat2 => libc::syscall(
                libc::SYS_fchmodat2,
                t,
                empty,
                args[2] as libc::mode_t,
                libc::AT_EMPTY_PATH | (flags & libc::AT_SYMLINK_NOFOLLOW),
            ),
            libc::SYS_fchownat => libc::syscall(
                libc::SYS_fchownat,
                t,
                empty,
                args[2] as libc::uid_t,
                args[3] as libc::gid_t,
                libc::AT_EMPTY_PATH,
            ),
            // futimens(3): the descriptor itself, as the kernel takes it
            // (an `O_PATH` one answers `EBADF`, fs/utimes.c).
            _ if null => libc::syscall(
                libc::SYS_utimensat,
                t,
                std::ptr::null::<libc::c_char>(),
                times.as_ref().map_or(std::ptr::null(), |t| t.as_ptr()),
                0,
            ),
            _ => libc::syscall(
                libc::SYS_utimensat,
                t,
                empty,
                times.as_ref().map_or(std::ptr::null(), |t| t.as_ptr()),
                libc::AT_EMPTY_PATH,
            ),
        }
    };
    match raw(r) {
        e if e == -i64::from(libc::ENOSYS) && nr != libc::SYS_fchownat as u32 => {
            chmod_before_6_6(t, args[2] as libc::mode_t, flags)
        }
        e if e < 0 => Err(-e as i32),
        v => Ok(v),
    }
}

/// chmod of `O_PATH` descriptor `t` where fchmodat2 (Linux 6.6) is
/// missing: through its /proc/self/fd link, which fchmodat(2) follows;
/// a symbolic link itself with `AT_SYMLINK_NOFOLLOW` is `EOPNOTSUPP`, as
/// fchmodat2 answers.
fn chmod_before_6_6(t: RawFd, mode: libc::mode_t, flags: i32) -> Result<i64, i32> {
    let st = fstat(t).ok_or(libc::EBADF)?;
    if st.st_mode & libc::S_IFMT == libc::S_IFLNK && flags & libc::AT_SYMLINK_NOFOLLOW != 0 {
        return Err(libc::EOPNOTSUPP);
    }
    let link = format!("/proc/self/fd/{t}\0");
    // SAFETY: fchmodat(2) with a NUL-terminated path.
    match raw(unsafe { libc::syscall(libc::SYS_fchmodat, libc::AT_FDCWD, link.as_ptr(), mode) }) {
        e if e < 0 => Err(-e as i32),
        v => Ok(v),
    }
}

/// utimensat(2)'s two `timespec`s at `addr` of thread `tid`.
fn timespecs(tid: libc::pid_t, addr: u64) -> Result<[libc::timespec; 2], i32> {
    let b: [u8; 32] = read_bytes(tid, addr)?;
    let at = |i: usize| i64::from_ne_bytes(b[i * 8..i * 8 + 8].try_into().unwrap_or([0; 8]));
    Ok([
        libc::timespec {
            tv_sec: at(0),
            tv_nsec: at(1),
        },
        libc::timespec {
            tv_sec: at(2),
            tv_nsec: at(3),
        },
    ])
}

/// futimesat(2)'s two `timeval`s at `addr` of thread `tid`, as
/// `timespec`s; `EINVAL` for microseconds out of range, as the kernel
/// answers (fs/utimes.c).
#[cfg(target_arch = "x86_64")]
fn timevals(tid: libc::pid_t, addr: u64) -> Result<[libc::timespec; 2], i32> {
    let mut t = timespecs(tid, addr)?;
    for ts in &mut t {
        if !(0..1_000_000).contains(&ts.tv_nsec) {
            return Err(libc::EINVAL);
        }
        ts.tv_nsec *= 1000;
    }
    Ok(t)
}

/// Reads the NUL-terminated path at `addr` in thread `tid` into `buf`,
/// page by page (a path may end just before an unmapped page); its length.
/// `EFAULT` when its first byte cannot be read, `ENAMETOOLONG` without a
/// NUL in `PATH_MAX` bytes, as the kernel answers (getname(9)).
fn read_path(tid: libc::pid_t, addr: u64, buf: &mut [u8; PATH_MAX]) -> Result<usize, i32> {
    const PAGE: u64 = 4096;
    let mut done = 0usize;
    while done < PATH_MAX {
        let at = addr.wrapping_add(done as u64);
        let chunk = ((PAGE - at % PAGE) as usize).min(PATH_MAX - done);
        let local = libc::iovec {
            iov_base: buf[done..].as_mut_ptr().cast(),
            iov_len: chunk,
        };
        let remote = libc::iovec {
            iov_base: at as *mut libc::c_void,
            iov_len: chunk,
        };
        // SAFETY: reads at most `chunk` bytes into `buf[done..]`.
        let n = unsafe { libc::process_vm_readv(tid, &local, 1, &remote, 1, 0) };
        if n <= 0 {
            return Err(libc::EFAULT);
        }
        let n = n as usize;
        if let Some(end) = buf[done..done + n].iter().position(|&b| b == 0) {
            return Ok(done + end);
        }
        done += n;
    }
    Err(libc::ENAMETOOLONG)
}

/// `ESRCH` unless the caller of `req` still waits for its answer
/// (`SECCOMP_IOCTL_NOTIF_ID_VALID`: its thread not gone; see "Limits").
fn valid(l: RawFd, req: &libc::seccomp_notif) -> Result<(), i32> {
    // SAFETY: ID_VALID reads one u64.
    if unsafe { libc::ioctl(l, libc::SECCOMP_IOCTL_NOTIF_ID_VALID, &req.id) } != 0 {
        return Err(libc::ESRCH);
    }
    Ok(())
}

/// Writes `value` to `addr` in thread `tid` (the caller's buffer), after
/// checking it is still the caller; `EFAULT` when the buffer cannot be
/// written, as the kernel answers.
fn write_back<T>(
    l: RawFd,
    req: &libc::seccomp_notif,
    tid: libc::pid_t,
    addr: u64,
    value: &T,
) -> Result<(), i32> {
    // SAFETY: `value` is a live `T`, read as its bytes (plain data: the
    // kernel's stat, statx and statfs structures).
    let bytes = unsafe {
        std::slice::from_raw_parts((value as *const T).cast::<u8>(), std::mem::size_of::<T>())
    };
    write_bytes(l, req, tid, addr, bytes)
}

/// Writes `bytes` to `addr` in thread `tid`, as [`write_back`].
fn write_bytes(
    l: RawFd,
    req: &libc::seccomp_notif,
    tid: libc::pid_t,
    addr: u64,
    bytes: &[u8],
) -> Result<(), i32> {
    valid(l, req)?;
    let local = libc::iovec {
        iov_base: bytes.as_ptr().cast_mut().cast(),
        iov_len: bytes.len(),
    };
    let remote = libc::iovec {
        iov_base: addr as *mut libc::c_void,
        iov_len: bytes.len(),
    };
    // SAFETY: writes `bytes` to the caller's buffer, which
    // process_vm_writev(2) checks against the caller's mappings.
    let n = unsafe { libc::process_vm_writev(tid, &local, 1, &remote, 1, 0) };
    if n != bytes.len() as isize {
        return Err(libc::EFAULT);
    }
    Ok(())
}

/// `struct pidfd_info` (include/uapi/linux/pidfd.h, Linux 6.13) as its
/// first version lays it out (`PIDFD_INFO_SIZE_VER0`, 64 bytes); ids as
/// seen from the caller's pid namespace.
#[repr(C)]
#[derive(Default)]
struct PidfdInfo {
    mask: u64,
    cgroupid: u64,
    pid: u32,
    tgid: u32,
    ppid: u32,
    ruid: u32,
    rgid: u32,
    euid: u32,
    egid: u32,
    suid: u32,
    sgid: u32,
    fsuid: u32,
    fsgid: u32,
    spare0: [u32; 1],
}

const _: () = assert!(std::mem::size_of::<PidfdInfo>() == 64);

/// `PIDFD_INFO_PID`: the ids (always returned).
const PIDFD_INFO_PID: u64 = 1;

/// `PIDFD_GET_INFO`, `_IOWR(PIDFS_IOCTL_MAGIC, 11, struct pidfd_info)`
/// (include/uapi/linux/pidfd.h; asm-generic/ioctl.h: read and write in the
/// top two bits, the size in the 14 below).
const PIDFD_GET_INFO: u64 = (3 << 30) | (64 << 16) | (0xFF << 8) | 11;

/// Whether the running kernel tells the thread group of a thread through
/// its pidfd (pidfd_open(2) `PIDFD_THREAD`, Linux 6.9, then
/// `PIDFD_GET_INFO`, Linux 6.13), tried on the calling thread: what
/// [`own_process`] needs.
pub(crate) fn tells_thread_groups() -> bool {
    // SAFETY: getpid(2) and gettid(2) cannot fail.
    let (me, tid) = unsafe { (libc::getpid(), libc::gettid()) };
    thread_pidfd(tid).and_then(|p| thread_group(&p)) == Ok(me)
}

/// A pidfd of thread `tid` (`PIDFD_THREAD`): it holds the task, whatever
/// becomes of the number; `ESRCH` when there is no such thread.
fn thread_pidfd(tid: libc::pid_t) -> Result<OwnedFd, i32> {
    // SAFETY: pidfd_open(2) with integer arguments; checked and owned.
    let p = unsafe { libc::syscall(libc::SYS_pidfd_open, tid, PIDFD_THREAD) };
    if p < 0 {
        return Err(libc::ESRCH);
    }
    // SAFETY: a new descriptor owned by nothing else.
    Ok(unsafe { OwnedFd::from_raw_fd(p as RawFd) })
}

/// The thread group (process id) of the thread `pidfd` holds
/// (`PIDFD_GET_INFO`); `ESRCH` once it has exited.
fn thread_group(pidfd: &OwnedFd) -> Result<libc::pid_t, i32> {
    let mut info = PidfdInfo {
        mask: PIDFD_INFO_PID,
        ..PidfdInfo::default()
    };
    // SAFETY: PIDFD_GET_INFO reads the mask and writes at most 64 bytes
    // (the size in the command) into a live `PidfdInfo`.
    let r = unsafe {
        libc::ioctl(
            pidfd.as_raw_fd(),
            PIDFD_GET_INFO as _,
            &mut info as *mut PidfdInfo,
        )
    };
    if r != 0 || info.mask & PIDFD_INFO_PID == 0 || info.tgid == 0 {
        return Err(libc::ESRCH);
    }
    Ok(info.tgid as libc::pid_t)
}

/// A signal or a CPU affinity naming a process or thread by id
/// (`Supervised::OwnProcess`; argument 0, positive: the filter saw to it).
/// Capability mode allows an affinity of the calling thread or its
/// process only (cpuset_check_capabilities in sys/kern/kern_cpuset.c), and
/// a signal to the caller's own process only (sys_kill in sys/kern/kern_sig.c: `ECAPMODE`
/// for any other pid; thr_kill(2) finds the caller's threads alone, in
/// sys/kern/kern_thr.c): then the caller makes the call
/// (`SECCOMP_USER_NOTIF_FLAG_CONTINUE`: the target is in a register, read
/// once, and the kernel checks the rest, the signal number, the siginfo,
/// that tgkill(2)'s thread is in the group); else `EPERM`, the filter's
/// answer where Capsicum's is `ECAPMODE`. tkill(2) of a thread outside
/// the caller's process answers `ESRCH`, as FreeBSD's thr_kill(2) does,
/// which finds the caller's own threads only (and as the kernel does for
/// one that does not exist).
fn own_process(l: RawFd, req: &libc::seccomp_notif, target: Target) -> Result<Reply, i32> {
    let caller = thread_pidfd(req.pid as libc::pid_t)?;
    // The pidfd holds a task; the caller still waiting, it is the caller's
    // (the number not reused).
    valid(l, req)?;
    let own = thread_group(&caller)?;
    // The kernel reads an `int`.
    let named = req.data.args[0] as u32 as libc::pid_t;
    let group = match target {
        Target::Process => named,
        Target::Thread => thread_group(&thread_pidfd(named)?)?,
        // The caller's own thread, or its process id.
        Target::OwnThread if named == req.pid as libc::pid_t => own,
        Target::OwnThread => named,
    };
    if group == own {
        Ok(Reply::Continue)
    } else if target == Target::Thread {
        // thr_kill(2) looks the thread up in the caller's process alone
        // (sys/kern/kern_thr.c: tdfind(id, p->p_pid)): no such thread.
        Err(libc::ESRCH)
    } else {
        Err(MODE_ERRNO)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `PIDFD_GET_INFO` on a pidfd of a thread tells the thread's group
    /// (include/uapi/linux/pidfd.h): another thread of this process is in
    /// it, a forked child is a group of its own, and a number no task has
    /// answers `ESRCH`, as [`own_process`] relies on.
    #[test]
    fn a_thread_pidfd_tells_its_thread_group() {
        if !tells_thread_groups() {
            eprintln!("skipped: no PIDFD_GET_INFO (Linux 6.13)");
            return;
        }
        // SAFETY: getpid(2) cannot fail.
        let me = unsafe { libc::getpid() };
        let (tid_tx, tid_rx) = std::sync::mpsc::channel();
        let (end_tx, end_rx) = std::sync::mpsc::channel::<()>();
        let thread = std::thread::spawn(move || {
            // SAFETY: gettid(2) cannot fail.
            tid_tx.send(unsafe { libc::gettid() }).unwrap();
            let _ = end_rx.recv();
        });
        let tid = tid_rx.recv().unwrap();
        assert_ne!(tid, me);
        assert_eq!(thread_pidfd(tid).and_then(|p| thread_group(&p)), Ok(me));
        drop(end_tx);
        thread.join().unwrap();

        let mut p = [0; 2];
        // SAFETY: pipe(2) into a live array.
        assert_eq!(unsafe { libc::pipe(p.as_mut_ptr()) }, 0);
        // SAFETY: fork(2); the child only closes, reads and _exit(2)s.
        let child = unsafe { libc::fork() };
        if child == 0 {
            let mut b = [0u8; 1];
            // SAFETY: as above, into a live local.
            unsafe {
                libc::close(p[1]);
                libc::read(p[0], b.as_mut_ptr().cast(), 1);
                libc::_exit(0)
            }
        }
        assert!(child > 0);
        let group = thread_pidfd(child).and_then(|p| thread_group(&p));
        // SAFETY: closing our ends lets the child end; waitpid(2) reaps it.
        unsafe {
            libc::close(p[0]);
            libc::close(p[1]);
            libc::waitpid(child, std::ptr::null_mut(), 0);
        }
        assert_eq!(group, Ok(child));

        // Above the kernel's largest pid (`PID_MAX_LIMIT`, 4194304).
        assert_eq!(thread_pidfd(i32::MAX).map(|_| ()), Err(libc::ESRCH));
    }
}
