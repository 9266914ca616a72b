//! The attempts of promise 1: no global namespaces after entry: no absolute
//! or `AT_FDCWD` lookup, nothing above a preopened directory.

use super::calls::*;
use super::*;
use crate::sys::*;
use std::ffi::{CStr, CString};
use std::os::fd::RawFd;

pub(super) const CASES: &[(&str, Probe)] = &[
    ("open_absolute", |_| {
        open_read(libc::AT_FDCWD, &world("outside/secret.txt"))
    }),
    ("openat_cwd_relative", |_| {
        open_read(libc::AT_FDCWD, &c("secret.txt"))
    }),
    ("creat_absolute", |_| {
        let fd = openat(
            libc::AT_FDCWD,
            &world("outside/new.txt"),
            libc::O_CREAT | libc::O_WRONLY,
        )?;
        write_text(fd, "escaped")
    }),
    ("openat_dotdot", |f| {
        open_read(f.dir, &c("../outside/secret.txt"))
    }),
    ("openat_dotdot_other_preopen", |f| {
        // `..` out of `dir`, landing in `rodir`, preopened with `read`.
        open_read(f.dir, &c("../rodir/keep.txt"))
    }),
    ("openat_sub_dotdot_out", |f| {
        open_read(f.dir, &c("sub/../../outside/secret.txt"))
    }),
    ("openat_dotdot_create", |f| {
        let fd = openat(
            f.dir,
            &c("../outside/new.txt"),
            libc::O_CREAT | libc::O_WRONLY,
        )?;
        write_text(fd, "escaped")
    }),
    ("openat_absolute_from_dir", |f| {
        open_read(f.dir, &world("outside/secret.txt"))
    }),
    ("openat_symlink_out", |f| {
        open_read(f.dir, &c("escape_link"))
    }),
    ("openat_dotdot_opath", |f| {
        let fd = openat(f.dir, &c(".."), libc::O_PATH)?;
        let seen = stat_at(fd, &c("outside/secret.txt"), 0);
        close(fd);
        Ok(format!("O_PATH of the parent; stat beyond: {seen:?}"))
    }),
    // O_PATH opens, which Landlock does not mediate: walked by the
    // supervisor as Capsicum walks (an absolute path, `..` out, `..` into
    // another preopened directory); what a racing thread wins: raced.rs.
    ("opath_absolute_outside", |f| {
        let fd = openat(f.dir, &world("outside/secret.txt"), libc::O_PATH)?;
        close(fd);
        Ok("O_PATH of a file outside".into())
    }),
    ("opath_dotdot_other_preopen", |f| {
        let fd = openat(f.dir, &c("../rodir"), libc::O_PATH | libc::O_DIRECTORY)?;
        close(fd);
        Ok("O_PATH of another preopened directory through `..`".into())
    }),
    // Raw opens are walked by the supervisor, then made by the kernel,
    // which reads the path again: a thread rewriting it meanwhile reaches
    // what Landlock allows by place (another preopened directory), never
    // beyond.
    ("racing_open_outside", |f| {
        racing_open(f.dir, "../outside/secret.txt")
    }),
    ("racing_open_other_preopen", |f| {
        racing_open(f.dir, "../rodir/keep.txt")
    }),
    // The supervisor opens through `dir` itself, what it walked
    // (supervise/opened.rs): no race. An `O_PATH` open it cannot install
    // in the caller's table is walked, then made by the caller, and the
    // kernel reads the path again (row 1 (a)).
    ("racing_opath_other_preopen", |f| {
        racing_opath(f.dir, "../rodir/keep.txt")
    }),
    ("fstatat_dotdot", |f| {
        stat_at(f.dir, &c("../outside/secret.txt"), 0)
    }),
    ("fstatat_symlink_out", |f| {
        stat_at(f.dir, &c("escape_link"), 0)
    }),
    ("faccessat_dotdot", |f| {
        sys!(libc::faccessat(
            f.dir,
            c("../outside/secret.txt").as_ptr(),
            libc::F_OK,
            0
        ))?;
        Ok("exists".into())
    }),
    ("readlinkat_dotdot", |f| {
        let mut buf = [0u8; 256];
        let n = sys!(libc::readlinkat(
            f.dir,
            c("../outside/link").as_ptr(),
            buf.as_mut_ptr().cast(),
            buf.len()
        ))?;
        Ok(String::from_utf8_lossy(&buf[..n as usize]).into_owned())
    }),
    // With AT_EMPTY_PATH a non-empty path is still looked up (fstatat(2)):
    // through a descriptor holding `fstat` but not `lookup` it must need
    // `lookup` as any lookup does (Capsicum: ENOTCAPABLE).
    ("empty_path_fstatat_absolute", |f| {
        stat_at(f.rw, &world("outside/secret.txt"), libc::AT_EMPTY_PATH)
    }),
    ("empty_path_fstatat_relative", |f| {
        stat_at(f.rw, &c("../outside/secret.txt"), libc::AT_EMPTY_PATH)
    }),
    ("empty_path_statx_absolute", |f| {
        statx_at(f.rw, &world("outside/secret.txt"), libc::AT_EMPTY_PATH)
    }),
    ("empty_path_fstatat_opened_beneath", |f| {
        let fd = openat(f.dir, &c("inside.txt"), libc::O_RDONLY)?;
        let seen = stat_at(fd, &world("outside/secret.txt"), libc::AT_EMPTY_PATH);
        close(fd);
        seen
    }),
    // fstat through AT_EMPTY_PATH (the supervisor answers it) gives what
    // fstat(2) itself gives, on the main thread and on another, and
    // EFAULT for a buffer that cannot be written, as the kernel does.
    ("empty_path_fstatat_itself", |f| same_as_fstat(f.rw)),
    ("empty_path_statx_itself", |f| {
        statx_at(f.rw, c"", libc::AT_EMPTY_PATH)
    }),
    // NULL for "" with AT_EMPTY_PATH (Linux 6.11), as the supervisor
    // answers the descriptor's own.
    ("empty_path_fstatat_null_itself", |f| fstatat_null(f.rw)),
    ("empty_path_statx_null_itself", |f| statx_null(f.rw)),
    ("empty_path_fstatat_thread", |f| {
        let fd = f.rw;
        std::thread::spawn(move || same_as_fstat(fd))
            .join()
            .map_err(|_| std::io::Error::other("the thread panicked"))?
    }),
    ("empty_path_fstatat_efault", |f| {
        match sys!(libc::fstatat(
            f.rw,
            c"".as_ptr(),
            std::ptr::dangling_mut::<libc::stat>(),
            libc::AT_EMPTY_PATH
        )) {
            Err(e) if e.raw_os_error() == Some(libc::EFAULT) => Ok("EFAULT".into()),
            other => Err(std::io::Error::other(format!("not EFAULT: {other:?}"))),
        }
    }),
    // The supervisor's copy of the path against the caller's memory: a
    // path crossing a page boundary, one of more than a page, and another
    // thread turning `""` into an absolute path while the calls are in
    // flight; each must need `lookup` as any lookup does.
    ("empty_path_page_boundary_absolute", |f| {
        let path = world("outside/secret.txt");
        let page = Pages::new(2, libc::PROT_READ | libc::PROT_WRITE)?;
        // Half the path at the end of the first page, half on the second.
        let at = page.len / 2 - path.as_bytes().len() / 2;
        let buf = page.bytes();
        buf[at..at + path.as_bytes_with_nul().len()].copy_from_slice(path.as_bytes_with_nul());
        // SAFETY: `buf[at..]` holds a NUL-terminated path.
        stat_at(
            f.rw,
            unsafe { CStr::from_ptr(buf[at..].as_ptr().cast()) },
            libc::AT_EMPTY_PATH,
        )
    }),
    ("empty_path_long_absolute", |f| {
        // `/` repeated to 4000 bytes, then the absolute path.
        let tail = world("outside/secret.txt");
        let mut long = vec![b'/'; 4000];
        long.extend_from_slice(tail.as_bytes());
        stat_at(
            f.rw,
            &CString::new(long).expect("no NUL"),
            libc::AT_EMPTY_PATH,
        )
    }),
    ("empty_path_racing_thread", |f| racing_empty_path(f.rw)),
    // Errors as the kernel gives them (fstatat(2), statx(2) ERRORS): a
    // buffer mapped read-only or ending in an unmapped page (EFAULT),
    // `""` as the last byte before an unmapped page (fstat), a reserved
    // statx mask bit or two sync types (EINVAL), a closed descriptor
    // (EBADF).
    ("empty_path_fstatat_readonly_buffer", |f| {
        let page = Pages::new(1, libc::PROT_READ)?;
        expect_errno(
            sys!(libc::fstatat(
                f.rw,
                c"".as_ptr(),
                page.at.cast(),
                libc::AT_EMPTY_PATH
            )),
            libc::EFAULT,
        )
    }),
    ("empty_path_statx_buffer_across_unmapped", |f| {
        let page = Pages::new(2, libc::PROT_READ | libc::PROT_WRITE)?;
        page.protect_second(libc::PROT_NONE)?;
        let end = page.len / 2 - 100;
        expect_errno(
            sys!(libc::statx(
                f.rw,
                c"".as_ptr(),
                libc::AT_EMPTY_PATH,
                libc::STATX_BASIC_STATS,
                page.bytes()[end..].as_mut_ptr().cast()
            )),
            libc::EFAULT,
        )
    }),
    ("empty_path_at_page_end", |f| {
        let page = Pages::new(2, libc::PROT_READ | libc::PROT_WRITE)?;
        page.protect_second(libc::PROT_NONE)?;
        let last = page.len / 2 - 1;
        page.bytes()[last] = 0;
        // SAFETY: the byte is NUL.
        let empty = unsafe { CStr::from_ptr(page.bytes()[last..].as_ptr().cast()) };
        stat_at(f.rw, empty, libc::AT_EMPTY_PATH)
    }),
    ("empty_path_statx_reserved_mask", |f| {
        // SAFETY: `statx` is plain old data; all zeroes is a valid value.
        let mut st: libc::statx = unsafe { std::mem::zeroed() };
        expect_errno(
            sys!(libc::statx(
                f.rw,
                c"".as_ptr(),
                libc::AT_EMPTY_PATH,
                libc::STATX__RESERVED as u32,
                &mut st
            )),
            libc::EINVAL,
        )
    }),
    ("empty_path_statx_both_syncs", |f| {
        // AT_STATX_FORCE_SYNC with AT_STATX_DONT_SYNC: no sync type.
        // SAFETY: `statx` is plain old data; all zeroes is a valid value.
        let mut st: libc::statx = unsafe { std::mem::zeroed() };
        expect_errno(
            sys!(libc::statx(
                f.rw,
                c"".as_ptr(),
                libc::AT_EMPTY_PATH | libc::AT_STATX_FORCE_SYNC | libc::AT_STATX_DONT_SYNC,
                libc::STATX_BASIC_STATS,
                &mut st
            )),
            libc::EINVAL,
        )
    }),
    ("empty_path_fstatat_closed", |f| {
        close(f.rw);
        // SAFETY: `stat` is plain old data; all zeroes is a valid value.
        let mut st: libc::stat = unsafe { std::mem::zeroed() };
        expect_errno(
            sys!(libc::fstatat(
                f.rw,
                c"".as_ptr(),
                &mut st,
                libc::AT_EMPTY_PATH
            )),
            libc::EBADF,
        )
    }),
    ("fchmodat_dotdot", |f| {
        sys!(libc::fchmodat(
            f.dir,
            c("../outside/victim.txt").as_ptr(),
            0o777,
            0
        ))?;
        Ok("mode changed".into())
    }),
    ("fchmodat_symlink_out", |f| {
        sys!(libc::fchmodat(f.dir, c("escape_link").as_ptr(), 0o777, 0))?;
        Ok("mode changed".into())
    }),
    ("fchownat_dotdot", |f| {
        sys!(libc::fchownat(
            f.dir,
            c("../outside/victim.txt").as_ptr(),
            1,
            1,
            0
        ))?;
        Ok("owner changed".into())
    }),
    ("utimensat_dotdot", |f| {
        let times = [libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        }; 2];
        sys!(libc::utimensat(
            f.dir,
            c("../outside/victim.txt").as_ptr(),
            times.as_ptr(),
            0
        ))?;
        Ok("times changed".into())
    }),
    ("setxattrat_dotdot", |f| {
        // struct xattr_args { u64 value; u32 size; u32 flags; } (6.13+)
        let value = *b"escaped";
        let args: [u64; 2] = [value.as_ptr() as u64, value.len() as u64];
        sys!(libc::syscall(
            nr::SETXATTRAT,
            f.dir,
            c("../outside/victim.txt").as_ptr(),
            0,
            c("user.escape").as_ptr(),
            args.as_ptr(),
            16usize
        ))?;
        Ok("xattr set".into())
    }),
    ("stat_absolute", |_| {
        stat_at(libc::AT_FDCWD, &world("outside/secret.txt"), 0)
    }),
    ("access_absolute", |_| {
        sys!(libc::access(
            world("outside/secret.txt").as_ptr(),
            libc::F_OK
        ))?;
        Ok("exists".into())
    }),
    ("readlink_absolute", |_| {
        let mut buf = [0u8; 256];
        let n = sys!(libc::readlink(
            c("/proc/self/exe").as_ptr(),
            buf.as_mut_ptr().cast(),
            buf.len()
        ))?;
        Ok(String::from_utf8_lossy(&buf[..n as usize]).into_owned())
    }),
    ("statfs_absolute", |_| {
        // SAFETY: `statfs` is plain old data; all zeroes is a valid value.
        let mut st: libc::statfs = unsafe { std::mem::zeroed() };
        sys!(libc::statfs(c("/").as_ptr(), &mut st))?;
        Ok("statfs".into())
    }),
    ("unlink_absolute", |_| {
        sys!(libc::unlink(world("outside/victim.txt").as_ptr()))?;
        Ok("unlinked".into())
    }),
    ("unlinkat_dotdot", |f| {
        sys!(libc::unlinkat(
            f.dir,
            c("../outside/victim.txt").as_ptr(),
            0
        ))?;
        Ok("unlinked".into())
    }),
    ("mkdir_absolute", |_| {
        sys!(libc::mkdir(world("outside/newdir").as_ptr(), 0o755))?;
        Ok("created".into())
    }),
    ("mkdirat_dotdot", |f| {
        sys!(libc::mkdirat(f.dir, c("../outside/newdir").as_ptr(), 0o755))?;
        Ok("created".into())
    }),
    ("rename_absolute", |f| {
        sys!(libc::renameat(
            f.dir,
            c("inside.txt").as_ptr(),
            libc::AT_FDCWD,
            world("outside/moved.txt").as_ptr()
        ))?;
        Ok("moved".into())
    }),
    ("renameat_dotdot", |f| {
        sys!(libc::renameat(
            f.dir,
            c("inside.txt").as_ptr(),
            f.dir,
            c("../outside/moved.txt").as_ptr()
        ))?;
        Ok("moved".into())
    }),
    ("renameat_exchange_out", |f| {
        sys!(libc::renameat2(
            f.dir,
            c("inside.txt").as_ptr(),
            f.dir,
            c("../outside/victim.txt").as_ptr(),
            libc::RENAME_EXCHANGE
        ))?;
        Ok("exchanged".into())
    }),
    ("linkat_dotdot", |f| {
        sys!(libc::linkat(
            f.dir,
            c("inside.txt").as_ptr(),
            f.dir,
            c("../outside/hl.txt").as_ptr(),
            0
        ))?;
        Ok("linked".into())
    }),
    ("linkat_fd_into_dir", |f| {
        // Give the read-only file a second name beneath the writable
        // directory, then open that name for writing.
        sys!(libc::linkat(
            f.ro,
            c("").as_ptr(),
            f.dir,
            c("ro_alias").as_ptr(),
            libc::AT_EMPTY_PATH
        ))?;
        let fd = openat(f.dir, &c("ro_alias"), libc::O_WRONLY)?;
        write_text(fd, "escaped")
    }),
    ("truncate_absolute", |_| {
        sys!(libc::truncate(world("outside/victim.txt").as_ptr(), 0))?;
        Ok("truncated".into())
    }),
    ("chmod_absolute", |_| {
        sys!(libc::chmod(world("outside/victim.txt").as_ptr(), 0o777))?;
        Ok("mode changed".into())
    }),
    ("chown_absolute", |_| {
        sys!(libc::chown(world("outside/victim.txt").as_ptr(), 1, 1))?;
        Ok("owner changed".into())
    }),
    ("utimes_absolute", |_| {
        let times = [libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        }; 2];
        sys!(libc::utimensat(
            libc::AT_FDCWD,
            world("outside/victim.txt").as_ptr(),
            times.as_ptr(),
            0
        ))?;
        Ok("times changed".into())
    }),
    ("openat2_absolute", |_| {
        // SAFETY: `open_how` is plain old data; all zeroes is a valid value.
        let mut how: libc::open_how = unsafe { std::mem::zeroed() };
        how.flags = libc::O_RDONLY as u64;
        let fd = sys!(libc::syscall(
            libc::SYS_openat2,
            libc::AT_FDCWD,
            world("outside/secret.txt").as_ptr(),
            &how,
            std::mem::size_of_val(&how)
        ))?;
        read_text(fd as RawFd)
    }),
    ("openat2_dotdot", |f| {
        // SAFETY: `open_how` is plain old data; all zeroes is a valid value.
        let mut how: libc::open_how = unsafe { std::mem::zeroed() };
        how.flags = libc::O_RDONLY as u64;
        let fd = sys!(libc::syscall(
            libc::SYS_openat2,
            f.dir,
            c("../outside/secret.txt").as_ptr(),
            &how,
            std::mem::size_of_val(&how)
        ))?;
        read_text(fd as RawFd)
    }),
    ("open_by_handle_at", |f| {
        let mut handle = handle_from_env();
        let fd = sys!(libc::open_by_handle_at(
            f.dir,
            handle.as_mut_ptr().cast(),
            libc::O_RDONLY
        ))?;
        read_text(fd)
    }),
    ("inotify_add_watch_path", |_| {
        let fd = sys!(libc::inotify_init1(libc::IN_CLOEXEC))?;
        let w = sys!(libc::inotify_add_watch(
            fd,
            world("outside").as_ptr(),
            libc::IN_ALL_EVENTS
        ));
        close(fd);
        Ok(format!("watch {}", w?))
    }),
    ("fanotify_init", |_| {
        let fd = sys!(libc::fanotify_init(
            libc::FAN_CLASS_NOTIF,
            libc::O_RDONLY as u32
        ))?;
        close(fd);
        Ok("fanotify".into())
    }),
    ("memfd_execveat", |_| {
        let fd = sys!(libc::memfd_create(c("probe").as_ptr(), 0))?;
        write_text(fd, "#!/usr/bin/true\n")?;
        let argv = [c"probe".as_ptr(), std::ptr::null()];
        let envp: [*const libc::c_char; 1] = [std::ptr::null()];
        sys!(libc::syscall(
            libc::SYS_execveat,
            fd,
            c("").as_ptr(),
            argv.as_ptr(),
            envp.as_ptr(),
            libc::AT_EMPTY_PATH
        ))?;
        Ok("executed".into())
    }),
    ("chdir_absolute", |_| {
        sys!(libc::chdir(c("/").as_ptr()))?;
        Ok("changed directory".into())
    }),
    ("fchdir_then_open", |f| {
        sys!(libc::fchdir(f.dir))?;
        open_read(libc::AT_FDCWD, &c("../outside/secret.txt"))
    }),
    ("mknodat_device", |f| {
        // /dev/null's numbers: harmless if it were created.
        sys!(libc::mknodat(
            f.dir,
            c("nullnode").as_ptr(),
            libc::S_IFCHR | 0o600,
            libc::makedev(1, 3)
        ))?;
        Ok("device node created".into())
    }),
    ("proc_self_fd_reopen", |f| {
        let fd = openat(
            libc::AT_FDCWD,
            &c(&format!("/proc/self/fd/{}", f.ro)),
            libc::O_RDWR,
        )?;
        write_text(fd, "escaped")
    }),
    ("getxattr_absolute", |_| {
        let mut buf = [0u8; 64];
        let n = sys!(libc::getxattr(
            c("/").as_ptr(),
            c("user.x").as_ptr(),
            buf.as_mut_ptr().cast(),
            buf.len()
        ))?;
        Ok(format!("{n} bytes"))
    }),
    ("rodir_create", |f| {
        let fd = openat(f.rodir, &c("new.txt"), libc::O_CREAT | libc::O_WRONLY)?;
        write_text(fd, "escaped")
    }),
    ("rodir_write", |f| {
        let fd = openat(f.rodir, &c("keep.txt"), libc::O_WRONLY)?;
        write_text(fd, "escaped")
    }),
    ("rodir_unlink", |f| {
        sys!(libc::unlinkat(f.rodir, c("keep.txt").as_ptr(), 0))?;
        Ok("unlinked".into())
    }),
    ("rodir_opened_fchmod", |f| {
        let fd = openat(f.rodir, &c("keep.txt"), libc::O_RDONLY)?;
        sys!(libc::fchmod(fd, 0o777))?;
        Ok("mode changed".into())
    }),
    ("rodir_opened_fsetxattr", |f| {
        let fd = openat(f.rodir, &c("keep.txt"), libc::O_RDONLY)?;
        let v = b"escaped";
        sys!(libc::fsetxattr(
            fd,
            c("user.escape").as_ptr(),
            v.as_ptr().cast(),
            v.len(),
            0
        ))?;
        Ok("xattr set".into())
    }),
    ("rodir_opened_futimens", |f| {
        let fd = openat(f.rodir, &c("keep.txt"), libc::O_RDONLY)?;
        let times = [libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        }; 2];
        sys!(libc::futimens(fd, times.as_ptr()))?;
        Ok("times changed".into())
    }),
    // A file opened beneath `rodir` ([lookup, read, fstat]) holds its
    // rights and no more (rights(4); capability-fd.cc TEST(Capability,
    // Inheritance)): no seek, no mapping, in a copy of it and in a child
    // forked after entry too.
    ("rodir_opened_lseek", |f| {
        let fd = openat(f.rodir, &c("keep.txt"), libc::O_RDONLY)?;
        let at = sys!(libc::lseek(fd, 0, libc::SEEK_END))?;
        Ok(format!("seeked to {at}"))
    }),
    ("rodir_opened_mmap", |f| {
        let fd = openat(f.rodir, &c("keep.txt"), libc::O_RDONLY)?;
        map(fd, libc::PROT_READ, libc::MAP_SHARED)
    }),
    ("rodir_opened_copy_lseek", |f| {
        let fd = openat(f.rodir, &c("keep.txt"), libc::O_RDONLY)?;
        let copy = sys!(libc::dup(fd))?;
        let at = sys!(libc::lseek(copy, 0, libc::SEEK_END))?;
        Ok(format!("seeked the copy at {copy} to {at}"))
    }),
    ("rodir_opened_in_child_lseek", |f| {
        let (pid, pidfd) = pidfd_fork()?;
        if pid == 0 {
            // SAFETY: openat(2), lseek(2) and _exit(2) in the child of a
            // raw clone: 0 when the seek is refused with EACCES, 1 when it
            // works, 2 otherwise.
            unsafe {
                let fd = libc::openat(f.rodir, c"keep.txt".as_ptr(), libc::O_RDONLY);
                if fd < 0 {
                    libc::_exit(2)
                }
                let at = libc::lseek(fd, 0, libc::SEEK_END);
                let refused = at < 0 && *libc::__errno_location() == libc::EACCES;
                libc::_exit(if refused {
                    0
                } else if at >= 0 {
                    1
                } else {
                    2
                })
            }
        }
        let end = pidfd_wait(pidfd);
        close(pidfd);
        match end? {
            End::Exited(0) => Err(std::io::Error::from_raw_os_error(libc::EACCES)),
            End::Exited(1) => Ok("seeked in a child".into()),
            other => Err(std::io::Error::other(format!("the child ended {other:?}"))),
        }
    }),
    ("symlinkat_then_follow", |f| {
        sys!(libc::symlinkat(
            world("outside/secret.txt").as_ptr(),
            f.dir,
            c("mylink").as_ptr()
        ))?;
        open_read(f.dir, &c("mylink"))
    }),
    // positive twins
    ("openat_beneath", |f| open_read(f.dir, &c("inside.txt"))),
    ("openat_beneath_dotdot_inside", |f| {
        open_read(f.dir, &c("sub/../inside.txt"))
    }),
    ("openat_beneath_create", |f| {
        let fd = openat(
            f.dir,
            &c("created.txt"),
            libc::O_CREAT | libc::O_WRONLY | libc::O_EXCL,
        )?;
        write_text(fd, "created")
    }),
    ("mkdirat_beneath", |f| {
        sys!(libc::mkdirat(f.dir, c("newdir").as_ptr(), 0o755))?;
        Ok("created".into())
    }),
    ("fstatat_beneath", |f| stat_at(f.dir, &c("inside.txt"), 0)),
    ("renameat_beneath", |f| {
        sys!(libc::renameat(
            f.dir,
            c("inside.txt").as_ptr(),
            f.dir,
            c("sub/moved.txt").as_ptr()
        ))?;
        Ok("moved".into())
    }),
    // RENAME_WHITEOUT leaves a character device (0:0, a whiteout) where
    // the source was (rename(2)): a device node made by another call.
    ("renameat2_whiteout", |f| {
        sys!(libc::syscall(
            libc::SYS_renameat2,
            f.dir,
            c("inside.txt").as_ptr(),
            f.dir,
            c("whited.txt").as_ptr(),
            libc::RENAME_WHITEOUT
        ))?;
        // SAFETY: `stat` is plain old data; all zeroes is a valid value.
        let mut st: libc::stat = unsafe { std::mem::zeroed() };
        sys!(libc::fstatat(
            f.dir,
            c("inside.txt").as_ptr(),
            &mut st,
            libc::AT_SYMLINK_NOFOLLOW
        ))?;
        Ok(format!("a node of mode {:o} left", st.st_mode))
    }),
    ("openat_beneath_enoent", |f| {
        open_read(f.dir, &c("missing.txt"))
    }),
    ("rodir_read", |f| open_read(f.rodir, &c("keep.txt"))),
    ("rodir_list", |f| {
        let fd = openat(f.rodir, &c("."), libc::O_RDONLY | libc::O_DIRECTORY)?;
        let mut buf = [0u8; 1024];
        let n = sys!(libc::syscall(
            libc::SYS_getdents64,
            fd,
            buf.as_mut_ptr(),
            buf.len()
        ))?;
        close(fd);
        Ok(format!("{n} bytes of entries"))
    }),
    ("opath_dotdot_fchownat_empty", |f| {
        // O_PATH opens are not mediated by Landlock; AT_EMPTY_PATH then
        // acts on the file outside through the descriptor.
        let fd = openat(f.dir, &c("../outside/victim.txt"), libc::O_PATH)?;
        sys!(libc::fchownat(fd, c"".as_ptr(), 1, 1, libc::AT_EMPTY_PATH))?;
        Ok("owner of a file outside changed".into())
    }),
    ("opath_dotdot_fchmodat2_empty", |f| {
        let fd = openat(f.dir, &c("../outside/victim.txt"), libc::O_PATH)?;
        fchmod_empty(fd, 0o777)?;
        Ok("mode of a file outside changed".into())
    }),
    ("rodir_opath_fchmodat_out", |f| {
        // From the READ-ONLY directory (no fchmodat right at all).
        let parent = openat(f.rodir, &c(".."), libc::O_PATH | libc::O_DIRECTORY)?;
        sys!(libc::fchmodat(
            parent,
            c"outside/victim.txt".as_ptr(),
            0o777,
            0
        ))?;
        Ok("mode of a file outside changed".into())
    }),
    ("name_to_handle_at_dotdot", |f| {
        let mut raw = vec![0u8; 8 + 128];
        raw[0..4].copy_from_slice(&128u32.to_ne_bytes());
        let mut mount_id = 0;
        sys!(libc::name_to_handle_at(
            f.dir,
            c"../outside/secret.txt".as_ptr(),
            raw.as_mut_ptr().cast(),
            &mut mount_id,
            0
        ))?;
        Ok("handle of a file outside".into())
    }),
    ("getcwd", |_| {
        let mut buf = [0u8; 512];
        sys!(libc::syscall(libc::SYS_getcwd, buf.as_mut_ptr(), buf.len()))?;
        let end = buf.iter().position(|b| *b == 0).unwrap_or(buf.len());
        Ok(String::from_utf8_lossy(&buf[..end]).into_owned())
    }),
    ("openat_beneath_trunc", |f| {
        // O_TRUNC needs `ftruncate`, which `dir` does not have.
        let fd = openat(f.dir, &c("inside.txt"), libc::O_WRONLY | libc::O_TRUNC)?;
        write_text(fd, "escaped")
    }),
    ("mkfifoat_beneath", |f| {
        sys!(libc::mkfifoat(f.dir, c"fifo".as_ptr(), 0o600))?;
        Ok("fifo created".into())
    }),
    ("beneath_opened_fchmod", |f| {
        // The path-free way: `dir` holds `fchmodat`, so a file opened
        // beneath it may change its mode.
        let fd = openat(f.dir, &c("inside.txt"), libc::O_RDONLY)?;
        sys!(libc::fchmod(fd, 0o600))?;
        Ok("mode changed beneath".into())
    }),
    ("beneath_opened_fchown", |f| {
        let fd = openat(f.dir, &c("inside.txt"), libc::O_RDONLY)?;
        sys!(libc::fchown(fd, u32::MAX, u32::MAX))?;
        Ok("owner kept beneath".into())
    }),
    ("beneath_opened_futimens", |f| {
        let fd = openat(f.dir, &c("inside.txt"), libc::O_RDONLY)?;
        sys!(libc::futimens(fd, TIMES.as_ptr()))?;
        Ok("times changed beneath".into())
    }),
    ("beneath_opened_fchmodat_empty", |f| {
        let fd = openat(f.dir, &c("inside.txt"), libc::O_RDONLY)?;
        fchmod_empty(fd, 0o600)?;
        Ok("mode changed beneath".into())
    }),
    // A file unlinked after it was opened beneath `dir`: Capsicum keeps
    // the descriptor's rights; the supervisor finds the file by its name,
    // which it has lost (row 5 (b)).
    ("beneath_opened_unlinked_fchmod", |f| {
        let fd = openat(f.dir, &c("gone.txt"), libc::O_RDWR | libc::O_CREAT)?;
        sys!(libc::unlinkat(f.dir, c"gone.txt".as_ptr(), 0))?;
        sys!(libc::fchmod(fd, 0o600))?;
        Ok("mode of an unlinked file changed".into())
    }),
    ("beneath_opened_unlinked_fchown", |f| {
        let fd = openat(f.dir, &c("gone.txt"), libc::O_RDWR | libc::O_CREAT)?;
        sys!(libc::unlinkat(f.dir, c"gone.txt".as_ptr(), 0))?;
        sys!(libc::fchown(fd, u32::MAX, u32::MAX))?;
        Ok("owner of an unlinked file changed".into())
    }),
    ("beneath_opened_unlinked_futimens", |f| {
        let fd = openat(f.dir, &c("gone.txt"), libc::O_RDWR | libc::O_CREAT)?;
        sys!(libc::unlinkat(f.dir, c"gone.txt".as_ptr(), 0))?;
        sys!(libc::futimens(fd, TIMES.as_ptr()))?;
        Ok("times of an unlinked file changed".into())
    }),
    ("beneath_opened_unlinked_setflags", |f| {
        let fd = openat(f.dir, &c("gone.txt"), libc::O_RDWR | libc::O_CREAT)?;
        sys!(libc::unlinkat(f.dir, c"gone.txt".as_ptr(), 0))?;
        super::opens::set_same_flags(fd)
    }),
    ("rodir_opened_fifo_setfl", |f| {
        // `rodir` lacks `fcntl`.
        let fd = openat(f.rodir, &c("pipe"), libc::O_RDONLY | libc::O_NONBLOCK)?;
        sys!(libc::fcntl(fd, libc::F_SETFL, 0))?;
        Ok("status flags of a FIFO set".into())
    }),
    ("fchmodat_beneath", |f| {
        sys!(libc::fchmodat(f.dir, c"inside.txt".as_ptr(), 0o600, 0))?;
        Ok("mode changed beneath".into())
    }),
    ("beneath_opened_ftruncate", |f| {
        // `dir` has no `ftruncate`: Landlock's truncate right (ABI 3)
        // follows the descriptor opened beneath it.
        let fd = openat(f.dir, &c("inside.txt"), libc::O_WRONLY)?;
        sys!(libc::ftruncate(fd, 0))?;
        Ok("truncated".into())
    }),
    ("rodir_opened_setflags", |f| {
        // FS_NODUMP_FL: a harmless inode flag, set through a descriptor
        // opened read-only beneath the read-only directory.
        let fd = openat(f.rodir, &c("keep.txt"), libc::O_RDONLY)?;
        let mut flags: libc::c_long = 0;
        sys!(libc::ioctl(fd, libc::FS_IOC_GETFLAGS, &mut flags))?;
        flags |= 0x40; // FS_NODUMP_FL
        sys!(libc::ioctl(fd, libc::FS_IOC_SETFLAGS, &flags))?;
        Ok("inode flags changed".into())
    }),
    ("rodir_link_into_dir", |f| {
        sys!(libc::linkat(
            f.rodir,
            c"keep.txt".as_ptr(),
            f.dir,
            c"keep_alias".as_ptr(),
            0
        ))?;
        let fd = openat(f.dir, &c("keep_alias"), libc::O_WRONLY)?;
        write_text(fd, "escaped")
    }),
    ("rodir_rename_into_dir", |f| {
        sys!(libc::renameat(
            f.rodir,
            c"keep.txt".as_ptr(),
            f.dir,
            c"keep_moved".as_ptr()
        ))?;
        Ok("moved out of the read-only directory".into())
    }),
    ("symlink_into_rodir_write", |f| {
        sys!(libc::symlinkat(
            c"../rodir/keep.txt".as_ptr(),
            f.dir,
            c"to_keep".as_ptr()
        ))?;
        let fd = openat(f.dir, &c("to_keep"), libc::O_WRONLY)?;
        write_text(fd, "escaped")
    }),
    ("rodir_tmpfile", |f| {
        let fd = openat(f.rodir, &c("."), libc::O_TMPFILE | libc::O_WRONLY)?;
        write_text(fd, "escaped")
    }),
];

