//! Rights inherited beneath a directory: a descriptor opened beneath a
//! directory descriptor holds that directory's rights (rights(4): "the
//! new descriptor inherits the rights of the directory descriptor";
//! FreeBSD's `kern_openat`, sys/kern/vfs_syscalls.c, installs the new
//! file with `nd.ni_filecaps`, the rights namei(9) found on the directory
//! capability; capability-fd.cc TEST(Capability, Inheritance)).
//!
//! Rights live with descriptor numbers here (fds.rs): each rights set of a
//! preopened directory holding `lookup` (and of a `limits(...)` set
//! holding it, for a directory limited after entry) gets a pool of
//! numbers at setup ([`fds::Pool`], each holding a placeholder,
//! slots.rs), whose class in the filter holds the set's limits (cut to
//! what a descriptor outside every class may use, as every pool's). The
//! supervisor answers openat(2) through a descriptor of such a directory
//! itself (`supervise/opened.rs`): it walks the path, opens the file
//! beneath its copy of the directory with the caller's credentials and
//! umask, and installs it at a number of the pool that holds a
//! placeholder (`SECCOMP_IOCTL_NOTIF_ADDFD`, seccomp_unotify(2)), so the
//! new descriptor holds the directory's rights from its first use on, a
//! directory opened beneath included, and the files beneath that one in
//! turn.

use std::sync::{Mutex, PoisonError};

use crate::rights::Limits;

use super::fds::Pool;

/// How many descriptors opened beneath directories of one rights set may
/// be open at once (`EMFILE` beyond, as for a `limits(...)` set).
pub(crate) const POOL_SIZE: u32 = 64;

/// How many copies (dup(2), fcntl(2) `F_DUPFD`) of the descriptors of a
/// rights set no directory holds may be open at once.
pub(crate) const COPIES_POOL_SIZE: u32 = 16;

/// Where a descriptor opened through a directory descriptor goes: the
/// numbers `lo..=hi` of the directories (and of the pools) whose rights
/// a descriptor opened beneath inherits, and the pool it goes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Inherit {
    /// First number of the directory descriptors.
    pub lo: u32,
    /// Last number.
    pub hi: u32,
    /// The pool whose numbers a descriptor opened beneath one of them
    /// takes.
    pub pool: Pool,
    /// The limits of the pool's rights set (before they are cut to what
    /// a descriptor outside every class may use).
    pub limits: Limits,
}

/// Every [`Inherit`], fixed at entry (read by the supervisor, forked
/// then).
static INHERITS: Mutex<Vec<Inherit>> = Mutex::new(Vec::new());

/// Records where descriptors opened beneath numbers `lo..=hi` go: the
/// pool of rights set `limits`.
pub(crate) fn register(lo: u32, hi: u32, pool: Pool, limits: Limits) {
    INHERITS
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(Inherit {
            lo,
            hi,
            pool,
            limits,
        });
}

/// Every [`Inherit`] recorded.
pub(crate) fn all() -> Vec<Inherit> {
    INHERITS
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clone()
}

/// The rights sets whose directories get a pool: those holding `lookup`
/// (without it nothing is opened beneath), each once.
pub(crate) fn sets<'a>(limits: impl IntoIterator<Item = &'a Limits>) -> Vec<Limits> {
    let mut out: Vec<Limits> = Vec::new();
    for l in limits {
        if l.rights.allows(crate::rights::Right::Lookup) && !out.contains(l) {
            out.push(*l);
        }
    }
    out
}
