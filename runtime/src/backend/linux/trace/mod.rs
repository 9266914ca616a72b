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
//!   (no `SECCOMP_FILTER_FLAG_TSYNC`) and the threads it starts later. The
//!   handler records the call and makes it for real through one `syscall`
//!   instruction every dry-run program lets through (`reexec.rs`), on the
//!   same thread, so that the program runs as without the sandbox.
//!   Lookups beneath preopened directories are trapped too (Landlock would
//!   decide them): a path that is absolute or climbs out with `..` is
//!   recorded as leaving its directory (lexically: symlinks are not
//!   followed). The report is printed by an atexit(3) handler.
//!
//! The handler only records (`backend/unix/trace`: fixed slots, no lock,
//! no allocation, no denied call); the reporter thread, started before the
//! filters, explains each record from the table and symbolizes its frames
//! from the executable opened before entry, then prints it (`1`, `trap`:
//! the handler waits for that) or keeps it for the report (`dry-run`).
//!
//! What is not seen: Landlock's own denials in trace/trap modes (`EACCES`
//! beneath a preopened directory for `..`, absolute paths, symlinks, or a
//! directory's Landlock rights): the kernel answers them without seccomp.
//! In dry-run, a `clone` with namespace flags that shares memory
//! (`CLONE_VM`) is recorded but not made (its child would start inside the
//! handler): it fails with `EPERM` as in the sandbox. A child forked after
//! entry has no reporter thread: its records are printed by the handler
//! itself, as one line with the call's name and raw addresses.
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
//! - `reexec.rs`: dry-run's exempt `syscall` instruction;
//! - `explain.rs`: the record of a trapped call, from the system-call
//!   table (`syscalls.rs`);
//! - `decode.rs`: arguments as text.

mod copy;
mod decode;
pub(crate) mod explain;
mod handler;
mod reexec;

use std::io;
use std::sync::atomic::AtomicU32;
use std::sync::OnceLock;
use std::time::Duration;

use crate::backend::unix::trace::ring::RawRecord;
use crate::backend::unix::trace::{self as shared, unwind};
use crate::backend::unix::write_stderr;
use crate::trace::{self as report, Described, Mode, Object, Reason, Record};

use super::confine::{self, Applied, ConfineError, Policy};
use super::judge::Context;
use super::kernel::Kernel;
use super::seccomp::{self, FdClass, Grants};
use explain::{traced, Scene};

/// Data of the dry-run lookup filter's traps (not an errno: errnos are
/// below 4096, and this one is never returned to the program).
const LOOKUP_MARK: u32 = seccomp::consts::TRAP_MARK;

/// What the handler needs, fixed before the filters are installed.
struct State {
    mode: Mode,
    signal_scope: bool,
    lookups: bool,
    grants: Grants,
    /// Whether the kernel has a supervisor (`supervise.rs`): it answers
    /// stat with `AT_EMPTY_PATH` and walks the path forms of chmod, chown
    /// and utimes. In dry-run nothing is sent to it (the programs trap
    /// lookups instead), but the path forms are judged as the enforced
    /// run judges them.
    notify: bool,
    /// Whether it answers the signals to a process or thread id too.
    own_signals: bool,
    /// The classes as they are.
    classes: Vec<FdClass>,
    /// The classes as the trace programs see them (`explain::traced`).
    traced: Vec<FdClass>,
    described: Vec<Described>,
}

impl State {
    fn scene(&self) -> Scene<'_> {
        Scene {
            ctx: Context {
                signal_scope: self.signal_scope,
                lookups: self.lookups,
                grants: self.grants,
                forks: super::process::may_fork(),
                notify: self.notify,
                own_signals: self.own_signals,
                classes: &self.traced,
            },
            classes: &self.classes,
            described: &self.described,
        }
    }
}

static STATE: OnceLock<State> = OnceLock::new();

