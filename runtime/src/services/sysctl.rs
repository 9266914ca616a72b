//! `system.sysctl`: named entries, read or written as declared —
//! cap_sysctl(3). On Linux a name is a `/proc/sys` entry
//! (`kernel.ostype` is `/proc/sys/kernel/ostype`).

use std::io;

use super::contract::Request;
use super::{service_handle, Channel};
use crate::decl::SysctlLimits;

/// `system.sysctl`: named sysctl entries.
#[derive(Debug)]
pub struct Sysctl {
    channel: Channel,
}

service_handle!(Sysctl);

impl Sysctl {
    /// The raw value of `name`. Needs `read` access to it.
    pub fn get(&self, name: &str) -> io::Result<Vec<u8>> {
        self.channel.ask(Request::SysctlGet { name })
    }

    /// The value of `name` as text, without the trailing newline `/proc/sys`
    /// and the trailing NUL FreeBSD's string entries carry.
    pub fn get_string(&self, name: &str) -> io::Result<String> {
        let mut value = self.get(name)?;
        while matches!(value.last(), Some(b'\n' | b'\0')) {
            value.pop();
        }
        String::from_utf8(value).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
    }

    /// Writes `value` to `name`. Needs `write` access to it.
    pub fn set(&self, name: &str, value: &[u8]) -> io::Result<()> {
        self.channel.ask(Request::SysctlSet { name, value })
    }

    /// Narrows the entries and their access (`cap_sysctl_limit`).
    pub fn limit(&self, limits: &SysctlLimits) -> io::Result<()> {
        self.channel.ask(Request::SysctlLimit {
            entries: limits.entries.clone(),
        })
    }
}
