//! The attempts of promise 5: per-descriptor rights as declared.

use super::calls::*;
use super::*;
use crate::sys::*;

pub(super) const CASES: &[(&str, Probe)] = &[
    ("narrowed_write", |f| write_text(f.narrowed, "escaped")),
    ("narrowed_mmap_shared_write", |f| {
        map(
            f.narrowed,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_SHARED,
        )
    }),
    ("ro_lseek", |f| {
        let off = sys!(libc::lseek(f.ro, 0, libc::SEEK_SET))?;
        Ok(format!("at {off}"))
    }),
    ("ro_fstat", |f| fstat(f.ro)),
    // Capsicum polls a descriptor only with `event` (pollscan, selscan in
    // sys/kern/sys_generic.c): `POLLNVAL` for `ro` (reported as EBADF),
    // the pipe beside it polled all the same; select fails.
    ("ro_poll_event", |f| poll_beside_pipe(f.ro)),
    ("ro_select_event", |f| {
        // A set as long as `ro`'s number needs (it lies above FD_SETSIZE:
        // the kernel reads `nfds` bits, select(2) NOTES).
        let mut set = vec![0u64; f.ro as usize / 64 + 1];
        set[f.ro as usize / 64] |= 1 << (f.ro as usize % 64);
        let mut tv = libc::timeval {
            tv_sec: 0,
            tv_usec: 0,
        };
        let n = sys!(libc::select(
            f.ro + 1,
            set.as_mut_ptr().cast(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            &mut tv
        ))?;
        Ok(format!("{n} ready"))
    }),
    ("racing_poll_event", |f| racing_poll(f.ro)),
    ("ro_pread", |f| {
        let mut buf = [0u8; 8];
        let n = sys!(libc::pread(f.ro, buf.as_mut_ptr().cast(), buf.len(), 0))?;
        Ok(format!("{n} bytes"))
    }),
    ("ro_preadv2_offset", |f| {
        let mut buf = [0u8; 8];
        let iov = libc::iovec {
            iov_base: buf.as_mut_ptr().cast(),
            iov_len: 8,
        };
        let n = sys!(libc::preadv2(f.ro, &iov, 1, 0, 0))?;
        Ok(format!("{n} bytes"))
    }),
    ("wo_ftruncate", |f| {
        sys!(libc::ftruncate(f.wo, 0))?;
        Ok("truncated".into())
    }),
    ("wo_fallocate", |f| {
        sys!(libc::fallocate(f.wo, 0, 0, 1 << 20))?;
        Ok("extended".into())
    }),
    ("wo_fchmod", |f| {
        sys!(libc::fchmod(f.wo, 0o777))?;
        Ok("mode changed".into())
    }),
    ("ro_fchown", |f| {
        sys!(libc::fchown(f.ro, 1, 1))?;
        Ok("owner changed".into())
    }),
    ("wo_futimens", |f| {
        let times = [libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        }; 2];
        sys!(libc::futimens(f.wo, times.as_ptr()))?;
        Ok("times changed".into())
    }),
    ("wo_fsetxattr", |f| {
        let v = b"escaped";
        sys!(libc::fsetxattr(
            f.wo,
            c("user.escape").as_ptr(),
            v.as_ptr().cast(),
            v.len(),
            0
        ))?;
        Ok("xattr set".into())
    }),
    ("ro_mmap_read", |f| {
        map(f.ro, libc::PROT_READ, libc::MAP_PRIVATE)
    }),
    ("rw_mmap_shared_write", |f| {
        map(f.rw, libc::PROT_READ | libc::PROT_WRITE, libc::MAP_SHARED)
    }),
    ("rw_mmap_exec", |f| {
        map(f.rw, libc::PROT_READ | libc::PROT_EXEC, libc::MAP_PRIVATE)
    }),
    ("rw_mprotect_widen", |f| {
        let p = sys!(libc::mmap(
            std::ptr::null_mut(),
            4096,
            libc::PROT_READ,
            libc::MAP_SHARED,
            f.rw,
            0
        ))?;
        sys!(libc::mprotect(p, 4096, libc::PROT_READ | libc::PROT_WRITE))?;
        // SAFETY: the page is mapped shared and now writable; rw.txt is
        // non-empty so its first byte is backed by the file.
        unsafe { *p.cast::<u8>() = b'X' };
        let _ = sys!(libc::msync(p, 4096, libc::MS_SYNC));
        Ok("wrote through a widened mapping".into())
    }),
    ("ro_ioctl", |f| {
        let mut n: libc::c_int = 0;
        sys!(libc::ioctl(f.ro, libc::FIONREAD, &mut n))?;
        Ok(format!("{n} readable"))
    }),
    ("rw_ioctl_not_listed", |f| {
        let on: libc::c_int = 1;
        sys!(libc::ioctl(f.rw, libc::FIONBIO, &on))?;
        Ok("non-blocking".into())
    }),
    ("ro_fcntl_getfl", |f| {
        let fl = sys!(libc::fcntl(f.ro, libc::F_GETFL))?;
        Ok(format!("flags {fl:#o}"))
    }),
    ("rw_fcntl_setfl", |f| {
        sys!(libc::fcntl(f.rw, libc::F_SETFL, libc::O_APPEND))?;
        Ok("flags set".into())
    }),
    ("ro_flock", |f| {
        sys!(libc::flock(f.ro, libc::LOCK_SH))?;
        Ok("locked".into())
    }),
    ("ro_fcntl_setlk", |f| {
        // SAFETY: `flock` is plain old data; all zeroes is a valid value.
        let mut lk: libc::flock = unsafe { std::mem::zeroed() };
        lk.l_type = libc::F_RDLCK as i16;
        sys!(libc::fcntl(f.ro, libc::F_SETLK, &mut lk))?;
        Ok("locked".into())
    }),
    ("wo_fsync", |f| {
        sys!(libc::fsync(f.wo))?;
        Ok("synced".into())
    }),
    ("ro_fstatfs", |f| {
        // SAFETY: `statfs` is plain old data; all zeroes is a valid value.
        let mut st: libc::statfs = unsafe { std::mem::zeroed() };
        sys!(libc::fstatfs(f.ro, &mut st))?;
        Ok("fstatfs".into())
    }),
    // A copy holds `ro`'s rights (dup(2): Capsicum copies them along;
    // the supervisor puts it in a pool of them): no fstat through it.
    ("ro_dup", |f| {
        let fd = sys!(libc::dup(f.ro))?;
        fstat(fd)
    }),
    ("ro_dup2", |f| {
        let fd = sys!(libc::dup2(f.ro, 100))?;
        fstat(fd)
    }),
    ("ro_dup3", |f| {
        let fd = sys!(libc::dup3(f.ro, 100, libc::O_CLOEXEC))?;
        fstat(fd)
    }),
    ("ro_fcntl_dupfd", |f| {
        let fd = sys!(libc::fcntl(f.ro, libc::F_DUPFD_CLOEXEC, 0))?;
        fstat(fd)
    }),
    ("ro_dup2_onto_stdout", |f| {
        // Stdout's class allows fstat; ro's does not.
        sys!(libc::dup2(f.ro, 1))?;
        fstat(1)
    }),
    ("dup2_onto_ro", |f| {
        let [r, _w] = pipe()?;
        sys!(libc::dup2(r, f.ro))?;
        Ok("replaced ro".into())
    }),
    // A copy of stdout holds stdout's rights (dup(2): Capsicum copies
    // them along; here the supervisor puts it into a pool of them): it
    // writes, and changes no mode, as stdout cannot.
    ("stdout_dup", |_| {
        let fd = sys!(libc::dup(1))?;
        sys!(libc::fchmod(fd, 0o600))?;
        Ok(format!("mode changed through stdout's copy at {fd}"))
    }),
    ("stdout_dup_write", |_| {
        let fd = sys!(libc::dup(1))?;
        write_text(fd, "stdout's copy works\n")
    }),
    ("ro_scm_rights_copy", |f| {
        // Capsicum keeps rights across SCM_RIGHTS; the copy must not be
        // wider than the original.
        let copy = pass_to_self(f.ro)?;
        let seen = fstat(copy)?;
        sys!(libc::fchmod(copy, 0o777))?;
        Ok(format!("copy {copy}: {seen}, mode changed"))
    }),
    ("stdin_write", |_| write_text(0, "escaped")),
    // positive twins
    ("ro_read", |f| read_text(f.ro)),
    ("narrowed_read", |f| read_text(f.narrowed)),
    ("wo_write", |f| write_text(f.wo, "written")),
    ("rw_seek_fstat", |f| {
        sys!(libc::lseek(f.rw, 0, libc::SEEK_SET))?;
        let text = read_text(f.rw)?;
        Ok(format!("{text} / {}", fstat(f.rw)?))
    }),
    ("rw_pread", |f| {
        let mut buf = [0u8; 4];
        let n = sys!(libc::pread(f.rw, buf.as_mut_ptr().cast(), buf.len(), 0))?;
        Ok(format!("{n} bytes"))
    }),
    ("rw_ioctl_listed", |f| {
        let mut n: libc::c_int = 0;
        sys!(libc::ioctl(f.rw, libc::FIONREAD, &mut n))?;
        Ok(format!("{n} readable"))
    }),
    ("rw_fcntl_getfl", |f| {
        let fl = sys!(libc::fcntl(f.rw, libc::F_GETFL))?;
        Ok(format!("flags {fl:#o}"))
    }),
    ("rw_mmap_read", |f| {
        map(f.rw, libc::PROT_READ, libc::MAP_SHARED)
    }),
    ("stdout_write", |_| write_text(1, "stdout works\n")),
    ("isatty_stdout", |_| {
        // SAFETY: `termios` is plain old data; all zeroes is a valid value.
        let mut t: libc::termios = unsafe { std::mem::zeroed() };
        match sys!(libc::tcgetattr(1, &mut t)) {
            Ok(_) => Ok("a terminal".into()),
            Err(e) if e.raw_os_error() == Some(libc::ENOTTY) => Ok("not a terminal".into()),
            Err(e) => Err(e),
        }
    }),
    ("fd_flags_any", |f| {
        let fl = sys!(libc::fcntl(f.ro, libc::F_GETFD))?;
        sys!(libc::fcntl(f.ro, libc::F_SETFD, fl | libc::FD_CLOEXEC))?;
        Ok("F_GETFD/F_SETFD".into())
    }),
    ("rodir_ioctl", |f| {
        let mut flags: libc::c_long = 0;
        sys!(libc::ioctl(f.rodir, libc::FS_IOC_GETFLAGS, &mut flags))?;
        Ok(format!("inode flags {flags:#x}"))
    }),
    ("ro_splice_offset", |f| {
        // An explicit offset is a pread: `ro` has no `seek`.
        let [_r, w] = pipe()?;
        let mut off: libc::loff_t = 0;
        let n = sys!(libc::splice(f.ro, &mut off, w, std::ptr::null_mut(), 4, 0))?;
        Ok(format!("{n} bytes at an offset"))
    }),
    ("ro_sendfile_offset", |f| {
        let [_r, w] = pipe()?;
        let mut off: libc::off_t = 0;
        let n = sys!(libc::sendfile(w, f.ro, &mut off, 4))?;
        Ok(format!("{n} bytes at an offset"))
    }),
    ("ro_copy_file_range_offset", |f| {
        let mut off: libc::loff_t = 0;
        let n = sys!(libc::copy_file_range(
            f.ro,
            &mut off,
            f.wo,
            std::ptr::null_mut(),
            4,
            0
        ))?;
        Ok(format!("{n} bytes at an offset"))
    }),
    // Anonymous memory may be made executable (FreeBSD's vm_mmap gives it
    // every protection; capmode.cc TEST(CapMode, AllowedMmapSyscalls)):
    // mapped so, or changed so with mprotect(2), which the supervisor
    // judges against the mapping (supervise/protected.rs).
    ("anon_mmap_exec", |_| {
        let p = anonymous(4096, libc::PROT_READ | libc::PROT_EXEC, libc::MAP_PRIVATE)?;
        let _ = sys!(libc::munmap(p, 4096));
        Ok("executable anonymous memory".into())
    }),
    ("anon_mprotect_exec", |_| {
        let p = anonymous(4096, libc::PROT_READ | libc::PROT_WRITE, libc::MAP_PRIVATE)?;
        let r = sys!(libc::mprotect(p, 4096, libc::PROT_READ | libc::PROT_EXEC));
        let _ = sys!(libc::munmap(p, 4096));
        r.map(|_| "anonymous memory made executable".into())
    }),
    // Shared anonymous memory the program named (prctl(2) `PR_SET_VMA`,
    // `PR_SET_VMA_ANON_NAME`: /proc/PID/maps then says
    // `[anon_shmem:NAME]`) is anonymous memory still.
    ("anon_shared_named_mprotect_exec", |_| {
        let p = anonymous(4096, libc::PROT_READ | libc::PROT_WRITE, libc::MAP_SHARED)?;
        // PR_SET_VMA (0x53564d41), PR_SET_VMA_ANON_NAME (0); `EINVAL` on a
        // kernel without CONFIG_ANON_VMA_NAME, which leaves it unnamed.
        let named = sys!(libc::prctl(
            0x5356_4d41,
            0,
            p as libc::c_ulong,
            4096,
            c"jit".as_ptr()
        ))
        .map_or("unnamed: the kernel names no mapping", |_| "named");
        let r = sys!(libc::mprotect(p, 4096, libc::PROT_READ | libc::PROT_EXEC));
        let _ = sys!(libc::munmap(p, 4096));
        r.map(|_| format!("shared anonymous memory ({named}) made executable"))
    }),
    // The program's own image, mapped before entry: within its maximum
    // protection.
    ("own_text_mprotect_exec", |_| {
        let page = (own_text_mprotect_exec_anchor as *const () as usize) & !4095;
        sys!(libc::mprotect(
            page as *mut libc::c_void,
            4096,
            libc::PROT_READ | libc::PROT_EXEC
        ))?;
        Ok("own text still executable".into())
    }),
    // A range meeting anonymous memory and a mapping of `rw` (whose
    // rights lack `mmap_x`): refused whole (Capsicum: vm_map_protect
    // fails on the file's maximum protection).
    ("anon_and_rw_mprotect_exec", |f| {
        let p = anonymous(8192, libc::PROT_READ | libc::PROT_WRITE, libc::MAP_PRIVATE)?;
        let second = (p as usize + 4096) as *mut libc::c_void;
        sys!(libc::mmap(
            second,
            4096,
            libc::PROT_READ,
            libc::MAP_PRIVATE | libc::MAP_FIXED,
            f.rw,
            0
        ))?;
        let r = sys!(libc::mprotect(p, 8192, libc::PROT_READ | libc::PROT_EXEC));
        let _ = sys!(libc::munmap(p, 8192));
        r.map(|_| "a file mapping made executable".into())
    }),
    // A memfd made after entry, mapped and made executable: Capsicum
    // gives it every right (`mmap_x` included); here it is in no class,
    // and its mapping is refused `PROT_EXEC` (row 4 (a)).
    ("memfd_mprotect_exec", |_| {
        let fd = sys!(libc::memfd_create(c"jit".as_ptr(), libc::MFD_CLOEXEC))?;
        sys!(libc::ftruncate(fd, 4096))?;
        let p = sys!(libc::mmap(
            std::ptr::null_mut(),
            4096,
            libc::PROT_READ,
            libc::MAP_SHARED,
            fd,
            0
        ))?;
        let r = sys!(libc::mprotect(p, 4096, libc::PROT_READ | libc::PROT_EXEC));
        let _ = sys!(libc::munmap(p, 4096));
        r.map(|_| "a memfd mapping made executable".into())
    }),
    ("memfd_mmap_exec", |_| {
        let fd = sys!(libc::memfd_create(c"jit".as_ptr(), libc::MFD_CLOEXEC))?;
        sys!(libc::ftruncate(fd, 4096))?;
        let p = sys!(libc::mmap(
            std::ptr::null_mut(),
            4096,
            libc::PROT_READ | libc::PROT_EXEC,
            libc::MAP_SHARED,
            fd,
            0
        ))?;
        let _ = sys!(libc::munmap(p, 4096));
        Ok("a memfd mapped executable".into())
    }),
    ("rw_mprotect_exec", |f| {
        let p = sys!(libc::mmap(
            std::ptr::null_mut(),
            4096,
            libc::PROT_READ,
            libc::MAP_PRIVATE,
            f.rw,
            0
        ))?;
        sys!(libc::mprotect(p, 4096, libc::PROT_READ | libc::PROT_EXEC))?;
        Ok("file mapping made executable".into())
    }),
    // ---- third attack (mprotect judged by the supervisor,
    // supervise/protected.rs) ----
    // Capsicum bounds a mapping of `rw` (rights without `mmap_x`) by its
    // maximum protection, which lacks `PROT_EXEC`, whatever the call
    // (vm_map_protect, sys/vm/vm_map.c: `KERN_PROTECTION_FAILURE`, EACCES
    // from kern_mprotect). The same mapping through pkey_mprotect(2) with
    // no key (-1: mprotect(2) itself, pkeys(7)).
    ("rw_pkey_mprotect_exec", |f| {
        let p = map_rw_private(f.rw, libc::PROT_READ)?;
        sys!(libc::syscall(
            libc::SYS_pkey_mprotect,
            p,
            4096,
            libc::PROT_READ | libc::PROT_EXEC,
            -1
        ))?;
        Ok("file mapping made executable".into())
    }),
    // A length of one byte: the kernel rounds it up to the page
    // (mprotect(2)), the supervisor must judge the page.
    ("rw_mprotect_exec_one_byte", |f| {
        let p = map_rw_private(f.rw, libc::PROT_READ)?;
        sys!(libc::mprotect(p, 1, libc::PROT_READ | libc::PROT_EXEC))?;
        Ok("file mapping made executable".into())
    }),
    // The address with a tag in its top bits: arm64 ignores the top byte
    // of a user address (untagged_addr in mm/mprotect.c, TBI), x86_64
    // bits 57-62 once LAM is on (arch_prctl ARCH_ENABLE_TAGGED_ADDR), so
    // the kernel changes `rw`'s mapping while /proc/PID/maps holds no
    // mapping at the tagged address (Capsicum's answer: that of the
    // mapping, EACCES). Where nothing untags it (x86_64 without LAM) the
    // kernel answers ENOMEM, and the supervisor judges the untagged range
    // all the same.
    ("rw_tagged_mprotect_exec", |f| {
        let p = map_rw_private(f.rw, libc::PROT_READ)?;
        let tagged = (p as usize | ADDRESS_TAG) as *mut libc::c_void;
        sys!(libc::mprotect(
            tagged,
            4096,
            libc::PROT_READ | libc::PROT_EXEC
        ))?;
        Ok("file mapping made executable through a tagged address".into())
    }),
    // A range of `rw`'s mapping and a hole after it: the kernel changes
    // the mapping, then answers ENOMEM at the hole (mm/mprotect.c
    // do_mprotect_pkey), so the page is executable whatever it answered;
    // a child calls it to find out. Capsicum: EACCES, nothing changed
    // (vm_map_protect checks every entry's maximum protection in a first
    // pass, sys/vm/vm_map.c).
    ("rw_mprotect_exec_before_hole", |f| {
        let p = anonymous(8192, libc::PROT_NONE, libc::MAP_PRIVATE)?;
        sys!(libc::mmap(
            p,
            4096,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_FIXED,
            f.rw,
            0
        ))?;
        sys!(libc::munmap((p as usize + 4096) as *mut libc::c_void, 4096))?;
        // A private copy: the file is not written.
        // SAFETY: `p` is a writable private page of ours, as long as `RET`.
        unsafe { std::ptr::copy_nonoverlapping(RET.as_ptr(), p.cast::<u8>(), RET.len()) };
        let r = sys!(libc::mprotect(p, 8192, libc::PROT_READ | libc::PROT_EXEC));
        match r {
            Err(e) if e.raw_os_error() != Some(libc::ENOMEM) => Err(e),
            r if runs(p)? => Ok(format!("file mapping executable (mprotect: {r:?})")),
            Ok(_) => Err(std::io::Error::other("answered 0, not executable")),
            Err(e) => Err(e),
        }
    }),
    // The call from another thread of the program (the supervisor reads
    // /proc/TID/maps of the thread that asks).
    ("rw_mprotect_exec_from_thread", |f| {
        let p = map_rw_private(f.rw, libc::PROT_READ)? as usize;
        std::thread::spawn(move || {
            sys!(libc::mprotect(
                p as *mut libc::c_void,
                4096,
                libc::PROT_READ | libc::PROT_EXEC
            ))
        })
        .join()
        .map_err(|_| std::io::Error::other("the thread panicked"))??;
        Ok("file mapping made executable".into())
    }),
    // The call from a child forked after entry, whose mappings are copies
    // of the program's (fork(2)); it answers with its exit status.
    ("rw_mprotect_exec_in_child", |f| {
        let p = map_rw_private(f.rw, libc::PROT_READ)?;
        let (pid, pidfd) = pidfd_fork()?;
        if pid == 0 {
            let r = sys!(libc::mprotect(p, 4096, libc::PROT_READ | libc::PROT_EXEC));
            // SAFETY: _exit(2) in the child, which owns nothing to flush.
            unsafe { libc::_exit(r.map_or_else(|e| e.raw_os_error().unwrap_or(255), |_| 0)) };
        }
        match pidfd_wait(pidfd)? {
            End::Exited(0) => Ok("file mapping made executable in the child".into()),
            End::Exited(errno) => Err(std::io::Error::from_raw_os_error(errno)),
            end => Err(std::io::Error::other(format!("the child: {end:?}"))),
        }
    }),
    // An anonymous mapping names a descriptor, `rw`, which Linux ignores
    // (mm/mmap.c ksys_mmap_pgoff takes the file only without
    // MAP_ANONYMOUS): executable anonymous memory, zeroes, not the file
    // (Capsicum: vm_mmap gives anonymous memory every protection).
    ("anon_mmap_exec_naming_rw", |f| {
        let p = sys!(libc::mmap(
            std::ptr::null_mut(),
            4096,
            libc::PROT_READ | libc::PROT_EXEC,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
            f.rw,
            0
        ))?;
        // SAFETY: `p` is a readable page of ours.
        let first = unsafe { std::slice::from_raw_parts(p.cast::<u8>(), 16) }.to_vec();
        let _ = sys!(libc::munmap(p, 4096));
        if first.iter().all(|&b| b == 0) {
            Ok("executable anonymous memory, zeroes".into())
        } else {
            Err(std::io::Error::other(format!(
                "the file's bytes: {first:?}"
            )))
        }
    }),
    ("ro_statx_empty", |f| {
        // SAFETY: `statx` is plain old data; all zeroes is a valid value.
        let mut st: libc::statx = unsafe { std::mem::zeroed() };
        sys!(libc::statx(
            f.ro,
            c"".as_ptr(),
            libc::AT_EMPTY_PATH,
            libc::STATX_BASIC_STATS,
            &mut st
        ))?;
        Ok(format!("size {}", st.stx_size))
    }),
    ("no_stray_descriptors", |f| {
        // Every open descriptor must be one the program was given: a copy
        // left behind by setup (a reopen, a Landlock rule's directory) would
        // be unlimited by the rights filter. Others must be limited: a copy
        // of a limited descriptor (the placeholders on pool numbers
        // included) is refused or lands in a pool of its limits, never on
        // the lowest free number, where the kernel puts a copy of a
        // descriptor in no class.
        let given = [
            0,
            1,
            2,
            HANDED_TCP,
            HANDED_UDP,
            HANDED_LISTENER,
            HANDED_PIDFD,
        ];
        let mine = [f.dir, f.rodir, f.ro, f.wo, f.rw, f.narrowed];
        // SAFETY: `rlimit` is plain old data; all zeroes is a valid value.
        let mut lim: libc::rlimit = unsafe { std::mem::zeroed() };
        sys!(libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim))?;
        let mut ends = [0; 2];
        sys!(libc::pipe2(ends.as_mut_ptr(), libc::O_CLOEXEC))?;
        let lowest = ends[0].min(ends[1]);
        // SAFETY: the pipe just made.
        unsafe {
            libc::close(ends[0]);
            libc::close(ends[1]);
        }
        let stray: Vec<RawFd> = (0..lim.rlim_cur.min(1 << 20) as RawFd)
            .filter(|fd| !given.contains(fd) && !mine.contains(fd))
            // SAFETY: F_GETFD takes no pointer.
            .filter(|fd| unsafe { libc::fcntl(*fd, libc::F_GETFD) } != -1)
            .filter(|fd| {
                // SAFETY: F_DUPFD_CLOEXEC takes a number; a copy made is
                // closed at once.
                let copy = unsafe { libc::fcntl(*fd, libc::F_DUPFD_CLOEXEC, 0) };
                if copy >= 0 {
                    // SAFETY: as above.
                    unsafe { libc::close(copy) };
                }
                copy == lowest
            })
            .collect();
        Ok(if stray.is_empty() {
            "none".into()
        } else {
            format!("stray descriptors {stray:?}")
        })
    }),
];

