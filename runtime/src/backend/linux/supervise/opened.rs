//! openat(2) through a directory whose rights a descriptor opened beneath
//! it inherits (`inherited.rs`): made here, for the caller, and the new
//! descriptor installed at a number of the directory's pool
//! (`SECCOMP_IOCTL_NOTIF_ADDFD` with `SECCOMP_ADDFD_FLAG_SETFD` and
//! `SECCOMP_ADDFD_FLAG_SEND`, seccomp_unotify(2): the number replaced and
//! the call answered with it in one step), so that the filter limits it
//! to the directory's rights from its first use on, as Capsicum's
//! `kern_openat` gives the new file the directory capability's rights.
//!
//! The path is walked as every walked call's ([`super::walked`]), then
//! opened beneath the supervisor's copy of the directory (openat2(2)
//! `RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS`, which resolves it again by
//! the same rules: a thread rewriting the path meanwhile gets a file
//! beneath the directory or an error, never one elsewhere) with the
//! caller's credentials and, for a file it creates, its umask (the
//! program's at entry, which the supervisor inherited, until a process
//! calls umask(2); then read from /proc/TID/status and set with umask(2)
//! around the open: a directory's default ACL then applies as the kernel
//! applies it to the caller).
//!
//! Only beneath a preopened directory or one beneath it (its `..` walked
//! up to one: a directory handed in at entry and put on a pool number
//! with dup2(2) is not, and the supervisor, outside Landlock, must not
//! open beneath it), and only beneath a preopened directory whose rights
//! hold the pool's (a directory in no class beneath a narrower one, put
//! on a wider pool's number with dup2(2), is refused: Landlock grants its
//! place the narrower rights, Capsicum its descriptor too).
//!
//! What would act differently when opened by another process is left to
//! the caller (`SECCOMP_USER_NOTIF_FLAG_CONTINUE`, the descriptor then in
//! no class, Landlock confining it by place as before): FIFOs, devices
//! and sockets (an open of them may wait, take a terminal or act on the
//! device), anything on procfs (`self` there names the opener), and an
//! `O_PATH` open, whose descriptor `SECCOMP_IOCTL_NOTIF_ADDFD` cannot
//! install (it takes the supervisor's with fget(), which skips `O_PATH`
//! files: fs/file.c `__fget`, `FMODE_PATH`). A regular file is opened
//! here `O_NONBLOCK` (cleared after), so that the supervisor never
//! waits: an open that would wait for a lease to be broken (fcntl(2)
//! `F_SETLEASE`) is handed to a child of the supervisor, which waits as
//! the caller's open would and answers it ([`wait_for_lease`]; with
//! `O_NONBLOCK` the caller's own, `EWOULDBLOCK` at once, as open(2)), and
//! a file swapped for a FIFO or device between the look and the open
//! answers `EAGAIN`. The other way round remains: a
//! program that may make FIFOs and rename beneath a directory can swap a
//! regular file in after the look found a FIFO, and the caller's open
//! then gives a descriptor of it in no class (Linux table, row 5 (b)).

use std::os::fd::{AsRawFd, OwnedFd, RawFd};

use super::super::inherited::Inherit;
use super::lookup::anchored_descriptor;
use super::{caller, copy_of, credentials, fstat, read_path, valid, Reply, State, PATH_MAX};
use super::{RESOLVE_BENEATH, RESOLVE_NO_MAGICLINKS};
use crate::rights::Limits;

/// `PROC_SUPER_MAGIC` (include/uapi/linux/magic.h).
const PROC_SUPER_MAGIC: i64 = 0x9fa0;

/// The flags openat(2) takes (fs/fcntl.c `VALID_OPEN_FLAGS`); it drops
/// others, where openat2(2) would refuse them (`EINVAL`).
const VALID_OPEN_FLAGS: i32 = libc::O_ACCMODE
    | libc::O_CREAT
    | libc::O_EXCL
    | libc::O_NOCTTY
    | libc::O_TRUNC
    | libc::O_APPEND
    | libc::O_NONBLOCK
    | libc::O_SYNC
    | libc::O_DSYNC
    | libc::O_ASYNC
    | libc::O_DIRECT
    | libc::O_LARGEFILE
    | libc::O_DIRECTORY
    | libc::O_NOFOLLOW
    | libc::O_NOATIME
    | libc::O_CLOEXEC
    | libc::O_PATH
    | libc::O_TMPFILE;

