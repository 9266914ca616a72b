//! The attempts of the narrowing group: a descriptor limited after entry
//! (`limits(...)`, cap_rights_limit(2)) never gets a right back. Copies
//! (dup(2), `F_DUPFD`) keep its limits; dup2(2)/dup3(2) to an unclassed
//! number or into a pool with more rights, limiting again to a set with
//! rights it lacks,
//! using it beyond its set, and using a pool number whose descriptor was
//! closed (it holds a placeholder) are refused.

use std::os::fd::{IntoRawFd, OwnedFd, RawFd};

use super::*;
use crate::sys::*;

/// A fresh memfd holding `"x"` at offset 0 (the offset left at 0).
fn memfd() -> io::Result<OwnedFd> {
    let fd = rustix::fs::memfd_create("narrowing", rustix::fs::MemfdFlags::CLOEXEC)?;
    sys!(libc::pwrite(
        std::os::fd::AsRawFd::as_raw_fd(&fd),
        b"x".as_ptr().cast(),
        1,
        0
    ))?;
    Ok(fd)
}

/// A fresh memfd limited to `set`: its number.
fn limited(f: &Fds, set: Set) -> io::Result<RawFd> {
    Ok((f.limit)(memfd()?, set)?.into_raw_fd())
}

/// A number of `set`'s pool whose descriptor was closed (raw close(2)).
fn closed_slot(f: &Fds, set: Set) -> io::Result<RawFd> {
    let n = limited(f, set)?;
    sys!(libc::close(n))?;
    Ok(n)
}

fn read_one(fd: RawFd) -> Attempt {
    let mut b = [0u8; 8];
    let n = sys!(libc::read(fd, b.as_mut_ptr().cast(), b.len()))?;
    Ok(format!("{n} bytes"))
}

use std::io;

pub(super) const CASES: &[(&str, Probe)] = &[
    // A copy holds the set's limits (dup(2): Capsicum copies the rights
    // along; here the supervisor puts it into a pool of those limits):
    // writing through it is refused as through the original.
    ("narrowing_dup", |f| {
        let n = limited(f, Set::Reading)?;
        let d = sys!(libc::dup(n))?;
        sys!(libc::write(d, b"x".as_ptr().cast(), 1))?;
        Ok(format!("wrote through the copy at {d}"))
    }),
    ("narrowing_f_dupfd", |f| {
        let n = limited(f, Set::Reading)?;
        let d = sys!(libc::fcntl(n, libc::F_DUPFD_CLOEXEC, 0))?;
        sys!(libc::write(d, b"x".as_ptr().cast(), 1))?;
        Ok(format!("wrote through the copy at {d}"))
    }),
    ("narrowing_dup2_unclassed", |f| {
        let n = limited(f, Set::Reading)?;
        let d = sys!(libc::dup2(n, 300))?;
        Ok(format!("copied to {d}"))
    }),
    ("narrowing_dup3_wider_pool", |f| {
        let n = limited(f, Set::Reading)?;
        let w = limited(f, Set::Wider)?;
        sys!(libc::dup3(n, w, libc::O_CLOEXEC))?;
        Ok(format!("copied into {w}, which may write"))
    }),
    ("narrowing_limit_again_wider", |f| {
        let n = (f.limit)(memfd()?, Set::Reading)?;
        let w = (f.limit)(n, Set::Wider)?;
        Ok(format!("limited again to more at {}", w.into_raw_fd()))
    }),
    ("narrowing_write_beyond", |f| {
        let n = limited(f, Set::Reading)?;
        write_text(n, "escaped")
    }),
    ("narrowing_fstat_beyond", |f| {
        fstat(limited(f, Set::Reading)?)
    }),
    ("narrowing_read_within", |f| {
        read_one(limited(f, Set::Reading)?)
    }),
    ("narrowing_again_within", |f| {
        let w = (f.limit)(memfd()?, Set::Wider)?;
        let n = (f.limit)(w, Set::Reading)?;
        read_one(n.into_raw_fd())
    }),
    ("placeholder_write", |f| {
        write_text(closed_slot(f, Set::Reading)?, "escaped")
    }),
    ("placeholder_lookup", |f| {
        let n = closed_slot(f, Set::Reading)?;
        let fd = sys!(libc::openat(n, c"x".as_ptr(), libc::O_RDONLY))?;
        Ok(format!("opened {fd}"))
    }),
    ("placeholder_fstat", |f| {
        fstat(closed_slot(f, Set::Reading)?)
    }),
    ("placeholder_read", |f| {
        read_one(closed_slot(f, Set::Wider)?)
    }),
];
