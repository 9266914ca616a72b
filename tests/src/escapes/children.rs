//! Attacks on the parent from its children (a compartment, a child
//! forked after entry), and their positive twins: a child may end itself.

use std::io;

use super::Probe;
use crate::sys::*;

/// The kind of child an attack on its parent comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Via {
    /// A compartment (sandboxed; a forked child in the baseline).
    Compartment,
    /// A child forked after entry (fork(3)): a Landlock domain of its own.
    Forked,
    /// A child of the raw clone(2) call ([`in_cloned`]): its parent's
    /// domain.
    Cloned,
}

/// Runs attack `name` of [`crate::parent::ATTACKS`] from a child made
/// `via` (a compartment only when the probe is sandboxed: a plain forked
/// child in the baseline). `Ok` when it worked, or when the probe's own
/// state changed.
pub(super) fn against_parent(via: Via, name: &str) -> Attempt {
    use crate::parent::{State, ATTACKS};
    let index = ATTACKS
        .iter()
        .position(|(n, _)| *n == name)
        .expect("a known attack");
    if via == Via::Compartment && sandboxed::is_sandboxed() && CHANGES.contains(&name) {
        drop_capabilities()?;
    }
    let before = State::now();
    let result = if via == Via::Compartment && sandboxed::is_sandboxed() {
        match sandboxed::compartment(attack_in_compartment, &(index as u32)) {
            Ok(detail) => Ok(detail),
            Err(sandboxed::CompartmentError::Failed(errno)) => Err(io::Error::from_raw_os_error(
                errno.parse().unwrap_or(libc::EIO),
            )),
            Err(e) => Err(io::Error::other(e.to_string())),
        }
    } else if via == Via::Cloned {
        in_cloned(ATTACKS[index].1)
    } else {
        in_child(ATTACKS[index].1)
    };
    if let Some(what) = State::now().changed_since(&before) {
        return Ok(format!("the parent's {what} changed"));
    }
    result
}

/// The attacks that change the parent's priority or scheduling, which
/// Capsicum allows towards any process the caller may schedule
/// (p_cansched). Linux lets a process do so only when the target holds no
/// capability the caller lacks (security/commoncap.c `cap_safe_nice`); a
/// compartment has dropped all of its, so its parent, run as root here,
/// drops its own first: what remains is the same-user rule, as on
/// FreeBSD.
const CHANGES: &[&str] = &[
    "setpriority",
    "setpriority_group",
    "sched_setscheduler",
    "sched_setparam",
];

/// capset(2) with empty sets (`_LINUX_CAPABILITY_VERSION_3`).
fn drop_capabilities() -> io::Result<()> {
    let header = [0x2008_0522u32, 0];
    let data = [0u32; 6];
    sys!(libc::syscall(
        libc::SYS_capset,
        header.as_ptr(),
        data.as_ptr()
    ))?;
    Ok(())
}

/// A compartment's side of [`against_parent`]: the errno of a refusal.
fn attack_in_compartment(index: &u32) -> Result<String, i32> {
    (crate::parent::ATTACKS[*index as usize].1)().map_err(|e| e.raw_os_error().unwrap_or(0))
}

/// A compartment (or, unsandboxed, a forked child) that ends by `how`: the
/// signal it died of.
fn child_ends_itself(how: fn() -> Attempt) -> Attempt {
    if sandboxed::is_sandboxed() {
        let r = sandboxed::compartment(
            |how: &u64| -> Result<(), String> {
                // SAFETY: the address of a `fn() -> Attempt` passed by the
                // parent, the same code in this forked child.
                let how: fn() -> Attempt = unsafe { std::mem::transmute(*how as usize) };
                how().map(drop).map_err(|e| e.to_string())
            },
            &(how as usize as u64),
        );
        match r {
            Err(sandboxed::CompartmentError::Killed { signal }) => {
                Ok(format!("killed by signal {signal}"))
            }
            Err(sandboxed::CompartmentError::Failed(e)) => Err(io::Error::other(e)),
            other => Err(io::Error::other(format!("{other:?}"))),
        }
    } else {
        in_child(how)
    }
}

