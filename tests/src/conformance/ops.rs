//! The operations of the conformance suite, run by `conformance_probe`
//! inside the sandbox (or unsandboxed for `--baseline`). Each tries ONE
//! thing on the descriptors the profile declared and reports what the
//! kernel said; [`super::cases`] knows what Capsicum would say.
//!
//! A case names its operation with a [`Spec`]: the operation, the role it
//! acts on (`f`, `top`, `stdin`, `cwd` for `AT_FDCWD`...), an optional
//! second role, how to reach the descriptor (`via`: the role itself, or a
//! descriptor derived from it after entry) and one argument string.

use std::ffi::CString;
use std::io;
use std::os::fd::{AsRawFd, OwnedFd, RawFd};

use sandboxed::rights::{can, RightsMarker};
use sandboxed::Dir;

use crate::sys::{c, close, fstat, in_child, map, openat, pipe, read_text, stat_at, sys, Attempt};

/// `Dir` methods a `@methods` profile hands over, for the walk cases:
/// the same calls as the raw ones, through the typed handle.
pub trait DirMethods {
    /// `Dir::open` (read).
    fn open(&self, path: &str) -> io::Result<OwnedFd>;
    /// `Dir::open_dir`.
    fn open_dir(&self, path: &str) -> io::Result<OwnedFd>;
    /// `Dir::symlink_metadata`.
    fn stat(&self, path: &str) -> io::Result<()>;
    /// `Dir::read_link`.
    fn read_link(&self, path: &str) -> io::Result<()>;
}

impl<R: RightsMarker + can::Lookup + can::Read + can::Fstatat> DirMethods for Dir<R> {
    fn open(&self, path: &str) -> io::Result<OwnedFd> {
        Dir::open(self, path).map(OwnedFd::from)
    }
    fn open_dir(&self, path: &str) -> io::Result<OwnedFd> {
        Dir::open_dir(self, path).map(OwnedFd::from)
    }
    fn stat(&self, path: &str) -> io::Result<()> {
        self.symlink_metadata(path).map(drop)
    }
    fn read_link(&self, path: &str) -> io::Result<()> {
        Dir::read_link(self, path).map(drop)
    }
}

/// The descriptors of a run: each declared role's number, and the
/// directories handed to `Dir` methods.
#[derive(Default)]
#[allow(missing_debug_implementations)]
pub struct Fds<'a> {
    /// `(role, descriptor)`.
    pub roles: Vec<(&'static str, RawFd)>,
    /// `(role, directory)` of `@methods` profiles.
    pub methods: Vec<(&'static str, &'a dyn DirMethods)>,
}

impl Fds<'_> {
    fn fd(&self, role: &str) -> io::Result<RawFd> {
        match role {
            "stdin" => Ok(0),
            "cwd" => Ok(libc::AT_FDCWD),
            "bad" => Ok(-1),
            _ => self
                .roles
                .iter()
                .find(|(r, _)| *r == role)
                .map(|(_, fd)| *fd)
                .ok_or_else(|| io::Error::other(format!("the profile has no role `{role}`"))),
        }
    }
}

/// One operation to try: what the probe reads from its command line
/// (`conformance_probe PROFILE OP TARGET TARGET2 VIA ARG`, `-` for none).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Spec {
    /// The operation (see [`run`]).
    pub op: String,
    /// The role it acts on.
    pub target: String,
    /// A second role (the other end of a link, rename, copy).
    pub target2: String,
    /// How to reach the descriptor: `-` the role itself; `sub`, `sub_path`,
    /// `dot`: a directory opened beneath it after entry (`O_RDONLY`,
    /// `O_PATH`, `"."`); `sub_method`: `Dir::open_dir`; `file:PATH` a file
    /// opened beneath it read-only; `dup`, `dupfd`: a copy of it (dup(2),
    /// fcntl(2) `F_DUPFD_CLOEXEC`).
    pub via: String,
    /// The operation's argument.
    pub arg: String,
}

impl Spec {
    /// The command-line words of this spec.
    pub fn args(&self) -> [&str; 5] {
        [
            or_dash(&self.op),
            or_dash(&self.target),
            or_dash(&self.target2),
            or_dash(&self.via),
            or_dash(&self.arg),
        ]
    }

    /// Parses the words [`Spec::args`] wrote.
    pub fn parse(words: &[String]) -> Option<Spec> {
        let get = |i: usize| -> Option<String> {
            let w = words.get(i)?;
            Some(if w == "-" { String::new() } else { w.clone() })
        };
        Some(Spec {
            op: get(0)?,
            target: get(1)?,
            target2: get(2)?,
            via: get(3)?,
            arg: get(4)?,
        })
    }
}

fn or_dash(s: &str) -> &str {
    if s.is_empty() {
        "-"
    } else {
        s
    }
}

fn root() -> String {
    std::env::var(super::ROOT_ENV).expect("the runner sets the world's root")
}

/// `$ROOT/rel` as an absolute C path.
fn abs(rel: &str) -> CString {
    c(&format!("{}/{rel}", root()))
}

/// Parses `rdonly+creat+...` into open(2) flags.
fn oflags(words: &str) -> io::Result<i32> {
    let mut flags = 0;
    for w in words.split('+').filter(|w| !w.is_empty()) {
        flags |= match w {
            "rdonly" => libc::O_RDONLY,
            "wronly" => libc::O_WRONLY,
            "rdwr" => libc::O_RDWR,
            "creat" => libc::O_CREAT,
            "excl" => libc::O_EXCL,
            "trunc" => libc::O_TRUNC,
            "append" => libc::O_APPEND,
            "sync" => libc::O_SYNC,
            "dsync" => libc::O_DSYNC,
            "path" => libc::O_PATH,
            "directory" => libc::O_DIRECTORY,
            "nofollow" => libc::O_NOFOLLOW,
            "tmpfile" => libc::O_TMPFILE,
            other => return Err(io::Error::other(format!("unknown open flag {other}"))),
        };
    }
    Ok(flags)
}

/// `a:b:c` split into at most `n` parts (missing ones empty).
fn parts(arg: &str, n: usize) -> Vec<&str> {
    let mut v: Vec<&str> = arg.splitn(n, ':').collect();
    v.resize(n, "");
    v
}

/// The descriptor `via` reaches from `fd`; `Some` when it was opened here
/// (and must be closed).
fn reach(fds: &Fds<'_>, role: &str, fd: RawFd, via: &str) -> io::Result<(RawFd, Option<OwnedFd>)> {
    let opened = |fd: RawFd| -> (RawFd, Option<OwnedFd>) {
        // SAFETY: `fd` was just returned by openat(2) and is owned here.
        (fd, Some(unsafe { std::os::fd::FromRawFd::from_raw_fd(fd) }))
    };
    let dir = libc::O_DIRECTORY;
    match via {
        "" => Ok((fd, None)),
        "sub" => Ok(opened(openat(fd, &c("subdir"), libc::O_RDONLY | dir)?)),
        "sub_path" => Ok(opened(openat(fd, &c("subdir"), libc::O_PATH | dir)?)),
        "dot" => Ok(opened(openat(fd, &c("."), libc::O_RDONLY | dir)?)),
        // SAFETY: dup(2), fcntl(2) of a descriptor this probe holds.
        "dup" => Ok(opened(sys!(libc::dup(fd))?)),
        // SAFETY: as above.
        "dupfd" => Ok(opened(sys!(libc::fcntl(fd, libc::F_DUPFD_CLOEXEC, 0))?)),
        "sub_method" => {
            let (_, m) = fds
                .methods
                .iter()
                .find(|(r, _)| *r == role)
                .ok_or_else(|| io::Error::other("no Dir methods for this role"))?;
            let owned = m.open_dir("subdir")?;
            Ok((owned.as_raw_fd(), Some(owned)))
        }
        v => {
            if let Some(path) = v.strip_prefix("file:") {
                return Ok(opened(openat(fd, &c(path), libc::O_RDONLY)?));
            }
            if let Some(path) = v.strip_prefix("file_rw:") {
                return Ok(opened(openat(fd, &c(path), libc::O_RDWR)?));
            }
            Err(io::Error::other(format!("unknown via {v}")))
        }
    }
}

