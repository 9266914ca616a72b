//! `system.dns` (cap_dns(3)), and the lookups `system.net` shares with it:
//! cap_getaddrinfo(3) and cap_getnameinfo(3).

use std::ffi::{c_char, c_int, CStr};
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::ptr;

use capsicum::casper::CapChannel;

use super::limits::{self, dns::NO_RECOVERY, sockaddr};
use super::{c_string, cap_channel_t, libnv, raw};
use crate::decl::{DnsLimits, Family};
use crate::error::Failure;

// cap_getaddrinfo and cap_getnameinfo are defined by both libcap_dns
// and libcap_net, with the same request format (compare cap_dns.c and
// cap_net.c): one declaration serves channels of either service.
#[link(name = "cap_dns")]
extern "C" {
    fn cap_getaddrinfo(
        chan: *mut cap_channel_t,
        hostname: *const c_char,
        servname: *const c_char,
        hints: *const libc::addrinfo,
        res: *mut *mut libc::addrinfo,
    ) -> c_int;
    fn cap_getnameinfo(
        chan: *mut cap_channel_t,
        sa: *const libc::sockaddr,
        salen: libc::socklen_t,
        host: *mut c_char,
        hostlen: usize,
        serv: *mut c_char,
        servlen: usize,
        flags: c_int,
    ) -> c_int;
}

/// A `system.dns` channel and the limits it has now.
pub(super) struct Dns {
    pub(super) chan: CapChannel,
    limits: DnsLimits,
}

impl Dns {
    pub(super) fn open(mut chan: CapChannel, l: &DnsLimits) -> Result<Dns, Failure> {
        if let Some(nvl) = limits::dns::limits(l) {
            libnv::limit_set(raw(&mut chan), &nvl)?;
        }
        Ok(Dns {
            chan,
            limits: l.clone(),
        })
    }

    pub(super) fn lookup_host(
        &mut self,
        host: &str,
        family: Option<Family>,
    ) -> io::Result<Vec<IpAddr>> {
        let chan = raw(&mut self.chan);
        limits::dns::lookup(&self.limits.families, host, None, family, |h, s, f| {
            getaddrinfo(chan, h, s, f)
        })
    }

    pub(super) fn lookup_addr(&mut self, addr: IpAddr) -> io::Result<String> {
        getnameinfo(raw(&mut self.chan), addr)
    }

    /// cap_limit_set(3) with the narrowed limits (libcasper's dns_limit
    /// refuses a widening).
    pub(super) fn limit(&mut self, new: &DnsLimits) -> io::Result<()> {
        let next = limits::dns::narrowed(&self.limits, new);
        if let Some(nvl) = limits::dns::limits(&next) {
            libnv::limit_set(raw(&mut self.chan), &nvl).map_err(|f| f.error)?;
        }
        self.limits = next;
        Ok(())
    }
}

/// An error code of cap_getaddrinfo / cap_getnameinfo as an `io::Error`.
fn gai_error(code: c_int) -> io::Error {
    match code {
        libc::EAI_SYSTEM => io::Error::last_os_error(),
        // cap_net(3) refuses with ENOTCAPABLE, cap_dns(3) with NO_RECOVERY.
        libc::ENOTCAPABLE | NO_RECOVERY => io::Error::from_raw_os_error(libc::ENOTCAPABLE),
        _ => {
            // SAFETY: gai_strerror returns a static NUL-terminated string.
            let text = unsafe { CStr::from_ptr(libc::gai_strerror(code)) };
            let kind = match code {
                libc::EAI_NONAME => io::ErrorKind::NotFound,
                _ => io::ErrorKind::Other,
            };
            io::Error::new(kind, text.to_string_lossy().into_owned())
        }
    }
}

/// cap_getaddrinfo(3) of `host` (and `serv`) in `family`: each address once.
pub(super) fn getaddrinfo(
    chan: *mut cap_channel_t,
    host: &str,
    serv: Option<&str>,
    family: c_int,
) -> io::Result<Vec<IpAddr>> {
    let host = c_string(host)?;
    let serv = serv.map(c_string).transpose()?;
    // SAFETY: addrinfo is plain data; all-zero is a valid empty hint.
    let mut hints: libc::addrinfo = unsafe { std::mem::zeroed() };
    hints.ai_family = family;
    // One answer per address rather than one per socket type.
    hints.ai_socktype = libc::SOCK_STREAM;
    let mut res: *mut libc::addrinfo = ptr::null_mut();
    let serv_ptr = serv.as_ref().map_or(ptr::null(), |s| s.as_ptr());
    // SAFETY: `chan` is a live channel (held under the lock), `host` and
    // `serv` are NUL-terminated or NULL, `hints` and `res` are valid.
    let rc = unsafe { cap_getaddrinfo(chan, host.as_ptr(), serv_ptr, &hints, &mut res) };
    if rc != 0 {
        return Err(gai_error(rc));
    }
    let mut addrs = Vec::new();
    let mut cur = res;
    while !cur.is_null() {
        // SAFETY: `cur` walks the list cap_getaddrinfo built; each
        // `ai_addr` holds `ai_addrlen` bytes of the sockaddr of `ai_family`.
        unsafe {
            let ai = &*cur;
            let ip = match ai.ai_family {
                libc::AF_INET => {
                    let sin = ptr::read_unaligned(ai.ai_addr.cast::<libc::sockaddr_in>());
                    Some(IpAddr::V4(Ipv4Addr::from(
                        sin.sin_addr.s_addr.to_ne_bytes(),
                    )))
                }
                libc::AF_INET6 => {
                    let sin6 = ptr::read_unaligned(ai.ai_addr.cast::<libc::sockaddr_in6>());
                    Some(IpAddr::V6(Ipv6Addr::from(sin6.sin6_addr.s6_addr)))
                }
                _ => None,
            };
            if let Some(ip) = ip.filter(|ip| !addrs.contains(ip)) {
                addrs.push(ip);
            }
            cur = ai.ai_next;
        }
    }
    // SAFETY: cap_getaddrinfo allocates the list the way getaddrinfo(3)
    // does (one malloc per entry with its address), so freeaddrinfo
    // releases it; it is not used afterwards.
    unsafe { libc::freeaddrinfo(res) };
    Ok(addrs)
}

/// cap_getnameinfo(3) with `NI_NAMEREQD`.
pub(super) fn getnameinfo(chan: *mut cap_channel_t, addr: IpAddr) -> io::Result<String> {
    let sa = sockaddr(SocketAddr::new(addr, 0));
    // The client copies the answer with strlcpy(host, .., hostlen + 1)
    // (cap_dns.c), so the buffer is one byte longer than `hostlen`.
    let mut host = vec![0 as c_char; libc::NI_MAXHOST + 1];
    // SAFETY: `chan` is live; `sa` holds a sockaddr of its length; `host`
    // has NI_MAXHOST + 1 bytes; no service buffer is asked for.
    let rc = unsafe {
        cap_getnameinfo(
            chan,
            sa.as_ptr().cast(),
            sa.len() as libc::socklen_t,
            host.as_mut_ptr(),
            libc::NI_MAXHOST,
            ptr::null_mut(),
            0,
            libc::NI_NAMEREQD,
        )
    };
    if rc != 0 {
        return Err(gai_error(rc));
    }
    // SAFETY: the buffer is zero-filled and one byte longer than what was
    // written, so it is NUL-terminated.
    let name = unsafe { CStr::from_ptr(host.as_ptr()) };
    Ok(name.to_string_lossy().into_owned())
}
