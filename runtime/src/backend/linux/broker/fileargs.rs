//! `system.fileargs` on Linux: only the names given on the command line,
//! compared byte for byte as fileargs_open(3) does, opened with the
//! declared flags; `lstat` and `realpath` only when declared.

use std::ffi::OsStr;
use std::os::fd::OwnedFd;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use rustix::fs::{Mode, OFlags};

use crate::decl::{FileOp, OpenFlags};
use crate::services::FileStat;

use super::wire::{Reply, Request};
use super::VIOLATION;

/// The state of one `system.fileargs` channel.
#[derive(Debug)]
pub(crate) struct FileArgs {
    pub(crate) names: Vec<Vec<u8>>,
    pub(crate) flags: OpenFlags,
    /// Allowed operations; empty means `[open]` (fileargs_init(3) with no
    /// operation flags still opens).
    pub(crate) operations: Vec<FileOp>,
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
    fn allowed(&self, op: FileOp, name: &[u8]) -> bool {
        let op_ok = if self.operations.is_empty() {
            op == FileOp::Open
        } else {
            self.operations.contains(&op)
        };
        op_ok && self.names.iter().any(|n| n == name)
    }

    pub(crate) fn handle(&mut self, request: Request) -> Result<(Reply, Option<OwnedFd>), i32> {
        let (op, name) = match &request {
            Request::FileOpen(n) => (FileOp::Open, n),
            Request::FileLstat(n) => (FileOp::Lstat, n),
            Request::FileRealpath(n) => (FileOp::Realpath, n),
            _ => return Err(libc::EOPNOTSUPP),
        };
        if !self.allowed(op, name) {
            return Err(VIOLATION);
        }
        let path = Path::new(OsStr::from_bytes(name));
        let errno = |e: std::io::Error| e.raw_os_error().unwrap_or(libc::EIO);
        match op {
            FileOp::Open => Ok((Reply::Fd, Some(open(name, &self.flags)?))),
            FileOp::Lstat => {
                let st = rustix::fs::lstat(path).map_err(|e| e.raw_os_error())?;
                Ok((
                    Reply::Stat(FileStat {
                        size: st.st_size as u64,
                        mode: st.st_mode,
                        uid: st.st_uid,
                        gid: st.st_gid,
                        mtime: st.st_mtime,
                    }),
                    None,
                ))
            }
            FileOp::Realpath => {
                let real = std::fs::canonicalize(path).map_err(errno)?;
                Ok((Reply::Bytes(real.into_os_string().into_vec()), None))
            }
        }
    }
}

use std::os::unix::ffi::OsStringExt;
