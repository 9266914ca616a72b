//! `SANDBOXED_TRACE` on Linux: the seccomp program's denials become
//! `SECCOMP_RET_TRAP` (seccomp(2)), and a `SIGSYS` handler reports them.
//!
//! - **trace / trap**: the same confinement as `confine::apply` (Landlock,
//!   the same program), except that its capability-mode and rights denials
//!   answer `RET_TRAP` with the errno as data instead of `RET_ERRNO`
//!   (`seccomp::returns`). The kernel rolls the call back and sends `SIGSYS`
//!   (`si_syscall`, `si_arch`, `si_errno` = the data); the handler decodes the
//!   call from the registers in the `ucontext`, prints the record and sets
//!   `rax` to `-errno`, so the program sees exactly the error it would have
//!   seen (`trace`), or stops with `SIGTRAP` (`trap`).
//! - **dry-run**: no Landlock, and the filters apply to the calling thread
//!   only (no `SECCOMP_FILTER_FLAG_TSYNC`). A helper thread started just
//!   before them is therefore unfiltered: the handler records the call, hands
//!   it to that thread (futex(2)), and returns its result, so the call
//!   really happens. Threads the program starts later inherit the filters.
//!   Lookups beneath preopened directories are trapped too (Landlock would
//!   decide them): a path that is absolute or climbs out with `..` is
//!   recorded as leaving its directory (lexically: symlinks are not
//!   followed). The report is printed by an atexit(3) handler.
//!
//! What is not seen: Landlock's own denials in trace/trap modes (`EACCES`
//! beneath a preopened directory for `..`, absolute paths, symlinks, or a
//! directory's Landlock rights): the kernel answers them without seccomp.
//! In dry-run, calls that depend on the calling thread (`unshare`, `setns`)
//! act on the helper thread; `clone` with namespace flags, and every
//! trapped call of a child forked after entry (which has no helper thread),
//! are recorded but not made: they fail with `EPERM` as in the sandbox.
//!
//! Why not `SECCOMP_RET_USER_NOTIF` with `SECCOMP_USER_NOTIF_FLAG_CONTINUE`
//! for dry-run: a supervisor in another thread could not take the
//! backtrace of the caller, and the trap needs no listener (the kernel
//! allows one per filter stack, kernel/seccomp.c `has_duplicate_listener`). The trap runs on the calling thread, so the
//! record names the user's line in every mode.
//!
//! Tracing off installs nothing of this: `Native::enter` calls
//! `confine::apply` unchanged.
//!
//! - `handler.rs`: the `SIGSYS` handler;
//! - `executor.rs`: dry-run's unfiltered thread;
//! - `explain.rs`: the record of a trapped call, from the system-call
//!   table (`syscalls.rs`);
//! - `decode.rs`: arguments as text.

mod decode;
mod executor;
pub(crate) mod explain;
mod handler;

use std::io;
use std::sync::OnceLock;

use crate::backend::unix::write_stderr;
use crate::trace::{self as report, Described, Frame, Mode, Object, Reason, Record};

use super::confine::{self, Applied, ConfineError, Policy};
use super::judge::Context;
use super::kernel::Kernel;
use super::seccomp::{self, FdClass, Grants};
use explain::{traced, Scene};

/// Data of the dry-run lookup filter's traps (not an errno: errnos are
/// below 4096, and this one is never returned to the program).
const LOOKUP_MARK: u32 = 0xfff;

/// What the handler needs, fixed before the filters are installed.
struct State {
    mode: Mode,
    signal_scope: bool,
    lookups: bool,
    grants: Grants,
    /// The classes as they are.
    classes: Vec<FdClass>,
    /// The classes as the trace programs see them (`explain::traced`).
    traced: Vec<FdClass>,
    described: Vec<Described>,
    cwd: String,
}

impl State {
    fn scene(&self) -> Scene<'_> {
        Scene {
            ctx: Context {
                signal_scope: self.signal_scope,
                lookups: self.lookups,
                grants: self.grants,
                classes: &self.traced,
            },
            classes: &self.classes,
            described: &self.described,
        }
    }
}

static STATE: OnceLock<State> = OnceLock::new();