/// The mode bits openat(2) keeps (`S_IALLUGO`).
const S_IALLUGO: u64 = 0o7777;

/// The caller's openat(2) in `req`, through a descriptor of a directory
/// whose pool is `inherit`'s: opened here and installed at a number of
/// the pool that is free ([`Reply::Sent`]); [`Reply::Continue`]
/// for what the caller must open itself (module docs); `EMFILE` when
/// every number of the pool is in use (checked before anything is made);
/// `EACCES` for a directory beneath no preopened one whose rights hold
/// the pool's (module docs).
pub(super) fn open(
    l: RawFd,
    req: &libc::seccomp_notif,
    state: &mut State,
    inherit: Inherit,
) -> Result<Reply, i32> {
    let pool = inherit.pool;
    let args = req.data.args;
    let tid = req.pid as libc::pid_t;
    let flags = args[2] as u32 as i32 & VALID_OPEN_FLAGS;
    let pidfd = caller(tid)?;
    valid(l, req)?;
    let mut path = [0u8; PATH_MAX];
    let len = read_path(tid, args[1], &mut path)?;
    if len == 0 {
        return Err(libc::ENOENT);
    }
    let dir = copy_of(&pidfd, args[0])?;
    let slot = state.free_slot(tid, pool).ok_or(libc::EMFILE)?;
    let opened = {
        let _as_caller = state.as_caller(tid)?;
        anchored_descriptor(dir.as_raw_fd(), state)?;
        super::walked::walk_open(dir.as_raw_fd(), &path[..len], flags)?;
        if super::anchored(dir.as_raw_fd(), &state.anchors.ids).is_err() {
            // A directory neither preopened nor beneath one (handed in,
            // then put on a pool number with dup2(2)): the caller opens
            // beneath it under Landlock, which confines it by place.
            return Ok(Reply::Continue);
        }
        if !beneath_as_wide(dir.as_raw_fd(), state, &inherit.limits) {
            return Err(super::RIGHTS_ERRNO);
        }
        // The caller's mask, once a process has changed one after entry;
        // until then the supervisor's own is the caller's.
        let umask = if creates(flags) && state.umask_changed {
            let proc = state.proc.as_ref().ok_or(super::RIGHTS_ERRNO)?;
            Some(credentials::umask_of(proc.as_raw_fd(), tid)?)
        } else {
            None
        };
        let mode = args[3] & S_IALLUGO;
        let path = &path[..=len];
        match open_beneath(dir.as_raw_fd(), path, flags, mode, umask)? {
            Opened::File(fd) => Ok(fd),
            Opened::Caller => return Ok(Reply::Continue),
            Opened::Lease if flags & libc::O_NONBLOCK != 0 => return Err(libc::EWOULDBLOCK),
            // Forked here, with the caller's credentials taken on.
            Opened::Lease => Err(wait_for_lease(
                l, req, &dir, path, flags, mode, umask, slot,
            )?),
        }
    };
    let opened = match opened {
        Ok(fd) => fd,
        Err(waiter) => {
            state.reserve(slot, waiter);
            return Ok(Reply::Sent);
        }
    };
    let sent = install(l, req, &opened, slot, flags & libc::O_CLOEXEC != 0)?;
    state.record_installed(slot, &opened, inherit.limits);
    Ok(sent)
}

/// How often a child waiting for a lease to be broken tries the open
/// again, and looks whether its caller is still waiting (ms).
const LEASE_RETRY_MS: i32 = 100;

