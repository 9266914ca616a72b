//! Signals to a process or thread id, as capability mode allows them: to
//! the caller's own process only (FreeBSD's sys_kill in
//! sys/kern/kern_sig.c answers `ECAPMODE` for any other pid, "abort(3) is
//! implemented as kill(getpid(), SIGABRT)"; capmode.cc TEST(Capmode,
//! SelfKill)). Every call of the kind (kill(2), tkill(2), tgkill(2),
//! rt_sigqueueinfo(2), rt_tgsigqueueinfo(2)) works on oneself, from the
//! program, a child it forks, a child of the raw clone(2) call and a
//! compartment; and is refused towards the processes Landlock's signal
//! scope lets a process reach (its own domain and those nested in it): the
//! program's forked and cloned children, a cloned child's parent, and that
//! parent's other thread. A child is signalled through its process
//! descriptor (`pidfd_own_child_signal`, like pdkill(2)).

use std::io;
use std::sync::atomic::{AtomicI32, Ordering};

use super::children::{against_parent, Via};
use super::Probe;
use crate::sys::*;

/// One call of the kind, towards process `pid` and its thread `tid`, with
/// signal `sig` (a queued one with `SI_QUEUE`, as sigqueue(3) sends it).
type Send = fn(libc::pid_t, libc::pid_t, libc::c_int) -> Attempt;

/// `syscall(2)` with up to four integer or pointer arguments.
fn call(nr: libc::c_long, a: i64, b: i64, c: i64, d: i64) -> Attempt {
    let r = sys!(libc::syscall(nr, a, b, c, d))?;
    Ok(format!("returned {r}"))
}

fn queued(sig: libc::c_int) -> libc::siginfo_t {
    // SAFETY: `siginfo_t` is plain old data; all zeroes is a valid value.
    let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
    info.si_signo = sig;
    info.si_code = libc::SI_QUEUE;
    info
}

/// Every call of the kind.
const CALLS: &[(&str, Send)] = &[
    ("kill", |pid, _, sig| {
        call(libc::SYS_kill, pid.into(), sig.into(), 0, 0)
    }),
    ("tkill", |_, tid, sig| {
        call(libc::SYS_tkill, tid.into(), sig.into(), 0, 0)
    }),
    ("tgkill", |pid, tid, sig| {
        call(libc::SYS_tgkill, pid.into(), tid.into(), sig.into(), 0)
    }),
    ("rt_sigqueueinfo", |pid, _, sig| {
        let info = queued(sig);
        let at = &info as *const libc::siginfo_t as i64;
        call(libc::SYS_rt_sigqueueinfo, pid.into(), sig.into(), at, 0)
    }),
    ("rt_tgsigqueueinfo", |pid, tid, sig| {
        let info = queued(sig);
        let at = &info as *const libc::siginfo_t as i64;
        call(
            libc::SYS_rt_tgsigqueueinfo,
            pid.into(),
            tid.into(),
            sig.into(),
            at,
        )
    }),
];

/// The call of [`CALLS`] named `name`.
fn send(name: &str) -> Send {
    CALLS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, s)| *s)
        .expect("a call of the kind")
}

/// The caller's process and thread ids, from the kernel (a raw clone(2)
/// child's glibc still holds its parent's thread id).
fn own_ids() -> (libc::pid_t, libc::pid_t) {
    // SAFETY: getpid(2) and gettid(2) cannot fail.
    unsafe {
        (
            libc::getpid(),
            libc::syscall(libc::SYS_gettid) as libc::pid_t,
        )
    }
}

/// Ignores `SIGUSR1` (installs no handler code).
fn ignore_usr1() {
    // SAFETY: SIG_IGN installs no handler code.
    unsafe { libc::signal(libc::SIGUSR1, libc::SIG_IGN) };
}

/// Every call of the kind to the caller itself (`SIGUSR1`, ignored), then
/// signal 0 (kill(2): does the process exist): the first refusal.
fn signal_self() -> Attempt {
    ignore_usr1();
    let (pid, tid) = own_ids();
    for (name, send) in CALLS {
        send(pid, tid, libc::SIGUSR1)
            .map_err(|e| io::Error::new(e.kind(), format!("{name}: {e}")))?;
    }
    send("kill")(pid, tid, 0)?;
    Ok(format!("{} calls to itself", CALLS.len() + 1))
}

