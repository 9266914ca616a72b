//! The world a case runs in: files and directories, sockets, a victim
//! process, handed-in descriptors; and snapshots of what a change outside
//! would alter.

use std::collections::BTreeMap;
use std::io::{self, Read};
use std::net::{TcpListener, TcpStream, UdpSocket};
use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::os::linux::net::SocketAddrExt;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::net::{SocketAddr, UnixDatagram, UnixListener, UnixStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

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
/// ROOT/rodir/          preopened `rodir` ([lookup, read, fstat]): keep.txt,
///                      pipe (a FIFO)
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
        let fifo = std::ffi::CString::new(
            root.join("rodir/pipe")
                .into_os_string()
                .into_encoded_bytes(),
        )
        .map_err(io::Error::other)?;
        // SAFETY: mkfifo(3) of a NUL-terminated path.
        if unsafe { libc::mkfifo(fifo.as_ptr(), 0o644) } != 0 {
            return Err(io::Error::last_os_error());
        }
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