/// poll(2) of `fd` and of the read end of a pipe holding a byte: `EBADF`
/// when `fd` answers `POLLNVAL` while the pipe answers `POLLIN` (both
/// counted), as FreeBSD's poll answers a descriptor without `event`.
fn poll_beside_pipe(fd: RawFd) -> Attempt {
    let [r, w] = pipe()?;
    let written = write_text(w, "x");
    let mut fds = [
        libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        },
        libc::pollfd {
            fd: r,
            events: libc::POLLIN,
            revents: 0,
        },
    ];
    let n = sys!(libc::poll(fds.as_mut_ptr(), 2, 0));
    close(r);
    close(w);
    written?;
    let n = n?;
    if fds[0].revents == libc::POLLNVAL && fds[1].revents & libc::POLLIN != 0 && n == 2 {
        return Err(std::io::Error::from_raw_os_error(libc::EBADF));
    }
    Ok(format!(
        "{n} ready: revents {:#x} and the pipe's {:#x}",
        fds[0].revents, fds[1].revents
    ))
}

/// poll(2), 3,000 times without waiting, of an entry another thread keeps
/// turning from an empty pipe (holding `event`) into `fd` and back: `Ok`
/// when a poll reported `fd` ready (a regular file always is), `EBADF`
/// when it answered `POLLNVAL` and never that.
fn racing_poll(fd: RawFd) -> Attempt {
    use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
    use std::sync::Arc;
    let [r, w] = pipe()?;
    // `struct pollfd` as two ints: fd, then events and revents.
    let entry: Arc<[AtomicI32; 2]> = Arc::new([AtomicI32::new(r), AtomicI32::new(0)]);
    let events = i32::from(libc::POLLIN) & 0xffff;
    let stop = Arc::new(AtomicBool::new(false));
    let started = Arc::new(AtomicBool::new(false));
    let flipper = {
        let (entry, stop, started) = (Arc::clone(&entry), Arc::clone(&stop), Arc::clone(&started));
        std::thread::spawn(move || {
            let mut which = false;
            started.store(true, Ordering::SeqCst);
            while !stop.load(Ordering::Relaxed) {
                which = !which;
                entry[0].store(if which { fd } else { r }, Ordering::SeqCst);
                for _ in 0..200 {
                    std::hint::spin_loop();
                }
            }
        })
    };
    while !started.load(Ordering::SeqCst) {
        std::thread::yield_now();
    }
    let (mut nval, mut reached) = (0, None);
    for _ in 0..3000 {
        entry[1].store(events, Ordering::SeqCst);
        // SAFETY: poll(2) of one `struct pollfd` the two atomics lay out
        // (atomics may be written through a shared pointer).
        let n = unsafe { libc::poll(entry.as_ptr().cast_mut().cast(), 1, 0) };
        let revents = (entry[1].load(Ordering::SeqCst) >> 16) as i16;
        if n > 0 && revents == libc::POLLNVAL {
            nval += 1;
        } else if n > 0 {
            reached = Some(revents);
            break;
        }
    }
    stop.store(true, Ordering::Relaxed);
    let _ = flipper.join();
    close(r);
    close(w);
    match reached {
        Some(revents) => Ok(format!(
            "polled the descriptor without `event`: {revents:#x}"
        )),
        None if nval > 0 => Err(std::io::Error::from_raw_os_error(libc::EBADF)),
        None => Err(std::io::Error::other("the race never met the descriptor")),
    }
}