/// Macro of the cases of [`CASES`]: each attack from a compartment
/// and from a child forked after entry.
macro_rules! parent_cases {
    ($($name:literal),* $(,)?) => {
        &[$(
            (concat!("compartment_", $name), |_| against_parent(Via::Compartment, $name)),
            (concat!("forked_", $name), |_| against_parent(Via::Forked, $name)),
        )*]
    };
}

/// The attacks on the parent ([`crate::parent::ATTACKS`]) from its
/// children, and their positive twins: a child may end itself.
pub(super) const CASES: &[(&str, Probe)] = &{
    const ATTACKS: &[(&str, Probe)] = parent_cases![
        "kill",
        "kill_own_group",
        "kill_group",
        "tgkill",
        "tkill",
        "rt_sigqueueinfo",
        "rt_tgsigqueueinfo",
        "pidfd_open",
        "fcntl_setown_group",
        "prlimit",
        "setpriority",
        "setpriority_group",
        "sched_setaffinity",
        "sched_setscheduler",
        "sched_setparam",
        "sched_setattr",
        "ioprio_set",
        "ptrace",
        "process_vm_readv",
        "process_vm_writev",
        "kcmp",
        "migrate_pages",
        "move_pages",
        "get_robust_list",
        "getpgid",
        "getsid",
        "getpriority",
        "sched_getparam",
        "sched_getscheduler",
        "sched_rr_get_interval",
        "sched_getattr",
        "prlimit_read",
        "clock_gettime_cputime",
        "capget",
        "clone_parent",
    ];
    const TWINS: [(&str, Probe); 7] = [
        ("compartment_kill_self", |_| {
            child_ends_itself(|| {
                // SAFETY: kill(2) of ourselves.
                sys!(libc::kill(libc::getpid(), libc::SIGKILL))?;
                Ok("still alive".into())
            })
        }),
        ("compartment_abort", |_| {
            child_ends_itself(|| std::process::abort())
        }),
        ("forked_abort", |_| {
            match fork_watched(|| std::process::abort())? {
                End::Killed(signal) => Ok(format!("killed by signal {signal}")),
                End::Exited(code) => Err(io::Error::other(format!("exited {code}"))),
            }
        }),
        ("compartment_kill_sibling", |_| kill_sibling(true)),
        ("forked_kill_sibling", |_| kill_sibling(false)),
        ("zygote_compartment_kill_zygote", |_| through_zygote(true)),
        ("zygote_compartment_runs", |_| through_zygote(false)),
    ];
    let mut all = [("", (|_| Ok(String::new())) as Probe); 2 * 35 + 7];
    let mut i = 0;
    while i < ATTACKS.len() {
        all[i] = ATTACKS[i];
        i += 1;
    }
    let mut j = 0;
    while j < TWINS.len() {
        all[i + j] = TWINS[j];
        j += 1;
    }
    all
};

