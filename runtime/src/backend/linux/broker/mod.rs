//! The service broker: a process forked before entry (step 5) that carries
//! out service requests within the declared limits, libcasper's design on
//! Linux.
//!
//! - One broker per program, one `SOCK_SEQPACKET` socket pair per declared
//!   service (unix(7)); descriptors travel as `SCM_RIGHTS`.
//! - The broker starts only from a single-threaded process (fork(2) copies
//!   one thread), dies with the program (`PR_SET_PDEATHSIG` and end-of-file
//!   on every socket), keeps no descriptor but its sockets and stderr, and
//!   confines itself with the backend's confinement (no_new_privs,
//!   Landlock, the capability-mode seccomp filter, `../confine.rs`) widened
//!   only by what its services need (`policy.rs`) before it answers
//!   anything (`start.rs`).
//! - Every message from the sandbox is hostile (`serve.rs`); limits can be
//!   narrowed from inside and never widened (`limits.rs`). A request outside
//!   the limits fails with [`VIOLATION`] (`EPERM`).
//! - Round trips cost about a hundred direct opens, so `fileargs` avoids
//!   them: names known at start are opened before entry (`O_NONBLOCK`
//!   probe, regular files only, and only when the flags neither create nor
//!   truncate) and the first `open` of each name takes that descriptor
//!   without a round trip; later opens ask the broker, which answers with a
//!   spare descriptor of the same name that the next open takes without a
//!   round trip, and opens its next descriptor of that name between
//!   requests (one round trip per two repeated opens).
//! - One thread per channel (`serve.rs`), blocked in `recvmsg`: no poll(2)
//!   on the path of a request.
//! - The program's end of each channel is the service contract's
//!   transport (`channel.rs`); messages are the contract's requests and
//!   replies (`wire.rs`); one file per service answers them (`dns.rs`,
//!   `net.rs`, `db.rs`, `sysctl.rs`, `syslog.rs`, `fileargs.rs`), as
//!   `freebsd/casper/` does with libcasper.

mod channel;
mod db;
mod dns;
mod fileargs;
mod limits;
mod net;
mod policy;
mod serve;
mod start;
mod sysctl;
mod syslog;
mod wire;

pub(crate) use channel::Channel;
pub(crate) use start::{start, Starting};
pub(crate) use syslog::SOCKET_VAR as SYSLOG_SOCKET_VAR;

/// The errno of a request outside the limits, and of a limit that would
/// widen them: `EPERM`, Linux's nearest to FreeBSD's `ENOTCAPABLE`.
pub(crate) const VIOLATION: i32 = libc::EPERM;
