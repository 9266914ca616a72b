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

/// getaddrinfo(3) of `host` in `family`, or in each allowed family; each
/// address once, in the order of [`lookup_in_families`].
pub(crate) fn lookup_host(
    host: &str,
    family: Option<Family>,
    allowed: &[Family],
) -> Result<Vec<IpAddr>, i32> {
    // Any host is looked up, as cap_dns.c `dns_getaddrinfo` and cap_net.c
    // `net_getaddrinfo` do: an empty one has no address (`EAI_NONAME`).
    let host = CString::new(host).map_err(|_| libc::EINVAL)?;
    lookup_in_families(
        family,
        allowed,
        |ip: &IpAddr| *ip,
        |ai_family| {
            Ok(getaddrinfo(&host, None, ai_family)?
                .into_iter()
                .map(|sa| sa.ip())
                .collect())
        },
    )
}

/// The families one lookup asks getaddrinfo(3) for: `asked` alone (a
/// capability error if not allowed), `AF_UNSPEC` when no family is
/// limited, otherwise each allowed family in its declared order. That is
/// what a lookup through libcasper must do: once families are limited,
/// cap_dns.c `dns_allowed_family` and cap_net.c `net_allowed_family`
/// refuse `AF_UNSPEC`, so the FreeBSD backend makes one
/// cap_getaddrinfo(3) per family and both backends give the addresses of
/// the first declared family before those of the next.
fn families_to_ask(asked: Option<Family>, allowed: &[Family]) -> Result<Vec<i32>, i32> {
    let af = |f: Family| match f {
        Family::Inet => libc::AF_INET,
        Family::Inet6 => libc::AF_INET6,
    };
    match asked {
        Some(f) if !allows(allowed, &f) => Err(VIOLATION),
        Some(f) => Ok(vec![af(f)]),
        None if allowed.is_empty() => Ok(vec![libc::AF_UNSPEC]),
        None => Ok(allowed.iter().map(|f| af(*f)).collect()),
    }
}

