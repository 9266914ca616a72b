//! The raw `*at()` calls that open, create, remove, rename, link or
//! execute beneath a directory descriptor (`judge::Supervised::Walked`):
//! each path walked beneath a copy of its directory as Capsicum walks
//! ([`super::walk`]: no absolute path, `..` never above the directory,
//! symbolic links only within it), from a preopened directory or one
//! beneath it ([`super::lookup::anchored_descriptor`]), then the call made
//! by the caller (`SECCOMP_USER_NOTIF_FLAG_CONTINUE`: the supervisor
//! cannot create or execute for the caller, whose Landlock domain and
//! image they belong to); an openat(2) through a directory whose rights
//! set has a pool is made by the supervisor instead ([`walked`],
//! `opened.rs`).
//!
//! The kernel then looks the path up again, under Landlock: a program
//! that rewrites the path from another thread between the walk and the
//! call (or swaps a symbolic link it may write) reaches what Landlock
//! allows by place, a preopened directory holding the right, as without
//! the walk; never more (seccomp_unotify(2): the continued call is checked
//! as any other).

use std::os::fd::{AsRawFd, RawFd};

use super::super::judge::Context;
use super::lookup::anchored_descriptor;
use super::{caller, copy_of, fstat, raw, read_path, valid, walk, Reply, State, PATH_MAX};

/// A walked call in `req` (module docs): an openat(2) through a directory
/// whose pool takes the descriptors opened beneath it is opened by the
/// supervisor (`opened.rs`), and so is one through a directory in no
/// class (an `O_PATH` one, which the caller opened itself) that lies
/// beneath preopened directories, into the pool of the narrowest of them
/// (`opened::place_of`), its flags judged against that pool's rights;
/// every other call is walked, then made by the caller.
pub(super) fn walked(
    l: RawFd,
    req: &libc::seccomp_notif,
    ctx: &Context,
    state: &mut State,
) -> Result<Reply, i32> {
    let args = req.data.args;
    if i64::from(req.data.nr) == libc::SYS_openat {
        if access_mode_3(args[2]) || refused_flags(args[2]) {
            return Err(libc::EINVAL);
        }
        // An `O_PATH` descriptor cannot be installed (`opened.rs`).
        let o_path = args[2] as u32 as i32 & libc::O_PATH != 0;
        if let Some(inherit) = state.inherited(args[0]).filter(|_| !o_path) {
            return super::opened::open(l, req, state, inherit);
        }
        if !o_path && ctx.class_of(args[0]).is_none() {
            if let Some(inherit) = super::opened::place_of(req, state)? {
                // The filter judged the flags against a descriptor in no
                // class: judged again against the pool's rights.
                let mut as_pooled = args;
                as_pooled[0] = inherit.pool.lo as u64;
                super::judge_args(req.data.nr as u32, &as_pooled, ctx)?;
                return super::opened::open(l, req, state, inherit);
            }
        }
    }
    walk_then_continue(l, req, state).map(|()| Reply::Continue)
}

/// Walks openat(2)'s `path` (no NUL) beneath `dir` as its `flags` ask
/// (what the call would walk in [`walk_then_continue`]).
pub(super) fn walk_open(dir: RawFd, path: &[u8], flags: i32) -> Result<(), i32> {
    if flags & (libc::O_CREAT | libc::O_PATH) == libc::O_CREAT {
        if let Some(name) = with_trailing_slash(path) {
            return created_with_slash(dir, name);
        }
    }
    let w = walks(libc::SYS_openat, &[0, 0, flags as u32 as u64, 0, 0, 0]);
    check(dir, path, w[0].last)
}

/// `path` (no NUL) without its trailing slashes, when it has some and
/// its last component is a name (not the root, `.` or `..`: those are
/// directories, which the open itself answers, `EEXIST` first with
/// `O_EXCL`, fs/namei.c `do_open`).
fn with_trailing_slash(path: &[u8]) -> Option<&[u8]> {
    let end = path.iter().rposition(|&b| b != b'/')? + 1;
    let name = &path[..end];
    let last = name.rsplit(|&b| b == b'/').next().unwrap_or(name);
    (end < path.len() && last != b"." && last != b"..").then_some(name)
}