/// Hands an open that waits for a lease to be broken to a child of the
/// supervisor (`super::waiter`: clone(2) with `CLONE_PIDFD`, as fork(2) of the
/// single-threaded supervisor, which must never wait itself), as the
/// caller's open would wait (fs/locks.c `__break_lease`: the lease holder
/// gets its signal at the first try, and the open waits until the lease
/// is given up or `lease-break-time` has passed, proc(5)). The child
/// tries the open again every [`LEASE_RETRY_MS`] until it is no longer
/// refused for a lease, then installs the descriptor at `slot` and
/// answers the call itself (`SECCOMP_IOCTL_NOTIF_ADDFD` with
/// `SECCOMP_ADDFD_FLAG_SEND`, or `SECCOMP_IOCTL_NOTIF_SEND`: any holder
/// of the listener may), and exits; it exits at once when its caller is
/// gone (killed: the notification is no longer valid). The parent gets
/// the child's pidfd, to keep `slot` for it until it has exited
/// ([`State::reserve`]); `SIGCHLD` is ignored, so it leaves no zombie.
#[allow(clippy::too_many_arguments)]
fn wait_for_lease(
    l: RawFd,
    req: &libc::seccomp_notif,
    dir: &OwnedFd,
    path: &[u8],
    flags: i32,
    mode: u64,
    umask: Option<libc::mode_t>,
    slot: RawFd,
) -> Result<OwnedFd, i32> {
    if let Some(child) = super::waiter()? {
        return Ok(child);
    }
    let answer = loop {
        if valid(l, req).is_err() {
            // SAFETY: _exit(2) of the child: its caller is gone.
            unsafe { libc::_exit(0) }
        }
        // SAFETY: poll(2) of no descriptor, as a sleep.
        unsafe { libc::poll(std::ptr::null_mut(), 0, LEASE_RETRY_MS) };
        match open_beneath(dir.as_raw_fd(), path, flags, mode, umask) {
            Ok(Opened::Lease) => continue,
            Ok(Opened::File(fd)) => {
                // Answered by the install, or not at all: the caller is
                // gone or was interrupted (seccomp_unotify(2)).
                let _ = install(l, req, &fd, slot, flags & libc::O_CLOEXEC != 0);
                break Ok(Reply::Sent);
            }
            Ok(Opened::Caller) => break Ok(Reply::Continue),
            Err(e) => break Err(e),
        }
    };
    super::waiter_done(l, req, answer)
}

/// What [`open_beneath`] opened.
enum Opened {
    /// The file, to install.
    File(OwnedFd),
    /// Nothing: the caller opens it itself (module docs).
    Caller,
    /// Nothing yet: a lease is to be broken first (fcntl(2)
    /// `F_SETLEASE`; the `O_NONBLOCK` open answered `EWOULDBLOCK`, and the
    /// lease holder has been told, fs/locks.c `__break_lease`).
    Lease,
}

/// The pool of an openat(2) in `req` through a directory in no class (an
/// `O_PATH` one the caller opened itself, which `SECCOMP_IOCTL_NOTIF_ADDFD`
/// could not install): the pool of the narrowest preopened directory it
/// lies beneath (whose rights are within every other's there: Capsicum
/// gives it the rights of the one it was opened from, at least as wide),
/// so that a file opened through it holds no more than a file opened
/// beneath that directory. `None` when it is no directory, lies beneath
/// none, or beneath several none of which is the narrowest (the caller
/// opens it, Landlock confining it by place: row 5 (b)).
pub(super) fn place_of(req: &libc::seccomp_notif, state: &State) -> Result<Option<Inherit>, i32> {
    let tid = req.pid as libc::pid_t;
    let pidfd = caller(tid)?;
    let dir = copy_of(&pidfd, req.data.args[0])?;
    if fstat(dir.as_raw_fd()).is_none_or(|st| st.st_mode & libc::S_IFMT != libc::S_IFDIR) {
        return Ok(None);
    }
    let way = {
        let _as_caller = state.as_caller(tid)?;
        super::way_up(dir.as_raw_fd())?
    };
    let anchors = &state.anchors;
    let above: Vec<&Limits> = way
        .iter()
        .flat_map(|id| {
            anchors
                .ids
                .iter()
                .zip(&anchors.limits)
                .filter(move |(a, _)| *a == id)
                .map(|(_, l)| l)
        })
        .collect();
    let narrowest = above
        .iter()
        .find(|l| above.iter().all(|o| super::super::judge::within(l, o)));
    Ok(narrowest.and_then(|l| state.inherits.iter().find(|i| i.limits == **l).copied()))
}

