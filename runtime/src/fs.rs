//! Typed handles for preopened files and directories.
//!
//! A handle carries its rights in its type: `File<R>` implements
//! [`std::io::Read`] only when `R` holds `read`, [`std::io::Write`] only with
//! `write`, [`std::io::Seek`] only with `seek`, and so on. The kernel
//! enforces the same rights at run time; the types make a mistake a compile
//! error instead of an `ENOTCAPABLE`.
//!
//! Like Capsicum's `openat(2)`, a file opened beneath a [`Dir`] gets (at
//! most) the directory's rights, so it shares the directory's marker.

use std::ffi::OsString;
use std::fmt;
use std::io::{self, IoSlice, IoSliceMut, Read, Seek, SeekFrom, Write};
use std::marker::PhantomData;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd, RawFd};
use std::path::Path;

use rustix::fs::{AtFlags, Mode, OFlags};

use crate::rights::{can, Limit, Limited, RightSet, RightsMarker, Within};

/// Rights marker of a handle whose rights are not known at compile time
/// (files from a service, handles narrowed at run time). It implements no
/// `can` trait, so only rights-free methods are available.
#[derive(Debug)]
pub enum Unknown {}

impl RightsMarker for Unknown {
    const RIGHTS: RightSet = RightSet::EMPTY;
    const NAME: &'static str = "<unknown>";
}

/// A preopened file whose rights are `R`.
pub struct File<R: RightsMarker = Unknown> {
    inner: std::fs::File,
    rights: PhantomData<fn() -> R>,
}

impl<R: RightsMarker> File<R> {
    /// Wraps a descriptor whose kernel-side rights are (at most) `R`.
    pub(crate) fn from_owned(fd: OwnedFd) -> Self {
        File {
            inner: std::fs::File::from(fd),
            rights: PhantomData,
        }
    }

    /// The rights this handle was declared with.
    pub const fn rights(&self) -> RightSet {
        R::RIGHTS
    }

    /// Metadata through fstat(2).
    pub fn metadata(&self) -> io::Result<std::fs::Metadata>
    where
        R: can::Fstat,
    {
        self.inner.metadata()
    }

    /// Truncates or extends the file (ftruncate(2)).
    pub fn set_len(&self, size: u64) -> io::Result<()>
    where
        R: can::Ftruncate,
    {
        self.inner.set_len(size)
    }

    /// fsync(2).
    pub fn sync_all(&self) -> io::Result<()>
    where
        R: can::Fsync,
    {
        self.inner.sync_all()
    }

    /// fdatasync(2) where the OS has it.
    pub fn sync_data(&self) -> io::Result<()>
    where
        R: can::Fsync,
    {
        self.inner.sync_data()
    }

    /// Sets the access and modification times (futimens(2)); a time left
    /// unset in `times` is not changed (`UTIME_OMIT`).
    pub fn set_times(&self, times: std::fs::FileTimes) -> io::Result<()>
    where
        R: can::Futimes,
    {
        self.inner.set_times(times)
    }

    /// Sets the permission bits (fchmod(2)). The process umask does not
    /// apply: the mode is set as given.
    pub fn set_permissions(&self, permissions: std::fs::Permissions) -> io::Result<()>
    where
        R: can::Fchmod,
    {
        self.inner.set_permissions(permissions)
    }

    /// pread(2): reads at `offset` without moving the file position.
    pub fn read_at(&self, buf: &mut [u8], offset: u64) -> io::Result<usize>
    where
        R: can::Pread,
    {
        self.refusal(std::os::unix::fs::FileExt::read_at(
            &self.inner,
            buf,
            offset,
        ))
    }

    /// pwrite(2): writes at `offset` without moving the file position.
    pub fn write_at(&self, buf: &[u8], offset: u64) -> io::Result<usize>
    where
        R: can::Pwrite,
    {
        self.refusal(std::os::unix::fs::FileExt::write_at(
            &self.inner,
            buf,
            offset,
        ))
    }

    /// `result`, with the kernel's `EBADF` for a read or write against the
    /// access mode the sandbox gave this descriptor answered as a missing
    /// right (the sandbox's errno, which [`crate::is_violation`] knows).
    fn refusal<T>(&self, result: io::Result<T>) -> io::Result<T> {
        result.map_err(|e| {
            crate::backend::access_mode_refusal(self.inner.as_raw_fd(), &e).unwrap_or(e)
        })
    }

