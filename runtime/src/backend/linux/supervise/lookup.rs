//! The lookups and metadata the supervisor answers: fstatat(2) (glibc's
//! and std's fstat, with `AT_EMPTY_PATH` and `""`, as well as lookups),
//! statx(2), faccessat(2), faccessat2, readlinkat(2), fstat(2) and
//! fstatfs(2) (`judge::Supervised::Lookup`).
//!
//! Landlock mediates neither these lookups nor `O_PATH` opens
//! (landlock(7)): a path through `..`, an absolute one or a symbolic link
//! out of a directory would reach any metadata, and an `O_PATH` descriptor
//! opened anywhere would give its file's. Capsicum walks every lookup
//! beneath the directory (openat.cc: no absolute path, `..` never above
//! it, symbolic links only within it). So:
//!
//! - a path is walked beneath a copy of the caller's directory as Capsicum
//!   walks ([`super::walk`], openat2(2) `RESOLVE_BENEATH`), from a
//!   preopened directory or one beneath it ([`anchored_descriptor`]),
//!   after the verdict of the filter's table on the same call without
//!   `AT_EMPTY_PATH` (`fstat` and `lookup`, or `lookup` for readlinkat);
//!   the answer is then the call on what the walk resolved;
//! - a descriptor itself (`""` with `AT_EMPTY_PATH`, fstat(2),
//!   fstatfs(2)) is answered when it is not `O_PATH`, or is one the
//!   program held at entry (that open file description, not another of
//!   the same file), or lies beneath a preopened directory
//!   ([`anchored_descriptor`]); an `O_PATH` descriptor of anything else
//!   answers `EACCES`.
//!
//! Errors are the kernel's (the calls are made on the walked descriptor),
//! but a walk that would leave the directory: `EACCES` (Capsicum:
//! `ENOTCAPABLE`).

use std::os::fd::{AsRawFd, OwnedFd, RawFd};

use super::super::judge;
use super::super::seccomp::RIGHTS_ERRNO;
use super::super::syscalls::TABLE;
use super::polled::KCMP_FILE;
use super::{
    anchored, caller, copy_of, fstat, judge_without, raw, read_path, valid, walk, write_back,
    write_bytes, Context, State, Verdict, PATH_MAX,
};

/// `AT_STATX_SYNC_TYPE` (include/uapi/linux/fcntl.h).
const AT_STATX_SYNC_TYPE: i32 = 0x6000;
/// `STATX__RESERVED` (include/uapi/linux/stat.h).
const STATX_RESERVED: u32 = 0x8000_0000;

/// The calls answered here, by their arguments.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Call {
    /// fstatat(2): `(dirfd, path, struct stat *, flags)`.
    Fstatat,
    /// statx(2): `(dirfd, path, flags, mask, struct statx *)`.
    Statx,
    /// faccessat(2): `(dirfd, path, mode)`.
    Faccessat,
    /// faccessat2: `(dirfd, path, mode, flags)`.
    Faccessat2,
    /// readlinkat(2): `(dirfd, path, buf, bufsiz)`.
    Readlinkat,
    /// fstat(2): `(fd, struct stat *)`.
    Fstat,
    /// fstatfs(2): `(fd, struct statfs *)`.
    Fstatfs,
}

impl Call {
    fn of(nr: i64) -> Option<Call> {
        Some(match nr {
            libc::SYS_newfstatat => Call::Fstatat,
            libc::SYS_statx => Call::Statx,
            libc::SYS_faccessat => Call::Faccessat,
            libc::SYS_faccessat2 => Call::Faccessat2,
            libc::SYS_readlinkat => Call::Readlinkat,
            libc::SYS_fstat => Call::Fstat,
            libc::SYS_fstatfs => Call::Fstatfs,
            _ => return None,
        })
    }

