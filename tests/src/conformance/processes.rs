//! The calls that read or change a process named by its id, tried on each
//! kind of target: `zero` (the caller, as the kernels spell it), `own_pid`
//! (its own process id), `own_tid` (the id of a thread it started, from
//! that thread), `parent` (the runner: another process of the same user)
//! and `child` (a process the probe forks and keeps waiting). An operation
//! is `CALL_TARGET` (`setpriority_parent`); [`super::cases`] knows what
//! FreeBSD answers for each.
//!
//! The changes set what the target has already (its nice value, its
//! scheduling parameters and policy, its CPU affinity): the runner is
//! left as it was, whether the call works or not.

use std::io;
use std::os::fd::RawFd;

use crate::sys::{close, pidfd_fork, pidfd_wait, pipe, sys, Attempt};

/// The calls, by the name the operations use.
pub const CALLS: &[&str] = &[
    "getpgid",
    "getsid",
    "getpriority",
    "setpriority",
    "sched_getparam",
    "sched_getscheduler",
    "sched_rr_get_interval",
    "sched_setparam",
    "sched_setscheduler",
    "sched_getaffinity",
    "sched_setaffinity",
    "clock_gettime_cputime",
    "clock_getres_cputime",
    "clock_gettime_thread_cputime",
];

/// The targets, by the name the operations use.
pub const TARGETS: &[&str] = &["zero", "own_pid", "own_tid", "parent", "child"];

/// Operation `name` (`CALL_TARGET`), if it is one of these.
pub fn op(name: &str) -> Option<Attempt> {
    let target = TARGETS.iter().find(|t| name.ends_with(&format!("_{t}")))?;
    let call = name.strip_suffix(&format!("_{target}"))?;
    let call = *CALLS.iter().find(|c| **c == call)?;
    Some(on(call, target))
}

/// `call` on `target`.
fn on(call: &'static str, target: &str) -> Attempt {
    match target {
        "zero" => call_on(call, 0),
        // SAFETY: getpid(2) cannot fail.
        "own_pid" => call_on(call, unsafe { libc::getpid() }),
        "own_tid" => std::thread::spawn(move || {
            // SAFETY: gettid(2) cannot fail.
            call_on(call, unsafe { libc::gettid() })
        })
        .join()
        .unwrap_or_else(|_| Err(io::Error::other("the thread panicked"))),
        "parent" => call_on(call, std::os::unix::process::parent_id() as libc::pid_t),
        "child" => with_child(|pid| call_on(call, pid)),
        other => Err(io::Error::other(format!("unknown target {other}"))),
    }
}

/// `attempt` on a child that waits until it is done, then reaps it
/// through its pidfd (capability mode refuses wait4).
pub fn with_child(attempt: impl FnOnce(libc::pid_t) -> Attempt) -> Attempt {
    let [r, w] = pipe()?;
    let (pid, pidfd) = pidfd_fork()?;
    if pid == 0 {
        let mut b = [0u8; 1];
        // SAFETY: closes its copy of the write end, reads into a live
        // local until end of file; _exit never returns.
        unsafe {
            libc::close(w);
            libc::read(r, b.as_mut_ptr().cast(), 1);
            libc::_exit(0);
        }
    }
    close(r);
    let result = attempt(pid);
    close(w);
    let _ = pidfd_wait(pidfd as RawFd);
    close(pidfd);
    result
}

/// `MAKE_PROCESS_CPUCLOCK(pid, CPUCLOCK_SCHED)` and
/// `MAKE_THREAD_CPUCLOCK(tid, CPUCLOCK_SCHED)` (include/linux/posix-timers.h,
/// as clock_getcpuclockid(3) and pthread_getcpuclockid(3) make them).
fn cpu_clock(id: libc::pid_t, thread: bool) -> libc::clockid_t {
    ((!id) << 3) | if thread { 4 } else { 0 } | 2
}

/// getpriority(2), whose -1 is a value: errno tells.
fn nice_of(id: libc::pid_t) -> io::Result<i32> {
    // SAFETY: errno location is thread-local and always valid.
    unsafe { *libc::__errno_location() = 0 };
    // SAFETY: integers only.
    let p = unsafe { libc::getpriority(libc::PRIO_PROCESS, id as libc::id_t) };
    match io::Error::last_os_error().raw_os_error() {
        Some(0) => Ok(p),
        _ => Err(io::Error::last_os_error()),
    }
}

/// The CPU affinity of `id`.
fn affinity_of(id: libc::pid_t) -> io::Result<libc::cpu_set_t> {
    // SAFETY: `cpu_set_t` is plain old data; all zeroes is valid.
    let mut set: libc::cpu_set_t = unsafe { std::mem::zeroed() };
    sys!(libc::sched_getaffinity(
        id,
        std::mem::size_of_val(&set),
        &mut set
    ))?;
    Ok(set)
}

/// `call` naming `id`.
fn call_on(call: &str, id: libc::pid_t) -> Attempt {
    let mut param = libc::sched_param { sched_priority: 0 };
    // SAFETY: `timespec` is plain old data; all zeroes is valid.
    let mut ts: libc::timespec = unsafe { std::mem::zeroed() };
    match call {
        "getpgid" => sys!(libc::getpgid(id)).map(|g| format!("group {g}")),
        "getsid" => sys!(libc::getsid(id)).map(|s| format!("session {s}")),
        "getpriority" => nice_of(id).map(|n| format!("nice {n}")),
        "setpriority" => {
            let now = nice_of(id)?;
            sys!(libc::setpriority(libc::PRIO_PROCESS, id as libc::id_t, now))?;
            Ok(format!("nice {now} set"))
        }
        "sched_getparam" => {
            sys!(libc::sched_getparam(id, &mut param))?;
            Ok(format!("priority {}", param.sched_priority))
        }
        "sched_getscheduler" => sys!(libc::sched_getscheduler(id)).map(|p| format!("policy {p}")),
        "sched_rr_get_interval" => {
            sys!(libc::sched_rr_get_interval(id, &mut ts))?;
            Ok("interval".into())
        }
        "sched_setparam" => {
            sys!(libc::sched_getparam(id, &mut param))?;
            sys!(libc::sched_setparam(id, &param))?;
            Ok("set".into())
        }
        "sched_setscheduler" => {
            let policy = sys!(libc::sched_getscheduler(id))?;
            sys!(libc::sched_getparam(id, &mut param))?;
            sys!(libc::sched_setscheduler(id, policy, &param))?;
            Ok(format!("policy {policy} set"))
        }
        "sched_getaffinity" => affinity_of(id).map(|s| {
            // SAFETY: counts the bits of a live set.
            format!("{} cpus", unsafe { libc::CPU_COUNT(&s) })
        }),
        "sched_setaffinity" => {
            // The caller's own: what the target has, when it is the
            // caller; a request to set another's that does not change
            // what the caller runs on otherwise.
            let set = affinity_of(0)?;
            sys!(libc::sched_setaffinity(
                id,
                std::mem::size_of_val(&set),
                &set
            ))?;
            Ok("set".into())
        }
        "clock_gettime_cputime" => {
            sys!(libc::clock_gettime(cpu_clock(id, false), &mut ts))?;
            Ok("got".into())
        }
        "clock_getres_cputime" => {
            sys!(libc::clock_getres(cpu_clock(id, false), &mut ts))?;
            Ok("got".into())
        }
        "clock_gettime_thread_cputime" => {
            sys!(libc::clock_gettime(cpu_clock(id, true), &mut ts))?;
            Ok("got".into())
        }
        other => Err(io::Error::other(format!("unknown call {other}"))),
    }
}
