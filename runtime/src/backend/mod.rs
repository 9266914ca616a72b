//! One backend per platform, picked here: the only `cfg` on the target OS in
//! the crate. Each backend module provides the same names:
//!
//! - `Native`: the [`Backend`](crate::steps::Backend) that carries out the steps;
//! - `Channel`: a service channel (libcasper `cap_channel_t`, broker socket);
//! - `is_sandboxed()`, `is_violation(&io::Error)`,
//!   `access_mode_refusal(RawFd, &io::Error)`;
//! - `beneath(..)`, `resolve_beneath(dir, path, follow_last)`: how a
//!   [`Dir`](crate::Dir) call is made (reported, and walked as Capsicum
//!   walks where the kernel does not);
//! - `compartment::{spawn, Child, Ended}`: fork with a pipe back, for
//!   [`compartment`](crate::compartment()) (shared by Linux and FreeBSD in
//!   `unix/`, which needs each one's `close_from(fd)`), and how a child
//!   ended ([`Ended`], the same everywhere, defined here).

#[cfg(target_os = "freebsd")]
mod freebsd;
#[cfg(target_os = "freebsd")]
use freebsd as imp;

// Elsewhere, the parts of the FreeBSD backend that are plain data (the
// limits of libcasper's services and the models of their checks, the trap
// records' layout and names, the ktrace file) compile for their tests, at
// the same module paths; the FreeBSD code that uses them does not.
#[cfg(all(test, not(target_os = "freebsd")))]
#[allow(dead_code)]
mod freebsd {
    pub(super) mod casper {
        pub(crate) mod limits;
    }
    mod trap;
}

// The Linux backend's seccomp filters are written for x86_64 system call
// numbers; other architectures get the unsupported backend.
#[cfg(all(target_os = "linux", target_arch = "x86_64"))]
mod linux;
#[cfg(all(target_os = "linux", target_arch = "x86_64"))]
use linux as imp;

// POSIX code Linux and FreeBSD share.
#[cfg(any(
    all(target_os = "linux", target_arch = "x86_64"),
    target_os = "freebsd"
))]
mod unix;

#[cfg_attr(
    any(
        all(target_os = "linux", target_arch = "x86_64"),
        target_os = "freebsd"
    ),
    allow(dead_code)
)]
mod unsupported;
#[cfg(not(any(
    all(target_os = "linux", target_arch = "x86_64"),
    target_os = "freebsd"
)))]
use unsupported as imp;

pub(crate) use imp::{
    access_mode_refusal, beneath, compartment, is_sandboxed, is_violation, limit_after,
    resolve_beneath, Channel, Native,
};

/// How a compartment's child ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
// Only the backends that fork make one.
#[cfg_attr(
    not(any(
        all(target_os = "linux", target_arch = "x86_64"),
        target_os = "freebsd"
    )),
    allow(dead_code)
)]
pub(crate) enum Exit {
    /// `_exit(code)`.
    Code(i32),
    /// Killed by this signal.
    Signal(i32),
}

/// A child's end and the CPU time it used (`ru_utime + ru_stime` of its
/// `struct rusage`, getrusage(2)).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Ended {
    /// How it ended.
    pub exit: Exit,
    /// The processor time it used, user and system.
    pub cpu: std::time::Duration,
}