/// An `O_CREAT` open of `name` written with a trailing slash: Linux walks
/// every component but the last, then answers `EISDIR` whatever the last
/// names, an existing file included (fs/namei.c `open_last_lookups`,
/// "trailing slashes?"), where a lookup of the whole path would answer
/// `ENOTDIR` for a file.
fn created_with_slash(dir: RawFd, name: &[u8]) -> Result<(), i32> {
    let p = parent(name);
    let mut p = if p.is_empty() {
        b".".to_vec()
    } else {
        p.to_vec()
    };
    // Its directory must be one (`ENOTDIR` for a file on the way).
    p.push(b'/');
    walk(dir, &nul(&p), false)?;
    Err(libc::EISDIR)
}

/// Walks `path` (no NUL) beneath `dir` as `last` asks of it.
fn check(dir: RawFd, path: &[u8], last: Last) -> Result<(), i32> {
    match last {
        Last::Follow => walk(dir, &nul(path), false).map(drop),
        Last::NoFollow => walk(dir, &nul(path), true).map(drop),
        Last::Create { follow } => made_beneath(dir, path, follow, 0),
    }
}

/// What a call asks of the last component of one of its paths.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Last {
    /// It must resolve, a final symbolic link followed (open, exec).
    Follow,
    /// It must resolve, a final symbolic link not followed (unlink, the
    /// source of a rename or link, `O_NOFOLLOW`).
    NoFollow,
    /// It may be missing (it is made): its directory must resolve, and a
    /// final symbolic link, when followed (`O_CREAT` without `O_EXCL`),
    /// must lead beneath the directory.
    Create {
        /// Whether a final symbolic link is followed.
        follow: bool,
    },
}

/// One path of a call: its directory and path arguments, what its last
/// component must be, and whether `""` names the descriptor itself
/// (`AT_EMPTY_PATH` set).
#[derive(Clone, Copy, Debug)]
struct Walk {
    dirfd: usize,
    path: usize,
    last: Last,
    empty_is_fd: bool,
}

/// The paths call `nr` with `args` walks (none for a call not walked here).
fn walks(nr: i64, args: &[u64; 6]) -> Vec<Walk> {
    let one = |dirfd, path, last| Walk {
        dirfd,
        path,
        last,
        empty_is_fd: false,
    };
    match nr {
        libc::SYS_openat => {
            let flags = args[2] as u32 as i32;
            let last = if flags & libc::O_CREAT != 0 {
                Last::Create {
                    follow: flags & (libc::O_EXCL | libc::O_NOFOLLOW) == 0,
                }
            } else if flags & libc::O_NOFOLLOW != 0 {
                Last::NoFollow
            } else {
                Last::Follow
            };
            vec![one(0, 1, last)]
        }
        libc::SYS_mkdirat | libc::SYS_mknodat => vec![one(0, 1, Last::Create { follow: false })],
        libc::SYS_symlinkat => vec![one(1, 2, Last::Create { follow: false })],
        libc::SYS_unlinkat => vec![one(0, 1, Last::NoFollow)],
        libc::SYS_renameat | libc::SYS_renameat2 => vec![
            one(0, 1, Last::NoFollow),
            one(2, 3, Last::Create { follow: false }),
        ],
        libc::SYS_linkat => {
            let flags = args[4] as u32 as i32;
            let last = if flags & libc::AT_SYMLINK_FOLLOW != 0 {
                Last::Follow
            } else {
                Last::NoFollow
            };
            vec![
                Walk {
                    empty_is_fd: flags & libc::AT_EMPTY_PATH != 0,
                    ..one(0, 1, last)
                },
                one(2, 3, Last::Create { follow: false }),
            ]
        }
        libc::SYS_execveat => {
            let flags = args[4] as u32 as i32;
            let last = if flags & libc::AT_SYMLINK_NOFOLLOW != 0 {
                Last::NoFollow
            } else {
                Last::Follow
            };
            vec![Walk {
                empty_is_fd: flags & libc::AT_EMPTY_PATH != 0,
                ..one(0, 1, last)
            }]
        }
        _ => Vec::new(),
    }
}

/// Walks each path of the call in `req` (module docs): `Ok` when the
/// caller's call may go on, else the walk's error (`EACCES` for a path
/// leaving its directory, the kernel's `ENOENT`, `ENOTDIR`, `ELOOP`...).
fn walk_then_continue(l: RawFd, req: &libc::seccomp_notif, state: &State) -> Result<(), i32> {
    let args = req.data.args;
    let tid = req.pid as libc::pid_t;
    let pidfd = caller(tid)?;
    valid(l, req)?;
    for w in walks(i64::from(req.data.nr), &args) {
        let mut path = [0u8; PATH_MAX];
        let len = read_path(tid, args[w.path], &mut path)?;
        if len == 0 {
            if w.empty_is_fd {
                continue;
            }
            return Err(libc::ENOENT);
        }
        let dir = copy_of(&pidfd, args[w.dirfd])?;
        anchored_descriptor(dir.as_raw_fd(), state)?;
        let _as_caller = state.as_caller(tid)?;
        if i64::from(req.data.nr) == libc::SYS_openat {
            walk_open(dir.as_raw_fd(), &path[..len], args[2] as u32 as i32)?;
        } else {
            check(dir.as_raw_fd(), &path[..len], w.last)?;
        }
    }
    Ok(())
}

