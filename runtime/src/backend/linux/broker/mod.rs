//! The service broker: a process forked before entry (step 5) that carries
//! out service requests within the declared limits, libcasper's design on
//! Linux.
//!
//! - One broker per program, one `SOCK_SEQPACKET` socket pair per declared
//!   service (unix(7)); descriptors travel as `SCM_RIGHTS`.
//! - The broker starts only from a single-threaded process (fork(2) copies
//!   one thread), dies with the program (`PR_SET_PDEATHSIG` and end-of-file
//!   on every socket), keeps no descriptor but its sockets and stderr, and
//!   confines itself with the backend's confinement (no_new_privs,
//!   Landlock, the capability-mode seccomp filter, `../confine.rs`) widened
//!   only by what its services need (`confine.rs`) before it answers
//!   anything.
//! - Every message from the sandbox is hostile (`serve.rs`); limits can be
//!   narrowed from inside and never widened (`limits.rs`). A request outside
//!   the limits fails with [`VIOLATION`] (`EPERM`).
//! - Round trips cost about a hundred direct opens, so `fileargs` avoids
//!   them: names known at start are opened before entry (`O_NONBLOCK`
//!   probe, regular files only, and only when the flags neither create nor
//!   truncate) and the first `open` of each name takes that descriptor
//!   without a round trip; later opens ask the broker, which answers with a
//!   spare descriptor of the same name that the next open takes without a
//!   round trip, and opens its next descriptor of that name between
//!   requests (one round trip per two repeated opens).
//! - One thread per channel (`serve.rs`), blocked in `recvmsg`: no poll(2)
//!   on the path of a request.

use std::ffi::OsString;
use std::io::{self, IoSliceMut, Read, Write};
use std::mem::MaybeUninit;
use std::net::{IpAddr, SocketAddr};
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use rustix::fs::{Mode, OFlags};
use rustix::io::Errno;
use rustix::net::{
    AddressFamily, RecvAncillaryBuffer, RecvAncillaryMessage, RecvFlags, SendFlags, SocketFlags,
    SocketType,
};

use crate::decl::{
    DnsLimits, Family, FileArgsLimits, GrpLimits, NetLimits, PwdLimits, ServiceDecl, Source,
    SysctlLimits,
};
use crate::error::Error;
use crate::services::{ChannelOps, DbQuery, FileStat, Group, SocketKind, User};

use super::fds::{into_pool, Pool};

mod confine;
mod db;
mod dns;
mod fileargs;
mod limits;
mod net;
mod serve;
mod sysctl;
mod syslog;
mod wire;

use serve::State;
use wire::{Query, Reply, Request, MAX_MESSAGE};

pub(crate) use syslog::SOCKET_VAR as SYSLOG_SOCKET_VAR;

/// The errno of a request outside the limits, and of a limit that would
/// widen them: `EPERM`, Linux's nearest to FreeBSD's `ENOTCAPABLE`.
pub(crate) const VIOLATION: i32 = libc::EPERM;

/// A channel to the broker for one service.
#[derive(Debug)]
pub(crate) struct Channel {
    socket: OwnedFd,
    /// The receive buffer; its lock keeps one request in flight per channel.
    buffer: Mutex<Vec<u8>>,
    /// `fileargs`: descriptors opened before entry, by name, each taken by
    /// the first open of its name.
    preopened: Mutex<Vec<(Vec<u8>, OwnedFd)>>,
    /// `fileargs`: the pool its descriptors are limited in as they arrive
    /// (fileargs(3) applies `cap_rights_limit` with the declared rights).
    pool: Option<Pool>,
}

impl Channel {
    fn new(socket: OwnedFd, preopened: Vec<(Vec<u8>, OwnedFd)>, pool: Option<Pool>) -> Self {
        Channel {
            socket,
            buffer: Mutex::new(vec![0; MAX_MESSAGE + 1]),
            preopened: Mutex::new(preopened),
            pool,
        }
    }

