//! Service handles: what `services(...)` declarations become. Each handle
//! talks to a service process created before entry (libcasper on FreeBSD,
//! the broker on Linux) that enforces the declared limits.
//!
//! | declaration | handle | methods |
//! |---|---|---|
//! | `dns(types, families)` | [`Dns`] | `lookup_host`, `lookup_addr`, `limit` |
//! | `net(modes, hosts, families, bind, connect)` | [`Net`] | `lookup_host`, `lookup_addr`, `connect`, `connect_udp`, `bind_udp`, `listen`, `limit` |
//! | `pwd(cmds, fields, users)` | [`Pwd`] | `user_by_name`, `user_by_uid`, `users`, `limit` |
//! | `grp(cmds, fields, groups)` | [`Grp`] | `group_by_name`, `group_by_gid`, `groups`, `limit` |
//! | `sysctl(read, write, recursive)` | [`Sysctl`] | `get`, `get_string`, `set`, `limit` |
//! | `syslog` | [`Syslog`] | `open`, `log`, `close`, `set_mask` |
//! | `fileargs(args(N..), flags, rights, operations)` | [`FileArgs<R>`] | `open`, `lstat`, `realpath` |
//!
//! # Limits and their error
//!
//! Limits are declared at compile time and enforced by the service process,
//! not by the sandboxed program: a request outside them fails with the
//! capability error of the platform — `ENOTCAPABLE` on FreeBSD (libcasper),
//! `EPERM` on Linux (the broker). [`is_violation`](crate::is_violation)
//! recognizes both. A handle's `limit(..)` narrows its limits from inside
//! the sandbox; a limit that would widen them fails with the same error and
//! changes nothing.
//!
//! Other errors: a malformed request `EINVAL`, an oversized one `EMSGSIZE`,
//! an operation of another service `EOPNOTSUPP` (`ErrorKind::Unsupported`),
//! a service process that is gone `EPIPE`.
//!
//! The handles here are platform-free: each method sends one request of
//! the service contract (`contract.rs`) over its channel, which each
//! backend implements as a transport; a backend that lacks a service
//! answers `ErrorKind::Unsupported`.
pub(crate) mod contract;
mod dns;
mod fileargs;
mod net;
mod pwd;
mod sysctl;
mod syslog;

pub use dns::Dns;
pub use fileargs::FileArgs;
pub use net::Net;
pub use pwd::{Grp, Pwd};
pub use sysctl::Sysctl;
pub use syslog::Syslog;

pub use contract::{DbQuery, FileStat, Group, SocketKind, User};

use std::io;

use contract::{FromReply, Request, Transport};

/// A service channel created in step 5 (libcasper `cap_channel_t` on
/// FreeBSD, a broker socket on Linux).
#[doc(hidden)]
#[derive(Debug)]
pub struct Channel(pub(crate) crate::backend::Channel);

impl Channel {
    /// The service's answer to `request`, as the value the operation
    /// answers.
    fn ask<T: FromReply>(&self, request: Request<'_>) -> io::Result<T> {
        self.0.ask(request)
    }
}

/// A handle built from a service channel by the generated code.
#[doc(hidden)]
pub trait Service: Sized {
    /// Wraps the channel step 5 created for this service.
    fn from_channel(channel: Channel) -> Self;
}

/// Implements [`Service`] and the hidden socket accessor for a handle whose
/// only field is `channel: Channel`.
macro_rules! service_handle {
    ($name:ident $(<$r:ident>)?) => {
        impl$(<$r: $crate::rights::RightsMarker>)? $crate::services::Service for $name$(<$r>)? {
            fn from_channel(channel: $crate::services::Channel) -> Self {
                $name {
                    channel,
                    $(rights: ::std::marker::PhantomData::<fn() -> $r>,)?
                }
            }
        }

        impl$(<$r: $crate::rights::RightsMarker>)? $name$(<$r>)? {
            /// The socket under this handle's channel, for tests that send the
            /// service process hostile messages. Not a public API.
            #[doc(hidden)]
            pub fn __socket(&self) -> Option<::std::os::fd::BorrowedFd<'_>> {
                $crate::services::contract::Transport::socket(&self.channel.0)
            }
        }
    };
}
use service_handle;