    /// The argument of the `AT_*` flags, and the flags the call accepts
    /// (fs/stat.c, fs/open.c: others are `EINVAL`). fstatat(2) takes the
    /// sync types of statx(2) too, any two of them (fs/stat.c vfs_statx
    /// lists `AT_STATX_SYNC_TYPE` among its valid flags; only statx(2)'s
    /// do_statx refuses both at once).
    fn flags(self) -> Option<(usize, i32)> {
        match self {
            Call::Fstatat => Some((
                3,
                libc::AT_SYMLINK_NOFOLLOW
                    | libc::AT_NO_AUTOMOUNT
                    | libc::AT_EMPTY_PATH
                    | AT_STATX_SYNC_TYPE,
            )),
            Call::Statx => Some((
                2,
                libc::AT_SYMLINK_NOFOLLOW
                    | libc::AT_NO_AUTOMOUNT
                    | libc::AT_EMPTY_PATH
                    | AT_STATX_SYNC_TYPE,
            )),
            Call::Faccessat2 => Some((
                3,
                libc::AT_EACCESS | libc::AT_SYMLINK_NOFOLLOW | libc::AT_EMPTY_PATH,
            )),
            _ => None,
        }
    }

    /// Whether the call takes a path (argument 1).
    fn has_path(self) -> bool {
        !matches!(self, Call::Fstat | Call::Fstatfs)
    }
}

