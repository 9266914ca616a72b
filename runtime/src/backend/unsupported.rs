//! Systems without a sandbox this crate knows how to drive. Nothing is
//! enforced: `on_unsupported = "deny"` (the default) refuses to run, `"warn"`
//! runs with a warning. Services cannot be provided.

use std::io;
use std::net::{IpAddr, SocketAddr};
use std::os::fd::OwnedFd;
use std::path::{Path, PathBuf};

use crate::decl::{DbLimits, DnsLimits, Family, NetLimits, Plan, ServiceDecl, Stdio, SysctlLimits};
use crate::error::{Error, Failure};
use crate::rights::Limits;
use crate::services::{ChannelOps, DbQuery, FileStat, Group, SocketKind, User};
use crate::steps::Backend;

/// No service channel exists here.
#[derive(Debug)]
pub(crate) enum Channel {}

/// Never called: no `Channel` value can exist.
impl ChannelOps for Channel {
    fn lookup_host(&self, _: &str, _: Option<Family>) -> io::Result<Vec<IpAddr>> {
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
    fn pwd_limit(&self, _: &DbLimits) -> io::Result<()> {
        match *self {}
    }
    fn groups(&self, _: DbQuery<'_>) -> io::Result<Vec<Group>> {
        match *self {}
    }
    fn grp_limit(&self, _: &DbLimits) -> io::Result<()> {
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

/// The backend that enforces nothing.
#[derive(Debug, Default)]
pub(crate) struct Native;

impl Native {
    pub(crate) fn new() -> Self {
        Native
    }
}

impl Backend for Native {
    type Channel = Channel;

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
