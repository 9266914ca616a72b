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
//! answers). An `O_PATH` descriptor cannot be installed (fget(), which
//! `SECCOMP_IOCTL_NOTIF_ADDFD` takes its descriptor with, skips them):
//! its copy is refused (`EACCES`), as every copy of a limited descriptor
//! was.

use std::os::fd::{AsRawFd, RawFd};

use super::opened::install;
use super::{caller, copy_of, valid, Reply, State, RIGHTS_ERRNO};

/// The caller's copy in `req` (module docs).
pub(super) fn copy(l: RawFd, req: &libc::seccomp_notif, state: &mut State) -> Result<Reply, i32> {
    let args = req.data.args;
    let tid = req.pid as libc::pid_t;
    let pool = state.inherited_pool(args[0]).ok_or(RIGHTS_ERRNO)?;
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
    if unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_GETFL) } & libc::O_PATH != 0 {
        return Err(RIGHTS_ERRNO);
    }
    let slot = state.free_slot_from(tid, pool, min).ok_or(libc::EMFILE)?;
    install(l, req, &fd, slot, cloexec)
}
