//! The `SIGSYS` handler (seccomp(2), "SECCOMP_RET_TRAP"). It keeps the
//! discipline of `backend/unix/trace`: the call's number, arguments, the
//! memory they point to and the return addresses go into a fixed slot of
//! the ring, and the call is answered as the mode asks — with the errno
//! the program would have seen (`1`), by stopping once the record is
//! printed (`trap`), or by making it for real (`dry-run`, `reexec.rs`).
//! Explaining and printing is the reporter thread's work (`mod.rs`).
//! Nothing here locks, allocates, or makes a call the filters deny.

use std::ffi::c_void;

use crate::backend::unix::trace::ring::RawRecord;
use crate::backend::unix::trace::{self as shared, unwind, RING};

use super::copy;
use crate::backend::unix::write_stderr;
use crate::trace::Mode;

use super::super::confine::ConfineError;
use super::super::rules::Arg;
use super::super::seccomp::consts::{AUDIT_ARCH_X86_64, MODE_ERRNO};
use super::super::slots;
use super::super::syscalls;
use super::explain::{answer, errno_name, leaves_bytes};
use super::{reexec, LOOKUP_MARK, STATE};

pub(super) fn install() -> Result<(), ConfineError> {
    slots::install_sigsys(on_sigsys).map_err(|e| ConfineError::Os("sigaction(SIGSYS)", e))
}

/// Copies the memory the call's pointer arguments name into `raw`
/// (paths, strings, the socket address), as its row describes them.
pub(crate) fn copy_arguments(raw: &mut RawRecord) {
    let Some(row) = syscalls::lookup(raw.nr).filter(|_| raw.arch == AUDIT_ARCH_X86_64) else {
        return;
    };
    let mut slot = 0;
    for (i, kind) in row.args().iter().enumerate() {
        if slot == raw.mem.len() {
            break;
        }
        match kind {
            Arg::Path | Arg::Str | Arg::Program => {
                copy::string(i, raw.args[i], &mut raw.mem[slot]);
                slot += 1;
            }
            Arg::Addr => {
                let len = raw.args.get(i + 1).copied().unwrap_or(0);
                copy::bytes(i, raw.args[i], len, &mut raw.mem[slot]);
                slot += 1;
            }
            _ => {}
        }
    }
}

/// Whether a dry-run lookup beneath a directory leaves it: the handler's
/// own test, on the copied path (no record for lookups that stay beneath).
fn lookup_leaves(raw: &RawRecord) -> bool {
    let Some(row) = syscalls::lookup(raw.nr) else {
        return false;
    };
    row.lookups().any(|(_, p)| {
        raw.blob(p)
            .is_some_and(|b| !b.fault && leaves_bytes(b.data()))
    })
}

/// Whether dry-run may make call `nr` from the handler: not another
/// architecture's, and no `clone` sharing memory (its child would start
/// on a new stack inside the handler).
fn makeable(raw: &RawRecord) -> bool {
    raw.arch == AUDIT_ARCH_X86_64
        && !(i64::from(raw.nr) == libc::SYS_clone && raw.args[0] & libc::CLONE_VM as u64 != 0)
}

/// The file type of descriptor `fd` (`S_IFMT` bits), 0 if unknown.
fn file_type(fd: i64) -> u32 {
    // SAFETY: a zeroed stat is valid; fstat through the exempt call.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    let args = [fd as u64, (&raw mut st) as u64, 0, 0, 0, 0];
    if reexec::call(libc::SYS_fstat, &args) == 0 {
        st.st_mode & libc::S_IFMT
    } else {
        0
    }
}

/// Whether `raw` is glibc asking the CPU mask of one of this process's
/// own threads: pthread_getattr_np(3), which std calls as each thread
/// starts, does `sched_getaffinity(tid)`. seccomp cannot tell a thread id
/// of the process from another process's id: where the supervisor cannot
/// either (no `PIDFD_GET_INFO`, Linux < 6.13) the sandbox refuses it (and
/// std does without the thread's stack bounds); the trace does not
/// report it. tgkill(pid, tid, 0) tells (allowed: the signal goes to our
/// own pid).
fn own_thread_affinity(raw: &RawRecord) -> bool {
    i64::from(raw.nr) == libc::SYS_sched_getaffinity
        && raw.args[0] != 0
        // SAFETY: signal 0 only checks that the thread exists in our process.
        && unsafe {
            libc::syscall(libc::SYS_tgkill, libc::getpid(), raw.args[0] as libc::pid_t, 0)
        } == 0
}