/// The answer to one of the calls above (module docs).
pub(super) fn metadata(
    l: RawFd,
    req: &libc::seccomp_notif,
    ctx: &Context,
    state: &State,
) -> Result<i64, i32> {
    let nr = req.data.nr as u32;
    let call = Call::of(i64::from(nr)).ok_or(libc::ENOSYS)?;
    let args = req.data.args;
    let tid = req.pid as libc::pid_t;
    let flags = call.flags().map_or(0, |(at, _)| args[at] as u32 as i32);
    if let Some((_, known)) = call.flags() {
        if flags & !known != 0 {
            return Err(libc::EINVAL);
        }
    }
    match call {
        Call::Faccessat | Call::Faccessat2 if args[2] as u32 & !0o7 != 0 => {
            return Err(libc::EINVAL);
        }
        Call::Readlinkat if args[3] as i32 <= 0 => return Err(libc::EINVAL),
        // Before the path is looked up, as statx(2) refuses them (fs/stat.c
        // do_statx): the reserved mask bit, two sync types at once.
        Call::Statx
            if args[3] as u32 & STATX_RESERVED != 0
                || flags & AT_STATX_SYNC_TYPE == AT_STATX_SYNC_TYPE =>
        {
            return Err(libc::EINVAL);
        }
        _ => {}
    }
    let pidfd = caller(tid)?;
    valid(l, req)?;
    let mut path = [0u8; PATH_MAX];
    let len = if !call.has_path() {
        0
    } else if args[1] == 0
        && matches!(call, Call::Statx | Call::Fstatat)
        && flags & libc::AT_EMPTY_PATH != 0
    {
        // statx(2) and fstatat(2) take NULL for "" with AT_EMPTY_PATH
        // (Linux 6.11: include/linux/fs.h vfs_empty_path, "We now allow
        // NULL to be used for empty path").
        0
    } else {
        read_path(tid, args[1], &mut path)?
    };
    // "" without AT_EMPTY_PATH is ENOENT, but for readlinkat(2), which
    // reads the link the descriptor is (Linux 2.6.39).
    if call.has_path() && len == 0 && flags & libc::AT_EMPTY_PATH == 0 && call != Call::Readlinkat {
        return Err(libc::ENOENT);
    }
    if len > 0 {
        // A lookup: the filter's verdict on the same call without
        // AT_EMPTY_PATH (`lookup` needed).
        match call.flags() {
            Some((at, _)) => judge_without(nr, &args, at, ctx)?,
            None => {
                let row = TABLE.iter().find(|r| r.nr == nr).ok_or(libc::ENOSYS)?;
                match judge::judge(row, &args, ctx) {
                    Verdict::Allow => {}
                    Verdict::Mode => return Err(super::MODE_ERRNO),
                    Verdict::Rights(_) => return Err(RIGHTS_ERRNO),
                    Verdict::Enosys => return Err(libc::ENOSYS),
                }
            }
        }
    }
    let copy = copy_of(&pidfd, args[0])?;
    anchored_descriptor(copy.as_raw_fd(), state)?;
    // The lookup with the caller's credentials (access(2) without
    // AT_EACCESS: its real ids), ours back before its buffer is written.
    let access_real =
        matches!(call, Call::Faccessat | Call::Faccessat2) && flags & libc::AT_EACCESS == 0;
    let as_caller = if len > 0 || matches!(call, Call::Faccessat | Call::Faccessat2) {
        Some(state.as_caller_with(tid, access_real)?)
    } else {
        None
    };
    let nofollow = call == Call::Readlinkat || flags & libc::AT_SYMLINK_NOFOLLOW != 0;
    let target = if len > 0 {
        walk(copy.as_raw_fd(), &path[..=len], nofollow)?
    } else {
        copy
    };
    let t = target.as_raw_fd();
    let empty = c"".as_ptr();
    match call {
        Call::Fstatat | Call::Fstat => {
            // SAFETY: `stat` is plain data; all-zero is valid.
            let mut st: libc::stat = unsafe { std::mem::zeroed() };
            // SAFETY: fstatat(2) of the walked descriptor into a live
            // buffer.
            let r = raw(unsafe {
                libc::syscall(
                    libc::SYS_newfstatat,
                    t,
                    empty,
                    &mut st,
                    libc::AT_EMPTY_PATH | (flags & (libc::AT_NO_AUTOMOUNT | AT_STATX_SYNC_TYPE)),
                )
            });
            drop(as_caller);
            if r < 0 {
                return Err(-r as i32);
            }
            let out = if call == Call::Fstat {
                args[1]
            } else {
                args[2]
            };
            write_back(l, req, tid, out, &st)?;
            Ok(0)
        }
        Call::Statx => {
            // SAFETY: `statx` is plain data; all-zero is valid.
            let mut st: libc::statx = unsafe { std::mem::zeroed() };
            // SAFETY: statx(2) of the walked descriptor into a live buffer.
            let r = raw(unsafe {
                libc::syscall(
                    libc::SYS_statx,
                    t,
                    empty,
                    libc::AT_EMPTY_PATH | (flags & (libc::AT_NO_AUTOMOUNT | AT_STATX_SYNC_TYPE)),
                    args[3] as u32,
                    &mut st,
                )
            });
            drop(as_caller);
            if r < 0 {
                return Err(-r as i32);
            }
            write_back(l, req, tid, args[4], &st)?;
            Ok(0)
        }
        Call::Faccessat | Call::Faccessat2 => {
            // With the caller's real ids taken on as filesystem ids when
            // they may differ from ours; else as the caller asked.
            let how = if access_real && state.credentials_changed {
                libc::AT_EACCESS
            } else {
                flags & libc::AT_EACCESS
            };
            // SAFETY: faccessat2 of the walked descriptor.
            let r = raw(unsafe {
                libc::syscall(
                    libc::SYS_faccessat2,
                    t,
                    empty,
                    args[2] as i32,
                    libc::AT_EMPTY_PATH | how,
                )
            });
            if r < 0 {
                return Err(-r as i32);
            }
            Ok(0)
        }
        Call::Readlinkat => {
            // readlinkat(2) of what is not a symbolic link: EINVAL, or
            // ENOENT for the descriptor itself ("").
            let st = fstat(t).ok_or(libc::EBADF)?;
            if st.st_mode & libc::S_IFMT != libc::S_IFLNK {
                return Err(if len > 0 { libc::EINVAL } else { libc::ENOENT });
            }
            let mut buf = [0u8; PATH_MAX];
            let want = (args[3] as u32 as usize).min(PATH_MAX);
            // SAFETY: readlinkat(2) of the walked link into a live buffer.
            let r = raw(unsafe {
                libc::syscall(libc::SYS_readlinkat, t, empty, buf.as_mut_ptr(), want)
            });
            drop(as_caller);
            if r < 0 {
                return Err(-r as i32);
            }
            write_bytes(l, req, tid, args[2], &buf[..r as usize])?;
            Ok(r)
        }
        Call::Fstatfs => {
            // SAFETY: `statfs` is plain data; all-zero is valid.
            let mut sf: libc::statfs = unsafe { std::mem::zeroed() };
            // SAFETY: fstatfs(2) of the copy into a live buffer.
            let r = raw(unsafe { libc::syscall(libc::SYS_fstatfs, t, &mut sf) });
            if r < 0 {
                return Err(-r as i32);
            }
            write_back(l, req, tid, args[1], &sf)?;
            Ok(0)
        }
    }
}