    /// Limits this file to the rights set `N` of `limits(...)`, for good
    /// (cap_rights_limit(2), [`rights::limit`](crate::rights::limit)):
    /// compiles only where `N` holds nothing this file lacks.
    pub fn limit<N: Within<R>>(self) -> io::Result<File<N>> {
        let limited = crate::rights::limit::<N>(OwnedFd::from(self.inner))?;
        Ok(File::from(limited))
    }

    /// Forgets the compile-time rights; the kernel-side rights stay.
    pub fn erase(self) -> File<Unknown> {
        File {
            inner: self.inner,
            rights: PhantomData,
        }
    }
}

impl File<Unknown> {
    /// Wraps a descriptor obtained at run time (from a service, say). Only
    /// rights-free methods are available; use [`File::assume`] to state its
    /// rights when you know them.
    pub fn from_fd(fd: OwnedFd) -> Self {
        File::from_owned(fd)
    }

    /// States the rights of a run-time descriptor. This is a promise about
    /// the types only: the kernel still enforces what the descriptor has.
    pub fn assume<R: RightsMarker>(self) -> File<R> {
        File {
            inner: self.inner,
            rights: PhantomData,
        }
    }
}

impl<N: Limit> From<Limited<N>> for File<N> {
    fn from(limited: Limited<N>) -> File<N> {
        File::from_owned(limited.into_fd())
    }
}

impl<R: RightsMarker> fmt::Debug for File<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("File")
            .field("fd", &self.inner.as_raw_fd())
            .field("declared", &R::NAME)
            .field("rights", &R::RIGHTS)
            .finish()
    }
}

impl<R: can::Read> Read for File<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.refusal((&self.inner).read(buf))
    }
    fn read_vectored(&mut self, bufs: &mut [IoSliceMut<'_>]) -> io::Result<usize> {
        self.refusal((&self.inner).read_vectored(bufs))
    }
    fn read_to_end(&mut self, buf: &mut Vec<u8>) -> io::Result<usize> {
        // std sizes the buffer with fstat; without `fstat` that would fail
        // in the sandbox, so read without the hint.
        let read = io::copy(&mut (&self.inner).take(u64::MAX), buf).map(|n| n as usize);
        self.refusal(read)
    }
}

impl<R: can::Read> Read for &File<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.refusal((&self.inner).read(buf))
    }
}

impl<R: can::Write> Write for File<R> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.refusal((&self.inner).write(buf))
    }
    fn write_vectored(&mut self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
        self.refusal((&self.inner).write_vectored(bufs))
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<R: can::Write> Write for &File<R> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.refusal((&self.inner).write(buf))
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<R: can::Seek> Seek for File<R> {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        self.inner.seek(pos)
    }
}

impl<R: RightsMarker> AsFd for File<R> {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.inner.as_fd()
    }
}

impl<R: RightsMarker> AsRawFd for File<R> {
    fn as_raw_fd(&self) -> RawFd {
        self.inner.as_raw_fd()
    }
}

impl<R: RightsMarker> From<File<R>> for OwnedFd {
    fn from(f: File<R>) -> OwnedFd {
        f.inner.into()
    }
}

/// One path of a `fallible` preopen (`file(.., fallible)` gives one,
/// `files(.., fallible)` a `Vec`): the path as the user gave it, and the
/// file opened before entry or the error that prevented it. A tool reports
/// the operand it could not open and goes on with the others, as cat(1)
/// does.
///
/// With `dash`, the path `-` is the standard stream (a copy of its
/// descriptor, so that dropping the file does not close the stream); see
/// [`Operand::is_stdio`].
#[derive(Debug)]
pub struct Operand<R: RightsMarker = Unknown> {
    /// The path as given (`-` for a standard stream).
    pub path: std::path::PathBuf,
    /// The opened file, limited to the declared rights, or the open(2)
    /// error.
    pub file: io::Result<File<R>>,
}

impl<R: RightsMarker> Operand<R> {
    /// Whether the path is `-` (the standard stream, when the preopen is
    /// declared with `dash`).
    pub fn is_stdio(&self) -> bool {
        self.path.as_os_str() == "-"
    }
}

