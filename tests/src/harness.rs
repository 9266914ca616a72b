//! A process-per-case harness in the manner of birdcage's
//! `integration/harness.rs`: for each case the runner (never sandboxed)
//! builds a fresh [`World`] (files, a listener, a victim process, ...),
//! starts a fresh `escape_probe` that enters the sandbox through the real
//! attribute and tries one thing, then checks the probe's answer AND that
//! nothing changed outside. Output is libtest-like, one line per case.

use std::collections::BTreeMap;
use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream, UdpSocket};
use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::os::linux::net::SocketAddrExt;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::net::{SocketAddr, UnixDatagram, UnixListener, UnixStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Which promise of the Linux backend a case tests: the numbered rows of
/// the "Linux vs Capsicum" table in `runtime/src/backend/linux/mod.rs`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Promise {
    /// 1. No global namespaces after entry.
    Namespaces,
    /// 2. No new process images or foreign processes.
    Processes,
    /// 3. No new network endpoints.
    Network,
    /// 4. No kernel surface that bypasses the filter or the namespace.
    Kernel,
    /// 5. Per-descriptor rights as declared.
    Rights,
    /// 6. Holds for every thread and child.
    Inherited,
}

impl Promise {
    /// The short name used in case names (`p1`...).
    pub fn tag(self) -> &'static str {
        match self {
            Promise::Namespaces => "p1_namespaces",
            Promise::Processes => "p2_processes",
            Promise::Network => "p3_network",
            Promise::Kernel => "p4_kernel",
            Promise::Rights => "p5_rights",
            Promise::Inherited => "p6_inherited",
        }
    }
}