    /// `fd` limited as the channel's descriptors are: moved into its pool.
    fn limited(&self, fd: OwnedFd) -> io::Result<OwnedFd> {
        match self.pool {
            Some(pool) => into_pool(fd, pool),
            None => Ok(fd),
        }
    }

    /// One round trip: the answer, and the descriptors that came with it
    /// (a `fileargs` open may bring a spare for the next open).
    fn call(&self, request: &Request) -> io::Result<(Reply, Option<OwnedFd>, Option<OwnedFd>)> {
        let message = request.encode();
        if message.len() > MAX_MESSAGE {
            return Err(io::Error::from_raw_os_error(libc::EMSGSIZE));
        }
        let mut buf = self.buffer.lock().unwrap_or_else(PoisonError::into_inner);
        loop {
            match rustix::net::send(&self.socket, &message, SendFlags::NOSIGNAL) {
                Ok(_) => break,
                Err(Errno::INTR) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        let mut space = [MaybeUninit::uninit(); rustix::cmsg_space!(ScmRights(2))];
        let mut control = RecvAncillaryBuffer::new(&mut space);
        let msg = loop {
            match rustix::net::recvmsg(
                &self.socket,
                &mut [IoSliceMut::new(&mut buf)],
                &mut control,
                RecvFlags::CMSG_CLOEXEC,
            ) {
                Ok(msg) => break msg,
                Err(Errno::INTR) => continue,
                Err(e) => return Err(e.into()),
            }
        };
        let (mut fd, mut spare) = (None, None);
        for m in control.drain() {
            if let RecvAncillaryMessage::ScmRights(fds) = m {
                for f in fds {
                    if fd.is_none() {
                        fd = Some(f);
                    } else {
                        spare.get_or_insert(f);
                    }
                }
            }
        }
        if msg.bytes == 0 {
            // End of file: the broker is gone.
            return Err(io::Error::from_raw_os_error(libc::EPIPE));
        }
        let answer = wire::decode_answer(&buf[..msg.bytes.min(buf.len())])
            .map_err(|_| io::Error::from_raw_os_error(libc::EIO))?;
        match answer {
            Ok(Reply::Fd) if fd.is_none() => Err(io::Error::from_raw_os_error(libc::EIO)),
            Ok(reply) => Ok((reply, fd, spare)),
            Err(errno) => Err(io::Error::from_raw_os_error(errno)),
        }
    }

    fn expect<T>(&self, request: &Request, f: impl FnOnce(Reply) -> Option<T>) -> io::Result<T> {
        let (reply, _, _) = self.call(request)?;
        f(reply).ok_or_else(|| io::Error::from_raw_os_error(libc::EIO))
    }

    fn done(&self, request: &Request) -> io::Result<()> {
        self.expect(request, |r| matches!(r, Reply::Done).then_some(()))
    }

    fn fd(&self, request: &Request) -> io::Result<OwnedFd> {
        match self.call(request)? {
            (Reply::Fd, Some(fd), _) => Ok(fd),
            _ => Err(io::Error::from_raw_os_error(libc::EIO)),
        }
    }
}

fn query(q: DbQuery<'_>) -> Query {
    match q {
        DbQuery::ByName(n) => Query::ByName(n.to_owned()),
        DbQuery::ById(id) => Query::ById(id),
        DbQuery::All => Query::All,
    }
}

fn path_bytes(p: &Path) -> Vec<u8> {
    p.as_os_str().as_bytes().to_vec()
}

impl ChannelOps for Channel {
    fn lookup_host(&self, host: &str, family: Option<Family>) -> io::Result<Vec<IpAddr>> {
        let request = Request::LookupHost {
            host: host.to_owned(),
            family,
        };
        self.expect(&request, |r| match r {
            Reply::Addrs(a) => Some(a),
            _ => None,
        })
    }
    fn lookup_service(
        &self,
        host: &str,
        service: &str,
        family: Option<Family>,
    ) -> io::Result<Vec<SocketAddr>> {
        let request = Request::LookupService {
            host: host.to_owned(),
            service: service.to_owned(),
            family,
        };
        self.expect(&request, |r| match r {
            Reply::SockAddrs(a) => Some(a),
            _ => None,
        })
    }
    fn lookup_addr(&self, addr: IpAddr) -> io::Result<String> {
        self.expect(&Request::LookupAddr(addr), |r| match r {
            Reply::Name(n) => Some(n),
            _ => None,
        })
    }
    fn dns_limit(&self, limits: &DnsLimits) -> io::Result<()> {
        self.done(&Request::DnsLimit(limits.clone()))
    }
    fn net_connect(&self, addr: SocketAddr, kind: SocketKind) -> io::Result<OwnedFd> {
        self.fd(&Request::NetConnect(addr, kind))
    }
    fn net_bind(&self, addr: SocketAddr, kind: SocketKind) -> io::Result<OwnedFd> {
        self.fd(&Request::NetBind(addr, kind))
    }
    fn net_limit(&self, limits: &NetLimits) -> io::Result<()> {
        self.done(&Request::NetLimit(limits.clone()))
    }
    fn users(&self, q: DbQuery<'_>) -> io::Result<Vec<User>> {
        self.expect(&Request::Users(query(q)), |r| match r {
            Reply::Users(u) => Some(u),
            _ => None,
        })
    }
    fn pwd_limit(&self, limits: &PwdLimits) -> io::Result<()> {
        self.done(&Request::PwdLimit(limits.clone()))
    }
    fn groups(&self, q: DbQuery<'_>) -> io::Result<Vec<Group>> {
        self.expect(&Request::Groups(query(q)), |r| match r {
            Reply::Groups(g) => Some(g),
            _ => None,
        })
    }
    fn grp_limit(&self, limits: &GrpLimits) -> io::Result<()> {
        self.done(&Request::GrpLimit(limits.clone()))
    }
    fn sysctl_get(&self, name: &str) -> io::Result<Vec<u8>> {
        self.expect(&Request::SysctlGet(name.to_owned()), |r| match r {
            Reply::Bytes(b) => Some(b),
            _ => None,
        })
    }
    fn sysctl_set(&self, name: &str, value: &[u8]) -> io::Result<()> {
        self.done(&Request::SysctlSet(name.to_owned(), value.to_vec()))
    }
    fn sysctl_limit(&self, limits: &SysctlLimits) -> io::Result<()> {
        let entries = limits
            .entries
            .iter()
            .map(|(n, a)| ((*n).to_owned(), *a))
            .collect();
        self.done(&Request::SysctlLimit(entries))
    }
    fn syslog_open(&self, ident: &str, option: i32, facility: i32) -> io::Result<()> {
        self.done(&Request::SyslogOpen {
            ident: ident.to_owned(),
            option,
            facility,
        })
    }
    fn syslog(&self, priority: i32, message: &str) -> io::Result<()> {
        self.done(&Request::Syslog {
            priority,
            message: message.to_owned(),
        })
    }
    fn syslog_close(&self) -> io::Result<()> {
        self.done(&Request::SyslogClose)
    }
    fn syslog_set_mask(&self, mask: i32) -> io::Result<i32> {
        self.expect(&Request::SyslogSetMask(mask), |r| match r {
            Reply::Mask(m) => Some(m),
            _ => None,
        })
    }
    fn fileargs_open(&self, path: &Path) -> io::Result<OwnedFd> {
        let name = path_bytes(path);
        {
            let mut pre = self
                .preopened
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            if let Some(i) = pre.iter().position(|(n, _)| *n == name) {
                return Ok(pre.swap_remove(i).1);
            }
        }
        match self.call(&Request::FileOpen(name.clone()))? {
            (Reply::Fd, Some(fd), spare) => {
                let fd = self.limited(fd)?;
                // A spare is limited as it arrives too, or dropped when
                // the pool is full (the next open asks the broker).
                if let Some(spare) = spare.and_then(|s| self.limited(s).ok()) {
                    self.preopened
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .push((name, spare));
                }
                Ok(fd)
            }
            _ => Err(io::Error::from_raw_os_error(libc::EIO)),
        }
    }
    fn fileargs_lstat(&self, path: &Path) -> io::Result<FileStat> {
        self.expect(&Request::FileLstat(path_bytes(path)), |r| match r {
            Reply::Stat(s) => Some(s),
            _ => None,
        })
    }
    fn fileargs_realpath(&self, path: &Path) -> io::Result<PathBuf> {
        self.expect(&Request::FileRealpath(path_bytes(path)), |r| match r {
            Reply::Bytes(b) => Some(PathBuf::from(OsString::from_vec(b))),
            _ => None,
        })
    }
    fn socket(&self) -> Option<BorrowedFd<'_>> {
        Some(self.socket.as_fd())
    }
}

/// Why the broker could not start, as the child reports it on the status
/// pipe: which service, which call, which errno.
const STAGES: &[&str] = &[
    "prctl(PR_SET_PDEATHSIG)",
    "close_range",
    "getpwuid_r",
    "getgrgid_r",
    "landlock_restrict_self",
    "seccomp(SECCOMP_SET_MODE_FILTER)",
    "prctl(PR_SET_NO_NEW_PRIVS)",
    "pthread_create",
];

/// The stage of a serving thread that could not be created.
const THREAD_STAGE: u8 = 7;

fn service_error(service: &'static str, syscall: &'static str, source: io::Error) -> Error {
    Error::Service {
        service,
        syscall,
        source,
    }
}

/// The names a fileargs declaration allows.
fn fileargs_names(
    service: &'static str,
    limits: &FileArgsLimits,
    args: &[OsString],
) -> Result<Vec<Vec<u8>>, Error> {
    let missing = |what: String| {
        service_error(
            service,
            "fileargs_init",
            io::Error::new(io::ErrorKind::NotFound, what),
        )
    };
    Ok(match &limits.source {
        Source::Literal(p) => vec![p.as_bytes().to_vec()],
        Source::Arg(n) => match args.get(*n) {
            Some(a) => vec![a.as_bytes().to_vec()],
            None => return Err(missing(format!("argv[{n}]: missing command-line argument"))),
        },
        Source::Args(from) => args
            .iter()
            .skip(*from)
            .map(|a| a.as_bytes().to_vec())
            .collect(),
        Source::Env(var) => match std::env::var_os(var) {
            Some(v) => vec![v.into_vec()],
            None => return Err(missing(format!("${var}: environment variable not set"))),
        },
        Source::Expr { value, .. } => vec![value.as_bytes().to_vec()],
        Source::Exprs { values, .. } => values.iter().map(|v| v.as_bytes().to_vec()).collect(),
        Source::Absent { .. } => Vec::new(),
    })
}

/// Opens `name` before entry if that cannot change anything the program
/// would observe: a regular file, flags that neither create nor truncate.
/// `O_NONBLOCK` keeps a FIFO from blocking the probe.
fn preopen(name: &[u8], limits: &FileArgsLimits) -> Option<OwnedFd> {
    let f = &limits.flags;
    if !fileargs::openable_ahead(f) {
        return None;
    }
    let path = Path::new(std::ffi::OsStr::from_bytes(name));
    let fd = rustix::fs::open(path, fileargs::oflags(f) | OFlags::NONBLOCK, Mode::empty()).ok()?;
    let st = rustix::fs::fstat(&fd).ok()?;
    if rustix::fs::FileType::from_raw_mode(st.st_mode) != rustix::fs::FileType::RegularFile {
        return None;
    }
    let flags = rustix::fs::fcntl_getfl(&fd).ok()?;
    rustix::fs::fcntl_setfl(&fd, flags - OFlags::NONBLOCK).ok()?;
    Some(fd)
}

/// Forks the broker (the process must be single-threaded) and returns one
/// channel per declared service, in order; `pools[i]`, if any, is where
/// service `i`'s descriptors are limited (`fileargs`). Its descriptors
/// opened before entry go there at once, at most half the pool's numbers
/// of them (the rest are opened through the broker when asked for).
pub(crate) fn start(
    services: &[ServiceDecl],
    pools: &[Option<Pool>],
) -> Result<(Vec<Channel>, Option<Starting>), Error> {
    let Some(first) = services.first() else {
        return Ok((Vec::new(), None));
    };
    let first = first.service_name();
    match super::threads_besides_this_one() {
        Ok(0) => {}
        Ok(n) => {
            return Err(service_error(
                first,
                "fork",
                io::Error::other(format!(
                    "the process has {} threads; services start only while it has one",
                    n + 1
                )),
            ))
        }
        Err(e) => return Err(service_error(first, "fork", e)),
    }

    let args: Vec<OsString> = std::env::args_os().collect();
    let pid = std::process::id();
    let program = args
        .first()
        .and_then(|a| Path::new(a).file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "sandboxed".into());
    let syslog_path = std::env::var_os(SYSLOG_SOCKET_VAR)
        .map_or_else(|| PathBuf::from("/dev/log"), PathBuf::from);

    let mut states = Vec::with_capacity(services.len());
    let mut preopened = Vec::with_capacity(services.len());
    for decl in services {
        let service = decl.service_name();
        let mut pre = Vec::new();
        states.push(match decl {
            ServiceDecl::Dns(l) => State::Dns(dns::Dns { limits: l.clone() }),
            ServiceDecl::Net(l) => State::Net(net::Net {
                limits: l.clone(),
                resolved: Vec::new(),
            }),
            ServiceDecl::Pwd(l) => State::Db(db::Database {
                db: db::Db::Pwd,
                limits: l.names(),
            }),
            ServiceDecl::Grp(l) => State::Db(db::Database {
                db: db::Db::Grp,
                limits: l.names(),
            }),
            ServiceDecl::Sysctl(l) => {
                for (name, _) in &l.entries {
                    if sysctl::proc_path(name).is_err() {
                        return Err(service_error(
                            service,
                            "sysctl",
                            io::Error::new(
                                io::ErrorKind::InvalidInput,
                                format!("{name:?} is not a sysctl name"),
                            ),
                        ));
                    }
                }
                State::Sysctl(sysctl::Sysctl {
                    entries: l
                        .entries
                        .iter()
                        .map(|(n, a)| ((*n).to_owned(), *a))
                        .collect(),
                })
            }
            ServiceDecl::Syslog => State::Syslog(syslog::Syslog::new(
                syslog_path.clone(),
                pid,
                program.clone(),
            )),
            ServiceDecl::FileArgs(l) => {
                let names = fileargs_names(service, l, &args)?;
                let pool = pools.get(states.len()).copied().flatten();
                let room = pool.map_or(names.len(), |p| ((p.hi - p.lo + 1) / 2) as usize);
                if l.operations.is_empty() || l.operations.contains(&crate::decl::FileOp::Open) {
                    for name in names.iter().take(room) {
                        let Some(fd) = preopen(name, l) else { continue };
                        let fd = match pool {
                            Some(p) => {
                                into_pool(fd, p).map_err(|e| service_error(service, "dup3", e))?
                            }
                            None => fd,
                        };
                        pre.push((name.clone(), fd));
                    }
                }
                State::FileArgs(fileargs::FileArgs {
                    names,
                    flags: l.flags,
                    operations: l.operations.clone(),
                    ready: None,
                    ahead: None,
                    spare: None,
                })
            }
        });
        preopened.push(pre);
    }

    let mut ours = Vec::with_capacity(services.len());
    let mut theirs = Vec::with_capacity(services.len());
    for decl in services {
        let (a, b) = rustix::net::socketpair(
            AddressFamily::UNIX,
            SocketType::SEQPACKET,
            SocketFlags::CLOEXEC,
            None,
        )
        .map_err(|e| service_error(decl.service_name(), "socketpair", e.into()))?;
        ours.push(a);
        theirs.push(b);
    }
    let (status_r, status_w) = rustix::pipe::pipe_with(rustix::pipe::PipeFlags::CLOEXEC)
        .map_err(|e| service_error(first, "pipe2", e.into()))?;

    // SAFETY: the process has one thread (checked above), so the child is a
    // complete copy; it never returns into the caller (it ends in `_exit`).
    let child = unsafe { libc::fork() };
    if child < 0 {
        return Err(service_error(first, "fork", io::Error::last_os_error()));
    }
    if child == 0 {
        drop(ours);
        drop(status_r);
        drop(preopened);
        let channels = theirs.into_iter().zip(states).collect();
        broker_main(channels, status_w, pid);
    }
    drop(theirs);
    drop(status_w);
    let channels = ours
        .into_iter()
        .zip(preopened)
        .enumerate()
        .map(|(i, (socket, pre))| Channel::new(socket, pre, pools.get(i).copied().flatten()))
        .collect();
    let names = services.iter().map(ServiceDecl::service_name).collect();
    Ok((
        channels,
        Some(Starting {
            status: status_r,
            names,
        }),
    ))
}

/// A broker forked and preparing itself (warming, confining): the program
/// confines itself meanwhile and asks [`Starting::ready`] before its body
/// runs, so the two happen at once.
#[derive(Debug)]
pub(crate) struct Starting {
    /// Where the broker writes one zero byte once confined, or what failed.
    status: OwnedFd,
    /// libcasper's names of the services, in declaration order.
    names: Vec<&'static str>,
}

impl Starting {
    /// Waits for the broker: `Ok` once it is confined and serving, else
    /// the service, call and errno that failed.
    pub(crate) fn ready(self) -> Result<(), Error> {
        let first = self.names[0];
        let mut report = Vec::new();
        let _ = std::fs::File::from(self.status).read_to_end(&mut report);
        match report.as_slice() {
            [0] => Ok(()),
            [1, index, stage, errno @ ..] if errno.len() == 4 => {
                let service = self
                    .names
                    .get(usize::from(*index))
                    .copied()
                    .unwrap_or(first);
                let syscall = STAGES.get(usize::from(*stage)).copied().unwrap_or("broker");
                let errno = i32::from_le_bytes(errno.try_into().expect("four bytes"));
                Err(service_error(
                    service,
                    syscall,
                    io::Error::from_raw_os_error(errno),
                ))
            }
            _ => Err(service_error(
                first,
                "fork",
                io::Error::other("the broker died before it was ready"),
            )),
        }
    }
}

/// A failure of the child before it is ready: service index, stage, errno.
struct Failed(u8, u8, i32);

/// The broker process: cleans up, confines itself, reports, serves, exits.
fn broker_main(channels: Vec<(OwnedFd, State)>, status: OwnedFd, parent: u32) -> ! {
    let mut status = std::fs::File::from(status);
    let started = prepare(&channels, &status, parent).and_then(|()| {
        serve::start(channels).map_err(|(index, errno)| Failed(index as u8, THREAD_STAGE, errno))
    });
    let code = match started {
        Ok(serving) => {
            let _ = status.write_all(&[0]);
            drop(status);
            serving.run();
            0
        }
        Err(Failed(index, stage, errno)) => {
            let mut report = vec![1, index, stage];
            report.extend_from_slice(&errno.to_le_bytes());
            let _ = status.write_all(&report);
            1
        }
    };
    // SAFETY: _exit(2) ends the child without running the parent's atexit
    // handlers or flushing its copied stdio buffers.
    unsafe { libc::_exit(code) }
}

fn prepare(
    channels: &[(OwnedFd, State)],
    status: &std::fs::File,
    parent: u32,
) -> Result<(), Failed> {
    use std::os::fd::AsRawFd;
    let errno = |e: Errno| e.raw_os_error();

    // Die with the program; if it is already gone, stop now (prctl(2)).
    rustix::process::set_parent_process_death_signal(Some(rustix::process::Signal::KILL))
        .map_err(|e| Failed(0, 0, errno(e)))?;
    if rustix::process::getppid().map(|p| p.as_raw_nonzero().get() as u32) != Some(parent) {
        // SAFETY: as in broker_main.
        unsafe { libc::_exit(0) }
    }

    // Keep only the sockets, the status pipe and stderr; stdin and stdout
    // become /dev/null.
    let mut keep: Vec<i32> = channels.iter().map(|(fd, _)| fd.as_raw_fd()).collect();
    keep.push(status.as_raw_fd());
    keep.push(2);
    close_others(&keep).map_err(|e| Failed(0, 1, e))?;

    // Load what the services need from the file system while it is open.
    for (i, (_, state)) in channels.iter().enumerate() {
        match state {
            State::Db(d) => {
                db::warm(d.db).map_err(|e| Failed(i as u8, 2 + u8::from(d.db == db::Db::Grp), e))?
            }
            State::Dns(_) | State::Net(_) => {
                let _ = dns::lookup_host("localhost", None, &[]);
            }
            State::Syslog(_) => syslog::warm(),
            State::Sysctl(_) | State::FileArgs(_) => {}
        }
    }

    let states: Vec<&State> = channels.iter().map(|(_, s)| s).collect();
    confine::confine(&states).map_err(|(stage, e)| Failed(0, stage, e))
}

/// Closes every descriptor but `keep`, and puts /dev/null on 0 and 1.
fn close_others(keep: &[i32]) -> Result<(), i32> {
    let null = rustix::fs::open("/dev/null", OFlags::RDWR | OFlags::CLOEXEC, Mode::empty())
        .map_err(|e| e.raw_os_error())?;
    for target in [0, 1] {
        if !keep.contains(&target) {
            // SAFETY: dup2 onto 0 and 1 replaces whatever the parent had
            // there; nothing in the child uses those descriptors as owned.
            if unsafe { libc::dup2(std::os::fd::AsRawFd::as_raw_fd(&null), target) } < 0 {
                return Err(io::Error::last_os_error()
                    .raw_os_error()
                    .unwrap_or(libc::EIO));
            }
        }
    }
    drop(null);
    // close_range(2) over the gaps: a few calls, where reading
    // /proc/self/fd costs procfs listing the table and a close(2) each.
    let mut kept = keep.to_vec();
    kept.extend([0, 1]);
    match super::compartment::close_all_but(&kept) {
        Ok(()) => return Ok(()),
        // Linux < 5.9.
        Err(e) if e.raw_os_error() == Some(libc::ENOSYS) => {}
        Err(e) => return Err(e.raw_os_error().unwrap_or(libc::EIO)),
    }
    let open: Vec<i32> = std::fs::read_dir("/proc/self/fd")
        .map_err(|e| e.raw_os_error().unwrap_or(libc::EIO))?
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
        .collect();
    for fd in open {
        if fd > 2 && !keep.contains(&fd) {
            // SAFETY: the child owns every descriptor it inherited; the ones
            // closed here belong to Rust values of the parent's stack that
            // the child never uses again (it ends in `_exit`). A stale entry
            // (the read_dir descriptor) fails with EBADF, ignored.
            unsafe { libc::close(fd) };
        }
    }
    Ok(())
}