/// How to open a file beneath a [`Dir`], like [`std::fs::OpenOptions`].
#[derive(Clone, Copy, Debug, Default)]
pub struct OpenOptions {
    read: bool,
    write: bool,
    append: bool,
    truncate: bool,
    create: bool,
    create_new: bool,
    nofollow: bool,
    mode: Option<u32>,
}

impl OpenOptions {
    /// All options off.
    pub fn new() -> Self {
        Self::default()
    }
    /// Open for reading.
    pub fn read(&mut self, on: bool) -> &mut Self {
        self.read = on;
        self
    }
    /// Open for writing.
    pub fn write(&mut self, on: bool) -> &mut Self {
        self.write = on;
        self
    }
    /// Open for appending.
    pub fn append(&mut self, on: bool) -> &mut Self {
        self.append = on;
        self
    }
    /// Truncate on open.
    pub fn truncate(&mut self, on: bool) -> &mut Self {
        self.truncate = on;
        self
    }
    /// Create if missing.
    pub fn create(&mut self, on: bool) -> &mut Self {
        self.create = on;
        self
    }
    /// Create, failing if it exists (`O_EXCL`).
    pub fn create_new(&mut self, on: bool) -> &mut Self {
        self.create_new = on;
        self
    }
    /// Fail with `ELOOP` instead of following `path`'s final component
    /// when it is a symbolic link (`O_NOFOLLOW`, open(2)).
    pub fn nofollow(&mut self, on: bool) -> &mut Self {
        self.nofollow = on;
        self
    }
    /// Permission bits for a created file (default `0o666` before umask).
    pub fn mode(&mut self, mode: u32) -> &mut Self {
        self.mode = Some(mode);
        self
    }

    fn flags(&self) -> OFlags {
        let mut f = match (self.read, self.write || self.append) {
            (true, true) => OFlags::RDWR,
            (false, true) => OFlags::WRONLY,
            _ => OFlags::RDONLY,
        };
        if self.append {
            f |= OFlags::APPEND;
        }
        if self.truncate {
            f |= OFlags::TRUNC;
        }
        if self.create || self.create_new {
            f |= OFlags::CREATE;
        }
        if self.create_new {
            f |= OFlags::EXCL;
        }
        if self.nofollow {
            f |= OFlags::NOFOLLOW;
        }
        f | OFlags::CLOEXEC | OFlags::NOCTTY
    }
}

/// A preopened directory whose rights are `R`. Everything opened beneath it
/// gets (at most) the same rights.
pub struct Dir<R: RightsMarker = Unknown> {
    // A `std::fs::File` so that futimens(2) and fchmod(2) on the directory
    // itself go through std's safe wrappers.
    fd: std::fs::File,
    rights: PhantomData<fn() -> R>,
}

impl<R: RightsMarker> Dir<R> {
    pub(crate) fn from_owned(fd: OwnedFd) -> Self {
        Dir {
            fd: std::fs::File::from(fd),
            rights: PhantomData,
        }
    }

    /// The rights this handle was declared with.
    pub const fn rights(&self) -> RightSet {
        R::RIGHTS
    }

    /// Limits this directory to the rights set `N` of `limits(...)`, for
    /// good (cap_rights_limit(2), [`rights::limit`](crate::rights::limit)):
    /// compiles only where `N` holds nothing this directory lacks. On
    /// Linux, files opened beneath it keep what Landlock gives the
    /// directory's place (see the "Linux vs Capsicum" table).
    pub fn limit<N: Within<R>>(self) -> io::Result<Dir<N>> {
        let limited = crate::rights::limit::<N>(OwnedFd::from(self.fd))?;
        Ok(Dir::from(limited))
    }

