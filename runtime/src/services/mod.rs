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
//! The handles here are platform-free. Each backend's channel implements
//! `ChannelOps`, the one surface the handles call; a backend that lacks a
//! service answers `ErrorKind::Unsupported`.

use std::io;
use std::net::{IpAddr, SocketAddr};
use std::os::fd::{BorrowedFd, OwnedFd};
use std::path::{Path, PathBuf};

use crate::decl::{DnsLimits, Family, GrpLimits, NetLimits, PwdLimits, SysctlLimits};

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

/// A service channel created in step 5 (libcasper `cap_channel_t` on
/// FreeBSD, a broker socket on Linux).
#[doc(hidden)]
#[derive(Debug)]
pub struct Channel(pub(crate) crate::backend::Channel);

/// A handle built from a service channel by the generated code.
#[doc(hidden)]
pub trait Service: Sized {
    /// Wraps the channel step 5 created for this service.
    fn from_channel(channel: Channel) -> Self;
}

/// An entry of the password database; fields the limits leave out are `None`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct User {
    /// `pw_name`.
    pub name: Option<String>,
    /// `pw_passwd`.
    pub passwd: Option<String>,
    /// `pw_uid`.
    pub uid: Option<u32>,
    /// `pw_gid`.
    pub gid: Option<u32>,
    /// `pw_gecos`.
    pub gecos: Option<String>,
    /// `pw_dir`.
    pub dir: Option<PathBuf>,
    /// `pw_shell`.
    pub shell: Option<PathBuf>,
}

/// An entry of the group database; fields the limits leave out are `None`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Group {
    /// `gr_name`.
    pub name: Option<String>,
    /// `gr_passwd`.
    pub passwd: Option<String>,
    /// `gr_gid`.
    pub gid: Option<u32>,
    /// `gr_mem`.
    pub members: Option<Vec<String>>,
}

/// A lookup in the password or group database.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DbQuery<'a> {
    /// `getpwnam` / `getgrnam`.
    ByName(&'a str),
    /// `getpwuid` / `getgrgid`.
    ById(u32),
    /// `getpwent` / `getgrent` until the end: every entry the limits allow.
    All,
}

/// The result of `fileargs_lstat`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileStat {
    /// Size in bytes.
    pub size: u64,
    /// `st_mode`.
    pub mode: u32,
    /// `st_uid`.
    pub uid: u32,
    /// `st_gid`.
    pub gid: u32,
    /// `st_mtime` in seconds.
    pub mtime: i64,
}

/// The socket kinds `net` can bind or connect.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SocketKind {
    /// `SOCK_STREAM` (TCP).
    Stream,
    /// `SOCK_DGRAM` (UDP).
    Datagram,
}

/// What a backend's service channel provides: one method per libcasper
/// operation the handles expose, and one `*_limit` per service to narrow its
/// limits (never widen: the service refuses with `ENOTCAPABLE` or `EPERM`).
///
/// A channel answers only the operations of the service it was opened for;
/// others fail with `ErrorKind::Unsupported`.
#[allow(dead_code)] // each backend uses the part its services need
pub(crate) trait ChannelOps {
    /// `cap_getaddrinfo` (`system.dns`, `system.net`).
    fn lookup_host(&self, host: &str, family: Option<Family>) -> io::Result<Vec<IpAddr>>;
    /// `cap_getaddrinfo` with a service (`system.net`).
    fn lookup_service(
        &self,
        host: &str,
        service: &str,
        family: Option<Family>,
    ) -> io::Result<Vec<SocketAddr>>;
    /// `cap_getnameinfo` (`system.dns`, `system.net`).
    fn lookup_addr(&self, addr: IpAddr) -> io::Result<String>;
    /// `cap_dns_type_limit` + `cap_dns_family_limit`.
    fn dns_limit(&self, limits: &DnsLimits) -> io::Result<()>;

    /// `cap_connect` on a new socket: a connected socket.
    fn net_connect(&self, addr: SocketAddr, kind: SocketKind) -> io::Result<OwnedFd>;
    /// `cap_bind` on a new socket: a bound socket (not yet listening).
    fn net_bind(&self, addr: SocketAddr, kind: SocketKind) -> io::Result<OwnedFd>;
    /// `cap_net_limit`.
    fn net_limit(&self, limits: &NetLimits) -> io::Result<()>;

