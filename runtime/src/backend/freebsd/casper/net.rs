//! `system.net` (cap_net(3)): lookups, and sockets the service binds or
//! connects (cap_bind(3), cap_connect(3) replace the socket given with the
//! service's, bound or connected).

use std::ffi::{c_int, c_void};
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

use super::Chan;

use super::dns::{getaddrinfo, getaddrinfo_ports, getnameinfo, Client, Lookups};
use super::limits::{self, net::Resolved, sockaddr, Nvlist};
use super::{cap_channel_t, errno, libnv, Library};
use crate::decl::{Family, NetLimits};
use crate::error::Failure;
use crate::services::contract::{Reply, Request, SocketKind};

#[link(name = "cap_net")]
extern "C" {
    /// cap_net_limit_init(3): named only as the library's anchor.
    fn cap_net_limit_init(chan: *mut cap_channel_t, mode: u64) -> *mut c_void;
    fn cap_bind(
        chan: *mut cap_channel_t,
        s: c_int,
        addr: *const libc::sockaddr,
        addrlen: libc::socklen_t,
    ) -> c_int;
    fn cap_connect(
        chan: *mut cap_channel_t,
        s: c_int,
        name: *const libc::sockaddr,
        namelen: libc::socklen_t,
    ) -> c_int;
}

/// libcap_net (`system.net`).
pub(super) const LIBRARY: Library = Library(cap_net_limit_init as *const c_void);

/// A `system.net` channel, its lookups, its limits now (as declared and as
/// sent), and the hosts the addresses it looked up came from (for
/// `connectdns`).
pub(super) struct Net {
    pub(super) chan: Chan,
    lookups: Lookups,
    limits: NetLimits,
    sent: Option<Nvlist>,
    resolved: Resolved,
}

impl Net {
    pub(super) fn open(chan: Chan, l: &NetLimits) -> Result<Net, Failure> {
        let lookups = Lookups::of(LIBRARY, Client::Net)?;
        let sent = limits::net::limits(l);
        if let Some(nvl) = &sent {
            libnv::limit_set(chan.as_ptr(), nvl)?;
        }
        Ok(Net {
            chan,
            lookups,
            limits: l.clone(),
            sent,
            resolved: Resolved::default(),
        })
    }

    /// The requests of `system.net`.
    pub(super) fn handle(&mut self, request: Request<'_>) -> io::Result<Reply> {
        Ok(match request {
            Request::LookupHost { host, family } => Reply::Addrs(self.lookup_host(host, family)?),
            Request::LookupService {
                host,
                service,
                family,
            } => Reply::SockAddrs(self.lookup_service(host, service, family)?),
            Request::LookupAddr { addr } => Reply::Name(self.lookup_addr(addr)?),
            Request::NetConnect { addr, kind } => Reply::Fd(self.connect(addr, kind)?),
            Request::NetBind { addr, kind } => Reply::Fd(self.bind(addr, kind)?),
            Request::NetLimit { limits } => Reply::Done(self.limit(&limits)?),
            other => return Err(other.unsupported("system.net")),
        })
    }

    fn lookup_host(&mut self, host: &str, family: Option<Family>) -> io::Result<Vec<IpAddr>> {
        let (chan, lookups, sent) = (self.chan.as_ptr(), self.lookups, self.sent.as_ref());
        let serv = limits::net::lookup_servname(&self.limits, host);
        let addrs = limits::dns::lookup(
            &self.limits.families,
            host,
            serv.as_deref(),
            family,
            |h, s, f| {
                if limits::net::service::refuses_lookup(sent, h, s, f) {
                    return Err(errno(libc::ENOTCAPABLE));
                }
                getaddrinfo(lookups, chan, h, s, f)
            },
        )?;
        self.resolved.remember(host, &addrs);
        Ok(addrs)
    }