    /// Runs one `*at()` call beneath this directory: the path walked as
    /// Capsicum walks it (no absolute path, `..` never above this
    /// directory, symlinks only within it; `walk.rs`), then the call on
    /// what it resolved to, through the backend, which reports refusals
    /// the kernel makes without the seccomp filter when `SANDBOXED_TRACE`
    /// asks (Landlock's, on Linux), and tells the sandbox's refusals from
    /// the kernel's own permission checks (for
    /// [`is_violation`](crate::is_violation)). `follow_last`: whether the call follows
    /// a symlink in the last component (opens do; unlink, mkdir, readlink,
    /// lstat do not). `call` gets the path to use and the open flags that
    /// keep the kernel from following anything the walk did not
    /// (`O_NOFOLLOW` once the walk followed the last component).
    fn at<T>(
        &self,
        syscall: &'static str,
        path: &Path,
        flags: Option<OFlags>,
        follow_last: bool,
        call: impl FnOnce(&Path, OFlags) -> rustix::io::Result<T>,
    ) -> io::Result<T> {
        let traced = flags.map(|f| u64::from(f.bits()));
        crate::backend::beneath(
            self.fd.as_raw_fd(),
            R::RIGHTS,
            syscall,
            path,
            traced,
            || {
                match crate::backend::resolve_beneath(self.fd.as_fd(), path, follow_last)? {
                    Some(walked) => call(&walked, OFlags::NOFOLLOW),
                    None => call(path, OFlags::empty()),
                }
                .map_err(io::Error::from)
            },
        )
    }

    /// Opens `path` beneath this directory with `options` (openat(2)).
    pub fn open_with(&self, path: impl AsRef<Path>, options: &OpenOptions) -> io::Result<File<R>>
    where
        R: can::Lookup,
    {
        let mode = Mode::from_bits_truncate(options.mode.unwrap_or(0o666) as _);
        let (path, flags) = (path.as_ref(), options.flags());
        // `O_EXCL` and `O_NOFOLLOW` do not follow a last symlink
        // (open(2)); otherwise the walk has followed it and the call must
        // not meet another.
        let follow = !options.create_new && !flags.contains(OFlags::NOFOLLOW);
        let fd = self.at("openat", path, Some(flags), follow, |p, nofollow| {
            rustix::fs::openat(&self.fd, p, flags | nofollow, mode)
        })?;
        Ok(File::from_owned(fd))
    }

    /// Opens `path` beneath this directory for reading.
    pub fn open(&self, path: impl AsRef<Path>) -> io::Result<File<R>>
    where
        R: can::Lookup + can::Read,
    {
        self.open_with(path, OpenOptions::new().read(true))
    }

    /// Creates (or truncates) `path` beneath this directory for writing,
    /// like [`std::fs::File::create`]. Truncating an existing file is
    /// `O_TRUNC`, which needs `ftruncate` (rights(4)); to create only new
    /// files, without `ftruncate`, use [`Dir::create_new`].
    pub fn create(&self, path: impl AsRef<Path>) -> io::Result<File<R>>
    where
        R: can::Lookup + can::Create + can::Write + can::Ftruncate,
    {
        self.open_with(
            path,
            OpenOptions::new().write(true).create(true).truncate(true),
        )
    }

    /// Creates `path` beneath this directory for writing, failing with
    /// `AlreadyExists` (`EEXIST`) if anything, a symbolic link included, is
    /// there (`O_CREAT | O_EXCL`, open(2)). Needs `lookup`, `create`,
    /// `write` and `seek` (a write-only open without `O_APPEND` or
    /// `O_TRUNC` needs `CAP_SEEK`: FreeBSD's openat, rights(4)), not
    /// `ftruncate`: nothing existing can be truncated.
    pub fn create_new(&self, path: impl AsRef<Path>) -> io::Result<File<R>>
    where
        R: can::Lookup + can::Create + can::Write + can::Seek,
    {
        self.open_with(path, OpenOptions::new().write(true).create_new(true))
    }

    /// Opens the subdirectory `path`, with this directory's rights.
    pub fn open_dir(&self, path: impl AsRef<Path>) -> io::Result<Dir<R>>
    where
        R: can::Lookup,
    {
        self.open_dir_with(path.as_ref(), OFlags::empty())
    }

    /// Opens the subdirectory `path` unless its last component is a
    /// symbolic link (`ELOOP`, or `ENOTDIR` on some systems:
    /// `O_NOFOLLOW`), with this directory's rights. Walking a path one
    /// component at a time with it never follows a link.
    pub fn open_dir_nofollow(&self, path: impl AsRef<Path>) -> io::Result<Dir<R>>
    where
        R: can::Lookup,
    {
        self.open_dir_with(path.as_ref(), OFlags::NOFOLLOW)
    }

