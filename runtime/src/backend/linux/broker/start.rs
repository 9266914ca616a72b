//! Starting the broker: the channels' names and states from the
//! declarations, `fileargs` names opened ahead, the fork, and the child's
//! preparation (die with the program, keep only its sockets, load what
//! its services read, confine itself: `policy.rs`) before it serves
//! (`serve.rs`) and reports ready on a status pipe.

use std::ffi::OsString;
use std::io::{self, Read, Write};
use std::os::fd::OwnedFd;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};

use rustix::fs::{Mode, OFlags};
use rustix::io::Errno;
use rustix::net::{AddressFamily, SocketFlags, SocketType};

use crate::decl::{FileArgsLimits, ServiceDecl, Source};
use crate::error::Error;

use super::super::fds::{into_pool, Pool};
use super::channel::Channel;
use super::serve::{self, State};
use super::{db, dns, fileargs, net, policy, sysctl, syslog, SYSLOG_SOCKET_VAR};

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
    match super::super::threads_besides_this_one() {
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
                resolved: Default::default(),
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
                    known: fileargs::identities(&names),
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
    policy::confine(&states).map_err(|(stage, e)| Failed(0, stage, e))
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
    match super::super::compartment::close_all_but(&kept) {
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
