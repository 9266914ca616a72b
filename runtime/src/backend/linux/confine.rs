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
use std::os::fd::OwnedFd;

use seccompiler::BpfProgram;

use landlock::{
    Access, AccessFs, AccessNet, BitFlags, CompatLevel, Compatible, NetPort, PathBeneath, Ruleset,
    RulesetAttr, RulesetCreatedAttr, RulesetStatus, Scope, ABI,
};

use crate::error::OsError;
use crate::rights::{Right, RightSet};

use super::judge::Context;
use super::kernel::{Gap, Kernel};
use super::seccomp::{programs, returns};
pub(crate) use super::seccomp::{FdClass, Grants};

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
    #[error("{}", seccomp_text(.0))]
    Seccomp(#[source] seccompiler::Error),
}

fn seccomp_text(e: &seccompiler::Error) -> String {
    match e {
        seccompiler::Error::Seccomp(os) => OsError(os).to_string(),
        other => other.to_string(),
    }
}

impl ConfineError {
    /// The call or mechanism that failed.
    pub(crate) fn syscall(&self) -> &'static str {
        match self {
            ConfineError::Os(call, _) => call,
            ConfineError::Landlock(_) => "landlock",
            ConfineError::NotEnforced => "landlock_restrict_self",
            ConfineError::TooLong { .. } => "seccomp filter",
            ConfineError::Seccomp(_) => "seccomp(SECCOMP_SET_MODE_FILTER)",
        }
    }

    /// The OS error number, where the kernel gave one.
    pub(crate) fn errno(&self) -> Option<i32> {
        match self {
            ConfineError::Os(_, e) | ConfineError::Seccomp(seccompiler::Error::Seccomp(e)) => {
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
/// names beneath a directory maps to the Landlock rights of those actions.
pub(crate) fn dir_access(rights: RightSet) -> BitFlags<AccessFs> {
    let all = AccessFs::from_all(LANDLOCK_ABI);
    let mut a = BitFlags::<AccessFs>::EMPTY;
    let has = |r: Right| rights.allows(r);
    if !has(Right::Lookup) {
        return a;
    }
    if has(Right::Read) {
        a |= AccessFs::ReadFile | AccessFs::ReadDir;
    }
    if has(Right::Write) {
        a |= AccessFs::WriteFile;
    }
    if has(Right::Create) {
        a |= AccessFs::MakeReg;
    }
    if has(Right::Ftruncate) {
        a |= AccessFs::Truncate;
    }
    if has(Right::Fexecve) {
        a |= AccessFs::Execute;
    }
    if has(Right::Ioctl) {
        a |= AccessFs::IoctlDev;
    }
    if has(Right::Mkdirat) {
        a |= AccessFs::MakeDir;
    }
    if has(Right::Mkfifoat) {
        a |= AccessFs::MakeFifo;
    }
    if has(Right::Mknodat) {
        a |= AccessFs::MakeChar | AccessFs::MakeBlock | AccessFs::MakeSock;
    }
    if has(Right::Symlinkat) {
        a |= AccessFs::MakeSym;
    }
    if has(Right::Unlinkat) || has(Right::RenameatSource) {
        a |= AccessFs::RemoveFile | AccessFs::RemoveDir;
    }
    let makes = AccessFs::MakeReg
        | AccessFs::MakeDir
        | AccessFs::MakeSym
        | AccessFs::MakeFifo
        | AccessFs::MakeSock;
    if has(Right::RenameatTarget) || has(Right::LinkatTarget) {
        a |= makes;
    }
    if has(Right::RenameatSource)
        || has(Right::RenameatTarget)
        || has(Right::LinkatSource)
        || has(Right::LinkatTarget)
    {
        a |= AccessFs::Refer;
    }
    a & all
}

/// Restricts the calling thread (and what it creates later) with Landlock.
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
    let mut created = ruleset.create()?;
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
        classes: &policy.classes,
    }
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
/// dry-run, on the calling one.
pub(crate) fn install(programs: &[BpfProgram], all_threads: bool) -> Result<(), ConfineError> {
    for program in programs {
        if all_threads {
            seccompiler::apply_filter_all_threads(program)
        } else {
            seccompiler::apply_filter(program)
        }
        .map_err(ConfineError::Seccomp)?;
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

    no_new_privs()?;
    if kernel.landlock_abi >= 1 {
        landlock(&policy)?;
    }
    drop(policy);
    install(&programs, true)?;
    applied.missing.shrink_to_fit();
    Ok(applied)
}
