//! A change of a descriptor's file that Landlock does not mediate
//! (fchmod(2), fchown(2), fsetxattr(2), fremovexattr(2), the inode-flag
//! ioctl(2) setters `FS_IOC_SETFLAGS` and `FS_IOC_FSSETXATTR`;
//! futimens(3) is [`super::attributes`]'s) through a number of a pool of descriptors
//! opened beneath a directory (`judge::Supervised::Changed`). Capsicum
//! gives such a descriptor the directory's rights (rights(4); FreeBSD's
//! `kern_openat`), the change's among them, but a number of these pools
//! may hold a descriptor the supervisor did not install there (the
//! kernel's next one once the number is freed, or one moved there with
//! dup2(2)), so the filter cannot grant the right by number alone
//! (`FdClass::checked`). The supervisor takes the caller's descriptor
//! (pidfd_getfd(2), the same open file description) and makes the change
//! on it itself, with the caller's credentials, where its file is, or
//! lies beneath, a preopened directory whose rights hold the change's
//! (the program could open it with that right there), or where the
//! supervisor opened that file beneath such a directory and installed it
//! at that number (the descriptor keeps the directory's rights, rights(4),
//! though the file was renamed out of every such directory or unlinked
//! since: `lookup::held_allowing`, `State::installed`), and answers
//! `EACCES` otherwise, as for a right not held. Made here, the change cannot be raced onto another
//! descriptor put at the number meanwhile; its arguments in memory (an
//! attribute's name and value) are read once.
//!
//! An attribute change comes here through any descriptor, too, where one
//! may hold the attribute's right without the ACL's
//! (`judge::acl_unheld`): Linux sets and removes access control lists as
//! `system.` attributes (acl(5)), which Capsicum changes only with
//! `CAP_ACL_SET` or `CAP_ACL_DELETE` (`__acl_set_fd`, `__acl_delete_fd`
//! in sys/kern/vfs_acl.c), and setting one changes the file's mode as
//! well (fs/posix_acl.c `posix_acl_update_mode`). A `system.` name is
//! refused (`EACCES`) unless the descriptor holds that right: its class's,
//! for a checked pool a directory's it lies beneath, for a descriptor in
//! no class what every place holds (`judge::outside_rights`). Other
//! `system.` attributes are refused alike (fail closed).

use std::os::fd::{AsRawFd, RawFd};

use super::super::judge::{self, acl_right, changed_right, Context};
use super::super::seccomp::consts::{ioctl_numbers, FS_IOC_FSSETXATTR};
use super::lookup::held_allowing;
use super::{
    caller, copy_of, read_into, read_path, valid, write_bytes, State, PATH_MAX, RIGHTS_ERRNO,
};

/// The size of `struct fsxattr` (include/uapi/linux/fs.h).
const FSXATTR_SIZE: usize = 28;

/// `XATTR_NAME_MAX` (include/uapi/linux/limits.h).
const XATTR_NAME_MAX: usize = 255;
/// `XATTR_SIZE_MAX` (include/uapi/linux/limits.h).
const XATTR_SIZE_MAX: usize = 65536;

