//! `system.dns` (cap_dns(3)), and the lookups `system.net` shares with it:
//! cap_getaddrinfo(3) and cap_getnameinfo(3).
//!
//! libcap_dns and libcap_net both define `cap_getaddrinfo` and
//! `cap_getnameinfo`, unversioned, and the run-time linker binds a name to
//! the first library in load order that defines it: called by name, a net
//! channel's lookups would run cap_dns's client, which does not pass on the
//! errno cap_net's service sends with a refusal. So neither is called by
//! name: each channel takes its own library's pair with dlsym(3) on that
//! library (found with dladdr(3) from a function only it defines), before
//! entry. The FreeBSD link test checks that no program needs either name.

use std::ffi::{c_char, c_int, c_void, CStr};
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::ptr;

use super::limits::{self, dns::NO_RECOVERY, sockaddr};
use super::{c_string, cap_channel_t, libnv, Chan, Library};
use crate::decl::{DnsLimits, Family};
use crate::error::Failure;
use crate::services::contract::{Reply, Request};

#[link(name = "cap_dns")]
extern "C" {
    /// cap_dns_type_limit(3): named only as the library's anchor.
    fn cap_dns_type_limit(chan: *mut cap_channel_t, types: *const *const c_char, n: usize)
        -> c_int;
}

/// libcap_dns (`system.dns`).
pub(super) const LIBRARY: Library = Library(cap_dns_type_limit as *const c_void);

/// cap_getaddrinfo(3).
type GetAddrInfo = unsafe extern "C" fn(
    chan: *mut cap_channel_t,
    hostname: *const c_char,
    servname: *const c_char,
    hints: *const libc::addrinfo,
    res: *mut *mut libc::addrinfo,
) -> c_int;

/// cap_getnameinfo(3).
type GetNameInfo = unsafe extern "C" fn(
    chan: *mut cap_channel_t,
    sa: *const libc::sockaddr,
    salen: libc::socklen_t,
    host: *mut c_char,
    hostlen: usize,
    serv: *mut c_char,
    servlen: usize,
    flags: c_int,
) -> c_int;

/// Which service's client a lookup error comes from: cap_dns's refuses
/// with `NO_RECOVERY` and leaves errno alone, cap_net's with `EAI_SYSTEM`
/// and the errno its service sent.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Client {
    Dns,
    Net,
}

/// One library's own lookup functions.
#[derive(Clone, Copy)]
pub(super) struct Lookups {
    getaddrinfo: GetAddrInfo,
    getnameinfo: GetNameInfo,
    client: Client,
}

impl Lookups {
    /// `library`'s own `cap_getaddrinfo` and `cap_getnameinfo`: dladdr(3)
    /// names the object that defines the library's anchor, dlopen(3) with
    /// `RTLD_NOLOAD` gives a handle of that object (already loaded: nothing
    /// is opened), and dlsym(3) on a handle searches that object first.
    pub(super) fn of(library: Library, client: Client) -> Result<Lookups, Failure> {
        let fail = |call: &'static str| {
            // SAFETY: dlerror returns NULL or a NUL-terminated message.
            let text = unsafe { libc::dlerror() };
            let why = if text.is_null() {
                "no such object".to_owned()
            } else {
                // SAFETY: checked non-NULL above.
                unsafe { CStr::from_ptr(text) }
                    .to_string_lossy()
                    .into_owned()
            };
            Failure::new(call, io::Error::other(why))
        };
        // SAFETY: Dl_info is plain data that dladdr fills.
        let mut info: libc::Dl_info = unsafe { std::mem::zeroed() };
        // SAFETY: the anchor is a function of a loaded object; `info` is
        // writable.
        if unsafe { libc::dladdr(library.anchor(), &mut info) } == 0 || info.dli_fname.is_null() {
            return Err(fail("dladdr"));
        }
        // SAFETY: `dli_fname` is the object's NUL-terminated path.
        let handle = unsafe { libc::dlopen(info.dli_fname, libc::RTLD_LAZY | libc::RTLD_NOLOAD) };
        if handle.is_null() {
            return Err(fail("dlopen"));
        }
        let sym = |name: &CStr| {
            // SAFETY: `handle` is a live handle; `name` is NUL-terminated.
            let p = unsafe { libc::dlsym(handle, name.as_ptr()) };
            if p.is_null() {
                Err(fail("dlsym"))
            } else {
                Ok(p)
            }
        };
        let (gai, gni) = (sym(c"cap_getaddrinfo")?, sym(c"cap_getnameinfo")?);
        // SAFETY: both names are the functions of cap_dns.h and cap_net.h,
        // with these prototypes. The handle is kept: the library stays
        // loaded for the process's life anyway.
        unsafe {
            Ok(Lookups {
                getaddrinfo: std::mem::transmute::<*mut c_void, GetAddrInfo>(gai),
                getnameinfo: std::mem::transmute::<*mut c_void, GetNameInfo>(gni),
                client,
            })
        }
    }
}