    fn open_dir_with(&self, path: &Path, extra: OFlags) -> io::Result<Dir<R>> {
        let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC | extra;
        let follow = !extra.contains(OFlags::NOFOLLOW);
        let fd = self.at("openat", path, Some(flags), follow, |p, nofollow| {
            rustix::fs::openat(&self.fd, p, flags | nofollow, Mode::empty())
        })?;
        Ok(Dir::from_owned(fd))
    }

    /// mkdirat(2).
    pub fn create_dir(&self, path: impl AsRef<Path>) -> io::Result<()>
    where
        R: can::Mkdirat,
    {
        let path = path.as_ref();
        self.at("mkdirat", path, None, false, |p, _| {
            rustix::fs::mkdirat(&self.fd, p, Mode::from_bits_truncate(0o777))
        })
    }

    /// unlinkat(2) of a file.
    pub fn remove_file(&self, path: impl AsRef<Path>) -> io::Result<()>
    where
        R: can::Unlinkat,
    {
        let path = path.as_ref();
        self.at("unlinkat", path, None, false, |p, _| {
            rustix::fs::unlinkat(&self.fd, p, AtFlags::empty())
        })
    }

    /// unlinkat(2) of an empty directory.
    pub fn remove_dir(&self, path: impl AsRef<Path>) -> io::Result<()>
    where
        R: can::Unlinkat,
    {
        let path = path.as_ref();
        self.at("unlinkat", path, None, false, |p, _| {
            rustix::fs::unlinkat(&self.fd, p, AtFlags::REMOVEDIR)
        })
    }

    /// symlinkat(2): creates `link` beneath this directory pointing to `target`.
    pub fn symlink(&self, target: impl AsRef<Path>, link: impl AsRef<Path>) -> io::Result<()>
    where
        R: can::Symlinkat,
    {
        let link = link.as_ref();
        self.at("symlinkat", link, None, false, |p, _| {
            rustix::fs::symlinkat(target.as_ref(), &self.fd, p)
        })
    }

    /// renameat(2): moves `from` beneath this directory to `to` beneath
    /// `to_dir` (which may be this directory), replacing what `to` names
    /// if it is a file (atomically: another process sees the old file or
    /// the new one, never neither). The write-a-temporary-then-rename
    /// pattern of tools that must not lose data.
    ///
    /// Rights, as Capsicum checks them: `renameat_source` on this
    /// directory, `renameat_target` on `to_dir`. On Linux, Landlock
    /// also needs `to_dir` to allow creating the kind of file moved
    /// (`renameat_target` implies it) and refuses moves between directories
    /// that would gain rights (`EXDEV`).
    pub fn rename<T>(
        &self,
        from: impl AsRef<Path>,
        to_dir: &Dir<T>,
        to: impl AsRef<Path>,
    ) -> io::Result<()>
    where
        R: can::RenameatSource,
        T: can::RenameatTarget,
    {
        let (from, to) = (from.as_ref(), to.as_ref());
        // Both paths walk beneath their own directory.
        let walked_to = crate::backend::resolve_beneath(to_dir.fd.as_fd(), to, false)?;
        let to = walked_to.as_deref().unwrap_or(to);
        self.at("renameat", from, None, false, |p, _| {
            rustix::fs::renameat(&self.fd, p, &to_dir.fd, to)
        })
    }

    /// Sets the access and modification times of this directory itself
    /// (futimens(2)); a time left unset in `times` is not changed.
    pub fn set_times(&self, times: std::fs::FileTimes) -> io::Result<()>
    where
        R: can::Futimes,
    {
        self.fd.set_times(times)
    }

    /// Sets the permission bits of this directory itself (fchmod(2)).
    pub fn set_permissions(&self, permissions: std::fs::Permissions) -> io::Result<()>
    where
        R: can::Fchmod,
    {
        self.fd.set_permissions(permissions)
    }