thread_local! {
    /// Set by the handler when it reported a call, so that `beneath` does
    /// not report the same refusal twice.
    static TRAPPED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    /// Set when a `Dir` method's walk (`walk.rs`) refused a path leaving
    /// its directory: the sandbox's refusal, whatever the kernel's own
    /// checks would say (those go through the supervisor's walk too).
    static WALKED_OUT: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Notes that the walk of the current `Dir` call left its directory
/// ([`beneath`] then reports it as an escape).
pub(crate) fn walked_out() {
    WALKED_OUT.with(|w| w.set(true));
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
        // Dry-run enforces nothing and starts no supervisor; its programs
        // trap lookups rather than send them (seccomp/build.rs).
        notify: kernel.notify && !policy.grants.global_paths,
        own_signals: kernel.notify && kernel.pidfd_info && !policy.grants.global_paths,
        classes: policy.classes.clone(),
        traced: traced(&policy.classes),
        described: report::all_described(),
    };
    // The denials trapped with their errno as data (and dry-run's lookups
    // beneath directories with `LOOKUP_MARK`).
    let ctx = state.scene().ctx;
    let mut programs = seccomp::programs(&ctx, &seccomp::returns(Some(LOOKUP_MARK)), dry);
    if dry {
        let ip = reexec::exempt_ip();
        for program in &mut programs {
            reexec::exempt(program, ip);
        }
    }
    confine::check_length(&programs, policy.classes.len())?;
    let _ = STATE.set(state);
    shared::prepare();
    handler::install()?;
    let reporter = |e| ConfineError::Os("pthread_create", e);

    if dry {
        eprintln!(
            "sandboxed: {}=dry-run: the sandbox is NOT enforced; denials are listed at exit",
            report::VARIABLE
        );
        shared::start(keep).map_err(reporter)?;
        // SAFETY: `print_report` is an `extern "C" fn()` that lives as long
        // as the program.
        unsafe { libc::atexit(print_report) };
        confine::no_new_privs()?;
        confine::install(&programs, false)?;
        return Ok(Applied { missing });
    }

    confine::no_new_privs()?;
    // Forked while this is the only thread, outside the domain.
    let supervisor = confine::supervisor(&policy, kernel)?;
    if kernel.landlock_abi >= 1 {
        confine::landlock(&policy)?;
    }
    super::process::forbid_forks_now().map_err(|e| ConfineError::Os("seccomp", e))?;
    drop(policy);
    // After Landlock (a thread inherits the domain of the thread that
    // creates it), before seccomp (TSYNC gives it the filters).
    shared::start(print).map_err(reporter)?;
    confine::install_supervised(&programs, true, supervisor)?;
    Ok(Applied { missing })
}

/// The record of `raw`, explained and with its user's frames; `None` for a
/// dry-run lookup that stays beneath its directory.
fn explained(raw: &RawRecord) -> Option<Record> {
    let state = STATE.get()?;
    let scene = state.scene();
    let mut record = if raw.data == LOOKUP_MARK {
        explain::escaping_lookup(&scene, raw)?
    } else {
        explain::explain_raw(&scene, raw)
    };
    let (frames, caller) = report::user_frames(&shared::frames(raw.frames()));
    record.frames = frames;
    record.caller = caller;
    Some(record)
}

/// The reporter's work in `1` and `trap`: print each record.
fn print(raw: RawRecord) {
    if let Some(record) = explained(&raw) {
        write_stderr(&record.render());
    }
}

/// The reporter's work in dry-run: keep each record for the report.
fn keep(raw: RawRecord) {
    if let Some(record) = explained(&raw) {
        report::keep(record);
    }
}

/// Dry-run's report, at exit.
extern "C" fn print_report() {
    shared::drain(keep);
    let text = shared::while_reporting(|| report::report(shared::RING.lost()));
    write_stderr(&text);
}

/// futex(2) `FUTEX_WAIT`: sleeps while `word` is `expected`, at most
/// `timeout` (async-signal-safe).
pub(crate) fn park(word: &AtomicU32, expected: u32, timeout: Duration) {
    let ts = libc::timespec {
        tv_sec: timeout.as_secs() as libc::time_t,
        tv_nsec: libc::c_long::from(timeout.subsec_nanos() as i32),
    };
    // SAFETY: FUTEX_WAIT on a live atomic with a valid relative timeout.
    unsafe {
        libc::syscall(
            libc::SYS_futex,
            word.as_ptr(),
            libc::FUTEX_WAIT | libc::FUTEX_PRIVATE_FLAG,
            expected,
            &ts as *const libc::timespec,
        );
    }
}

/// futex(2) `FUTEX_WAKE` of every waiter on `word` (async-signal-safe).
pub(crate) fn unpark(word: &AtomicU32) {
    // SAFETY: FUTEX_WAKE on a live atomic.
    unsafe {
        libc::syscall(
            libc::SYS_futex,
            word.as_ptr(),
            libc::FUTEX_WAKE | libc::FUTEX_PRIVATE_FLAG,
            i32::MAX,
        );
    }
}

/// The calling thread's id, as std's panic message shows it (gettid(2)).
pub(crate) fn thread_id() -> u64 {
    // SAFETY: gettid(2) cannot fail.
    (unsafe { libc::gettid() }) as u64
}