/// fstatat(2) of `fd` with `AT_EMPTY_PATH` and `""` (glibc's fstat)
/// against the fstat(2) system call itself.
fn same_as_fstat(fd: RawFd) -> Attempt {
    // SAFETY: `stat` is plain old data; all zeroes is a valid value.
    let mut direct: libc::stat = unsafe { std::mem::zeroed() };
    // SAFETY: as above.
    let mut empty: libc::stat = unsafe { std::mem::zeroed() };
    sys!(libc::syscall(libc::SYS_fstat, fd, &mut direct))?;
    sys!(libc::fstatat(
        fd,
        c"".as_ptr(),
        &mut empty,
        libc::AT_EMPTY_PATH
    ))?;
    let key = |s: &libc::stat| {
        (
            s.st_dev, s.st_ino, s.st_mode, s.st_size, s.st_nlink, s.st_mtime,
        )
    };
    if key(&direct) != key(&empty) {
        return Err(std::io::Error::other(format!(
            "fstatat {:?} differs from fstat {:?}",
            key(&empty),
            key(&direct)
        )));
    }
    Ok(format!("size {}, as fstat(2)", empty.st_size))
}

/// `Ok(errno)` when `r` failed with `errno`, as the kernel answers.
pub(super) fn expect_errno<T: std::fmt::Debug>(r: std::io::Result<T>, errno: i32) -> Attempt {
    match r {
        Err(e) if e.raw_os_error() == Some(errno) => Ok(format!("errno {errno}")),
        other => Err(std::io::Error::other(format!(
            "not errno {errno}: {other:?}"
        ))),
    }
}

