//! The `SIGSYS` handler (seccomp(2), "SECCOMP_RET_TRAP"): decodes the
//! trapped call from the registers, has it explained (`explain.rs`), and
//! answers it as the mode asks — with the errno the program would have
//! seen, by forwarding it to dry-run's executor, or by stopping.

use std::ffi::c_void;
use std::io;
use std::sync::atomic::Ordering;

use crate::backend::unix::write_stderr;
use crate::trace::{self as report, Mode};

use super::super::confine::ConfineError;
use super::super::seccomp::consts::{AUDIT_ARCH_X86_64, MODE_ERRNO};
use super::executor::{forward, EXECUTOR_PID};
use super::explain::{answer, escaping_lookup, explain};
use super::{frames, IN_HANDLER, LOOKUP_MARK, STATE, TRAPPED};

/// The record of a trapped call, with the user's frames; `None` for a
/// dry-run lookup that stays beneath its directory.
fn record(data: u32, nr: u32, arch: u32, args: &[u64; 6]) -> Option<report::Record> {
    let state = STATE.get()?;
    let scene = state.scene();
    let mut record = if data == LOOKUP_MARK {
        escaping_lookup(&scene, nr, args)?
    } else {
        explain(&scene, data, nr, arch, args)
    };
    record.frames = frames();
    Some(record)
}

pub(super) fn install() -> Result<(), ConfineError> {
    // SAFETY: a zeroed sigaction is valid; the handler has the SA_SIGINFO
    // signature. SA_NODEFER: a denial inside the handler traps again
    // instead of killing the process (a blocked SIGSYS from seccomp is
    // fatal, kernel/signal.c force_sig_info_to_task).
    unsafe {
        let mut sa: libc::sigaction = std::mem::zeroed();
        sa.sa_sigaction = on_sigsys as *const () as usize;
        sa.sa_flags = libc::SA_SIGINFO | libc::SA_NODEFER;
        libc::sigemptyset(&mut sa.sa_mask);
        if libc::sigaction(libc::SIGSYS, &sa, std::ptr::null_mut()) != 0 {
            return Err(ConfineError::Os(
                "sigaction(SIGSYS)",
                io::Error::last_os_error(),
            ));
        }
    }
    Ok(())
}

/// The `SIGSYS` handler (seccomp(2), "SECCOMP_RET_TRAP").
extern "C" fn on_sigsys(_: libc::c_int, info: *mut libc::siginfo_t, ctx: *mut c_void) {
    // SAFETY: the kernel passes a valid siginfo and ucontext to an
    // SA_SIGINFO handler. For SIGSYS the union holds `_sigsys { void
    // *_call_addr; int _syscall; unsigned _arch; }` at offset 16 on x86_64
    // (include/uapi/asm-generic/siginfo.h); `si_errno` holds the filter's
    // data.
    let (data, nr, arch, gregs) = unsafe {
        let base = info as *const u8;
        let data = (*info).si_errno as u32;
        let nr = *(base.add(24) as *const i32);
        let arch = *(base.add(28) as *const u32);
        let uc = ctx as *mut libc::ucontext_t;
        (data, nr, arch, &mut (*uc).uc_mcontext.gregs)
    };
    // SAFETY: errno is thread-local; restored before returning.
    let saved_errno = unsafe { *libc::__errno_location() };
    let args = [
        gregs[libc::REG_RDI as usize] as u64,
        gregs[libc::REG_RSI as usize] as u64,
        gregs[libc::REG_RDX as usize] as u64,
        gregs[libc::REG_R10 as usize] as u64,
        gregs[libc::REG_R8 as usize] as u64,
        gregs[libc::REG_R9 as usize] as u64,
    ];
    let nested = IN_HANDLER.with(|h| h.replace(true));
    let mode = STATE.get().map_or(Mode::Trace, |s| s.mode);
    let result: i64 = match mode {
        Mode::DryRun => {
            if !nested {
                if let Some(r) = record(data, nr as u32, arch, &args) {
                    report::keep(r);
                }
            }
            // SAFETY: getpid(2) cannot fail.
            let forked = unsafe { libc::getpid() } != EXECUTOR_PID.load(Ordering::Relaxed);
            if arch != AUDIT_ARCH_X86_64 || nr as i64 == libc::SYS_clone || forked {
                // Not forwarded: a foreign architecture's call, a namespace
                // clone, or any call of a child forked after entry (the
                // executor thread does not exist there).
                -(MODE_ERRNO as i64)
            } else {
                forward(nr as i64, &args)
            }
        }
        Mode::Trap | Mode::Trace | Mode::Off => {
            TRAPPED.with(|t| t.set(true));
            if !nested {
                if let Some(r) = record(data, nr as u32, arch, &args) {
                    write_stderr(&r.render());
                }
                if mode == Mode::Trap {
                    stop();
                }
            }
            let errno = STATE
                .get()
                .map_or(data, |s| answer(&s.scene(), data, nr as u32, &args));
            -i64::from(errno)
        }
    };
    gregs[libc::REG_RAX as usize] = result;
    IN_HANDLER.with(|h| h.set(nested));
    // SAFETY: as above.
    unsafe { *libc::__errno_location() = saved_errno };
}

/// `SANDBOXED_TRACE=trap`: ends the process with `SIGTRAP`, as
/// `kern.trap_enotcap` does on FreeBSD (a debugger stops here; otherwise
/// the shell sees 128 + 5).
pub(super) fn stop() -> ! {
    write_stderr(&format!(
        "sandboxed: {}=trap: stopped at the first denied operation (SIGTRAP)\n",
        report::VARIABLE
    ));
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
        libc::_exit(report::TRAP_EXIT)
    }
}
