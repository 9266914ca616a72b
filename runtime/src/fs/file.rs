//! [`File`]: a preopened file's methods, gated by its rights marker, and
//! [`Operand`], one path of a `fallible` preopen.

use super::*;

/// A preopened file whose rights are `R`.
pub struct File<R: RightsMarker = Unknown> {
    pub(super) inner: std::fs::File,
    pub(super) rights: PhantomData<fn() -> R>,
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