/// Runs `spec` on `fds`.
pub fn run(spec: &Spec, fds: &Fds<'_>) -> Attempt {
    if let Some(attempt) = capmode(spec) {
        return attempt;
    }
    if let Some(name) = spec.op.strip_prefix("m_") {
        return method(name, spec, fds);
    }
    let raw = fds.fd(&spec.target)?;
    let (t, _keep) = reach(fds, &spec.target, raw, &spec.via)?;
    let t2 = if spec.target2.is_empty() {
        t
    } else {
        fds.fd(&spec.target2)?
    };
    one(&spec.op, t, t2, &spec.arg)
}

/// The `Dir` method walk: `m_open`, `m_open_dir`, `m_stat`, `m_readlink`.
fn method(name: &str, spec: &Spec, fds: &Fds<'_>) -> Attempt {
    let (_, m) = fds
        .methods
        .iter()
        .find(|(r, _)| *r == spec.target)
        .ok_or_else(|| io::Error::other("no Dir methods for this role"))?;
    let path = spec.arg.as_str();
    match name {
        "open" => {
            let fd = m.open(path)?;
            read_text(fd.as_raw_fd())
        }
        "open_dir" => m.open_dir(path).map(|_| "opened".into()),
        "stat" => m.stat(path).map(|_| "stat".into()),
        "readlink" => m.read_link(path).map(|_| "read".into()),
        other => Err(io::Error::other(format!("unknown method {other}"))),
    }
}

const PAGE: usize = 4096;

fn done<T>(r: io::Result<T>, what: &str) -> Attempt {
    r.map(|_| what.to_owned())
}