/// What the probe must answer.
#[derive(Clone, Copy, Debug)]
pub enum Expect {
    /// The operation works (a positive twin).
    Allowed,
    /// The sandbox denies it with one of these errnos, and
    /// `sandboxed::is_violation` says so.
    Denied(&'static [i32]),
    /// Refused with one of these errnos that are NOT reported as
    /// violations: the kernel's own answer for a narrowed access mode
    /// (`EBADF`), or `ENOSYS` for calls libc falls back from.
    Refused(&'static [i32]),
    /// An ordinary error (not the sandbox): this errno, and
    /// `is_violation` is false.
    Ordinary(i32),
    /// The probe panics (exit 101) and prints a symbolized backtrace
    /// naming this function.
    Panics(&'static str),
    /// Denied with one of the first errnos (and `is_violation` says so),
    /// or refused with one of the second, which are not violations (the
    /// kernel's `EBADF` for a narrowed access mode).
    DeniedOrRefused(&'static [i32], &'static [i32]),
    /// Works, or fails with an error that is not the sandbox's
    /// (`is_violation` false): capsicum-test's `EXPECT_FAIL_NOT_CAPMODE`.
    NotDenied,
    /// The probe is killed by this signal.
    Signal(i32),
    /// Fails, with any error.
    Fails,
}

/// A check of the world after a run.
pub type Check = fn(&mut World, &Report) -> Result<(), String>;

/// One case: the probe's case name, its promise, the answer, and what
/// may differ in the world afterwards.
#[derive(Clone, Copy, Debug)]
pub struct Case {
    /// The name the probe knows (`sandboxed_tests::probe::CASES`).
    pub name: &'static str,
    /// The promise it tests.
    pub promise: Promise,
    /// The answer it must get.
    pub expect: Expect,
    /// Paths (relative to the world's root) that may change; everything
    /// else must be byte-for-byte and mode-for-mode as before. `net:udp`
    /// lets the UDP socket receive a datagram.
    pub changes: &'static [&'static str],
    /// A further check on the world after the probe exited.
    pub check: Option<Check>,
    /// Returns `Some(reason)` when the kernel lacks what the case needs.
    pub skip: Option<fn() -> Option<String>>,
    /// Where the Linux table (runtime/src/backend/linux/mod.rs) documents
    /// that Linux differs from Capsicum here: a failure is then a known
    /// hole, reported as such, and fails the run only with `--strict`.
    pub documented: Option<&'static str>,
}

impl Case {
    /// A case with no extra changes, check or skip.
    pub const fn new(name: &'static str, promise: Promise, expect: Expect) -> Case {
        Case {
            name,
            promise,
            expect,
            changes: &[],
            check: None,
            skip: None,
            documented: None,
        }
    }

    /// Marks a failure as a difference the Linux table documents.
    pub const fn documented(mut self, row: &'static str) -> Case {
        self.documented = Some(row);
        self
    }

    /// Allows `paths` to change.
    pub const fn changes(mut self, paths: &'static [&'static str]) -> Case {
        self.changes = paths;
        self
    }

    /// Adds a check after the run.
    pub const fn check(mut self, f: Check) -> Case {
        self.check = Some(f);
        self
    }

    /// Adds a skip condition.
    pub const fn skip(mut self, f: fn() -> Option<String>) -> Case {
        self.skip = Some(f);
        self
    }
}

/// What the probe printed and how it ended.
#[derive(Debug)]
pub struct Report {
    /// The `outcome:` line, without the prefix.
    pub outcome: Option<String>,
    /// Everything on stdout.
    pub stdout: String,
    /// Everything on stderr.
    pub stderr: String,
    /// The exit status (`None`: killed by a signal).
    pub code: Option<i32>,
    /// The signal that killed the probe, if one did.
    pub signal: Option<i32>,
    /// Wall time of the probe process.
    pub elapsed: Duration,
    /// Why the case was skipped: the backend refused to start because the
    /// kernel lacks a mechanism (it failed closed).
    pub skipped: Option<String>,
}

impl Report {
    /// Runs the probe command and reads its report.
    pub fn of(probe: &Path, cmd: &mut Command) -> Result<Report, String> {
        let start = Instant::now();
        let output = cmd
            .output()
            .map_err(|e| format!("starting {}: {e}", probe.display()))?;
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        Ok(Report {
            outcome: stdout
                .lines()
                .find_map(|l| l.strip_prefix("outcome: "))
                .map(str::to_owned),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            stdout,
            code: output.status.code(),
            signal: std::os::unix::process::ExitStatusExt::signal(&output.status),
            elapsed: start.elapsed(),
            skipped: None,
        })
    }
}

/// The probe's answer, parsed.
#[derive(Debug, PartialEq, Eq)]
pub enum Answer {
    /// `outcome: ok ...`.
    Ok(String),
    /// `outcome: err ERRNO VIOLATION ...`.
    Err {
        /// The errno.
        errno: i32,
        /// What `sandboxed::is_violation` said.
        violation: bool,
        /// The message.
        text: String,
    },
}

impl Report {
    /// The parsed `outcome:` line.
    pub fn answer(&self) -> Result<Answer, String> {
        let line = self.outcome.as_deref().ok_or_else(|| {
            format!(
                "no outcome line (exit {:?}); stderr: {}",
                self.code,
                self.stderr.trim()
            )
        })?;
        if let Some(rest) = line.strip_prefix("ok") {
            return Ok(Answer::Ok(rest.trim().to_owned()));
        }
        let rest = line
            .strip_prefix("err ")
            .ok_or_else(|| format!("probe said: {line}"))?;
        let mut parts = rest.splitn(3, ' ');
        let errno = parts.next().and_then(|s| s.parse().ok()).ok_or("errno")?;
        let violation = parts.next() == Some("1");
        Ok(Answer::Err {
            errno,
            violation,
            text: parts.next().unwrap_or("").to_owned(),
        })
    }
}

/// The name of an errno, for messages.
pub fn errno_name(errno: i32) -> String {
    let name = match errno {
        libc::EPERM => "EPERM",
        libc::ENOENT => "ENOENT",
        libc::EBADF => "EBADF",
        libc::EACCES => "EACCES",
        libc::EXDEV => "EXDEV",
        libc::EINVAL => "EINVAL",
        libc::ENOSYS => "ENOSYS",
        libc::ENOTTY => "ENOTTY",
        libc::EAFNOSUPPORT => "EAFNOSUPPORT",
        libc::EOPNOTSUPP => "EOPNOTSUPP",
        libc::ENOTCONN => "ENOTCONN",
        libc::EISCONN => "EISCONN",
        libc::ECONNREFUSED => "ECONNREFUSED",
        libc::EFAULT => "EFAULT",
        libc::ESRCH => "ESRCH",
        libc::EMFILE => "EMFILE",
        libc::ENODATA => "ENODATA",
        libc::ELOOP => "ELOOP",
        libc::EEXIST => "EEXIST",
        libc::ENOTDIR => "ENOTDIR",
        libc::EISDIR => "EISDIR",
        libc::ESPIPE => "ESPIPE",
        libc::EAGAIN => "EAGAIN",
        libc::ENOTSOCK => "ENOTSOCK",
        libc::EDESTADDRREQ => "EDESTADDRREQ",
        libc::ENXIO => "ENXIO",
        _ => return format!("errno {errno}"),
    };
    name.to_owned()
}

fn errnos(list: &[i32]) -> String {
    list.iter()
        .map(|e| errno_name(*e))
        .collect::<Vec<_>>()
        .join(" or ")
}

impl Expect {
    /// Whether `answer` is what this expectation wants.
    pub fn verify(self, report: &Report) -> Result<(), String> {
        if let Expect::Signal(sig) = self {
            return match report.signal {
                Some(s) if s == sig => Ok(()),
                other => Err(format!(
                    "expected death by signal {sig}, got signal {other:?}, exit {:?}, outcome {:?}",
                    report.code, report.outcome
                )),
            };
        }
        if let Expect::DeniedOrRefused(denied, refused) = self {
            return match report.answer()? {
                Answer::Err { errno, .. } if refused.contains(&errno) => {
                    Expect::Refused(refused).verify(report)
                }
                _ => Expect::Denied(denied).verify(report),
            };
        }
        if let Expect::Panics(function) = self {
            if report.code != Some(101) {
                return Err(format!(
                    "expected a panic (exit 101), got {:?}",
                    report.code
                ));
            }
            if !report.stderr.contains(function) {
                return Err(format!(
                    "the backtrace does not name `{function}`: {}",
                    report.stderr.trim()
                ));
            }
            return Ok(());
        }
        let answer = report.answer()?;
        match (self, answer) {
            (Expect::Allowed, Answer::Ok(_)) => Ok(()),
            (Expect::Allowed, Answer::Err { errno, text, .. }) => Err(format!(
                "expected it to work, got {} ({text})",
                errno_name(errno)
            )),
            (Expect::Denied(want), Answer::Ok(detail)) => Err(format!(
                "ESCAPED: expected {}, the operation worked: {detail}",
                errnos(want)
            )),
            (
                Expect::Denied(want),
                Answer::Err {
                    errno,
                    violation,
                    text,
                },
            ) => {
                if !want.contains(&errno) {
                    Err(format!(
                        "expected {}, got {} ({text})",
                        errnos(want),
                        errno_name(errno)
                    ))
                } else if !violation {
                    Err(format!(
                        "{} is the documented denial, but is_violation() said false",
                        errno_name(errno)
                    ))
                } else {
                    Ok(())
                }
            }
            (
                Expect::Ordinary(want),
                Answer::Err {
                    errno,
                    violation,
                    text,
                },
            ) => {
                if errno != want {
                    Err(format!(
                        "expected {}, got {} ({text})",
                        errno_name(want),
                        errno_name(errno)
                    ))
                } else if violation {
                    Err(format!(
                        "{} is an ordinary error, but is_violation() said true",
                        errno_name(errno)
                    ))
                } else {
                    Ok(())
                }
            }
            (
                Expect::Refused(want),
                Answer::Err {
                    errno,
                    violation,
                    text,
                },
            ) => {
                if !want.contains(&errno) {
                    Err(format!(
                        "expected {}, got {} ({text})",
                        errnos(want),
                        errno_name(errno)
                    ))
                } else if violation {
                    Err(format!(
                        "{} is documented as not a violation, but is_violation() said true",
                        errno_name(errno)
                    ))
                } else {
                    Ok(())
                }
            }
            (Expect::Refused(want), Answer::Ok(detail)) => Err(format!(
                "ESCAPED: expected {}, the operation worked: {detail}",
                errnos(want)
            )),
            (Expect::Ordinary(want), Answer::Ok(detail)) => Err(format!(
                "expected {}, the operation worked: {detail}",
                errno_name(want)
            )),
            (Expect::NotDenied, Answer::Ok(_)) => Ok(()),
            (
                Expect::NotDenied,
                Answer::Err {
                    errno,
                    violation,
                    text,
                },
            ) => {
                if violation {
                    Err(format!(
                        "expected it to work or fail for its own reasons, the sandbox denied it: {} ({text})",
                        errno_name(errno)
                    ))
                } else {
                    Ok(())
                }
            }
            (Expect::Fails, Answer::Err { .. }) => Ok(()),
            (Expect::Fails, Answer::Ok(detail)) => {
                Err(format!("ESCAPED: expected it to fail, it worked: {detail}"))
            }
            (Expect::Panics(_) | Expect::Signal(_) | Expect::DeniedOrRefused(..), _) => {
                unreachable!()
            }
        }
    }
}

/// A snapshot of one path: what a change outside would alter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    kind: &'static str,
    mode: u32,
    uid: u32,
    gid: u32,
    mtime: (i64, i64),
    /// Inode flags (FS_IOC_GETFLAGS) of regular files.
    flags: i64,
    content: Vec<u8>,
}

