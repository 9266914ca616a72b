//! `system.net`: lookups limited to the declared hosts and families, and
//! sockets the broker binds or connects to the declared addresses before
//! handing them over (cap_net(3)).

use std::collections::HashSet;
use std::net::{IpAddr, SocketAddr};
use std::os::fd::OwnedFd;

use rustix::net::{AddressFamily, SocketFlags, SocketType};

use crate::decl::{NetLimits, NetMode};
use crate::services::contract::{Reply, Request, SocketKind};

use super::dns::{family_of, lookup_addr, lookup_host, lookup_service};
use super::limits::{allows, narrow};
use super::VIOLATION;

/// The state of one `system.net` channel.
#[derive(Debug)]
pub(crate) struct Net {
    pub(crate) limits: NetLimits,
    /// Addresses lookups returned and the host each came from, for
    /// `connectdns`: all of them for the channel's life, as cap_net.c's
    /// `capdnscache` keeps every address (`net_add_sockaddr_to_cache`).
    pub(crate) resolved: HashSet<(IpAddr, String)>,
}

impl Net {
    fn mode(&self, mode: NetMode) -> bool {
        self.limits.allows_mode(mode)
    }

    /// cap_net.c `net_allowed_hosts`: a `(host, service)` pair allows a
    /// lookup when each half is unset (`_`) or equal. A lookup that names
    /// no service is made with the services declared for its host (as the
    /// FreeBSD backend sends them to cap_net), so only the host half
    /// decides it.
    fn host_allowed(&self, host: &str, service: Option<&str>) -> bool {
        self.limits.hosts.is_empty()
            || self.limits.hosts.iter().any(|(h, s)| {
                h.as_deref().is_none_or(|h| h == host)
                    && (service.is_none() || s.as_deref().is_none_or(|s| Some(s) == service))
            })
    }

    /// Remembers the addresses a lookup of `host` returned, for
    /// `connectdns`.
    fn remember(&mut self, host: &str, addrs: impl IntoIterator<Item = IpAddr>) {
        for a in addrs {
            self.resolved.insert((a, host.to_owned()));
        }
    }

    pub(crate) fn handle(&mut self, request: Request<'_>) -> Result<Reply, i32> {
        Ok(match request {
            Request::LookupHost { host, family } => {
                if !self.mode(NetMode::NameToAddr) || !self.host_allowed(host, None) {
                    return Err(VIOLATION);
                }
                let addrs = lookup_host(host, family, &self.limits.families)?;
                self.remember(host, addrs.iter().copied());
                Reply::Addrs(addrs)
            }
            Request::LookupService {
                host,
                service,
                family,
            } => {
                if !self.mode(NetMode::NameToAddr) || !self.host_allowed(host, Some(service)) {
                    return Err(VIOLATION);
                }
                let addrs = lookup_service(host, service, family, &self.limits.families)?;
                self.remember(host, addrs.iter().map(SocketAddr::ip));
                Reply::SockAddrs(addrs)
            }
            Request::LookupAddr { addr } => {
                if !self.mode(NetMode::AddrToName)
                    || !allows(&self.limits.families, &family_of(addr))
                {
                    return Err(VIOLATION);
                }
                Reply::Name(lookup_addr(addr)?)
            }
            Request::NetConnect { addr, kind } => {
                let listed = self.mode(NetMode::Connect) && allows(&self.limits.connect, &addr);
                // As cap_net: an address a lookup returned, on a port the
                // looked-up host's `hosts` entries allow (cap_net caches
                // each address with the port of the lookup's service).
                let looked_up = self.limits.modes.contains(&NetMode::ConnectDns)
                    && self.resolved.iter().any(|(ip, host)| {
                        *ip == addr.ip() && port_allowed(&self.limits, host, addr.port(), kind)
                    });
                if !listed && !looked_up {
                    return Err(VIOLATION);
                }
                let fd = socket(addr, kind)?;
                rustix::net::connect(&fd, &addr).map_err(|e| e.raw_os_error())?;
                Reply::Fd(fd)
            }
            Request::NetBind { addr, kind } => {
                if !self.mode(NetMode::Bind) || !allows(&self.limits.bind, &addr) {
                    return Err(VIOLATION);
                }
                let fd = socket(addr, kind)?;
                rustix::net::bind(&fd, &addr).map_err(|e| e.raw_os_error())?;
                Reply::Fd(fd)
            }
            Request::NetLimit { limits: new } => {
                let mut next = self.limits.clone();
                narrow(&mut next.modes, &new.modes)?;
                narrow(&mut next.hosts, &new.hosts)?;
                narrow(&mut next.families, &new.families)?;
                narrow(&mut next.bind, &new.bind)?;
                narrow(&mut next.connect, &new.connect)?;
                self.limits = next;
                Reply::Done(())
            }
            _ => return Err(libc::EOPNOTSUPP),
        })
    }
}