/// The `SIGSYS` handler.
extern "C" fn on_sigsys(_: libc::c_int, info: *mut libc::siginfo_t, ctx: *mut c_void) {
    // SAFETY: the kernel's arguments to an SA_SIGINFO handler.
    let call = unsafe { slots::trapped_call(info, ctx) };
    // SAFETY: errno is thread-local; restored before returning.
    let saved_errno = unsafe { *libc::__errno_location() };
    let mut raw = RawRecord::new(call.nr as u32, call.arch, call.data);
    raw.args = call.args;
    // A close of a pool number: not a denial; the placeholder goes back
    // (slots.rs).
    let emulated = (call.data == LOOKUP_MARK)
        .then(|| slots::emulate(call.nr, &raw.args))
        .flatten();
    let result = emulated.unwrap_or_else(|| answer_call(&mut raw, call.pc));
    // SAFETY: `result` points into the interrupted context; errno as above.
    unsafe {
        *call.result = result;
        *libc::__errno_location() = saved_errno;
    }
}

/// Records and answers one trapped call; the value for `rax`.
fn answer_call(raw: &mut RawRecord, pc: usize) -> i64 {
    let state = STATE.get();
    let mode = state.map_or(Mode::Trace, |s| s.mode);
    let errno = || {
        let data = raw.data;
        let e = if data == LOOKUP_MARK {
            0
        } else {
            state.map_or(data, |s| answer(&s.scene(), data, raw.nr, &raw.args))
        };
        -i64::from(e)
    };
    if mode == Mode::DryRun {
        copy_arguments(raw);
        let escapes = (raw.data != LOOKUP_MARK || lookup_leaves(raw)) && !own_thread_affinity(raw);
        let result = if makeable(raw) {
            reexec::call(i64::from(raw.nr), &raw.args)
        } else {
            -i64::from(MODE_ERRNO)
        };
        if escapes && !shared::reporting() {
            raw.result = result;
            if result >= 0 && matches!(i64::from(raw.nr), libc::SYS_openat | libc::SYS_open) {
                raw.opened = file_type(result);
            }
            record(raw, pc, Mode::DryRun);
        }
        return result;
    }
    let e = errno();
    if shared::reporting() || own_thread_affinity(raw) {
        // A denial met while reporting (the reporter itself, or a record
        // being symbolized): answered, never recorded.
        return e;
    }
    raw.errno = (-e) as u32;
    copy_arguments(raw);
    record(raw, pc, mode);
    if mode == Mode::Trap {
        stop();
    }
    e
}

/// Hands the record to the reporter (waiting for it to be printed in
/// `trace` and `trap`), or prints the fallback line.
fn record(raw: &mut RawRecord, pc: usize, mode: Mode) {
    let mut frames = [0usize; crate::backend::unix::trace::ring::MAX_FRAMES + 8];
    let n = unwind::capture(&mut frames);
    // From the interrupted instruction on: the frames above it are this
    // handler's and the signal trampoline's.
    let from = frames[..n].iter().position(|&ip| ip == pc).unwrap_or(0);
    let kept = (n - from).min(raw.frames.len());
    raw.frames[..kept].copy_from_slice(&frames[from..from + kept]);
    raw.nframes = kept;
    // SAFETY: gettid(2) cannot fail.
    raw.tid = unsafe { libc::gettid() }.into();
    let wait = mode != Mode::DryRun;
    let printed = match RING.claim() {
        Some(claim) => {
            *RING.record(&claim) = *raw;
            shared::hand_over(claim, wait)
        }
        None => !wait,
    };
    if !printed {
        let name = syscalls::lookup(raw.nr).map_or("syscall", |r| r.name());
        shared::fallback(raw, name, errno_name(raw.errno));
    }
}

/// `SANDBOXED_TRACE=trap`: ends the process with `SIGTRAP`, as
/// `kern.trap_enotcap` does on FreeBSD (a debugger stops here; otherwise
/// the shell sees 128 + 5). Async-signal-safe.
pub(super) fn stop() -> ! {
    write_stderr(
        "sandboxed: SANDBOXED_TRACE=trap: stopped at the first denied operation (SIGTRAP)\n",
    );
    // Should tgkill be refused (it goes to the supervisor, which lets a
    // process signal only itself; `ENOSYS` once the supervisor is gone),
    // that denial is answered silently, and _exit follows.
    crate::backend::unix::trace::mark_reporting();
    // SAFETY: resetting SIGTRAP to its default action and sending it to
    // this thread (tgkill of our own pid is allowed in the sandbox).
    unsafe {
        libc::signal(libc::SIGTRAP, libc::SIG_DFL);
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGTRAP);
        libc::pthread_sigmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut());
        libc::syscall(
            libc::SYS_tgkill,
            libc::getpid(),
            libc::syscall(libc::SYS_gettid),
            libc::SIGTRAP,
        );
        libc::_exit(crate::trace::TRAP_EXIT)
    }
}
