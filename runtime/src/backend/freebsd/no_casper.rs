//! libcasper(3) services when `sandboxed` is built without its `casper`
//! feature: none. Declaring a service is a start-up error that names the
//! service and the feature, before anything is entered.

use std::io;
use std::net::{IpAddr, SocketAddr};
use std::os::fd::OwnedFd;
use std::path::{Path, PathBuf};

use crate::decl::{DbLimits, DnsLimits, Family, NetLimits, ServiceDecl, SysctlLimits};
use crate::error::Error;
use crate::services::{ChannelOps, DbQuery, FileStat, Group, SocketKind, User};

/// No channel can exist without libcasper.
#[derive(Debug)]
pub(crate) enum Channel {}

/// Refuses any declared service.
pub(super) fn open(services: &[ServiceDecl]) -> Result<Vec<Channel>, Error> {
    match services.first() {
        None => Ok(Vec::new()),
        Some(s) => Err(Error::Service {
            service: s.service_name(),
            syscall: "libcasper",
            source: io::Error::new(
                io::ErrorKind::Unsupported,
                "sandboxed was built without its `casper` feature; \
                 enable it (`features = [\"casper\"]`) to use libcasper services",
            ),
        }),
    }
}

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