/// Whether `hosts` allows `host` on `port`: any port when an entry allows
/// any service, else the port of a declared service (a number, or a name
/// of services(5)).
fn port_allowed(l: &NetLimits, host: &str, port: u16, kind: SocketKind) -> bool {
    match l.services_for(host) {
        None => true,
        Some(services) => services.iter().any(|s| service_port(s, kind) == Some(port)),
    }
}

/// The port of service `name` (getaddrinfo(3) with no host: a number, or
/// the services(5) entry for the socket's protocol).
fn service_port(name: &str, kind: SocketKind) -> Option<u16> {
    if let Ok(port) = name.parse() {
        return Some(port);
    }
    let name = std::ffi::CString::new(name).ok()?;
    // SAFETY: addrinfo is plain data; all-zero is an empty hint.
    let mut hints: libc::addrinfo = unsafe { std::mem::zeroed() };
    hints.ai_family = libc::AF_INET;
    hints.ai_socktype = match kind {
        SocketKind::Stream => libc::SOCK_STREAM,
        SocketKind::Datagram => libc::SOCK_DGRAM,
    };
    let mut res: *mut libc::addrinfo = std::ptr::null_mut();
    // SAFETY: no host, a NUL-terminated service, valid hints and result.
    if unsafe { libc::getaddrinfo(std::ptr::null(), name.as_ptr(), &hints, &mut res) } != 0 {
        return None;
    }
    // SAFETY: a successful getaddrinfo gives at least one entry whose
    // address is a sockaddr_in (AF_INET asked); the list is freed once.
    unsafe {
        let sin = std::ptr::read_unaligned((*res).ai_addr.cast::<libc::sockaddr_in>());
        libc::freeaddrinfo(res);
        Some(u16::from_be(sin.sin_port))
    }
}

fn socket(addr: SocketAddr, kind: SocketKind) -> Result<OwnedFd, i32> {
    let family = match addr {
        SocketAddr::V4(_) => AddressFamily::INET,
        SocketAddr::V6(_) => AddressFamily::INET6,
    };
    let kind = match kind {
        SocketKind::Stream => SocketType::STREAM,
        SocketKind::Datagram => SocketType::DGRAM,
    };
    rustix::net::socket_with(family, kind, SocketFlags::CLOEXEC, None).map_err(|e| e.raw_os_error())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// cap_net.c `net_add_sockaddr_to_cache` never forgets an address: the
    /// first of thousands looked up still passes `connectdns`.
    #[test]
    fn connectdns_remembers_every_address_looked_up() {
        let mut net = Net {
            limits: NetLimits::default(),
            resolved: HashSet::new(),
        };
        let first = IpAddr::from([10, 0, 0, 1]);
        net.remember("first", [first]);
        for i in 0..4096u32 {
            net.remember("many", [IpAddr::from((0x0b00_0000 + i).to_be_bytes())]);
        }
        net.remember("first", [first]);
        assert_eq!(net.resolved.len(), 4097);
        assert!(net.resolved.contains(&(first, "first".to_owned())));
    }
}
