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
//! numbers at setup ([`fds::Pool`]; no placeholder is put there: the
//! supervisor takes a closed number as a free one, and a close is not
//! trapped), whose class in the filter holds the set's limits (cut to
//! what a descriptor outside every class may use, as every pool's: a
//! number the program frees may take the kernel's next descriptor once
//! every lower number is in use, which then holds those limits). The
//! supervisor answers openat(2) through a descriptor of such a directory
//! itself (`supervise/opened.rs`): it walks the path, opens the file
//! beneath its copy of the directory with the caller's credentials and
//! umask, and installs it at a free number of the pool
//! (`SECCOMP_IOCTL_NOTIF_ADDFD`, seccomp_unotify(2)), so the
//! new descriptor holds the directory's rights from its first use on, a
//! directory opened beneath included, and the files beneath that one in
//! turn.

use std::sync::{Mutex, PoisonError};

use crate::rights::Limits;

use super::fds::Pool;

/// How many descriptors opened beneath directories of one rights set may
/// be open at once (`EMFILE` beyond), where the descriptor table has room
/// (at most half the numbers below the limited descriptors are shared
/// out among the pools).
pub(crate) const POOL_SIZE: u32 = 256;

/// How many copies (dup(2), fcntl(2) `F_DUPFD`) of the descriptors of a
/// rights set no directory holds may be open at once.
pub(crate) const COPIES_POOL_SIZE: u32 = 64;

/// The fewest numbers a pool is given where the table is short of room.
pub(crate) const MIN_POOL_SIZE: u32 = 8;

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

/// The sizes of the pools of `beneath` directory rights sets and of
/// `copies` other sets where `room` numbers are left below the limited
/// descriptors: [`POOL_SIZE`] and [`COPIES_POOL_SIZE`] where they take at
/// most half of it, else shrunk alike to fit that half (at least
/// [`MIN_POOL_SIZE`]: the program keeps the other half for its own
/// descriptors).
pub(crate) fn sizes(beneath: usize, copies: usize, room: u32) -> (u32, u32) {
    let wanted =
        beneath as u64 * u64::from(POOL_SIZE) + copies as u64 * u64::from(COPIES_POOL_SIZE);
    let half = u64::from(room / 2);
    let fit = |size: u32| -> u32 {
        if wanted <= half {
            size
        } else {
            ((u64::from(size) * half / wanted) as u32).max(MIN_POOL_SIZE)
        }
    };
    (fit(POOL_SIZE), fit(COPIES_POOL_SIZE))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rights::{Right, RightSet};

    #[test]
    fn pools_take_at_most_half_the_room() {
        // A descriptor table of 4,096 (RLIMIT_NOFILE of 20,000 capped at
        // the block's ceiling): two directory sets and three others fit.
        assert_eq!(sizes(2, 3, 4080), (POOL_SIZE, COPIES_POOL_SIZE));
        // 1,024 (a common soft limit), ten directory sets: shrunk alike.
        let (b, c) = sizes(10, 0, 1000);
        assert!(b * 10 <= 500 && b >= MIN_POOL_SIZE, "{b}");
        assert_eq!(
            c,
            (COPIES_POOL_SIZE * 500 / (10 * POOL_SIZE)).max(MIN_POOL_SIZE)
        );
        // No room at all: the smallest, which may then not be reserved.
        assert_eq!(sizes(1, 1, 0), (MIN_POOL_SIZE, MIN_POOL_SIZE));
    }

    #[test]
    fn only_sets_holding_lookup_get_a_directory_pool_once() {
        let with = |r: &[Right]| Limits {
            rights: RightSet::of(r),
            ..Limits::default()
        };
        let a = with(&[Right::Lookup, Right::Read]);
        let b = with(&[Right::Read]);
        assert_eq!(sets([&a, &b, &a]), vec![a]);
    }
}