/// Anonymous private pages, unmapped on drop.
pub(super) struct Pages {
    pub(super) at: *mut libc::c_void,
    len: usize,
}

impl Pages {
    pub(super) fn new(count: usize, prot: i32) -> std::io::Result<Pages> {
        // SAFETY: sysconf(3).
        let len = count * unsafe { libc::sysconf(libc::_SC_PAGESIZE) } as usize;
        // SAFETY: a fresh anonymous mapping; checked below.
        let at = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                prot,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        if at == libc::MAP_FAILED {
            return Err(std::io::Error::last_os_error());
        }
        Ok(Pages { at, len })
    }

    /// The first page's bytes, and the second's when it is mapped
    /// writable.
    #[allow(clippy::mut_from_ref)]
    pub(super) fn bytes(&self) -> &mut [u8] {
        // SAFETY: the mapping is live for `self`'s life; the probe is the
        // only one using it.
        unsafe { std::slice::from_raw_parts_mut(self.at.cast(), self.len) }
    }

    /// Changes the second of two pages' protection to `prot`.
    pub(super) fn protect_second(&self, prot: i32) -> std::io::Result<()> {
        let half = self.len / 2;
        sys!(libc::mprotect(
            self.at.cast::<u8>().add(half).cast(),
            half,
            prot
        ))?;
        Ok(())
    }
}