impl Entry {
    /// What differs, in words.
    pub fn diff(&self, now: &Entry) -> String {
        let mut d = Vec::new();
        if self.kind != now.kind {
            d.push(format!("{} -> {}", self.kind, now.kind));
        }
        if self.mode != now.mode {
            d.push(format!("mode {:o} -> {:o}", self.mode, now.mode));
        }
        if (self.uid, self.gid) != (now.uid, now.gid) {
            d.push(format!(
                "owner {}:{} -> {}:{}",
                self.uid, self.gid, now.uid, now.gid
            ));
        }
        if self.flags != now.flags {
            d.push(format!("inode flags {:#x} -> {:#x}", self.flags, now.flags));
        }
        if self.mtime != now.mtime {
            d.push(format!("mtime {:?} -> {:?}", self.mtime, now.mtime));
        }
        if self.content != now.content {
            d.push(format!(
                "content {:?} -> {:?}",
                String::from_utf8_lossy(&self.content[..self.content.len().min(32)]),
                String::from_utf8_lossy(&now.content[..now.content.len().min(32)])
            ));
        }
        d.join(", ")
    }
}

/// What a tree held: each path's kind, mode, owner, times, inode flags
/// and content.
pub type Snapshot = BTreeMap<PathBuf, Entry>;

/// The state of everything beneath `root`.
pub fn snapshot(root: &Path) -> Snapshot {
    let mut map = Snapshot::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(path) = stack.pop() {
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            continue;
        };
        let ft = meta.file_type();
        let (kind, content) = if ft.is_symlink() {
            let target = std::fs::read_link(&path).unwrap_or_default();
            ("symlink", target.into_os_string().into_encoded_bytes())
        } else if ft.is_dir() {
            if let Ok(rd) = std::fs::read_dir(&path) {
                stack.extend(rd.flatten().map(|e| e.path()));
            }
            ("dir", Vec::new())
        } else if ft.is_file() {
            ("file", std::fs::read(&path).unwrap_or_default())
        } else {
            ("other", Vec::new())
        };
        let rel = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
        map.insert(
            rel,
            Entry {
                kind,
                mode: meta.mode(),
                uid: meta.uid(),
                gid: meta.gid(),
                // Directory mtimes change when an allowed case creates a
                // file in them; their entries are compared instead.
                mtime: if ft.is_dir() {
                    (0, 0)
                } else {
                    (meta.mtime(), meta.mtime_nsec())
                },
                flags: if ft.is_file() { inode_flags(&path) } else { 0 },
                content,
            },
        );
    }
    map
}

fn inode_flags(path: &Path) -> i64 {
    let Ok(file) = std::fs::File::open(path) else {
        return -1;
    };
    let mut flags: libc::c_long = 0;
    // SAFETY: FS_IOC_GETFLAGS writes one long into `flags`.
    let r = unsafe { libc::ioctl(file.as_raw_fd(), libc::FS_IOC_GETFLAGS, &mut flags) };
    if r == 0 {
        flags
    } else {
        -1
    }
}

