//! Attacks on the metadata changes the supervisor makes for a descriptor
//! opened beneath a directory (supervise/changed.rs, `attributes` in
//! supervise.rs, `lookup::beneath_holding`): fchmod(2), fchown(2),
//! futimens(3) and the path forms through a number of `dir`'s pool. The
//! change is the supervisor's, so it must be made with the caller's
//! credentials, the calling thread's (credentials(7): the kernel checks
//! ownership, `CAP_CHOWN` and `CAP_FOWNER` against the filesystem ids and
//! effective capabilities of the thread making the change), answer what
//! the kernel answers the caller, and reach nothing but what a walk
//! beneath the descriptor reaches (Capsicum: `..` never above it,
//! symbolic links only within it, openat.cc; `ENOTCAPABLE` otherwise).

use super::calls::TIMES;
use super::lookups::{as_root, set_capabilities};
use super::namespaces::expect_errno;
use super::*;
use crate::sys::*;

pub(super) const CASES: &[(&str, Probe)] = &[
    // A descriptor of root's `dir/inside.txt` opened beneath `dir` (in its
    // pool, `fchmod` and `fchown` checked by the supervisor), then the
    // caller nobody effectively (setresuid(2)): not the owner, no
    // `CAP_CHOWN`, no `CAP_FOWNER`, so fchown(2) and fchmod(2) answer
    // `EPERM` (chown(2), chmod(2)), as they do unsandboxed. A supervisor
    // changing with its own (root's) credentials would change them.
    ("changed_fchown_after_setresuid", |f| {
        let fd = openat(f.dir, c"inside.txt", libc::O_RDONLY)?;
        as_nobody()?;
        expect_errno(sys!(libc::fchown(fd, 65534, 65534)), libc::EPERM)?;
        expect_errno(sys!(libc::fchmod(fd, 0o600)), libc::EPERM)
    }),
    // futimens(3) by nobody of root's file: explicit times need the owner
    // (`EPERM`), the current time write permission, which 0644 denies
    // nobody (`EACCES`; utimensat(2)).
    ("changed_futimens_after_setresuid", |f| {
        let fd = openat(f.dir, c"inside.txt", libc::O_RDONLY)?;
        as_nobody()?;
        expect_errno(sys!(libc::futimens(fd, TIMES.as_ptr())), libc::EPERM)?;
        expect_errno(sys!(libc::futimens(fd, std::ptr::null())), libc::EACCES)
    }),
    // setfsuid(2) alone: the filesystem uid is what the kernel checks
    // ownership against, and setting it non-zero clears `CAP_CHOWN` and
    // `CAP_FOWNER` from the effective set (capabilities(7)).
    ("changed_fchown_after_setfsuid", |f| {
        as_root()?;
        let fd = openat(f.dir, c"inside.txt", libc::O_RDONLY)?;
        // SAFETY: setfsuid(2) of the calling thread; it answers the
        // previous id, never an error.
        unsafe { libc::setfsuid(65534) };
        expect_errno(sys!(libc::fchown(fd, 65534, 65534)), libc::EPERM)?;
        expect_errno(sys!(libc::futimens(fd, TIMES.as_ptr())), libc::EPERM)
    }),
    // Root that dropped every effective capability (capset(2)): it owns
    // the file, so fchmod(2) and futimens(3) work, but giving the file
    // away needs `CAP_CHOWN` (chown(2): `EPERM`).
    ("changed_fchown_after_caps_dropped", |f| {
        as_root()?;
        let fd = openat(f.dir, c"inside.txt", libc::O_RDONLY)?;
        set_capabilities(0, 0)?;
        expect_errno(sys!(libc::fchown(fd, 65534, 65534)), libc::EPERM)?;
        sys!(libc::fchmod(fd, 0o600))?;
        Ok("fchmod by the owner, fchown refused".into())
    }),
    // Credentials are a thread's: a thread made nobody alone (the raw
    // setresuid(2), not glibc's, which changes every thread) is refused
    // (`EPERM`) where the root thread changes the mode.
    ("changed_fchmod_thread_own_credentials", |f| {
        as_root()?;
        let fd = openat(f.dir, c"inside.txt", libc::O_RDONLY)?;
        let theirs = std::thread::spawn(move || {
            sys!(libc::syscall(libc::SYS_setresuid, 0, 65534, 0))?;
            Ok::<_, std::io::Error>(sys!(libc::fchmod(fd, 0o600)).map(drop))
        })
        .join()
        .map_err(|_| std::io::Error::other("the thread panicked"))??;
        expect_errno(theirs, libc::EPERM)?;
        sys!(libc::fchmod(fd, 0o600))?;
        Ok("nobody's thread refused, root's changed the mode".into())
    }),
    // A child forked after entry holds its copy of the pool's number
    // (fork(2)): the supervisor takes the child's descriptor, beneath
    // `dir`, and changes the mode (Capsicum: the copy keeps its rights).
    ("changed_fchmod_forked_child", |f| {
        let fd = openat(f.dir, c"inside.txt", libc::O_RDONLY)?;
        let [r, w] = pipe()?;
        let child = sys!(libc::fork())?;
        if child == 0 {
            // SAFETY: fchmod(2), the errno location, write(2) of a live
            // local and _exit(2): async-signal-safe, nothing allocated.
            unsafe {
                let e: u8 = if libc::fchmod(fd, 0o600) == 0 {
                    0
                } else {
                    *libc::__errno_location() as u8
                };
                libc::write(w, (&e as *const u8).cast(), 1);
                libc::_exit(0)
            }
        }
        close(w);
        let mut b = [0xffu8; 1];
        let n = sys!(libc::read(r, b.as_mut_ptr().cast(), 1))?;
        close(r);
        match (n, b[0]) {
            (1, 0) => Ok("the child changed the mode".into()),
            (1, e) => Err(std::io::Error::from_raw_os_error(i32::from(e))),
            _ => Err(std::io::Error::other("the child answered nothing")),
        }
    }),
    // The path forms through a directory of `dir`'s pool (`dir/sub`,
    // opened beneath `dir`): walked beneath that directory, so `..` may
    // not climb to `dir` (Capsicum: `ENOTCAPABLE`), though `dir` itself
    // holds `fchmodat`.
    ("changed_pool_dir_fchmodat_dotdot", |f| {
        let sub = openat(f.dir, c"sub", libc::O_RDONLY | libc::O_DIRECTORY)?;
        sys!(libc::fchmodat(sub, c"../inside.txt".as_ptr(), 0o600, 0))?;
        Ok("a file above the directory changed".into())
    }),
    // A symbolic link beneath `dir/sub` to `../inside.txt`, followed by
    // utimensat(2) through `dir/sub`'s pool number: it leaves the
    // directory walked beneath (Capsicum: `ENOTCAPABLE`).
    ("changed_pool_dir_utimensat_symlink_up", |f| {
        sys!(libc::symlinkat(
            c"../inside.txt".as_ptr(),
            f.dir,
            c"sub/up".as_ptr()
        ))?;
        let sub = openat(f.dir, c"sub", libc::O_RDONLY | libc::O_DIRECTORY)?;
        sys!(libc::utimensat(sub, c"up".as_ptr(), TIMES.as_ptr(), 0))?;
        Ok("a file above the directory changed".into())
    }),
    // fchownat(2) with `AT_SYMLINK_NOFOLLOW` through `dir/sub`'s pool
    // number changes the link `sub/up` itself, not `dir/inside.txt` it
    // names above the directory.
    ("changed_pool_dir_fchownat_nofollow_link", |f| {
        sys!(libc::symlinkat(
            c"../inside.txt".as_ptr(),
            f.dir,
            c"sub/up".as_ptr()
        ))?;
        let sub = openat(f.dir, c"sub", libc::O_RDONLY | libc::O_DIRECTORY)?;
        sys!(libc::fchownat(
            sub,
            c"up".as_ptr(),
            u32::MAX,
            u32::MAX,
            libc::AT_SYMLINK_NOFOLLOW
        ))?;
        Ok("the link itself, owner kept".into())
    }),
    // futimens(3) is utimensat(2) with a `NULL` path, which takes no flag
    // (fs/utimes.c `do_utimes_fd`: `EINVAL`), `AT_EMPTY_PATH` and
    // `AT_SYMLINK_NOFOLLOW` included; the supervisor answers as the
    // kernel, changing nothing.
    ("changed_futimens_flags_einval", |f| {
        let fd = openat(f.dir, c"inside.txt", libc::O_RDONLY)?;
        for flags in [libc::AT_SYMLINK_NOFOLLOW, libc::AT_EMPTY_PATH, 0x8000] {
            expect_errno(
                sys!(libc::syscall(
                    libc::SYS_utimensat,
                    fd,
                    std::ptr::null::<libc::c_char>(),
                    TIMES.as_ptr(),
                    flags
                )),
                libc::EINVAL,
            )?;
        }
        Ok("EINVAL for each flag".into())
    }),
    // `dir` holds `extattr_set` and `extattr_delete`: what is opened
    // beneath it does too (the supervisor sets the attribute on its copy,
    // the file beneath `dir`), and the attribute set can be removed, once
    // (then `ENODATA`, removexattr(2)).
    ("changed_dir_pool_fsetxattr", |f| {
        let fd = openat(f.dir, c"inside.txt", libc::O_RDONLY)?;
        set_xattr(fd, c"user.escape", b"1", 0)?;
        Ok("an attribute set".into())
    }),
    ("changed_dir_pool_fremovexattr", |f| {
        let fd = openat(f.dir, c"inside.txt", libc::O_RDONLY)?;
        set_xattr(fd, c"user.escape", b"1", 0)?;
        sys!(libc::fremovexattr(fd, c"user.escape".as_ptr()))?;
        expect_errno(
            sys!(libc::fremovexattr(fd, c"user.escape".as_ptr())),
            libc::ENODATA,
        )
    }),
    // fsetxattr(2)'s refusals as the kernel makes them (fs/xattr.c
    // `setxattr_copy`: the flags first, `EINVAL`; then the name,
    // `import_xattr_name`: empty or longer than `XATTR_NAME_MAX`,
    // `ERANGE`; then the size, above `XATTR_SIZE_MAX`, `E2BIG`; then the
    // value, `EFAULT`), then the file's (`XATTR_CREATE` of one that is
    // there: `EEXIST`; `XATTR_REPLACE` of one that is not: `ENODATA`; a
    // namespace no handler takes: `EOPNOTSUPP`).
    ("changed_dir_pool_fsetxattr_errors", |f| {
        let fd = openat(f.dir, c"inside.txt", libc::O_RDONLY)?;
        let long = c(&format!("user.{}", "x".repeat(251)));
        let bad_flags = 4;
        expect_errno(set_xattr(fd, c"user.a", b"1", bad_flags), libc::EINVAL)?;
        expect_errno(set_xattr(fd, c"", b"1", bad_flags), libc::EINVAL)?;
        expect_errno(set_xattr(fd, c"", b"1", 0), libc::ERANGE)?;
        expect_errno(set_xattr(fd, &long, b"1", 0), libc::ERANGE)?;
        let big = vec![0u8; 65537];
        expect_errno(set_xattr(fd, c"user.a", &big, 0), libc::E2BIG)?;
        expect_errno(set_xattr(fd, c"", &big, 0), libc::ERANGE)?;
        expect_errno(
            sys!(libc::fsetxattr(
                fd,
                c"user.a".as_ptr(),
                std::ptr::null(),
                1,
                0
            )),
            libc::EFAULT,
        )?;
        expect_errno(
            sys!(libc::fsetxattr(
                fd,
                std::ptr::null(),
                b"1".as_ptr().cast(),
                1,
                0
            )),
            libc::EFAULT,
        )?;
        expect_errno(
            set_xattr(fd, c"user.a", b"1", libc::XATTR_REPLACE),
            libc::ENODATA,
        )?;
        set_xattr(fd, c"user.a", b"1", libc::XATTR_CREATE)?;
        expect_errno(
            set_xattr(fd, c"user.a", b"1", libc::XATTR_CREATE),
            libc::EEXIST,
        )?;
        sys!(libc::fremovexattr(fd, c"user.a".as_ptr()))?;
        expect_errno(set_xattr(fd, c"nonesuch.a", b"1", 0), libc::EOPNOTSUPP)?;
        expect_errno(sys!(libc::fremovexattr(fd, c"".as_ptr())), libc::ERANGE)
    }),
    // An `O_PATH` descriptor opened beneath `dir` (in no class: the caller
    // opens it) put on a number of `dir`'s pool: the kernel takes no
    // `O_PATH` descriptor for an attribute (fs/xattr.c: `EBADF`), before
    // it reads the name.
    ("changed_opath_on_dir_pool_fsetxattr", |f| {
        let opath = openat(f.dir, c"inside.txt", libc::O_PATH)?;
        let slot = openat(f.dir, c"sub", libc::O_RDONLY | libc::O_DIRECTORY)?;
        sys!(libc::dup2(opath, slot))?;
        expect_errno(set_xattr(slot, c"user.a", b"1", 0), libc::EBADF)?;
        expect_errno(set_xattr(slot, c"", b"1", 0), libc::EBADF)?;
        expect_errno(
            sys!(libc::fremovexattr(slot, c"user.a".as_ptr())),
            libc::EBADF,
        )
    }),
    // `trusted.` attributes need `CAP_SYS_ADMIN` (xattr(7)): root sets
    // one, then, having dropped every effective capability (capset(2)),
    // neither sets nor removes one (`EPERM`); the supervisor changes with
    // the caller's capabilities.
    ("changed_trusted_xattr_after_caps_dropped", |f| {
        as_root()?;
        let fd = openat(f.dir, c"inside.txt", libc::O_RDONLY)?;
        set_xattr(fd, c"trusted.escape", b"1", 0)?;
        set_capabilities(0, 0)?;
        expect_errno(set_xattr(fd, c"trusted.other", b"1", 0), libc::EPERM)?;
        expect_errno(
            sys!(libc::fremovexattr(fd, c"trusted.escape".as_ptr())),
            libc::EPERM,
        )
    }),
    // `rodir`'s file on a number of `dir`'s pool: `rodir` holds neither
    // `extattr_set` nor `extattr_delete` (Capsicum: the descriptor keeps
    // `rodir`'s rights).
    ("changed_rodir_file_on_dir_pool_fsetxattr", |f| {
        let slot = rodir_file_on_dir_pool(f)?;
        set_xattr(slot, c"user.escape", b"1", 0)?;
        Ok("rodir's file changed".into())
    }),
    // `rodir`'s file, opened beneath `rodir` (its pool: no `fchmod`,
    // `fchown`, `futimes`), put with dup2(2) on a number of `dir`'s pool,
    // whose changes the supervisor checks call by call: the descriptor
    // keeps `rodir`'s rights (Capsicum: dup2(2) copies them), so fchmod(2),
    // fchown(2) and futimens(3) are refused, the file beneath no
    // directory holding them.
    ("changed_rodir_file_on_dir_pool_fchmod", |f| {
        let slot = rodir_file_on_dir_pool(f)?;
        sys!(libc::fchmod(slot, 0o600))?;
        Ok("rodir's file changed".into())
    }),
    ("changed_rodir_file_on_dir_pool_fchown", |f| {
        let slot = rodir_file_on_dir_pool(f)?;
        sys!(libc::fchown(slot, 65534, 65534))?;
        Ok("rodir's file given away".into())
    }),
    ("changed_rodir_file_on_dir_pool_futimens", |f| {
        let slot = rodir_file_on_dir_pool(f)?;
        sys!(libc::futimens(slot, TIMES.as_ptr()))?;
        Ok("rodir's file changed".into())
    }),
    // A directory opened beneath `dir` and renamed within it since: it
    // still lies beneath `dir` (its new name), so fchmod(2) changes it.
    ("changed_fchmod_dir_renamed_within", |f| {
        let sub = openat(f.dir, c"sub", libc::O_RDONLY | libc::O_DIRECTORY)?;
        sys!(libc::renameat(
            f.dir,
            c"sub".as_ptr(),
            f.dir,
            c"sub2".as_ptr()
        ))?;
        sys!(libc::fchmod(sub, 0o700))?;
        Ok("mode changed beneath".into())
    }),
    // nobody's own file in root's 0700 directory beneath `dir`, opened by
    // root, then the caller nobody: the owner may change its mode through
    // the descriptor (chmod(2)); no path is looked up, so the directory's
    // search permission does not matter (Capsicum: fchmod(2) takes the
    // descriptor alone).
    ("changed_fchmod_owner_in_unsearchable_dir", |f| {
        as_root()?;
        sys!(libc::mkdirat(f.dir, c"locked".as_ptr(), 0o700))?;
        let fd = openat(f.dir, c"locked/f", libc::O_CREAT | libc::O_RDONLY)?;
        sys!(libc::fchownat(f.dir, c"locked/f".as_ptr(), 65534, 65534, 0))?;
        as_nobody()?;
        sys!(libc::fchmod(fd, 0o600))?;
        sys!(libc::futimens(fd, TIMES.as_ptr()))?;
        Ok("the owner changed mode and times".into())
    }),
    // An access control list set as an attribute (acl(5):
    // `system.posix_acl_access`, which also sets the file's mode) through
    // a descriptor holding `extattr_set` but not `acl_set`: Capsicum sets
    // an ACL only with `CAP_ACL_SET` (`__acl_set_fd`, sys/kern/vfs_acl.c).
    // Through `dir`'s pool, through `dir` itself, and a default ACL on
    // `dir` (`system.posix_acl_default`).
    ("changed_dir_pool_posix_acl", |f| {
        let fd = openat(f.dir, c"inside.txt", libc::O_RDONLY)?;
        set_xattr(fd, c"system.posix_acl_access", &acl(), 0)?;
        Ok("an ACL set, the mode with it".into())
    }),
    ("changed_dir_posix_acl", |f| {
        set_xattr(f.dir, c"system.posix_acl_access", &acl(), 0)?;
        Ok("an ACL set, the mode with it".into())
    }),
    ("changed_dir_posix_acl_default", |f| {
        set_xattr(f.dir, c"system.posix_acl_default", &acl(), 0)?;
        Ok("a default ACL set".into())
    }),
    // A `user.` attribute through `dir` itself, which the supervisor now
    // reads the name of: set.
    ("changed_dir_fsetxattr_user", |f| {
        set_xattr(f.dir, c"user.escape", b"1", 0)?;
        Ok("an attribute set".into())
    }),
    // A file opened beneath `dir`, limited after entry to `Wider` ([read,
    // write, seek, fstat]: its pool is not one of descriptors opened
    // beneath a directory, so nothing is checked there): fchmod(2) and
    // futimens(3) refused (Capsicum: cap_rights_limit(2) took `fchmod`
    // and `futimes` away).
    ("changed_limited_file_fchmod", |f| {
        use std::os::fd::{FromRawFd, IntoRawFd, OwnedFd};
        let fd = openat(f.dir, c"inside.txt", libc::O_RDWR)?;
        // SAFETY: a descriptor just opened, owned by nothing else.
        let owned = unsafe { OwnedFd::from_raw_fd(fd) };
        let limited = (f.limit)(owned, Set::Wider)?.into_raw_fd();
        sys!(libc::futimens(limited, TIMES.as_ptr()))?;
        sys!(libc::fchmod(limited, 0o600))?;
        Ok("a limited file changed".into())
    }),
    // The same limited descriptor put back with dup2(2) on a number of
    // `dir`'s pool, whose `fchmod` the supervisor checks by place: the
    // copy keeps the limited rights (Capsicum: dup2(2) copies them), so
    // either the move or the change is refused.
    ("changed_limited_file_onto_dir_pool_fchmod", |f| {
        use std::os::fd::{FromRawFd, IntoRawFd, OwnedFd};
        let fd = openat(f.dir, c"inside.txt", libc::O_RDWR)?;
        // SAFETY: a descriptor just opened, owned by nothing else.
        let owned = unsafe { OwnedFd::from_raw_fd(fd) };
        let limited = (f.limit)(owned, Set::Wider)?.into_raw_fd();
        let slot = openat(f.dir, c"sub", libc::O_RDONLY | libc::O_DIRECTORY)?;
        sys!(libc::dup2(limited, slot))?;
        sys!(libc::fchmod(slot, 0o600))?;
        Ok("a limited file changed".into())
    }),
];