/// One operation on descriptor `t` (and `t2`).
fn one(op: &str, t: RawFd, t2: RawFd, arg: &str) -> Attempt {
    let mut byte = [0u8; 1];
    let buf = byte.as_mut_ptr().cast::<libc::c_void>();
    match op {
        // ---- descriptors (capability-fd.cc TryFileOps)
        "read" => done(sys!(libc::read(t, buf, 1)), "read"),
        "readv" => {
            let iov = libc::iovec {
                iov_base: buf,
                iov_len: 1,
            };
            done(sys!(libc::readv(t, &iov, 1)), "read")
        }
        "pread" => done(sys!(libc::pread(t, buf, 1, 0)), "read"),
        "write" => done(sys!(libc::write(t, b"x".as_ptr().cast(), 1)), "written"),
        "writev" => {
            let iov = libc::iovec {
                iov_base: b"x".as_ptr() as *mut libc::c_void,
                iov_len: 1,
            };
            done(sys!(libc::writev(t, &iov, 1)), "written")
        }
        "pwrite" => done(sys!(libc::pwrite(t, b"x".as_ptr().cast(), 1, 0)), "written"),
        "lseek" => done(sys!(libc::lseek(t, 0, libc::SEEK_SET)), "seeked"),
        "lseek_tell" => done(sys!(libc::lseek(t, 0, libc::SEEK_CUR)), "told"),
        "mmap" => {
            let prot = match arg {
                "none" => libc::PROT_NONE,
                "r" => libc::PROT_READ,
                "w" => libc::PROT_WRITE,
                "x" => libc::PROT_EXEC,
                "rw" => libc::PROT_READ | libc::PROT_WRITE,
                "rx" => libc::PROT_READ | libc::PROT_EXEC,
                "wx" => libc::PROT_WRITE | libc::PROT_EXEC,
                "rwx" => libc::PROT_READ | libc::PROT_WRITE | libc::PROT_EXEC,
                other => return Err(io::Error::other(format!("prot {other}"))),
            };
            map(t, prot, libc::MAP_SHARED)
        }
        "mprotect" => {
            // Executable: a private mapping; writable: a shared one (a
            // private one is a copy, writable whatever the rights).
            let (flags, prot) = if arg == "w" {
                (libc::MAP_SHARED, libc::PROT_WRITE)
            } else {
                (libc::MAP_PRIVATE, libc::PROT_EXEC)
            };
            let p = sys!(libc::mmap(
                std::ptr::null_mut(),
                4096,
                libc::PROT_READ,
                flags,
                t,
                0
            ))?;
            let r = sys!(libc::mprotect(p, 4096, libc::PROT_READ | prot));
            let _ = sys!(libc::munmap(p, 4096));
            done(r, "protected")
        }
        "dup_mprotect" => {
            // A copy of the descriptor (dup(2)) mapped shared to read,
            // then made writable.
            let c = sys!(libc::dup(t))?;
            let r = (|| {
                let p = sys!(libc::mmap(
                    std::ptr::null_mut(),
                    4096,
                    libc::PROT_READ,
                    libc::MAP_SHARED,
                    c,
                    0
                ))?;
                let r = sys!(libc::mprotect(p, 4096, libc::PROT_READ | libc::PROT_WRITE));
                let _ = sys!(libc::munmap(p, 4096));
                done(r, "protected")
            })();
            let _ = sys!(libc::close(c));
            r
        }
        "memfd_mprotect" => {
            let m = sys!(libc::memfd_create(c"inside".as_ptr(), libc::MFD_CLOEXEC))?;
            let r = (|| {
                sys!(libc::ftruncate(m, 4096))?;
                let p = sys!(libc::mmap(
                    std::ptr::null_mut(),
                    4096,
                    libc::PROT_READ,
                    libc::MAP_SHARED,
                    m,
                    0
                ))?;
                let prot = if arg == "x" {
                    libc::PROT_EXEC
                } else {
                    libc::PROT_WRITE
                };
                let r = sys!(libc::mprotect(p, 4096, libc::PROT_READ | prot));
                let _ = sys!(libc::munmap(p, 4096));
                done(r, "protected")
            })();
            let _ = sys!(libc::close(m));
            r
        }
        "fsync" => done(sys!(libc::fsync(t)), "synced"),
        "fdatasync" => done(sys!(libc::fdatasync(t)), "synced"),
        "sync_file_range" => done(sys!(libc::sync_file_range(t, 0, 1, 0)), "synced"),
        "fcntl" => fcntl(t, arg),
        // A copy onto a number the program chose (a pipe's, replaced).
        "dup2" | "dup3" => {
            let mut p = [0; 2];
            sys!(libc::pipe2(p.as_mut_ptr(), libc::O_CLOEXEC))?;
            crate::sys::close(p[1]);
            let r = if op == "dup2" {
                sys!(libc::dup2(t, p[0]))
            } else {
                sys!(libc::dup3(t, p[0], libc::O_CLOEXEC))
            };
            crate::sys::close(p[0]);
            done(r, "copied")
        }
        // Passed over a Unix socket and read through what arrives.
        "scm_rights" => scm_rights(t),
        "fchown" => done(sys!(libc::fchown(t, u32::MAX, u32::MAX)), "chowned"),
        "fchmod" => done(sys!(libc::fchmod(t, 0o644)), "chmodded"),
        "flock" => {
            let how = if arg == "un" {
                libc::LOCK_UN
            } else {
                libc::LOCK_SH
            };
            done(sys!(libc::flock(t, how)), "locked")
        }
        "ftruncate" => done(sys!(libc::ftruncate(t, 0)), "truncated"),
        "fstat" => fstat(t),
        "fstatfs" => {
            // SAFETY: `statfs` is plain old data; all zeroes is valid.
            let mut sf: libc::statfs = unsafe { std::mem::zeroed() };
            done(sys!(libc::fstatfs(t, &mut sf)), "statfs")
        }
        // fexecve.cc: in a child, which becomes the program (its exit
        // status) or exits with the errno of the refusal.
        "fexecve" | "fexecve_abs" | "execveat" => {
            let (path, flags) = match op {
                "fexecve" => (c(""), libc::AT_EMPTY_PATH),
                // AT_EMPTY_PATH with a path: a lookup all the same.
                "fexecve_abs" => (abs(arg), libc::AT_EMPTY_PATH),
                _ => (c(arg), 0),
            };
            let end = crate::sys::fork_watched(|| {
                let argv = [c"prog".as_ptr(), std::ptr::null()];
                let envp: [*const libc::c_char; 1] = [std::ptr::null()];
                // SAFETY: F_SETFD with an integer (a script's interpreter
                // reads it as /dev/fd/N, which close-on-exec would close:
                // execve(2) ENOENT); execveat(2) with a live C string and
                // NULL-terminated argv/envp arrays; on failure _exit(2)
                // with its errno, in the forked child.
                unsafe {
                    libc::fcntl(t, libc::F_SETFD, 0);
                    libc::syscall(
                        libc::SYS_execveat,
                        t,
                        path.as_ptr(),
                        argv.as_ptr(),
                        envp.as_ptr(),
                        flags,
                    );
                    libc::_exit(*libc::__errno_location());
                }
            })?;
            match end {
                crate::sys::End::Exited(super::run::PROGRAM_EXIT) => Ok("the program ran".into()),
                crate::sys::End::Exited(super::run::SCRIPT_EXIT) => Ok("the script ran".into()),
                // A failed exec exits with its errno, never 0: the dynamic
                // program (true(1)) ran.
                crate::sys::End::Exited(0) => Ok("the dynamic program ran".into()),
                crate::sys::End::Exited(errno) => Err(io::Error::from_raw_os_error(errno)),
                crate::sys::End::Killed(sig) => Err(io::Error::other(format!("killed by {sig}"))),
            }
        }
        "fpathconf" => {
            // fpathconf(3) gives -1 without errno when there is no limit.
            // SAFETY: errno location is thread-local and always valid.
            unsafe { *libc::__errno_location() = 0 };
            // SAFETY: fpathconf takes integers only.
            let r = unsafe { libc::fpathconf(t, libc::_PC_NAME_MAX) };
            let err = io::Error::last_os_error();
            if r == -1 && err.raw_os_error() != Some(0) {
                Err(err)
            } else {
                Ok(format!("name_max {r}"))
            }
        }
        "futimes" => done(sys!(libc::futimens(t, std::ptr::null())), "touched"),
        "poll" => {
            let mut p = libc::pollfd {
                fd: t,
                events: libc::POLLIN | libc::POLLERR | libc::POLLHUP,
                revents: 0,
            };
            sys!(libc::poll(&mut p, 1, 0))?;
            if p.revents & libc::POLLNVAL != 0 {
                // Capsicum's answer without CAP_EVENT (capability-fd.cc
                // TryFileOps), reported as poll(2) describes it: the
                // descriptor is not open for polling.
                Err(io::Error::from_raw_os_error(libc::EBADF))
            } else {
                Ok(format!("revents {:#x}", p.revents))
            }
        }
        "select" => {
            // SAFETY: fd_set is plain old data; FD_ZERO/FD_SET write within it.
            let mut r: libc::fd_set = unsafe { std::mem::zeroed() };
            // SAFETY: as above.
            let mut w: libc::fd_set = unsafe { std::mem::zeroed() };
            // SAFETY: `t` is below FD_SETSIZE (the profile's numbers are < 1024
            // only when the soft limit is 1024; select refuses larger).
            unsafe {
                libc::FD_SET(t, &mut r);
                libc::FD_SET(t, &mut w);
            }
            let mut tv = libc::timeval {
                tv_sec: 0,
                tv_usec: 100,
            };
            done(
                sys!(libc::select(
                    t + 1,
                    &mut r,
                    &mut w,
                    std::ptr::null_mut(),
                    &mut tv
                )),
                "selected",
            )
        }
        "fstatat_empty" => stat_at(t, &c(""), libc::AT_EMPTY_PATH),
        // AT_EMPTY_PATH with a path: a lookup all the same (fstatat(2)).
        "fstatat_empty_abs" => stat_at(t, &abs("outside/secret"), libc::AT_EMPTY_PATH),
        "ioctl" => {
            let mut n: libc::c_int = 0;
            let cmd = match arg {
                "fionread" => libc::FIONREAD,
                "fioclex" => libc::FIOCLEX,
                "fionclex" => libc::FIONCLEX,
                // FIGETBSZ, _IO(0x00, 2) (linux/fs.h): the block size of
                // the file's filesystem, for any file (fs/ioctl.c).
                "figetbsz" => 2,
                // FS_IOC_SETFLAGS (linux/fs.h) with the flags the file has
                // (FS_IOC_GETFLAGS, which capability mode's list takes as
                // any command): changes nothing, but it needs the right.
                "setflags" => {
                    sys!(libc::ioctl(t, libc::FS_IOC_GETFLAGS, &mut n))?;
                    libc::FS_IOC_SETFLAGS
                }
                other => return Err(io::Error::other(format!("ioctl {other}"))),
            };
            done(sys!(libc::ioctl(t, cmd, &mut n)), "ioctl")
        }
        "xattr" => xattr(t, arg),
        "getdents" => {
            let mut buf = [0u8; 1024];
            done(
                sys!(libc::syscall(
                    libc::SYS_getdents64,
                    t,
                    buf.as_mut_ptr(),
                    buf.len()
                )),
                "listed",
            )
        }
        "dup" => sys!(libc::dup(t)).map(|n| format!("copy {n}")),
        "fchdir" => done(sys!(libc::fchdir(t)), "changed"),
        // ---- sockets (socket.cc, capmode.cc)
        "listen" => done(sys!(libc::listen(t, 3)), "listening"),
        "getsockname" | "getpeername" => {
            // SAFETY: `sockaddr_storage` is plain old data.
            let mut sa: libc::sockaddr_storage = unsafe { std::mem::zeroed() };
            let mut len = std::mem::size_of_val(&sa) as libc::socklen_t;
            let p = (&mut sa as *mut libc::sockaddr_storage).cast();
            if op == "getsockname" {
                done(sys!(libc::getsockname(t, p, &mut len)), "named")
            } else {
                done(sys!(libc::getpeername(t, p, &mut len)), "named")
            }
        }
        "setsockopt" | "getsockopt" => {
            let mut v: libc::c_int = 0;
            let mut len = std::mem::size_of::<libc::c_int>() as libc::socklen_t;
            let p = (&mut v as *mut libc::c_int).cast();
            if op == "setsockopt" {
                done(
                    sys!(libc::setsockopt(
                        t,
                        libc::SOL_SOCKET,
                        libc::SO_KEEPALIVE,
                        p,
                        len
                    )),
                    "set",
                )
            } else {
                done(
                    sys!(libc::getsockopt(
                        t,
                        libc::SOL_SOCKET,
                        libc::SO_KEEPALIVE,
                        p,
                        &mut len
                    )),
                    "got",
                )
            }
        }
        "accept" => {
            let n = sys!(libc::accept4(
                t,
                std::ptr::null_mut(),
                std::ptr::null_mut(),
                libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC
            ))?;
            close(n);
            Ok("accepted".into())
        }
        "shutdown" => done(sys!(libc::shutdown(t, libc::SHUT_RD)), "shut"),
        "send" => done(
            sys!(libc::send(t, b"x".as_ptr().cast(), 1, libc::MSG_DONTWAIT)),
            "sent",
        ),
        "recv" => done(sys!(libc::recv(t, buf, 1, libc::MSG_DONTWAIT)), "received"),
        // ---- eventfd / timerfd (linux.cc)
        "eventfd_read" => {
            let mut v = 0u64;
            done(sys!(libc::read(t, (&mut v as *mut u64).cast(), 8)), "read")
        }
        "eventfd_write" => {
            let v = 1u64;
            done(
                sys!(libc::write(t, (&v as *const u64).cast(), 8)),
                "written",
            )
        }
        "timerfd_gettime" => {
            // SAFETY: `itimerspec` is plain old data.
            let mut cur: libc::itimerspec = unsafe { std::mem::zeroed() };
            done(sys!(libc::timerfd_gettime(t, &mut cur)), "got")
        }
        "timerfd_settime" => {
            // SAFETY: `itimerspec` is plain old data; all zeroes disarms.
            let new: libc::itimerspec = unsafe { std::mem::zeroed() };
            done(
                sys!(libc::timerfd_settime(t, 0, &new, std::ptr::null_mut())),
                "set",
            )
        }
        // ---- two descriptors (copy_file_range.cc, capability-fd-pair.cc)
        "copy_file_range" => {
            let [a, b] = [0, 1].map(|i| parts(arg, 2)[i].parse::<i64>().ok());
            let mut off_in = a.unwrap_or(0);
            let mut off_out = b.unwrap_or(0);
            let p_in: *mut i64 = if a.is_some() {
                &mut off_in
            } else {
                std::ptr::null_mut()
            };
            let p_out: *mut i64 = if b.is_some() {
                &mut off_out
            } else {
                std::ptr::null_mut()
            };
            done(
                sys!(libc::copy_file_range(t, p_in, t2, p_out, 8, 0)),
                "copied",
            )
        }
        "sendfile" => {
            let mut off: i64 = 0;
            done(sys!(libc::sendfile(t, t2, &mut off, 4)), "sent")
        }
        // ---- beneath a directory (capability-fd.cc TryDirOps, openat.cc)
        "openat" => {
            let [path, flags] = [0, 1].map(|i| parts(arg, 2)[i]);
            let fd = openat(t, &c(path), oflags(flags)?)?;
            close(fd);
            Ok("opened".into())
        }
        "openat_read" => {
            let fd = openat(t, &c(arg), libc::O_RDONLY)?;
            let text = read_text(fd);
            close(fd);
            text
        }
        "fstatat" => {
            let [path, how] = [0, 1].map(|i| parts(arg, 2)[i]);
            let flags = if how == "nofollow" {
                libc::AT_SYMLINK_NOFOLLOW
            } else {
                0
            };
            stat_at(t, &c(path), flags)
        }
        "faccessat" => done(
            sys!(libc::faccessat(t, c(arg).as_ptr(), libc::F_OK, 0)),
            "accessible",
        ),
        "readlinkat" => {
            let mut buf = [0u8; 256];
            done(
                sys!(libc::readlinkat(
                    t,
                    c(arg).as_ptr(),
                    buf.as_mut_ptr().cast(),
                    256
                )),
                "read",
            )
        }
        "mkdirat" => done(sys!(libc::mkdirat(t, c(arg).as_ptr(), 0o700)), "made"),
        "mkfifoat" => done(sys!(libc::mkfifoat(t, c(arg).as_ptr(), 0o600)), "made"),
        "mknodat" => {
            let [path, kind] = [0, 1].map(|i| parts(arg, 2)[i]);
            let (mode, dev) = node(kind)?;
            done(
                sys!(libc::mknodat(t, c(path).as_ptr(), mode | 0o600, dev)),
                "made",
            )
        }
        "mknodat_open" => {
            // Make a node of the zero device (1:5) and read from it: a
            // device reached through a node made after entry.
            let (mode, dev) = node("chr")?;
            sys!(libc::mknodat(t, c(arg).as_ptr(), mode | 0o600, dev))?;
            let fd = openat(t, &c(arg), libc::O_RDONLY)?;
            let r = sys!(libc::read(fd, buf, 1));
            close(fd);
            r.map(|n| format!("read {n} byte(s) from the device"))
        }
        "symlinkat" => {
            let [target, path] = [0, 1].map(|i| parts(arg, 2)[i]);
            done(
                sys!(libc::symlinkat(c(target).as_ptr(), t, c(path).as_ptr())),
                "made",
            )
        }
        "unlinkat" => {
            let [path, how] = [0, 1].map(|i| parts(arg, 2)[i]);
            let flags = if how == "dir" { libc::AT_REMOVEDIR } else { 0 };
            done(sys!(libc::unlinkat(t, c(path).as_ptr(), flags)), "removed")
        }
        "fchownat" => done(
            sys!(libc::fchownat(t, c(arg).as_ptr(), u32::MAX, u32::MAX, 0)),
            "chowned",
        ),
        "fchmodat" => done(
            sys!(libc::fchmodat(t, c(arg).as_ptr(), 0o600, 0)),
            "chmodded",
        ),
        "futimesat" => done(
            sys!(libc::utimensat(t, c(arg).as_ptr(), std::ptr::null(), 0)),
            "touched",
        ),
        "linkat" => {
            let [from, to] = [0, 1].map(|i| parts(arg, 2)[i]);
            done(
                sys!(libc::linkat(t, c(from).as_ptr(), t2, c(to).as_ptr(), 0)),
                "linked",
            )
        }
        "renameat" => {
            let [from, to] = [0, 1].map(|i| parts(arg, 2)[i]);
            let (from, to) = (path_or_abs(from), path_or_abs(to));
            done(
                sys!(libc::renameat(t, from.as_ptr(), t2, to.as_ptr())),
                "renamed",
            )
        }
        "openat_abs" => {
            let fd = openat(t, &abs(arg), libc::O_RDONLY)?;
            let text = read_text(fd);
            close(fd);
            text
        }
        other => Err(io::Error::other(format!("unknown operation {other}"))),
    }
}