fn listxattr(path: &Path) -> Vec<u8> {
    let Ok(cpath) = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()) else {
        return Vec::new();
    };
    let mut buf = vec![0u8; 1024];
    // SAFETY: `cpath` is a live C string and `buf` a live buffer of the
    // length passed.
    let n = unsafe { libc::llistxattr(cpath.as_ptr(), buf.as_mut_ptr().cast(), buf.len()) };
    buf.truncate(n.max(0) as usize);
    buf
}

static WORLDS: AtomicUsize = AtomicUsize::new(0);

/// The world a probe finds, built fresh for each case:
///
/// ```text
/// ROOT/dir/            preopened `dir` (wide rights): inside.txt, sub/,
///                      escape_link -> ../outside/secret.txt
/// ROOT/rodir/          preopened `rodir` ([lookup, read, fstat]): keep.txt
/// ROOT/ro.txt          preopened `ro` ([read])
/// ROOT/wo.txt          preopened `wo` ([write])
/// ROOT/rw.txt          preopened `rw` ([read, write, seek, fstat, mmap_r, ..])
/// ROOT/narrowed.txt    preopened `narrowed`: opened read-write, declared [read]
/// ROOT/outside/        never preopened: secret.txt, victim.txt (0600),
///                      link -> secret.txt, mnt/, sock, dgram.sock
/// ```
///
/// plus a TCP listener and a UDP socket on 127.0.0.1, an abstract unix
/// listener, a victim process (`sleep`), and four descriptors handed to
/// the probe: a connected TCP stream (fd 3), an unconnected UDP socket
/// (fd 4), a TCP listener with one connection waiting (fd 5) and a pidfd of
/// the victim (fd 6). Stdin is one end of a socketpair, so the kernel would
/// accept a write on it.
#[derive(Debug)]
pub struct World {
    /// The root directory (removed on drop).
    pub root: PathBuf,
    /// A listener nobody may connect to.
    pub tcp: TcpListener,
    /// A UDP socket nobody may send to.
    pub udp: UdpSocket,
    /// A unix stream listener at `outside/sock`.
    pub unix: UnixListener,
    /// A unix datagram socket at `outside/dgram.sock`.
    pub unix_dgram: UnixDatagram,
    /// An abstract unix listener.
    pub abstract_unix: UnixListener,
    /// Its name (without the leading NUL).
    pub abstract_name: String,
    /// The far end of the handed-in TCP stream.
    pub handed_peer: TcpStream,
    /// The client waiting in the handed-in listener's queue.
    pub waiting_client: TcpStream,
    /// The other end of the probe's stdin.
    pub stdin_peer: UnixStream,
    /// A process nobody may signal, trace or inspect.
    pub victim: Child,
    handed: Vec<OwnedFd>,
    stdin: Option<UnixStream>,
    before: Snapshot,
    xattrs_before: Vec<(PathBuf, Vec<u8>)>,
}

impl World {
    /// Builds a fresh world.
    pub fn new() -> io::Result<World> {
        let n = WORLDS.fetch_add(1, Ordering::Relaxed);
        let root =
            std::env::temp_dir().join(format!("sandboxed-escape-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let mk = |rel: &str| std::fs::create_dir_all(root.join(rel));
        let put = |rel: &str, text: &str, mode: u32| -> io::Result<()> {
            let p = root.join(rel);
            std::fs::write(&p, text)?;
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode))
        };
        mk("dir/sub")?;
        mk("rodir")?;
        mk("outside/mnt")?;
        put("dir/inside.txt", "inside", 0o644)?;
        std::os::unix::fs::symlink("../outside/secret.txt", root.join("dir/escape_link"))?;
        put("rodir/keep.txt", "keep", 0o644)?;
        put("ro.txt", "read only", 0o644)?;
        put("wo.txt", "write only", 0o644)?;
        put("rw.txt", "read write", 0o644)?;
        put("narrowed.txt", "narrowed", 0o644)?;
        put("outside/secret.txt", "secret", 0o600)?;
        put("outside/victim.txt", "victim", 0o600)?;
        std::os::unix::fs::symlink("secret.txt", root.join("outside/link"))?;

        let tcp = TcpListener::bind("127.0.0.1:0")?;
        tcp.set_nonblocking(true)?;
        let udp = UdpSocket::bind("127.0.0.1:0")?;
        udp.set_nonblocking(true)?;
        let unix = UnixListener::bind(root.join("outside/sock"))?;
        unix.set_nonblocking(true)?;
        let unix_dgram = UnixDatagram::bind(root.join("outside/dgram.sock"))?;
        unix_dgram.set_nonblocking(true)?;
        let abstract_name = format!("sandboxed-escape-{}-{n}", std::process::id());
        let abstract_unix =
            UnixListener::bind_addr(&SocketAddr::from_abstract_name(abstract_name.as_bytes())?)?;
        abstract_unix.set_nonblocking(true)?;

        let handed_listener = TcpListener::bind("127.0.0.1:0")?;
        let handed_tcp = TcpStream::connect(handed_listener.local_addr()?)?;
        let (handed_peer, _) = handed_listener.accept()?;
        let waiting_client = TcpStream::connect(handed_listener.local_addr()?)?;
        let handed_udp = UdpSocket::bind("127.0.0.1:0")?;
        let victim = Command::new("sleep")
            .arg("60")
            .stdin(Stdio::null())
            .spawn()?;
        let handed = vec![
            OwnedFd::from(handed_tcp),
            OwnedFd::from(handed_udp),
            OwnedFd::from(handed_listener),
            pidfd_open(victim.id())?,
        ];
        let (stdin, stdin_peer) = UnixStream::pair()?;
        stdin_peer.set_nonblocking(true)?;

        let before = snapshot(&root);
        let xattrs_before = before
            .keys()
            .map(|p| (p.clone(), listxattr(&root.join(p))))
            .collect();
        Ok(World {
            root,
            tcp,
            udp,
            unix,
            unix_dgram,
            abstract_unix,
            abstract_name,
            handed_peer,
            waiting_client,
            stdin_peer,
            victim,
            handed,
            stdin: Some(stdin),
            before,
            xattrs_before,
        })
    }

