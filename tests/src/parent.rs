//! Attacks on the parent, made by a child of the sandboxed probe: a
//! compartment (`sandboxed::compartment`) or a child the program forks
//! itself after entry. Each attack names the parent (`getppid()`) or its
//! process group in one system call; the probe then checks that it is
//! unharmed (its resource limits, CPU affinity, scheduling policy and
//! parameters, and priority are as before; that it is alive is shown by
//! its printing the outcome at all). Capsicum lets a child change the
//! priority and scheduling of a process it may schedule, its parent of
//! the same user included (sys/kern/kern_resource.c kern_setpriority,
//! sys/kern/p1003_1b.c: p_cansched), and read what a process it may see
//! has: those attacks work, and the parent's state changes.
//!
//! Run unsandboxed (`--baseline`), the same attack is made from a plain
//! forked child and must work: the parent's state changes, or the call
//! succeeds. Attacks on process groups send `SIGURG` (ignored by default)
//! so that the baseline harms nobody else in the group; the others harm at
//! most the short-lived baseline probe.

use std::io;

/// A child's attack; `Ok` when the kernel let it through.
pub type Attack = fn() -> io::Result<String>;

fn ppid() -> libc::pid_t {
    // SAFETY: getppid(2) cannot fail.
    unsafe { libc::getppid() }
}

fn check(r: libc::c_long) -> io::Result<String> {
    if r < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(format!("returned {r}"))
    }
}

/// `syscall(2)` with up to six integer or pointer arguments.
macro_rules! sc {
    ($nr:expr $(, $arg:expr)*) => {{
        // SAFETY: each attack passes integers or pointers to live locals
        // at least as large as the kernel structure read or written.
        check(unsafe { libc::syscall($nr $(, $arg)*) })
    }};
}

/// A byte in writable memory, at the same address in parent and child.
static POKE: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(7);

fn siginfo() -> libc::siginfo_t {
    // SAFETY: `siginfo_t` is plain old data; all zeroes is a valid value.
    let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
    info.si_signo = libc::SIGKILL;
    info.si_code = libc::SI_QUEUE;
    info
}

/// `struct sched_attr` (sched_setattr(2)), its first version
/// (`SCHED_ATTR_SIZE_VER0`).
#[repr(C)]
#[derive(Debug, Default)]
pub struct SchedAttr {
    /// The structure's size.
    pub size: u32,
    /// `SCHED_*`.
    pub policy: u32,
    /// `SCHED_FLAG_*`.
    pub flags: u64,
    /// The nice value (`SCHED_OTHER`, `SCHED_BATCH`).
    pub nice: i32,
    /// The static priority (`SCHED_FIFO`, `SCHED_RR`).
    pub priority: u32,
    /// `SCHED_DEADLINE`'s runtime, in nanoseconds.
    pub runtime: u64,
    /// `SCHED_DEADLINE`'s deadline, in nanoseconds.
    pub deadline: u64,
    /// `SCHED_DEADLINE`'s period, in nanoseconds.
    pub period: u64,
}

