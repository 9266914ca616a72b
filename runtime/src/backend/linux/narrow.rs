//! Limiting a descriptor after entry (cap_rights_limit(2) at any time):
//! each rights set of `limits(...)` gets a pool of descriptor numbers at
//! setup (fds.rs [`Pool`]), whose class in the seccomp filter holds the
//! set's limits from entry on; limiting a descriptor is moving it onto a
//! number of its set's pool that holds a placeholder (slots.rs: pool
//! numbers are never free). The filter lets a limited descriptor be
//! moved only into a pool within its own limits (`dup2`/`dup3`, judged as
//! `Req::Into`), and copied nowhere else, so the rights only shrink.

use std::io;
use std::os::fd::OwnedFd;
use std::sync::{Mutex, PoisonError};

use crate::rights::Limits;

use super::fds::{into_pool, Pool};

/// The pool of each declared rights set, by its declared limits.
static POOLS: Mutex<Vec<(Limits, Pool)>> = Mutex::new(Vec::new());

/// Records that descriptors limited to `limits` go into `pool`.
pub(super) fn register(limits: Limits, pool: Pool) {
    let mut pools = POOLS.lock().unwrap_or_else(PoisonError::into_inner);
    if !pools.iter().any(|(l, _)| *l == limits) {
        pools.push((limits, pool));
    }
}

/// `fd` limited to `limits`: moved into the set's pool. Unchanged where
/// nothing is enforced (`SANDBOXED_TRACE=dry-run` reserves no pool).
pub(crate) fn limit_after(fd: OwnedFd, limits: &Limits) -> io::Result<OwnedFd> {
    let pool = POOLS
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .iter()
        .find(|(l, _)| l == limits)
        .map(|(_, p)| *p);
    match pool {
        Some(pool) => into_pool(fd, pool),
        None if !crate::trace::mode().enforces() => Ok(fd),
        None => Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "no rights set of `limits(...)` holds these limits: declare it in the attribute",
        )),
    }
}
