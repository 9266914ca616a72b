//! A copy of a descriptor of a class whose copies go to the supervisor
//! (`judge::Supervised::Copied`: dup(2), fcntl(2) `F_DUPFD`,
//! `F_DUPFD_CLOEXEC`): Capsicum copies the rights along (dup(2): "the
//! new descriptor has the same capability rights"), and rights live with
//! numbers here, so the copy is made at a number of the pool of the
//! class's limits (`inherited.rs`) that is free:
//! the supervisor takes the caller's descriptor (pidfd_getfd(2), the
//! same open file description) and installs it there
//! (`SECCOMP_IOCTL_NOTIF_ADDFD`, as `opened.rs`).
//!
//! The number is the pool's, not the lowest free one (with `F_DUPFD`, at
//! least its argument: `EMFILE` when no number of the pool is that high,
//! `EINVAL` for an argument at or above `RLIMIT_NOFILE`, as the kernel
//! answers).
//!
//! A descriptor narrowed to `O_PATH` (its rights need no open file:
//! `fds::needs_open_file`) cannot be installed as it is
//! (`SECCOMP_IOCTL_NOTIF_ADDFD` takes the supervisor's descriptor with
//! fget(), which skips `O_PATH` files: fs/file.c `__fget`, `FMODE_PATH`).
//! Its copy is a new open file description of the same file, opened for
//! reading (proc(5), /proc/self/fd/N, with the caller's credentials;
//! `O_NONBLOCK`, cleared after, so that a lease answers at once): the
//! pool's rights need no open file either, so the filter lets nothing use
//! what it is opened for, and what an `O_PATH` descriptor does (fstat(2),
//! `*at` lookups, fchdir(2)) it does alike. Only of a regular file or a
//! directory (an open of a FIFO or device acts on it), off procfs, and
//! only where the supervisor would answer the original's metadata
//! (`lookup::anchored_descriptor`: an `O_PATH` open a racing thread made
//! may be of anything). Otherwise, and where the caller may not open the
//! file for reading (a directory it may search but not list, a file
//! without read permission), the copy is refused (`EACCES`). It shares
//! no status flags with the original: an `O_PATH` description has none
//! a call could change. The open is seen outside as any open of the file
//! is: it breaks a write lease another process holds on it (fcntl(2)
//! `F_SETLEASE`; fs/locks.c `__break_lease` sends the holder `SIGIO` even
//! for an `O_NONBLOCK` open) and raises inotify and fanotify open events,
//! where Capsicum's dup(2) opens nothing (the Linux table, row 5 (a)).

use std::os::fd::{AsRawFd, OwnedFd, RawFd};

use super::super::fds::needs_open_file;
use super::lookup::anchored_descriptor;
use super::opened::{install, plain};
use super::{caller, copy_of, fstat, reopened_file, valid, Reply, State, RIGHTS_ERRNO};
use crate::rights::Limits;

/// The caller's copy in `req` (module docs).
pub(super) fn copy(l: RawFd, req: &libc::seccomp_notif, state: &mut State) -> Result<Reply, i32> {
    let args = req.data.args;
    let tid = req.pid as libc::pid_t;
    let inherit = state.inherited(args[0]).ok_or(RIGHTS_ERRNO)?;
    let pidfd = caller(tid)?;
    valid(l, req)?;
    // A closed number answers `EBADF` before the minimum is looked at
    // (fs/fcntl.c: the descriptor is taken before do_fcntl).
    let fd = copy_of(&pidfd, args[0])?;
    let (min, cloexec) = if i64::from(req.data.nr) == libc::SYS_fcntl {
        let min = args[2] as u32 as i32;
        if min < 0 || min as u64 >= state.nofile {
            return Err(libc::EINVAL);
        }
        (min, args[1] as u32 == libc::F_DUPFD_CLOEXEC as u32)
    } else {
        (0, false)
    };
    // SAFETY: fcntl(2) F_GETFL of our own copy.
    let fd = if unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_GETFL) } & libc::O_PATH != 0 {
        reopened(&fd, tid, &inherit.limits, state)?
    } else {
        fd
    };
    let slot = state
        .free_slot_from(tid, inherit.pool, min)
        .ok_or(libc::EMFILE)?;
    install(l, req, &fd, slot, cloexec)
}

/// A new open file description, for reading, of the file `O_PATH`
/// descriptor `fd` (the supervisor's copy of caller `tid`'s) names, to be
/// installed in a pool of `limits` (module docs); `EACCES` where there is
/// none to make.
fn reopened(
    fd: &OwnedFd,
    tid: libc::pid_t,
    limits: &Limits,
    state: &State,
) -> Result<OwnedFd, i32> {
    let fd = fd.as_raw_fd();
    // Rights that need an open file would use what it is opened for.
    if needs_open_file(limits.rights) || !plain(fd) {
        return Err(RIGHTS_ERRNO);
    }
    let st = fstat(fd).ok_or(RIGHTS_ERRNO)?;
    let _as_caller = state.as_caller(tid)?;
    anchored_descriptor(fd, state)?;
    let dir = st.st_mode & libc::S_IFMT == libc::S_IFDIR;
    let flags = libc::O_RDONLY
        | libc::O_NONBLOCK
        | libc::O_NOCTTY
        | if dir { libc::O_DIRECTORY } else { 0 };
    let copy = reopened_file(fd, &st, flags).ok_or(RIGHTS_ERRNO)?;
    // SAFETY: fcntl(2) F_SETFL of our own descriptor: `O_NONBLOCK` off.
    unsafe { libc::fcntl(copy.as_raw_fd(), libc::F_SETFL, 0) };
    Ok(copy)
}