/// Whether directory `dir` is, or lies beneath, a preopened directory
/// whose rights hold all of `limits`' (the pool's): what Landlock lets the
/// program do there covers what the pool's rights let it ask, so the
/// supervisor, outside Landlock, opens nothing beneath `dir` that the
/// caller could not. A directory of a place with fewer rights (an
/// `O_PATH` one, in no class, opened beneath a narrower directory and
/// put on a wider pool's number with dup2(2), which the filter allows as
/// a narrowing) is refused: Capsicum gives it, and what is opened
/// beneath it, the narrower directory's rights.
fn beneath_as_wide(dir: RawFd, state: &State, limits: &Limits) -> bool {
    let anchors = &state.anchors;
    super::anchored_by(dir, |id| {
        anchors
            .ids
            .iter()
            .zip(&anchors.limits)
            .any(|(a, l)| a == id && l.rights.contains(limits.rights))
    })
    .is_ok()
}

/// Whether openat(2) flags `flags` make a file (`O_CREAT`, `O_TMPFILE`).
fn creates(flags: i32) -> bool {
    flags & libc::O_CREAT != 0 || flags & libc::O_TMPFILE == libc::O_TMPFILE
}

/// Opens NUL-terminated `path` beneath `dir` as openat(2) with `flags`
/// and `mode` would (module docs); `umask`, for a file it may make.
fn open_beneath(
    dir: RawFd,
    path: &[u8],
    flags: i32,
    mode: u64,
    umask: Option<libc::mode_t>,
) -> Result<Opened, i32> {
    if flags & libc::O_PATH != 0 {
        // SECCOMP_IOCTL_NOTIF_ADDFD takes its descriptor with fget(),
        // which skips `O_PATH` files (fs/file.c `__fget`: `FMODE_PATH`):
        // `EBADF`.
        return Ok(Opened::Caller);
    }
    // An exclusive creation opens nothing that was there (open(2):
    // `EEXIST` for any name, a final symbolic link not followed): what it
    // opens is the regular file it made, and needs no look.
    let exclusive = flags & (libc::O_CREAT | libc::O_EXCL) == libc::O_CREAT | libc::O_EXCL;
    if !exclusive {
        // What is there, opened as nothing (`O_PATH`): a FIFO, a device
        // or a socket is left to the caller before any open of it.
        let look = libc::O_PATH | (flags & (libc::O_NOFOLLOW | libc::O_DIRECTORY));
        match beneath(dir, path, look, 0) {
            Ok(found) if !plain(found.as_raw_fd()) => return Ok(Opened::Caller),
            Ok(_) => {}
            Err(libc::ENOENT) if flags & libc::O_CREAT != 0 => {}
            Err(e) => return Err(e),
        }
    }
    let _umask = umask.map(Umask::set);
    let mode = if creates(flags) { mode } else { 0 };
    let opened = match beneath(dir, path, flags | libc::O_NONBLOCK | libc::O_NOCTTY, mode) {
        Ok(fd) => fd,
        // A FIFO put there meanwhile, with no reader: a file swapped for
        // what the look found (`EAGAIN`, below).
        Err(libc::ENXIO) => return Err(libc::EAGAIN),
        // A lease to break (open(2) with `O_NONBLOCK`: `EWOULDBLOCK`),
        // which the caller's open would wait for ([`wait_for_lease`]),
        // not left to the caller, whose own open would give a descriptor
        // in no class (one of a file it leases itself included).
        Err(libc::EWOULDBLOCK) => return Ok(Opened::Lease),
        Err(e) => return Err(e),
    };
    if !exclusive && !plain(opened.as_raw_fd()) {
        // Swapped between the look and the open (a rename over it): the
        // caller, who would look again, is not left to open what is
        // there then.
        return Err(libc::EAGAIN);
    }
    if flags & libc::O_NONBLOCK == 0 {
        // The status flags F_SETFL sets, as the caller's open would have
        // left them: `O_NONBLOCK` off (fcntl(2); `O_ASYNC` is not set by
        // open(2) either).
        let status = flags & (libc::O_APPEND | libc::O_DIRECT | libc::O_NOATIME);
        // SAFETY: fcntl(2) F_SETFL of our own descriptor.
        unsafe { libc::fcntl(opened.as_raw_fd(), libc::F_SETFL, status) };
    }
    Ok(Opened::File(opened))
}

