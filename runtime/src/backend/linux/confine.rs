//! The reusable confinement: a [`Policy`] applied to the calling process
//! with `PR_SET_NO_NEW_PRIVS` (prctl(2)), Landlock (landlock(7), through
//! the `landlock` crate) and the seccomp filters of `seccomp.rs`. The
//! sandboxed program and the service broker are confined the same way,
//! each with its own policy.
//!
//! Order (Documentation/userspace-api/landlock.rst): no_new_privs, then
//! `landlock_restrict_self`, then seccomp, which denies the Landlock calls
//! afterwards. The process must be single-threaded: Landlock applies to
//! the calling thread and what it creates later.

use std::io;
use std::os::fd::OwnedFd;

use landlock::{
    Access, AccessFs, AccessNet, BitFlags, CompatLevel, Compatible, NetPort, PathBeneath, Ruleset,
    RulesetAttr, RulesetCreatedAttr, RulesetStatus, Scope, ABI,
};

use crate::error::Failure;
use crate::rights::{Right, RightSet};

use super::probe::Kernel;
use super::seccomp::{programs, Mode};
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
    /// Missing mechanisms, in words.
    pub missing: Vec<String>,
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

fn landlock_error(e: landlock::RulesetError) -> Failure {
    Failure::new("landlock", io::Error::other(e.to_string()))
}

/// Restricts the calling thread (and what it creates later) with Landlock.
pub(crate) fn landlock(policy: &Policy) -> Result<(), Failure> {
    let mut ruleset = Ruleset::default()
        .set_compatibility(CompatLevel::BestEffort)
        .handle_access(AccessFs::from_all(LANDLOCK_ABI))
        .map_err(landlock_error)?;
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
        ruleset = ruleset.handle_access(net).map_err(landlock_error)?;
    }
    if !policy.grants.unix_connect {
        ruleset = ruleset
            .scope(Scope::from_all(LANDLOCK_ABI))
            .map_err(landlock_error)?;
    } else {
        ruleset = ruleset.scope(Scope::Signal).map_err(landlock_error)?;
    }
    let mut created = ruleset.create().map_err(landlock_error)?;
    for (dir, access) in &policy.beneath {
        if !access.is_empty() {
            created = created
                .add_rule(PathBeneath::new(dir, *access))
                .map_err(landlock_error)?;
        }
    }
    for (port, access) in ports {
        created = created
            .add_rule(NetPort::new(port, access))
            .map_err(landlock_error)?;
    }
    let status = created.restrict_self().map_err(landlock_error)?;
    if status.ruleset == RulesetStatus::NotEnforced {
        return Err(Failure::new(
            "landlock_restrict_self",
            io::Error::other("ruleset not enforced"),
        ));
    }
    Ok(())
}

pub(crate) fn no_new_privs() -> Result<(), Failure> {
    // SAFETY: PR_SET_NO_NEW_PRIVS takes integer arguments only.
    if unsafe { libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) } != 0 {
        return Err(Failure::last_os_error("prctl(PR_SET_NO_NEW_PRIVS)"));
    }
    Ok(())
}

/// Confines the calling process with `policy`, as far as `kernel` allows;
/// the result lists what this kernel could not enforce. Irreversible.
///
/// The process should be single-threaded (Landlock restricts the calling
/// thread; the seccomp filters are synchronised to all threads).
pub(crate) fn apply(policy: Policy, kernel: &Kernel) -> Result<Applied, Failure> {
    let mut applied = Applied {
        missing: kernel.missing_for(&policy),
    };
    let mode = Mode {
        // SAFETY: getpid(2) cannot fail.
        pid: unsafe { libc::getpid() } as u32,
        lookups: kernel.landlock_abi >= 1,
        grants: policy.grants,
    };
    // Build everything before changing anything.
    let programs = if kernel.seccomp {
        programs(&mode, &policy.classes)
            .map_err(|e| Failure::new("seccomp filter", io::Error::other(e.to_string())))?
    } else {
        Vec::new()
    };
    // MAX_INSNS_PER_PATH (kernel/seccomp.c): the whole stack, 4 more per
    // program. Beyond it seccomp(2) says only ENOMEM.
    let total: usize = programs.iter().map(|p| p.len() + 4).sum();
    if total > 32768 {
        return Err(Failure::new(
            "seccomp filter",
            io::Error::other(format!(
                "{} classes of descriptor rights need {total} BPF instructions, more than the kernel's 32768; declare fewer distinct rights sets",
                policy.classes.len()
            )),
        ));
    }

    no_new_privs()?;
    if kernel.landlock_abi >= 1 {
        landlock(&policy)?;
    }
    drop(policy);
    for program in &programs {
        seccompiler::apply_filter_all_threads(program).map_err(|e| {
            let err = match e {
                seccompiler::Error::Seccomp(err) => err,
                other => io::Error::other(other.to_string()),
            };
            Failure::new("seccomp(SECCOMP_SET_MODE_FILTER)", err)
        })?;
    }
    applied.missing.shrink_to_fit();
    Ok(applied)
}