/// Runs one `*at()` call of a [`Dir`](crate::Dir) with `rights` beneath
/// descriptor `dirfd`, and tells, from what the kernel can say after the
/// fact, whether a refusal is the sandbox's or the kernel's own
/// permission check (file modes, ownership, a sticky directory):
///
/// - a path that leaves the directory (absolute, or `..` above it), or an
///   operation that needs a right the directory lacks: the sandbox;
/// - `EPERM`: the kernel's (Landlock answers `EACCES`/`EXDEV`, and
///   capability mode never denies an `*at()` call beneath a directory);
/// - `EACCES`: faccessat(2) with `AT_EACCESS` asks the kernel's
///   permission check alone (Landlock does not confine it): if it allows
///   the access, the refusal was Landlock's (a symlink leading out, a
///   rule the directory lacks); if it refuses, it was the file modes.
///
/// The kernel's own refusals come back wrapped in
/// [`OsRefusal`](crate::OsRefusal), so that [`is_violation`] says false;
/// the sandbox's stay plain OS errors. With `SANDBOXED_TRACE=1` or `trap`,
/// the sandbox's refusals that the seccomp filter did not make (so the
/// handler did not see) are reported here, from ordinary code.
///
/// [`is_violation`]: crate::is_violation
pub(crate) fn beneath<T>(
    dirfd: i32,
    rights: crate::rights::RightSet,
    syscall: &'static str,
    path: &std::path::Path,
    flags: Option<u64>,
    call: impl FnOnce() -> io::Result<T>,
) -> io::Result<T> {
    TRAPPED.with(|t| t.set(false));
    WALKED_OUT.with(|w| w.set(false));
    let result = call();
    let Err(error) = &result else {
        return result;
    };
    let errno = error.raw_os_error();
    if !matches!(errno, Some(libc::EACCES | libc::EPERM | libc::EXDEV)) || !super::is_sandboxed() {
        return result;
    }
    let text = path.to_string_lossy().into_owned();
    let refused = if WALKED_OUT.with(|w| w.get()) {
        Some(Reason::Escapes)
    } else {
        refusal(dirfd, rights, syscall, path, flags, errno.unwrap_or(0))
    };
    let reason = match refused {
        Some(reason) => reason,
        None => return Err(crate::OsRefusal::wrap(result.err().expect("an error"))),
    };
    let mode = STATE.get().map_or(Mode::Off, |s| s.mode);
    if matches!(mode, Mode::Trace | Mode::Trap) && !TRAPPED.with(|t| t.get()) {
        let call = match flags {
            Some(f) => format!("{syscall}({dirfd}, {text:?}, {})", decode::open_flags(f)),
            None => format!("{syscall}({dirfd}, {text:?})"),
        };
        let described = STATE
            .get()
            .and_then(|s| s.described.iter().find(|d| d.fd == dirfd).cloned());
        let object = match described {
            Some(d) => Object::Beneath {
                dir: Box::new(d),
                path: text,
            },
            None => Object::Descriptor {
                fd: dirfd,
                decl: None,
            },
        };
        // Symbolizing makes no denied call; if one were made, it would not
        // be a record of its own.
        let (frames, caller) = shared::while_reporting(|| {
            let mut ips = [0usize; shared::ring::MAX_FRAMES];
            let n = unwind::capture(&mut ips);
            report::user_frames(&shared::frames(&ips[..n]))
        });
        let record = Record {
            syscall: syscall.to_owned(),
            call,
            object,
            reason,
            errno: explain::errno_name(errno.unwrap_or_default() as u32),
            frames,
            caller,
            opened_dir: false,
        };
        write_stderr(&record.render());
        if mode == Mode::Trap {
            handler::stop();
        }
    }
    result
}

/// The rights an `*at()` call of a `Dir` needs (rights(4), openat(2)).
fn needed(syscall: &str, flags: Option<u64>) -> crate::rights::RightSet {
    use crate::rights::{Right, RightSet};
    let f = flags.unwrap_or(0) as i32;
    match syscall {
        "openat" => {
            let mut r = vec![Right::Lookup];
            match f & libc::O_ACCMODE {
                libc::O_WRONLY => r.push(Right::Write),
                libc::O_RDWR => r.extend([Right::Read, Right::Write]),
                _ if f & libc::O_PATH == 0 => r.push(Right::Read),
                _ => {}
            }
            if f & libc::O_CREAT != 0 {
                r.push(Right::Create);
            }
            if f & libc::O_TRUNC != 0 {
                r.push(Right::Ftruncate);
            }
            RightSet::of(&r)
        }
        "mkdirat" => Right::Mkdirat.set(),
        "unlinkat" => Right::Unlinkat.set(),
        "symlinkat" => Right::Symlinkat.set(),
        _ => Right::Lookup.set(),
    }
}

