//! The reusable confinement: a [`Policy`] applied to the calling process
//! with `PR_SET_NO_NEW_PRIVS` (prctl(2)), Landlock (landlock(7), through
//! the `landlock` crate) and the seccomp programs of `seccomp/`. The
//! sandboxed program and the service broker are confined the same way,
//! each with its own policy.
//!
//! Order (Documentation/userspace-api/landlock.rst): no_new_privs, then
//! `landlock_restrict_self`, then seccomp, which denies the Landlock calls
//! afterwards. The process must be single-threaded: Landlock applies to
//! the calling thread and what it creates later.

use std::io;
use std::os::fd::{FromRawFd, OwnedFd, RawFd};

use landlock::{
    Access, AccessFs, AccessNet, BitFlags, CompatLevel, Compatible, NetPort, PathBeneath, Ruleset,
    RulesetAttr, RulesetCreatedAttr, RulesetStatus, Scope, ABI,
};

use crate::error::OsError;
use crate::rights::{Right, RightSet};
use crate::steps::times;

use super::judge::Context;
use super::kernel::{Gap, Kernel};
use super::seccomp::{programs, returns, BpfProgram};
pub(crate) use super::seccomp::{FdClass, Grants};
use super::supervise::Supervisor;

/// The Landlock ABI whose rights this crate handles (tested on Linux
/// 6.18). A newer kernel is used at this level; an older one gets what it
/// has (best effort), and `Kernel::missing` says what is lost.
pub(crate) const LANDLOCK_ABI: ABI = ABI::V7;

/// What a confined process keeps.
#[derive(Debug, Default)]
pub(crate) struct Policy {
    /// Limited descriptors, by number range (see `fds.rs`).
    pub classes: Vec<FdClass>,
    /// Directories beneath which paths may be opened, with the Landlock
    /// access kept there. The descriptors are only read while applying.
    pub beneath: Vec<(OwnedFd, BitFlags<AccessFs>)>,
    /// What capability mode lets through besides.
    pub grants: Grants,
    /// With `grants.inet`: the TCP ports `bind(2)` may name (Landlock
    /// `LANDLOCK_ACCESS_NET_BIND_TCP` rules, ABI 4); `None`: any port.
    /// Without `grants.inet` no TCP bind nor connect is allowed at all.
    pub tcp_bind: Option<Vec<u16>>,
    /// With `grants.inet`: the TCP ports `connect(2)` may reach
    /// (`LANDLOCK_ACCESS_NET_CONNECT_TCP`); `None`: any port.
    pub tcp_connect: Option<Vec<u16>>,
}

/// What `apply` could not enforce on this kernel (empty: everything).
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Applied {
    /// Missing mechanisms.
    pub missing: Vec<Gap>,
}