/// `@rel` names the world's absolute path of `rel` (rename.cc).
fn path_or_abs(p: &str) -> CString {
    match p.strip_prefix('@') {
        Some(rel) => abs(rel),
        None => c(p),
    }
}

/// mknod(2) mode and device of a node kind.
fn node(kind: &str) -> io::Result<(libc::mode_t, libc::dev_t)> {
    Ok(match kind {
        "reg" => (libc::S_IFREG, 0),
        "sock" => (libc::S_IFSOCK, 0),
        "fifo" => (libc::S_IFIFO, 0),
        // The zero device (devices.txt 1:5) and loop0 (7:0).
        "chr" => (libc::S_IFCHR, libc::makedev(1, 5)),
        "blk" => (libc::S_IFBLK, libc::makedev(7, 0)),
        other => return Err(io::Error::other(format!("node kind {other}"))),
    })
}

/// `F_SETSIG`, `F_GETSIG` (include/uapi/asm-generic/fcntl.h); not in the
/// `libc` crate for x86_64.
const F_SETSIG: libc::c_int = 10;
const F_GETSIG: libc::c_int = 11;

/// fcntl(2) command `cmd` (fcntl.cc's table) on `t`.
fn fcntl(t: RawFd, cmd: &str) -> Attempt {
    let int =
        |c: libc::c_int, arg: libc::c_int| sys!(libc::fcntl(t, c, arg)).map(|r| format!("{r}"));
    let lock = |c: libc::c_int, ty: libc::c_short| {
        // SAFETY: `flock` is plain old data.
        let mut fl: libc::flock = unsafe { std::mem::zeroed() };
        fl.l_type = ty;
        fl.l_whence = libc::SEEK_SET as libc::c_short;
        fl.l_len = 1;
        sys!(libc::fcntl(t, c, &mut fl)).map(|_| "locked".to_owned())
    };
    // SAFETY: getpid(2) cannot fail.
    let me = unsafe { libc::getpid() };
    match cmd {
        "getfd" => int(libc::F_GETFD, 0),
        "setfd" => int(libc::F_SETFD, libc::FD_CLOEXEC),
        "getfl" => int(libc::F_GETFL, 0),
        // Status flags as they are (without O_APPEND...): only O_NONBLOCK
        // and friends change.
        "setfl" => int(libc::F_SETFL, 0),
        "getown" => int(libc::F_GETOWN, 0),
        "setown" => int(libc::F_SETOWN, me),
        // SAFETY: getpgrp(2) cannot fail.
        "setown_group" => int(libc::F_SETOWN, -unsafe { libc::getpgrp() }),
        "dupfd" => int(libc::F_DUPFD_CLOEXEC, 0),
        "getlk" => lock(libc::F_GETLK, libc::F_RDLCK as libc::c_short),
        "setlk" => lock(libc::F_SETLK, libc::F_UNLCK as libc::c_short),
        "getsig" => int(F_GETSIG, 0),
        "setsig" => int(F_SETSIG, 0),
        "getlease" => int(libc::F_GETLEASE, 0),
        "setlease" => int(libc::F_SETLEASE, libc::F_UNLCK),
        "notify" => int(libc::F_NOTIFY, 0),
        "getpipe_sz" => int(libc::F_GETPIPE_SZ, 0),
        "setpipe_sz" => int(libc::F_SETPIPE_SZ, 4096),
        "get_seals" => int(libc::F_GET_SEALS, 0),
        "add_seals" => int(libc::F_ADD_SEALS, libc::F_SEAL_GROW),
        other => Err(io::Error::other(format!("fcntl {other}"))),
    }
}

