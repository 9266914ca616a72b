//! Systems without a sandbox this crate knows how to drive. Nothing is
//! enforced: `on_unsupported = "deny"` (the default) refuses to run, `"warn"`
//! runs with a warning. Services cannot be provided.

use std::io;
use std::os::fd::OwnedFd;

use crate::decl::{Plan, ServiceDecl, Stdio};
use crate::error::{Error, Failure};
use crate::rights::Limits;
use crate::steps::Backend;

/// No service channel exists here.
pub(crate) type Channel = crate::services::NoChannel;

/// The backend that enforces nothing.
#[derive(Debug, Default)]
pub(crate) struct Native;

impl Native {
    /// Nothing is enforced, so nothing is traced either.
    pub(crate) fn with_trace(_: crate::trace::Mode) -> Self {
        Native
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

/// Never: nothing is enforced here.
pub(crate) fn is_sandboxed() -> bool {
    false
}

/// Never: nothing is denied here.
pub(crate) fn is_violation(_: &io::Error) -> bool {
    false
}

/// Compartments need a sandbox for the child to enter: none here.
pub(crate) mod compartment {
    use std::fs::File;
    use std::io;

    /// How a child ended.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub(crate) enum Exit {
        /// `_exit(code)`.
        Code(i32),
        /// Killed by this signal.
        Signal(i32),
    }

    /// No child can exist.
    #[derive(Debug)]
    pub(crate) enum Child {}

    /// Always `Unsupported`: the child could not be confined.
    pub(crate) fn spawn(_: impl FnOnce(File) -> i32) -> io::Result<(Child, File)> {
        Err(io::Error::new(
            io::ErrorKind::Unsupported,
            "no sandbox on this system for a compartment",
        ))
    }

    impl Child {
        pub(crate) fn wait(self) -> io::Result<Exit> {
            match self {}
        }
    }
}

/// Runs one `*at()` call of a [`Dir`](crate::Dir) as it is: there is no
/// refusal to report beyond the call's own error (nothing is enforced here;
/// FreeBSD's trap sees Capsicum's refusals itself).
pub(crate) fn beneath<T>(
    _dirfd: i32,
    _syscall: &'static str,
    _path: &std::path::Path,
    _flags: Option<u64>,
    call: impl FnOnce() -> io::Result<T>,
) -> io::Result<T> {
    call()
}