    /// `root/rel`.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    /// The probe command for `case`, with the world's arguments, handed
    /// descriptors and environment.
    pub fn command(&mut self, probe: &Path, case: &str) -> io::Result<Command> {
        let mut cmd = Command::new(probe);
        cmd.arg(case)
            .arg(self.path("dir"))
            .arg(self.path("rodir"))
            .arg(self.path("ro.txt"))
            .arg(self.path("wo.txt"))
            .arg(self.path("rw.txt"))
            .arg(self.path("narrowed.txt"))
            .current_dir(self.path("outside"))
            .env("ESCAPE_ROOT", &self.root)
            .env("ESCAPE_VICTIM", self.victim.id().to_string())
            .env("ESCAPE_TCP_PORT", self.tcp.local_addr()?.port().to_string())
            .env("ESCAPE_UDP_PORT", self.udp.local_addr()?.port().to_string())
            .env("ESCAPE_UNIX", self.path("outside/sock"))
            .env("ESCAPE_UNIX_DGRAM", self.path("outside/dgram.sock"))
            .env("ESCAPE_ABSTRACT", &self.abstract_name)
            .env(
                "ESCAPE_HANDLE",
                file_handle(&self.path("outside/secret.txt"))?,
            )
            .env("RUST_BACKTRACE", "1")
            .env_remove("SANDBOXED_TRACE")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if let Some(stdin) = self.stdin.take() {
            cmd.stdin(Stdio::from(OwnedFd::from(stdin)));
        }
        let raw: Vec<RawFd> = self.handed.iter().map(|fd| fd.as_raw_fd()).collect();
        // SAFETY: the closure runs between fork and exec and calls only
        // fcntl(2), dup2(2) and close_range(2), which are async-signal-safe;
        // it allocates nothing (`raw` was built before the fork).
        unsafe {
            cmd.pre_exec(move || {
                // Move the sources above 3..=5 first so dup2 onto 3, 4, 5
                // cannot clobber a source that sits there.
                let mut high = [0; 4];
                for (i, fd) in raw.iter().enumerate() {
                    high[i] = libc::fcntl(*fd, libc::F_DUPFD_CLOEXEC, 64);
                    if high[i] < 0 {
                        return Err(io::Error::last_os_error());
                    }
                }
                for (i, fd) in high.iter().enumerate() {
                    if libc::dup2(*fd, 3 + i as RawFd) < 0 {
                        return Err(io::Error::last_os_error());
                    }
                }
                // Nothing else: descriptors the runner inherited from
                // whoever started it must not reach the probe.
                let first = 3 + high.len() as libc::c_uint;
                if libc::syscall(libc::SYS_close_range, first, libc::c_uint::MAX, 0) < 0 {
                    return Err(io::Error::last_os_error());
                }
                Ok(())
            });
        }
        Ok(cmd)
    }

    /// Whether anything outside the allowed `changes` differs from before
    /// the run: files, modes, owners, times, symlinks, extended attributes,
    /// mounts, connections, datagrams, and the victim.
    pub fn intact(&mut self, changes: &[&str]) -> Result<(), String> {
        let mut problems = Vec::new();
        let allowed = |p: &Path| changes.iter().any(|c| p.starts_with(c));
        let after = snapshot(&self.root);
        for (path, entry) in &self.before {
            if allowed(path) {
                continue;
            }
            match after.get(path) {
                None => problems.push(format!("{} disappeared", path.display())),
                Some(now) if now != entry => {
                    problems.push(format!("{} changed: {}", path.display(), entry.diff(now)))
                }
                _ => {}
            }
        }
        for path in after.keys() {
            if !self.before.contains_key(path) && !allowed(path) {
                problems.push(format!("{} appeared", path.display()));
            }
        }
        for (path, before) in &self.xattrs_before {
            if !allowed(path) && listxattr(&self.root.join(path)) != *before {
                problems.push(format!("extended attributes of {} changed", path.display()));
            }
        }
        let mnt = self.path("outside/mnt");
        let dev = |p: &Path| std::fs::metadata(p).map(|m| m.dev()).unwrap_or(0);
        if dev(&mnt) != dev(&self.path("outside")) {
            problems.push("something was mounted on outside/mnt".into());
            if let Ok(c) = std::ffi::CString::new(mnt.as_os_str().as_encoded_bytes()) {
                // SAFETY: `c` is a live C string.
                unsafe { libc::umount2(c.as_ptr(), libc::MNT_DETACH) };
            }
        }
        if self.tcp.accept().is_ok() {
            problems.push("the TCP listener accepted a connection".into());
        }
        let mut buf = [0u8; 64];
        // "net:udp" in `changes`: a datagram may arrive (a documented
        // difference in tests/tests/parity.rs).
        if self.udp.recv(&mut buf).is_ok() && !changes.contains(&"net:udp") {
            problems.push("the UDP socket received a datagram".into());
        }
        if self.unix.accept().is_ok() {
            problems.push("the unix listener accepted a connection".into());
        }
        if self.unix_dgram.recv(&mut buf).is_ok() {
            problems.push("the unix datagram socket received a datagram".into());
        }
        if self.abstract_unix.accept().is_ok() {
            problems.push("the abstract unix listener accepted a connection".into());
        }
        if let Ok(n) = self.stdin_peer.read(&mut buf) {
            if n > 0 {
                problems.push(format!("{n} bytes were written on stdin"));
            }
        }
        match self.victim.try_wait() {
            Ok(Some(status)) => problems.push(format!("the victim died: {status}")),
            Err(e) => problems.push(format!("the victim: {e}")),
            Ok(None) => {
                let status = std::fs::read_to_string(format!("/proc/{}/status", self.victim.id()))
                    .unwrap_or_default();
                for line in status.lines() {
                    if line.starts_with("TracerPid:") && line.split_whitespace().nth(1) != Some("0")
                    {
                        problems.push(format!("the victim is traced: {line}"));
                    }
                    if line.starts_with("State:")
                        && (line.contains("stopped") || line.contains("tracing"))
                    {
                        problems.push(format!("the victim is stopped: {line}"));
                    }
                }
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems.join("; "))
        }
    }
}

