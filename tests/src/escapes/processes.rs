//! The attempts of promise 2: no new process images and no foreign
//! processes.

use super::calls::*;
use super::*;
use crate::sys::*;

pub(super) const CASES: &[(&str, Probe)] = &[
    ("execve", |_| execve_true()),
    ("execveat_absolute", |_| {
        let argv = [c"true".as_ptr(), std::ptr::null()];
        let envp: [*const libc::c_char; 1] = [std::ptr::null()];
        sys!(libc::syscall(
            libc::SYS_execveat,
            libc::AT_FDCWD,
            c("/usr/bin/true").as_ptr(),
            argv.as_ptr(),
            envp.as_ptr(),
            0
        ))?;
        Ok("executed".into())
    }),
    ("ptrace_attach", |_| {
        sys!(libc::ptrace(
            libc::PTRACE_ATTACH,
            pid_env("ESCAPE_VICTIM"),
            0,
            0
        ))?;
        Ok("attached".into())
    }),
    ("ptrace_traceme", |_| {
        sys!(libc::ptrace(libc::PTRACE_TRACEME, 0, 0, 0))?;
        Ok("traced".into())
    }),
    ("process_vm_readv", |_| process_vm(false)),
    ("process_vm_writev", |_| process_vm(true)),
    ("pidfd_open_other", |_| {
        let fd = sys!(libc::syscall(
            libc::SYS_pidfd_open,
            pid_env("ESCAPE_VICTIM"),
            0
        ))?;
        close(fd as RawFd);
        Ok("pidfd".into())
    }),
    ("pidfd_getfd_self", |f| {
        // SAFETY: getpid(2) cannot fail.
        let me = unsafe { libc::getpid() };
        let pidfd = sys!(libc::syscall(libc::SYS_pidfd_open, me, 0))?;
        let fd = sys!(libc::syscall(libc::SYS_pidfd_getfd, pidfd, f.ro, 0))?;
        fstat(fd as RawFd)
    }),
    ("kill_other", |_| {
        sys!(libc::kill(pid_env("ESCAPE_VICTIM"), libc::SIGTERM))?;
        Ok("signalled".into())
    }),
    ("tgkill_other", |_| {
        let v = pid_env("ESCAPE_VICTIM");
        sys!(libc::syscall(libc::SYS_tgkill, v, v, libc::SIGTERM))?;
        Ok("signalled".into())
    }),
    ("sigqueue_other", |_| {
        // SAFETY: `siginfo_t` is plain old data; all zeroes is a valid value.
        let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
        info.si_signo = libc::SIGTERM;
        info.si_code = libc::SI_QUEUE;
        sys!(libc::syscall(
            libc::SYS_rt_sigqueueinfo,
            pid_env("ESCAPE_VICTIM"),
            libc::SIGTERM,
            &info
        ))?;
        Ok("signalled".into())
    }),
    ("kill_parent_probe", |_| {
        // Signal 0 only asks whether the parent exists: harmless.
        // SAFETY: getppid(2) cannot fail.
        let parent = unsafe { libc::getppid() };
        sys!(libc::kill(parent, 0))?;
        Ok("parent is there".into())
    }),
    ("kill_all_probe", |_| {
        sys!(libc::kill(-1, 0))?;
        Ok("signal 0 to everyone".into())
    }),
    ("setpriority_other", |_| {
        sys!(libc::setpriority(
            libc::PRIO_PROCESS,
            pid_env("ESCAPE_VICTIM") as u32,
            5
        ))?;
        Ok("reniced".into())
    }),
    ("sched_setaffinity_other", |_| {
        // SAFETY: `cpu_set_t` is plain old data; all zeroes is a valid value.
        let mut set: libc::cpu_set_t = unsafe { std::mem::zeroed() };
        // SAFETY: CPU 0 is within the set's bounds.
        unsafe { libc::CPU_SET(0, &mut set) };
        sys!(libc::sched_setaffinity(
            pid_env("ESCAPE_VICTIM"),
            std::mem::size_of_val(&set),
            &set
        ))?;
        Ok("pinned".into())
    }),
    // Capability mode takes the calling thread or its process alone
    // (cpuset_check_capabilities): another thread of the caller's is
    // refused, its own thread and process ids are not.
    ("sched_setaffinity_sibling_thread", |_| {
        let (tid_tx, tid_rx) = std::sync::mpsc::channel();
        let (end_tx, end_rx) = std::sync::mpsc::channel::<()>();
        let sibling = std::thread::spawn(move || {
            // SAFETY: gettid(2) cannot fail.
            let _ = tid_tx.send(unsafe { libc::gettid() });
            let _ = end_rx.recv();
        });
        let tid = tid_rx.recv().map_err(std::io::Error::other)?;
        let result = affinity_of(tid);
        drop(end_tx);
        let _ = sibling.join();
        result.map(|n| format!("pinned the sibling thread ({n} CPUs)"))
    }),
    ("sched_affinity_own_ids", |_| {
        // SAFETY: getpid(2) cannot fail.
        let by_pid = affinity_of(unsafe { libc::getpid() })?;
        let by_tid = std::thread::spawn(|| {
            // SAFETY: gettid(2) cannot fail.
            affinity_of(unsafe { libc::gettid() })
        })
        .join()
        .map_err(|_| std::io::Error::other("the thread panicked"))??;
        Ok(format!(
            "own process {by_pid} CPUs, own thread {by_tid} CPUs"
        ))
    }),
    ("prlimit_other", |_| {
        // SAFETY: `rlimit` is plain old data; all zeroes is a valid value.
        let mut old: libc::rlimit = unsafe { std::mem::zeroed() };
        sys!(libc::prlimit(
            pid_env("ESCAPE_VICTIM"),
            libc::RLIMIT_NOFILE,
            std::ptr::null(),
            &mut old
        ))?;
        Ok(format!("nofile {}", old.rlim_cur))
    }),
    ("kcmp_other", |_| {
        // SAFETY: getpid(2) cannot fail.
        let me = unsafe { libc::getpid() };
        sys!(libc::syscall(
            libc::SYS_kcmp,
            me,
            pid_env("ESCAPE_VICTIM"),
            0, /* KCMP_FILE */
            0,
            0
        ))?;
        Ok("compared".into())
    }),
    // positive twins
    ("kill_self", |_| {
        // SAFETY: SIG_IGN for SIGUSR1 installs no handler code.
        unsafe { libc::signal(libc::SIGUSR1, libc::SIG_IGN) };
        // SAFETY: getpid(2) cannot fail.
        let me = unsafe { libc::getpid() };
        sys!(libc::kill(me, libc::SIGUSR1))?;
        sys!(libc::raise(libc::SIGUSR1))?;
        Ok("signalled myself".into())
    }),
    ("sched_self", |_| {
        // SAFETY: `cpu_set_t` is plain old data; all zeroes is a valid value.
        let mut set: libc::cpu_set_t = unsafe { std::mem::zeroed() };
        sys!(libc::sched_getaffinity(
            0,
            std::mem::size_of_val(&set),
            &mut set
        ))?;
        sys!(libc::sched_yield())?;
        // SAFETY: counts bits of a live local set.
        Ok(format!("{} cpus", unsafe { libc::CPU_COUNT(&set) }))
    }),
    ("kill_pgrp_probe", |_| {
        // Signal 0 to our process group (which holds the test runner):
        // harmless.
        // SAFETY: getpgrp(2) cannot fail.
        let pgrp = unsafe { libc::getpgrp() };
        sys!(libc::kill(-pgrp, 0))?;
        Ok("group is there".into())
    }),
    ("ioprio_set_other", |_| {
        // IOPRIO_WHO_PROCESS, best-effort class 2 level 4: harmless.
        sys!(libc::syscall(
            libc::SYS_ioprio_set,
            1,
            pid_env("ESCAPE_VICTIM"),
            (2 << 13) | 4
        ))?;
        Ok("io priority changed".into())
    }),
    ("sched_setscheduler_other", |_| {
        let param = libc::sched_param { sched_priority: 0 };
        sys!(libc::sched_setscheduler(
            pid_env("ESCAPE_VICTIM"),
            libc::SCHED_OTHER,
            &param
        ))?;
        Ok("scheduler set".into())
    }),
    ("get_robust_list_other", |_| {
        let mut head: usize = 0;
        let mut len: usize = 0;
        sys!(libc::syscall(
            libc::SYS_get_robust_list,
            pid_env("ESCAPE_VICTIM"),
            &mut head,
            &mut len
        ))?;
        Ok(format!("robust list at {head:#x}"))
    }),
    ("move_pages_other", |_| {
        // Query only (nodes NULL): where the victim's pages live.
        let pages = [0x1000usize as *mut libc::c_void];
        let mut status = [0i32; 1];
        sys!(libc::syscall(
            libc::SYS_move_pages,
            pid_env("ESCAPE_VICTIM"),
            1,
            pages.as_ptr(),
            std::ptr::null::<i32>(),
            status.as_mut_ptr(),
            0
        ))?;
        Ok("page status".into())
    }),
    ("sched_getaffinity_other", |_| {
        // SAFETY: `cpu_set_t` is plain old data; all zeroes is a valid value.
        let mut set: libc::cpu_set_t = unsafe { std::mem::zeroed() };
        sys!(libc::sched_getaffinity(
            pid_env("ESCAPE_VICTIM"),
            std::mem::size_of_val(&set),
            &mut set
        ))?;
        Ok("read another process's affinity".into())
    }),
    ("tkill_other", |_| {
        sys!(libc::syscall(
            libc::SYS_tkill,
            pid_env("ESCAPE_VICTIM"),
            libc::SIGTERM
        ))?;
        Ok("signalled".into())
    }),
    ("tkill_self", |_| {
        // SAFETY: SIG_IGN installs no handler code.
        unsafe { libc::signal(libc::SIGUSR1, libc::SIG_IGN) };
        // SAFETY: gettid(2) cannot fail.
        let tid = unsafe { libc::gettid() };
        sys!(libc::syscall(libc::SYS_tkill, tid, libc::SIGUSR1))?;
        Ok("signalled my own thread".into())
    }),
    ("handed_pidfd_signal", |_| {
        // A pidfd of another process, handed in: seccomp lets
        // pidfd_send_signal through; Landlock's signal scope must stop it.
        sys!(libc::syscall(
            libc::SYS_pidfd_send_signal,
            HANDED_PIDFD,
            libc::SIGTERM,
            0,
            0
        ))?;
        Ok("signalled the victim through its pidfd".into())
    }),
    ("sigio_to_victim", |_| {
        // FIOSETOWN takes the owner behind a pointer (unlike F_SETOWN):
        // SIGIO to the victim, whose default action is to die. Landlock's
        // signal scope must drop it at delivery; the ioctl itself works.
        let [r, w] = socketpair(libc::SOCK_STREAM)?;
        let fl = sys!(libc::fcntl(r, libc::F_GETFL))?;
        sys!(libc::fcntl(r, libc::F_SETFL, fl | libc::O_ASYNC))?;
        let victim = pid_env("ESCAPE_VICTIM");
        sys!(libc::ioctl(r, nr::FIOSETOWN, &victim))?;
        write_text(w, "x")?;
        std::thread::sleep(std::time::Duration::from_millis(50));
        Ok("SIGIO armed towards the victim".into())
    }),
    // The CPU time of any process the caller may see (sys/kern/kern_time.c
    // get_cputime: pget PGET_CANSEE).
    ("clock_gettime_other_cputime", |_| {
        // SAFETY: `timespec` is plain old data; all zeroes is valid.
        let mut ts: libc::timespec = unsafe { std::mem::zeroed() };
        sys!(libc::clock_gettime(
            cpu_clock(pid_env("ESCAPE_VICTIM")),
            &mut ts
        ))?;
        Ok(format!("the victim ran {}.{:09} s", ts.tv_sec, ts.tv_nsec))
    }),
    // Linux-only calls on another process: the caller's alone. FreeBSD has
    // no timer or sleep on a CPU clock (kern_ktimer_create,
    // kern_clock_nanosleep: EINVAL), no I/O priority, no sched_getattr.
    ("timer_create_other_cputime", |_| {
        cpu_timer(cpu_clock(pid_env("ESCAPE_VICTIM")))?;
        Ok("a timer on the victim's CPU time".into())
    }),
    ("clock_nanosleep_other_cputime", |_| {
        // Until a moment long past: returns at once where it runs.
        let until = libc::timespec {
            tv_sec: 0,
            tv_nsec: 1,
        };
        let r = sys!(libc::syscall(
            libc::SYS_clock_nanosleep,
            cpu_clock(pid_env("ESCAPE_VICTIM")),
            libc::TIMER_ABSTIME,
            &until,
            std::ptr::null_mut::<libc::timespec>()
        ))?;
        Ok(format!("slept on the victim's CPU time: {r}"))
    }),
    ("ioprio_get_other", |_| {
        // IOPRIO_WHO_PROCESS.
        let p = sys!(libc::syscall(
            libc::SYS_ioprio_get,
            1,
            pid_env("ESCAPE_VICTIM")
        ))?;
        Ok(format!("the victim's io priority {p:#x}"))
    }),
    ("ioprio_set_group", |_| {
        // IOPRIO_WHO_PGRP of a group nobody has (ESRCH where it runs).
        sys!(libc::syscall(
            libc::SYS_ioprio_set,
            2,
            0x3fff_fff0,
            (2 << 13) | 4
        ))?;
        Ok("a group's io priority changed".into())
    }),
    ("sched_getattr_other", |_| {
        let mut attr = crate::parent::SchedAttr::default();
        sys!(libc::syscall(
            libc::SYS_sched_getattr,
            pid_env("ESCAPE_VICTIM"),
            &mut attr,
            std::mem::size_of::<crate::parent::SchedAttr>(),
            0
        ))?;
        Ok(format!("the victim's policy {}", attr.policy))
    }),
    ("sched_setattr_other", |_| {
        // SCHED_OTHER, nice 0: what the victim has.
        let attr = crate::parent::SchedAttr {
            size: std::mem::size_of::<crate::parent::SchedAttr>() as u32,
            ..Default::default()
        };
        sys!(libc::syscall(
            libc::SYS_sched_setattr,
            pid_env("ESCAPE_VICTIM"),
            &attr,
            0
        ))?;
        Ok("the victim's scheduling set".into())
    }),
    // Their positive twin: the caller's own, as 0.
    ("caller_only_self", |_| {
        let mut old = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        sys!(libc::syscall(
            libc::SYS_prlimit64,
            0,
            libc::RLIMIT_CORE,
            std::ptr::null::<libc::rlimit>(),
            &mut old
        ))?;
        let (mut head, mut len) = (0usize, 0usize);
        sys!(libc::syscall(
            libc::SYS_get_robust_list,
            0,
            &mut head,
            &mut len
        ))?;
        let io = sys!(libc::syscall(libc::SYS_ioprio_get, 1, 0))?;
        sys!(libc::syscall(libc::SYS_ioprio_set, 1, 0, io))?;
        let mut attr = crate::parent::SchedAttr::default();
        sys!(libc::syscall(
            libc::SYS_sched_getattr,
            0,
            &mut attr,
            std::mem::size_of::<crate::parent::SchedAttr>(),
            0
        ))?;
        sys!(libc::syscall(libc::SYS_sched_setattr, 0, &attr, 0))?;
        cpu_timer(cpu_clock(0))?;
        Ok("limits, robust list, io priority, scheduling, a CPU timer: my own".into())
    }),
    ("fork_child_kill_parent", |_| {
        // Signal 0: harmless either way.
        in_child(|| {
            // SAFETY: getppid(2) cannot fail.
            let parent = unsafe { libc::getppid() };
            sys!(libc::kill(parent, 0))?;
            Ok("the parent is there".into())
        })
    }),
];

