//! The seccomp-bpf programs that play Capsicum on Linux (seccomp(2),
//! Documentation/userspace-api/seccomp_filter.rst), compiled from the
//! system-call table (`syscalls.rs`). Three policies are stacked (the
//! rights policy split over several programs when it exceeds
//! `BPF_MAXINSNS`); the kernel runs all of them and the most restrictive
//! answer wins (for two `ERRNO` answers, the newest program's):
//!
//! 1. **capability mode** (`build::capability_mode`): the rows' [`Mode`]s,
//!    an allowlist modelled on FreeBSD's `sys/kern/capabilities.conf`,
//!    with argument conditions (`AT_FDCWD`, socket families, clone flags,
//!    signal targets, prctl options). Anything else fails with `EPERM`.
//! 2. **rights** (`build::rights`): the rows' [`Need`]s for each class of
//!    limited descriptors (a range of numbers, see `fds.rs`): what its
//!    rights do not include fails with `EACCES`, plus what no descriptor
//!    may do after entry (new executable memory; inode changes through
//!    descriptors opened after entry, beyond the directories' rights).
//!    read/write rules appear only for classes whose access mode is wider
//!    than their rights, so that in the common case read(2)/write(2) are
//!    allowed by every program and the kernel's action cache skips the
//!    programs for them. Everything else passes this policy.
//! 3. **compat** (`build::compat`): the rows answered `ENOSYS` (`clone3`,
//!    `openat2`): their arguments are behind a pointer seccomp cannot
//!    read, and libc falls back to `clone` / `openat`, which the other
//!    policies can check.
//!
//! Foreign architectures (the i386 `int 0x80` entry) get `EPERM` from every
//! program; x32 system calls (`nr | 0x40000000`) match no allowlist entry
//! and get `EPERM` from the capability-mode program.
//!
//! [`Mode`]: super::rules::Mode
//! [`Need`]: super::rules::Need

mod bpf;
pub(crate) mod build;
pub(crate) mod consts;
#[cfg(test)]
mod tests;

pub(crate) use bpf::retarget;
pub(crate) use consts::{MODE_ERRNO, RIGHTS_ERRNO};

use seccompiler::{BpfProgram, SeccompAction};

use crate::rights::Limits;

use super::judge::Context;
use consts::COMPAT_ERRNO;

/// One class of limited descriptors: the numbers `lo..=hi` share `limits`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct FdClass {
    /// First descriptor number.
    pub lo: u32,
    /// Last descriptor number.
    pub hi: u32,
    /// What descriptors of the class may do.
    pub limits: Limits,
    /// Whether their access mode lets read(2) through (`O_RDONLY` or
    /// `O_RDWR`, not `O_PATH`). When it does not, the kernel answers
    /// `EBADF` and the filter need not look (read(2)).
    pub reads: bool,
    /// Whether their access mode lets write(2) through.
    pub writes: bool,
}

/// What the capability-mode policy lets through beyond capability mode
/// (for the service broker, which needs some global namespaces).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Grants {
    /// Path lookups from `AT_FDCWD` and absolute paths for reading (open,
    /// stat, access, readlink, getcwd); Landlock still decides what may be
    /// opened. Modifying calls keep needing a directory descriptor.
    pub global_paths: bool,
    /// `socket(AF_INET/AF_INET6)`, `connect`, `bind`, `sendto` with an
    /// address.
    pub inet: bool,
    /// `socket(AF_UNIX)` of any type and `connect` (syslog's `/dev/log`).
    pub unix_connect: bool,
    /// `sendmsg` and `sendmmsg`: the broker hands descriptors out with
    /// `SCM_RIGHTS`, and glibc's resolver sends its queries with
    /// `sendmmsg`. Never for the program: seccomp cannot read the
    /// `msghdr` (seccomp(2): arguments are compared as numbers, pointers
    /// are not followed), so its `msg_name` (an address) and
    /// `msg_control` (descriptors, which would arrive as new unlimited
    /// numbers) cannot be checked.
    pub send_descriptors: bool,
}

/// The programs in installation order: compat, rights, capability mode
/// last, since it denies seccomp(2) itself.
pub(crate) fn programs(ctx: &Context) -> Result<Vec<BpfProgram>, seccompiler::BackendError> {
    let mut out = vec![build::compat().compile(
        SeccompAction::Allow,
        SeccompAction::Errno(COMPAT_ERRNO as u32),
    )?];
    bpf::compile_split(
        &build::rights(ctx).into_items(),
        &SeccompAction::Errno(RIGHTS_ERRNO as u32),
        &mut out,
    )?;
    out.push(build::capability_mode(ctx).compile(
        SeccompAction::Errno(MODE_ERRNO as u32),
        SeccompAction::Allow,
    )?);
    Ok(out)
}

/// Dry-run's program trapping lookups beneath the limited directories
/// (answering `data`, turned into a trap by the caller); `None` without
/// any directory.
pub(crate) fn lookup_program(
    ctx: &Context,
    data: u32,
) -> Result<Option<BpfProgram>, seccompiler::BackendError> {
    let rules = build::lookups(ctx.classes);
    if rules.0.is_empty() {
        return Ok(None);
    }
    rules
        .compile(SeccompAction::Allow, SeccompAction::Errno(data))
        .map(Some)
}
