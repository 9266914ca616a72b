//! Systems without a sandbox this crate knows how to drive. Nothing is
//! enforced: `on_unsupported = "deny"` (the default) refuses to run, `"warn"`
//! runs with a warning. Services cannot be provided.

use std::io;
use std::os::fd::OwnedFd;

use crate::decl::{Plan, ServiceDecl, Stdio};
use crate::error::{Error, Failure};
use crate::rights::Limits;
use crate::services::contract::{Reply, Request, Transport};
use crate::steps::Backend;

/// The channel of a backend that provides no service (this one, FreeBSD
/// without the `casper` feature): no value of it exists, since opening a
/// service fails first.
#[derive(Debug)]
pub(crate) enum Channel {}

impl Transport for Channel {
    fn call(&self, _: Request<'_>) -> io::Result<Reply> {
        match *self {}
    }
}

/// The backend that enforces nothing.
#[derive(Debug, Default)]
pub(crate) struct Native;

impl Native {
    /// Nothing is enforced, so nothing is traced either.
    pub(crate) fn with_trace(_: crate::trace::Mode) -> Self {
        Native
    }
}

impl Native {
    /// Nothing to limit: nothing is enforced here.
    pub(crate) fn limit_at(&mut self, _: std::os::fd::RawFd, _: &Limits) -> Result<(), Failure> {
        Ok(())
    }
}

impl Backend for Native {
    type Channel = Channel;
    type Gap = String;

    fn trace_mode(&self) -> crate::trace::Mode {
        crate::trace::Mode::Off
    }

    fn missing(&mut self, _: &Plan) -> Vec<String> {
        vec![format!(
            "no capability mode on {} (sandboxed supports FreeBSD and Linux)",
            std::env::consts::OS
        )]
    }

    fn limit(&mut self, fd: OwnedFd, _: &Limits) -> Result<OwnedFd, Failure> {
        Ok(fd)
    }

    fn limit_stdio(&mut self, _: Stdio, _: &Limits) -> Result<(), Failure> {
        Ok(())
    }

    fn warm_caches(&mut self) -> Result<(), Error> {
        Ok(())
    }

    fn open_services(&mut self, services: &[ServiceDecl]) -> Result<Vec<Channel>, Error> {
        match services.first() {
            None => Ok(Vec::new()),
            Some(s) => Err(Error::Service {
                service: s.service_name(),
                syscall: "cap_service_open",
                source: io::Error::from(io::ErrorKind::Unsupported),
            }),
        }
    }

    fn enter(&mut self) -> Result<(), Error> {
        Ok(())
    }
}

/// `fd` as it is: nothing is enforced here.
pub(crate) fn limit_after(fd: OwnedFd, _: &Limits) -> io::Result<OwnedFd> {
    Ok(fd)
}

/// Never: nothing is enforced here.
pub(crate) fn is_sandboxed() -> bool {
    false
}

/// Never: nothing is denied here.
pub(crate) fn is_violation(_: &io::Error) -> bool {
    false
}

/// Never: nothing is denied here.
pub(crate) fn access_mode_refusal(_: std::os::fd::RawFd, _: &io::Error) -> Option<io::Error> {
    None
}

/// Compartments need a sandbox for the child to enter: none here. The
/// names of `unix/compartment/`, with nothing that can exist (so some
/// are never built here).
#[allow(dead_code)]
pub(crate) mod compartment {
    use std::io;
    use std::os::fd::RawFd;
    use std::time::Instant;

    use crate::rights::Limits;

    pub(crate) const SETUP_TAG: u8 = 0xfd;

    fn unsupported() -> io::Error {
        io::Error::new(
            io::ErrorKind::Unsupported,
            "no sandbox on this system for a compartment",
        )
    }

    // Used where this backend is the one built.
    #[allow(unused_imports)]
    pub(crate) use super::super::{Ended, Exit};

    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
    pub(crate) struct Rlimits {
        pub cpu_seconds: Option<u64>,
        pub memory: Option<u64>,
    }

    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub(crate) enum Recv {
        Message(usize),
        Closed,
        TimedOut,
    }

    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub(crate) enum Sent {
        Done,
        TimedOut,
        Gone,
    }