/// Why the confinement could not be built or applied, each with the
/// mechanism's own error as its source.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ConfineError {
    /// A system call failed (prctl(2), sigaction(2), pthread_create(3)).
    #[error("{}", OsError(.1))]
    Os(&'static str, #[source] io::Error),
    /// Landlock refused the ruleset (landlock(7)).
    #[error("{0}")]
    Landlock(#[from] landlock::RulesetError),
    /// `landlock_restrict_self(2)` enforced nothing.
    #[error("ruleset not enforced")]
    NotEnforced,
    /// The programs exceed the kernel's `MAX_INSNS_PER_PATH`
    /// (kernel/seccomp.c), where seccomp(2) would say only `ENOMEM`.
    #[error("{classes} classes of descriptor rights need {total} BPF instructions, more than the kernel's 32768; declare fewer distinct rights sets")]
    TooLong {
        /// Classes of limited descriptors.
        classes: usize,
        /// Instructions of the whole stack.
        total: usize,
    },
    /// seccomp(2) refused a program.
    #[error("{}", OsError(.0))]
    Seccomp(#[source] io::Error),
    /// seccomp(2) could not give the program to thread `.0`
    /// (`SECCOMP_FILTER_FLAG_TSYNC`).
    #[error("thread {0} cannot take the filter")]
    ThreadSync(i64),
    /// The supervisor could not be started or given the listener
    /// (fork(2), pidfd_getfd(2); `supervise.rs`).
    #[error("{}", OsError(.0))]
    Supervisor(#[source] io::Error),
}

impl ConfineError {
    /// The call or mechanism that failed.
    pub(crate) fn syscall(&self) -> &'static str {
        match self {
            ConfineError::Os(call, _) => call,
            ConfineError::Landlock(_) => "landlock",
            ConfineError::NotEnforced => "landlock_restrict_self",
            ConfineError::TooLong { .. } => "seccomp filter",
            ConfineError::Seccomp(_) | ConfineError::ThreadSync(_) => {
                "seccomp(SECCOMP_SET_MODE_FILTER)"
            }
            ConfineError::Supervisor(_) => "the seccomp supervisor",
        }
    }

    /// The OS error number, where the kernel gave one.
    pub(crate) fn errno(&self) -> Option<i32> {
        match self {
            ConfineError::Os(_, e) | ConfineError::Seccomp(e) | ConfineError::Supervisor(e) => {
                e.raw_os_error()
            }
            _ => None,
        }
    }
}

impl From<ConfineError> for crate::error::Error {
    fn from(e: ConfineError) -> Self {
        crate::error::Error::Confine {
            syscall: e.syscall(),
            source: Box::new(e),
        }
    }
}

/// The Landlock access kept beneath a directory with `rights`
/// (landlock(7) "Filesystem flags"): each Capsicum right that acts on
/// names beneath a directory maps to the Landlock rights of those actions,
/// and nothing more:
///
/// - `mknodat` gives none: no character or block device is ever made
///   (`MAKE_CHAR`, `MAKE_BLOCK` are never granted; on Linux a node made by
///   root opens the device itself, where FreeBSD serves devices from devfs
///   alone). As in the Linux port of Capsicum the node's type decides the
///   right: a regular file is `create` (`MAKE_REG`), a socket `bind`
///   (`MAKE_SOCK`), a FIFO `mkfifoat` (`MAKE_FIFO`);
/// - `renameat_source` needs `REMOVE_*` (Landlock checks a rename as a
///   removal from the source), `renameat_target` and `linkat_target` the
///   `MAKE_*` of the kinds they can bring (no directory for a link), all
///   of them `REFER` across directories. Those accesses are shared with
///   `unlinkat`, `create`, `mkdirat`, ...: through the preopened
///   descriptor the seccomp rights filter tells the calls apart, through
///   descriptors opened beneath it after entry its rules on descriptors
///   outside every class do (seccomp.rs).
pub(crate) fn dir_access(rights: RightSet) -> BitFlags<AccessFs> {
    let all = AccessFs::from_all(LANDLOCK_ABI);
    let mut a = BitFlags::<AccessFs>::EMPTY;
    let has = |r: Right| rights.allows(r);
    if !has(Right::Lookup) {
        return a;
    }
    let mut grant = |right: Right, access: BitFlags<AccessFs>| {
        if has(right) {
            a |= access;
        }
    };
    grant(Right::Read, AccessFs::ReadFile | AccessFs::ReadDir);
    grant(Right::Write, AccessFs::WriteFile.into());
    grant(Right::Create, AccessFs::MakeReg.into());
    grant(Right::Ftruncate, AccessFs::Truncate.into());
    grant(Right::Fexecve, AccessFs::Execute.into());
    grant(Right::Ioctl, AccessFs::IoctlDev.into());
    grant(Right::Mkdirat, AccessFs::MakeDir.into());
    grant(Right::Mkfifoat, AccessFs::MakeFifo.into());
    grant(Right::Bind, AccessFs::MakeSock.into());
    grant(Right::Symlinkat, AccessFs::MakeSym.into());
    let remove = AccessFs::RemoveFile | AccessFs::RemoveDir;
    grant(Right::Unlinkat, remove);
    grant(Right::RenameatSource, remove | AccessFs::Refer);
    let links = AccessFs::MakeReg | AccessFs::MakeSym | AccessFs::MakeFifo | AccessFs::MakeSock;
    grant(
        Right::RenameatTarget,
        links | AccessFs::MakeDir | AccessFs::Refer,
    );
    grant(Right::LinkatTarget, links | AccessFs::Refer);
    grant(Right::LinkatSource, AccessFs::Refer.into());
    a & all
}

/// Restricts the calling thread (and what it creates later) with Landlock.
/// The caller has set no_new_privs ([`no_new_privs`]), which
/// landlock_restrict_self(2) requires without `CAP_SYS_ADMIN`.
pub(crate) fn landlock(policy: &Policy) -> Result<(), ConfineError> {
    let mut ruleset = Ruleset::default()
        .set_compatibility(CompatLevel::BestEffort)
        .handle_access(AccessFs::from_all(LANDLOCK_ABI))?;
    // TCP bind/connect handled with no rule: none allowed, even on
    // descriptors handed in; with `inet`, only the listed ports.
    let mut net = BitFlags::<AccessNet>::EMPTY;
    let mut ports: Vec<(u16, BitFlags<AccessNet>)> = Vec::new();
    for (limit, access) in [
        (&policy.tcp_bind, AccessNet::BindTcp),
        (&policy.tcp_connect, AccessNet::ConnectTcp),
    ] {
        match limit {
            _ if !policy.grants.inet => net |= access,
            None => {}
            Some(list) => {
                net |= access;
                ports.extend(list.iter().map(|&port| (port, BitFlags::from(access))));
            }
        }
    }
    if !net.is_empty() {
        ruleset = ruleset.handle_access(net)?;
    }
    if !policy.grants.unix_connect {
        ruleset = ruleset.scope(Scope::from_all(LANDLOCK_ABI))?;
    } else {
        ruleset = ruleset.scope(Scope::Signal)?;
    }
    // Set already by the caller: one prctl(2) less.
    let mut created = ruleset.create()?.no_new_privs(false);
    for (dir, access) in &policy.beneath {
        if !access.is_empty() {
            created = created.add_rule(PathBeneath::new(dir, *access))?;
        }
    }
    for (port, access) in ports {
        created = created.add_rule(NetPort::new(port, access))?;
    }
    let status = created.restrict_self()?;
    if status.ruleset == RulesetStatus::NotEnforced {
        return Err(ConfineError::NotEnforced);
    }
    Ok(())
}

pub(crate) fn no_new_privs() -> Result<(), ConfineError> {
    // SAFETY: PR_SET_NO_NEW_PRIVS takes integer arguments only.
    if unsafe { libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) } != 0 {
        return Err(ConfineError::Os(
            "prctl(PR_SET_NO_NEW_PRIVS)",
            io::Error::last_os_error(),
        ));
    }
    Ok(())
}

/// The context the programs of `policy` are built for on `kernel`: lookups
/// beneath directories when Landlock confines them (ABI 1), signals to
/// other processes when Landlock scopes them (ABI 6). No process id: the
/// programs hold unchanged in every child forked after entry.
pub(crate) fn context<'a>(policy: &'a Policy, kernel: &Kernel) -> Context<'a> {
    Context {
        signal_scope: kernel.landlock_abi >= 6,
        lookups: kernel.landlock_abi >= 1,
        grants: policy.grants,
        // A compartment adds its own program (`seccomp::no_forks`).
        forks: true,
        // The broker may look paths up globally: nothing to supervise.
        notify: kernel.seccomp && kernel.notify && !policy.grants.global_paths,
        // Where the kernel cannot tell the caller's thread group, signals
        // keep to Landlock's signal scope alone.
        own_signals: kernel.seccomp
            && kernel.notify
            && kernel.pidfd_info
            && !policy.grants.global_paths,
        classes: &policy.classes,
    }
}

