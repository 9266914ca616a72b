//! `system.dns` and the lookups of `system.net`, carried out with
//! getaddrinfo(3) and getnameinfo(3) (nsswitch: /etc/hosts, DNS).

use std::ffi::{CStr, CString};
use std::net::{IpAddr, SocketAddr};

use crate::decl::{DnsLimits, DnsType, Family};
use crate::services::contract::{Reply, Request};

use super::limits::{allows, narrow};
use super::VIOLATION;

/// glibc's `EAI_ADDRFAMILY` (netdb.h), which the libc crate lacks: the host
/// has no address in the family asked for.
const EAI_ADDRFAMILY: i32 = -9;

/// Longest host name accepted (`NI_MAXHOST`).
const MAX_HOST: usize = 1025;

/// The state of one `system.dns` channel.
#[derive(Debug)]
pub(crate) struct Dns {
    pub(crate) limits: DnsLimits,
}

impl Dns {
    pub(crate) fn handle(&mut self, request: Request<'_>) -> Result<Reply, i32> {
        match request {
            Request::LookupHost { host, family } => {
                if !allows(&self.limits.types, &DnsType::NameToAddr) {
                    return Err(VIOLATION);
                }
                lookup_host(host, family, &self.limits.families).map(Reply::Addrs)
            }
            Request::LookupAddr { addr } => {
                if !allows(&self.limits.types, &DnsType::AddrToName)
                    || !allows(&self.limits.families, &family_of(addr))
                {
                    return Err(VIOLATION);
                }
                lookup_addr(addr).map(Reply::Name)
            }
            Request::DnsLimit { limits: new } => {
                let mut next = self.limits.clone();
                narrow(&mut next.types, &new.types)?;
                narrow(&mut next.families, &new.families)?;
                self.limits = next;
                Ok(Reply::Done(()))
            }
            _ => Err(libc::EOPNOTSUPP),
        }
    }
}

pub(crate) fn family_of(addr: IpAddr) -> Family {
    match addr {
        IpAddr::V4(_) => Family::Inet,
        IpAddr::V6(_) => Family::Inet6,
    }
}

/// getaddrinfo(3) of `host` in `family` (or any), keeping only the
/// `allowed` families; each address once, in resolver order.
pub(crate) fn lookup_host(
    host: &str,
    family: Option<Family>,
    allowed: &[Family],
) -> Result<Vec<IpAddr>, i32> {
    if let Some(f) = family {
        if !allows(allowed, &f) {
            return Err(VIOLATION);
        }
    }
    // Any host is looked up, as cap_dns.c `dns_getaddrinfo` and cap_net.c
    // `net_getaddrinfo` do: an empty one has no address (`EAI_NONAME`).
    let host = CString::new(host).map_err(|_| libc::EINVAL)?;
    let ai_family = match family {
        Some(Family::Inet) => libc::AF_INET,
        Some(Family::Inet6) => libc::AF_INET6,
        None => libc::AF_UNSPEC,
    };
    let mut addrs = Vec::new();
    for sa in getaddrinfo(&host, None, ai_family)? {
        let ip = sa.ip();
        if allows(allowed, &family_of(ip)) && !addrs.contains(&ip) {
            addrs.push(ip);
        }
    }
    if addrs.is_empty() {
        return Err(libc::ENOENT);
    }
    Ok(addrs)
}

/// The error of a failed getaddrinfo / getnameinfo as an errno: a name that
/// does not exist is `ENOENT`, a temporary failure `EAGAIN`.
fn gai_errno(code: i32) -> i32 {
    match code {
        libc::EAI_NONAME | libc::EAI_NODATA | EAI_ADDRFAMILY => libc::ENOENT,
        libc::EAI_AGAIN => libc::EAGAIN,
        libc::EAI_MEMORY => libc::ENOMEM,
        libc::EAI_FAMILY => libc::EAFNOSUPPORT,
        libc::EAI_SYSTEM => std::io::Error::last_os_error()
            .raw_os_error()
            .unwrap_or(libc::EIO),
        _ => libc::EIO,
    }
}

/// getaddrinfo(3) of `service` (a name of services(5) or a port number)
/// on `host` in `family` (or any), keeping only the `allowed` families;
/// each address once, in resolver order.
pub(crate) fn lookup_service(
    host: &str,
    service: &str,
    family: Option<Family>,
    allowed: &[Family],
) -> Result<Vec<SocketAddr>, i32> {
    if let Some(f) = family {
        if !allows(allowed, &f) {
            return Err(VIOLATION);
        }
    }
    let host = CString::new(host).map_err(|_| libc::EINVAL)?;
    let service = CString::new(service).map_err(|_| libc::EINVAL)?;
    let ai_family = match family {
        Some(Family::Inet) => libc::AF_INET,
        Some(Family::Inet6) => libc::AF_INET6,
        None => libc::AF_UNSPEC,
    };
    let mut addrs = Vec::new();
    for sa in getaddrinfo(&host, Some(&service), ai_family)? {
        if allows(allowed, &family_of(sa.ip())) && !addrs.contains(&sa) {
            addrs.push(sa);
        }
    }
    if addrs.is_empty() {
        return Err(libc::ENOENT);
    }
    Ok(addrs)
}

