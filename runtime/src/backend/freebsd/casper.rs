//! libcasper(3) services: step 5 starts the casper process with `cap_init`
//! (through the `capsicum` crate), opens one channel per declared service
//! with `cap_service_open`, narrows each with its service's limit calls,
//! and closes the casper channel (`cap_close`) so nothing more can be
//! opened after entry. The operations are the C functions of cap_dns(3),
//! cap_net(3), cap_pwd(3), cap_grp(3), cap_sysctl(3), cap_syslog(3) and
//! cap_fileargs(3), declared in `ffi.rs`.
//!
//! `system.fileargs` is opened with fileargs_init(3), which starts its own
//! casper process: the `capsicum` crate does not expose the casper pointer
//! that fileargs_cinit(3) would need.

use std::ffi::{c_char, c_int, CStr, CString, OsStr, OsString};
use std::fmt;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::os::fd::{BorrowedFd, FromRawFd, OwnedFd};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};
use std::ptr::{self, NonNull};
use std::sync::{Mutex, MutexGuard};

use capsicum::casper::{CapChannel, Casper};

use super::ffi::{self, cap_channel_t};
use super::rights;
use crate::decl::{
    DbNames, DnsLimits, DnsType, Family, FileArgsLimits, FileOp, GrpLimits, NetLimits, NetMode,
    Principal, PwdLimits, ServiceDecl, Source, SysctlLimits,
};
use crate::error::{Error, Failure};
use crate::rights::Limits;
use crate::services::{ChannelOps, DbQuery, FileStat, Group, SocketKind, User};

/// A channel to one libcasper service. libcasper channels are not
/// thread-safe (one request, one reply on a socket), so each is used under
/// a lock.
pub(crate) struct Channel {
    service: &'static str,
    conn: Mutex<Conn>,
}

enum Conn {
    /// A channel from cap_service_open(3) and the declaration it was
    /// limited by (the pwd and grp fields it leaves out read as `None`).
    Service(CapChannel, ServiceDecl),
    /// A fileargs_init(3) handle and the limits of the descriptors it opens.
    FileArgs(FileArgs, Limits),
}

impl fmt::Debug for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Channel")
            .field("service", &self.service)
            .finish_non_exhaustive()
    }
}

/// Owns a `fileargs_t`; fileargs_free(3) on drop.
struct FileArgs(NonNull<ffi::fileargs_t>);

// SAFETY: the handle is owned by one `FileArgs` and only used under the
// channel's lock; libcap_fileargs keeps no thread-local state.
unsafe impl Send for FileArgs {}

impl Drop for FileArgs {
    fn drop(&mut self) {
        // SAFETY: the pointer came from fileargs_init and is freed once.
        unsafe { ffi::fileargs_free(self.0.as_ptr()) }
    }
}

/// Step 5: one channel per declaration, in order.
pub(super) fn open(services: &[ServiceDecl]) -> Result<Vec<Channel>, Error> {
    if services.is_empty() {
        return Ok(Vec::new());
    }
    let failed = |decl: &ServiceDecl, f: Failure| Error::Service {
        service: decl.service_name(),
        syscall: f.syscall,
        source: f.error,
    };
    single_threaded().map_err(|f| failed(&services[0], f))?;
    let mut casper: Option<Casper> = None;
    let mut channels = Vec::with_capacity(services.len());
    for decl in services {
        let conn = match decl {
            ServiceDecl::FileArgs(limits) => {
                let fa = fileargs_init(limits).map_err(|f| failed(decl, f))?;
                Conn::FileArgs(fa, limits.limits)
            }
            _ => {
                if casper.is_none() {
                    // SAFETY: cap_init forks (libcasper(3)); the process was
                    // checked above to have one thread, and step 5 runs from
                    // the generated `main` before the body starts any.
                    let started = unsafe { Casper::new() };
                    casper = Some(started.map_err(|e| failed(decl, Failure::new("cap_init", e)))?);
                }
                let casper = casper.as_mut().expect("started above");
                let name = CString::new(decl.service_name()).expect("service names have no NUL");
                // `service_open` is the crate's cap_service_open(3); it is
                // what its `service_connection!` macro expands to.
                let mut chan = casper
                    .service_open(&name)
                    .map_err(|e| failed(decl, Failure::new("cap_service_open", e)))?;
                apply_limits(raw(&mut chan), decl).map_err(|f| failed(decl, f))?;
                Conn::Service(chan, decl.clone())
            }
        };
        channels.push(Channel {
            service: decl.service_name(),
            conn: Mutex::new(conn),
        });
    }
    // Dropping `casper` is cap_close(3): no service can be opened later.
    drop(casper);
    Ok(channels)
}

/// Refuses to fork the casper process from a threaded process: libcasper(3)
/// must be started single-threaded (a `{ expr }` source could have spawned
/// threads). The count comes from kinfo_proc's `ki_numthreads`
/// (sysctl `kern.proc.pid.<pid>`); if the kernel's record does not have the
/// expected size, the check is skipped rather than guessed.
fn single_threaded() -> Result<(), Failure> {
    // SAFETY: getpid has no preconditions.
    let mib = [
        libc::CTL_KERN,
        libc::KERN_PROC,
        libc::KERN_PROC_PID,
        unsafe { libc::getpid() },
    ];
    // SAFETY: kinfo_proc is plain data; all-zero is valid.
    let mut info: libc::kinfo_proc = unsafe { std::mem::zeroed() };
    let mut len = std::mem::size_of::<libc::kinfo_proc>();
    // SAFETY: `mib` has 4 entries; `info` is writable for `len` bytes; no
    // new value is set.
    let rc = unsafe {
        libc::sysctl(
            mib.as_ptr(),
            mib.len() as libc::c_uint,
            ptr::from_mut(&mut info).cast(),
            &mut len,
            ptr::null(),
            0,
        )
    };
    if rc != 0 || len != std::mem::size_of::<libc::kinfo_proc>() {
        return Ok(());
    }
    match info.ki_numthreads {
        n if n > 1 => Err(Failure::new(
            "cap_init",
            io::Error::other(format!(
                "the process has {n} threads; libcasper services must be started \
                 before any thread is spawned"
            )),
        )),
        _ => Ok(()),
    }
}

