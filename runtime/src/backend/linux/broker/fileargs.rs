//! `system.fileargs` on Linux: only the names given on the command line,
//! compared byte for byte as fileargs_open(3) does, opened with the
//! declared flags; `lstat` and `realpath` only when declared.

use std::ffi::OsStr;
use std::os::fd::OwnedFd;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use rustix::fs::{Mode, OFlags};

use crate::decl::{FileOp, OpenFlags};
use crate::services::contract::{FileStat, Reply, Request};

use super::VIOLATION;

/// The state of one `system.fileargs` channel.
#[derive(Debug)]
pub(crate) struct FileArgs {
    pub(crate) names: Vec<Vec<u8>>,
    pub(crate) flags: OpenFlags,
    /// Allowed operations; empty means `[open]` (fileargs_init(3) with no
    /// operation flags still opens).
    pub(crate) operations: Vec<FileOp>,
    /// The next descriptor of a name just opened, opened between requests
    /// so that the next open of the same name costs only the round trip.
    pub(crate) ready: Option<(Vec<u8>, OwnedFd)>,
    /// The name whose descriptor to open ahead once the answer is sent.
    pub(crate) ahead: Option<Vec<u8>>,
    /// A second descriptor of the name just opened, sent with the answer:
    /// the program keeps it for its next open of that name, which then
    /// needs no round trip (one round trip per two repeated opens).
    pub(crate) spare: Option<OwnedFd>,
}

/// Whether opening `flags` ahead of a request changes nothing the program
/// can observe: no create, no truncate (and only regular files, checked
/// on the descriptor).
pub(crate) fn openable_ahead(flags: &OpenFlags) -> bool {
    !(flags.create || flags.truncate || flags.exclusive)
}

/// The open(2) flags of a fileargs declaration: the narrowest access mode,
/// close-on-exec, never a controlling terminal.
pub(crate) fn oflags(flags: &OpenFlags) -> OFlags {
    let write = flags.write || flags.append;
    let mut o = match (flags.read, write) {
        (true, true) => OFlags::RDWR,
        (false, true) => OFlags::WRONLY,
        _ => OFlags::RDONLY,
    };
    o |= OFlags::CLOEXEC | OFlags::NOCTTY;
    if flags.append {
        o |= OFlags::APPEND;
    }
    if flags.create {
        o |= OFlags::CREATE;
    }
    if flags.exclusive {
        o |= OFlags::CREATE | OFlags::EXCL;
    }
    if flags.truncate {
        o |= OFlags::TRUNC;
    }
    o
}

/// Opens `name` as declared.
pub(crate) fn open(name: &[u8], flags: &OpenFlags) -> Result<OwnedFd, i32> {
    rustix::fs::open(
        Path::new(OsStr::from_bytes(name)),
        oflags(flags),
        Mode::from_raw_mode(flags.mode),
    )
    .map_err(|e| e.raw_os_error())
}

impl FileArgs {
    /// After an answer is sent: opens ahead the name just served.
    pub(crate) fn idle(&mut self) {
        if let Some(name) = self.ahead.take() {
            self.ready = open(&name, &self.flags).ok().map(|fd| (name, fd));
        }
    }

    fn allowed(&self, op: FileOp, name: &[u8]) -> bool {
        let op_ok = if self.operations.is_empty() {
            op == FileOp::Open
        } else {
            self.operations.contains(&op)
        };
        op_ok && self.names.iter().any(|n| n == name)
    }

    pub(crate) fn handle(&mut self, request: Request<'_>) -> Result<Reply, i32> {
        let (op, path) = match request {
            Request::FileOpen { path } => (FileOp::Open, path),
            Request::FileLstat { path } => (FileOp::Lstat, path),
            Request::FileRealpath { path } => (FileOp::Realpath, path),
            _ => return Err(libc::EOPNOTSUPP),
        };
        let name = path.as_os_str().as_bytes();
        if !self.allowed(op, name) {
            return Err(VIOLATION);
        }
        let errno = |e: std::io::Error| e.raw_os_error().unwrap_or(libc::EIO);
        match op {
            FileOp::Open => {
                // A descriptor opened ahead is of a regular file (checked
                // when its name was first served).
                let (fd, regular) = match self.ready.take() {
                    Some((n, fd)) if n == name => (fd, true),
                    _ => {
                        let fd = open(name, &self.flags)?;
                        let regular = rustix::fs::fstat(&fd).is_ok_and(|st| {
                            rustix::fs::FileType::from_raw_mode(st.st_mode)
                                == rustix::fs::FileType::RegularFile
                        });
                        (fd, regular)
                    }
                };
                if regular && openable_ahead(&self.flags) {
                    self.spare = open(name, &self.flags).ok();
                    self.ahead = Some(name.to_vec());
                }
                Ok(Reply::Fd(fd))
            }
            FileOp::Lstat => {
                let st = rustix::fs::lstat(path).map_err(|e| e.raw_os_error())?;
                Ok(Reply::Stat(FileStat {
                    size: st.st_size as u64,
                    mode: st.st_mode,
                    uid: st.st_uid,
                    gid: st.st_gid,
                    mtime: st.st_mtime,
                }))
            }
            FileOp::Realpath => {
                let real = std::fs::canonicalize(path).map_err(errno)?;
                Ok(Reply::Path(real))
            }
        }
    }
}
