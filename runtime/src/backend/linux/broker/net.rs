//! `system.net`: lookups limited to the declared hosts and families, and
//! sockets the broker binds or connects to the declared addresses before
//! handing them over (cap_net(3)).

use std::net::{IpAddr, SocketAddr};
use std::os::fd::OwnedFd;

use rustix::net::{AddressFamily, SocketFlags, SocketType};

use crate::decl::{NetLimits, NetMode};
use crate::services::SocketKind;

use super::dns::{family_of, lookup_addr, lookup_host};
use super::limits::{allows, narrow};
use super::wire::{Reply, Request};
use super::VIOLATION;

/// Most addresses remembered for `CAPNET_CONNECTDNS` (oldest forgotten).
const MAX_RESOLVED: usize = 1024;

/// The state of one `system.net` channel.
#[derive(Debug)]
pub(crate) struct Net {
    pub(crate) limits: NetLimits,
    /// Addresses lookups returned, for `connectdns`.
    pub(crate) resolved: Vec<IpAddr>,
}

impl Net {
    fn mode(&self, mode: NetMode) -> bool {
        allows(&self.limits.modes, &mode)
    }

    pub(crate) fn handle(&mut self, request: Request) -> Result<(Reply, Option<OwnedFd>), i32> {
        let reply = match request {
            Request::LookupHost { host, family } => {
                let host_ok = self.limits.hosts.is_empty()
                    || self
                        .limits
                        .hosts
                        .iter()
                        .any(|(h, _)| h.as_deref().is_none_or(|h| h == host));
                if !self.mode(NetMode::NameToAddr) || !host_ok {
                    return Err(VIOLATION);
                }
                let addrs = lookup_host(&host, family, &self.limits.families)?;
                for a in &addrs {
                    if !self.resolved.contains(a) {
                        if self.resolved.len() == MAX_RESOLVED {
                            self.resolved.remove(0);
                        }
                        self.resolved.push(*a);
                    }
                }
                Reply::Addrs(addrs)
            }
            Request::LookupAddr(addr) => {
                if !self.mode(NetMode::AddrToName)
                    || !allows(&self.limits.families, &family_of(addr))
                {
                    return Err(VIOLATION);
                }
                Reply::Name(lookup_addr(addr)?)
            }
            Request::NetConnect(addr, kind) => {
                let listed = self.mode(NetMode::Connect) && allows(&self.limits.connect, &addr);
                let looked_up = self.limits.modes.contains(&NetMode::ConnectDns)
                    && self.resolved.contains(&addr.ip());
                if !listed && !looked_up {
                    return Err(VIOLATION);
                }
                let fd = socket(addr, kind)?;
                rustix::net::connect(&fd, &addr).map_err(|e| e.raw_os_error())?;
                return Ok((Reply::Fd, Some(fd)));
            }
            Request::NetBind(addr, kind) => {
                if !self.mode(NetMode::Bind) || !allows(&self.limits.bind, &addr) {
                    return Err(VIOLATION);
                }
                let fd = socket(addr, kind)?;
                rustix::net::bind(&fd, &addr).map_err(|e| e.raw_os_error())?;
                return Ok((Reply::Fd, Some(fd)));
            }
            Request::NetLimit(new) => {
                let mut next = self.limits.clone();
                narrow(&mut next.modes, &new.modes)?;
                narrow(&mut next.hosts, &new.hosts)?;
                narrow(&mut next.families, &new.families)?;
                narrow(&mut next.bind, &new.bind)?;
                narrow(&mut next.connect, &new.connect)?;
                self.limits = next;
                Reply::Done
            }
            _ => return Err(libc::EOPNOTSUPP),
        };
        Ok((reply, None))
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
