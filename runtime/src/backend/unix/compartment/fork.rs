//! Forking a compartment child: the code it runs, as addresses valid in
//! any process forked from this one; what it keeps and gets before that
//! code runs (descriptors, resource limits, the sandbox); the fork.

use std::io;
use std::os::fd::RawFd;
use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::rights::Limits;

use super::super::super::imp::process;
use super::{Channel, Child, Rlimits, BODY_PANICKED, SETUP_FAILED, SETUP_TAG};

/// The code a child runs, as addresses that stay valid in any process
/// forked from this one (the zygote included): a trampoline monomorphized
/// on the function's type, the caller's `run`, and the function `f` it
/// serves. Built only from function pointers, so no address names data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Entry {
    trampoline: usize,
    run: usize,
    f: usize,
}

/// Function pointer types (`fn(&I) -> R`), the only `f` an [`Entry`]
/// takes: code, not data, so their addresses mean the same in a forked
/// process.
pub(crate) trait FnPointer: Copy + 'static {}
impl<I: ?Sized + 'static, R: 'static> FnPointer for fn(&I) -> R {}

/// What a child body gets: its channel and whether to serve one call only.
pub(crate) type Run<A> = fn(A, Channel, bool) -> i32;

fn trampoline<A: FnPointer>(run: usize, f: usize, channel: Channel, once: bool) -> i32 {
    // SAFETY: `Entry::new::<A>` stored `run` from a `Run<A>` and `f` from an
    // `A` (a function pointer of the same size as usize), in this process
    // image or the one it was forked from.
    let (run, f) = unsafe {
        (
            std::mem::transmute::<usize, Run<A>>(run),
            std::mem::transmute_copy::<usize, A>(&f),
        )
    };
    run(f, channel, once)
}

impl Entry {
    /// `run(f, channel, once)`, as addresses.
    pub(crate) fn new<A: FnPointer>(run: Run<A>, f: A) -> Entry {
        assert_eq!(std::mem::size_of::<A>(), std::mem::size_of::<usize>());
        Entry {
            trampoline: trampoline::<A> as *const () as usize,
            run: run as *const () as usize,
            // SAFETY: `A` is a function pointer, as large as usize (checked).
            f: unsafe { std::mem::transmute_copy::<A, usize>(&f) },
        }
    }

    /// The three addresses, for the zygote's request.
    pub(crate) fn to_words(self) -> [u64; 3] {
        [self.trampoline as u64, self.run as u64, self.f as u64]
    }

    /// Back from `to_words`.
    ///
    /// # Safety
    ///
    /// The words must come from `to_words` in this process or in the one
    /// this process was forked from.
    pub(crate) unsafe fn from_words(words: [u64; 3]) -> Entry {
        Entry {
            trampoline: words[0] as usize,
            run: words[1] as usize,
            f: words[2] as usize,
        }
    }

    fn call(self, channel: Channel, once: bool) -> i32 {
        // SAFETY: `trampoline` is `trampoline::<A>` for the `A` of `new`.
        let t = unsafe {
            std::mem::transmute::<usize, fn(usize, usize, Channel, bool) -> i32>(self.trampoline)
        };
        t(self.run, self.f, channel, once)
    }
}

/// What a child keeps and gets before its code runs.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Setup<'a> {
    /// Descriptors handed to the child at their numbers, with their rights.
    pub handed: &'a [(RawFd, Limits)],
    /// Resource limits.
    pub rlimits: Rlimits,
    /// The entry into the sandbox, run after the limits: `Err(why)` stops
    /// the child before its body.
    pub enter: Enter,
}

/// How a child enters the sandbox, given its handed descriptors.
pub(crate) type Enter = fn(&[(RawFd, Limits)]) -> Result<(), String>;

/// Forks a child that runs `entry` on its end of a new channel, after
/// `child_setup`. The parent gets the child and its end.
pub(crate) fn spawn(setup: &Setup<'_>, entry: Entry, once: bool) -> io::Result<(Child, Channel)> {
    let (parent, child) = Channel::fastest_pair()?;
    // SAFETY: getpid(2) cannot fail.
    let me = unsafe { libc::getpid() };
    let forkless = process::children_forkless();
    // SAFETY: fork from a process that `compartment` checked is
    // single-threaded, so no lock is held by a thread the child lacks.
    let forked = unsafe { process::fork() }?;
    if forked.0 == 0 {
        drop(parent);
        run_child(child, me, setup, entry, once)
    }
    drop(child);
    Ok((
        Child {
            forked,
            reaped: false,
            forkless,
        },
        parent,
    ))
}