/// [`signal_self`] in a compartment (a forked child in the baseline).
fn compartment_signal_self() -> Attempt {
    if !sandboxed::is_sandboxed() {
        return in_child(signal_self);
    }
    let r = sandboxed::compartment(
        |_: &u8| -> Result<String, i32> {
            signal_self().map_err(|e| e.raw_os_error().unwrap_or(libc::EIO))
        },
        &0,
    );
    match r {
        Ok(detail) => Ok(detail),
        Err(sandboxed::CompartmentError::Failed(errno)) => Err(io::Error::from_raw_os_error(
            errno.parse().unwrap_or(libc::EIO),
        )),
        Err(e) => Err(io::Error::other(e.to_string())),
    }
}

/// A child (forked, or of the raw clone(2) call when `cloned`) that lives
/// until this process closes a pipe, and what `send` does to it: its
/// parent may not signal it by pid (`SIGUSR1`, which would end it).
fn to_child(cloned: bool, send: Send) -> Attempt {
    let [hold_r, hold_w] = pipe()?;
    let pid = if cloned {
        clone_raw()?
    } else {
        sys!(libc::fork())?
    };
    if pid == 0 {
        let mut b = [0u8; 1];
        // SAFETY: closes its copy of the write end, reads into a live local
        // until end of file, then _exit(2).
        unsafe {
            libc::close(hold_w);
            libc::read(hold_r, b.as_mut_ptr().cast(), 1);
            libc::_exit(0)
        }
    }
    close(hold_r);
    let r = send(pid, pid, libc::SIGUSR1);
    // The child ends (not reaped: capability mode refuses wait4(2)).
    close(hold_w);
    r.map(|_| "signalled my child by its pid".into())
}

/// The id of a second thread of this process, parked (its signals ignored:
/// harmless in the baseline), set by the thread itself.
static OTHER_THREAD: AtomicI32 = AtomicI32::new(0);

/// A second thread of the program, and what `send` does to it from a child
/// of the raw clone(2) call (the program's Landlock domain): another
/// process's thread.
fn to_parent_thread(send: Send) -> Attempt {
    ignore_usr1();
    std::thread::spawn(|| {
        OTHER_THREAD.store(own_ids().1, Ordering::SeqCst);
        loop {
            std::thread::park();
        }
    });
    let start = std::time::Instant::now();
    while OTHER_THREAD.load(Ordering::SeqCst) == 0 {
        if start.elapsed().as_secs() > 5 {
            return Err(io::Error::other("the thread did not start"));
        }
        std::thread::yield_now();
    }
    // Parked, not in malloc(3), when the child is cloned.
    std::thread::sleep(std::time::Duration::from_millis(20));
    let (parent, thread) = (own_ids().0, OTHER_THREAD.load(Ordering::SeqCst));
    in_cloned(move || send(parent, thread, libc::SIGUSR1))
}

/// Installs a handler for `SIGUSR1` that counts its runs.
fn count_usr1() -> &'static AtomicI32 {
    static SEEN: AtomicI32 = AtomicI32::new(0);
    extern "C" fn seen(_: libc::c_int) {
        SEEN.fetch_add(1, Ordering::SeqCst);
    }
    // SAFETY: the handler only adds to an atomic.
    unsafe { libc::signal(libc::SIGUSR1, seen as *const () as libc::sighandler_t) };
    &SEEN
}

macro_rules! each_call {
    ($prefix:literal, $f:expr) => {
        [
            (concat!($prefix, "kill"), |_| ($f)("kill")),
            (concat!($prefix, "tkill"), |_| ($f)("tkill")),
            (concat!($prefix, "tgkill"), |_| ($f)("tgkill")),
            (concat!($prefix, "rt_sigqueueinfo"), |_| {
                ($f)("rt_sigqueueinfo")
            }),
            (concat!($prefix, "rt_tgsigqueueinfo"), |_| {
                ($f)("rt_tgsigqueueinfo")
            }),
        ]
    };
}