/// Whether openat(2) flags `flags` ask access mode 3 (`O_RDWR |
/// O_WRONLY`) without `O_PATH`: Linux opens the file for neither reading
/// nor writing, which Landlock checks nothing of (open(2);
/// security/landlock/fs.c `get_required_file_open_access`); FreeBSD's
/// open(2) refuses it with `EINVAL` (sys/kern/vfs_syscalls.c
/// `kern_openat`), before anything is looked up, and so does the
/// supervisor (the flags are in a register: no thread can change them
/// before the call goes on).
fn access_mode_3(flags: u64) -> bool {
    let flags = flags as u32 as i32;
    flags & (libc::O_ACCMODE | libc::O_PATH) == libc::O_ACCMODE
}

/// Whether openat(2) flags `flags` are refused (`EINVAL`) before anything
/// is looked up, as Linux refuses them (fs/open.c `build_open_flags`, once
/// `build_open_how` has dropped every flag but `O_DIRECTORY`,
/// `O_NOFOLLOW` and `O_CLOEXEC` from an `O_PATH` open): `O_CREAT` with
/// `O_DIRECTORY` (Linux 6.4, which no longer makes a regular file and
/// answers `ENOTDIR`; `O_TMPFILE` with `O_CREAT` among them), and
/// `O_TMPFILE`'s own bit without `O_DIRECTORY` or without write access.
/// Answered before the walk, whose answer (`ENOENT`, `ENOTDIR`, `EACCES`
/// for a path leaving the directory) would otherwise differ from the
/// kernel's for the same call.
fn refused_flags(flags: u64) -> bool {
    let flags = flags as u32 as i32;
    if flags & libc::O_PATH != 0 {
        return false;
    }
    if flags & (libc::O_CREAT | libc::O_DIRECTORY) == libc::O_CREAT | libc::O_DIRECTORY {
        return true;
    }
    let tmpfile = flags & (libc::O_TMPFILE & !libc::O_DIRECTORY) != 0;
    tmpfile && (flags & libc::O_DIRECTORY == 0 || flags & libc::O_ACCMODE == libc::O_RDONLY)
}

/// Whether `path` (no NUL) may be made beneath `dir`: it resolves there
/// (its last component not followed), or its directory does; a final
/// symbolic link, when `follow`, must lead beneath `dir` too (whatever it
/// names is what the call makes or opens). `depth`: links followed so far
/// (`ELOOP` past 40, Linux `MAXSYMLINKS`).
fn made_beneath(dir: RawFd, path: &[u8], follow: bool, depth: u32) -> Result<(), i32> {
    if depth > 40 {
        return Err(libc::ELOOP);
    }
    match walk(dir, &nul(path), true) {
        Ok(found) => {
            let st = fstat(found.as_raw_fd()).ok_or(libc::EBADF)?;
            if !follow || st.st_mode & libc::S_IFMT != libc::S_IFLNK {
                return Ok(());
            }
            let target = link_target(found.as_raw_fd())?;
            if target.first() == Some(&b'/') {
                return Err(super::RIGHTS_ERRNO);
            }
            let mut next = parent(path).to_vec();
            if !next.is_empty() {
                next.push(b'/');
            }
            next.extend_from_slice(&target);
            made_beneath(dir, &next, true, depth + 1)
        }
        Err(libc::ENOENT) => {
            let p = parent(path);
            let p = if p.is_empty() { &b"."[..] } else { p };
            walk(dir, &nul(p), false).map(drop)
        }
        Err(e) => Err(e),
    }
}

/// `path` without its last component (trailing slashes dropped first):
/// `a/b` → `a`, `b` → empty.
fn parent(path: &[u8]) -> &[u8] {
    let mut end = path.len();
    while end > 1 && path[end - 1] == b'/' {
        end -= 1;
    }
    match path[..end].iter().rposition(|&b| b == b'/') {
        Some(0) => &path[..1],
        Some(i) => &path[..i],
        None => &[],
    }
}