    #[derive(Debug)]
    pub(crate) enum Channel {}

    impl Channel {
        pub(crate) fn send(&self, _: &[u8], _: Option<Instant>) -> io::Result<bool> {
            match *self {}
        }
        pub(crate) fn recv(&self, _: &mut [u8], _: Option<Instant>) -> io::Result<Recv> {
            match *self {}
        }
    }

    pub(crate) trait FnPointer: Copy + 'static {}
    impl<I: ?Sized + 'static, R: 'static> FnPointer for fn(&I) -> R {}

    pub(crate) type Run<A> = fn(A, Channel, bool) -> i32;
    pub(crate) type Enter = fn(&[(RawFd, Limits)]) -> Result<(), String>;

    #[derive(Clone, Copy, Debug)]
    pub(crate) struct Entry;

    impl Entry {
        pub(crate) fn new<A: FnPointer>(_: Run<A>, _: A) -> Entry {
            Entry
        }
    }

    #[derive(Clone, Copy, Debug)]
    pub(crate) struct Setup<'a> {
        pub handed: &'a [(RawFd, Limits)],
        pub rlimits: Rlimits,
        pub enter: Enter,
    }

    #[derive(Debug)]
    pub(crate) enum Peer<'z> {
        Never(std::convert::Infallible, &'z ()),
    }

    impl<'z> Peer<'z> {
        pub(crate) fn direct(_: &Setup<'_>, _: Entry, _: bool) -> io::Result<Peer<'z>> {
            Err(unsupported())
        }
        pub(crate) fn remote(
            _: &'z Zygote,
            _: Entry,
            _: bool,
            _: Rlimits,
            _: &[usize],
        ) -> io::Result<Peer<'z>> {
            Err(unsupported())
        }
        pub(crate) fn send(&mut self, _: &[u8], _: Option<Instant>) -> io::Result<Sent> {
            match self {
                Peer::Never(never, _) => match *never {},
            }
        }
        pub(crate) fn recv(&mut self, _: &mut [u8], _: Option<Instant>) -> io::Result<Recv> {
            match self {
                Peer::Never(never, _) => match *never {},
            }
        }
        pub(crate) fn finish(self) -> io::Result<Ended> {
            match self {
                Peer::Never(never, _) => match never {},
            }
        }
    }

    #[derive(Debug)]
    pub(crate) struct Zygote {
        pub handable: Vec<(RawFd, Limits)>,
    }

    impl Zygote {
        pub(crate) fn start(_: usize, _: &[(RawFd, Limits)], _: Enter) -> io::Result<Zygote> {
            Err(unsupported())
        }
    }

    pub(crate) fn single_threaded() -> Option<bool> {
        None
    }

    pub(crate) fn isolate() -> io::Result<()> {
        Err(unsupported())
    }

    pub(crate) fn forbid_forks() -> io::Result<()> {
        Err(unsupported())
    }

    pub(crate) fn children_forkless() -> bool {
        false
    }
}

/// Runs one `*at()` call of a [`Dir`](crate::Dir) as it is: there is no
/// refusal to report beyond the call's own error (nothing is enforced here;
/// FreeBSD's trap sees Capsicum's refusals itself).
pub(crate) fn beneath<T>(
    _dirfd: i32,
    _rights: crate::rights::RightSet,
    _syscall: &'static str,
    _path: &std::path::Path,
    _flags: Option<u64>,
    call: impl FnOnce() -> io::Result<T>,
) -> io::Result<T> {
    call()
}

/// The path a [`Dir`](crate::Dir) call names, as the call should see it,
/// and whether it was walked here (`None`: as written, where nothing, or
/// the kernel itself as FreeBSD's Capsicum does, confines the lookup).
pub(crate) fn resolve_beneath(
    _dir: std::os::fd::BorrowedFd<'_>,
    _path: &std::path::Path,
    _follow_last: bool,
) -> io::Result<Option<std::path::PathBuf>> {
    Ok(None)
}