    /// `cap_getpwnam` / `cap_getpwuid` / `cap_getpwent`.
    fn users(&self, query: DbQuery<'_>) -> io::Result<Vec<User>>;
    /// `cap_pwd_limit_cmds` + `_fields` + `_users`.
    fn pwd_limit(&self, limits: &PwdLimits) -> io::Result<()>;
    /// `cap_getgrnam` / `cap_getgrgid` / `cap_getgrent`.
    fn groups(&self, query: DbQuery<'_>) -> io::Result<Vec<Group>>;
    /// `cap_grp_limit_cmds` + `_fields` + `_groups`.
    fn grp_limit(&self, limits: &GrpLimits) -> io::Result<()>;

    /// `cap_sysctlbyname` read.
    fn sysctl_get(&self, name: &str) -> io::Result<Vec<u8>>;
    /// `cap_sysctlbyname` write.
    fn sysctl_set(&self, name: &str, value: &[u8]) -> io::Result<()>;
    /// `cap_sysctl_limit`.
    fn sysctl_limit(&self, limits: &SysctlLimits) -> io::Result<()>;

    /// `cap_openlog`.
    fn syslog_open(&self, ident: &str, option: i32, facility: i32) -> io::Result<()>;
    /// `cap_syslog`.
    fn syslog(&self, priority: i32, message: &str) -> io::Result<()>;
    /// `cap_closelog`.
    fn syslog_close(&self) -> io::Result<()>;
    /// `cap_setlogmask`: returns the previous mask.
    fn syslog_set_mask(&self, mask: i32) -> io::Result<i32>;

    /// `fileargs_open`: a descriptor with the declared flags and rights.
    fn fileargs_open(&self, path: &Path) -> io::Result<OwnedFd>;
    /// `fileargs_lstat`.
    fn fileargs_lstat(&self, path: &Path) -> io::Result<FileStat>;
    /// `fileargs_realpath`.
    fn fileargs_realpath(&self, path: &Path) -> io::Result<PathBuf>;

    /// The socket under the channel (`cap_sock`), for tests that talk to the
    /// service process directly; `None` where there is none to show.
    fn socket(&self) -> Option<BorrowedFd<'_>> {
        None
    }
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
                $crate::services::ChannelOps::socket(&self.channel.0)
            }
        }
    };
}
use service_handle;

/// The channel of a backend that provides no service (the unsupported
/// backend, FreeBSD without the `casper` feature): no value of it exists,
/// since opening a service fails first.
#[derive(Debug)]
pub(crate) enum NoChannel {}

impl ChannelOps for NoChannel {
    fn lookup_host(&self, _: &str, _: Option<Family>) -> io::Result<Vec<IpAddr>> {
        match *self {}
    }
    fn lookup_service(&self, _: &str, _: &str, _: Option<Family>) -> io::Result<Vec<SocketAddr>> {
        match *self {}
    }
    fn lookup_addr(&self, _: IpAddr) -> io::Result<String> {
        match *self {}
    }
    fn dns_limit(&self, _: &DnsLimits) -> io::Result<()> {
        match *self {}
    }
    fn net_connect(&self, _: SocketAddr, _: SocketKind) -> io::Result<OwnedFd> {
        match *self {}
    }
    fn net_bind(&self, _: SocketAddr, _: SocketKind) -> io::Result<OwnedFd> {
        match *self {}
    }
    fn net_limit(&self, _: &NetLimits) -> io::Result<()> {
        match *self {}
    }
    fn users(&self, _: DbQuery<'_>) -> io::Result<Vec<User>> {
        match *self {}
    }
    fn pwd_limit(&self, _: &PwdLimits) -> io::Result<()> {
        match *self {}
    }
    fn groups(&self, _: DbQuery<'_>) -> io::Result<Vec<Group>> {
        match *self {}
    }
    fn grp_limit(&self, _: &GrpLimits) -> io::Result<()> {
        match *self {}
    }
    fn sysctl_get(&self, _: &str) -> io::Result<Vec<u8>> {
        match *self {}
    }
    fn sysctl_set(&self, _: &str, _: &[u8]) -> io::Result<()> {
        match *self {}
    }
    fn sysctl_limit(&self, _: &SysctlLimits) -> io::Result<()> {
        match *self {}
    }
    fn syslog_open(&self, _: &str, _: i32, _: i32) -> io::Result<()> {
        match *self {}
    }
    fn syslog(&self, _: i32, _: &str) -> io::Result<()> {
        match *self {}
    }
    fn syslog_close(&self) -> io::Result<()> {
        match *self {}
    }
    fn syslog_set_mask(&self, _: i32) -> io::Result<i32> {
        match *self {}
    }
    fn fileargs_open(&self, _: &Path) -> io::Result<OwnedFd> {
        match *self {}
    }
    fn fileargs_lstat(&self, _: &Path) -> io::Result<FileStat> {
        match *self {}
    }
    fn fileargs_realpath(&self, _: &Path) -> io::Result<PathBuf> {
        match *self {}
    }
}
