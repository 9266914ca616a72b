//! `SANDBOXED_TRACE` on Linux: the seccomp filters' denials become
//! `SECCOMP_RET_TRAP` (seccomp(2)), and a `SIGSYS` handler reports them.
//!
//! - **trace / trap**: the same confinement as `confine::apply` (Landlock,
//!   the same filters), except that the `RET_ERRNO` answers of the
//!   capability-mode and rights filters are rewritten to `RET_TRAP` with the
//!   same errno as data. The kernel rolls the call back and sends `SIGSYS`
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
//! for dry-run: the kernel allows one listener per filter stack
//! (kernel/seccomp.c, `has_duplicate_listener`), while the confinement is
//! several stacked filters with opposite defaults (allowlist, rights
//! denylist); and a supervisor in another thread could not take the
//! backtrace of the caller. The trap runs on the calling thread, so the
//! record names the user's line in every mode.
//!
//! Tracing off installs nothing of this: `Native::enter` calls
//! `confine::apply` unchanged.

// libc names system call numbers in lower case (`SYS_openat`); they are
// matched on below.
#![allow(non_upper_case_globals)]

use crate::backend::unix::write_stderr;
use std::ffi::c_void;
use std::fmt::Write as _;
use std::io;
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicI64, AtomicU32, AtomicU64, Ordering};
use std::sync::OnceLock;

use seccompiler::{
    BpfProgram, SeccompAction, SeccompCmpArgLen, SeccompCmpOp, SeccompCondition, SeccompFilter,
    SeccompRule, TargetArch,
};

use crate::error::Failure;
use crate::rights::{Right, RightSet};
use crate::trace::{self as report, Described, Frame, Mode, Object, Reason, Record};

use super::confine::{self, Applied, Policy};
use super::probe::Kernel;
use super::seccomp::{self, FdClass, MODE_ERRNO, RIGHTS_ERRNO};

/// Data of the dry-run lookup filter's traps (not an errno: errnos are
/// below 4096, and this one is never returned to the program).
const LOOKUP_MARK: u32 = 0xfff;

/// `AUDIT_ARCH_X86_64` (include/uapi/linux/audit.h).
const AUDIT_ARCH_X86_64: u32 = 0xc000_003e;