impl Drop for World {
    fn drop(&mut self) {
        let _ = self.victim.kill();
        let _ = self.victim.wait();
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

/// pidfd_open(2) of `pid`.
fn pidfd_open(pid: u32) -> io::Result<OwnedFd> {
    // SAFETY: pidfd_open takes no pointer; a non-negative result is a new
    // descriptor we own.
    let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid as libc::pid_t, 0) };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: `fd` was just returned by the kernel and is owned by no one else.
    Ok(unsafe { std::os::fd::FromRawFd::from_raw_fd(fd as RawFd) })
}

/// `name_to_handle_at(2)` of `path`, as the probe's `ESCAPE_HANDLE`:
/// `type:hexbytes`.
fn file_handle(path: &Path) -> io::Result<String> {
    let c = std::ffi::CString::new(path.as_os_str().as_encoded_bytes())?;
    let mut raw = vec![0u8; 8 + 128];
    raw[0..4].copy_from_slice(&128u32.to_ne_bytes());
    let mut mount_id = 0;
    // SAFETY: `raw` starts with a `struct file_handle` header whose
    // handle_bytes (128) fits the buffer after the 8-byte header.
    let r = unsafe {
        libc::name_to_handle_at(
            libc::AT_FDCWD,
            c.as_ptr(),
            raw.as_mut_ptr().cast(),
            &mut mount_id,
            0,
        )
    };
    if r != 0 {
        return Err(io::Error::last_os_error());
    }
    let len = u32::from_ne_bytes(raw[0..4].try_into().expect("4 bytes")) as usize;
    let ty = i32::from_ne_bytes(raw[4..8].try_into().expect("4 bytes"));
    let hex: String = raw[8..8 + len].iter().map(|b| format!("{b:02x}")).collect();
    Ok(format!("{ty}:{hex}"))
}

/// Runs one case in a fresh world and a fresh probe process.
pub fn run_case(probe: &Path, case: &Case) -> Result<Report, String> {
    let mut world = World::new().map_err(|e| format!("building the world: {e}"))?;
    let mut cmd = world
        .command(probe, case.name)
        .map_err(|e| format!("preparing the probe: {e}"))?;
    let report = Report::of(probe, &mut cmd)?;
    if let Some(reason) = refused_for_lack(&report) {
        // It failed closed: the body never ran, nothing may have changed.
        world
            .intact(&[])
            .map_err(|e| format!("outside changed: {e}"))?;
        if report.outcome.is_some() {
            return Err(format!("the body ran although entry failed: {reason}"));
        }
        let abi = landlock_abi();
        if abi >= 6 {
            return Err(format!(
                "the backend refused to run although the kernel has Landlock ABI {abi}: {reason}"
            ));
        }
        return Ok(Report {
            skipped: Some(reason),
            ..report
        });
    }
    let mut failures = Vec::new();
    if let Err(e) = case.expect.verify(&report) {
        failures.push(e);
    }
    if let Err(e) = world.intact(case.changes) {
        failures.push(format!("outside changed: {e}"));
    }
    if let Some(check) = case.check {
        if let Err(e) = check(&mut world, &report) {
            failures.push(e);
        }
    }
    if failures.is_empty() {
        Ok(report)
    } else {
        Err(failures.join("\n    "))
    }
}

/// The backend's one-line refusal when the kernel lacks what the sandbox
/// needs (`on_unsupported = "deny"`, exit 71), if that is how the probe
/// ended.
fn refused_for_lack(report: &Report) -> Option<String> {
    (report.code == Some(sandboxed::SETUP_FAILURE_EXIT)
        && report.stderr.contains("cannot enforce the sandbox"))
    .then(|| report.stderr.trim().to_owned())
}