/// process_vm_writev(2) (`write`) or process_vm_readv(2) of 8 bytes at an
/// address in the victim that is surely unmapped: `EFAULT`, not data, if
/// the call got through.
fn process_vm(write: bool) -> Attempt {
    let mut buf = [0u8; 8];
    let local = libc::iovec {
        iov_base: buf.as_mut_ptr().cast(),
        iov_len: 8,
    };
    let remote = libc::iovec {
        iov_base: 0x1000 as *mut _,
        iov_len: 8,
    };
    let victim = pid_env("ESCAPE_VICTIM");
    if write {
        sys!(libc::process_vm_writev(victim, &local, 1, &remote, 1, 0))?;
        Ok("wrote the victim".into())
    } else {
        sys!(libc::process_vm_readv(victim, &local, 1, &remote, 1, 0))?;
        Ok("read the victim".into())
    }
}

/// `MAKE_PROCESS_CPUCLOCK(pid, CPUCLOCK_SCHED)` (include/linux/posix-timers.h,
/// as clock_getcpuclockid(3) makes it).
fn cpu_clock(pid: libc::pid_t) -> libc::clockid_t {
    ((!pid) << 3) | 2
}

/// A timer on `clock` that signals nobody (`SIGEV_NONE`), created and
/// deleted.
fn cpu_timer(clock: libc::clockid_t) -> std::io::Result<()> {
    // SAFETY: `sigevent` is plain old data; all zeroes is valid.
    let mut sev: libc::sigevent = unsafe { std::mem::zeroed() };
    sev.sigev_notify = libc::SIGEV_NONE;
    let mut id: libc::c_int = 0;
    sys!(libc::syscall(
        libc::SYS_timer_create,
        clock,
        &mut sev,
        &mut id
    ))?;
    sys!(libc::syscall(libc::SYS_timer_delete, id))?;
    Ok(())
}

/// Reads the CPU affinity of thread `tid` and sets it back unchanged:
/// the number of CPUs in it.
pub(super) fn affinity_of(tid: libc::pid_t) -> std::io::Result<u32> {
    // SAFETY: `cpu_set_t` is plain old data; all zeroes is a valid value.
    let mut set: libc::cpu_set_t = unsafe { std::mem::zeroed() };
    sys!(libc::sched_getaffinity(
        tid,
        std::mem::size_of_val(&set),
        &mut set
    ))?;
    sys!(libc::sched_setaffinity(
        tid,
        std::mem::size_of_val(&set),
        &set
    ))?;
    // SAFETY: counts bits of a live local set.
    Ok(unsafe { libc::CPU_COUNT(&set) } as u32)
}
