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
    /// What the names resolved to at start (device, inode), and the files
    /// the broker created for them since: all it hands out. Its Landlock
    /// rules for a named directory (`read_dir`) and for the directory of
    /// a file to create hold beneath them too, so a name redirected there
    /// later (a symlink the program makes) would otherwise open, or
    /// truncate, what nobody named.
    pub(crate) known: Vec<(u64, u64)>,
}

/// What `names` resolve to (device, inode), as open(2) and the broker's
/// Landlock rules resolve them (symlinks followed); missing names none.
pub(crate) fn identities(names: &[Vec<u8>]) -> Vec<(u64, u64)> {
    names
        .iter()
        .filter_map(|n| rustix::fs::stat(Path::new(OsStr::from_bytes(n))).ok())
        .map(|st| (st.st_dev, st.st_ino))
        .collect()
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
    /// Opens `name` as declared: `Ok((fd, regular))`. What is neither
    /// what a name was at start nor a file the broker created answers
    /// `EACCES`, as the broker's Landlock would were its directory rules
    /// not to hold beneath the directories. A file to create is first
    /// opened `O_EXCL` (so that what the open made is known), one to
    /// truncate is truncated only once known (ftruncate(2), as `O_TRUNC`
    /// would: regular files alone).
    fn open(&mut self, name: &[u8]) -> Result<(OwnedFd, bool), i32> {
        let flags = self.flags;
        let existing = OpenFlags {
            create: false,
            exclusive: false,
            truncate: false,
            ..flags
        };
        let (fd, created) = if flags.create || flags.exclusive {
            let new = OpenFlags {
                exclusive: true,
                ..flags
            };
            match open(name, &new) {
                Ok(fd) => (fd, true),
                Err(libc::EEXIST) if !flags.exclusive => (open(name, &existing)?, false),
                Err(e) => return Err(e),
            }
        } else {
            (open(name, &existing)?, false)
        };
        let st = rustix::fs::fstat(&fd).map_err(|e| e.raw_os_error())?;
        let id = (st.st_dev, st.st_ino);
        if !self.known.contains(&id) {
            if !created {
                return Err(libc::EACCES);
            }
            self.known.push(id);
        }
        let regular =
            rustix::fs::FileType::from_raw_mode(st.st_mode) == rustix::fs::FileType::RegularFile;
        if flags.truncate && regular && !created {
            rustix::fs::ftruncate(&fd, 0).map_err(|e| e.raw_os_error())?;
        }
        Ok((fd, regular))
    }

    /// After an answer is sent: opens ahead the name just served (kept
    /// only while it is a regular file: the name may have changed).
    pub(crate) fn idle(&mut self) {
        if let Some(name) = self.ahead.take() {
            self.ready = match self.open(&name) {
                Ok((fd, true)) => Some((name, fd)),
                _ => None,
            };
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
                // when it was opened).
                let (fd, regular) = match self.ready.take() {
                    Some((n, fd)) if n == name => (fd, true),
                    _ => self.open(name)?,
                };
                if regular && openable_ahead(&self.flags) {
                    // Opened apart from `fd`: the name may have changed
                    // in between, so it is checked again.
                    self.spare = match self.open(name) {
                        Ok((spare, true)) => Some(spare),
                        _ => None,
                    };
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
