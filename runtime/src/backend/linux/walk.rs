//! The walk beneath a directory, in user space, as Capsicum's kernel does
//! it for a capability's lookups (FreeBSD `namei` in strict-relative
//! mode; openat.cc in capsicum-test): no absolute path, `..` never above
//! the starting directory, symlinks followed only when they resolve within
//! it (an absolute target, or a relative one climbing out, fails), at most
//! `MAXSYMLINKS` of them.
//!
//! Landlock keeps lookups beneath the preopened directories, not beneath
//! the one a lookup starts from. [`Dir`](crate::Dir) methods therefore
//! resolve their path with [`resolve`] first and then make their call on
//! the result, a path without `..` and without symlinks (but perhaps the
//! last component, when the call does not follow it): the kernel then has
//! nothing left to resolve outside. A refusal is the rights errno
//! (`EACCES`), which `sandboxed::is_violation` recognizes inside the
//! sandbox.
//!
//! What a walk in user space cannot do is hold the directories it walked:
//! if another process swaps a directory on the path for a symlink between
//! the walk and the call, the kernel follows it, and Landlock is what
//! still holds then.

use std::ffi::{OsStr, OsString};
use std::io;
use std::os::fd::BorrowedFd;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};

/// Symlinks one lookup may follow (Linux `MAXSYMLINKS`, FreeBSD
/// `MAXSYMLINKS` is 32; the smaller would do as well).
const MAX_SYMLINKS: usize = 40;

/// `path` resolved beneath `dir` as Capsicum resolves a lookup through a
/// capability: the relative path of what it names, without `..` or `.`
/// and with every symlink but (when `follow_last` is false) the last
/// component replaced by where it leads. `not_capable` is the error a
/// lookup leaving `dir` gets.
///
/// Errors: `not_capable` for an absolute path, a `..` above `dir` or a
/// symlink leading out; `ELOOP` after [`MAX_SYMLINKS`] symlinks; the
/// readlinkat(2) error of a component that cannot be looked up (`ENOENT`
/// for a missing directory on the way, `EACCES`...). A missing last
/// component is not an error: creating calls name what does not exist.
pub(crate) fn resolve(
    dir: BorrowedFd<'_>,
    path: &Path,
    follow_last: bool,
    not_capable: fn() -> io::Error,
) -> io::Result<PathBuf> {
    if path.is_absolute() {
        return Err(not_capable());
    }
    // Components still to walk, last first; where the walk is.
    let mut todo: Vec<OsString> = components(path.as_os_str());
    todo.reverse();
    let mut here: Vec<OsString> = Vec::new();
    let mut links = 0;
    while let Some(name) = todo.pop() {
        match name.as_bytes() {
            b"" | b"." => continue,
            b".." => {
                if here.pop().is_none() {
                    return Err(not_capable());
                }
                continue;
            }
            _ => {}
        }
        let last = todo.is_empty();
        if last && !follow_last {
            here.push(name);
            break;
        }
        let candidate = join(&here, &name);
        match rustix::fs::readlinkat(dir, candidate.as_path(), Vec::new()) {
            Ok(target) => {
                links += 1;
                if links > MAX_SYMLINKS {
                    return Err(io::Error::from_raw_os_error(libc::ELOOP));
                }
                let target = OsString::from_vec(target.into_bytes());
                if Path::new(&target).is_absolute() {
                    return Err(not_capable());
                }
                // The target replaces the link, relative to the link's
                // directory (where the walk is).
                let mut more = components(&target);
                more.reverse();
                todo.extend(more);
            }
            // Not a symlink (EINVAL), or the last component missing: the
            // call itself will see it.
            Err(e) if e == rustix::io::Errno::INVAL => here.push(name),
            Err(e) if last && e == rustix::io::Errno::NOENT => here.push(name),
            Err(e) => return Err(e.into()),
        }
    }
    if here.is_empty() {
        return Ok(PathBuf::from("."));
    }
    let mut resolved = join(&here[..here.len() - 1], &here[here.len() - 1]).into_os_string();
    // `name/` names a directory: keep the slash for the call to check.
    if path.as_os_str().as_bytes().ends_with(b"/") {
        resolved.push("/");
    }
    Ok(PathBuf::from(resolved))
}