/// The caller's change in `req` (module docs): its value, or an errno.
pub(super) fn changed(
    l: RawFd,
    req: &libc::seccomp_notif,
    ctx: &Context,
    state: &State,
) -> Result<i64, i32> {
    let nr = req.data.nr as u32;
    let args = req.data.args;
    let tid = req.pid as libc::pid_t;
    let right = changed_right(nr).ok_or(libc::ENOSYS)?;
    let pidfd = caller(tid)?;
    valid(l, req)?;
    let fd = copy_of(&pidfd, args[0])?;
    let class = ctx.class_of(args[0]);
    // Through a pool whose right the supervisor checks (the filter has
    // judged any other descriptor's, module docs).
    let checked = class.is_some_and(|c| c.checked.allows(right));
    // Where the file lies `checked_rights` (supervise.rs) has found, with
    // the supervisor's own credentials: the change takes the descriptor
    // alone, so no search permission on the directories above the file is
    // asked of the caller (chmod(2): fchmod(2) looks nothing up); the
    // change with the caller's. An inode-flag setter's command must be in
    // that directory's list (ioctls(...)) too, as the filter judged the
    // pool's.
    let cmd = args[1] as u32;
    let ioctl = i64::from(nr) == libc::SYS_ioctl;
    if checked
        && ioctl
        && !held_allowing(
            args[0],
            fd.as_raw_fd(),
            |l| {
                l.rights.allows(right)
                    && l.ioctls
                        .is_none_or(|list| list.iter().any(|&i| ioctl_numbers(i).contains(&cmd)))
            },
            state,
        )
    {
        return Err(RIGHTS_ERRNO);
    }
    // An attribute's name and value, read once, refused as the kernel
    // refuses them, in its order (fs/xattr.c: the descriptor, which may
    // not be `O_PATH`, `EBADF`; fsetxattr(2)'s flags, `setxattr_copy`;
    // the name, `import_xattr_name`; the size; the value).
    let mut name = [0u8; PATH_MAX];
    let mut value = Vec::new();
    // An access control list's right (module docs), as this descriptor
    // holds it.
    let acl_held = |acl| match class {
        Some(c) if checked => {
            c.limits.rights.allows(acl)
                || held_allowing(args[0], fd.as_raw_fd(), |l| l.rights.allows(acl), state)
        }
        Some(c) => c.limits.rights.allows(acl),
        None => judge::outside_rights(ctx).allows(acl),
    };
    let xattr = matches!(
        i64::from(nr),
        libc::SYS_fsetxattr | libc::SYS_fremovexattr | libc::SYS_fgetxattr | libc::SYS_flistxattr
    );
    if xattr {
        // SAFETY: fcntl(2) F_GETFL of our own copy.
        if unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_GETFL) } & libc::O_PATH != 0 {
            return Err(libc::EBADF);
        }
    }
    if i64::from(nr) == libc::SYS_flistxattr {
        // The names, without those of access control lists where their
        // right is not held (Capsicum lists no ACL: `__acl_get_fd` alone
        // reads one).
        let hide = acl_right(nr).is_some_and(|acl| !acl_held(acl));
        let _as_caller = state.as_caller(tid)?;
        return list(l, req, fd.as_raw_fd(), hide);
    }
    if matches!(
        i64::from(nr),
        libc::SYS_fsetxattr | libc::SYS_fremovexattr | libc::SYS_fgetxattr
    ) {
        let set = i64::from(nr) == libc::SYS_fsetxattr;
        if set && (args[4] as u32 as i32) & !(libc::XATTR_CREATE | libc::XATTR_REPLACE) != 0 {
            return Err(libc::EINVAL);
        }
        let len = read_path(tid, args[1], &mut name).map_err(|e| match e {
            libc::ENAMETOOLONG => libc::ERANGE,
            e => e,
        })?;
        // fs/xattr.c `import_xattr_name`: an empty or too long name.
        if len == 0 || len > XATTR_NAME_MAX {
            return Err(libc::ERANGE);
        }
        // An access control list's name (module docs): the ACL right too.
        if let Some(acl) = acl_right(nr).filter(|_| name[..len].starts_with(b"system.")) {
            if !acl_held(acl) {
                return Err(RIGHTS_ERRNO);
            }
        }
        if set {
            let size = args[3] as usize;
            if size > XATTR_SIZE_MAX {
                return Err(libc::E2BIG);
            }
            value = vec![0u8; size];
            if size > 0 {
                read_into(tid, args[2], &mut value)?;
            }
        }
    }
    // An inode-flag setter's argument (an `int` of flags, or a `struct
    // fsxattr`: include/uapi/linux/fs.h), read once.
    let mut flags = [0u8; FSXATTR_SIZE];
    if ioctl {
        let size = if cmd == FS_IOC_FSSETXATTR {
            FSXATTR_SIZE
        } else {
            4
        };
        read_into(tid, args[2], &mut flags[..size])?;
    }
    let _as_caller = state.as_caller(tid)?;
    let f = fd.as_raw_fd();
    if i64::from(nr) == libc::SYS_fgetxattr {
        // A size above the largest value reads at most that (fs/xattr.c
        // `do_getxattr`); 0 asks the value's size.
        let size = (args[3] as usize).min(XATTR_SIZE_MAX);
        let mut buf = vec![0u8; size];
        // SAFETY: fgetxattr(2) of our copy into a live buffer of `size`.
        let r = unsafe { libc::fgetxattr(f, name.as_ptr().cast(), buf.as_mut_ptr().cast(), size) };
        if r < 0 {
            return Err(std::io::Error::last_os_error()
                .raw_os_error()
                .unwrap_or(libc::EIO));
        }
        if size > 0 {
            write_bytes(l, req, tid, args[2], &buf[..r as usize])?;
        }
        return Ok(r as i64);
    }
    // SAFETY: each call takes our copy of the caller's descriptor, integer
    // arguments, and the name and value read above (live buffers).
    let r = unsafe {
        match i64::from(nr) {
            libc::SYS_fchmod => libc::fchmod(f, args[1] as libc::mode_t) as i64,
            libc::SYS_fchown => {
                libc::fchown(f, args[1] as libc::uid_t, args[2] as libc::gid_t) as i64
            }
            libc::SYS_fsetxattr => libc::fsetxattr(
                f,
                name.as_ptr().cast(),
                value.as_ptr().cast(),
                value.len(),
                args[4] as libc::c_int,
            ) as i64,
            libc::SYS_fremovexattr => libc::fremovexattr(f, name.as_ptr().cast()) as i64,
            _ => libc::ioctl(f, cmd as _, flags.as_ptr()) as i64,
        }
    };
    if r < 0 {
        return Err(std::io::Error::last_os_error()
            .raw_os_error()
            .unwrap_or(libc::EIO));
    }
    Ok(r)
}