thread_local! {
    /// Set while this thread runs the handler: a denial inside it (the
    /// symbolizer opening a file) is answered without a record.
    static IN_HANDLER: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    /// Set by the handler when it reported a call, so that `beneath` does
    /// not report the same refusal twice.
    static TRAPPED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Confines the calling process with `policy` as `confine::apply` does, with
/// denials trapped and reported as `mode` asks.
pub(crate) fn apply(policy: Policy, kernel: &Kernel, mode: Mode) -> Result<Applied, ConfineError> {
    let missing = kernel.missing_for(&policy);
    if !kernel.seccomp {
        if mode == Mode::DryRun {
            eprintln!("sandboxed: dry-run: seccomp is missing, nothing can be observed");
            return Ok(Applied { missing });
        }
        eprintln!(
            "sandboxed: {}: seccomp is missing, denials cannot be reported",
            report::VARIABLE
        );
        return confine::apply(policy, kernel);
    }
    let dry = mode == Mode::DryRun;
    // In dry-run the lookups are trapped and checked instead (below).
    let lookups = dry || kernel.landlock_abi >= 1;
    let state = State {
        mode,
        signal_scope: kernel.landlock_abi >= 6,
        lookups,
        grants: policy.grants,
        classes: policy.classes.clone(),
        traced: traced(&policy.classes),
        described: report::all_described(),
        cwd: std::env::current_dir()
            .map(|d| d.to_string_lossy().into_owned())
            .unwrap_or_default(),
    };
    // The denials trapped with their errno as data (and dry-run's lookups
    // beneath directories with `LOOKUP_MARK`).
    let ctx = state.scene().ctx;
    let programs = seccomp::programs(&ctx, &seccomp::returns(Some(LOOKUP_MARK)), dry);
    confine::check_length(&programs, policy.classes.len())?;
    let _ = STATE.set(state);
    // Symbolize once now: std's symbolizer maps the executable while paths
    // can still be opened.
    let _ = std::backtrace::Backtrace::force_capture().to_string();
    handler::install()?;

    if dry {
        eprintln!(
            "sandboxed: {}=dry-run: the sandbox is NOT enforced; denials are listed at exit",
            report::VARIABLE
        );
        executor::start()?;
        // SAFETY: `print_report` is an `extern "C" fn()` that lives as long
        // as the program.
        unsafe { libc::atexit(executor::print_report) };
        confine::no_new_privs()?;
        confine::install(&programs, false)?;
        return Ok(Applied { missing });
    }

    confine::no_new_privs()?;
    if kernel.landlock_abi >= 1 {
        confine::landlock(&policy)?;
    }
    drop(policy);
    confine::install(&programs, true)?;
    Ok(Applied { missing })
}

/// Runs one `*at()` call of a [`Dir`](crate::Dir) beneath descriptor
/// `dirfd`. With `SANDBOXED_TRACE=1` or `trap`, a refusal that the seccomp
/// filter did not make (and so the handler did not see) is Landlock's: `..`
/// or a symlink leading out of the directory, or an access its rules lack.
/// It is reported here, from ordinary code, with the same record.
pub(crate) fn beneath<T>(
    dirfd: i32,
    syscall: &'static str,
    path: &std::path::Path,
    flags: Option<u64>,
    call: impl FnOnce() -> io::Result<T>,
) -> io::Result<T> {
    let mode = STATE.get().map_or(Mode::Off, |s| s.mode);
    if !matches!(mode, Mode::Trace | Mode::Trap) {
        return call();
    }
    TRAPPED.with(|t| t.set(false));
    let result = call();
    let errno = result.as_ref().err().and_then(io::Error::raw_os_error);
    if matches!(errno, Some(libc::EACCES | libc::EXDEV)) && !TRAPPED.with(|t| t.get()) {
        let path = path.to_string_lossy().into_owned();
        let call = match flags {
            Some(f) => format!("{syscall}({dirfd}, {path:?}, {})", decode::open_flags(f)),
            None => format!("{syscall}({dirfd}, {path:?})"),
        };
        let reason = if explain::leaves(&path) {
            Reason::Escapes
        } else {
            Reason::Refused
        };
        let described = STATE
            .get()
            .and_then(|s| s.described.iter().find(|d| d.fd == dirfd).cloned());
        let object = match described {
            Some(d) => Object::Beneath {
                dir: Box::new(d),
                path,
            },
            None => Object::Descriptor {
                fd: dirfd,
                decl: None,
            },
        };
        // Formatting the backtrace makes calls the sandbox denies
        // (getcwd): as in the handler, those are not records of their own.
        let nested = IN_HANDLER.with(|h| h.replace(true));
        let frames = frames_after("sandboxed::fs::");
        IN_HANDLER.with(|h| h.set(nested));
        let record = Record {
            syscall: syscall.to_owned(),
            call,
            object,
            reason,
            errno: explain::errno_name(errno.unwrap_or_default() as u32),
            frames,
        };
        write_stderr(&record.render());
        if mode == Mode::Trap {
            handler::stop();
        }
    }
    result
}

/// The user's frames of the current backtrace.
fn frames() -> Vec<Frame> {
    frames_after("trace::handler::on_sigsys")
}

/// The user's frames of the current backtrace, those called by the
/// outermost frame whose name contains `boundary`.
fn frames_after(boundary: &str) -> Vec<Frame> {
    let text = std::backtrace::Backtrace::force_capture().to_string();
    let cwd = STATE.get().map_or("", |s| s.cwd.as_str());
    report::user_frames(&text, boundary, cwd)
}