/// A compartment forked by the zygote of the sandboxed probe (prepared,
/// then a second thread started): `attack` SIGKILLs its own parent, the
/// zygote, which must survive (it answers the next compartment); else it
/// just answers. Unsandboxed (the baseline), a plain child signals its
/// parent.
fn through_zygote(attack: bool) -> Attempt {
    if !sandboxed::is_sandboxed() {
        return in_child(|| {
            // SAFETY: getppid(2) cannot fail.
            sys!(libc::kill(libc::getppid(), 0))?;
            Ok("signalled the parent".into())
        });
    }
    sandboxed::compartment::prepare(&[])?;
    let other = std::thread::spawn(std::thread::park);
    let answer = |r: Result<u8, sandboxed::CompartmentError>| match r {
        Ok(v) => Ok(format!("answered {v}")),
        Err(sandboxed::CompartmentError::Failed(errno)) => Err(io::Error::from_raw_os_error(
            errno.parse().unwrap_or(libc::EIO),
        )),
        Err(e) => Err(io::Error::other(e.to_string())),
    };
    let r = if attack {
        answer(sandboxed::compartment(
            |_: &u8| -> Result<u8, i32> {
                // SAFETY: kill(2) with integer arguments.
                if unsafe { libc::kill(libc::getppid(), libc::SIGKILL) } == 0 {
                    Ok(0)
                } else {
                    Err(io::Error::last_os_error().raw_os_error().unwrap_or(0))
                }
            },
            &0,
        ))
    } else {
        Ok(String::new())
    };
    // The zygote still forks.
    let next = answer(sandboxed::compartment(|x: &u8| Ok::<_, i32>(x + 1), &1));
    other.thread().unpark();
    let _ = other.join();
    match (attack, next) {
        (_, Err(e)) => Ok(format!("the zygote is gone: {e}")),
        (true, _) => r,
        (false, ok) => ok,
    }
}

/// A sibling (a worker compartment, or a forked child) and another child
/// that tries to SIGKILL it; the sibling must still answer.
fn kill_sibling(compartment: bool) -> Attempt {
    if compartment && sandboxed::is_sandboxed() {
        let mut sibling = sandboxed::Compartment::new().worker(|_: &u8| -> Result<i32, String> {
            // SAFETY: getpid(2) cannot fail.
            Ok(unsafe { libc::getpid() })
        });
        let pid = sibling
            .call(&0)
            .map_err(|e| io::Error::other(e.to_string()))?;
        let r = sandboxed::compartment(
            |pid: &i32| -> Result<(), i32> {
                // SAFETY: kill(2) with integer arguments.
                if unsafe { libc::kill(*pid, libc::SIGKILL) } == 0 {
                    Ok(())
                } else {
                    Err(io::Error::last_os_error().raw_os_error().unwrap_or(0))
                }
            },
            &pid,
        );
        if sibling.call(&0).is_err() {
            return Ok("the sibling died".into());
        }
        match r {
            Ok(()) => Ok("signalled the sibling".into()),
            Err(sandboxed::CompartmentError::Failed(errno)) => Err(io::Error::from_raw_os_error(
                errno.parse().unwrap_or(libc::EIO),
            )),
            Err(e) => Err(io::Error::other(e.to_string())),
        }
    } else {
        // The sibling holds the write end of a pipe while it lives: the
        // read end hangs up when it is gone (it cannot be waited for:
        // capability mode refuses wait4(2)). It lives until the other pipe
        // reaches its end: its parent cannot signal it (capmode.cc
        // TEST(Capmode, SelfKill)).
        let [alive_r, alive_w] = pipe()?;
        let [hold_r, hold_w] = pipe()?;
        let sibling = sys!(libc::fork())?;
        if sibling == 0 {
            let mut b = [0u8; 1];
            // SAFETY: closes its copy of the write end, reads into a live
            // local until end of file, then _exit(2).
            unsafe {
                libc::close(hold_w);
                libc::read(hold_r, b.as_mut_ptr().cast(), 1);
                libc::_exit(0)
            }
        }
        close(alive_w);
        close(hold_r);
        let r = in_child(move || {
            sys!(libc::kill(sibling, libc::SIGKILL))?;
            Ok("signalled".into())
        });
        let mut p = libc::pollfd {
            fd: alive_r,
            events: libc::POLLIN,
            revents: 0,
        };
        // The sibling's end, if it died, reaches the pipe at once.
        let gone = sys!(libc::poll(&mut p, 1, 100)).is_ok() && p.revents & libc::POLLHUP != 0;
        close(alive_r);
        // The sibling ends (not reaped: a zombie until the probe exits).
        close(hold_w);
        if gone {
            return Ok("the sibling died".into());
        }
        r
    }
}