/// A `system.dns` channel, its lookups, and the limits it has now.
pub(super) struct Dns {
    pub(super) chan: Chan,
    lookups: Lookups,
    limits: DnsLimits,
}

impl Dns {
    pub(super) fn open(chan: Chan, l: &DnsLimits) -> Result<Dns, Failure> {
        let lookups = Lookups::of(LIBRARY, Client::Dns)?;
        if let Some(nvl) = limits::dns::limits(l) {
            libnv::limit_set(chan.as_ptr(), &nvl)?;
        }
        Ok(Dns {
            chan,
            lookups,
            limits: l.clone(),
        })
    }

    /// The requests of `system.dns`.
    pub(super) fn handle(&mut self, request: Request<'_>) -> io::Result<Reply> {
        Ok(match request {
            Request::LookupHost { host, family } => Reply::Addrs(self.lookup_host(host, family)?),
            Request::LookupAddr { addr } => Reply::Name(self.lookup_addr(addr)?),
            Request::DnsLimit { limits } => Reply::Done(self.limit(&limits)?),
            other => return Err(other.unsupported("system.dns")),
        })
    }

    fn lookup_host(&mut self, host: &str, family: Option<Family>) -> io::Result<Vec<IpAddr>> {
        let (chan, lookups) = (self.chan.as_ptr(), self.lookups);
        limits::dns::lookup(&self.limits.families, host, None, family, |h, s, f| {
            getaddrinfo(lookups, chan, h, s, f)
        })
    }

    fn lookup_addr(&mut self, addr: IpAddr) -> io::Result<String> {
        getnameinfo(self.lookups, self.chan.as_ptr(), addr)
    }

    /// cap_limit_set(3) with the narrowed limits (libcasper's dns_limit
    /// refuses a widening).
    fn limit(&mut self, new: &DnsLimits) -> io::Result<()> {
        let next = limits::dns::narrowed(&self.limits, new);
        if let Some(nvl) = limits::dns::limits(&next) {
            libnv::limit_set(self.chan.as_ptr(), &nvl).map_err(|f| f.error)?;
        }
        self.limits = next;
        Ok(())
    }
}

/// Clears errno before a lookup, so that a client that does not set it
/// cannot report a leftover one.
fn clear_errno() {
    // SAFETY: __error(2) returns the calling thread's errno.
    unsafe { *libc::__error() = 0 };
}