impl Drop for Pages {
    fn drop(&mut self) {
        // SAFETY: unmaps the mapping made in `new`.
        unsafe { libc::munmap(self.at, self.len) };
    }
}

/// Opens `inside.txt` beneath `dir` (with `flags`) while another thread
/// keeps turning the path into `other` and back ([`Flipper`]), telling
/// each descriptor by `look`: what the race reached, or `EACCES` when it
/// never left `dir`.
fn racing_open_with(
    dir: RawFd,
    other: &'static str,
    flags: i32,
    look: fn(RawFd) -> Attempt,
) -> Attempt {
    let first = openat(dir, &c("inside.txt"), flags)?;
    let inside = look(first);
    close(first);
    let inside = inside?;
    let buf = Flipper::new(b"inside.txt", other.as_bytes());
    let (mut inside_seen, mut refused, mut reached) = (0, 0, None);
    for _ in 0..3000 {
        // SAFETY: openat(2) of the NUL-terminated bytes the atomics hold.
        let fd = unsafe { libc::openat(dir, buf.path(), flags | libc::O_CLOEXEC) };
        if fd < 0 {
            refused += 1;
            continue;
        }
        let seen = look(fd);
        close(fd);
        match seen {
            Ok(t) if t == inside => inside_seen += 1,
            Ok(t) => {
                reached = Some(t);
                break;
            }
            Err(_) => refused += 1,
        }
    }
    drop(buf);
    match reached {
        Some(text) => Ok(text),
        None if refused > 0 && inside_seen > 0 => {
            Err(std::io::Error::from_raw_os_error(libc::EACCES))
        }
        None => Err(std::io::Error::other(format!(
            "the race never met both paths ({inside_seen} inside, {refused} refused)"
        ))),
    }
}