/// The components of `path` as written (`a//b/./c` → `a`, `b`, `.`, `c`;
/// empty components dropped).
fn components(path: &OsStr) -> Vec<OsString> {
    path.as_bytes()
        .split(|b| *b == b'/')
        .filter(|c| !c.is_empty())
        .map(|c| OsString::from_vec(c.to_vec()))
        .collect()
}

fn join(dirs: &[OsString], name: &OsStr) -> PathBuf {
    let mut p = PathBuf::new();
    for d in dirs {
        p.push(d);
    }
    p.push(name);
    p
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::fd::AsFd;

    /// A world removed on drop.
    struct World(PathBuf);
    impl Drop for World {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn world() -> (World, std::fs::File) {
        let t = World(std::env::temp_dir().join(format!("sandboxed-walk-{}", std::process::id())));
        let _ = std::fs::remove_dir_all(&t.0);
        let r = t.0.as_path();
        std::fs::create_dir_all(r.join("top/subdir")).unwrap();
        std::fs::write(r.join("top/topfile"), "t").unwrap();
        std::fs::write(r.join("top/subdir/bottomfile"), "b").unwrap();
        let link = |target: &str, at: &str| std::os::unix::fs::symlink(target, r.join(at)).unwrap();
        link("topfile", "top/symlink.samedir");
        link("subdir/bottomfile", "top/symlink.down");
        link("/etc/passwd", "top/symlink.absolute");
        link("../top/topfile", "top/symlink.relative_in");
        link("../topfile", "top/subdir/symlink.up");
        link("subdir/", "top/dsymlink.down");
        link("loop", "top/loop");
        let dir = std::fs::File::open(r.join("top")).unwrap();
        (t, dir)
    }

    fn refused() -> io::Error {
        io::Error::from_raw_os_error(libc::EACCES)
    }

    fn walk(dir: &std::fs::File, path: &str, follow: bool) -> Result<String, i32> {
        resolve(dir.as_fd(), Path::new(path), follow, refused)
            .map(|p| p.to_string_lossy().into_owned())
            .map_err(|e| e.raw_os_error().unwrap_or(0))
    }

    /// openat.cc `CheckPolicing`, as paths.
    #[test]
    fn the_walk_stays_beneath_as_capsicum_does() {
        let (_t, top) = world();
        assert_eq!(walk(&top, "topfile", true), Ok("topfile".into()));
        assert_eq!(walk(&top, "subdir/../topfile", true), Ok("topfile".into()));
        assert_eq!(
            walk(&top, "./subdir/bottomfile", true),
            Ok("subdir/bottomfile".into())
        );
        assert_eq!(walk(&top, ".", true), Ok(".".into()));
        assert_eq!(walk(&top, "symlink.samedir", true), Ok("topfile".into()));
        assert_eq!(
            walk(&top, "symlink.down", true),
            Ok("subdir/bottomfile".into())
        );
        assert_eq!(
            walk(&top, "dsymlink.down/bottomfile", true),
            Ok("subdir/bottomfile".into())
        );
        assert_eq!(walk(&top, "subdir/symlink.up", true), Ok("topfile".into()));
        for escape in [
            "..",
            "../top/topfile",
            "subdir/../../x",
            "/etc/passwd",
            "symlink.absolute",
            "symlink.relative_in",
        ] {
            assert_eq!(walk(&top, escape, true), Err(libc::EACCES), "{escape}");
        }
        // A final symlink is not followed when the call does not follow it.
        assert_eq!(
            walk(&top, "symlink.absolute", false),
            Ok("symlink.absolute".into())
        );
        assert_eq!(walk(&top, "loop", true), Err(libc::ELOOP));
        // What does not exist yet can be created; a missing directory on
        // the way is an error.
        assert_eq!(walk(&top, "new", true), Ok("new".into()));
        assert_eq!(walk(&top, "missing/new", true), Err(libc::ENOENT));
    }
}