fn getaddrinfo(host: &CStr, service: Option<&CStr>, family: i32) -> Result<Vec<SocketAddr>, i32> {
    // SAFETY: an all-zero addrinfo is the documented "no hints" value.
    let mut hints: libc::addrinfo = unsafe { std::mem::zeroed() };
    hints.ai_family = family;
    hints.ai_socktype = libc::SOCK_STREAM;
    let mut list: *mut libc::addrinfo = std::ptr::null_mut();
    let service = service.map_or(std::ptr::null(), CStr::as_ptr);
    // SAFETY: `host` and `service` (when not null) are NUL-terminated,
    // `hints` and `list` are valid for the call; the list is freed below
    // with freeaddrinfo.
    let rc = unsafe { libc::getaddrinfo(host.as_ptr(), service, &hints, &mut list) };
    if rc != 0 {
        return Err(gai_errno(rc));
    }
    let mut out = Vec::new();
    let mut cur = list;
    while !cur.is_null() {
        // SAFETY: `cur` is a node of the list getaddrinfo returned, alive
        // until freeaddrinfo.
        let ai = unsafe { &*cur };
        if let Some(sa) = socket_addr(ai.ai_addr, ai.ai_addrlen) {
            out.push(sa);
        }
        cur = ai.ai_next;
    }
    // SAFETY: `list` came from a successful getaddrinfo and is freed once.
    unsafe { libc::freeaddrinfo(list) };
    Ok(out)
}

/// The address in a `sockaddr` of `len` bytes, if it is IPv4 or IPv6.
fn socket_addr(sa: *const libc::sockaddr, len: libc::socklen_t) -> Option<SocketAddr> {
    if sa.is_null() {
        return None;
    }
    // SAFETY: `sa` points to at least `len` bytes (getaddrinfo's contract);
    // the family field is read first and the cast sized by it.
    unsafe {
        match i32::from((*sa).sa_family) {
            libc::AF_INET if len as usize >= std::mem::size_of::<libc::sockaddr_in>() => {
                let sin = &*(sa as *const libc::sockaddr_in);
                let ip = std::net::Ipv4Addr::from(u32::from_be(sin.sin_addr.s_addr));
                Some(SocketAddr::new(ip.into(), u16::from_be(sin.sin_port)))
            }
            libc::AF_INET6 if len as usize >= std::mem::size_of::<libc::sockaddr_in6>() => {
                let sin6 = &*(sa as *const libc::sockaddr_in6);
                let ip = std::net::Ipv6Addr::from(sin6.sin6_addr.s6_addr);
                Some(SocketAddr::new(ip.into(), u16::from_be(sin6.sin6_port)))
            }
            _ => None,
        }
    }
}

/// getnameinfo(3) with `NI_NAMEREQD`: the name of `addr`, `ENOENT` if it
/// has none.
pub(crate) fn lookup_addr(addr: IpAddr) -> Result<String, i32> {
    let mut host = [0 as libc::c_char; MAX_HOST];
    let rc = match addr {
        IpAddr::V4(v4) => {
            // SAFETY: an all-zero sockaddr_in is valid; fields set below.
            let mut sin: libc::sockaddr_in = unsafe { std::mem::zeroed() };
            sin.sin_family = libc::AF_INET as libc::sa_family_t;
            sin.sin_addr.s_addr = u32::from(v4).to_be();
            // SAFETY: `sin` is a valid sockaddr_in of the length given, `host`
            // a writable buffer of the length given.
            unsafe {
                libc::getnameinfo(
                    (&sin as *const libc::sockaddr_in).cast(),
                    std::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t,
                    host.as_mut_ptr(),
                    host.len() as libc::socklen_t,
                    std::ptr::null_mut(),
                    0,
                    libc::NI_NAMEREQD,
                )
            }
        }
        IpAddr::V6(v6) => {
            // SAFETY: an all-zero sockaddr_in6 is valid; fields set below.
            let mut sin6: libc::sockaddr_in6 = unsafe { std::mem::zeroed() };
            sin6.sin6_family = libc::AF_INET6 as libc::sa_family_t;
            sin6.sin6_addr.s6_addr = v6.octets();
            // SAFETY: as above, for sockaddr_in6.
            unsafe {
                libc::getnameinfo(
                    (&sin6 as *const libc::sockaddr_in6).cast(),
                    std::mem::size_of::<libc::sockaddr_in6>() as libc::socklen_t,
                    host.as_mut_ptr(),
                    host.len() as libc::socklen_t,
                    std::ptr::null_mut(),
                    0,
                    libc::NI_NAMEREQD,
                )
            }
        }
    };
    if rc != 0 {
        return Err(gai_errno(rc));
    }
    // SAFETY: on success getnameinfo wrote a NUL-terminated string into `host`.
    let name = unsafe { CStr::from_ptr(host.as_ptr()) };
    Ok(name.to_string_lossy().into_owned())
}