/// What the handler needs, fixed before the filters are installed.
struct State {
    mode: Mode,
    classes: Vec<FdClass>,
    described: Vec<Described>,
    cwd: String,
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
pub(crate) fn apply(policy: Policy, kernel: &Kernel, mode: Mode) -> Result<Applied, Failure> {
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
    let seccomp_mode = seccomp::Mode {
        // SAFETY: getpid(2) cannot fail.
        pid: unsafe { libc::getpid() } as u32,
        // In dry-run the lookups are trapped and checked instead (below).
        lookups: dry || kernel.landlock_abi >= 1,
        grants: policy.grants,
    };
    // Read/write rules for every class, even where the access mode already
    // denies (the enforcing filter leaves those to the kernel's EBADF), so
    // that the trace sees them; `answer` gives the program that EBADF.
    let traced: Vec<FdClass> = policy
        .classes
        .iter()
        .map(|c| FdClass {
            reads: true,
            writes: true,
            ..*c
        })
        .collect();
    let mut programs = seccomp::programs(&seccomp_mode, &traced)
        .map_err(|e| Failure::new("seccomp filter", io::Error::other(e.to_string())))?;
    if dry {
        if let Some(lookups) = lookup_filter(&policy.classes)
            .map_err(|e| Failure::new("seccomp filter", io::Error::other(e.to_string())))?
        {
            // First: the capability-mode filter, installed last, denies
            // seccomp(2) itself.
            programs.insert(0, lookups);
        }
    }
    for program in &mut programs {
        for errno in [MODE_ERRNO as u32, RIGHTS_ERRNO as u32, LOOKUP_MARK] {
            retarget(
                program,
                libc::SECCOMP_RET_ERRNO | errno,
                libc::SECCOMP_RET_TRAP | errno,
            );
        }
    }

    let cwd = std::env::current_dir()
        .map(|d| d.to_string_lossy().into_owned())
        .unwrap_or_default();
    let _ = STATE.set(State {
        mode,
        classes: policy.classes.clone(),
        described: report::all_described(),
        cwd,
    });
    // Symbolize once now: std's symbolizer maps the executable while paths
    // can still be opened.
    let _ = std::backtrace::Backtrace::force_capture().to_string();
    install_handler()?;

    if dry {
        eprintln!(
            "sandboxed: {}=dry-run: the sandbox is NOT enforced; denials are listed at exit",
            report::VARIABLE
        );
        start_executor()?;
        // SAFETY: `print_report` is an `extern "C" fn()` that lives as long
        // as the program.
        unsafe { libc::atexit(print_report) };
        confine::no_new_privs()?;
        for program in &programs {
            seccompiler::apply_filter(program).map_err(seccomp_failure)?;
        }
        return Ok(Applied { missing });
    }

    confine::no_new_privs()?;
    if kernel.landlock_abi >= 1 {
        confine::landlock(&policy)?;
    }
    drop(policy);
    for program in &programs {
        seccompiler::apply_filter_all_threads(program).map_err(seccomp_failure)?;
    }
    Ok(Applied { missing })
}

fn seccomp_failure(e: seccompiler::Error) -> Failure {
    let err = match e {
        seccompiler::Error::Seccomp(err) => err,
        other => io::Error::other(other.to_string()),
    };
    Failure::new("seccomp(SECCOMP_SET_MODE_FILTER)", err)
}

/// Rewrites the compiled program's `RET from` instructions to `RET to`: the
/// only change tracing makes to the filters (seccompiler's actions carry no
/// data for `Trap`).
fn retarget(program: &mut BpfProgram, from: u32, to: u32) {
    const BPF_RET_K: u16 = 0x06;
    for insn in program.iter_mut() {
        if insn.code == BPF_RET_K && insn.k == from {
            insn.k = to;
        }
    }
}

/// The dry-run filter trapping lookups beneath directories (classes with
/// `lookup`), which Landlock decides when enforcing. `None` without any.
fn lookup_filter(classes: &[FdClass]) -> Result<Option<BpfProgram>, seccompiler::BackendError> {
    use libc::*;
    let dirs: Vec<&FdClass> = classes
        .iter()
        .filter(|c| c.limits.rights.allows(Right::Lookup))
        .collect();
    if dirs.is_empty() {
        return Ok(None);
    }
    let c32 = |arg: u8, op, v: u32| {
        SeccompCondition::new(arg, SeccompCmpArgLen::Dword, op, v.into()).expect("arg below 6")
    };
    let mut rules: std::collections::BTreeMap<i64, Vec<SeccompRule>> = Default::default();
    let mut add = |nr: i64, arg: u8| {
        for c in &dirs {
            let conds = vec![
                c32(arg, SeccompCmpOp::Ge, c.lo),
                c32(arg, SeccompCmpOp::Le, c.hi),
            ];
            rules
                .entry(nr)
                .or_default()
                .push(SeccompRule::new(conds).expect("not empty"));
        }
    };
    for nr in [
        SYS_openat,
        SYS_faccessat,
        SYS_faccessat2,
        SYS_readlinkat,
        SYS_mkdirat,
        SYS_mknodat,
        SYS_unlinkat,
        SYS_fchmodat,
        SYS_fchownat,
        SYS_newfstatat,
        SYS_statx,
        SYS_linkat,
        SYS_renameat,
        SYS_renameat2,
    ] {
        add(nr, 0);
    }
    for nr in [SYS_linkat, SYS_renameat, SYS_renameat2, SYS_symlinkat] {
        add(nr, if nr == SYS_symlinkat { 1 } else { 2 });
    }
    let filter = SeccompFilter::new(
        rules.into_iter().collect(),
        SeccompAction::Allow,
        SeccompAction::Errno(LOOKUP_MARK),
        TargetArch::x86_64,
    )
    .expect("distinct actions");
    Ok(Some(filter.try_into()?))
}

fn install_handler() -> Result<(), Failure> {
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
            return Err(Failure::last_os_error("sigaction(SIGSYS)"));
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
                let record = if data == LOOKUP_MARK {
                    escaping_lookup(nr as i64, &args)
                } else {
                    Some(explain(data, nr as i64, arch, &args))
                };
                if let Some(r) = record {
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
                let text = explain(data, nr as i64, arch, &args).render();
                write_stderr(&text);
                if mode == Mode::Trap {
                    stop();
                }
            }
            -(answer(data, nr as i64, &args) as i64)
        }
    };
    gregs[libc::REG_RAX as usize] = result;
    IN_HANDLER.with(|h| h.set(nested));
    // SAFETY: as above.
    unsafe { *libc::__errno_location() = saved_errno };
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
    let mode = report::mode();
    if !matches!(mode, Mode::Trace | Mode::Trap) {
        return call();
    }
    TRAPPED.with(|t| t.set(false));
    let result = call();
    let errno = result.as_ref().err().and_then(io::Error::raw_os_error);
    if matches!(errno, Some(libc::EACCES | libc::EXDEV)) && !TRAPPED.with(|t| t.get()) {
        let path = path.to_string_lossy().into_owned();
        let call = match flags {
            Some(f) => format!("{syscall}({dirfd}, {path:?}, {})", open_flags(f)),
            None => format!("{syscall}({dirfd}, {path:?})"),
        };
        let reason = if leaves(&path) {
            Reason::Escapes
        } else {
            Reason::Refused
        };
        let object = match lookup_described(dirfd) {
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
            errno: errno_name(errno.unwrap_or_default() as u32),
            frames,
        };
        write_stderr(&record.render());
        if mode == Mode::Trap {
            stop();
        }
    }
    result
}