/// Sends `t` over a Unix stream socketpair made here (`SCM_RIGHTS`),
/// receives it, and reads a byte through what arrived (capability-fd.cc
/// TEST(Capability, SocketTransfer): the rights travel with it).
fn scm_rights(t: RawFd) -> Attempt {
    let mut sp = [0; 2];
    sys!(libc::socketpair(
        libc::AF_UNIX,
        libc::SOCK_STREAM | libc::SOCK_CLOEXEC,
        0,
        sp.as_mut_ptr()
    ))?;
    // SAFETY: CMSG_SPACE(3) computes a size; it reads no memory.
    let space = unsafe { libc::CMSG_SPACE(std::mem::size_of::<RawFd>() as u32) } as usize;
    let r = (|| {
        let mut byte = [0u8; 1];
        let mut iov = libc::iovec {
            iov_base: byte.as_mut_ptr().cast(),
            iov_len: 1,
        };
        let mut control = vec![0u8; space];
        // SAFETY: `msghdr` is plain old data; all zeroes is a valid value.
        let mut mh: libc::msghdr = unsafe { std::mem::zeroed() };
        mh.msg_iov = &mut iov;
        mh.msg_iovlen = 1;
        mh.msg_control = control.as_mut_ptr().cast();
        mh.msg_controllen = space;
        // SAFETY: the header's control buffer holds one descriptor.
        unsafe {
            let c = libc::CMSG_FIRSTHDR(&mh);
            (*c).cmsg_level = libc::SOL_SOCKET;
            (*c).cmsg_type = libc::SCM_RIGHTS;
            (*c).cmsg_len = libc::CMSG_LEN(std::mem::size_of::<RawFd>() as u32) as usize;
            std::ptr::write_unaligned(libc::CMSG_DATA(c).cast::<RawFd>(), t);
        }
        sys!(libc::sendmsg(sp[0], &mh, 0))?;
        control.iter_mut().for_each(|b| *b = 0);
        sys!(libc::recvmsg(sp[1], &mut mh, libc::MSG_CMSG_CLOEXEC))?;
        // SAFETY: the control buffer the kernel filled, read as it says.
        let got = unsafe {
            let c = libc::CMSG_FIRSTHDR(&mh);
            if c.is_null() || (*c).cmsg_type != libc::SCM_RIGHTS {
                return Err(io::Error::other("no descriptor arrived"));
            }
            std::ptr::read_unaligned(libc::CMSG_DATA(c).cast::<RawFd>())
        };
        let r = sys!(libc::pread(got, byte.as_mut_ptr().cast(), 1, 0));
        crate::sys::close(got);
        done(r, "passed and read")
    })();
    crate::sys::close(sp[0]);
    crate::sys::close(sp[1]);
    r
}

/// Extended attributes by descriptor (capability-fd.cc
/// TEST(Capability, ExtendedAttributesIfAvailable)).
fn xattr(t: RawFd, how: &str) -> Attempt {
    let name = c("user.capsicumtest");
    let mut buf = [0u8; 256];
    match how {
        "set" => done(
            sys!(libc::fsetxattr(
                t,
                name.as_ptr(),
                b"capsicum".as_ptr().cast(),
                8,
                0
            )),
            "set",
        ),
        "get" => done(
            sys!(libc::fgetxattr(
                t,
                name.as_ptr(),
                buf.as_mut_ptr().cast(),
                buf.len()
            )),
            "got",
        ),
        "list" => done(
            sys!(libc::flistxattr(t, buf.as_mut_ptr().cast(), buf.len())),
            "listed",
        ),
        "remove" => done(sys!(libc::fremovexattr(t, name.as_ptr())), "removed"),
        // The access ACL, which Linux keeps as an attribute (acl(5)).
        "acl_get" => done(
            sys!(libc::fgetxattr(
                t,
                c"system.posix_acl_access".as_ptr(),
                buf.as_mut_ptr().cast(),
                buf.len()
            )),
            "got",
        ),
        other => Err(io::Error::other(format!("xattr {other}"))),
    }
}

/// The capability-mode operations of capmode.cc (and the capability-mode
/// checks of linux.cc, mqueue.cc, sysctl.cc): no descriptor of the
/// profile involved unless named.
fn capmode(spec: &Spec) -> Option<Attempt> {
    let name = spec.op.strip_prefix("cm_")?;
    Some(capmode_op(name, spec))
}

/// The identifier calls, which cannot fail (and set the fs ids to
/// their current values).
fn ids(name: &str) -> Attempt {
    // SAFETY: these calls take integers only and cannot fail.
    let v = unsafe {
        match name {
            "getegid" => libc::getegid(),
            "geteuid" => libc::geteuid(),
            "getgid" => libc::getgid(),
            "getuid" => libc::getuid(),
            "getpid" => libc::getpid() as u32,
            "getppid" => libc::getppid() as u32,
            "setfsgid" => libc::setfsgid(libc::getgid()) as u32,
            _ => libc::setfsuid(libc::getuid()) as u32,
        }
    };
    Ok(format!("{v}"))
}

