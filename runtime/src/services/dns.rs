//! `system.dns`: host name to address and address to host name lookups,
//! limited to the declared types (`name2addr`, `addr2name`) and families
//! (`inet`, `inet6`) — cap_dns(3).

use std::io;
use std::net::IpAddr;

use super::contract::Request;
use super::{service_handle, Channel};
use crate::decl::{DnsLimits, Family};

/// `system.dns`: name and address lookups.
///
/// ```no_run
/// use sandboxed::sandboxed;
/// use sandboxed::services::Dns;
///
/// #[sandboxed(services(dns(types = [name2addr], families = [inet])))]
/// fn main(dns: Dns) -> std::io::Result<()> {
///     for addr in dns.lookup_host("localhost")? {
///         println!("{addr}");
///     }
///     Ok(())
/// }
/// ```
#[derive(Debug)]
pub struct Dns {
    channel: Channel,
}

service_handle!(Dns);

impl Dns {
    /// The addresses of `host` (getaddrinfo(3)) in the allowed families,
    /// each once. With `families` declared, those of the first declared
    /// family come first, then the next's (libcasper refuses `AF_UNSPEC`
    /// once families are limited, cap_dns.c `dns_allowed_family`, so a
    /// lookup is one cap_getaddrinfo(3) per family; Linux does the same);
    /// without, the resolver's order. Needs `name2addr`.
    pub fn lookup_host(&self, host: &str) -> io::Result<Vec<IpAddr>> {
        self.channel.ask(Request::LookupHost { host, family: None })
    }

    /// The addresses of `host` in `family` only. Needs `name2addr` and
    /// `family` among the allowed families.
    pub fn lookup_host_in(&self, host: &str, family: Family) -> io::Result<Vec<IpAddr>> {
        self.channel.ask(Request::LookupHost {
            host,
            family: Some(family),
        })
    }

    /// The host name of `addr` (getnameinfo(3) with `NI_NAMEREQD`). Needs
    /// `addr2name` and the address's family among the allowed families.
    pub fn lookup_addr(&self, addr: IpAddr) -> io::Result<String> {
        self.channel.ask(Request::LookupAddr { addr })
    }

    /// Narrows the limits (`cap_dns_type_limit`, `cap_dns_family_limit`).
    /// An empty list keeps that kind of limit as it is; a type or family
    /// not allowed now fails with the capability error.
    pub fn limit(&self, limits: &DnsLimits) -> io::Result<()> {
        self.channel.ask(Request::DnsLimit {
            limits: limits.clone(),
        })
    }
}