fn raw(chan: &mut CapChannel) -> *mut cap_channel_t {
    chan.as_mut_ptr().cast()
}

/// The limit calls of `decl`'s service.
fn apply_limits(chan: *mut cap_channel_t, decl: &ServiceDecl) -> Result<(), Failure> {
    match decl {
        ServiceDecl::Dns(l) => dns_limit(chan, l),
        ServiceDecl::Net(l) => net_limit(chan, l),
        ServiceDecl::Pwd(l) => db_limit(chan, &l.names(), &PWD),
        ServiceDecl::Grp(l) => db_limit(chan, &l.names(), &GRP),
        ServiceDecl::Sysctl(l) => sysctl_limit(chan, l),
        // cap_syslog(3) has no limits.
        ServiceDecl::Syslog => Ok(()),
        ServiceDecl::FileArgs(_) => unreachable!("fileargs is limited by fileargs_init"),
    }
}

impl Channel {
    fn lock(&self) -> MutexGuard<'_, Conn> {
        // A panic while holding the lock leaves no half-done request: each
        // libcasper call is one exchange.
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Runs `f` on the service channel if this is one of `services`.
    fn service<T>(
        &self,
        services: &[&str],
        what: &str,
        f: impl FnOnce(*mut cap_channel_t, &mut ServiceDecl) -> io::Result<T>,
    ) -> io::Result<T> {
        match &mut *self.lock() {
            Conn::Service(chan, decl) if services.contains(&self.service) => f(raw(chan), decl),
            _ => Err(self.unsupported(what)),
        }
    }

    fn fileargs<T>(
        &self,
        what: &str,
        f: impl FnOnce(*mut ffi::fileargs_t, &Limits) -> io::Result<T>,
    ) -> io::Result<T> {
        match &*self.lock() {
            Conn::FileArgs(fa, limits) => f(fa.0.as_ptr(), limits),
            Conn::Service(..) => Err(self.unsupported(what)),
        }
    }

    fn unsupported(&self, what: &str) -> io::Error {
        io::Error::new(
            io::ErrorKind::Unsupported,
            format!("a `{}` channel has no `{what}`", self.service),
        )
    }
}

fn c_string(s: impl AsRef<OsStr>) -> io::Result<CString> {
    CString::new(s.as_ref().as_bytes()).map_err(|_| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            "a string passed to a libcasper service contains a NUL byte",
        )
    })
}

/// A `Failure` from an `io::Error` that a limit call reports.
fn io_failure(syscall: &'static str) -> impl Fn(io::Error) -> Failure {
    move |e| Failure::new(syscall, e)
}

/// Checks the `int` result of a call that sets errno.
fn check(syscall: &'static str, rc: c_int) -> Result<(), Failure> {
    if rc < 0 {
        Err(Failure::last_os_error(syscall))
    } else {
        Ok(())
    }
}

fn af(family: Family) -> c_int {
    match family {
        Family::Inet => libc::AF_INET,
        Family::Inet6 => libc::AF_INET6,
    }
}

/// A socket address as FreeBSD lays it out (with `sin_len`), for the
/// services that compare addresses byte for byte (cap_net(3) limits).
enum SockAddr {
    V4(libc::sockaddr_in),
    V6(libc::sockaddr_in6),
}

impl SockAddr {
    fn new(addr: SocketAddr) -> SockAddr {
        match addr {
            SocketAddr::V4(a) => SockAddr::V4(libc::sockaddr_in {
                sin_len: std::mem::size_of::<libc::sockaddr_in>() as u8,
                sin_family: libc::AF_INET as libc::sa_family_t,
                sin_port: a.port().to_be(),
                sin_addr: libc::in_addr {
                    s_addr: u32::from_ne_bytes(a.ip().octets()),
                },
                sin_zero: [0; 8],
            }),
            SocketAddr::V6(a) => SockAddr::V6(libc::sockaddr_in6 {
                sin6_len: std::mem::size_of::<libc::sockaddr_in6>() as u8,
                sin6_family: libc::AF_INET6 as libc::sa_family_t,
                sin6_port: a.port().to_be(),
                sin6_flowinfo: a.flowinfo(),
                sin6_addr: libc::in6_addr {
                    s6_addr: a.ip().octets(),
                },
                sin6_scope_id: a.scope_id(),
            }),
        }
    }

    fn as_ptr(&self) -> (*const libc::sockaddr, libc::socklen_t) {
        match self {
            SockAddr::V4(sin) => (
                ptr::from_ref(sin).cast(),
                std::mem::size_of_val(sin) as libc::socklen_t,
            ),
            SockAddr::V6(sin6) => (
                ptr::from_ref(sin6).cast(),
                std::mem::size_of_val(sin6) as libc::socklen_t,
            ),
        }
    }

    fn domain(&self) -> c_int {
        match self {
            SockAddr::V4(_) => libc::AF_INET,
            SockAddr::V6(_) => libc::AF_INET6,
        }
    }
}

// --- system.dns and the lookups of system.net --------------------------

/// netdb.h's `NO_RECOVERY`: what cap_dns(3) answers for a lookup its limits
/// refuse (getaddrinfo itself never returns 3, `EAI_BADFLAGS`, for the
/// hints used here).
const NO_RECOVERY: c_int = 3;

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

