//! The service contract: every operation a handle can ask of a service, as
//! one [`Request`] enum, and every answer, as one [`Reply`] enum. Handles
//! (`services/*.rs`) build requests and read replies; each backend's
//! [`Transport`] carries a request to its service and brings the reply
//! back: a libcasper call on FreeBSD (`backend/freebsd/casper/`), a message
//! to the broker process on Linux (`backend/linux/broker/`), where one file
//! per service answers the requests of that service in each backend.
//!
//! The lists of requests and replies are macros ([`requests!`],
//! [`replies!`]) so that the enums here and the Linux broker's message
//! format (`broker/wire.rs`) are expanded from the one list. Adding an
//! operation is: a line in `requests!` (and in `replies!` if it answers a
//! new kind of value), the handle method that sends it, and an arm in the
//! service's file of each backend.
//!
//! This module depends on nothing in the crate but the declarations
//! (`decl.rs`): handles above it, transports below.

use std::io;
use std::net::{IpAddr, SocketAddr};
use std::os::fd::{BorrowedFd, OwnedFd};
use std::path::{Path, PathBuf};

use crate::decl::{DnsLimits, Family, GrpLimits, NetLimits, PwdLimits, SysctlAccess};

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

/// Every request, each with its number in the Linux broker's messages,
/// the libcasper call it stands for, and what it answers. Expands
/// `$then! { .. }` with the list; a service answers only its own requests
/// (another's gets `ErrorKind::Unsupported`), and a limit never widens
/// (the capability error, nothing changed).
macro_rules! requests {
    ($then:ident) => {
        $then! {
            /// cap_getaddrinfo(3) of a host (`system.dns`, `system.net`):
            /// `Addrs`.
            1 LookupHost { host: &'a str, family: Option<Family> },
            /// cap_getaddrinfo(3) of a service on a host (`system.net`):
            /// `SockAddrs`.
            21 LookupService { host: &'a str, service: &'a str, family: Option<Family> },
            /// cap_getnameinfo(3) (`system.dns`, `system.net`): `Name`.
            2 LookupAddr { addr: IpAddr },
            /// cap_dns_type_limit(3) and cap_dns_family_limit(3): `Done`.
            3 DnsLimit { limits: DnsLimits },
            /// cap_connect(3) of a new socket: `Fd`, connected.
            4 NetConnect { addr: SocketAddr, kind: SocketKind },
            /// cap_bind(3) of a new socket: `Fd`, bound, not listening.
            5 NetBind { addr: SocketAddr, kind: SocketKind },
            /// cap_net_limit(3): `Done`.
            6 NetLimit { limits: NetLimits },
            /// cap_getpwnam(3), cap_getpwuid(3), cap_getpwent(3): `Users`.
            7 Users { query: DbQuery<'a> },
            /// cap_pwd_limit_cmds(3), `_fields`, `_users`: `Done`.
            8 PwdLimit { limits: PwdLimits },
            /// cap_getgrnam(3), cap_getgrgid(3), cap_getgrent(3): `Groups`.
            9 Groups { query: DbQuery<'a> },
            /// cap_grp_limit_cmds(3), `_fields`, `_groups`: `Done`.
            10 GrpLimit { limits: GrpLimits },
            /// cap_sysctlbyname(3), reading: `Bytes`.
            11 SysctlGet { name: &'a str },
            /// cap_sysctlbyname(3), writing: `Done`.
            12 SysctlSet { name: &'a str, value: &'a [u8] },
            /// cap_sysctl_limit(3) (an empty list keeps the limits): `Done`.
            13 SysctlLimit { entries: Vec<(&'a str, SysctlAccess)> },
            /// cap_openlog(3): `Done`.
            14 SyslogOpen { ident: &'a str, option: i32, facility: i32 },
            /// cap_syslog(3): `Done`.
            15 Syslog { priority: i32, message: &'a str },
            /// cap_closelog(3): `Done`.
            16 SyslogClose {},
            /// cap_setlogmask(3): `Mask`, the previous one.
            17 SyslogSetMask { mask: i32 },
            /// fileargs_open(3): `Fd`, opened with the declared flags and
            /// limited to the declared rights.
            18 FileOpen { path: &'a Path },
            /// fileargs_lstat(3): `Stat`.
            19 FileLstat { path: &'a Path },
            /// fileargs_realpath(3): `Path`.
            20 FileRealpath { path: &'a Path },
        }
    };
}
#[allow(unused_imports)] // where no backend encodes messages
pub(crate) use requests;

/// Every kind of successful answer, each with its number in the Linux
/// broker's messages. Expands `$then! { .. }` with the list. Each variant
/// holds a different type, which is how a handle names the reply it
/// expects ([`FromReply`]).
macro_rules! replies {
    ($then:ident) => {
        $then! {
            /// The operation is done.
            0 Done(()),
            /// Addresses of a host.
            1 Addrs(Vec<IpAddr>),
            /// Addresses and ports of a service.
            9 SockAddrs(Vec<SocketAddr>),
            /// A host name.
            2 Name(String),
            /// Password database entries.
            3 Users(Vec<User>),
            /// Group database entries.
            4 Groups(Vec<Group>),
            /// A sysctl's value.
            5 Bytes(Vec<u8>),
            /// A log mask.
            6 Mask(i32),
            /// A file's status.
            7 Stat(FileStat),
            /// A descriptor the service opened (on Linux it travels as
            /// `SCM_RIGHTS`, beside the message).
            8 Fd(OwnedFd),
            /// A resolved path.
            10 Path(PathBuf),
        }
    };
}
#[allow(unused_imports)] // where no backend encodes messages
pub(crate) use replies;

macro_rules! request_enum {
    ($($(#[$doc:meta])* $code:literal $variant:ident { $($field:ident: $ty:ty),* $(,)? },)*) => {
        /// One operation asked of a service, borrowing what it sends.
        #[derive(Clone, Debug, PartialEq, Eq)]
        pub(crate) enum Request<'a> {
            $($(#[$doc])* $variant { $($field: $ty),* },)*
        }

        impl Request<'_> {
            /// The variant's name, for errors.
            pub(crate) fn operation(&self) -> &'static str {
                match self {
                    $(Request::$variant { .. } => stringify!($variant),)*
                }
            }
        }
    };
}
requests!(request_enum);

macro_rules! reply_enum {
    ($($(#[$doc:meta])* $code:literal $variant:ident($ty:ty),)*) => {
        /// A service's successful answer.
        #[derive(Debug)]
        #[allow(dead_code)] // made by the backends that provide services
        pub(crate) enum Reply {
            $($(#[$doc])* $variant($ty),)*
        }

        $(impl FromReply for $ty {
            fn from_reply(reply: Reply) -> Option<Self> {
                match reply {
                    Reply::$variant(value) => Some(value),
                    #[allow(unreachable_patterns)]
                    _ => None,
                }
            }
        })*
    };
}
replies!(reply_enum);

/// The value a reply carries, for the operation that answers it.
pub(crate) trait FromReply: Sized {
    /// The value, or `None` for a reply of another kind.
    fn from_reply(reply: Reply) -> Option<Self>;
}

impl Request<'_> {
    /// The error of a service asked for another's operation.
    #[allow(dead_code)] // the broker answers `EOPNOTSUPP` instead
    pub(crate) fn unsupported(&self, service: &str) -> io::Error {
        io::Error::new(
            io::ErrorKind::Unsupported,
            format!("a `{service}` channel has no `{}`", self.operation()),
        )
    }
}

/// What carries requests to a service and its replies back: each
/// backend's service channel.
pub(crate) trait Transport {
    /// The service's answer to `request`: its reply, or the error it
    /// answered (the capability error for a request outside the limits).
    fn call(&self, request: Request<'_>) -> io::Result<Reply>;

    /// The socket under the channel (`cap_sock`), for tests that talk to
    /// the service process directly; `None` where there is none to show.
    fn socket(&self) -> Option<BorrowedFd<'_>> {
        None
    }

    /// [`call`](Self::call), with the reply's value: a reply of another
    /// kind than the operation answers is `EIO`.
    fn ask<T: FromReply>(&self, request: Request<'_>) -> io::Result<T>
    where
        Self: Sized,
    {
        T::from_reply(self.call(request)?).ok_or_else(|| io::Error::from_raw_os_error(libc::EIO))
    }
}
