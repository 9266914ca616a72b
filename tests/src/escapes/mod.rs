//! The attempts of the escape suite, run by `escape_probe` INSIDE the
//! sandbox, one file per promise. Each case tries one thing and returns
//! what the kernel said; the harness ([`crate::harness`]) decides whether
//! that is the documented answer and checks that nothing changed outside.
//!
//! The world a case finds is built by the harness before the probe starts:
//! see [`crate::harness::World`] for the layout and the environment
//! variables. Raw system calls go through libc (this is the FFI edge of the
//! test suite); system calls libc has no wrapper for use `syscall(2)`
//! numbers of x86_64.

use std::os::fd::RawFd;

/// The preopened descriptors, as the attribute handed them to `main`.
#[derive(Clone, Copy, Debug)]
pub struct Fds {
    /// `dir`: a directory with lookup, read, write, create and the `*at`
    /// rights (fstatat, fchmodat, fchownat, futimesat, mkdirat, unlinkat,
    /// renameat, linkat, symlinkat), `extattr_set`, `extattr_delete` and
    /// `ioctl`.
    pub dir: RawFd,
    /// `rodir`: a directory with `[lookup, read, fstat]` only.
    pub rodir: RawFd,
    /// `ro`: a file with `[read]` only.
    pub ro: RawFd,
    /// `wo`: a file opened for writing with `[write]` only.
    pub wo: RawFd,
    /// `rw`: a file opened read-write with `[read, write, seek, fstat,
    /// mmap_r, ioctls(fionread), fcntls(getfl)]`.
    pub rw: RawFd,
    /// `narrowed`: a file OPENED read-write but declared `[read]`: the
    /// backend must reopen it read-only.
    pub narrowed: RawFd,
    /// Limits a descriptor to one of the probe's `limits(...)` sets after
    /// entry (`sandboxed::rights::limit`); the baseline hands it back
    /// unchanged.
    pub limit: fn(std::os::fd::OwnedFd, Set) -> std::io::Result<std::os::fd::OwnedFd>,
}

/// The probe's `limits(...)` sets.
#[derive(Clone, Copy, Debug)]
pub enum Set {
    /// `Reading = [read]`.
    Reading,
    /// `Wider = [read, write, seek, fstat]`.
    Wider,
}

/// One attempt, on the preopened descriptors.
pub type Probe = fn(&Fds) -> Attempt;

pub use crate::sys::{outcome_line, Attempt};

/// The descriptor the harness hands in as a connected TCP stream.
pub const HANDED_TCP: RawFd = 3;
/// The descriptor the harness hands in as an unconnected UDP socket.
pub const HANDED_UDP: RawFd = 4;
/// The descriptor the harness hands in as a listening TCP socket with one
/// connection waiting.
pub const HANDED_LISTENER: RawFd = 5;
/// The descriptor the harness hands in as a pidfd of the victim process.
pub const HANDED_PIDFD: RawFd = 6;

mod calls;
mod changed;
mod children;
mod differences;
mod inherited;
mod kernel;
mod lookups;
mod namespaces;
mod narrowing;
mod network;
mod opens;
mod processes;
mod raced;
mod rights;
mod signals;
mod supervisor;

/// The cases, by name, promise by promise. The harness's table names the
/// same cases with the documented answer; `cases_agree` in
/// tests/tests/escape.rs checks the two lists match.
const SECTIONS: &[&[(&str, Probe)]] = &[
    namespaces::CASES,
    raced::CASES,
    processes::CASES,
    children::CASES,
    signals::CASES,
    network::CASES,
    kernel::CASES,
    rights::CASES,
    inherited::CASES,
    differences::CASES,
    narrowing::CASES,
    supervisor::CASES,
    lookups::CASES,
    opens::CASES,
    changed::CASES,
];

/// Every case.
pub fn all() -> impl Iterator<Item = &'static (&'static str, Probe)> {
    SECTIONS.iter().flat_map(|s| s.iter())
}

/// Runs `case` on `fds`; `None` if there is no such case.
pub fn run(case: &str, fds: &Fds) -> Option<Attempt> {
    all().find(|(name, _)| *name == case).map(|(_, f)| f(fds))
}