    /// utimensat(2) of `path` beneath this directory: sets its access and
    /// modification times (`None`: unchanged), following a final symbolic
    /// link unless `follow` is false (`AT_SYMLINK_NOFOLLOW`: the link's own
    /// times).
    ///
    /// Capsicum allows it with `futimesat`. Linux: Landlock does not mediate
    /// time changes, so the sandbox denies every path form (`EACCES`, as a
    /// missing right would); open the file beneath this directory and use
    /// [`File::set_times`], or [`Dir::set_times`] on an opened
    /// subdirectory.
    pub fn set_times_at(
        &self,
        path: impl AsRef<Path>,
        accessed: Option<std::time::SystemTime>,
        modified: Option<std::time::SystemTime>,
        follow: bool,
    ) -> io::Result<()>
    where
        R: can::Futimesat,
    {
        let path = path.as_ref();
        let times = rustix::fs::Timestamps {
            last_access: timespec(accessed)?,
            last_modification: timespec(modified)?,
        };
        let flags = if follow {
            AtFlags::empty()
        } else {
            AtFlags::SYMLINK_NOFOLLOW
        };
        self.at("utimensat", path, None, follow, |p, nofollow| {
            let flags = if nofollow.contains(OFlags::NOFOLLOW) {
                AtFlags::SYMLINK_NOFOLLOW
            } else {
                flags
            };
            rustix::fs::utimensat(&self.fd, p, &times, flags)
        })
    }

    /// fchmodat(2) of `path` beneath this directory (a final symbolic link
    /// is followed). The umask does not apply.
    ///
    /// Capsicum allows it with `fchmodat`. Linux: Landlock does not mediate
    /// mode changes, so the sandbox denies the path form (`EACCES`, as a
    /// missing right would); open the file and use
    /// [`File::set_permissions`].
    pub fn set_permissions_at(
        &self,
        path: impl AsRef<Path>,
        permissions: std::fs::Permissions,
    ) -> io::Result<()>
    where
        R: can::Fchmodat,
    {
        use std::os::unix::fs::PermissionsExt;
        let path = path.as_ref();
        let mode = Mode::from_bits_truncate(permissions.mode() as _);
        // Walked, the last component is no symlink: fchmodat(2) has no
        // `AT_SYMLINK_NOFOLLOW` on Linux.
        self.at("fchmodat", path, None, true, |p, _| {
            rustix::fs::chmodat(&self.fd, p, mode, AtFlags::empty())
        })
    }

    /// readlinkat(2).
    pub fn read_link(&self, path: impl AsRef<Path>) -> io::Result<OsString>
    where
        R: can::Lookup,
    {
        let path = path.as_ref();
        let target = self.at("readlinkat", path, None, false, |p, _| {
            rustix::fs::readlinkat(&self.fd, p, Vec::new())
        })?;
        Ok(std::os::unix::ffi::OsStringExt::from_vec(
            target.into_bytes(),
        ))
    }

    /// The metadata of `path` beneath this directory, without following a
    /// final symbolic link (a link's own metadata, as
    /// [`std::fs::symlink_metadata`]). Taken with fstat(2) on an `O_PATH |
    /// O_NOFOLLOW` descriptor of `path` (open(2); FreeBSD 14 and later),
    /// which std can read into its own [`std::fs::Metadata`].
    ///
    /// Rights: `fstatat` (= `lookup` + `fstat`), as fstatat(2) needs.
    pub fn symlink_metadata(&self, path: impl AsRef<Path>) -> io::Result<std::fs::Metadata>
    where
        R: can::Fstatat,
    {
        self.metadata_with(path.as_ref(), OFlags::NOFOLLOW)
    }

    /// The metadata of `path` beneath this directory, following symbolic
    /// links (as [`std::fs::metadata`]). Rights: `fstatat`.
    pub fn metadata(&self, path: impl AsRef<Path>) -> io::Result<std::fs::Metadata>
    where
        R: can::Fstatat,
    {
        self.metadata_with(path.as_ref(), OFlags::empty())
    }

    fn metadata_with(&self, path: &Path, extra: OFlags) -> io::Result<std::fs::Metadata> {
        let flags = OFlags::PATH | OFlags::CLOEXEC | extra;
        let follow = !extra.contains(OFlags::NOFOLLOW);
        let fd = self.at("openat", path, Some(flags), follow, |p, nofollow| {
            rustix::fs::openat(&self.fd, p, flags | nofollow, Mode::empty())
        })?;
        std::fs::File::from(fd).metadata()
    }