/// Whether `fd` is a regular file or a directory outside procfs: what an
/// open by another process opens the same.
pub(super) fn plain(fd: RawFd) -> bool {
    fstat(fd).is_some_and(|st| matches!(st.st_mode & libc::S_IFMT, libc::S_IFREG | libc::S_IFDIR))
        && !on_proc(fd)
}

/// Whether `fd` lies on procfs (fstatfs(2); unknown counts as procfs).
fn on_proc(fd: RawFd) -> bool {
    // SAFETY: all-zero is a valid statfs; fstatfs(2) fills it.
    let mut sfs: libc::statfs = unsafe { std::mem::zeroed() };
    // SAFETY: fstatfs(2) into a live buffer.
    if unsafe { libc::fstatfs(fd, &mut sfs) } != 0 {
        return true;
    }
    sfs.f_type as i64 == PROC_SUPER_MAGIC
}

/// openat2(2) of NUL-terminated `path` beneath `dir` with `flags` (plus
/// `O_CLOEXEC`: the copy is the supervisor's) and `mode`, walking as
/// Capsicum walks (`EXDEV` answered as `EACCES`, as [`super::walk`]);
/// tried again on `EAGAIN` (a rename elsewhere during the walk; or a lease
/// an `O_NONBLOCK` open would wait for, which stays `EAGAIN`), at most
/// 16 times.
fn beneath(dir: RawFd, path: &[u8], flags: i32, mode: u64) -> Result<OwnedFd, i32> {
    let resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
    match super::openat2_mode(dir, path, flags | libc::O_CLOEXEC, mode, resolve) {
        Err(libc::EXDEV) => Err(super::RIGHTS_ERRNO),
        other => other,
    }
}

/// The supervisor's umask set to a caller's for as long as it lives.
struct Umask(libc::mode_t);

impl Umask {
    fn set(caller: libc::mode_t) -> Umask {
        // SAFETY: umask(2) takes an integer and answers the old mask.
        Umask(unsafe { libc::umask(caller) })
    }
}

impl Drop for Umask {
    fn drop(&mut self) {
        // SAFETY: as above.
        unsafe { libc::umask(self.0) };
    }
}

/// Installs `fd` at number `slot` of the caller of `req` (free, or
/// holding a placeholder, which it replaces) and answers the call with
/// that number, in one step; `cloexec`: with `FD_CLOEXEC`.
pub(super) fn install(
    l: RawFd,
    req: &libc::seccomp_notif,
    fd: &OwnedFd,
    slot: RawFd,
    cloexec: bool,
) -> Result<Reply, i32> {
    let addfd = libc::seccomp_notif_addfd {
        id: req.id,
        flags: (libc::SECCOMP_ADDFD_FLAG_SETFD | libc::SECCOMP_ADDFD_FLAG_SEND) as u32,
        srcfd: fd.as_raw_fd() as u32,
        newfd: slot as u32,
        newfd_flags: if cloexec { libc::O_CLOEXEC as u32 } else { 0 },
    };
    // SAFETY: ADDFD reads one seccomp_notif_addfd; the caller receives a
    // copy of `fd` (ours is closed when dropped).
    let r = unsafe { libc::ioctl(l, libc::SECCOMP_IOCTL_NOTIF_ADDFD, &addfd) };
    if r < 0 {
        // The caller is gone, or interrupted before the answer: nothing
        // was installed (seccomp_unotify(2)).
        return Err(std::io::Error::last_os_error()
            .raw_os_error()
            .unwrap_or(libc::EBADF));
    }
    Ok(Reply::Sent)
}