/// The supervisor of `policy`'s filter, forked (before Landlock and the
/// filter: `supervise.rs`), when its context sends calls to one.
pub(crate) fn supervisor(
    policy: &Policy,
    kernel: &Kernel,
) -> Result<Option<Supervisor>, ConfineError> {
    let ctx = context(policy, kernel);
    if !ctx.notify {
        return Ok(None);
    }
    let judged = super::supervise::Judged {
        // SAFETY: getpid(2).
        program: unsafe { libc::getpid() },
        signal_scope: ctx.signal_scope,
        lookups: ctx.lookups,
        classes: policy.classes.clone(),
    };
    super::supervise::start(judged)
        .map(Some)
        .map_err(ConfineError::Supervisor)
}

/// Refuses a stack of programs beyond the kernel's `MAX_INSNS_PER_PATH`
/// (kernel/seccomp.c: 32768 instructions, 4 more per program), where
/// seccomp(2) would say only `ENOMEM`.
pub(crate) fn check_length(programs: &[BpfProgram], classes: usize) -> Result<(), ConfineError> {
    let total: usize = programs.iter().map(|p| p.len() + 4).sum();
    if total > 32768 {
        return Err(ConfineError::TooLong { classes, total });
    }
    Ok(())
}

/// Installs `programs` in order, on every thread (`TSYNC`) or, for
/// dry-run, on the calling one (seccomp(2); `PR_SET_NO_NEW_PRIVS` must be
/// set).
pub(crate) fn install(programs: &[BpfProgram], all_threads: bool) -> Result<(), ConfineError> {
    install_supervised(programs, all_threads, None)
}