    /// cap_getaddrinfo(3) of `service` on `host`: the addresses with the
    /// service's port; cap_net limits both halves (`hosts`).
    fn lookup_service(
        &mut self,
        host: &str,
        service: &str,
        family: Option<Family>,
    ) -> io::Result<Vec<SocketAddr>> {
        let (chan, lookups, sent) = (self.chan.as_ptr(), self.lookups, self.sent.as_ref());
        let addrs = limits::dns::lookup(
            &self.limits.families,
            host,
            Some(service),
            family,
            |h, s, f| {
                if limits::net::service::refuses_lookup(sent, h, s, f) {
                    return Err(errno(libc::ENOTCAPABLE));
                }
                getaddrinfo_ports(lookups, chan, h, s, f)
            },
        )?;
        let ips: Vec<IpAddr> = addrs.iter().map(SocketAddr::ip).collect();
        self.resolved.remember(host, &ips);
        Ok(addrs)
    }

    fn lookup_addr(&mut self, addr: IpAddr) -> io::Result<String> {
        getnameinfo(self.lookups, self.chan.as_ptr(), addr)
    }

    /// A new socket connected by the service; under `connectdns`, looked
    /// up again with the port when the first try is refused
    /// (`limits::net::connect`).
    fn connect(&mut self, addr: SocketAddr, kind: SocketKind) -> io::Result<OwnedFd> {
        let (chan, lookups) = (self.chan.as_ptr(), self.lookups);
        let fd = socket(addr, kind)?;
        let sa = sockaddr(addr);
        limits::net::connect(
            &self.limits,
            &self.resolved,
            addr,
            // SAFETY: `chan` is live, `fd` is open, `sa` holds a sockaddr of
            // its length.
            || match unsafe { cap_connect(chan, fd.as_raw_fd(), sa.as_ptr().cast(), sa.len() as _) }
            {
                0 => Ok(()),
                _ => Err(io::Error::last_os_error()
                    .raw_os_error()
                    .unwrap_or(libc::EIO)),
            },
            |host, serv, family| {
                // Only the service's cache matters; a refusal shows in the
                // next cap_connect.
                let _ = getaddrinfo(lookups, chan, host, Some(serv), family);
            },
        )
        .map_err(errno)?;
        Ok(fd)
    }

    /// A new socket bound by the service.
    fn bind(&mut self, addr: SocketAddr, kind: SocketKind) -> io::Result<OwnedFd> {
        let fd = socket(addr, kind)?;
        let sa = sockaddr(addr);
        // SAFETY: `chan` is live, `fd` is open, `sa` holds a sockaddr of its
        // length.
        let rc = unsafe {
            cap_bind(
                self.chan.as_ptr(),
                fd.as_raw_fd(),
                sa.as_ptr().cast(),
                sa.len() as _,
            )
        };
        if rc < 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(fd)
    }

    /// cap_limit_set(3) with the narrowed limits (`net_limit` refuses a
    /// widening).
    fn limit(&mut self, new: &NetLimits) -> io::Result<()> {
        let next = limits::net::narrowed(&self.limits, new);
        let sent = limits::net::limits(&next);
        if let Some(nvl) = &sent {
            libnv::limit_set(self.chan.as_ptr(), nvl).map_err(|f| f.error)?;
        }
        self.limits = next;
        self.sent = sent;
        Ok(())
    }
}

/// A new socket of `addr`'s family.
fn socket(addr: SocketAddr, kind: SocketKind) -> io::Result<OwnedFd> {
    let domain = match addr {
        SocketAddr::V4(_) => libc::AF_INET,
        SocketAddr::V6(_) => libc::AF_INET6,
    };
    let ty = match kind {
        SocketKind::Stream => libc::SOCK_STREAM,
        SocketKind::Datagram => libc::SOCK_DGRAM,
    };
    // SAFETY: socket(2) with constant arguments.
    let fd = unsafe { libc::socket(domain, ty | libc::SOCK_CLOEXEC, 0) };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: `fd` was just created and is owned by nobody else.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}