    /// The names in this directory (getdents), without `.` and `..`.
    pub fn entries(&self) -> io::Result<Vec<OsString>>
    where
        R: can::Read,
    {
        let fd = rustix::fs::openat(
            &self.fd,
            ".",
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
            Mode::empty(),
        )?;
        let mut dir = rustix::fs::Dir::new(fd)?;
        let mut names = Vec::new();
        while let Some(entry) = dir.read() {
            let entry = entry?;
            let name = entry.file_name().to_bytes();
            if name != b"." && name != b".." {
                names.push(std::os::unix::ffi::OsStringExt::from_vec(name.to_vec()));
            }
        }
        Ok(names)
    }
}

impl<N: Limit> From<Limited<N>> for Dir<N> {
    fn from(limited: Limited<N>) -> Dir<N> {
        Dir::from_owned(limited.into_fd())
    }
}

impl<R: RightsMarker> fmt::Debug for Dir<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Dir")
            .field("fd", &self.fd.as_raw_fd())
            .field("declared", &R::NAME)
            .field("rights", &R::RIGHTS)
            .finish()
    }
}

/// A time for utimensat(2): `UTIME_OMIT` for `None`.
fn timespec(time: Option<std::time::SystemTime>) -> io::Result<rustix::fs::Timespec> {
    let Some(time) = time else {
        return Ok(rustix::fs::Timespec {
            tv_sec: 0,
            tv_nsec: rustix::fs::UTIME_OMIT,
        });
    };
    let invalid = || io::Error::from(io::ErrorKind::InvalidInput);
    let (secs, nanos) = match time.duration_since(std::time::UNIX_EPOCH) {
        Ok(d) => (
            i64::try_from(d.as_secs()).map_err(|_| invalid())?,
            d.subsec_nanos(),
        ),
        Err(before) => {
            let d = before.duration();
            let secs = i64::try_from(d.as_secs()).map_err(|_| invalid())?;
            match d.subsec_nanos() {
                0 => (-secs, 0),
                n => (-secs - 1, 1_000_000_000 - n),
            }
        }
    };
    Ok(rustix::fs::Timespec {
        tv_sec: secs as _,
        tv_nsec: nanos as _,
    })
}

impl<R: RightsMarker> AsFd for Dir<R> {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }
}

impl<R: RightsMarker> AsRawFd for Dir<R> {
    fn as_raw_fd(&self) -> RawFd {
        self.fd.as_raw_fd()
    }
}

impl<R: RightsMarker> From<Dir<R>> for OwnedFd {
    fn from(d: Dir<R>) -> OwnedFd {
        d.fd.into()
    }
}

// `FromRawFd` is deliberately not implemented: a handle's type is a claim
// about the descriptor's rights that a raw number cannot carry.

#[cfg(test)]
mod tests {
    //! The handle operations outside any sandbox (the kernel's answers,
    //! compared with std's own functions); inside it, the example tools'
    //! tests exercise them (unzip restores modes and times, bspatch and
    //! unzip rename temporaries over their outputs).
    use super::*;
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    use std::time::{Duration, SystemTime, UNIX_EPOCH};

    enum Every {}
    impl RightsMarker for Every {
        const RIGHTS: RightSet = RightSet::EMPTY;
        const NAME: &'static str = "every";
    }
    macro_rules! grant {
        ($($can:ident)*) => { $(impl can::$can for Every {})* };
    }
    grant!(Read Write Seek Lookup Create Ftruncate Fstat Fstatat Futimes Futimesat Fchmod Fchmodat
        RenameatSource RenameatTarget Unlinkat Mkdirat Symlinkat);

    fn dir(path: &Path) -> Dir<Every> {
        Dir::from_owned(std::fs::File::open(path).unwrap().into())
    }