/// Every attack, by name. The escape suite runs each from a compartment
/// (`compartment_NAME`) and from a child forked after entry
/// (`forked_NAME`).
pub const ATTACKS: &[(&str, Attack)] = &[
    ("kill", || sc!(libc::SYS_kill, ppid(), libc::SIGKILL)),
    ("kill_own_group", || sc!(libc::SYS_kill, 0, libc::SIGURG)),
    ("kill_group", || {
        // SAFETY: getpgrp(2) cannot fail.
        let pgrp = unsafe { libc::getpgrp() };
        sc!(libc::SYS_kill, -pgrp, libc::SIGURG)
    }),
    ("tgkill", || {
        sc!(libc::SYS_tgkill, ppid(), ppid(), libc::SIGKILL)
    }),
    ("tkill", || sc!(libc::SYS_tkill, ppid(), libc::SIGKILL)),
    ("rt_sigqueueinfo", || {
        let info = siginfo();
        sc!(libc::SYS_rt_sigqueueinfo, ppid(), libc::SIGKILL, &info)
    }),
    ("rt_tgsigqueueinfo", || {
        let info = siginfo();
        sc!(
            libc::SYS_rt_tgsigqueueinfo,
            ppid(),
            ppid(),
            libc::SIGKILL,
            &info
        )
    }),
    ("pidfd_open", || {
        let fd = sc!(libc::SYS_pidfd_open, ppid(), 0)?;
        let fd: libc::c_long = fd.trim_start_matches("returned ").parse().unwrap_or(-1);
        sc!(libc::SYS_pidfd_send_signal, fd, libc::SIGKILL, 0usize, 0u32)
    }),
    ("fcntl_setown_group", || {
        let mut sp = [0; 2];
        // SAFETY: `sp` is a valid array of two ints.
        unsafe { libc::socketpair(libc::AF_UNIX, libc::SOCK_STREAM, 0, sp.as_mut_ptr()) };
        // SAFETY: getpgrp(2) cannot fail.
        let pgrp = unsafe { libc::getpgrp() };
        sc!(libc::SYS_fcntl, sp[0], libc::F_SETOWN, -pgrp)
    }),
    ("prlimit", || {
        let lim = libc::rlimit {
            rlim_cur: 4,
            rlim_max: 4,
        };
        sc!(
            libc::SYS_prlimit64,
            ppid(),
            libc::RLIMIT_NOFILE,
            &lim,
            std::ptr::null_mut::<libc::rlimit>()
        )
    }),
    // Capability mode: the caller's own thread or process only
    // (sys/kern/kern_cpuset.c cpuset_check_capabilities).
    ("sched_setaffinity", || {
        // SAFETY: `cpu_set_t` is plain old data; all zeroes is valid.
        let mut set: libc::cpu_set_t = unsafe { std::mem::zeroed() };
        // SAFETY: CPU 0 is within the set.
        unsafe { libc::CPU_SET(0, &mut set) };
        sc!(
            libc::SYS_sched_setaffinity,
            ppid(),
            std::mem::size_of_val(&set),
            &set
        )
    }),
    // Changes Capsicum allows towards a process the caller may schedule
    // (p_cansched).
    ("setpriority", || {
        sc!(libc::SYS_setpriority, libc::PRIO_PROCESS, ppid(), 19)
    }),
    ("setpriority_group", || {
        // The group's current priority: no change if it gets through.
        // SAFETY: getpriority takes integers.
        let now = unsafe { libc::getpriority(libc::PRIO_PGRP, 0) };
        sc!(libc::SYS_setpriority, libc::PRIO_PGRP, 0, now)
    }),
    ("sched_setscheduler", || {
        let param = libc::sched_param { sched_priority: 0 };
        sc!(
            libc::SYS_sched_setscheduler,
            ppid(),
            libc::SCHED_IDLE,
            &param
        )
    }),
    ("sched_setparam", || {
        let param = libc::sched_param { sched_priority: 0 };
        sc!(libc::SYS_sched_setparam, ppid(), &param)
    }),
    // Linux-only, beyond sched_setscheduler: the caller's alone.
    ("sched_setattr", || {
        let attr = SchedAttr {
            size: std::mem::size_of::<SchedAttr>() as u32,
            policy: libc::SCHED_BATCH as u32,
            nice: 19,
            ..SchedAttr::default()
        };
        sc!(libc::SYS_sched_setattr, ppid(), &attr, 0u32)
    }),
    ("ioprio_set", || {
        // IOPRIO_WHO_PROCESS, class IDLE.
        sc!(libc::SYS_ioprio_set, 1, ppid(), 3 << 13)
    }),
    ("ptrace", || {
        sc!(libc::SYS_ptrace, libc::PTRACE_SEIZE, ppid(), 0usize, 0usize)
    }),
    ("process_vm_readv", || {
        let mut byte = 0u8;
        let local = libc::iovec {
            iov_base: (&mut byte as *mut u8).cast(),
            iov_len: 1,
        };
        let remote = libc::iovec {
            iov_base: POKE.as_ptr().cast(),
            iov_len: 1,
        };
        sc!(
            libc::SYS_process_vm_readv,
            ppid(),
            &local,
            1usize,
            &remote,
            1usize,
            0usize
        )
    }),
    ("process_vm_writev", || {
        // The value it has: no change if it gets through.
        let byte = POKE.load(std::sync::atomic::Ordering::Relaxed);
        let local = libc::iovec {
            iov_base: (&byte as *const u8).cast_mut().cast(),
            iov_len: 1,
        };
        let remote = libc::iovec {
            iov_base: POKE.as_ptr().cast(),
            iov_len: 1,
        };
        sc!(
            libc::SYS_process_vm_writev,
            ppid(),
            &local,
            1usize,
            &remote,
            1usize,
            0usize
        )
    }),
    ("kcmp", || {
        // SAFETY: getpid(2) cannot fail.
        let me = unsafe { libc::getpid() };
        sc!(
            libc::SYS_kcmp,
            me,
            ppid(),
            1, /* KCMP_VM */
            0usize,
            0usize
        )
    }),
    ("migrate_pages", || {
        let nodes: libc::c_ulong = 1;
        sc!(libc::SYS_migrate_pages, ppid(), 64usize, &nodes, &nodes)
    }),
    ("move_pages", || {
        // Query only (nodes NULL).
        let pages = [POKE.as_ptr().cast::<libc::c_void>()];
        let mut status = [0i32; 1];
        sc!(
            libc::SYS_move_pages,
            ppid(),
            1usize,
            pages.as_ptr(),
            std::ptr::null::<i32>(),
            status.as_mut_ptr(),
            0
        )
    }),
    ("get_robust_list", || {
        let mut head: usize = 0;
        let mut len: usize = 0;
        sc!(libc::SYS_get_robust_list, ppid(), &mut head, &mut len)
    }),
    // Queries: Capsicum answers them for any process the caller may see
    // (p_cansee), its parent included.
    ("getpgid", || sc!(libc::SYS_getpgid, ppid())),
    ("getsid", || sc!(libc::SYS_getsid, ppid())),
    ("getpriority", || {
        sc!(libc::SYS_getpriority, libc::PRIO_PROCESS, ppid())
    }),
    ("sched_getparam", || {
        let mut param = libc::sched_param { sched_priority: 0 };
        sc!(libc::SYS_sched_getparam, ppid(), &mut param)
    }),
    ("sched_getscheduler", || {
        sc!(libc::SYS_sched_getscheduler, ppid())
    }),
    ("sched_rr_get_interval", || {
        // SAFETY: `timespec` is plain old data; all zeroes is valid.
        let mut ts: libc::timespec = unsafe { std::mem::zeroed() };
        sc!(libc::SYS_sched_rr_get_interval, ppid(), &mut ts)
    }),
    // Its CPU time (sys/kern/kern_time.c get_cputime: PGET_CANSEE).
    ("clock_gettime_cputime", || {
        // MAKE_PROCESS_CPUCLOCK(ppid, CPUCLOCK_SCHED)
        let clock = ((!ppid()) << 3) | 2;
        // SAFETY: `timespec` is plain old data; all zeroes is valid.
        let mut ts: libc::timespec = unsafe { std::mem::zeroed() };
        sc!(libc::SYS_clock_gettime, clock, &mut ts)
    }),
    // Queries with no Capsicum counterpart, reading more than it would
    // show (deadline parameters, resource limits): only the caller.
    ("sched_getattr", || {
        let mut attr = SchedAttr::default();
        sc!(
            libc::SYS_sched_getattr,
            ppid(),
            &mut attr,
            std::mem::size_of::<SchedAttr>() as u32,
            0u32
        )
    }),
    ("prlimit_read", || {
        let mut lim = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        sc!(
            libc::SYS_prlimit64,
            ppid(),
            libc::RLIMIT_NOFILE,
            std::ptr::null::<libc::rlimit>(),
            &mut lim
        )
    }),
    ("capget", || {
        let header = [0x2008_0522u32, ppid() as u32];
        let mut data = [0u32; 6];
        sc!(libc::SYS_capget, header.as_ptr(), data.as_mut_ptr())
    }),
    ("clone_parent", || {
        let r = sc!(
            libc::SYS_clone,
            (libc::CLONE_PARENT | libc::SIGCHLD) as libc::c_ulong,
            0usize,
            0usize,
            0usize,
            0usize
        )?;
        if r == "returned 0" {
            // SAFETY: _exit(2) in the raw clone's child.
            unsafe { libc::_exit(0) };
        }
        Ok(format!("a sibling made: {r}"))
    }),
];