fn capmode_op(name: &str, spec: &Spec) -> Attempt {
    let file = abs("top/topfile");
    let target = abs("top/newname");
    let page = PAGE;
    match name {
        // DisallowedFileSyscalls
        "access" => done(sys!(libc::access(file.as_ptr(), libc::F_OK)), "accessible"),
        "acct" => done(sys!(libc::acct(file.as_ptr())), "accounting"),
        "chdir" => done(sys!(libc::chdir(abs("top").as_ptr())), "changed"),
        "chmod" => done(sys!(libc::chmod(file.as_ptr(), 0o644)), "chmodded"),
        "chown" => done(
            sys!(libc::chown(file.as_ptr(), u32::MAX, u32::MAX)),
            "chowned",
        ),
        "chroot" => done(sys!(libc::chroot(abs("top").as_ptr())), "chrooted"),
        "creat" => {
            let fd = sys!(libc::creat(target.as_ptr(), 0o644))?;
            close(fd);
            Ok("created".into())
        }
        "link" => done(sys!(libc::link(file.as_ptr(), target.as_ptr())), "linked"),
        "lstat" | "stat" => {
            // SAFETY: `stat` is plain old data.
            let mut st: libc::stat = unsafe { std::mem::zeroed() };
            if name == "lstat" {
                done(sys!(libc::lstat(file.as_ptr(), &mut st)), "stat")
            } else {
                done(sys!(libc::stat(file.as_ptr(), &mut st)), "stat")
            }
        }
        "mknod" => done(
            sys!(libc::mknod(target.as_ptr(), libc::S_IFIFO | 0o644, 0)),
            "made",
        ),
        "mount" => done(
            sys!(libc::mount(
                c("none").as_ptr(),
                abs("outside").as_ptr(),
                c("tmpfs").as_ptr(),
                0,
                std::ptr::null()
            )),
            "mounted",
        ),
        "open" => {
            let fd = sys!(libc::open(c("/dev/null").as_ptr(), libc::O_RDWR))?;
            close(fd);
            Ok("opened".into())
        }
        "readlink" => {
            let mut buf = [0u8; 64];
            done(
                sys!(libc::readlink(
                    abs("top/symlink.samedir").as_ptr(),
                    buf.as_mut_ptr().cast(),
                    64
                )),
                "read",
            )
        }
        "symlink" => done(sys!(libc::symlink(file.as_ptr(), target.as_ptr())), "made"),
        "unlink" => done(sys!(libc::unlink(file.as_ptr())), "removed"),
        "umount2" => done(sys!(libc::umount2(abs("outside").as_ptr(), 0)), "unmounted"),
        "sysctl_proc" => {
            let fd = sys!(libc::open(
                c("/proc/sys/kernel/ostype").as_ptr(),
                libc::O_RDONLY
            ))?;
            let t = read_text(fd);
            close(fd);
            t
        }
        // DisallowedSocketSyscalls (the runner hands in an inet socket as
        // standard input: UDP for bind, TCP for connect).
        "bind_inet" => {
            let sa = inet_any();
            done(
                sys!(libc::bind(
                    0,
                    (&sa as *const libc::sockaddr_in).cast(),
                    sock_len()
                )),
                "bound",
            )
        }
        "connect_inet" => {
            let sa = inet_any();
            done(
                sys!(libc::connect(
                    0,
                    (&sa as *const libc::sockaddr_in).cast(),
                    sock_len()
                )),
                "connected",
            )
        }
        // AllowedSocketSyscalls(IfRoot)
        "socket" => {
            let (domain, ty, proto) = match spec.arg.as_str() {
                "inet_dgram" => (libc::AF_INET, libc::SOCK_DGRAM, 0),
                "inet_stream" => (libc::AF_INET, libc::SOCK_STREAM, 0),
                "inet_raw" => (libc::AF_INET, libc::SOCK_RAW, 0),
                "inet_raw_icmp" => (libc::AF_INET, libc::SOCK_RAW, libc::IPPROTO_ICMP),
                "inet_raw_tcp" => (libc::AF_INET, libc::SOCK_RAW, libc::IPPROTO_TCP),
                "inet_raw_udp" => (libc::AF_INET, libc::SOCK_RAW, libc::IPPROTO_UDP),
                "inet6_raw_icmp" => (libc::AF_INET6, libc::SOCK_RAW, libc::IPPROTO_ICMPV6),
                "inet6_raw_tcp" => (libc::AF_INET6, libc::SOCK_RAW, libc::IPPROTO_TCP),
                "inet6_raw_udp" => (libc::AF_INET6, libc::SOCK_RAW, libc::IPPROTO_UDP),
                "route" => (libc::AF_NETLINK, libc::SOCK_RAW, libc::NETLINK_ROUTE),
                "unix_stream" => (libc::AF_UNIX, libc::SOCK_STREAM, 0),
                other => return Err(io::Error::other(format!("socket {other}"))),
            };
            let fd = sys!(libc::socket(domain, ty | libc::SOCK_CLOEXEC, proto))?;
            close(fd);
            Ok("socket".into())
        }
        "socketpair" => {
            let mut sv = [0; 2];
            sys!(libc::socketpair(
                libc::AF_UNIX,
                libc::SOCK_STREAM,
                0,
                sv.as_mut_ptr()
            ))?;
            close(sv[0]);
            close(sv[1]);
            Ok("pair".into())
        }
        "recvfrom" => done(
            sys!(libc::recvfrom(
                0,
                std::ptr::null_mut(),
                0,
                libc::MSG_DONTWAIT,
                std::ptr::null_mut(),
                std::ptr::null_mut()
            )),
            "received",
        ),
        "accept" => done(
            sys!(libc::accept(0, std::ptr::null_mut(), std::ptr::null_mut())),
            "accepted",
        ),
        "getpeername" => done(
            sys!(libc::getpeername(
                0,
                std::ptr::null_mut(),
                std::ptr::null_mut()
            )),
            "named",
        ),
        "getsockname" => done(
            sys!(libc::getsockname(
                0,
                std::ptr::null_mut(),
                std::ptr::null_mut()
            )),
            "named",
        ),
        "recvmsg" => done(
            sys!(libc::recvmsg(0, std::ptr::null_mut(), libc::MSG_DONTWAIT)),
            "received",
        ),
        "sendmsg" => done(sys!(libc::sendmsg(0, std::ptr::null(), 0)), "sent"),
        "sendto" => done(
            sys!(libc::sendto(0, std::ptr::null(), 0, 0, std::ptr::null(), 0)),
            "sent",
        ),
        "sendfile" => {
            let f = openat(root_top()?, &c("topfile"), libc::O_RDONLY);
            let f = f?;
            let mut off: i64 = 0;
            let r = sys!(libc::sendfile(0, f, &mut off, 1));
            close(f);
            done(r, "sent")
        }
        "recvmmsg" | "sendmmsg" => {
            let mut data = [0u8; 16];
            let mut iov = libc::iovec {
                iov_base: data.as_mut_ptr().cast(),
                iov_len: data.len(),
            };
            // SAFETY: `mmsghdr` is plain old data.
            let mut mm: libc::mmsghdr = unsafe { std::mem::zeroed() };
            mm.msg_hdr.msg_iov = &mut iov;
            mm.msg_hdr.msg_iovlen = 1;
            if name == "recvmmsg" {
                let mut ts = libc::timespec {
                    tv_sec: 0,
                    tv_nsec: 100,
                };
                done(
                    sys!(libc::recvmmsg(0, &mut mm, 1, libc::MSG_DONTWAIT, &mut ts)),
                    "received",
                )
            } else {
                done(sys!(libc::sendmmsg(0, &mut mm, 1, 0)), "sent")
            }
        }
        // AllowedIdentifierSyscalls
        "getegid" | "geteuid" | "getgid" | "getuid" | "getpid" | "getppid" => ids(name),
        "getsid" => sys!(libc::getsid(libc::getpid())).map(|s| format!("{s}")),
        "getpriority_pgrp"
        | "getpriority_user"
        | "setpriority_pgrp_none"
        | "setpriority_user_none" => {
            // A group and a user no process has: ESRCH where the call is
            // let through (kern_setpriority's `found == 0`, as Linux's).
            const NOBODY: libc::id_t = 0x3fff_fff0;
            let (which, who) = match name {
                "getpriority_pgrp" => (libc::PRIO_PGRP, 0),
                "getpriority_user" => (libc::PRIO_USER, 0),
                "setpriority_pgrp_none" => (libc::PRIO_PGRP, NOBODY),
                _ => (libc::PRIO_USER, NOBODY),
            };
            if name.starts_with("set") {
                return done(sys!(libc::setpriority(which, who, 19)), "set");
            }
            // SAFETY: errno location is thread-local and always valid.
            unsafe { *libc::__errno_location() = 0 };
            // SAFETY: integers only.
            let p = unsafe { libc::getpriority(which, who) };
            match io::Error::last_os_error().raw_os_error() {
                Some(0) => Ok(format!("{p}")),
                _ => Err(io::Error::last_os_error()),
            }
        }
        "pdwait_child" => {
            let (pid, pidfd) = crate::sys::pidfd_fork()?;
            if pid == 0 {
                // SAFETY: _exit(2) in the child of a raw clone.
                unsafe { libc::_exit(7) }
            }
            let end = crate::sys::pidfd_wait(pidfd);
            close(pidfd);
            match end? {
                crate::sys::End::Exited(7) => Ok("reaped through its pidfd".into()),
                other => Err(io::Error::other(format!("the child ended {other:?}"))),
            }
        }
        "getgroups" => {
            let mut g = [0 as libc::gid_t; 128];
            sys!(libc::getgroups(128, g.as_mut_ptr())).map(|n| format!("{n}"))
        }
        "getresuid" => {
            let (mut a, mut b, mut d) = (0, 0, 0);
            done(sys!(libc::getresuid(&mut a, &mut b, &mut d)), "ids")
        }
        "getresgid" => {
            let (mut a, mut b, mut d) = (0, 0, 0);
            done(sys!(libc::getresgid(&mut a, &mut b, &mut d)), "ids")
        }
        "setgid" => done(sys!(libc::setgid(libc::getgid())), "set"),
        "setuid" => done(sys!(libc::setuid(libc::getuid())), "set"),
        "setfsgid" | "setfsuid" => ids(name),
        "setregid" => done(sys!(libc::setregid(libc::getgid(), libc::getgid())), "set"),
        "setreuid" => done(sys!(libc::setreuid(libc::getuid(), libc::getuid())), "set"),
        "setresgid" => done(
            sys!(libc::setresgid(
                libc::getgid(),
                libc::getgid(),
                libc::getgid()
            )),
            "set",
        ),
        "setresuid" => done(
            sys!(libc::setresuid(
                libc::getuid(),
                libc::getuid(),
                libc::getuid()
            )),
            "set",
        ),
        "setsid" => sys!(libc::setsid()).map(|s| format!("session {s}")),
        // AllowedSchedSyscalls
        "sched_getscheduler" => sys!(libc::sched_getscheduler(0)).map(|p| format!("{p}")),
        "sched_getparam" | "sched_setparam" | "sched_setscheduler" => {
            let mut sp = libc::sched_param { sched_priority: 0 };
            sys!(libc::sched_getparam(0, &mut sp))?;
            match name {
                "sched_setparam" => done(sys!(libc::sched_setparam(0, &sp)), "set"),
                "sched_setscheduler" => {
                    let policy = sys!(libc::sched_getscheduler(0))?;
                    done(sys!(libc::sched_setscheduler(0, policy, &sp)), "set")
                }
                _ => Ok("got".into()),
            }
        }
        "sched_get_priority_max" => {
            sys!(libc::sched_get_priority_max(libc::SCHED_OTHER)).map(|p| format!("{p}"))
        }
        "sched_get_priority_min" => {
            sys!(libc::sched_get_priority_min(libc::SCHED_OTHER)).map(|p| format!("{p}"))
        }
        "sched_rr_get_interval" => {
            let mut ts = libc::timespec {
                tv_sec: 0,
                tv_nsec: 0,
            };
            done(sys!(libc::sched_rr_get_interval(0, &mut ts)), "got")
        }
        "sched_yield" => done(sys!(libc::sched_yield()), "yielded"),
        // AllowedTimerSyscalls
        "clock_getres" | "clock_gettime" => {
            let mut ts = libc::timespec {
                tv_sec: 0,
                tv_nsec: 0,
            };
            if name == "clock_getres" {
                done(
                    sys!(libc::clock_getres(libc::CLOCK_REALTIME, &mut ts)),
                    "got",
                )
            } else {
                done(
                    sys!(libc::clock_gettime(libc::CLOCK_REALTIME, &mut ts)),
                    "got",
                )
            }
        }
        "getitimer" | "setitimer" => {
            // SAFETY: `itimerval` is plain old data.
            let mut itv: libc::itimerval = unsafe { std::mem::zeroed() };
            sys!(libc::getitimer(libc::ITIMER_REAL, &mut itv))?;
            if name == "setitimer" {
                done(
                    sys!(libc::setitimer(
                        libc::ITIMER_REAL,
                        &itv,
                        std::ptr::null_mut()
                    )),
                    "set",
                )
            } else {
                Ok("got".into())
            }
        }
        "gettimeofday" => {
            let mut tv = libc::timeval {
                tv_sec: 0,
                tv_usec: 0,
            };
            done(
                sys!(libc::gettimeofday(&mut tv, std::ptr::null_mut())),
                "got",
            )
        }
        "nanosleep" => {
            let ts = libc::timespec {
                tv_sec: 0,
                tv_nsec: 1,
            };
            done(sys!(libc::nanosleep(&ts, std::ptr::null_mut())), "slept")
        }
        // AllowedResourceSyscalls
        "getpriority" => {
            // SAFETY: errno location is thread-local and always valid.
            unsafe { *libc::__errno_location() = 0 };
            // SAFETY: integers only.
            let p = unsafe { libc::getpriority(libc::PRIO_PROCESS, 0) };
            match io::Error::last_os_error().raw_os_error() {
                Some(0) => Ok(format!("{p}")),
                _ => Err(io::Error::last_os_error()),
            }
        }
        "setpriority" => done(sys!(libc::setpriority(libc::PRIO_PROCESS, 0, 0)), "set"),
        "getrlimit" | "setrlimit" => {
            let mut rl = libc::rlimit {
                rlim_cur: 0,
                rlim_max: 0,
            };
            sys!(libc::getrlimit(libc::RLIMIT_CORE, &mut rl))?;
            if name == "setrlimit" {
                done(sys!(libc::setrlimit(libc::RLIMIT_CORE, &rl)), "set")
            } else {
                Ok("got".into())
            }
        }
        "getrusage" => {
            // SAFETY: `rusage` is plain old data.
            let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
            done(sys!(libc::getrusage(libc::RUSAGE_SELF, &mut ru)), "got")
        }
        // AllowedMmapSyscalls (on shared anonymous memory mapped inside)
        "msync" | "madvise" | "mincore" | "mprotect" | "mprotect_exec" | "mlock" | "munlock"
        | "mlockall" | "munlockall" | "munmap" => {
            let mem = sys!(libc::mmap(
                std::ptr::null_mut(),
                page,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_SHARED | libc::MAP_ANONYMOUS,
                -1,
                0
            ))?;
            let mut vec = [0u8; 2];
            let r = match name {
                "msync" => done(sys!(libc::msync(mem, page, libc::MS_ASYNC)), "synced"),
                "madvise" => done(sys!(libc::madvise(mem, page, libc::MADV_NORMAL)), "advised"),
                "mincore" => done(sys!(libc::mincore(mem, page, vec.as_mut_ptr())), "core"),
                "mprotect" => done(
                    sys!(libc::mprotect(
                        mem,
                        page,
                        libc::PROT_READ | libc::PROT_WRITE
                    )),
                    "protected",
                ),
                // Anonymous memory's maximum protection holds PROT_EXEC
                // (vm_mmap: VM_PROT_ALL), so FreeBSD makes it executable.
                "mprotect_exec" => done(
                    sys!(libc::mprotect(mem, page, libc::PROT_READ | libc::PROT_EXEC)),
                    "protected",
                ),
                "mlock" => done(sys!(libc::mlock(mem, page)), "locked"),
                "munlock" => done(sys!(libc::munlock(mem, page)), "unlocked"),
                "mlockall" => done(sys!(libc::mlockall(libc::MCL_CURRENT)), "locked"),
                "munlockall" => done(sys!(libc::munlockall()), "unlocked"),
                _ => return done(sys!(libc::munmap(mem, page)), "unmapped"),
            };
            let _ = sys!(libc::munmap(mem, page));
            r
        }
        // AllowedPipeSyscalls
        "pipe" => {
            let p = pipe()?;
            close(p[0]);
            close(p[1]);
            Ok("pipe".into())
        }
        "pipe2" => {
            let mut p = [0; 2];
            sys!(libc::pipe2(p.as_mut_ptr(), 0))?;
            close(p[0]);
            close(p[1]);
            Ok("pipe".into())
        }
        "vmsplice" => {
            let p = pipe()?;
            let iov = libc::iovec {
                iov_base: b"0123456789".as_ptr() as *mut libc::c_void,
                iov_len: 10,
            };
            // Into the read end: fails (EBADF), but not for capability mode.
            let r = sys!(libc::vmsplice(p[0], &iov, 1, libc::SPLICE_F_NONBLOCK));
            close(p[0]);
            close(p[1]);
            done(r, "spliced")
        }
        // AllowedAtSyscalls: readlinkat(-1, ...) fails, not for capability mode.
        "readlinkat_badfd" => {
            let mut buf = [0u8; 64];
            done(
                sys!(libc::readlinkat(
                    -1,
                    c("symlink").as_ptr(),
                    buf.as_mut_ptr().cast(),
                    64
                )),
                "read",
            )
        }
        // Abort: abort(3) works in capability mode (kill(getpid(), SIGABRT)).
        "abort" => std::process::abort(),
        // AllowedMiscSyscalls
        "umask" => {
            // SAFETY: umask(2) takes an integer.
            let old = unsafe { libc::umask(0o022) };
            Ok(format!("{old:o}"))
        }
        "sigaltstack" => {
            // SAFETY: `stack_t` is plain old data.
            let mut ss: libc::stack_t = unsafe { std::mem::zeroed() };
            done(sys!(libc::sigaltstack(std::ptr::null(), &mut ss)), "got")
        }
        // The child is reaped through its pidfd, as capability mode
        // refuses wait4.
        "waitpid_child" | "ptrace_child" => super::processes::with_child(|pid| {
            if name == "waitpid_child" {
                done(
                    sys!(libc::waitpid(pid, std::ptr::null_mut(), libc::WNOHANG)),
                    "waited",
                )
            } else {
                let mut data = 0i64;
                done(
                    sys!(libc::ptrace(
                        libc::PTRACE_PEEKDATA,
                        pid,
                        &mut data as *mut i64,
                        std::ptr::null_mut::<libc::c_void>()
                    )),
                    "peeked",
                )
            }
        }),
        "sync" => {
            // SAFETY: sync(2) takes nothing; it cannot fail.
            unsafe { libc::sync() };
            Ok("synced".into())
        }
        // ioperm(2) exists on x86 only; elsewhere the kernel answers an
        // unknown call with ENOSYS.
        #[cfg(target_arch = "x86_64")]
        "ioperm" => done(sys!(libc::ioperm(0x80, 1, 1)), "granted"),
        #[cfg(not(target_arch = "x86_64"))]
        "ioperm" => Err(io::Error::from_raw_os_error(libc::ENOSYS)),
        // NewThread: threads and children are in capability mode too.
        "thread_open" => std::thread::spawn(|| {
            let fd = sys!(libc::open(c("/dev/null").as_ptr(), libc::O_RDWR))?;
            close(fd);
            Ok("opened".into())
        })
        .join()
        .unwrap_or_else(|_| Err(io::Error::other("thread panicked"))),
        "child_open" => in_child(|| {
            let fd = sys!(libc::open(c("/dev/null").as_ptr(), libc::O_RDWR))?;
            close(fd);
            Ok("opened".into())
        }),
        "child_getpid" => in_child(|| sys!(libc::getpid()).map(|p| format!("{p}"))),
        // SelfKill
        "kill_child" => {
            let p = pipe()?;
            let pid = sys!(libc::fork())?;
            if pid == 0 {
                let mut b = [0u8; 1];
                // SAFETY: closes its copy of the write end, reads into a
                // live local; _exit never returns.
                unsafe {
                    libc::close(p[1]);
                    libc::read(p[0], b.as_mut_ptr().cast(), 1);
                    libc::_exit(0);
                }
            }
            let res = done(sys!(libc::kill(pid, libc::SIGUSR1)), "signalled");
            // The child exits at end of file (not reaped: capability mode
            // refuses wait4).
            close(p[1]);
            close(p[0]);
            res
        }
        "kill_self" => {
            // SAFETY: ignoring SIGUSR1 installs no handler code.
            unsafe { libc::signal(libc::SIGUSR1, libc::SIG_IGN) };
            done(sys!(libc::kill(libc::getpid(), libc::SIGUSR1)), "signalled")
        }
        "sigaction_sigsys" => {
            // SAFETY: a zeroed sigaction is valid (SIG_DFL, no flags).
            let mut sa: libc::sigaction = unsafe { std::mem::zeroed() };
            sa.sa_sigaction = libc::SIG_IGN;
            // SAFETY: as above.
            let mut old: libc::sigaction = unsafe { std::mem::zeroed() };
            // SIG_IGN installs no handler code; the old action is written
            // into a live local.
            done(sys!(libc::sigaction(libc::SIGSYS, &sa, &mut old)), "set")
        }
        // mqueue.cc TEST(PosixMqueue, CapMode)
        "mq_open" => {
            let q = sys!(libc::mq_open(
                c("/capsicum-test").as_ptr(),
                libc::O_RDWR | libc::O_CREAT,
                0o644,
                std::ptr::null_mut::<libc::mq_attr>()
            ))?;
            // SAFETY: `q` is the queue just opened.
            unsafe {
                libc::mq_close(q);
                libc::mq_unlink(c("/capsicum-test").as_ptr());
            }
            Ok("opened".into())
        }
        // linux.cc TEST(Linux, CheckHighWord): upper bits of prctl's option.
        "prctl_high" => {
            let big = (1i64 << 32) | libc::PR_GET_NO_NEW_PRIVS as i64;
            done(
                sys!(libc::syscall(libc::SYS_prctl, big, 0, 0, 0, 0)),
                "prctl",
            )
        }
        // linux.cc TEST(Linux, GetRandom)
        "getrandom" => {
            let mut b = [0u8; 16];
            done(
                sys!(libc::getrandom(b.as_mut_ptr().cast(), 16, 0)),
                "random",
            )
        }
        // linux.cc TEST(Linux, OpenByHandleAtIfRoot): any handle.
        "open_by_handle_at" => {
            let mut raw = [0u8; 8 + 8];
            raw[0] = 8;
            done(
                sys!(libc::syscall(
                    libc::SYS_open_by_handle_at,
                    root_top()?,
                    raw.as_mut_ptr(),
                    libc::O_RDONLY
                )),
                "opened",
            )
        }
        // linux.cc TEST(Linux, NamespaceIfRoot): setns in capability mode.
        "setns" => done(sys!(libc::setns(0, libc::CLONE_NEWUTS)), "joined"),
        other => super::processes::op(other).unwrap_or_else(|| {
            Err(io::Error::other(format!(
                "unknown capability-mode operation {other}"
            )))
        }),
    }
}

/// The profile's `top` directory: for capability-mode operations that need
/// one (always declared by the `cm` profile).
fn root_top() -> io::Result<RawFd> {
    TOP.with(|t| t.get())
        .ok_or_else(|| io::Error::other("the profile has no `top`"))
}

thread_local! {
    static TOP: std::cell::Cell<Option<RawFd>> = const { std::cell::Cell::new(None) };
}

/// Records the `top` descriptor for the capability-mode operations.
pub fn set_top(fd: RawFd) {
    TOP.with(|t| t.set(Some(fd)));
}

fn inet_any() -> libc::sockaddr_in {
    libc::sockaddr_in {
        sin_family: libc::AF_INET as libc::sa_family_t,
        sin_port: 0,
        sin_addr: libc::in_addr {
            s_addr: u32::from(std::net::Ipv4Addr::LOCALHOST).to_be(),
        },
        sin_zero: [0; 8],
    }
}

fn sock_len() -> libc::socklen_t {
    std::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t
}