    #[test]
    fn rename_replaces_the_target_atomically_and_moves_across_directories() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("new.tmp"), "new").unwrap();
        std::fs::write(tmp.path().join("target"), "old").unwrap();
        let d = dir(tmp.path());
        d.rename("new.tmp", &d, "target").unwrap();
        assert_eq!(
            std::fs::read_to_string(tmp.path().join("target")).unwrap(),
            "new"
        );
        assert!(!tmp.path().join("new.tmp").exists());
        std::fs::create_dir(tmp.path().join("sub")).unwrap();
        let sub = d.open_dir("sub").unwrap();
        d.rename("target", &sub, "moved").unwrap();
        assert!(tmp.path().join("sub/moved").exists());
        let e = d.rename("absent", &d, "x").unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::NotFound);
    }

    #[test]
    fn times_and_permissions_on_handles_are_set_as_given_without_umask() {
        let tmp = tempfile::tempdir().unwrap();
        let d = dir(tmp.path());
        let f = d.create_new("f").unwrap();
        let when = UNIX_EPOCH + Duration::from_secs(1_000_000_000);
        f.set_times(
            std::fs::FileTimes::new()
                .set_modified(when)
                .set_accessed(when),
        )
        .unwrap();
        f.set_permissions(std::fs::Permissions::from_mode(0o777))
            .unwrap();
        let m = std::fs::metadata(tmp.path().join("f")).unwrap();
        assert_eq!(m.modified().unwrap(), when);
        assert_eq!(m.permissions().mode() & 0o7777, 0o777);
        assert_eq!(
            d.create_new("f").unwrap_err().kind(),
            io::ErrorKind::AlreadyExists
        );

        d.set_times(std::fs::FileTimes::new().set_modified(when))
            .unwrap();
        d.set_permissions(std::fs::Permissions::from_mode(0o750))
            .unwrap();
        let m = std::fs::metadata(tmp.path()).unwrap();
        assert_eq!((m.modified().unwrap(), m.mode() & 0o7777), (when, 0o750));
        d.set_permissions(std::fs::Permissions::from_mode(0o755))
            .unwrap();
    }

    #[test]
    fn the_at_forms_set_times_and_modes_beneath_the_directory() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("f"), "x").unwrap();
        std::os::unix::fs::symlink("f", tmp.path().join("link")).unwrap();
        let d = dir(tmp.path());
        let early = UNIX_EPOCH - Duration::from_millis(1500);
        d.set_times_at("f", None, Some(early), true).unwrap();
        assert_eq!(
            std::fs::metadata(tmp.path().join("f"))
                .unwrap()
                .modified()
                .unwrap(),
            early
        );
        let later = UNIX_EPOCH + Duration::from_secs(7);
        d.set_times_at("link", None, Some(later), false).unwrap();
        let link = std::fs::symlink_metadata(tmp.path().join("link")).unwrap();
        assert_eq!(link.modified().unwrap(), later);
        assert_eq!(
            std::fs::metadata(tmp.path().join("f"))
                .unwrap()
                .modified()
                .unwrap(),
            early
        );
        d.set_permissions_at("f", std::fs::Permissions::from_mode(0o604))
            .unwrap();
        let m = std::fs::metadata(tmp.path().join("f")).unwrap();
        assert_eq!(m.mode() & 0o7777, 0o604);
        let _ = SystemTime::now();
    }

    #[test]
    fn symlink_metadata_is_std_metadata_of_the_link_itself() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("f"), "four").unwrap();
        std::os::unix::fs::symlink("f", tmp.path().join("link")).unwrap();
        let d = dir(tmp.path());
        let link = d.symlink_metadata("link").unwrap();
        let want = std::fs::symlink_metadata(tmp.path().join("link")).unwrap();
        assert!(link.file_type().is_symlink());
        assert_eq!((link.ino(), link.dev()), (want.ino(), want.dev()));
        let followed = d.metadata("link").unwrap();
        assert!(followed.is_file());
        assert_eq!(followed.len(), 4);
        assert_eq!(
            d.symlink_metadata("absent").unwrap_err().kind(),
            io::ErrorKind::NotFound
        );
    }

    #[test]
    fn nofollow_refuses_a_final_symbolic_link() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir(tmp.path().join("real")).unwrap();
        std::os::unix::fs::symlink("real", tmp.path().join("link")).unwrap();
        let d = dir(tmp.path());
        assert!(d.open_dir("link").is_ok());
        assert!(d.open_dir_nofollow("real").is_ok());
        assert!(d.open_dir_nofollow("link").is_err());
        std::os::unix::fs::symlink("real/../f", tmp.path().join("flink")).unwrap();
        let e = d
            .open_with(
                "flink",
                OpenOptions::new().write(true).create(true).nofollow(true),
            )
            .unwrap_err();
        assert_eq!(e.raw_os_error(), Some(libc::ELOOP));
        assert!(!tmp.path().join("f").exists());
    }
}