/// One `getaddrinfo` per family of [`families_to_ask`], keeping the
/// addresses of the allowed families, each once, in order; when none gave
/// any, the last failure (`ENOENT` if every lookup succeeded empty), as the
/// FreeBSD backend's `lookup` answers.
fn lookup_in_families<T: PartialEq>(
    asked: Option<Family>,
    allowed: &[Family],
    ip: impl Fn(&T) -> IpAddr,
    mut getaddrinfo: impl FnMut(i32) -> Result<Vec<T>, i32>,
) -> Result<Vec<T>, i32> {
    let mut all = Vec::new();
    let mut last_error = libc::ENOENT;
    for ai_family in families_to_ask(asked, allowed)? {
        match getaddrinfo(ai_family) {
            Ok(found) => {
                for a in found {
                    if allows(allowed, &family_of(ip(&a))) && !all.contains(&a) {
                        all.push(a);
                    }
                }
            }
            Err(e) => last_error = e,
        }
    }
    if all.is_empty() {
        return Err(last_error);
    }
    Ok(all)
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
/// on `host` in `family`, or in each allowed family; each address once,
/// in the order of [`lookup_in_families`].
pub(crate) fn lookup_service(
    host: &str,
    service: &str,
    family: Option<Family>,
    allowed: &[Family],
) -> Result<Vec<SocketAddr>, i32> {
    let host = CString::new(host).map_err(|_| libc::EINVAL)?;
    let service = CString::new(service).map_err(|_| libc::EINVAL)?;
    lookup_in_families(family, allowed, SocketAddr::ip, |ai_family| {
        getaddrinfo(&host, Some(&service), ai_family)
    })
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

#[cfg(test)]
mod tests {
    use super::*;
    // The FreeBSD backend's lookup, compiled here for its tests: what a
    // lookup through libcasper must do (one cap_getaddrinfo(3) per family).
    use crate::backend::freebsd::casper::limits::af as casper_af;
    use crate::backend::freebsd::casper::limits::dns as casper;

    const DECLARED: [&[Family]; 5] = [
        &[],
        &[Family::Inet],
        &[Family::Inet6],
        &[Family::Inet, Family::Inet6],
        &[Family::Inet6, Family::Inet],
    ];

    /// A FreeBSD `AF_*` number (sys/socket.h) as Linux's.
    fn linux_af(freebsd: i32) -> i32 {
        match freebsd {
            casper_af::INET => libc::AF_INET,
            casper_af::INET6 => libc::AF_INET6,
            casper_af::UNSPEC => libc::AF_UNSPEC,
            other => panic!("no such family {other}"),
        }
    }

    fn v4(last: u8) -> IpAddr {
        IpAddr::from([192, 0, 2, last])
    }

    fn v6(last: u16) -> IpAddr {
        IpAddr::from([0x2001, 0xdb8, 0, 0, 0, 0, 0, last])
    }

    /// A resolver that answers inet6 first, with a duplicate, as glibc's
    /// RFC 6724 sort may for `AF_UNSPEC`.
    fn resolver(family: i32) -> Result<Vec<IpAddr>, i32> {
        match family {
            libc::AF_INET => Ok(vec![v4(1), v4(2)]),
            libc::AF_INET6 => Ok(vec![v6(1), v6(1)]),
            _ => Ok(vec![v6(1), v4(1), v6(1), v4(2)]),
        }
    }

    #[test]
    fn both_backends_ask_the_same_families_in_the_same_order() {
        for allowed in DECLARED {
            for asked in [None, Some(Family::Inet), Some(Family::Inet6)] {
                let ours = families_to_ask(asked, allowed);
                if asked.is_some_and(|f| !allows(allowed, &f)) {
                    // libcasper refuses the family (`dns_allowed_family`).
                    let limits = casper::limits(&DnsLimits {
                        types: vec![],
                        families: allowed.to_vec(),
                    });
                    for f in casper::lookup_families(allowed, asked) {
                        assert!(!casper::service::allowed_family(limits.as_ref(), f));
                    }
                    assert_eq!(ours, Err(VIOLATION), "{allowed:?} {asked:?}");
                } else {
                    assert_eq!(
                        ours,
                        Ok(casper::lookup_families(allowed, asked)
                            .into_iter()
                            .map(linux_af)
                            .collect()),
                        "{allowed:?} {asked:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn addresses_come_in_the_order_the_freebsd_backend_gives() {
        for allowed in DECLARED {
            for asked in [None, Some(Family::Inet), Some(Family::Inet6)] {
                if asked.is_some_and(|f| !allows(allowed, &f)) {
                    continue;
                }
                let ours = lookup_in_families(asked, allowed, |ip: &IpAddr| *ip, resolver);
                let theirs: Result<Vec<IpAddr>, i32> =
                    casper::lookup(allowed, "h", None, asked, |_, _, f| resolver(linux_af(f)));
                assert_eq!(ours, theirs, "{allowed:?} {asked:?}");
            }
        }
        // Declared [inet6, inet]: every inet6 address first, whatever the
        // resolver's own order.
        let order = lookup_in_families(None, DECLARED[4], |ip: &IpAddr| *ip, resolver);
        assert_eq!(order, Ok(vec![v6(1), v4(1), v4(2)]));
    }

    #[test]
    fn a_lookup_with_no_address_answers_the_last_failure() {
        let none = |_: i32| -> Result<Vec<IpAddr>, i32> { Ok(vec![]) };
        assert_eq!(
            lookup_in_families(None, DECLARED[3], |ip: &IpAddr| *ip, none),
            Err(libc::ENOENT)
        );
        let again = |f: i32| {
            if f == libc::AF_INET {
                Err(libc::EAGAIN)
            } else {
                Ok(vec![])
            }
        };
        assert_eq!(
            lookup_in_families(None, DECLARED[3], |ip: &IpAddr| *ip, again),
            Err(libc::EAGAIN)
        );
        // One family failing does not hide the other's addresses.
        let half = |f: i32| {
            if f == libc::AF_INET {
                Err(libc::EAGAIN)
            } else {
                resolver(f)
            }
        };
        assert_eq!(
            lookup_in_families(None, DECLARED[3], |ip: &IpAddr| *ip, half),
            Ok(vec![v6(1)])
        );
    }
}