/// `rodir/keep.txt` opened beneath `rodir`, moved with dup2(2) onto a
/// number of `dir`'s pool (that of `dir/inside.txt` opened beneath it).
fn rodir_file_on_dir_pool(f: &Fds) -> std::io::Result<RawFd> {
    let kept = openat(f.rodir, c"keep.txt", libc::O_RDONLY)?;
    let slot = openat(f.dir, c"inside.txt", libc::O_RDONLY)?;
    sys!(libc::dup2(kept, slot))?;
    Ok(slot)
}

/// A POSIX access control list as Linux stores it in an attribute
/// (include/uapi/linux/posix_acl_xattr.h: version 2, then tag, permissions
/// and id per entry): owner `rw-`, group `r--`, others `rwx`.
fn acl() -> Vec<u8> {
    let mut v = 2u32.to_ne_bytes().to_vec();
    // ACL_USER_OBJ, ACL_GROUP_OBJ, ACL_OTHER (include/linux/posix_acl.h).
    for (tag, perm) in [(0x01u16, 6u16), (0x04, 4), (0x20, 7)] {
        v.extend_from_slice(&tag.to_ne_bytes());
        v.extend_from_slice(&perm.to_ne_bytes());
        v.extend_from_slice(&u32::MAX.to_ne_bytes());
    }
    v
}

/// fsetxattr(2) of `name` to `value` on `fd`.
fn set_xattr(fd: RawFd, name: &std::ffi::CStr, value: &[u8], flags: i32) -> std::io::Result<()> {
    sys!(libc::fsetxattr(
        fd,
        name.as_ptr(),
        value.as_ptr().cast(),
        value.len(),
        flags
    ))
    .map(drop)
}

/// The caller made nobody effectively (setresuid(2): real and saved
/// root), or an error when it is not root (nothing to tell apart).
fn as_nobody() -> std::io::Result<()> {
    as_root()?;
    sys!(libc::setresuid(0, 65534, 0)).map(drop)
}