/// flistxattr(2) of `fd` (the supervisor's copy) for the caller of `req`:
/// the names `\0`-terminated, those in the `system.` namespace (access
/// control lists: acl(5)) left out with `hide`, the size asked answered
/// as the kernel answers it (0: the size needed; too small: `ERANGE`).
fn list(l: RawFd, req: &libc::seccomp_notif, fd: RawFd, hide: bool) -> Result<i64, i32> {
    let args = req.data.args;
    let mut all = vec![0u8; XATTR_SIZE_MAX];
    // SAFETY: flistxattr(2) of our copy into a live buffer.
    let r = unsafe { libc::flistxattr(fd, all.as_mut_ptr().cast(), all.len()) };
    if r < 0 {
        return Err(std::io::Error::last_os_error()
            .raw_os_error()
            .unwrap_or(libc::EIO));
    }
    all.truncate(r as usize);
    let shown = if hide { without_system(&all) } else { all };
    let size = args[2] as usize;
    if size == 0 {
        return Ok(shown.len() as i64);
    }
    if shown.len() > size {
        return Err(libc::ERANGE);
    }
    write_bytes(l, req, req.pid as libc::pid_t, args[1], &shown)?;
    Ok(shown.len() as i64)
}

/// A flistxattr(2) list (names, each `\0`-terminated) without the names
/// of the `system.` namespace.
fn without_system(list: &[u8]) -> Vec<u8> {
    list.split_inclusive(|&b| b == 0)
        .filter(|n| !n.starts_with(b"system."))
        .flatten()
        .copied()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::without_system;

    #[test]
    fn lists_leave_the_system_names_out() {
        let list = b"user.a\0system.posix_acl_access\0security.selinux\0system.posix_acl_default\0";
        assert_eq!(without_system(list), b"user.a\0security.selinux\0");
        assert_eq!(without_system(b""), b"");
    }
}