/// A function of the probe's own image, whose page `own_text_mprotect_exec`
/// changes.
#[inline(never)]
fn own_text_mprotect_exec_anchor() {}

/// A private mapping of one page of `rw` (`mmap_r`) with `prot`.
fn map_rw_private(rw: RawFd, prot: i32) -> std::io::Result<*mut libc::c_void> {
    sys!(libc::mmap(
        std::ptr::null_mut(),
        4096,
        prot,
        libc::MAP_PRIVATE,
        rw,
        0
    ))
}

/// Bits of a user address the kernel may ignore: arm64's top byte (TBI,
/// Documentation/arch/arm64/tagged-address-abi.rst), x86_64's bits 57-62
/// under LAM_U57 (arch/x86/include/asm/uaccess_64.h).
#[cfg(target_arch = "aarch64")]
const ADDRESS_TAG: usize = 0x2a << 56;
#[cfg(not(target_arch = "aarch64"))]
const ADDRESS_TAG: usize = 0x15 << 57;

/// A function that returns at once: `ret`.
#[cfg(target_arch = "aarch64")]
const RET: [u8; 4] = 0xd65f03c0u32.to_le_bytes();
#[cfg(not(target_arch = "aarch64"))]
const RET: [u8; 1] = [0xc3];

/// Whether page `p`, starting with [`RET`], runs: a child calls it and
/// exits 0 (it dies of SIGSEGV where the page is not executable).
fn runs(p: *mut libc::c_void) -> std::io::Result<bool> {
    let (pid, pidfd) = pidfd_fork()?;
    if pid == 0 {
        // SAFETY: `p` starts with a `ret`; where it is not executable
        // the child dies of SIGSEGV, which is the answer.
        unsafe {
            let f: extern "C" fn() = std::mem::transmute(p);
            f();
            libc::_exit(0)
        }
    }
    Ok(matches!(pidfd_wait(pidfd)?, End::Exited(0)))
}
