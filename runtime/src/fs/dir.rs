//! [`Dir`]: lookups beneath a preopened directory, each gated by its
//! rights marker and walked as Capsicum walks, and [`OpenOptions`].

use super::*;

/// A preopened directory whose rights are `R`. Everything opened beneath it
/// gets (at most) the same rights.
pub struct Dir<R: RightsMarker = Unknown> {
    // A `std::fs::File` so that futimens(2) and fchmod(2) on the directory
    // itself go through std's safe wrappers.
    pub(super) fd: std::fs::File,
    pub(super) rights: PhantomData<fn() -> R>,
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
    /// time changes; the sandbox's supervisor walks the path as Capsicum
    /// does and changes what it names (without a supervisor, with
    /// `on_unsupported = "warn"`, every path form is denied, `EACCES`:
    /// open the file beneath this directory and use [`File::set_times`]).
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
    /// mode changes; the sandbox's supervisor walks the path as Capsicum
    /// does and changes what it names (without a supervisor, with
    /// `on_unsupported = "warn"`, the path form is denied, `EACCES`: open
    /// the file and use [`File::set_permissions`]).
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