/// [`racing_open_with`] reading: the text reached.
fn racing_open(dir: RawFd, other: &'static str) -> Attempt {
    racing_open_with(dir, other, libc::O_RDONLY, read_text)
}

/// [`racing_open_with`] with `O_PATH`, the file told by its device and
/// inode (fstat(2) of an `O_PATH` descriptor of a file beneath a
/// preopened directory is answered).
fn racing_opath(dir: RawFd, other: &'static str) -> Attempt {
    racing_open_with(dir, other, libc::O_PATH, |fd| {
        // SAFETY: `stat` is plain old data; all zeroes is valid.
        let mut st: libc::stat = unsafe { std::mem::zeroed() };
        sys!(libc::fstat(fd, &mut st))?;
        Ok(format!("device {} inode {}", st.st_dev, st.st_ino))
    })
}

/// A path another thread keeps turning from one string into another and
/// back, holding each for a few microseconds (0 to 63, varied) so that
/// most reads see one whole string and a lookup read twice (walked by the
/// supervisor, then by the kernel) may see both; stopped when dropped.
struct Flipper {
    buf: std::sync::Arc<[std::sync::atomic::AtomicU8; 64]>,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Flipper {
    fn new(first: &[u8], second: &[u8]) -> Flipper {
        use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
        use std::sync::Arc;
        use std::time::{Duration, Instant};
        let with_nul = |p: &[u8]| {
            assert!(p.len() < 64, "a path of the race is too long");
            let mut v = p.to_vec();
            v.push(0);
            v
        };
        let paths = [with_nul(first), with_nul(second)];
        let buf: Arc<[AtomicU8; 64]> = Arc::new(std::array::from_fn(|_| AtomicU8::new(0)));
        for (cell, &b) in buf.iter().zip(&paths[0]) {
            cell.store(b, Ordering::SeqCst);
        }
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (buf, stop) = (Arc::clone(&buf), Arc::clone(&stop));
            std::thread::spawn(move || {
                let (mut which, mut seed) = (0, 0x9e37_79b9u32);
                while !stop.load(Ordering::Relaxed) {
                    which = 1 - which;
                    for (cell, &b) in buf.iter().zip(&paths[which]) {
                        cell.store(b, Ordering::SeqCst);
                    }
                    seed ^= seed << 13;
                    seed ^= seed >> 17;
                    seed ^= seed << 5;
                    let hold = Duration::from_micros(u64::from(seed % 64));
                    let start = Instant::now();
                    while start.elapsed() < hold && !stop.load(Ordering::Relaxed) {
                        std::hint::spin_loop();
                    }
                }
            })
        };
        Flipper {
            buf,
            stop,
            thread: Some(thread),
        }
    }

