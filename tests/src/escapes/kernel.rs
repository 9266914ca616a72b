//! The attempts of promise 4: no kernel surface that bypasses the filter or
//! the namespace.

use std::io;

use super::calls::*;
use super::*;
use crate::sys::*;

pub(super) const CASES: &[(&str, Probe)] = &[
    ("io_uring_setup", |_| {
        let mut params = [0u8; 120]; // struct io_uring_params
        let fd = sys!(libc::syscall(
            libc::SYS_io_uring_setup,
            1,
            params.as_mut_ptr()
        ))?;
        close(fd as RawFd);
        Ok("io_uring".into())
    }),
    ("bpf", |_| {
        let mut attr = [0u8; 128]; // union bpf_attr, zeroed: BPF_MAP_CREATE of nothing
        sys!(libc::syscall(
            libc::SYS_bpf,
            0,
            attr.as_mut_ptr(),
            attr.len()
        ))?;
        Ok("bpf".into())
    }),
    ("perf_event_open", |_| {
        // A software clock counter on ourselves.
        let mut attr = [0u8; 128]; // struct perf_event_attr
        attr[0..4].copy_from_slice(&1u32.to_ne_bytes()); // type = PERF_TYPE_SOFTWARE
        attr[4..8].copy_from_slice(&128u32.to_ne_bytes()); // size
        let fd = sys!(libc::syscall(
            libc::SYS_perf_event_open,
            attr.as_mut_ptr(),
            0,
            -1,
            -1,
            0
        ))?;
        close(fd as RawFd);
        Ok("perf".into())
    }),
    ("userfaultfd", |_| {
        let fd = sys!(libc::syscall(libc::SYS_userfaultfd, libc::O_CLOEXEC))?;
        close(fd as RawFd);
        Ok("userfaultfd".into())
    }),
    ("add_key", |_| {
        let payload = b"x";
        sys!(libc::syscall(
            libc::SYS_add_key,
            c("user").as_ptr(),
            c("sandboxed-escape").as_ptr(),
            payload.as_ptr(),
            payload.len(),
            -2 /* KEY_SPEC_PROCESS_KEYRING */
        ))?;
        Ok("key added".into())
    }),
    ("keyctl", |_| {
        let id = sys!(libc::syscall(
            libc::SYS_keyctl,
            0,  /* KEYCTL_GET_KEYRING_ID */
            -4, /* KEY_SPEC_USER_KEYRING */
            0
        ))?;
        Ok(format!("user keyring {id}"))
    }),
    ("mount_tmpfs", |_| {
        sys!(libc::mount(
            c("none").as_ptr(),
            world("outside/mnt").as_ptr(),
            c("tmpfs").as_ptr(),
            0,
            std::ptr::null()
        ))?;
        Ok("mounted".into())
    }),
    ("fsopen", |_| {
        let fd = sys!(libc::syscall(libc::SYS_fsopen, c("tmpfs").as_ptr(), 0))?;
        close(fd as RawFd);
        Ok("fsopen".into())
    }),
    ("open_tree", |f| {
        let fd = sys!(libc::syscall(
            libc::SYS_open_tree,
            f.dir,
            c("").as_ptr(),
            1 /* OPEN_TREE_CLONE */ | libc::AT_EMPTY_PATH
        ))?;
        close(fd as RawFd);
        Ok("detached tree".into())
    }),
    ("umount", |_| {
        sys!(libc::umount2(world("outside/mnt").as_ptr(), 0))?;
        Ok("unmounted".into())
    }),
    ("unshare_user", |_| {
        sys!(libc::unshare(libc::CLONE_NEWUSER))?;
        Ok("new user namespace".into())
    }),
    ("unshare_net", |_| {
        sys!(libc::unshare(libc::CLONE_NEWNET))?;
        Ok("new network namespace".into())
    }),
    ("setns", |f| {
        // Not a namespace descriptor: EINVAL if the call got through.
        sys!(libc::setns(f.ro, 0))?;
        Ok("joined".into())
    }),
    ("chroot", |_| {
        sys!(libc::chroot(world("dir").as_ptr()))?;
        Ok("chrooted".into())
    }),
    ("pivot_root", |_| {
        // Paths that do not exist: ENOENT if the call got through.
        sys!(libc::syscall(
            libc::SYS_pivot_root,
            c("/nonexistent-a").as_ptr(),
            c("/nonexistent-b").as_ptr()
        ))?;
        Ok("pivoted".into())
    }),
    ("sysv_shmget", |_| {
        let id = sys!(libc::shmget(
            libc::IPC_PRIVATE,
            4096,
            libc::IPC_CREAT | 0o600
        ))?;
        let _ = sys!(libc::shmctl(id, libc::IPC_RMID, std::ptr::null_mut()));
        Ok("shm segment".into())
    }),
    ("sysv_semget", |_| {
        let id = sys!(libc::semget(libc::IPC_PRIVATE, 1, libc::IPC_CREAT | 0o600))?;
        let _ = sys!(libc::semctl(id, 0, libc::IPC_RMID));
        Ok("semaphore".into())
    }),
    ("sysv_msgget", |_| {
        let id = sys!(libc::msgget(libc::IPC_PRIVATE, libc::IPC_CREAT | 0o600))?;
        let _ = sys!(libc::msgctl(id, libc::IPC_RMID, std::ptr::null_mut()));
        Ok("message queue".into())
    }),
    ("mq_open", |_| {
        let name = c("/sandboxed-escape");
        let q = sys!(libc::syscall(
            libc::SYS_mq_open,
            name.as_ptr(),
            libc::O_CREAT | libc::O_RDWR,
            0o600,
            0
        ))?;
        let _ = sys!(libc::syscall(libc::SYS_mq_unlink, name.as_ptr()));
        close(q as RawFd);
        Ok("message queue".into())
    }),
    ("reboot_bad_magic", |_| {
        // magic2 = 0 is invalid: EINVAL if the call got through.
        sys!(libc::syscall(
            libc::SYS_reboot,
            0xfee1_dead_u32,
            0,
            0x4321_fedc_u32,
            0
        ))?;
        Ok("reboot accepted".into())
    }),
    ("finit_module", |_| {
        sys!(libc::syscall(libc::SYS_finit_module, -1, c("").as_ptr(), 0))?;
        Ok("module".into())
    }),
    ("delete_module", |_| {
        sys!(libc::syscall(
            libc::SYS_delete_module,
            c("sandboxed_escape_none").as_ptr(),
            libc::O_NONBLOCK
        ))?;
        Ok("module removed".into())
    }),
    ("clock_settime", |_| {
        // CLOCK_MONOTONIC cannot be set: EINVAL if the call got through.
        let now = libc::timespec {
            tv_sec: 1,
            tv_nsec: 0,
        };
        sys!(libc::clock_settime(libc::CLOCK_MONOTONIC, &now))?;
        Ok("clock set".into())
    }),
    ("settimeofday", |_| {
        // Both arguments NULL: a no-op that returns 0 if it got through.
        sys!(libc::syscall(libc::SYS_settimeofday, 0, 0))?;
        Ok("time set".into())
    }),
    ("sethostname", |_| {
        let mut name = [0u8; 65];
        sys!(libc::gethostname(name.as_mut_ptr().cast(), name.len()))?;
        let len = name.iter().position(|b| *b == 0).unwrap_or(64);
        sys!(libc::sethostname(name.as_ptr().cast(), len))?;
        Ok("hostname set (to itself)".into())
    }),
    ("personality", |_| {
        sys!(libc::personality(libc::READ_IMPLIES_EXEC as libc::c_ulong))?;
        Ok("persona changed".into())
    }),
    ("x32_getpid", |_| {
        let pid = sys!(libc::syscall(0x4000_0000 | libc::SYS_getpid))?;
        Ok(format!("x32 getpid = {pid}"))
    }),
    ("int80_getpid", |_| match int80_getpid() {
        r if (-4095..0).contains(&r) => Err(io::Error::from_raw_os_error(-r as i32)),
        pid => Ok(format!("i386 getpid = {pid}")),
    }),
    ("ioperm", |_| {
        // Turning access off: 0 if the call got through.
        ioperm_off()?;
        Ok("ioperm".into())
    }),
    ("syslog_read", |_| {
        let size = sys!(libc::klogctl(
            10, /* SYSLOG_ACTION_SIZE_BUFFER */
            std::ptr::null_mut(),
            0
        ))?;
        Ok(format!("kernel log of {size} bytes"))
    }),
    ("landlock_after_entry", |_| {
        let abi = sys!(libc::syscall(
            libc::SYS_landlock_create_ruleset,
            0,
            0,
            1 /* VERSION */
        ))?;
        Ok(format!("landlock abi {abi}"))
    }),
    ("tiocsti_stdin", |_| {
        let ch = b'x';
        sys!(libc::ioctl(0, libc::TIOCSTI, &ch))?;
        Ok("injected".into())
    }),
    // positive twins
    ("getrandom", |_| {
        let mut buf = [0u8; 16];
        let n = sys!(libc::getrandom(buf.as_mut_ptr().cast(), buf.len(), 0))?;
        Ok(format!("{n} random bytes"))
    }),
    ("time_and_sleep", |_| {
        let t0 = std::time::Instant::now();
        std::thread::sleep(std::time::Duration::from_millis(1));
        let wall = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_err(io::Error::other)?;
        Ok(format!(
            "slept {:?}, epoch {}s",
            t0.elapsed(),
            wall.as_secs()
        ))
    }),
    ("localtime", |_| {
        let now: libc::time_t = 0;
        // SAFETY: `tm` is plain old data; all zeroes is a valid value.
        let mut tm: libc::tm = unsafe { std::mem::zeroed() };
        // SAFETY: both pointers are to live locals.
        let r = unsafe { libc::localtime_r(&now, &mut tm) };
        if r.is_null() {
            return Err(io::Error::last_os_error());
        }
        Ok(format!(
            "1970 in the local zone: year {}",
            tm.tm_year + 1900
        ))
    }),
    ("pipe_eventfd_epoll", |_| {
        let [r, w] = pipe()?;
        let ev = sys!(libc::eventfd(1, libc::EFD_CLOEXEC))?;
        let ep = sys!(libc::epoll_create1(libc::EPOLL_CLOEXEC))?;
        let mut event = libc::epoll_event {
            events: libc::EPOLLIN as u32,
            u64: 7,
        };
        sys!(libc::epoll_ctl(ep, libc::EPOLL_CTL_ADD, ev, &mut event))?;
        let mut out = [libc::epoll_event { events: 0, u64: 0 }; 1];
        let n = sys!(libc::epoll_wait(ep, out.as_mut_ptr(), 1, 1000))?;
        write_text(w, "pipe")?;
        let text = read_text(r)?;
        Ok(format!("{n} event, {text}"))
    }),
    ("mmap_anon", |_| {
        let p = sys!(libc::mmap(
            std::ptr::null_mut(),
            4096,
            libc::PROT_READ,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
            -1,
            0
        ))?;
        sys!(libc::mprotect(p, 4096, libc::PROT_READ | libc::PROT_WRITE))?;
        let _ = sys!(libc::munmap(p, 4096));
        Ok("anonymous memory".into())
    }),
    ("uname", |_| {
        // SAFETY: `utsname` is plain old data; all zeroes is a valid value.
        let mut u: libc::utsname = unsafe { std::mem::zeroed() };
        sys!(libc::uname(&mut u))?;
        Ok("uname".into())
    }),
    ("panic_backtrace", |_| panic_here()),
    ("seccomp_new_filter", |_| {
        // One instruction: SECCOMP_RET_ALLOW. Harmless if it got through.
        let insn = libc::sock_filter {
            code: 0x06,
            jt: 0,
            jf: 0,
            k: 0x7fff_0000,
        };
        let prog = libc::sock_fprog {
            len: 1,
            filter: &insn as *const _ as *mut _,
        };
        sys!(libc::syscall(
            libc::SYS_seccomp,
            1, /* SECCOMP_SET_MODE_FILTER */
            0,
            &prog
        ))?;
        Ok("filter added".into())
    }),
    ("quotactl_fd", |f| {
        // Q_GETFMT of the filesystem holding `dir`: read-only.
        let mut fmt: u32 = 0;
        sys!(libc::syscall(
            nr::QUOTACTL_FD,
            f.dir,
            0x80_0004u32, /* QCMD(Q_GETFMT, USRQUOTA) */
            0,
            &mut fmt
        ))?;
        Ok(format!("quota format {fmt}"))
    }),
    ("madvise_hwpoison", |_| {
        madvise_unmapped(libc::MADV_HWPOISON)
    }),
    ("madvise_soft_offline", |_| {
        madvise_unmapped(libc::MADV_SOFT_OFFLINE)
    }),
    ("madvise_own_memory", |_| {
        // The advice programs use on their own memory still works.
        let p = sys!(libc::mmap(
            std::ptr::null_mut(),
            4096,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
            -1,
            0
        ))?;
        let advised = sys!(libc::madvise(p, 4096, libc::MADV_DONTNEED))
            .and_then(|_| sys!(libc::madvise(p, 4096, libc::MADV_FREE)));
        let _ = sys!(libc::munmap(p, 4096));
        advised?;
        Ok("advised".into())
    }),
    ("timerfd_create_alarm", |_| {
        // Created, never armed: nothing is programmed even where it gets
        // through.
        let fd = sys!(libc::timerfd_create(libc::CLOCK_REALTIME_ALARM, 0))?;
        close(fd);
        Ok("alarm timerfd".into())
    }),
    ("timer_create_alarm", |_| {
        // SAFETY: `sigevent` is plain old data; all zeroes is a valid value.
        let mut event: libc::sigevent = unsafe { std::mem::zeroed() };
        event.sigev_notify = libc::SIGEV_NONE;
        let mut timer: libc::timer_t = std::ptr::null_mut();
        sys!(libc::timer_create(
            libc::CLOCK_BOOTTIME_ALARM,
            &mut event,
            &mut timer
        ))?;
        let _ = sys!(libc::timer_delete(timer));
        Ok("alarm timer".into())
    }),
    ("clock_nanosleep_alarm", |_| {
        // Until the epoch, long past: returns at once where it gets through.
        let past = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: a live timespec; no remainder is asked for.
        let r = unsafe {
            libc::clock_nanosleep(
                libc::CLOCK_REALTIME_ALARM,
                libc::TIMER_ABSTIME,
                &past,
                std::ptr::null_mut(),
            )
        };
        match r {
            0 => Ok("slept on the alarm clock".into()),
            e => Err(io::Error::from_raw_os_error(e)),
        }
    }),
    ("timerfd_monotonic", |_| {
        let fd = sys!(libc::timerfd_create(libc::CLOCK_MONOTONIC, 0))?;
        close(fd);
        Ok("monotonic timerfd".into())
    }),
    ("swapoff", |_| {
        sys!(libc::syscall(
            libc::SYS_swapoff,
            c"/nonexistent-swap".as_ptr()
        ))?;
        Ok("swap off".into())
    }),
    ("beneath_opened_fithaw", |f| {
        // Filesystem-wide ioctls work on any regular file, and Landlock's
        // ioctl right covers devices only. FITHAW of a filesystem that is
        // not frozen fails with EINVAL if it gets through: harmless, and
        // proof that FIFREEZE (which would freeze it) would too.
        let fd = openat(f.rodir, &c("keep.txt"), libc::O_RDONLY)?;
        sys!(libc::ioctl(fd, nr::FITHAW, 0))?;
        Ok("thawed".into())
    }),
];

/// Memory-failure injection (madvise(2): privileged, CONFIG_MEMORY_FAILURE)
/// at an address nothing is mapped at, so that no page is poisoned even
/// where it gets through: the kernel then answers EFAULT or ENOMEM, or
/// EINVAL without CONFIG_MEMORY_FAILURE, never the filter's EPERM (but to
/// a process without CAP_SYS_ADMIN).
fn madvise_unmapped(advice: libc::c_int) -> io::Result<String> {
    let nowhere = 4096 as *mut libc::c_void;
    sys!(libc::madvise(nowhere, 4096, advice))?;
    Ok("advice taken".into())
}
