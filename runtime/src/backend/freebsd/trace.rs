//! `SANDBOXED_TRACE` on FreeBSD: the kernel's own reporting of capability
//! failures.
//!
//! - **trace / trap**: `procctl(P_PID, getpid(), PROC_TRAPCAP_CTL,
//!   PROC_TRAPCAP_CTL_ENABLE)` (procctl(2), the per-process form of
//!   `kern.trap_enotcap`) makes every system call that fails with
//!   `ENOTCAPABLE` or `ECAPMODE` deliver a synchronous `SIGTRAP` with
//!   `si_code = TRAP_CAP`, `si_errno` the error and `si_syscall` the call,
//!   *after* the call has returned its error. The handler records the
//!   call's number, error and return addresses in a fixed slot and waits
//!   for the reporter thread (started before `cap_enter`) to explain,
//!   symbolize and print it (`trace`: the program then sees the error), or
//!   stops once it is printed (`trap`). It takes no lock, allocates
//!   nothing, and makes no call capability mode denies
//!   (`backend/unix/trace`): a handler that symbolized in place opened
//!   shared objects by path — denied, trapped again — while holding std's
//!   backtrace lock, and hung.
//! - **dry-run**: capability mode is not entered and rights are not limited;
//!   `ktrace(2)` with `KTRFAC_CAPFAIL` (FreeBSD 14: recorded also outside
//!   capability mode) writes each would-be violation to a trace file, which
//!   `kdump -t p -f FILE` prints (namei paths, missing rights, addresses).
//!
//! What FreeBSD cannot give here: the trap carries only the system call and
//! the error, not its arguments (the registers at delivery are the return
//! state), so a record names the call and the reason but not the path or
//! descriptor; ktrace has them. The dry-run report is ktrace's file, not
//! the grouped report of Linux (it is written by the kernel, not parsed
//! here), and missing rights are not seen in dry-run because nothing is
//! limited. Type-checked only (`--target x86_64-unknown-freebsd`): no
//! FreeBSD machine ran it.

use std::ffi::{c_void, CString};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::sync::atomic::AtomicU32;
use std::sync::OnceLock;
use std::time::Duration;

use super::trap::{self, SigInfo, TRAP_CAP};
use crate::backend::unix::trace::ring::RawRecord;
use crate::backend::unix::trace::{self as shared, unwind, RING};
use crate::backend::unix::write_stderr;
use crate::error::Failure;
use crate::trace::{self as report, Mode, Object, Reason, Record};

/// `KTROP_SET` (sys/sys/ktrace.h).
pub(super) const KTROP_SET: i32 = 0;
/// `KTR_CAPFAIL` (sys/sys/ktrace.h).
pub(super) const KTR_CAPFAIL: i32 = 12;
/// `KTRFAC_CAPFAIL` = `1 << KTR_CAPFAIL` (sys/sys/ktrace.h).
pub(super) const KTRFAC_CAPFAIL: i32 = 1 << KTR_CAPFAIL;

extern "C" {
    /// ktrace(2).
    fn ktrace(tracefile: *const libc::c_char, ops: i32, trpoints: i32, pid: libc::pid_t) -> i32;
}

static MODE: OnceLock<Mode> = OnceLock::new();
static KTRACE_FILE: OnceLock<String> = OnceLock::new();

/// Before `cap_enter`: asks the kernel to trap capability failures.
pub(crate) fn arm(mode: Mode) -> Result<(), Failure> {
    let _ = MODE.set(mode);
    // The executable for symbols, and the reporter, while paths can still
    // be opened and before the process is confined.
    shared::prepare();
    shared::start(print).map_err(|e| Failure::new("pthread_create", e))?;
    // SAFETY: a zeroed sigaction is valid; the handler has the SA_SIGINFO
    // signature. No SA_NODEFER: the handler makes no call capability mode
    // denies, and every other signal is blocked while it fills a slot.
    unsafe {
        let mut sa: libc::sigaction = std::mem::zeroed();
        sa.sa_sigaction = on_sigtrap as *const () as usize;
        sa.sa_flags = libc::SA_SIGINFO;
        libc::sigfillset(&mut sa.sa_mask);
        if libc::sigaction(libc::SIGTRAP, &sa, std::ptr::null_mut()) != 0 {
            return Err(Failure::last_os_error("sigaction(SIGTRAP)"));
        }
    }
    let mut enable: libc::c_int = libc::PROC_TRAPCAP_CTL_ENABLE;
    // SAFETY: PROC_TRAPCAP_CTL reads one int from `enable`.
    let r = unsafe {
        libc::procctl(
            libc::P_PID,
            libc::getpid() as libc::id_t,
            libc::PROC_TRAPCAP_CTL,
            (&mut enable as *mut libc::c_int).cast(),
        )
    };
    if r != 0 {
        return Err(Failure::last_os_error("procctl(PROC_TRAPCAP_CTL)"));
    }
    Ok(())
}

/// Instead of `cap_enter`: records would-be violations with ktrace(2).
pub(crate) fn dry_run() -> Result<(), Failure> {
    // SAFETY: getpid(2) cannot fail.
    let pid = unsafe { libc::getpid() };
    // ktrace(2) does not create its file (trap::create_trace_file).
    let path = trap::create_trace_file(Path::new("."), pid.unsigned_abs())
        .map_err(|e| Failure::new("open(ktrace file)", e))?;
    let file = path.display().to_string();
    let c = CString::new(path.as_os_str().as_bytes()).expect("no NUL");
    // SAFETY: a NUL-terminated path; KTROP_SET on our own pid.
    if unsafe { ktrace(c.as_ptr(), KTROP_SET, KTRFAC_CAPFAIL, pid) } != 0 {
        let error = Failure::last_os_error("ktrace(KTRFAC_CAPFAIL)");
        // The file is ours and still empty.
        let _ = std::fs::remove_file(&path);
        return Err(error);
    }
    eprintln!(
        "sandboxed: {}=dry-run: the sandbox is NOT enforced; would-be violations go to {file} (ktrace)",
        report::VARIABLE
    );
    let _ = KTRACE_FILE.set(file);
    // SAFETY: `at_exit` is an `extern "C" fn()` living as long as the program.
    unsafe { libc::atexit(at_exit) };
    Ok(())
}

