//! `system.fileargs` (cap_fileargs(3)): the named files, opened, stat'ed
//! and resolved by the service with the declared flags and rights.
//!
//! fileargs_cinitnv(3) takes the limits `limits/fileargs.rs` builds (the
//! same list fileargs_init(3) would) and opens the service on the casper
//! process every other service uses (`casper/mod.rs` says why not a second
//! one).

use std::ffi::{c_char, c_int, c_void, CStr, OsStr, OsString};
use std::io;
use std::os::fd::{FromRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::ptr::{self, NonNull};

use super::super::rights;
use super::{c_string, cap_channel_t, limits, Chan, Library};
use crate::decl::FileArgsLimits;
use crate::error::Failure;
use crate::rights::Limits;
use crate::services::contract::{FileStat, Reply, Request};

/// cap_fileargs(3)'s `fileargs_t` (opaque).
#[repr(C)]
struct fileargs_t {
    _opaque: [u8; 0],
}

#[link(name = "cap_fileargs")]
extern "C" {
    /// fileargs_cinitnv(3): takes (and frees) a libnv `nvlist_t`.
    fn fileargs_cinitnv(cas: *mut cap_channel_t, limits: *mut c_void) -> *mut fileargs_t;
    fn fileargs_open(fa: *mut fileargs_t, name: *const c_char) -> c_int;
    fn fileargs_lstat(fa: *mut fileargs_t, name: *const c_char, sb: *mut libc::stat) -> c_int;
    fn fileargs_realpath(
        fa: *mut fileargs_t,
        pathname: *const c_char,
        reserved_path: *mut c_char,
    ) -> *mut c_char;
    fn fileargs_free(fa: *mut fileargs_t);
}

/// libcap_fileargs (`system.fileargs`).
pub(super) const LIBRARY: Library = Library(fileargs_cinitnv as *const c_void);

/// A fileargs handle and the limits of the descriptors it opens;
/// fileargs_free(3) on drop.
pub(super) struct FileArgs {
    fa: NonNull<fileargs_t>,
    limits: Limits,
}

// SAFETY: the handle is owned by one `FileArgs` and only used under the
// channel's lock; libcap_fileargs keeps no thread-local state.
unsafe impl Send for FileArgs {}

impl Drop for FileArgs {
    fn drop(&mut self) {
        // SAFETY: the pointer came from fileargs_initnv and is freed once.
        unsafe { fileargs_free(self.fa.as_ptr()) }
    }
}

impl FileArgs {
    /// fileargs_cinitnv(3) on `casper` with the declared files, open
    /// flags, rights and operations.
    pub(super) fn open(casper: &Chan, l: &FileArgsLimits) -> Result<FileArgs, Failure> {
        let invalid = |e: String| {
            Failure::new(
                "fileargs_init",
                io::Error::new(io::ErrorKind::InvalidInput, e),
            )
        };
        let args: Vec<OsString> = std::env::args_os().collect();
        let names =
            limits::fileargs::names(&l.source, &args, |v| std::env::var_os(v)).map_err(invalid)?;
        let raw = rights::raw_cap_rights(l.limits.rights);
        // SAFETY: cap_rights_t is plain data (two u64, layout.rs): its bytes
        // are what fileargs_create_limit copies into the limits.
        let bytes = unsafe {
            std::slice::from_raw_parts(
                ptr::from_ref(&raw).cast::<u8>(),
                std::mem::size_of_val(&raw),
            )
        };
        let nvl = limits::fileargs::limits(l, &names, bytes)
            .map_err(|e| Failure::new("fileargs_init", io::Error::from_raw_os_error(e)))?;
        let nvl = super::libnv::build_owned(&nvl).map_err(|e| Failure::new("fileargs_init", e))?;
        // SAFETY: `casper` is the live casper channel; fileargs_cinitnv
        // takes the list and frees it.
        let fa = unsafe { fileargs_cinitnv(casper.as_ptr(), nvl) };
        NonNull::new(fa)
            .map(|fa| FileArgs {
                fa,
                limits: l.limits,
            })
            .ok_or_else(|| Failure::last_os_error("fileargs_init"))
    }

    /// The requests of `system.fileargs`.
    pub(super) fn handle(&mut self, request: Request<'_>) -> io::Result<Reply> {
        Ok(match request {
            Request::FileOpen { path } => Reply::Fd(self.open_file(path)?),
            Request::FileLstat { path } => Reply::Stat(self.lstat(path)?),
            Request::FileRealpath { path } => Reply::Path(self.realpath(path)?),
            other => return Err(other.unsupported("system.fileargs")),
        })
    }

    fn open_file(&mut self, path: &Path) -> io::Result<OwnedFd> {
        let name = c_string(path)?;
        // SAFETY: `fa` is live (under the lock); `name` is NUL-terminated.
        let fd = unsafe { fileargs_open(self.fa.as_ptr(), name.as_ptr()) };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: fileargs_open returned a new descriptor that we now own.
        let fd = unsafe { OwnedFd::from_raw_fd(fd) };
        // The service limited the rights (the limits' cap_rights); ioctl and
        // fcntl commands can only be narrowed here.
        if self.limits.ioctls.is_some() || self.limits.fcntls.is_some() {
            rights::limit(&fd, &self.limits).map_err(|f| f.error)?;
        }
        Ok(fd)
    }

    fn lstat(&mut self, path: &Path) -> io::Result<FileStat> {
        let name = c_string(path)?;
        // SAFETY: stat is plain data.
        let mut sb: libc::stat = unsafe { std::mem::zeroed() };
        // SAFETY: `fa` is live; `name` is NUL-terminated; `sb` is a whole
        // `struct stat` (layout.rs), which the client fills with memcpy.
        if unsafe { fileargs_lstat(self.fa.as_ptr(), name.as_ptr(), &mut sb) } < 0 {
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

    fn realpath(&mut self, path: &Path) -> io::Result<PathBuf> {
        let name = c_string(path)?;
        // SAFETY: `fa` is live; `name` is NUL-terminated; a NULL buffer asks
        // for a malloc'd result.
        let p = unsafe { fileargs_realpath(self.fa.as_ptr(), name.as_ptr(), ptr::null_mut()) };
        if p.is_null() {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: `p` is a malloc'd NUL-terminated path, freed once after
        // copying.
        unsafe {
            let path = PathBuf::from(OsStr::from_bytes(CStr::from_ptr(p).to_bytes()));
            libc::free(p.cast());
            Ok(path)
        }
    }
}