/// cap_getaddrinfo(3) for one family (`AF_UNSPEC` for any).
fn getaddrinfo(chan: *mut cap_channel_t, host: &CStr, family: c_int) -> io::Result<Vec<IpAddr>> {
    // SAFETY: addrinfo is plain data; all-zero is a valid empty hint.
    let mut hints: libc::addrinfo = unsafe { std::mem::zeroed() };
    hints.ai_family = family;
    // One answer per address rather than one per socket type.
    hints.ai_socktype = libc::SOCK_STREAM;
    let mut res: *mut libc::addrinfo = ptr::null_mut();
    // SAFETY: `chan` is a live channel (held under the lock), `host` is
    // NUL-terminated, `hints` and `res` are valid for the call.
    let rc = unsafe { ffi::cap_getaddrinfo(chan, host.as_ptr(), ptr::null(), &hints, &mut res) };
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
            match ai.ai_family {
                libc::AF_INET => {
                    let sin = ptr::read_unaligned(ai.ai_addr.cast::<libc::sockaddr_in>());
                    addrs.push(IpAddr::V4(Ipv4Addr::from(
                        sin.sin_addr.s_addr.to_ne_bytes(),
                    )));
                }
                libc::AF_INET6 => {
                    let sin6 = ptr::read_unaligned(ai.ai_addr.cast::<libc::sockaddr_in6>());
                    addrs.push(IpAddr::V6(Ipv6Addr::from(sin6.sin6_addr.s6_addr)));
                }
                _ => {}
            }
            cur = ai.ai_next;
        }
    }
    // SAFETY: cap_getaddrinfo allocates the list the way getaddrinfo(3)
    // does (cap_dns.c: one malloc per entry with its address), so
    // freeaddrinfo releases it; it is not used afterwards.
    unsafe { libc::freeaddrinfo(res) };
    let mut seen = Vec::with_capacity(addrs.len());
    addrs.retain(|a| {
        let new = !seen.contains(a);
        seen.push(*a);
        new
    });
    Ok(addrs)
}

/// Lookups for `family`, or, when none is asked and the service is limited
/// to some families, each of those (both services refuse `AF_UNSPEC` once
/// families are limited).
fn lookup_host(
    chan: *mut cap_channel_t,
    host: &str,
    family: Option<Family>,
    limited_to: &[Family],
) -> io::Result<Vec<IpAddr>> {
    let host = c_string(host)?;
    match family {
        Some(f) => getaddrinfo(chan, &host, af(f)),
        None if limited_to.is_empty() => getaddrinfo(chan, &host, libc::AF_UNSPEC),
        None => {
            let mut all = Vec::new();
            let mut last_error = None;
            for f in limited_to {
                match getaddrinfo(chan, &host, af(*f)) {
                    Ok(addrs) => all.extend(addrs),
                    Err(e) => last_error = Some(e),
                }
            }
            match last_error {
                Some(e) if all.is_empty() => Err(e),
                _ => Ok(all),
            }
        }
    }
}