/// An error code of cap_getaddrinfo / cap_getnameinfo as an `io::Error`,
/// read right after the call.
fn gai_error(client: Client, code: c_int) -> io::Error {
    let errno = io::Error::last_os_error();
    match code {
        libc::EAI_SYSTEM if errno.raw_os_error().is_some_and(|e| e != 0) => errno,
        libc::EAI_SYSTEM => io::Error::other(match client {
            Client::Dns => "getaddrinfo: system error (cap_dns does not pass on its errno)",
            Client::Net => "getaddrinfo: system error with no errno",
        }),
        // cap_dns(3) refuses with NO_RECOVERY (cap_dns.c); cap_net never
        // answers it.
        NO_RECOVERY => io::Error::from_raw_os_error(libc::ENOTCAPABLE),
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
    lookups: Lookups,
    chan: *mut cap_channel_t,
    host: &str,
    serv: Option<&str>,
    family: c_int,
) -> io::Result<Vec<IpAddr>> {
    let mut ips: Vec<IpAddr> = Vec::new();
    for a in getaddrinfo_ports(lookups, chan, host, serv, family)? {
        if !ips.contains(&a.ip()) {
            ips.push(a.ip());
        }
    }
    Ok(ips)
}

/// cap_getaddrinfo(3) of `host` (and `serv`) in `family`: each address
/// with its port (the service's) once.
pub(super) fn getaddrinfo_ports(
    lookups: Lookups,
    chan: *mut cap_channel_t,
    host: &str,
    serv: Option<&str>,
    family: c_int,
) -> io::Result<Vec<SocketAddr>> {
    let host = c_string(host)?;
    let serv = serv.map(c_string).transpose()?;
    // SAFETY: addrinfo is plain data; all-zero is a valid empty hint.
    let mut hints: libc::addrinfo = unsafe { std::mem::zeroed() };
    hints.ai_family = family;
    // One answer per address rather than one per socket type.
    hints.ai_socktype = libc::SOCK_STREAM;
    let mut res: *mut libc::addrinfo = ptr::null_mut();
    let serv_ptr = serv.as_ref().map_or(ptr::null(), |s| s.as_ptr());
    clear_errno();
    // SAFETY: `chan` is a live channel (held under the lock) of the
    // library `lookups` came from; `host` and `serv` are NUL-terminated or
    // NULL, `hints` and `res` are valid.
    let rc = unsafe { (lookups.getaddrinfo)(chan, host.as_ptr(), serv_ptr, &hints, &mut res) };
    if rc != 0 {
        return Err(gai_error(lookups.client, rc));
    }
    let mut addrs = Vec::new();
    let mut cur = res;
    while !cur.is_null() {
        // SAFETY: `cur` walks the list cap_getaddrinfo built; each
        // `ai_addr` holds `ai_addrlen` bytes of the sockaddr of `ai_family`.
        unsafe {
            let ai = &*cur;
            let addr = match ai.ai_family {
                libc::AF_INET => {
                    let sin = ptr::read_unaligned(ai.ai_addr.cast::<libc::sockaddr_in>());
                    Some(SocketAddr::new(
                        IpAddr::V4(Ipv4Addr::from(sin.sin_addr.s_addr.to_ne_bytes())),
                        u16::from_be(sin.sin_port),
                    ))
                }
                libc::AF_INET6 => {
                    let sin6 = ptr::read_unaligned(ai.ai_addr.cast::<libc::sockaddr_in6>());
                    Some(SocketAddr::new(
                        IpAddr::V6(Ipv6Addr::from(sin6.sin6_addr.s6_addr)),
                        u16::from_be(sin6.sin6_port),
                    ))
                }
                _ => None,
            };
            if let Some(a) = addr.filter(|a| !addrs.contains(a)) {
                addrs.push(a);
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
pub(super) fn getnameinfo(
    lookups: Lookups,
    chan: *mut cap_channel_t,
    addr: IpAddr,
) -> io::Result<String> {
    let sa = sockaddr(SocketAddr::new(addr, 0));
    // The client copies the answer with strlcpy(host, .., hostlen + 1)
    // (cap_dns.c), so the buffer is one byte longer than `hostlen`.
    let mut host = vec![0 as c_char; libc::NI_MAXHOST + 1];
    clear_errno();
    // SAFETY: `chan` is live, of the library `lookups` came from; `sa`
    // holds a sockaddr of its length; `host` has NI_MAXHOST + 1 bytes; no
    // service buffer is asked for.
    let rc = unsafe {
        (lookups.getnameinfo)(
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
        return Err(gai_error(lookups.client, rc));
    }
    // SAFETY: the buffer is zero-filled and one byte longer than what was
    // written, so it is NUL-terminated.
    let name = unsafe { CStr::from_ptr(host.as_ptr()) };
    Ok(name.to_string_lossy().into_owned())
}