const SELF: [(&str, Probe); 9] = [
    ("kill_self_probe", |_| {
        let (pid, tid) = own_ids();
        send("kill")(pid, tid, 0).map(|_| "I exist".into())
    }),
    ("tgkill_self", |_| {
        ignore_usr1();
        let (pid, tid) = own_ids();
        send("tgkill")(pid, tid, libc::SIGUSR1)
    }),
    ("sigqueue_self", |_| {
        ignore_usr1();
        let value = libc::sigval {
            sival_ptr: std::ptr::null_mut(),
        };
        // glibc's sigqueue(3): rt_sigqueueinfo(2) with `SI_QUEUE`.
        sys!(libc::sigqueue(own_ids().0, libc::SIGUSR1, value))?;
        Ok("queued to myself".into())
    }),
    ("rt_tgsigqueueinfo_self", |_| {
        ignore_usr1();
        let (pid, tid) = own_ids();
        send("rt_tgsigqueueinfo")(pid, tid, libc::SIGUSR1)
    }),
    ("raise_handled", |_| {
        let seen = count_usr1();
        // glibc's raise(3): tgkill(2) of the calling thread.
        sys!(libc::raise(libc::SIGUSR1))?;
        match seen.load(Ordering::SeqCst) {
            1 => Ok("my handler ran".into()),
            n => Err(io::Error::other(format!("the handler ran {n} times"))),
        }
    }),
    ("pthread_kill_own_thread", |_| {
        use std::os::unix::thread::JoinHandleExt;
        static STOP: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
        let seen = count_usr1();
        let thread = std::thread::spawn(|| {
            while !STOP.load(Ordering::SeqCst) {
                std::thread::park_timeout(std::time::Duration::from_millis(10));
            }
        });
        // glibc's pthread_kill(3): tgkill(2) of that thread.
        // SAFETY: the thread runs until joined below; the handler only
        // adds to an atomic.
        let e = unsafe { libc::pthread_kill(thread.as_pthread_t(), libc::SIGUSR1) };
        let start = std::time::Instant::now();
        while e == 0 && seen.load(Ordering::SeqCst) == 0 && start.elapsed().as_secs() < 5 {
            std::thread::yield_now();
        }
        STOP.store(true, Ordering::SeqCst);
        thread.thread().unpark();
        let _ = thread.join();
        if e != 0 {
            return Err(io::Error::from_raw_os_error(e));
        }
        match seen.load(Ordering::SeqCst) {
            1 => Ok("my thread's handler ran".into()),
            n => Err(io::Error::other(format!("the handler ran {n} times"))),
        }
    }),
    ("forked_signals_self", |_| in_child(signal_self)),
    ("cloned_signals_self", |_| in_cloned(signal_self)),
    ("compartment_signals_self", |_| compartment_signal_self()),
];

const FORKED_CHILD: [(&str, Probe); 5] =
    each_call!("forked_child_", |name| to_child(false, send(name)));
const CLONED_CHILD: [(&str, Probe); 5] =
    each_call!("cloned_child_", |name| to_child(true, send(name)));
const CLONED_PARENT: [(&str, Probe); 5] =
    each_call!("cloned_", |name| against_parent(Via::Cloned, name));
const PARENT_THREAD: [(&str, Probe); 2] = [
    ("cloned_tkill_thread", |_| to_parent_thread(send("tkill"))),
    ("cloned_tgkill_thread", |_| to_parent_thread(send("tgkill"))),
];

/// The cases, by name.
pub(super) const CASES: &[(&str, Probe)] = &{
    let mut all = [("", (|_| Ok(String::new())) as Probe); 9 + 5 + 5 + 5 + 2];
    let parts: [&[(&str, Probe)]; 5] = [
        &SELF,
        &FORKED_CHILD,
        &CLONED_CHILD,
        &CLONED_PARENT,
        &PARENT_THREAD,
    ];
    let mut i = 0;
    let mut p = 0;
    while p < parts.len() {
        let mut j = 0;
        while j < parts[p].len() {
            all[i] = parts[p][j];
            i += 1;
            j += 1;
        }
        p += 1;
    }
    all
};