    /// The path, NUL-terminated (the atomics are laid out as its bytes).
    fn path(&self) -> *const libc::c_char {
        self.buf.as_ptr().cast()
    }
}

impl Drop for Flipper {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// fstatat(2) with `AT_EMPTY_PATH` through `fd` (`fstat` without `lookup`)
/// while another thread flips the path between `""` and an absolute one:
/// a result that is not `fd`'s own is the absolute path's.
fn racing_empty_path(fd: RawFd) -> Attempt {
    use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
    use std::sync::Arc;
    // SAFETY: `stat` is plain old data; all zeroes is a valid value.
    let mut own: libc::stat = unsafe { std::mem::zeroed() };
    sys!(libc::syscall(libc::SYS_fstat, fd, &mut own))?;
    let path = world("outside/secret.txt");
    let buf: Arc<Vec<AtomicU8>> = Arc::new(
        path.as_bytes_with_nul()
            .iter()
            .map(|&b| AtomicU8::new(b))
            .collect(),
    );
    let stop = Arc::new(AtomicBool::new(false));
    let flipper = {
        let (buf, stop) = (Arc::clone(&buf), Arc::clone(&stop));
        std::thread::spawn(move || {
            let mut first = 0u8;
            while !stop.load(Ordering::Relaxed) {
                first = if first == 0 { b'/' } else { 0 };
                buf[0].store(first, Ordering::Relaxed);
            }
        })
    };
    let (mut own_seen, mut refused, mut other) = (0, 0, None);
    for _ in 0..3000 {
        // SAFETY: as above.
        let mut st: libc::stat = unsafe { std::mem::zeroed() };
        // The atomics are laid out as the bytes, NUL-terminated.
        match sys!(libc::fstatat(
            fd,
            buf.as_ptr().cast(),
            &mut st,
            libc::AT_EMPTY_PATH
        )) {
            Ok(_) if (st.st_dev, st.st_ino) == (own.st_dev, own.st_ino) => own_seen += 1,
            Ok(_) => {
                other = Some(st.st_size);
                break;
            }
            Err(e) if e.raw_os_error() == Some(libc::EACCES) => refused += 1,
            Err(e) => other = other.or(Some(-i64::from(e.raw_os_error().unwrap_or(0)))),
        }
    }
    stop.store(true, Ordering::Relaxed);
    let _ = flipper.join();
    match other {
        Some(size) if size >= 0 => Ok(format!("the absolute path's metadata: size {size}")),
        Some(errno) => Err(std::io::Error::other(format!("errno {}", -errno))),
        None if refused > 0 && own_seen > 0 => Err(std::io::Error::from_raw_os_error(libc::EACCES)),
        None => Err(std::io::Error::other(format!(
            "the race never met both paths ({own_seen} fstat, {refused} refused)"
        ))),
    }
}