/// cap_getnameinfo(3) with `NI_NAMEREQD`.
fn lookup_addr(chan: *mut cap_channel_t, addr: IpAddr) -> io::Result<String> {
    let sa = SockAddr::new(SocketAddr::new(addr, 0));
    let (sa_ptr, sa_len) = sa.as_ptr();
    // The client copies the answer with strlcpy(host, .., hostlen + 1)
    // (cap_dns.c), so the buffer is one byte longer than `hostlen`.
    let mut host = vec![0 as c_char; libc::NI_MAXHOST + 1];
    // SAFETY: `chan` is live; `sa_ptr` points to `sa_len` bytes; `host` has
    // NI_MAXHOST + 1 bytes; no service buffer is asked for.
    let rc = unsafe {
        ffi::cap_getnameinfo(
            chan,
            sa_ptr,
            sa_len,
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

/// cap_dns_type_limit(3) and cap_dns_family_limit(3); an empty list sets
/// no limit of that kind.
fn dns_limit(chan: *mut cap_channel_t, limits: &DnsLimits) -> Result<(), Failure> {
    if !limits.types.is_empty() {
        let types: Vec<*const c_char> = limits
            .types
            .iter()
            .map(|t| match t {
                DnsType::NameToAddr => c"NAME2ADDR".as_ptr(),
                DnsType::AddrToName => c"ADDR2NAME".as_ptr(),
            })
            .collect();
        // SAFETY: `chan` is live; `types` holds that many static C strings.
        let rc = unsafe { ffi::cap_dns_type_limit(chan, types.as_ptr(), types.len()) };
        check("cap_dns_type_limit", rc)?;
    }
    if !limits.families.is_empty() {
        let families: Vec<c_int> = limits.families.iter().map(|f| af(*f)).collect();
        // SAFETY: `chan` is live; `families` holds that many ints.
        let rc = unsafe { ffi::cap_dns_family_limit(chan, families.as_ptr(), families.len()) };
        check("cap_dns_family_limit", rc)?;
    }
    Ok(())
}

// --- system.net -------------------------------------------------------

/// cap_net_limit_init(3) and the calls that fill the limit, then
/// cap_net_limit. Declaring nothing sets no limit.
fn net_limit(chan: *mut cap_channel_t, limits: &NetLimits) -> Result<(), Failure> {
    if *limits == NetLimits::default() {
        return Ok(());
    }
    let mode = if limits.modes.is_empty() {
        // "All": every mode but CONNECTDNS, which only narrows CONNECT.
        ffi::CAPNET_ADDR2NAME | ffi::CAPNET_NAME2ADDR | ffi::CAPNET_CONNECT | ffi::CAPNET_BIND
    } else {
        limits.modes.iter().fold(0, |m, mode| {
            m | match mode {
                NetMode::NameToAddr => ffi::CAPNET_NAME2ADDR,
                NetMode::AddrToName => ffi::CAPNET_ADDR2NAME,
                NetMode::Bind => ffi::CAPNET_BIND,
                NetMode::Connect => ffi::CAPNET_CONNECT,
                NetMode::ConnectDns => ffi::CAPNET_CONNECTDNS,
            }
        })
    };
    // Everything that can fail is converted before the limit is allocated.
    let to_c = |s: &Option<String>| s.as_deref().map(c_string).transpose();
    let hosts = limits
        .hosts
        .iter()
        .map(|(h, s)| Ok((to_c(h)?, to_c(s)?)))
        .collect::<io::Result<Vec<_>>>()
        .map_err(io_failure("cap_net_limit_name2addr"))?;
    let mut families: Vec<c_int> = limits.families.iter().map(|f| af(*f)).collect();
    let bind: Vec<SockAddr> = limits.bind.iter().map(|a| SockAddr::new(*a)).collect();
    let connect: Vec<SockAddr> = limits.connect.iter().map(|a| SockAddr::new(*a)).collect();

    // SAFETY: `chan` is live. The builder calls get the limit they return
    // (each returns its argument, cap_net.c), pointers valid for the call
    // (the service copies them), and cap_net_limit consumes the limit.
    unsafe {
        let limit = ffi::cap_net_limit_init(chan, mode);
        if limit.is_null() {
            return Err(Failure::last_os_error("cap_net_limit_init"));
        }
        if !families.is_empty() {
            ffi::cap_net_limit_name2addr_family(limit, families.as_mut_ptr(), families.len());
            ffi::cap_net_limit_addr2name_family(limit, families.as_mut_ptr(), families.len());
        }
        for (host, serv) in &hosts {
            let p = |c: &Option<CString>| c.as_ref().map_or(ptr::null(), |c| c.as_ptr());
            ffi::cap_net_limit_name2addr(limit, p(host), p(serv));
        }
        for sa in &bind {
            let (p, len) = sa.as_ptr();
            ffi::cap_net_limit_bind(limit, p, len);
        }
        for sa in &connect {
            let (p, len) = sa.as_ptr();
            ffi::cap_net_limit_connect(limit, p, len);
        }
        check("cap_net_limit", ffi::cap_net_limit(limit))
    }
}

/// A new socket for `addr`, bound or connected by the service (cap_bind(3),
/// cap_connect(3) replace it in place with the service's socket).
fn net_socket(
    chan: *mut cap_channel_t,
    addr: SocketAddr,
    kind: SocketKind,
    call: unsafe extern "C" fn(
        *mut cap_channel_t,
        c_int,
        *const libc::sockaddr,
        libc::socklen_t,
    ) -> c_int,
) -> io::Result<OwnedFd> {
    let sa = SockAddr::new(addr);
    let ty = match kind {
        SocketKind::Stream => libc::SOCK_STREAM,
        SocketKind::Datagram => libc::SOCK_DGRAM,
    };
    // SAFETY: socket(2) with constant arguments.
    let fd = unsafe { libc::socket(sa.domain(), ty | libc::SOCK_CLOEXEC, 0) };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: `fd` was just created and is owned by nobody else.
    let fd = unsafe { OwnedFd::from_raw_fd(fd) };
    let (p, len) = sa.as_ptr();
    // SAFETY: `chan` is live, `fd` is open, `p` points to `len` bytes.
    if unsafe { call(chan, std::os::fd::AsRawFd::as_raw_fd(&fd), p, len) } < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(fd)
}

// --- system.pwd and system.grp -----------------------------------------

/// What differs between cap_pwd(3) and cap_grp(3) limits.
struct DbCalls {
    cmds: (
        &'static str,
        unsafe extern "C" fn(*mut cap_channel_t, *const *const c_char, usize) -> c_int,
    ),
    fields: (
        &'static str,
        unsafe extern "C" fn(*mut cap_channel_t, *const *const c_char, usize) -> c_int,
    ),
    principals: &'static str,
    /// Commands the handles send as their `_r` twin (cap_getpwnam_r sends
    /// "getpwnam_r"); the service serves both alike (cap_pwd.c,
    /// cap_grp.c), so declaring one allows the other.
    reentrant: [&'static str; 3],
}

const PWD: DbCalls = DbCalls {
    cmds: ("cap_pwd_limit_cmds", ffi::cap_pwd_limit_cmds),
    fields: ("cap_pwd_limit_fields", ffi::cap_pwd_limit_fields),
    principals: "cap_pwd_limit_users",
    reentrant: ["getpwent", "getpwnam", "getpwuid"],
};

const GRP: DbCalls = DbCalls {
    cmds: ("cap_grp_limit_cmds", ffi::cap_grp_limit_cmds),
    fields: ("cap_grp_limit_fields", ffi::cap_grp_limit_fields),
    principals: "cap_grp_limit_groups",
    reentrant: ["getgrent", "getgrnam", "getgrgid"],
};

/// The limit calls of cap_pwd(3) or cap_grp(3); an empty list sets no
/// limit of that kind.
fn db_limit(chan: *mut cap_channel_t, limits: &DbNames, calls: &DbCalls) -> Result<(), Failure> {
    let mut cmds: Vec<String> = limits.cmds.iter().map(|c| c.to_string()).collect();
    for cmd in &limits.cmds {
        if calls.reentrant.contains(cmd) {
            cmds.push(format!("{cmd}_r"));
        }
    }
    let fields: Vec<String> = limits.fields.iter().map(|f| f.to_string()).collect();
    for ((syscall, call), list) in [(calls.cmds, &cmds), (calls.fields, &fields)] {
        if list.is_empty() {
            continue;
        }
        let names = list
            .iter()
            .map(c_string)
            .collect::<io::Result<Vec<_>>>()
            .map_err(io_failure(syscall))?;
        let ptrs: Vec<*const c_char> = names.iter().map(|n| n.as_ptr()).collect();
        // SAFETY: `chan` is live; `ptrs` holds that many C strings that
        // outlive the call.
        check(syscall, unsafe { call(chan, ptrs.as_ptr(), ptrs.len()) })?;
    }
    if limits.principals.is_empty() {
        return Ok(());
    }
    let mut names = Vec::new();
    let mut ids = Vec::new();
    for p in &limits.principals {
        match p {
            Principal::Name(n) => names.push(c_string(n).map_err(io_failure(calls.principals))?),
            Principal::Id(id) => ids.push(*id),
        }
    }
    let ptrs: Vec<*const c_char> = names.iter().map(|n| n.as_ptr()).collect();
    // SAFETY: `chan` is live; both arrays hold the counts passed and
    // outlive the call (the service copies them).
    let rc = unsafe {
        if calls.principals == PWD.principals {
            ffi::cap_pwd_limit_users(chan, ptrs.as_ptr(), ptrs.len(), ids.as_mut_ptr(), ids.len())
        } else {
            ffi::cap_grp_limit_groups(chan, ptrs.as_ptr(), ptrs.len(), ids.as_ptr(), ids.len())
        }
    };
    check(calls.principals, rc)
}

/// `passwd` and `group`: C structs of integers and pointers.
trait DbEntry: Sized {
    fn zeroed() -> Self;
}

impl DbEntry for libc::passwd {
    fn zeroed() -> Self {
        // SAFETY: integers and nullable pointers: all-zero is valid.
        unsafe { std::mem::zeroed() }
    }
}

impl DbEntry for libc::group {
    fn zeroed() -> Self {
        // SAFETY: integers and nullable pointers: all-zero is valid.
        unsafe { std::mem::zeroed() }
    }
}

/// Runs one `cap_get*_r` call, growing the buffer on `ERANGE`; converts the
/// entry while its strings (in the buffer) are alive. `None`: no entry.
fn db_lookup<T: DbEntry, U>(
    mut call: impl FnMut(*mut T, *mut c_char, usize, *mut *mut T) -> c_int,
    convert: impl Fn(&T) -> U,
) -> io::Result<Option<U>> {
    let mut size = 1024;
    loop {
        let mut buf = vec![0 as c_char; size];
        let mut entry = T::zeroed();
        let mut result: *mut T = ptr::null_mut();
        match call(&mut entry, buf.as_mut_ptr(), buf.len(), &mut result) {
            0 if result.is_null() => return Ok(None),
            0 => return Ok(Some(convert(&entry))),
            libc::ERANGE if size < 1 << 20 => size *= 2,
            e => return Err(io::Error::from_raw_os_error(e)),
        }
    }
}

/// A C string field, `None` when NULL.
///
/// # Safety
/// `p` is NULL or points to a NUL-terminated string.
unsafe fn c_field(p: *const c_char) -> Option<String> {
    // SAFETY: as the caller promises.
    (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned())
}

/// # Safety
/// `p` is NULL or points to a NUL-terminated string.
unsafe fn c_path(p: *const c_char) -> Option<PathBuf> {
    // SAFETY: as the caller promises.
    let bytes = (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) }.to_bytes().to_vec());
    bytes.map(|b| PathBuf::from(OsString::from_vec(b)))
}

fn wants(fields: &[&str], field: &str) -> bool {
    fields.is_empty() || fields.contains(&field)
}

fn user(pw: &libc::passwd, fields: &[&str]) -> User {
    let want = |f| wants(fields, f);
    // SAFETY: the service fills each string field with NULL or a
    // NUL-terminated string in the call's buffer, still alive here.
    unsafe {
        User {
            name: want("pw_name").then(|| c_field(pw.pw_name)).flatten(),
            passwd: want("pw_passwd").then(|| c_field(pw.pw_passwd)).flatten(),
            uid: want("pw_uid").then_some(pw.pw_uid),
            gid: want("pw_gid").then_some(pw.pw_gid),
            gecos: want("pw_gecos").then(|| c_field(pw.pw_gecos)).flatten(),
            dir: want("pw_dir").then(|| c_path(pw.pw_dir)).flatten(),
            shell: want("pw_shell").then(|| c_path(pw.pw_shell)).flatten(),
        }
    }
}

fn group(gr: &libc::group, fields: &[&str]) -> Group {
    let want = |f| wants(fields, f);
    // SAFETY: as in `user`; `gr_mem` is NULL or a NULL-terminated array of
    // strings in the same buffer.
    unsafe {
        let members = want("gr_mem").then(|| {
            let mut names = Vec::new();
            let mut p = gr.gr_mem;
            while !p.is_null() && !(*p).is_null() {
                names.extend(c_field(*p));
                p = p.add(1);
            }
            names
        });
        Group {
            name: want("gr_name").then(|| c_field(gr.gr_name)).flatten(),
            passwd: want("gr_passwd").then(|| c_field(gr.gr_passwd)).flatten(),
            gid: want("gr_gid").then_some(gr.gr_gid),
            members,
        }
    }
}

fn db_fields(decl: &ServiceDecl) -> Vec<&'static str> {
    match decl {
        ServiceDecl::Pwd(l) => l.names().fields,
        ServiceDecl::Grp(l) => l.names().fields,
        _ => Vec::new(),
    }
}

/// Records narrowed fields so that the entries leave them out.
fn narrow_fields<F: Clone>(fields: &mut Vec<F>, narrowed: &[F]) {
    if !narrowed.is_empty() {
        fields.clear();
        fields.extend_from_slice(narrowed);
    }
}

// --- system.sysctl ----------------------------------------------------

/// cap_sysctl_limit_init(3), one cap_sysctl_limit_name per entry, then
/// cap_sysctl_limit. An empty list is applied too: it allows nothing.
fn sysctl_limit(chan: *mut cap_channel_t, limits: &SysctlLimits) -> Result<(), Failure> {
    let entries = limits
        .entries
        .iter()
        .map(|(name, access)| {
            let mut flags = 0;
            if access.read {
                flags |= ffi::CAP_SYSCTL_READ;
            }
            if access.write {
                flags |= ffi::CAP_SYSCTL_WRITE;
            }
            if access.recursive {
                flags |= ffi::CAP_SYSCTL_RECURSIVE;
            }
            Ok((c_string(name)?, flags))
        })
        .collect::<io::Result<Vec<_>>>()
        .map_err(io_failure("cap_sysctl_limit_name"))?;
    // SAFETY: `chan` is live; each builder call gets the limit it returns
    // and a NUL-terminated name it copies; cap_sysctl_limit consumes it.
    unsafe {
        let limit = ffi::cap_sysctl_limit_init(chan);
        if limit.is_null() {
            return Err(Failure::last_os_error("cap_sysctl_limit_init"));
        }
        for (name, flags) in &entries {
            ffi::cap_sysctl_limit_name(limit, name.as_ptr(), *flags);
        }
        check("cap_sysctl_limit", ffi::cap_sysctl_limit(limit))
    }
}

fn sysctl_get(chan: *mut cap_channel_t, name: &str) -> io::Result<Vec<u8>> {
    let name = c_string(name)?;
    let mut len = 0;
    // SAFETY: `chan` is live; a size query passes no buffers.
    let rc = unsafe {
        ffi::cap_sysctlbyname(
            chan,
            name.as_ptr(),
            ptr::null_mut(),
            &mut len,
            ptr::null(),
            0,
        )
    };
    if rc < 0 {
        return Err(io::Error::last_os_error());
    }
    for _ in 0..4 {
        // Room for growth between the two calls.
        let mut buf = vec![0u8; len + len / 4 + 16];
        let mut got = buf.len();
        // SAFETY: `buf` has `got` writable bytes.
        let rc = unsafe {
            ffi::cap_sysctlbyname(
                chan,
                name.as_ptr(),
                buf.as_mut_ptr().cast(),
                &mut got,
                ptr::null(),
                0,
            )
        };
        if rc == 0 {
            buf.truncate(got);
            return Ok(buf);
        }
        let e = io::Error::last_os_error();
        if e.raw_os_error() != Some(libc::ENOMEM) {
            return Err(e);
        }
        len = buf.len() * 2;
    }
    Err(io::Error::from_raw_os_error(libc::ENOMEM))
}

// --- system.fileargs ---------------------------------------------------

/// The names `source` gives, from this process's arguments or environment.
fn fileargs_names(source: &Source) -> Result<Vec<OsString>, String> {
    let args: Vec<OsString> = std::env::args_os().collect();
    Ok(match source {
        Source::Literal(p) => vec![OsString::from(p)],
        Source::Arg(n) => vec![args
            .get(*n)
            .cloned()
            .ok_or_else(|| format!("argv[{n}]: missing command-line argument"))?],
        Source::Args(from) => args.into_iter().skip(*from).collect(),
        Source::Env(var) => {
            vec![std::env::var_os(var)
                .ok_or_else(|| format!("${var}: environment variable not set"))?]
        }
        Source::Expr { value, .. } => vec![value.clone()],
        Source::Exprs { values, .. } => values.clone(),
    })
}

/// fileargs_init(3) for the declared files, open flags, rights and
/// operations. Empty operations allow `open` only.
fn fileargs_init(limits: &FileArgsLimits) -> Result<FileArgs, Failure> {
    let invalid = |e: String| {
        Failure::new(
            "fileargs_init",
            io::Error::new(io::ErrorKind::InvalidInput, e),
        )
    };
    let names = fileargs_names(&limits.source).map_err(invalid)?;
    let names = names
        .iter()
        .map(c_string)
        .collect::<io::Result<Vec<_>>>()
        .map_err(io_failure("fileargs_init"))?;
    let mut argv: Vec<*mut c_char> = names.iter().map(|n| n.as_ptr().cast_mut()).collect();
    let argc = c_int::try_from(argv.len()).map_err(|_| invalid("too many files".into()))?;

    let f = &limits.flags;
    let mut flags = match (f.read, f.write || f.append) {
        (true, true) => libc::O_RDWR,
        (false, true) => libc::O_WRONLY,
        _ => libc::O_RDONLY,
    };
    for (on, flag) in [
        (f.append, libc::O_APPEND),
        (f.create, libc::O_CREAT),
        (f.truncate, libc::O_TRUNC),
        (f.exclusive, libc::O_EXCL),
    ] {
        if on {
            flags |= flag;
        }
    }
    let ops = if limits.operations.is_empty() {
        ffi::FA_OPEN
    } else {
        limits.operations.iter().fold(0, |ops, op| {
            ops | match op {
                FileOp::Open => ffi::FA_OPEN,
                FileOp::Lstat => ffi::FA_LSTAT,
                FileOp::Realpath => ffi::FA_REALPATH,
            }
        })
    };
    let mut cap_rights = rights::raw_cap_rights(limits.limits.rights);
    // SAFETY: called from `open` after `single_threaded()` (it forks a casper
    // process); `argv` holds `argc` NUL-terminated names that outlive the
    // call (the service copies them; fileargs_init does not write to them);
    // `cap_rights` is initialised.
    let fa = unsafe {
        ffi::fileargs_init(
            argc,
            argv.as_mut_ptr(),
            flags,
            f.mode as libc::mode_t,
            &mut cap_rights,
            ops,
        )
    };
    NonNull::new(fa)
        .map(FileArgs)
        .ok_or_else(|| Failure::last_os_error("fileargs_init"))
}

fn fileargs_open(fa: *mut ffi::fileargs_t, limits: &Limits, path: &Path) -> io::Result<OwnedFd> {
    let name = c_string(path)?;
    // SAFETY: `fa` is live (under the lock); `name` is NUL-terminated.
    let fd = unsafe { ffi::fileargs_open(fa, name.as_ptr()) };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: fileargs_open returned a new descriptor that we now own.
    let fd = unsafe { OwnedFd::from_raw_fd(fd) };
    // The service limited the rights (fileargs_init's cap_rights_t);
    // ioctl and fcntl commands can only be narrowed here.
    if limits.ioctls.is_some() || limits.fcntls.is_some() {
        rights::limit(&fd, limits).map_err(|f| f.error)?;
    }
    Ok(fd)
}

fn fileargs_lstat(fa: *mut ffi::fileargs_t, path: &Path) -> io::Result<FileStat> {
    let name = c_string(path)?;
    // SAFETY: stat is plain data.
    let mut sb: libc::stat = unsafe { std::mem::zeroed() };
    // SAFETY: `fa` is live; `name` is NUL-terminated; `sb` is writable.
    if unsafe { ffi::fileargs_lstat(fa, name.as_ptr(), &mut sb) } < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(FileStat {
        size: sb.st_size as u64,
        mode: u32::from(sb.st_mode),
        uid: sb.st_uid,
        gid: sb.st_gid,
        mtime: sb.st_mtime,
    })
}

fn fileargs_realpath(fa: *mut ffi::fileargs_t, path: &Path) -> io::Result<PathBuf> {
    let name = c_string(path)?;
    // SAFETY: `fa` is live; `name` is NUL-terminated; a NULL buffer asks
    // for a malloc'd result.
    let p = unsafe { ffi::fileargs_realpath(fa, name.as_ptr(), ptr::null_mut()) };
    if p.is_null() {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: `p` is a malloc'd NUL-terminated path, freed once after copying.
    unsafe {
        let path = PathBuf::from(OsStr::from_bytes(CStr::from_ptr(p).to_bytes()));
        libc::free(p.cast());
        Ok(path)
    }
}

// --- the surface the handles call --------------------------------------

const LOOKUPS: &[&str] = &["system.dns", "system.net"];

fn limit_io(f: Failure) -> io::Error {
    f.error
}

impl ChannelOps for Channel {
    fn lookup_host(&self, host: &str, family: Option<Family>) -> io::Result<Vec<IpAddr>> {
        self.service(LOOKUPS, "lookup_host", |chan, decl| {
            let limited_to = match decl {
                ServiceDecl::Dns(l) => l.families.clone(),
                ServiceDecl::Net(l) => l.families.clone(),
                _ => Vec::new(),
            };
            lookup_host(chan, host, family, &limited_to)
        })
    }

    fn lookup_addr(&self, addr: IpAddr) -> io::Result<String> {
        self.service(LOOKUPS, "lookup_addr", |chan, _| lookup_addr(chan, addr))
    }

    fn dns_limit(&self, limits: &DnsLimits) -> io::Result<()> {
        self.service(&["system.dns"], "dns_limit", |chan, decl| {
            dns_limit(chan, limits).map_err(limit_io)?;
            if let ServiceDecl::Dns(l) = decl {
                if !limits.families.is_empty() {
                    l.families.clone_from(&limits.families);
                }
            }
            Ok(())
        })
    }

    fn net_connect(&self, addr: SocketAddr, kind: SocketKind) -> io::Result<OwnedFd> {
        self.service(&["system.net"], "net_connect", |chan, _| {
            net_socket(chan, addr, kind, ffi::cap_connect)
        })
    }

    fn net_bind(&self, addr: SocketAddr, kind: SocketKind) -> io::Result<OwnedFd> {
        self.service(&["system.net"], "net_bind", |chan, _| {
            net_socket(chan, addr, kind, ffi::cap_bind)
        })
    }

    fn net_limit(&self, limits: &NetLimits) -> io::Result<()> {
        self.service(&["system.net"], "net_limit", |chan, decl| {
            net_limit(chan, limits).map_err(limit_io)?;
            if let ServiceDecl::Net(l) = decl {
                if !limits.families.is_empty() {
                    l.families.clone_from(&limits.families);
                }
            }
            Ok(())
        })
    }

    fn users(&self, query: DbQuery<'_>) -> io::Result<Vec<User>> {
        self.service(&["system.pwd"], "users", |chan, decl| {
            let fields = db_fields(decl);
            let convert = |pw: &libc::passwd| user(pw, &fields);
            Ok(match query {
                DbQuery::ByName(name) => {
                    let name = c_string(name)?;
                    db_lookup(
                        // SAFETY: `chan` is live under the lock; db_lookup passes
                        // an entry, a buffer of `len` bytes and a result pointer.
                        |pw, buf, len, res| unsafe {
                            ffi::cap_getpwnam_r(chan, name.as_ptr(), pw, buf, len, res)
                        },
                        convert,
                    )?
                    .into_iter()
                    .collect()
                }
                DbQuery::ById(uid) => db_lookup(
                    // SAFETY: `chan` is live under the lock; db_lookup passes
                    // an entry, a buffer of `len` bytes and a result pointer.
                    |pw, buf, len, res| unsafe {
                        ffi::cap_getpwuid_r(chan, uid, pw, buf, len, res)
                    },
                    convert,
                )?
                .into_iter()
                .collect(),
                DbQuery::All => {
                    let mut all = Vec::new();
                    // SAFETY: `chan` is live.
                    unsafe { ffi::cap_setpwent(chan) };
                    let walk = (|| {
                        while let Some(u) = db_lookup(
                            // SAFETY: `chan` is live under the lock; db_lookup passes
                            // an entry, a buffer of `len` bytes and a result pointer.
                            |pw, buf, len, res| unsafe {
                                ffi::cap_getpwent_r(chan, pw, buf, len, res)
                            },
                            convert,
                        )? {
                            all.push(u);
                        }
                        io::Result::Ok(())
                    })();
                    // SAFETY: `chan` is live.
                    unsafe { ffi::cap_endpwent(chan) };
                    walk?;
                    all
                }
            })
        })
    }

    fn pwd_limit(&self, limits: &PwdLimits) -> io::Result<()> {
        self.service(&["system.pwd"], "pwd_limit", |chan, decl| {
            db_limit(chan, &limits.names(), &PWD).map_err(limit_io)?;
            if let ServiceDecl::Pwd(l) = decl {
                narrow_fields(&mut l.fields, &limits.fields);
            }
            Ok(())
        })
    }

    fn groups(&self, query: DbQuery<'_>) -> io::Result<Vec<Group>> {
        self.service(&["system.grp"], "groups", |chan, decl| {
            let fields = db_fields(decl);
            let convert = |gr: &libc::group| group(gr, &fields);
            Ok(match query {
                DbQuery::ByName(name) => {
                    let name = c_string(name)?;
                    db_lookup(
                        // SAFETY: `chan` is live under the lock; db_lookup passes
                        // an entry, a buffer of `len` bytes and a result pointer.
                        |gr, buf, len, res| unsafe {
                            ffi::cap_getgrnam_r(chan, name.as_ptr(), gr, buf, len, res)
                        },
                        convert,
                    )?
                    .into_iter()
                    .collect()
                }
                DbQuery::ById(gid) => db_lookup(
                    // SAFETY: `chan` is live under the lock; db_lookup passes
                    // an entry, a buffer of `len` bytes and a result pointer.
                    |gr, buf, len, res| unsafe {
                        ffi::cap_getgrgid_r(chan, gid, gr, buf, len, res)
                    },
                    convert,
                )?
                .into_iter()
                .collect(),
                DbQuery::All => {
                    let mut all = Vec::new();
                    // SAFETY: `chan` is live. A failure shows in the
                    // first cap_getgrent_r.
                    unsafe { ffi::cap_setgrent(chan) };
                    let walk = (|| {
                        while let Some(g) = db_lookup(
                            // SAFETY: `chan` is live under the lock; db_lookup passes
                            // an entry, a buffer of `len` bytes and a result pointer.
                            |gr, buf, len, res| unsafe {
                                ffi::cap_getgrent_r(chan, gr, buf, len, res)
                            },
                            convert,
                        )? {
                            all.push(g);
                        }
                        io::Result::Ok(())
                    })();
                    // SAFETY: `chan` is live.
                    unsafe { ffi::cap_endgrent(chan) };
                    walk?;
                    all
                }
            })
        })
    }

    fn grp_limit(&self, limits: &GrpLimits) -> io::Result<()> {
        self.service(&["system.grp"], "grp_limit", |chan, decl| {
            db_limit(chan, &limits.names(), &GRP).map_err(limit_io)?;
            if let ServiceDecl::Grp(l) = decl {
                narrow_fields(&mut l.fields, &limits.fields);
            }
            Ok(())
        })
    }

    fn sysctl_get(&self, name: &str) -> io::Result<Vec<u8>> {
        self.service(&["system.sysctl"], "sysctl_get", |chan, _| {
            sysctl_get(chan, name)
        })
    }

    fn sysctl_set(&self, name: &str, value: &[u8]) -> io::Result<()> {
        self.service(&["system.sysctl"], "sysctl_set", |chan, _| {
            let name = c_string(name)?;
            // SAFETY: `chan` is live; `value` is readable for its length.
            let rc = unsafe {
                ffi::cap_sysctlbyname(
                    chan,
                    name.as_ptr(),
                    ptr::null_mut(),
                    ptr::null_mut(),
                    value.as_ptr().cast(),
                    value.len(),
                )
            };
            if rc < 0 {
                return Err(io::Error::last_os_error());
            }
            Ok(())
        })
    }

    fn sysctl_limit(&self, limits: &SysctlLimits) -> io::Result<()> {
        self.service(&["system.sysctl"], "sysctl_limit", |chan, _| {
            sysctl_limit(chan, limits).map_err(limit_io)
        })
    }

    fn syslog_open(&self, ident: &str, option: i32, facility: i32) -> io::Result<()> {
        self.service(&["system.syslog"], "syslog_open", |chan, _| {
            let ident = c_string(ident)?;
            // SAFETY: `chan` is live; `ident` is NUL-terminated (the
            // service copies it).
            unsafe { ffi::cap_openlog(chan, ident.as_ptr(), option, facility) };
            Ok(())
        })
    }

    fn syslog(&self, priority: i32, message: &str) -> io::Result<()> {
        self.service(&["system.syslog"], "syslog", |chan, _| {
            let message = c_string(message)?;
            // SAFETY: `chan` is live; the format takes exactly one string.
            unsafe { ffi::cap_syslog(chan, priority, c"%s".as_ptr(), message.as_ptr()) };
            Ok(())
        })
    }

    fn syslog_close(&self) -> io::Result<()> {
        self.service(&["system.syslog"], "syslog_close", |chan, _| {
            // SAFETY: `chan` is live.
            unsafe { ffi::cap_closelog(chan) };
            Ok(())
        })
    }

    fn syslog_set_mask(&self, mask: i32) -> io::Result<i32> {
        self.service(&["system.syslog"], "syslog_set_mask", |chan, _| {
            // SAFETY: `chan` is live.
            Ok(unsafe { ffi::cap_setlogmask(chan, mask) })
        })
    }

    fn fileargs_open(&self, path: &Path) -> io::Result<OwnedFd> {
        self.fileargs("fileargs_open", |fa, limits| {
            fileargs_open(fa, limits, path)
        })
    }

    fn fileargs_lstat(&self, path: &Path) -> io::Result<FileStat> {
        self.fileargs("fileargs_lstat", |fa, _| fileargs_lstat(fa, path))
    }

    fn fileargs_realpath(&self, path: &Path) -> io::Result<PathBuf> {
        self.fileargs("fileargs_realpath", |fa, _| fileargs_realpath(fa, path))
    }

    fn socket(&self) -> Option<BorrowedFd<'_>> {
        match &*self.lock() {
            Conn::Service(chan, _) => {
                // SAFETY: `chan` is live; cap_sock(3) only reads it.
                let fd = unsafe { ffi::cap_sock(chan.as_ptr().cast()) };
                // SAFETY: the socket is owned by the channel, which `self`
                // keeps open for the borrow's lifetime (only Drop closes it).
                (fd >= 0).then(|| unsafe { BorrowedFd::borrow_raw(fd) })
            }
            // fileargs(3) does not expose its channel.
            Conn::FileArgs(..) => None,
        }
    }
}