/// [`install`], the last program with a listener handed to `supervisor`
/// (`SECCOMP_FILTER_FLAG_NEW_LISTENER`; with `TSYNC`, `TSYNC_ESRCH` makes
/// a thread that cannot synchronise answer `ESRCH`, seccomp(2)). A call
/// the supervisor has received waits for its answer through non-fatal
/// signals (`SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV`, Linux 5.19, before
/// the thread pidfds the supervisor needs): a handler run meanwhile does
/// not interrupt it, so a change the supervisor made is never reported
/// as interrupted, nor made twice by a restarted call.
pub(crate) fn install_supervised(
    programs: &[BpfProgram],
    all_threads: bool,
    supervisor: Option<Supervisor>,
) -> Result<(), ConfineError> {
    let flags = if all_threads {
        libc::SECCOMP_FILTER_FLAG_TSYNC
    } else {
        0
    };
    let listen = libc::SECCOMP_FILTER_FLAG_NEW_LISTENER
        | libc::SECCOMP_FILTER_FLAG_TSYNC_ESRCH
        | libc::SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
    let last = programs.len().saturating_sub(1);
    let mut supervisor = supervisor;
    for (i, program) in programs.iter().enumerate() {
        let flags = if i == last && supervisor.is_some() {
            flags | listen
        } else {
            flags
        };
        let prog = libc::sock_fprog {
            len: u16::try_from(program.len()).expect("BPF_MAXINSNS instructions at most"),
            filter: program.as_ptr().cast_mut(),
        };
        // SAFETY: the kernel copies the program in (copy_from_user) and
        // keeps no pointer to it.
        let rc = unsafe {
            libc::syscall(
                libc::SYS_seccomp,
                libc::SECCOMP_SET_MODE_FILTER,
                flags,
                &prog as *const libc::sock_fprog,
            )
        };
        // With TSYNC, a positive answer is the thread that could not
        // synchronise (seccomp(2)).
        match rc {
            0 => {}
            rc if rc < 0 => return Err(ConfineError::Seccomp(io::Error::last_os_error())),
            fd if flags & libc::SECCOMP_FILTER_FLAG_NEW_LISTENER != 0 => {
                // SAFETY: the listener seccomp(2) just made, owned here.
                let listener = unsafe { OwnedFd::from_raw_fd(fd as RawFd) };
                if let Some(s) = supervisor.take() {
                    s.hand(listener).map_err(ConfineError::Supervisor)?;
                }
            }
            tid => return Err(ConfineError::ThreadSync(tid)),
        }
    }
    Ok(())
}

/// Confines the calling process with `policy`, as far as `kernel` allows;
/// the result lists what this kernel could not enforce. Irreversible.
///
/// The process should be single-threaded (Landlock restricts the calling
/// thread; the seccomp filters are synchronised to all threads).
pub(crate) fn apply(policy: Policy, kernel: &Kernel) -> Result<Applied, ConfineError> {
    let mut applied = Applied {
        missing: kernel.missing_for(&policy),
    };
    // Build everything before changing anything.
    let programs = if kernel.seccomp {
        programs(&context(&policy, kernel), &returns(None), false)
    } else {
        Vec::new()
    };
    check_length(&programs, policy.classes.len())?;
    times::instructions(programs.iter().map(|p| p.len()).sum());
    times::mark("build");

    no_new_privs()?;
    // Before Landlock: outside the program's domain, the program cannot
    // signal it (scoped signals), and it may still reach the program
    // (Landlock refuses a sandboxed tracer only).
    let supervisor = supervisor(&policy, kernel)?;
    if kernel.landlock_abi >= 1 {
        landlock(&policy)?;
    }
    // A compartment's refusal of forks, once the supervisor is forked.
    super::process::forbid_forks_now().map_err(|e| ConfineError::Os("seccomp", e))?;
    drop(policy);
    times::mark("landlock");
    install_supervised(&programs, true, supervisor)?;
    times::mark("seccomp");
    applied.missing.shrink_to_fit();
    Ok(applied)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn access(rights: &[Right]) -> BitFlags<AccessFs> {
        let mut with_lookup = rights.to_vec();
        with_lookup.push(Right::Lookup);
        dir_access(RightSet::of(&with_lookup))
    }

    /// No declaration makes a device node (the escape through mknodat of
    /// a block or character device).
    #[test]
    fn no_rights_make_devices() {
        let every: Vec<Right> = Right::ALL.to_vec();
        let a = access(&every);
        assert!(!a.contains(AccessFs::MakeChar), "{a:?}");
        assert!(!a.contains(AccessFs::MakeBlock), "{a:?}");
        assert!(access(&[Right::Mknodat]).is_empty());
    }

    /// A node's type decides its right (Linux Capsicum's mknodat).
    #[test]
    fn node_types_follow_their_rights() {
        assert_eq!(access(&[Right::Create]), AccessFs::MakeReg);
        assert_eq!(access(&[Right::Bind]), AccessFs::MakeSock);
        assert_eq!(access(&[Right::Mkfifoat]), AccessFs::MakeFifo);
    }

    /// Links cannot make directories; renames can.
    #[test]
    fn links_make_no_directories() {
        assert!(!access(&[Right::LinkatTarget]).contains(AccessFs::MakeDir));
        assert!(access(&[Right::RenameatTarget]).contains(AccessFs::MakeDir));
        assert_eq!(access(&[Right::LinkatSource]), AccessFs::Refer);
    }

    #[test]
    fn nothing_without_lookup() {
        assert!(dir_access(RightSet::of(&[Right::Read, Right::Write])).is_empty());
    }
}