/// `bytes` with a NUL after them.
fn nul(bytes: &[u8]) -> Vec<u8> {
    let mut v = Vec::with_capacity(bytes.len() + 1);
    v.extend_from_slice(bytes);
    v.push(0);
    v
}

/// What symbolic link `link` (an `O_PATH | O_NOFOLLOW` descriptor of it)
/// holds.
fn link_target(link: RawFd) -> Result<Vec<u8>, i32> {
    let mut buf = vec![0u8; PATH_MAX];
    // SAFETY: readlinkat(2) of the link itself ("") into a live buffer.
    let n = raw(unsafe {
        libc::syscall(
            libc::SYS_readlinkat,
            link,
            c"".as_ptr(),
            buf.as_mut_ptr(),
            buf.len(),
        )
    });
    if n < 0 {
        return Err(-n as i32);
    }
    buf.truncate(n as usize);
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_mode_3_is_told_from_o_path() {
        assert!(access_mode_3(libc::O_ACCMODE as u64));
        assert!(access_mode_3((libc::O_ACCMODE | libc::O_CREAT) as u64));
        assert!(!access_mode_3((libc::O_ACCMODE | libc::O_PATH) as u64));
        assert!(!access_mode_3(libc::O_RDWR as u64));
        assert!(!access_mode_3(libc::O_WRONLY as u64));
    }

    #[test]
    fn flags_linux_refuses_before_the_lookup() {
        use libc::{O_CREAT, O_DIRECTORY, O_PATH, O_RDONLY, O_RDWR, O_TMPFILE, O_WRONLY};
        let refused = |f: i32| refused_flags(f as u32 as u64);
        assert!(refused(O_CREAT | O_DIRECTORY | O_RDONLY));
        assert!(refused(O_TMPFILE | O_RDONLY));
        assert!(refused(O_TMPFILE | O_CREAT | O_WRONLY));
        assert!(refused((O_TMPFILE & !O_DIRECTORY) | O_WRONLY));
        assert!(!refused(O_TMPFILE | O_WRONLY));
        assert!(!refused(O_TMPFILE | O_RDWR));
        assert!(!refused(O_CREAT | O_WRONLY));
        assert!(!refused(O_DIRECTORY | O_RDONLY));
        // O_PATH drops the others first (fs/open.c build_open_how).
        assert!(!refused(O_PATH | O_CREAT | O_DIRECTORY));
        assert!(!refused(O_PATH | O_TMPFILE));
    }

    #[test]
    fn a_trailing_slash() {
        assert_eq!(with_trailing_slash(b"a/"), Some(&b"a"[..]));
        assert_eq!(with_trailing_slash(b"a/b//"), Some(&b"a/b"[..]));
        assert_eq!(with_trailing_slash(b"a/b"), None);
        assert_eq!(with_trailing_slash(b"/"), None);
        assert_eq!(with_trailing_slash(b"//"), None);
        assert_eq!(with_trailing_slash(b"./"), None);
        assert_eq!(with_trailing_slash(b"a/../"), None);
        assert_eq!(with_trailing_slash(b"a/.b/"), Some(&b"a/.b"[..]));
    }

    #[test]
    fn the_parent_of_a_path() {
        assert_eq!(parent(b"a/b"), b"a");
        assert_eq!(parent(b"a/b/"), b"a");
        assert_eq!(parent(b"b"), b"");
        assert_eq!(parent(b"/b"), b"/");
        assert_eq!(parent(b"a//b"), b"a/");
    }

    #[test]
    fn the_walks_of_each_call() {
        let args = |flags: i32| [3, 1, flags as u64, 0, 0, 0];
        assert_eq!(
            walks(libc::SYS_openat, &args(libc::O_CREAT))[0].last,
            Last::Create { follow: true }
        );
        assert_eq!(
            walks(libc::SYS_openat, &args(libc::O_CREAT | libc::O_EXCL))[0].last,
            Last::Create { follow: false }
        );
        assert_eq!(
            walks(libc::SYS_openat, &args(libc::O_NOFOLLOW))[0].last,
            Last::NoFollow
        );
        assert_eq!(walks(libc::SYS_renameat2, &args(0)).len(), 2);
        let link = [3, 1, 4, 2, libc::AT_EMPTY_PATH as u64, 0];
        assert!(walks(libc::SYS_linkat, &link)[0].empty_is_fd);
        assert!(walks(libc::SYS_read, &args(0)).is_empty());
    }
}