extern "C" fn at_exit() {
    if let Some(file) = KTRACE_FILE.get() {
        write_stderr(&format!(
            "sandboxed: dry-run: read what the sandbox would have denied with `kdump -t p -f {file}`\n"
        ));
    }
}

/// The errno's name as a record shows it.
fn errno_name(errno: i32) -> &'static str {
    if errno == libc::ENOTCAPABLE {
        "ENOTCAPABLE"
    } else {
        "ECAPMODE"
    }
}

/// The reporter's work: explain, symbolize and print one record. The trap
/// carries the call and its error, not its arguments.
fn print(raw: RawRecord) {
    let nr = raw.nr as i32;
    let errno = raw.data as i32;
    let reason = if errno == libc::ENOTCAPABLE {
        Reason::Rights
    } else {
        Reason::CapabilityMode
    };
    let (frames, caller) = report::user_frames(&shared::frames(raw.frames()));
    let record = Record {
        call: trap::call_text(nr),
        syscall: trap::syscall_label(nr),
        object: Object::None,
        reason,
        errno: errno_name(errno),
        frames,
        caller,
        opened_dir: false,
    };
    write_stderr(&record.render());
}

/// _umtx_op(2) `UMTX_OP_WAIT_UINT_PRIVATE`: sleeps while `word` is
/// `expected`, at most `timeout` (async-signal-safe).
pub(crate) fn park(word: &AtomicU32, expected: u32, timeout: Duration) {
    let mut ts = libc::timespec {
        tv_sec: timeout.as_secs() as libc::time_t,
        tv_nsec: libc::c_long::from(timeout.subsec_nanos() as i32),
    };
    // SAFETY: a live atomic word and a relative timeout; a NULL `uaddr`
    // says `uaddr2` is a `struct timespec` (_umtx_op(2)).
    unsafe {
        libc::_umtx_op(
            word.as_ptr().cast(),
            libc::UMTX_OP_WAIT_UINT_PRIVATE,
            libc::c_ulong::from(expected),
            std::ptr::null_mut(),
            (&mut ts as *mut libc::timespec).cast(),
        );
    }
}

/// _umtx_op(2) `UMTX_OP_WAKE_PRIVATE` of every waiter on `word`.
pub(crate) fn unpark(word: &AtomicU32) {
    // SAFETY: a live atomic word.
    unsafe {
        libc::_umtx_op(
            word.as_ptr().cast(),
            libc::UMTX_OP_WAKE_PRIVATE,
            libc::c_int::MAX as libc::c_ulong,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
        );
    }
}

/// The calling thread's id, as std's panic message shows it.
pub(crate) fn thread_id() -> u64 {
    // SAFETY: no arguments; cannot fail.
    (unsafe { libc::pthread_getthreadid_np() }) as u64
}

extern "C" fn on_sigtrap(_: libc::c_int, info: *mut libc::siginfo_t, _: *mut c_void) {
    // SAFETY: the kernel passes a valid siginfo to an SA_SIGINFO handler,
    // laid out as `SigInfo` (sys/sys/signal.h; the layout is checked
    // against libc's `siginfo_t` at compile time in layout.rs).
    let (code, errno, nr) = unsafe {
        let si = &*info.cast::<SigInfo>();
        (si.si_code, si.si_errno, si.si_syscall())
    };
    if code != TRAP_CAP {
        // A breakpoint or a debugger's trap: what SIGTRAP does by default.
        // SAFETY: restoring the default action and re-raising.
        unsafe {
            libc::signal(libc::SIGTRAP, libc::SIG_DFL);
            libc::raise(libc::SIGTRAP);
        }
        return;
    }
    if shared::reporting() {
        // The reporter's own refused call (say, a limited stderr): the
        // program has its error; no record.
        return;
    }
    let mut raw = RawRecord::new(nr as u32, 0, errno as u32);
    raw.errno = errno as u32;
    let mut frames = [0usize; crate::backend::unix::trace::ring::MAX_FRAMES];
    let n = unwind::capture(&mut frames);
    raw.frames[..n].copy_from_slice(&frames[..n]);
    raw.nframes = n;
    raw.tid = thread_id() as i64;
    let printed = match RING.claim() {
        Some(claim) => {
            *RING.record(&claim) = raw;
            shared::hand_over(claim, true)
        }
        None => false,
    };
    if !printed {
        // No allocation here: the static name, or "syscall".
        shared::fallback(
            &raw,
            trap::syscall_name(nr).unwrap_or("syscall"),
            errno_name(errno),
        );
    }
    if MODE.get() == Some(&Mode::Trap) {
        write_stderr(
            "sandboxed: SANDBOXED_TRACE=trap: stopped at the first denied operation (SIGTRAP)\n",
        );
        shared::mark_reporting();
        // SAFETY: the default action of SIGTRAP ends the process (and stops
        // it under a debugger), as kern.trap_enotcap does.
        unsafe {
            libc::signal(libc::SIGTRAP, libc::SIG_DFL);
            libc::raise(libc::SIGTRAP);
            libc::_exit(report::TRAP_EXIT);
        }
    }
}