/// Whether the sandbox denies `syscall` beneath a directory with a path
/// whatever the directory's rights (its row of the table, judged with a
/// path, no grants, no classes): capability mode (`EPERM`), or, without a
/// supervisor, a path form Landlock does not mediate (`EACCES`: fchmodat,
/// utimensat with a path).
fn always_denied(syscall: &str) -> Option<Reason> {
    let row = super::syscalls::TABLE
        .iter()
        .find(|r| r.name() == syscall)?;
    let ctx = Context {
        signal_scope: false,
        lookups: true,
        grants: Grants::default(),
        forks: true,
        // The path forms Landlock does not mediate are walked by the
        // supervisor where there is one.
        notify: STATE.get().is_some_and(|s| s.notify),
        own_signals: STATE.get().is_some_and(|s| s.own_signals),
        classes: &[],
    };
    // A directory descriptor and a non-NULL path where the row has them.
    let args = [3, 1, 0, 0, 0, 0];
    match super::judge::judge(row, &args, &ctx) {
        super::judge::Verdict::Mode => Some(Reason::NotAllowed(row.why())),
        super::judge::Verdict::Rights(d) if d.lacking == super::judge::Lacking::Unmediated => {
            Some(Reason::Unmediated(row.why()))
        }
        _ => None,
    }
}

/// The sandbox's reason for refusing a `Dir` call, or `None` when the
/// kernel's own permission check refused it (see [`beneath`]).
fn refusal(
    dirfd: i32,
    rights: crate::rights::RightSet,
    syscall: &str,
    path: &std::path::Path,
    flags: Option<u64>,
    errno: i32,
) -> Option<Reason> {
    use std::os::unix::ffi::OsStrExt;
    if explain::leaves(&path.to_string_lossy()) {
        return Some(Reason::Escapes);
    }
    let need = needed(syscall, flags);
    if !rights.contains(need) {
        let missing: Vec<_> = need.atoms().filter(|r| !rights.allows(*r)).collect();
        let all = missing
            .iter()
            .fold(crate::rights::RightSet::EMPTY, |s, r| s.union(r.set()));
        return Some(Reason::MissingRights(missing[0], all));
    }
    if let Some(reason) = always_denied(syscall) {
        return Some(reason);
    }
    if errno == libc::EPERM {
        // Landlock answers EACCES or EXDEV, and the table denies nothing
        // else beneath a directory: the kernel's (ownership, a sticky
        // directory).
        return None;
    }
    if errno != libc::EACCES {
        // EXDEV: Landlock refuses a rename or link that would gain rights.
        return (errno == libc::EXDEV).then_some(Reason::Refused);
    }
    let f = flags.unwrap_or(0) as i32;
    let exists = || {
        let Ok(c) = std::ffi::CString::new(path.as_os_str().as_bytes()) else {
            return false;
        };
        let mut st = std::mem::MaybeUninit::<libc::stat>::uninit();
        // SAFETY: a NUL-terminated path beneath a descriptor we hold; `st`
        // is a valid out-pointer.
        unsafe {
            libc::fstatat(
                dirfd,
                c.as_ptr(),
                st.as_mut_ptr(),
                libc::AT_SYMLINK_NOFOLLOW,
            ) == 0
        }
    };
    // What the operation asks of which file: the file itself when it
    // opens an existing one, else its directory (write and search).
    let (target, mode) = if syscall == "openat" && (f & libc::O_CREAT == 0 || exists()) {
        let mode = match f & libc::O_ACCMODE {
            libc::O_WRONLY => libc::W_OK,
            libc::O_RDWR => libc::R_OK | libc::W_OK,
            _ => libc::R_OK,
        };
        (path.as_os_str().as_bytes().to_vec(), mode)
    } else {
        let parent = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map_or_else(|| b".".to_vec(), |p| p.as_os_str().as_bytes().to_vec());
        let mode = if matches!(syscall, "openat" | "mkdirat" | "unlinkat" | "symlinkat") {
            libc::W_OK | libc::X_OK
        } else {
            libc::X_OK
        };
        (parent, mode)
    };
    let Ok(target) = std::ffi::CString::new(target) else {
        return Some(Reason::Refused);
    };
    // SAFETY: a NUL-terminated path beneath a descriptor we hold.
    let dac = unsafe { libc::faccessat(dirfd, target.as_ptr(), mode, libc::AT_EACCESS) };
    let dac_refuses = dac != 0 && io::Error::last_os_error().raw_os_error() == Some(libc::EACCES);
    (!dac_refuses).then_some(Reason::Refused)
}