/// Runs one denial case WITHOUT the sandbox (`baseline_probe`) and checks
/// that the kernel alone does not give the documented denial: otherwise the
/// case could not fail.
pub fn run_baseline(baseline: &Path, case: &Case) -> Result<String, String> {
    let (Expect::Denied(want) | Expect::Refused(want)) = case.expect else {
        return Ok("not a denial".into());
    };
    let mut world = World::new().map_err(|e| format!("building the world: {e}"))?;
    let output = world
        .command(baseline, case.name)
        .map_err(|e| format!("preparing the probe: {e}"))?
        .output()
        .map_err(|e| format!("starting {}: {e}", baseline.display()))?;
    // Cleans up (unmounts) what a case left; differences are expected.
    let _ = world.intact(case.changes);
    let stdout = String::from_utf8_lossy(&output.stdout);
    match stdout.lines().find_map(|l| l.strip_prefix("outcome: ")) {
        None => Ok(format!(
            "unsandboxed: no outcome (exit {:?})",
            output.status.code()
        )),
        Some(line) => {
            let errno = line
                .strip_prefix("err ")
                .and_then(|r| r.split(' ').next())
                .and_then(|e| e.parse::<i32>().ok());
            match errno {
                Some(e) if want.contains(&e) => Err(format!(
                    "unsandboxed, the kernel answers {} too: the case cannot fail ({line})",
                    errno_name(e)
                )),
                _ => Ok(format!("unsandboxed: {line}")),
            }
        }
    }
}

/// Runs `cases` (filtered by the command-line arguments that are not
/// flags) and prints one libtest-like line each, then a summary. Returns
/// whether all passed.
pub fn run_all(suite: &str, probe: &Path, baseline: Option<&Path>, cases: &[Case]) -> bool {
    run_items(&case_items(suite, probe, baseline, cases))
}

/// The items of [`run_all`], to run with others in one [`run_items`].
pub fn case_items<'a>(
    suite: &'a str,
    probe: &'a Path,
    baseline: Option<&'a Path>,
    cases: &'a [Case],
) -> Vec<Item<'a>> {
    cases
        .iter()
        .map(|case| Item {
            name: format!("{suite}::{}::{}", case.promise.tag(), case.name),
            documented: case.documented,
            run: Box::new(move || {
                if let Some(reason) = case.skip.and_then(|f| f()) {
                    return Ok(Outcome::Skipped(reason));
                }
                match baseline {
                    None => run_case(probe, case).map(|r| match r.skipped {
                        Some(reason) => Outcome::Skipped(reason),
                        None => Outcome::Passed(String::new()),
                    }),
                    Some(b) => {
                        run_baseline(b, case).map(|seen| Outcome::Passed(format!(" ({seen})")))
                    }
                }
            }),
        })
        .collect()
}

/// How a case that did not fail ended.
#[derive(Debug)]
pub enum Outcome {
    /// It passed; the note is printed after `ok`.
    Passed(String),
    /// It could not run here, for this reason.
    Skipped(String),
}

/// The differences from Capsicum the Linux table
/// (runtime/src/backend/linux/mod.rs, "Linux vs Capsicum") documents, one
/// constant per kind, as the conformance and escape suites report them:
/// each failure of a documented case names its kind, and a run counts the
/// kinds it met.
pub mod differences {
    /// Row 1 (a).
    pub const RAW_LOOKUPS_BY_PLACE: &str = "row 1 (a): raw *at() lookups are confined by where they land, not by the walk: \
         `..`, absolute paths and symlinks may land in a preopened directory holding the right, and stat, access, \
         readlink and O_PATH lookups anywhere (Dir methods walk)";
    /// Row 1 (b).
    pub const LANDLOCK_INEXACT: &str =
        "row 1 (b): what Landlock cannot grant exactly is refused: path forms of chmod, \
         chown, utimes; device nodes; a program beneath a directory without `read`";
    /// Row 2 (a).
    pub const SIGNALS_BY_DOMAIN: &str =
        "row 2 (a): signals follow Landlock domains, not process descriptors";
    /// Row 2 (b).
    pub const CALLER_AS_ZERO: &str =
        "row 2 (b): calls that change a process, and CPU clocks, take the caller only, as 0";
    /// Row 4 (a).
    pub const NO_NEW_EXEC_MEMORY: &str = "row 4 (a): no executable memory made after entry";
    /// Row 4 (b).
    pub const IOCTL_ALLOWLIST: &str = "row 4 (b): ioctl commands only from a fixed allowlist";
    /// Row 5 (a).
    pub const RIGHTS_BY_NUMBER: &str =
        "row 5 (a): rights live with descriptor numbers, fixed at entry: no copies of \
         a limited descriptor, no passing (sendmsg/sendmmsg denied), no narrowing after entry";
    /// Row 5 (b).
    pub const OPENED_AFTER_ENTRY: &str =
        "row 5 (b): descriptors opened after entry are in no class: \
         what every directory holds for metadata changes, their other rights not limited";
    /// Row 5 (c).
    pub const POLL_EVENT: &str = "row 5 (c): poll/select do not check `event`";
    /// Row 5 (d).
    pub const FPATHCONF: &str =
        "row 5 (d): fpathconf(3) is fstatfs(2) on Linux: it needs `fstatfs`";
    /// Every kind, in the table's order.
    pub const ALL: &[&str] = &[
        RAW_LOOKUPS_BY_PLACE,
        LANDLOCK_INEXACT,
        SIGNALS_BY_DOMAIN,
        CALLER_AS_ZERO,
        NO_NEW_EXEC_MEMORY,
        IOCTL_ALLOWLIST,
        RIGHTS_BY_NUMBER,
        OPENED_AFTER_ENTRY,
        POLL_EVENT,
        FPATHCONF,
    ];
}

