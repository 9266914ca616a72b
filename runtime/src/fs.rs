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

use crate::rights::{can, RightSet, RightsMarker};

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

    /// pread(2): reads at `offset` without moving the file position.
    pub fn read_at(&self, buf: &mut [u8], offset: u64) -> io::Result<usize>
    where
        R: can::Pread,
    {
        std::os::unix::fs::FileExt::read_at(&self.inner, buf, offset)
    }

    /// pwrite(2): writes at `offset` without moving the file position.
    pub fn write_at(&self, buf: &[u8], offset: u64) -> io::Result<usize>
    where
        R: can::Pwrite,
    {
        std::os::unix::fs::FileExt::write_at(&self.inner, buf, offset)
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
        self.inner.read(buf)
    }
    fn read_vectored(&mut self, bufs: &mut [IoSliceMut<'_>]) -> io::Result<usize> {
        self.inner.read_vectored(bufs)
    }
    fn read_to_end(&mut self, buf: &mut Vec<u8>) -> io::Result<usize> {
        // std sizes the buffer with fstat; without `fstat` that would fail
        // in the sandbox, so read without the hint.
        io::copy(&mut (&self.inner).take(u64::MAX), buf).map(|n| n as usize)
    }
}

impl<R: can::Read> Read for &File<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        (&self.inner).read(buf)
    }
}

impl<R: can::Write> Write for File<R> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.inner.write(buf)
    }
    fn write_vectored(&mut self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
        self.inner.write_vectored(bufs)
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<R: can::Write> Write for &File<R> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        (&self.inner).write(buf)
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

/// How to open a file beneath a [`Dir`], like [`std::fs::OpenOptions`].
#[derive(Clone, Copy, Debug, Default)]
pub struct OpenOptions {
    read: bool,
    write: bool,
    append: bool,
    truncate: bool,
    create: bool,
    create_new: bool,
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
        f | OFlags::CLOEXEC | OFlags::NOCTTY
    }
}

/// A preopened directory whose rights are `R`. Everything opened beneath it
/// gets (at most) the same rights.
pub struct Dir<R: RightsMarker = Unknown> {
    fd: OwnedFd,
    rights: PhantomData<fn() -> R>,
}

impl<R: RightsMarker> Dir<R> {
    pub(crate) fn from_owned(fd: OwnedFd) -> Self {
        Dir {
            fd,
            rights: PhantomData,
        }
    }

    /// The rights this handle was declared with.
    pub const fn rights(&self) -> RightSet {
        R::RIGHTS
    }

    /// Runs one `*at()` call beneath this directory through the backend,
    /// which reports refusals the kernel makes without the seccomp filter
    /// when `SANDBOXED_TRACE` asks (Landlock's, on Linux).
    fn at<T>(
        &self,
        syscall: &'static str,
        path: &Path,
        flags: Option<OFlags>,
        call: impl FnOnce() -> rustix::io::Result<T>,
    ) -> io::Result<T> {
        let flags = flags.map(|f| u64::from(f.bits()));
        crate::backend::beneath(self.fd.as_raw_fd(), syscall, path, flags, || {
            call().map_err(io::Error::from)
        })
    }

    /// Opens `path` beneath this directory with `options` (openat(2)).
    pub fn open_with(&self, path: impl AsRef<Path>, options: &OpenOptions) -> io::Result<File<R>>
    where
        R: can::Lookup,
    {
        let mode = Mode::from_bits_truncate(options.mode.unwrap_or(0o666) as _);
        let (path, flags) = (path.as_ref(), options.flags());
        let fd = self.at("openat", path, Some(flags), || {
            rustix::fs::openat(&self.fd, path, flags, mode)
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

    /// Creates (or truncates) `path` beneath this directory for writing.
    pub fn create(&self, path: impl AsRef<Path>) -> io::Result<File<R>>
    where
        R: can::Lookup + can::Create + can::Write + can::Ftruncate,
    {
        self.open_with(
            path,
            OpenOptions::new().write(true).create(true).truncate(true),
        )
    }

    /// Opens the subdirectory `path`, with this directory's rights.
    pub fn open_dir(&self, path: impl AsRef<Path>) -> io::Result<Dir<R>>
    where
        R: can::Lookup,
    {
        let (path, flags) = (
            path.as_ref(),
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
        );
        let fd = self.at("openat", path, Some(flags), || {
            rustix::fs::openat(&self.fd, path, flags, Mode::empty())
        })?;
        Ok(Dir::from_owned(fd))
    }

    /// mkdirat(2).
    pub fn create_dir(&self, path: impl AsRef<Path>) -> io::Result<()>
    where
        R: can::Mkdirat,
    {
        let path = path.as_ref();
        self.at("mkdirat", path, None, || {
            rustix::fs::mkdirat(&self.fd, path, Mode::from_bits_truncate(0o777))
        })
    }

    /// unlinkat(2) of a file.
    pub fn remove_file(&self, path: impl AsRef<Path>) -> io::Result<()>
    where
        R: can::Unlinkat,
    {
        let path = path.as_ref();
        self.at("unlinkat", path, None, || {
            rustix::fs::unlinkat(&self.fd, path, AtFlags::empty())
        })
    }

    /// unlinkat(2) of an empty directory.
    pub fn remove_dir(&self, path: impl AsRef<Path>) -> io::Result<()>
    where
        R: can::Unlinkat,
    {
        let path = path.as_ref();
        self.at("unlinkat", path, None, || {
            rustix::fs::unlinkat(&self.fd, path, AtFlags::REMOVEDIR)
        })
    }

    /// symlinkat(2): creates `link` beneath this directory pointing to `target`.
    pub fn symlink(&self, target: impl AsRef<Path>, link: impl AsRef<Path>) -> io::Result<()>
    where
        R: can::Symlinkat,
    {
        let link = link.as_ref();
        self.at("symlinkat", link, None, || {
            rustix::fs::symlinkat(target.as_ref(), &self.fd, link)
        })
    }

    /// readlinkat(2).
    pub fn read_link(&self, path: impl AsRef<Path>) -> io::Result<OsString>
    where
        R: can::Lookup,
    {
        let target = rustix::fs::readlinkat(&self.fd, path.as_ref(), Vec::new())?;
        Ok(std::os::unix::ffi::OsStringExt::from_vec(
            target.into_bytes(),
        ))
    }

    /// fstatat(2) without following a final symlink.
    pub fn symlink_metadata(&self, path: impl AsRef<Path>) -> io::Result<rustix::fs::Stat>
    where
        R: can::Fstatat,
    {
        Ok(rustix::fs::statat(
            &self.fd,
            path.as_ref(),
            AtFlags::SYMLINK_NOFOLLOW,
        )?)
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

impl<R: RightsMarker> fmt::Debug for Dir<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Dir")
            .field("fd", &self.fd.as_raw_fd())
            .field("declared", &R::NAME)
            .field("rights", &R::RIGHTS)
            .finish()
    }
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
        d.fd
    }
}

// `FromRawFd` is deliberately not implemented: a handle's type is a claim
// about the descriptor's rights that a raw number cannot carry.