/// `EACCES` unless descriptor `fd` (the supervisor's copy of a caller's)
/// is where Capsicum would let the program have it: any descriptor not
/// `O_PATH` (opened where Landlock allowed it, or handed in: a `fileargs`
/// directory, a pipe); an `O_PATH` directory that is a preopened one or
/// lies beneath one ([`anchored`]: its `..` walked up); an `O_PATH`
/// descriptor of anything else that the program held at entry (that open
/// file description itself, not another of the same file), or of a file
/// beneath a preopened directory ([`beneath_anchor`]). Landlock does not
/// mediate `O_PATH` opens: one made before the supervisor walked them (a
/// racing thread) may be of anything, a file preopened with rights that
/// lack `fstat` included.
pub(super) fn anchored_descriptor(fd: RawFd, state: &State) -> Result<(), i32> {
    // SAFETY: fcntl(2) F_GETFL of our own copy.
    let fl = unsafe { libc::fcntl(fd, libc::F_GETFL) };
    if fl < 0 {
        return Err(libc::EBADF);
    }
    if fl & libc::O_PATH == 0 {
        return Ok(());
    }
    let st = fstat(fd).ok_or(libc::EBADF)?;
    if st.st_mode & libc::S_IFMT == libc::S_IFDIR {
        return anchored(fd, &state.anchors.ids);
    }
    if state
        .anchors
        .files
        .iter()
        .any(|f| same_description(fd, f.as_raw_fd()))
    {
        return Ok(());
    }
    beneath_anchor(fd, &st, state).ok_or(RIGHTS_ERRNO)
}

/// Whether descriptors `a` and `b` of the supervisor are one open file
/// description (kcmp(2) `KCMP_FILE`): a copy of the program's (pidfd_getfd(2)
/// shares it) against a copy made at entry.
fn same_description(a: RawFd, b: RawFd) -> bool {
    // SAFETY: getpid(2).
    let me = unsafe { libc::getpid() };
    // SAFETY: kcmp(2) with integer arguments; it compares, changes nothing.
    unsafe { libc::syscall(libc::SYS_kcmp, me, me, KCMP_FILE, a, b) == 0 }
}

/// Whether the file of `O_PATH` descriptor `fd` (`st`) lies beneath a
/// preopened directory: its name (proc(5), /proc/self/fd/N) begins with a
/// preopened directory's name, and the rest, walked beneath that
/// directory as Capsicum walks, names the same file (device and inode).
/// A file since unlinked has no name and is not found.
fn beneath_anchor(fd: RawFd, st: &libc::stat, state: &State) -> Option<()> {
    let proc = state.proc.as_ref()?.as_raw_fd();
    let name = link(proc, fd)?;
    named_beneath(
        proc,
        &name,
        (st.st_dev, st.st_ino),
        state.anchors.dirs.iter(),
    )
    .then_some(())
}