/// `SANDBOXED_TRACE=trap`: ends the process with `SIGTRAP`, as
/// `kern.trap_enotcap` does on FreeBSD (a debugger stops here; otherwise
/// the shell sees 128 + 5).
fn stop() -> ! {
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

// The dry-run executor: one unfiltered thread doing the calls the
// filtered threads are denied, one at a time.
static LOCK: AtomicBool = AtomicBool::new(false);
/// 0: idle, 1: a request is posted, 2: its result is ready.
static PHASE: AtomicU32 = AtomicU32::new(0);
static REQUEST: [AtomicU64; 7] = [const { AtomicU64::new(0) }; 7];
static RESULT: AtomicI64 = AtomicI64::new(0);
/// The process whose executor thread runs.
static EXECUTOR_PID: AtomicI32 = AtomicI32::new(0);

fn futex_wait(word: &AtomicU32, expected: u32) {
    // SAFETY: FUTEX_WAIT on a live atomic; spurious wakeups are handled by
    // the callers' loops.
    unsafe {
        libc::syscall(
            libc::SYS_futex,
            word.as_ptr(),
            libc::FUTEX_WAIT | libc::FUTEX_PRIVATE_FLAG,
            expected,
            std::ptr::null::<libc::timespec>(),
        );
    }
}

fn futex_wake(word: &AtomicU32) {
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

fn start_executor() -> Result<(), Failure> {
    // SAFETY: getpid(2) cannot fail.
    EXECUTOR_PID.store(unsafe { libc::getpid() }, Ordering::Relaxed);
    std::thread::Builder::new()
        .name("sandboxed-dry-run".into())
        .spawn(|| loop {
            let phase = PHASE.load(Ordering::Acquire);
            if phase != 1 {
                futex_wait(&PHASE, phase);
                continue;
            }
            let r: Vec<u64> = REQUEST.iter().map(|a| a.load(Ordering::Relaxed)).collect();
            // SAFETY: the call a filtered thread was about to make, with its
            // own arguments, in the same address space.
            let ret = unsafe { libc::syscall(r[0] as i64, r[1], r[2], r[3], r[4], r[5], r[6]) };
            let ret = if ret == -1 {
                -(io::Error::last_os_error()
                    .raw_os_error()
                    .unwrap_or(libc::EIO) as i64)
            } else {
                ret
            };
            RESULT.store(ret, Ordering::Relaxed);
            PHASE.store(2, Ordering::Release);
            futex_wake(&PHASE);
        })
        .map(drop)
        .map_err(|e| Failure::new("pthread_create", e))
}

/// Has the executor make call `nr`; its raw result (`-errno` on failure).
fn forward(nr: i64, args: &[u64; 6]) -> i64 {
    while LOCK
        .compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed)
        .is_err()
    {
        std::thread::yield_now();
    }
    REQUEST[0].store(nr as u64, Ordering::Relaxed);
    for (slot, a) in REQUEST[1..].iter().zip(args) {
        slot.store(*a, Ordering::Relaxed);
    }
    PHASE.store(1, Ordering::Release);
    futex_wake(&PHASE);
    loop {
        let phase = PHASE.load(Ordering::Acquire);
        if phase == 2 {
            break;
        }
        futex_wait(&PHASE, phase);
    }
    let ret = RESULT.load(Ordering::Relaxed);
    PHASE.store(0, Ordering::Release);
    LOCK.store(false, Ordering::Release);
    ret
}

extern "C" fn print_report() {
    write_stderr(&report::report());
}

// Decoding: names, arguments, objects and reasons.

/// How to print an argument.
#[derive(Clone, Copy)]
enum Arg {
    /// A descriptor or `AT_FDCWD`.
    Fd,
    /// A NUL-terminated path.
    Path,
    /// open(2) flags.
    Flags,
    /// A count of bytes.
    Len,
    /// A socket address (length in the next argument).
    Addr,
    /// A socket family.
    Family,
    /// A socket type.
    Type,
    /// A number.
    Num,
    /// A buffer (not printed).
    Buf,
}

/// Name and argument kinds of the calls worth decoding; others print as
/// `name(...)` or `syscall N`.
fn spec(nr: i64) -> Option<(&'static str, &'static [Arg])> {
    use libc::*;
    use Arg::*;
    Some(match nr {
        SYS_read => ("read", &[Fd, Buf, Len]),
        SYS_write => ("write", &[Fd, Buf, Len]),
        SYS_pread64 => ("pread64", &[Fd, Buf, Len, Num]),
        SYS_pwrite64 => ("pwrite64", &[Fd, Buf, Len, Num]),
        SYS_readv => ("readv", &[Fd]),
        SYS_writev => ("writev", &[Fd]),
        SYS_lseek => ("lseek", &[Fd, Num, Num]),
        SYS_fstat => ("fstat", &[Fd]),
        SYS_fsync => ("fsync", &[Fd]),
        SYS_fdatasync => ("fdatasync", &[Fd]),
        SYS_ftruncate => ("ftruncate", &[Fd, Num]),
        SYS_fchmod => ("fchmod", &[Fd, Num]),
        SYS_fchown => ("fchown", &[Fd, Num, Num]),
        SYS_flock => ("flock", &[Fd, Num]),
        SYS_ioctl => ("ioctl", &[Fd, Num]),
        SYS_fcntl => ("fcntl", &[Fd, Num]),
        SYS_dup => ("dup", &[Fd]),
        SYS_dup2 => ("dup2", &[Fd, Fd]),
        SYS_dup3 => ("dup3", &[Fd, Fd]),
        SYS_mmap => ("mmap", &[Num, Len, Num, Num, Fd]),
        SYS_getdents64 => ("getdents64", &[Fd]),
        SYS_open => ("open", &[Path, Flags]),
        SYS_creat => ("creat", &[Path]),
        SYS_openat => ("openat", &[Fd, Path, Flags]),
        SYS_stat => ("stat", &[Path]),
        SYS_lstat => ("lstat", &[Path]),
        SYS_access => ("access", &[Path, Num]),
        SYS_readlink => ("readlink", &[Path]),
        SYS_newfstatat => ("newfstatat", &[Fd, Path]),
        SYS_statx => ("statx", &[Fd, Path]),
        SYS_faccessat => ("faccessat", &[Fd, Path, Num]),
        SYS_faccessat2 => ("faccessat2", &[Fd, Path, Num]),
        SYS_readlinkat => ("readlinkat", &[Fd, Path]),
        SYS_mkdir => ("mkdir", &[Path, Num]),
        SYS_mkdirat => ("mkdirat", &[Fd, Path, Num]),
        SYS_rmdir => ("rmdir", &[Path]),
        SYS_unlink => ("unlink", &[Path]),
        SYS_unlinkat => ("unlinkat", &[Fd, Path, Num]),
        SYS_rename => ("rename", &[Path, Path]),
        SYS_renameat => ("renameat", &[Fd, Path, Fd, Path]),
        SYS_renameat2 => ("renameat2", &[Fd, Path, Fd, Path]),
        SYS_link => ("link", &[Path, Path]),
        SYS_linkat => ("linkat", &[Fd, Path, Fd, Path]),
        SYS_symlink => ("symlink", &[Path, Path]),
        SYS_symlinkat => ("symlinkat", &[Path, Fd, Path]),
        SYS_chmod => ("chmod", &[Path, Num]),
        SYS_fchmodat => ("fchmodat", &[Fd, Path, Num]),
        SYS_chown => ("chown", &[Path, Num, Num]),
        SYS_lchown => ("lchown", &[Path, Num, Num]),
        SYS_fchownat => ("fchownat", &[Fd, Path, Num, Num]),
        SYS_truncate => ("truncate", &[Path, Num]),
        SYS_utimensat => ("utimensat", &[Fd, Path]),
        SYS_chdir => ("chdir", &[Path]),
        SYS_chroot => ("chroot", &[Path]),
        SYS_mknod => ("mknod", &[Path, Num]),
        SYS_mknodat => ("mknodat", &[Fd, Path, Num]),
        SYS_statfs => ("statfs", &[Path]),
        SYS_getcwd => ("getcwd", &[]),
        SYS_inotify_add_watch => ("inotify_add_watch", &[Fd, Path, Num]),
        SYS_execve => ("execve", &[Path]),
        SYS_execveat => ("execveat", &[Fd, Path]),
        SYS_socket => ("socket", &[Family, Type, Num]),
        SYS_socketpair => ("socketpair", &[Family, Type, Num]),
        SYS_connect => ("connect", &[Fd, Addr]),
        SYS_bind => ("bind", &[Fd, Addr]),
        SYS_listen => ("listen", &[Fd, Num]),
        SYS_accept => ("accept", &[Fd]),
        SYS_accept4 => ("accept4", &[Fd]),
        SYS_sendto => ("sendto", &[Fd, Buf, Len, Num, Addr]),
        SYS_sendmsg => ("sendmsg", &[Fd]),
        SYS_sendmmsg => ("sendmmsg", &[Fd]),
        SYS_recvfrom => ("recvfrom", &[Fd]),
        SYS_recvmsg => ("recvmsg", &[Fd]),
        SYS_shutdown => ("shutdown", &[Fd, Num]),
        SYS_getsockname => ("getsockname", &[Fd]),
        SYS_getpeername => ("getpeername", &[Fd]),
        SYS_getsockopt => ("getsockopt", &[Fd, Num, Num]),
        SYS_setsockopt => ("setsockopt", &[Fd, Num, Num]),
        SYS_kill => ("kill", &[Num, Num]),
        SYS_tgkill => ("tgkill", &[Num, Num, Num]),
        SYS_ptrace => ("ptrace", &[Num, Num]),
        SYS_process_vm_readv => ("process_vm_readv", &[Num]),
        SYS_process_vm_writev => ("process_vm_writev", &[Num]),
        SYS_pidfd_open => ("pidfd_open", &[Num]),
        SYS_pidfd_getfd => ("pidfd_getfd", &[Fd, Num]),
        SYS_sched_setaffinity => ("sched_setaffinity", &[Num]),
        SYS_setpriority => ("setpriority", &[Num, Num, Num]),
        SYS_prlimit64 => ("prlimit64", &[Num, Num]),
        SYS_prctl => ("prctl", &[Num]),
        SYS_clone => ("clone", &[Num]),
        SYS_unshare => ("unshare", &[Num]),
        SYS_setns => ("setns", &[Fd, Num]),
        SYS_mount => ("mount", &[Path, Path]),
        SYS_umount2 => ("umount2", &[Path]),
        SYS_pivot_root => ("pivot_root", &[Path, Path]),
        SYS_io_uring_setup => ("io_uring_setup", &[Num]),
        SYS_bpf => ("bpf", &[Num]),
        SYS_perf_event_open => ("perf_event_open", &[]),
        SYS_userfaultfd => ("userfaultfd", &[Num]),
        SYS_keyctl => ("keyctl", &[Num]),
        SYS_add_key => ("add_key", &[]),
        SYS_request_key => ("request_key", &[]),
        SYS_seccomp => ("seccomp", &[Num]),
        SYS_personality => ("personality", &[Num]),
        SYS_msgget => ("msgget", &[Num]),
        SYS_shmget => ("shmget", &[Num]),
        SYS_semget => ("semget", &[Num]),
        SYS_mq_open => ("mq_open", &[Path]),
        SYS_reboot => ("reboot", &[]),
        SYS_init_module => ("init_module", &[]),
        SYS_finit_module => ("finit_module", &[Fd]),
        SYS_clock_settime => ("clock_settime", &[Num]),
        SYS_settimeofday => ("settimeofday", &[]),
        SYS_syslog => ("syslog", &[Num]),
        SYS_landlock_create_ruleset => ("landlock_create_ruleset", &[]),
        SYS_landlock_restrict_self => ("landlock_restrict_self", &[Fd]),
        SYS_name_to_handle_at => ("name_to_handle_at", &[Fd, Path]),
        SYS_open_by_handle_at => ("open_by_handle_at", &[Fd]),
        SYS_setxattr => ("setxattr", &[Path]),
        SYS_getxattr => ("getxattr", &[Path]),
        SYS_listxattr => ("listxattr", &[Path]),
        SYS_removexattr => ("removexattr", &[Path]),
        SYS_lsetxattr => ("lsetxattr", &[Path]),
        SYS_lgetxattr => ("lgetxattr", &[Path]),
        SYS_copy_file_range => ("copy_file_range", &[Fd, Num, Fd]),
        SYS_sendfile => ("sendfile", &[Fd, Fd]),
        SYS_splice => ("splice", &[Fd, Num, Fd]),
        SYS_fallocate => ("fallocate", &[Fd]),
        SYS_epoll_ctl => ("epoll_ctl", &[Fd, Num, Fd]),
        _ => return None,
    })
}

/// Reads the NUL-terminated string at `ptr` (at most 4096 bytes). The
/// pointer is the one the program passed to the kernel; reading it is the
/// debugging mode's accepted risk (a bad pointer would have been EFAULT).
fn c_string(ptr: u64) -> String {
    if ptr == 0 {
        return "NULL".into();
    }
    let p = ptr as *const u8;
    let mut bytes = Vec::new();
    for i in 0..4096 {
        // SAFETY: see above; reading stops at the first NUL.
        let b = unsafe { *p.add(i) };
        if b == 0 {
            break;
        }
        bytes.push(b);
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Decodes the socket address at `ptr` of `len` bytes.
fn sockaddr(ptr: u64, len: u64) -> String {
    if ptr == 0 || len < 2 {
        return "NULL".into();
    }
    let len = len.min(128) as usize;
    // SAFETY: the program passed this buffer of `len` bytes to the kernel.
    let b = unsafe { std::slice::from_raw_parts(ptr as *const u8, len) };
    let family = u16::from_ne_bytes([b[0], b[1]]) as i32;
    match family {
        libc::AF_INET if len >= 8 => {
            let port = u16::from_be_bytes([b[2], b[3]]);
            format!("{}.{}.{}.{}:{port}", b[4], b[5], b[6], b[7])
        }
        libc::AF_INET6 if len >= 24 => {
            let port = u16::from_be_bytes([b[2], b[3]]);
            let mut a = [0u8; 16];
            a.copy_from_slice(&b[8..24]);
            format!("[{}]:{port}", std::net::Ipv6Addr::from(a))
        }
        libc::AF_UNIX => {
            let path = &b[2..];
            if path.first() == Some(&0) {
                format!("unix:@{}", String::from_utf8_lossy(&path[1..]))
            } else {
                let end = path.iter().position(|&c| c == 0).unwrap_or(path.len());
                format!("unix:{}", String::from_utf8_lossy(&path[..end]))
            }
        }
        f => format!("family {f}"),
    }
}

fn family_name(f: u64) -> String {
    match f as i32 {
        libc::AF_UNIX => "AF_UNIX".into(),
        libc::AF_INET => "AF_INET".into(),
        libc::AF_INET6 => "AF_INET6".into(),
        libc::AF_NETLINK => "AF_NETLINK".into(),
        libc::AF_PACKET => "AF_PACKET".into(),
        n => n.to_string(),
    }
}

fn type_name(t: u64) -> String {
    let base = match (t & 0xf) as i32 {
        libc::SOCK_STREAM => "SOCK_STREAM".to_owned(),
        libc::SOCK_DGRAM => "SOCK_DGRAM".to_owned(),
        libc::SOCK_SEQPACKET => "SOCK_SEQPACKET".to_owned(),
        libc::SOCK_RAW => "SOCK_RAW".to_owned(),
        n => n.to_string(),
    };
    if t as i32 & libc::SOCK_CLOEXEC != 0 {
        base + "|SOCK_CLOEXEC"
    } else {
        base
    }
}

fn open_flags(f: u64) -> String {
    let f = f as i32;
    let mut s = match f & libc::O_ACCMODE {
        libc::O_WRONLY => "O_WRONLY",
        libc::O_RDWR => "O_RDWR",
        _ => "O_RDONLY",
    }
    .to_owned();
    for (bit, name) in [
        (libc::O_CREAT, "O_CREAT"),
        (libc::O_EXCL, "O_EXCL"),
        (libc::O_TRUNC, "O_TRUNC"),
        (libc::O_APPEND, "O_APPEND"),
        (libc::O_DIRECTORY, "O_DIRECTORY"),
        (libc::O_PATH, "O_PATH"),
        (libc::O_NOFOLLOW, "O_NOFOLLOW"),
        (libc::O_CLOEXEC, "O_CLOEXEC"),
    ] {
        if f & bit == bit {
            let _ = write!(s, "|{name}");
        }
    }
    s
}

fn fd_text(v: u64) -> String {
    let fd = v as i32;
    if fd == libc::AT_FDCWD {
        "AT_FDCWD".into()
    } else {
        fd.to_string()
    }
}

/// `openat(AT_FDCWD, "notes.txt", O_RDONLY|O_CLOEXEC)`.
fn call_text(name: &str, kinds: &[Arg], args: &[u64; 6]) -> String {
    let mut parts = Vec::new();
    let mut i = 0;
    while i < kinds.len() && i < 6 {
        parts.push(match kinds[i] {
            Arg::Fd => fd_text(args[i]),
            Arg::Path => format!("{:?}", c_string(args[i])),
            Arg::Flags => open_flags(args[i]),
            Arg::Len => format!("{} bytes", args[i]),
            Arg::Addr => sockaddr(args[i], args.get(i + 1).copied().unwrap_or(0)),
            Arg::Family => family_name(args[i]),
            Arg::Type => type_name(args[i]),
            Arg::Num => (args[i] as i64).to_string(),
            Arg::Buf => "..".to_owned(),
        });
        i += 1;
    }
    format!("{name}({})", parts.join(", "))
}

/// The system calls that look up a path without a directory descriptor.
fn global_path_arg(nr: i64) -> Option<usize> {
    use libc::*;
    match nr {
        SYS_open | SYS_creat | SYS_stat | SYS_lstat | SYS_access | SYS_readlink | SYS_mkdir
        | SYS_rmdir | SYS_unlink | SYS_rename | SYS_link | SYS_symlink | SYS_chmod | SYS_chown
        | SYS_lchown | SYS_truncate | SYS_chdir | SYS_chroot | SYS_mknod | SYS_statfs
        | SYS_execve | SYS_setxattr | SYS_getxattr | SYS_listxattr | SYS_removexattr
        | SYS_lsetxattr | SYS_lgetxattr | SYS_mount | SYS_umount2 | SYS_pivot_root => Some(0),
        SYS_inotify_add_watch => Some(1),
        _ => None,
    }
}

/// For `*at` calls: (descriptor argument, path argument).
fn at_args(nr: i64) -> Option<(usize, usize)> {
    use libc::*;
    match nr {
        SYS_openat
        | SYS_newfstatat
        | SYS_statx
        | SYS_faccessat
        | SYS_faccessat2
        | SYS_readlinkat
        | SYS_mkdirat
        | SYS_unlinkat
        | SYS_fchmodat
        | SYS_fchownat
        | SYS_utimensat
        | SYS_mknodat
        | SYS_execveat
        | SYS_name_to_handle_at
        | SYS_linkat
        | SYS_renameat
        | SYS_renameat2 => Some((0, 1)),
        SYS_symlinkat => Some((1, 2)),
        _ => None,
    }
}

/// The descriptor arguments of call `nr`.
fn fd_args(nr: i64) -> &'static [usize] {
    use libc::*;
    match nr {
        SYS_mmap => &[4],
        SYS_sendfile | SYS_tee | SYS_dup2 | SYS_dup3 => &[0, 1],
        SYS_copy_file_range | SYS_splice | SYS_linkat | SYS_renameat | SYS_renameat2 => &[0, 2],
        SYS_symlinkat => &[1],
        SYS_epoll_ctl => &[2],
        _ => &[0],
    }
}

/// The rights call `nr` needs on its descriptor argument `arg`, as the
/// rights filter (`seccomp.rs`) checks them; `None` for copies.
fn needed(nr: i64, arg: usize, args: &[u64; 6]) -> Option<RightSet> {
    use libc::*;
    use Right as R;
    let one = |r: Right| Some(r.set());
    match nr {
        SYS_read | SYS_readv | SYS_recvfrom | SYS_recvmsg | SYS_recvmmsg | SYS_getdents
        | SYS_getdents64 | SYS_fadvise64 | SYS_readahead => one(R::Read),
        SYS_pread64 | SYS_preadv | SYS_preadv2 => one(R::Pread),
        SYS_write | SYS_writev | SYS_sendto | SYS_sendmsg | SYS_sendmmsg | SYS_vmsplice => {
            one(R::Write)
        }
        SYS_pwrite64 | SYS_pwritev | SYS_pwritev2 | SYS_fallocate => one(R::Pwrite),
        // An explicit offset (non-NULL pointer) makes them pread/pwrite.
        SYS_copy_file_range | SYS_splice => one(match (arg, args[arg + 1] != 0) {
            (0, false) => R::Read,
            (0, true) => R::Pread,
            (_, false) => R::Write,
            (_, true) => R::Pwrite,
        }),
        SYS_sendfile => one(match (arg, args[2] != 0) {
            (0, _) => R::Write,
            (_, false) => R::Read,
            (_, true) => R::Pread,
        }),
        SYS_tee => one(if arg == 0 { R::Read } else { R::Write }),
        SYS_lseek => one(R::Seek),
        SYS_fstat | SYS_newfstatat | SYS_statx => one(R::Fstat),
        SYS_fstatfs => one(R::Fstatfs),
        SYS_fsync | SYS_fdatasync | SYS_sync_file_range | SYS_syncfs => one(R::Fsync),
        SYS_ftruncate => one(R::Ftruncate),
        SYS_fchmod => one(R::Fchmod),
        SYS_fchmodat | SYS_fchmodat2 => one(R::Fchmodat),
        SYS_fchown | SYS_fchownat => one(R::Fchown),
        SYS_utimensat => one(R::Futimes),
        SYS_fchdir => one(R::Fchdir),
        SYS_flock => one(R::Flock),
        SYS_ioctl => one(R::Ioctl),
        SYS_fcntl => match args[1] as i32 {
            F_DUPFD | F_DUPFD_CLOEXEC => None,
            F_GETLK | F_SETLK | F_SETLKW | F_OFD_GETLK | F_OFD_SETLK | F_OFD_SETLKW => {
                one(R::Flock)
            }
            _ => one(R::Fcntl),
        },
        SYS_dup | SYS_dup2 | SYS_dup3 => None,
        SYS_mmap => {
            let prot = args[2] as i32;
            let mut need = R::Mmap.set();
            if prot & PROT_READ != 0 {
                need = need.union(R::MmapR.set());
            }
            if prot & PROT_WRITE != 0 && args[3] as i32 & MAP_SHARED != 0 {
                need = need.union(R::MmapW.set());
            }
            if prot & PROT_EXEC != 0 {
                need = need.union(R::MmapX.set());
            }
            Some(need)
        }
        SYS_openat => {
            let flags = args[2] as i32;
            let mut need = R::Lookup.set();
            match flags & O_ACCMODE {
                O_WRONLY => need = need.union(R::Write.set()),
                O_RDWR => need = need.union(R::Read.set()).union(R::Write.set()),
                _ if flags & O_PATH == 0 => need = need.union(R::Read.set()),
                _ => {}
            }
            if flags & O_CREAT != 0 {
                need = need.union(R::Create.set());
            }
            if flags & O_TRUNC != 0 {
                need = need.union(R::Ftruncate.set());
            }
            Some(need)
        }
        SYS_faccessat | SYS_faccessat2 | SYS_readlinkat => one(R::Lookup),
        SYS_mkdirat => one(R::Mkdirat),
        SYS_unlinkat => one(R::Unlinkat),
        SYS_symlinkat => one(R::Symlinkat),
        SYS_linkat => one(if arg == 0 {
            R::LinkatSource
        } else {
            R::LinkatTarget
        }),
        SYS_renameat | SYS_renameat2 => one(if arg == 0 {
            R::RenameatSource
        } else {
            R::RenameatTarget
        }),
        SYS_mknodat => one(R::Mknodat),
        SYS_accept | SYS_accept4 => one(R::Accept),
        SYS_listen => one(R::Listen),
        SYS_getsockname => one(R::Getsockname),
        SYS_getpeername => one(R::Getpeername),
        SYS_getsockopt => one(R::Getsockopt),
        SYS_setsockopt => one(R::Setsockopt),
        SYS_shutdown => one(R::Shutdown),
        SYS_connect => one(R::Connect),
        SYS_bind => one(R::Bind),
        SYS_epoll_ctl => one(R::Event),
        _ => Some(RightSet::of(&[])),
    }
}

/// The errno the program gets for a trapped call: the filter's, except
/// for reads and writes the descriptor's access mode denies, which the
/// enforcing filter leaves to the kernel (`EBADF`, read(2)).
fn answer(data: u32, nr: i64, args: &[u64; 6]) -> u32 {
    use libc::*;
    if data != RIGHTS_ERRNO as u32 {
        return data;
    }
    let Some(class) = class_of(args[0] as i32) else {
        return data;
    };
    let denied_by_mode = match nr {
        SYS_read | SYS_readv | SYS_pread64 | SYS_preadv | SYS_preadv2 => !class.reads,
        SYS_write | SYS_writev | SYS_pwrite64 | SYS_pwritev | SYS_pwritev2 => !class.writes,
        _ => false,
    };
    if denied_by_mode {
        EBADF as u32
    } else {
        data
    }
}

fn errno_name(errno: u32) -> &'static str {
    match errno as i32 {
        libc::EPERM => "EPERM",
        libc::EBADF => "EBADF",
        libc::EACCES => "EACCES",
        libc::EXDEV => "EXDEV",
        libc::ENOSYS => "ENOSYS",
        _ => "error",
    }
}

fn lookup_described(fd: i32) -> Option<Described> {
    STATE
        .get()
        .and_then(|s| s.described.iter().find(|d| d.fd == fd).cloned())
}

fn class_of(fd: i32) -> Option<FdClass> {
    let fd = u32::try_from(fd).ok()?;
    STATE.get().and_then(|s| {
        s.classes
            .iter()
            .find(|c| (c.lo..=c.hi).contains(&fd))
            .copied()
    })
}

/// The user's frames of the current backtrace.
fn frames() -> Vec<Frame> {
    frames_after("trace::on_sigsys")
}

/// The user's frames of the current backtrace, those called by the
/// outermost frame whose name contains `boundary`.
fn frames_after(boundary: &str) -> Vec<Frame> {
    let text = std::backtrace::Backtrace::force_capture().to_string();
    let cwd = STATE.get().map_or("", |s| s.cwd.as_str());
    report::user_frames(&text, boundary, cwd)
}

/// The record of a trapped call: `data` is the filter's errno (`EPERM`:
/// capability mode, `EACCES`: rights).
fn explain(data: u32, nr: i64, arch: u32, args: &[u64; 6]) -> Record {
    let errno = errno_name(answer(data, nr, args));
    if arch != AUDIT_ARCH_X86_64 {
        return Record {
            syscall: format!("syscall {nr}"),
            call: format!("syscall {nr} of architecture {arch:#x}"),
            object: Object::None,
            reason: Reason::CapabilityMode,
            errno,
            frames: frames(),
        };
    }
    let (name, call) = match spec(nr) {
        Some((name, kinds)) => (name.to_owned(), call_text(name, kinds, args)),
        None => (format!("syscall {nr}"), format!("syscall {nr}(...)")),
    };
    let (object, reason) = if data == RIGHTS_ERRNO as u32 {
        rights_denial(nr, args)
    } else {
        mode_denial(nr, args)
    };
    Record {
        syscall: name,
        call,
        object,
        reason,
        errno,
        frames: frames(),
    }
}

/// Object and reason of a rights-filter denial: the first limited
/// descriptor argument whose rights lack what the call needs.
fn rights_denial(nr: i64, args: &[u64; 6]) -> (Object, Reason) {
    for &i in fd_args(nr) {
        let fd = args[i] as i32;
        let Some(class) = class_of(fd) else { continue };
        let decl = lookup_described(fd);
        let object = match (&decl, at_args(nr)) {
            (Some(d), Some((dir_arg, path_arg))) if d.dir && dir_arg == i => Object::Beneath {
                dir: Box::new(d.clone()),
                path: c_string(args[path_arg]),
            },
            _ => Object::Descriptor {
                fd,
                decl: decl.map(Box::new),
            },
        };
        let reason = match needed(nr, i, args) {
            None => Reason::NoCopies,
            Some(need) => {
                let lacking = need.rights().find(|r| !class.limits.rights.allows(*r));
                match lacking {
                    Some(r) => Reason::MissingRight(r),
                    None => continue,
                }
            }
        };
        return (object, reason);
    }
    (Object::None, Reason::Rights)
}

/// Object and reason of a capability-mode denial.
fn mode_denial(nr: i64, args: &[u64; 6]) -> (Object, Reason) {
    use libc::*;
    if let Some(i) = global_path_arg(nr) {
        if nr == SYS_execve {
            return (
                Object::GlobalPath(c_string(args[0])),
                Reason::CapabilityMode,
            );
        }
        return (Object::GlobalPath(c_string(args[i])), Reason::GlobalPath);
    }
    if let Some((dir, path)) = at_args(nr) {
        if args[dir] as i32 == AT_FDCWD || c_string(args[path]).starts_with('/') {
            return (Object::GlobalPath(c_string(args[path])), Reason::GlobalPath);
        }
    }
    match nr {
        SYS_socket | SYS_socketpair => (
            Object::Endpoint(format!(
                "new {} {} socket",
                family_name(args[0]),
                type_name(args[1] & 0xf)
            )),
            Reason::Endpoint,
        ),
        SYS_connect | SYS_bind => (
            Object::Endpoint(format!("address {}", sockaddr(args[1], args[2]))),
            Reason::Endpoint,
        ),
        SYS_sendto => (
            Object::Endpoint(format!("address {}", sockaddr(args[4], args[5]))),
            Reason::Endpoint,
        ),
        // The msghdr (msg_name, SCM_RIGHTS) is behind a pointer the filter
        // cannot read, so sendmsg is denied whatever it carries.
        SYS_sendmsg | SYS_sendmmsg => (
            Object::Endpoint(
                "a message header (its address and descriptors cannot be checked: use send or write)"
                    .into(),
            ),
            Reason::Endpoint,
        ),
        SYS_kill
        | SYS_tgkill
        | SYS_rt_sigqueueinfo
        | SYS_rt_tgsigqueueinfo
        | SYS_ptrace
        | SYS_process_vm_readv
        | SYS_process_vm_writev
        | SYS_pidfd_open
        | SYS_kcmp
        | SYS_sched_setaffinity
        | SYS_sched_setscheduler
        | SYS_prlimit64
        | SYS_setpriority => {
            let pid = if nr == SYS_ptrace || nr == SYS_setpriority {
                args[1]
            } else {
                args[0]
            };
            (
                Object::Process(format!("process {}", pid as i32)),
                Reason::OtherProcess,
            )
        }
        _ => (Object::None, Reason::CapabilityMode),
    }
}

/// Dry-run: the record of a lookup beneath a preopened directory that
/// Landlock would deny, judged lexically (absolute, or `..` above the
/// directory); `None` for a lookup that stays beneath.
fn escaping_lookup(nr: i64, args: &[u64; 6]) -> Option<Record> {
    let (dir_arg, path_arg) = at_args(nr)?;
    let mut pairs = vec![(dir_arg, path_arg)];
    if matches!(
        nr,
        libc::SYS_linkat | libc::SYS_renameat | libc::SYS_renameat2
    ) {
        pairs.push((2, 3));
    }
    for (d, p) in pairs {
        let path = c_string(args[p]);
        if !leaves(&path) {
            continue;
        }
        let fd = args[d] as i32;
        let dir = lookup_described(fd)?;
        let (name, kinds) = spec(nr)?;
        return Some(Record {
            syscall: name.to_owned(),
            call: call_text(name, kinds, args),
            object: Object::Beneath {
                dir: Box::new(dir),
                path,
            },
            reason: Reason::Escapes,
            errno: "EACCES",
            frames: frames(),
        });
    }
    None
}

/// Whether `path`, looked up beneath a directory, leaves it (lexically).
fn leaves(path: &str) -> bool {
    if path.starts_with('/') {
        return true;
    }
    let mut depth = 0i32;
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                depth -= 1;
                if depth < 0 {
                    return true;
                }
            }
            _ => depth += 1,
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexical_escapes() {
        assert!(leaves("/etc/passwd"));
        assert!(leaves("../x"));
        assert!(leaves("a/../../x"));
        assert!(!leaves("a/../b"));
        assert!(!leaves("./a/b"));
        assert!(!leaves(""));
    }

    #[test]
    fn calls_are_decoded() {
        let path = c"notes.txt";
        let args = [
            libc::AT_FDCWD as u64,
            path.as_ptr() as u64,
            (libc::O_RDONLY | libc::O_CLOEXEC) as u64,
            0,
            0,
            0,
        ];
        let (name, kinds) = spec(libc::SYS_openat).unwrap();
        assert_eq!(
            call_text(name, kinds, &args),
            "openat(AT_FDCWD, \"notes.txt\", O_RDONLY|O_CLOEXEC)"
        );
        let (object, reason) = mode_denial(libc::SYS_openat, &args);
        assert_eq!(object, Object::GlobalPath("notes.txt".into()));
        assert_eq!(reason, Reason::GlobalPath);
    }

    #[test]
    fn the_trap_rewrite_touches_only_the_denials() {
        let mode = seccomp::Mode {
            pid: 1,
            lookups: true,
            grants: Default::default(),
        };
        let mut programs = seccomp::programs(&mode, &[]).unwrap();
        let before: Vec<_> = programs.iter().map(|p| p.len()).collect();
        let errno_eperm = libc::SECCOMP_RET_ERRNO | libc::EPERM as u32;
        let enosys = libc::SECCOMP_RET_ERRNO | libc::ENOSYS as u32;
        let count = |ps: &[BpfProgram], k: u32| {
            ps.iter()
                .flatten()
                .filter(|i| i.code == 0x06 && i.k == k)
                .count()
        };
        let denials = count(&programs, errno_eperm);
        let compat = count(&programs, enosys);
        assert!(denials > 0 && compat > 0);
        for p in &mut programs {
            retarget(p, errno_eperm, libc::SECCOMP_RET_TRAP | libc::EPERM as u32);
        }
        assert_eq!(count(&programs, errno_eperm), 0);
        assert_eq!(
            count(&programs, libc::SECCOMP_RET_TRAP | libc::EPERM as u32),
            denials
        );
        assert_eq!(count(&programs, enosys), compat, "ENOSYS answers stay");
        assert_eq!(before, programs.iter().map(|p| p.len()).collect::<Vec<_>>());
    }
}