/// In a freshly forked child of `parent`: ties its life to the parent's,
/// isolates it, limits it, enters the sandbox and runs `entry`; never
/// returns.
pub(crate) fn run_child(
    channel: Channel,
    parent: libc::pid_t,
    setup: &Setup<'_>,
    entry: Entry,
    once: bool,
) -> ! {
    let code = match child_setup(&channel, parent, setup) {
        Ok(()) => {
            catch_unwind(AssertUnwindSafe(|| entry.call(channel, once))).unwrap_or(BODY_PANICKED)
        }
        Err(why) => {
            // The parent reads this as the reason, then end of file.
            let mut msg = vec![SETUP_TAG];
            msg.extend_from_slice(why.as_bytes());
            let _ = channel.send(&msg, None);
            SETUP_FAILED
        }
    };
    // SAFETY: _exit(2) ends the child without running the parent's
    // atexit handlers or flushing its stdio buffers.
    unsafe { libc::_exit(code) }
}

fn child_setup(channel: &Channel, parent: libc::pid_t, setup: &Setup<'_>) -> Result<(), String> {
    // First: a child that outlived its parent would run with nobody to
    // read its answer or end it (pdfork(2)).
    process::die_with_parent(parent).map_err(|e| format!("prctl(PR_SET_PDEATHSIG): {e}"))?;
    let keep: Vec<RawFd> = setup
        .handed
        .iter()
        .map(|(fd, _)| *fd)
        .chain(channel.fds())
        .collect();
    close_all_but(&keep).map_err(|e| format!("close_range: {e}"))?;
    // The child's stderr is its channel: what it prints (a panic, the
    // allocator's "memory allocation of N bytes failed") reaches the
    // parent, which forwards it.
    stderr_to(channel.tx()).map_err(|e| format!("dup: {e}"))?;
    let limit = |resource, value: u64| {
        let lim = libc::rlimit {
            rlim_cur: value as libc::rlim_t,
            rlim_max: value as libc::rlim_t,
        };
        // SAFETY: `lim` is a live rlimit.
        if unsafe { libc::setrlimit(resource, &lim) } == 0 {
            Ok(())
        } else {
            Err(io::Error::last_os_error())
        }
    };
    if let Some(secs) = setup.rlimits.cpu_seconds {
        // Soft limit: SIGXCPU; hard limit one second later: SIGKILL
        // (setrlimit(2)), for a child that ignores SIGXCPU.
        let lim = libc::rlimit {
            rlim_cur: secs as libc::rlim_t,
            rlim_max: secs.saturating_add(1) as libc::rlim_t,
        };
        // SAFETY: `lim` is a live rlimit.
        if unsafe { libc::setrlimit(libc::RLIMIT_CPU, &lim) } != 0 {
            return Err(format!(
                "setrlimit(RLIMIT_CPU): {}",
                io::Error::last_os_error()
            ));
        }
    }
    if let Some(bytes) = setup.rlimits.memory {
        process::limit_memory(bytes).map_err(|e| format!("setrlimit (memory): {e}"))?;
    }
    // No core files: a crash is reported, not dumped.
    limit(libc::RLIMIT_CORE, 0).map_err(|e| format!("setrlimit(RLIMIT_CORE): {e}"))?;
    process::drop_privileges().map_err(|e| format!("capset: {e}"))?;
    (setup.enter)(setup.handed)?;
    Ok(())
}

/// Closes every descriptor but `keep`.
pub(crate) fn close_all_but(keep: &[RawFd]) -> io::Result<()> {
    let mut kept: Vec<RawFd> = keep.to_vec();
    kept.sort_unstable();
    kept.dedup();
    let mut low = 0;
    for &fd in &kept {
        if fd > low {
            process::close_range(low, fd - 1)?;
        }
        low = fd + 1;
    }
    process::close_range(low, RawFd::MAX)
}

/// Makes descriptor 2 a copy of `channel`. With 0 and 1 closed, dup(2)
/// returns the lowest free numbers: the third copy lands on 2 without
/// dup2 (which the Linux filter refuses onto a limited number).
fn stderr_to(channel: RawFd) -> io::Result<()> {
    let mut copies = Vec::new();
    loop {
        // SAFETY: dup of a descriptor we own.
        let fd = unsafe { libc::dup(channel) };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        if fd >= 2 {
            if fd > 2 {
                // 2 was kept (handed): leave it.
                // SAFETY: closes the copy just made.
                unsafe { libc::close(fd) };
            }
            break;
        }
        copies.push(fd);
    }
    for fd in copies {
        // SAFETY: closes the copies made on 0 and 1.
        unsafe { libc::close(fd) };
    }
    Ok(())
}