/// Whether descriptor `fd` (the supervisor's copy of the caller's
/// descriptor number `number`) holds what `allow` asks of a directory's
/// limits: its file is, or lies beneath, a preopened directory whose
/// limits allow it ([`beneath_allowing`]), or the supervisor installed
/// that file at that number, opened beneath a directory whose pool's
/// rights set allows it (`State::installed`: the descriptor keeps the
/// directory's rights, rights(4), though the file was unlinked or renamed
/// since). The record answers for a descriptor that is not `O_PATH`
/// alone: the supervisor installs none, so one there is another
/// descriptor of the file (opened beneath a directory it was renamed
/// into, and put there with dup2(2) once the installed one was closed),
/// which holds its own rights (record_opath test).
pub(super) fn held_allowing(
    number: u64,
    fd: RawFd,
    allow: impl Fn(&crate::rights::Limits) -> bool,
    state: &State,
) -> bool {
    let recorded = || {
        // SAFETY: fcntl(2) F_GETFL of our own copy.
        let fl = unsafe { libc::fcntl(fd, libc::F_GETFL) };
        let (Ok(n), Some(st), false) = (
            RawFd::try_from(number),
            fstat(fd),
            fl < 0 || fl & libc::O_PATH != 0,
        ) else {
            return false;
        };
        state
            .installed
            .get(&n)
            .is_some_and(|i| i.id == (st.st_dev, st.st_ino) && allow(&i.limits))
    };
    beneath_allowing(fd, &allow, state) || recorded()
}

/// Whether the file of descriptor `fd` (the supervisor's copy of a
/// caller's) is, or lies beneath, a preopened directory whose limits
/// `allow` (a right, and an ioctl command of its list): found by its name
/// ([`named_beneath`]; a file unlinked since has none and is not found).
/// Where it does, the program may open it with that right through that
/// directory (rights(4)).
pub(super) fn beneath_allowing(
    fd: RawFd,
    allow: impl Fn(&crate::rights::Limits) -> bool,
    state: &State,
) -> bool {
    let (Some(proc), Some(st)) = (state.proc.as_ref(), fstat(fd)) else {
        return false;
    };
    let anchors = &state.anchors;
    let holding = || {
        anchors
            .dirs
            .iter()
            .zip(&anchors.ids)
            .zip(&anchors.limits)
            .filter(|(_, l)| allow(l))
            .map(|((d, id), _)| (d, id))
    };
    if holding().any(|(_, id)| *id == (st.st_dev, st.st_ino)) {
        return true;
    }
    let Some(name) = link(proc.as_raw_fd(), fd) else {
        return false;
    };
    named_beneath(
        proc.as_raw_fd(),
        &name,
        (st.st_dev, st.st_ino),
        holding().map(|(d, _)| d),
    )
}

/// Whether the file of device and inode `id`, named `name` (an absolute
/// path, as proc(5) names a descriptor's or a mapping's file), lies
/// beneath one of `dirs`: `name` begins with that directory's name, and
/// the rest, walked beneath it as Capsicum walks, names the same file.
pub(super) fn named_beneath<'a>(
    proc: RawFd,
    name: &[u8],
    id: (u64, u64),
    dirs: impl Iterator<Item = &'a OwnedFd>,
) -> bool {
    for dir in dirs {
        let Some(base) = link(proc, dir.as_raw_fd()) else {
            continue;
        };
        let rest = if base == b"/" {
            &name[1..]
        } else if name.len() > base.len() + 1 && name.starts_with(&base) && name[base.len()] == b'/'
        {
            &name[base.len() + 1..]
        } else {
            continue;
        };
        let mut rel = rest.to_vec();
        rel.push(0);
        if let Ok(found) = walk(dir.as_raw_fd(), &rel, true) {
            if fstat(found.as_raw_fd()).is_some_and(|f| (f.st_dev, f.st_ino) == id) {
                return true;
            }
        }
    }
    false
}

/// The name the kernel gives descriptor `fd` of this process
/// (readlink(2) of /proc/self/fd/N): an absolute path, or `None`.
fn link(proc: RawFd, fd: RawFd) -> Option<Vec<u8>> {
    let at = format!("self/fd/{fd}\0");
    let mut buf = vec![0u8; PATH_MAX];
    // SAFETY: readlinkat(2) beneath our /proc into a live buffer.
    let n =
        unsafe { libc::readlinkat(proc, at.as_ptr().cast(), buf.as_mut_ptr().cast(), buf.len()) };
    if n <= 0 || n as usize >= buf.len() || buf[0] != b'/' {
        return None;
    }
    buf.truncate(n as usize);
    Some(buf)
}