/// What the probe checks of itself after a child's attack: everything the
/// attacks could change and the sandbox lets it read.
#[derive(Debug, PartialEq, Eq)]
pub struct State {
    rlimits: Vec<(u64, u64)>,
    affinity: Vec<u8>,
    policy: i32,
    priority: i32,
    nice: i32,
}

impl State {
    /// This process's state now.
    pub fn now() -> State {
        let rlimits = (0..16)
            .map(|r| {
                let mut lim = libc::rlimit {
                    rlim_cur: 0,
                    rlim_max: 0,
                };
                // SAFETY: `lim` is a live out-pointer.
                unsafe { libc::getrlimit(r as _, &mut lim) };
                (lim.rlim_cur, lim.rlim_max)
            })
            .collect();
        // SAFETY: `cpu_set_t` is plain old data; all zeroes is valid.
        let mut set: libc::cpu_set_t = unsafe { std::mem::zeroed() };
        // SAFETY: `set` is a live out-pointer of its size.
        unsafe { libc::sched_getaffinity(0, std::mem::size_of_val(&set), &mut set) };
        // SAFETY: reading the bytes of a plain-old-data value.
        let affinity = unsafe {
            std::slice::from_raw_parts(
                (&set as *const libc::cpu_set_t).cast::<u8>(),
                std::mem::size_of_val(&set),
            )
        }
        .to_vec();
        let mut param = libc::sched_param { sched_priority: 0 };
        // SAFETY: integer arguments and a live out-pointer.
        let (policy, nice) = unsafe {
            libc::sched_getparam(0, &mut param);
            (
                libc::sched_getscheduler(0),
                libc::getpriority(libc::PRIO_PROCESS, 0),
            )
        };
        State {
            rlimits,
            affinity,
            policy,
            priority: param.sched_priority,
            nice,
        }
    }

    /// What differs from `before`, in words.
    pub fn changed_since(&self, before: &State) -> Option<String> {
        let mut d = Vec::new();
        if self.rlimits != before.rlimits {
            d.push("resource limits");
        }
        if self.affinity != before.affinity {
            d.push("CPU affinity");
        }
        if self.policy != before.policy || self.priority != before.priority {
            d.push("scheduling policy");
        }
        if self.nice != before.nice {
            d.push("priority");
        }
        (!d.is_empty()).then(|| d.join(", "))
    }
}