/// One line of a suite run: the case's full name, the "Linux vs Capsicum"
/// row that documents its failure as a known difference (if one does), and
/// how to run it (`Err`: why it failed).
pub struct Item<'a> {
    /// `suite::group::case`.
    pub name: String,
    /// The documented difference a failure stands for.
    pub documented: Option<&'a str>,
    /// Runs the case.
    #[allow(clippy::type_complexity)]
    pub run: Box<dyn Fn() -> Result<Outcome, String> + Send + Sync + 'a>,
}

impl std::fmt::Debug for Item<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Item")
            .field("name", &self.name)
            .field("documented", &self.documented)
            .finish()
    }
}

/// Runs `items` (filtered by the command-line arguments that are not
/// flags, as substrings of their names), a few at a time, and prints one
/// libtest-like line each, then a summary. A failure of an item with a
/// documented difference is a `KNOWN DIFFERENCE` unless `--strict` is
/// given. Returns whether all passed.
pub fn run_items(items: &[Item<'_>]) -> bool {
    let filters: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let selected: Vec<&Item<'_>> = items
        .iter()
        .filter(|i| filters.is_empty() || filters.iter().any(|f| i.name.contains(f.as_str())))
        .collect();
    // A documented case names one of the table's kinds, so that a run
    // counts kinds, not spellings.
    let strays: Vec<&str> = items
        .iter()
        .filter(|i| i.documented.is_some_and(|d| !differences::ALL.contains(&d)))
        .map(|i| i.name.as_str())
        .collect();
    if !strays.is_empty() {
        println!("test documented_kinds ... FAILED: not a kind of the table: {strays:?}");
        return false;
    }
    println!("\nrunning {} tests", selected.len());
    let strict = std::env::args().any(|a| a == "--strict");
    // Cases are independent (each has its own world), so run a few at a
    // time; `ESCAPE_JOBS=1` runs them one by one.
    let jobs = std::env::var("ESCAPE_JOBS")
        .ok()
        .and_then(|j| j.parse().ok())
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get().min(4)))
        .max(1);
    let next = AtomicUsize::new(0);
    let tally = std::sync::Mutex::new((0usize, Vec::new(), 0usize, Vec::new()));
    let start = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            scope.spawn(|| {
                while let Some(item) = selected.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let full = &item.name;
                    let result = (item.run)();
                    let mut t = tally.lock().expect("tally");
                    let line = match result {
                        Ok(Outcome::Skipped(reason)) => {
                            t.2 += 1;
                            format!("test {full} ... skipped: {reason}")
                        }
                        Ok(Outcome::Passed(note)) => {
                            t.0 += 1;
                            format!("test {full} ... ok{note}")
                        }
                        Err(why) => match item.documented {
                            Some(row) if !strict => {
                                t.3.push((full.clone(), row));
                                format!("test {full} ... KNOWN DIFFERENCE ({row})\n    {why}")
                            }
                            _ => {
                                t.1.push(full.clone());
                                format!("test {full} ... FAILED\n    {why}")
                            }
                        },
                    };
                    drop(t);
                    let mut out = io::stdout().lock();
                    let _ = writeln!(out, "{line}");
                    let _ = out.flush();
                }
            });
        }
    });
    let (passed, failed, skipped, known) = tally.into_inner().expect("tally");
    let ok = failed.is_empty();
    if !known.is_empty() {
        println!("\nknown differences (documented in the Linux table; `--strict` fails on them):");
        for (f, _) in &known {
            println!("    {f}");
        }
        let mut kinds = std::collections::BTreeMap::new();
        for (_, row) in &known {
            *kinds.entry(*row).or_insert(0usize) += 1;
        }
        println!(
            "\n{} known differences of {} kinds (the table documents {}):",
            known.len(),
            kinds.len(),
            differences::ALL.len()
        );
        for (row, n) in &kinds {
            println!("    {n:>4}  {row}");
        }
    }
    if !ok {
        println!("\nfailures:");
        for f in &failed {
            println!("    {f}");
        }
    }
    println!(
        "\ntest result: {}. {passed} passed; {} failed; {} known differences; {skipped} skipped; finished in {:.2}s\n",
        if ok { "ok" } else { "FAILED" },
        failed.len(),
        known.len(),
        start.elapsed().as_secs_f64()
    );
    ok
}

/// Whether `line` was written by the probe on the handed-in TCP stream's
/// far end within a second.
pub fn peer_received(stream: &mut TcpStream, want: &str) -> Result<(), String> {
    stream
        .set_read_timeout(Some(Duration::from_secs(1)))
        .map_err(|e| e.to_string())?;
    let mut buf = vec![0u8; want.len()];
    stream
        .read_exact(&mut buf)
        .map_err(|e| format!("nothing arrived on the handed-in stream: {e}"))?;
    if buf == want.as_bytes() {
        Ok(())
    } else {
        Err(format!("received {:?}", String::from_utf8_lossy(&buf)))
    }
}

/// The Landlock ABI version the running kernel offers (0: none).
pub fn landlock_abi() -> i64 {
    // SAFETY: landlock_create_ruleset(NULL, 0, LANDLOCK_CREATE_RULESET_VERSION)
    // only returns the ABI version; it reads no memory.
    let v = unsafe {
        libc::syscall(
            libc::SYS_landlock_create_ruleset,
            std::ptr::null::<u8>(),
            0usize,
            1u32,
        )
    };
    v.max(0)
}
