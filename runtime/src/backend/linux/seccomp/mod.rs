//! The seccomp-bpf program that plays Capsicum on Linux (seccomp(2),
//! Documentation/userspace-api/seccomp_filter.rst), compiled from the
//! system-call table (`syscalls.rs`) by our own compiler (`bpf/`; the
//! `seccompiler` and `libseccomp` crates were measured and are too slow to
//! build and attach, README "Linux enforcement"). Each call is answered as
//! the kernel would answer stacked programs, the most restrictive answer
//! first:
//!
//! 1. **capability mode**: the rows' [`Mode`]s, an allowlist modelled on
//!    FreeBSD's `sys/kern/capabilities.conf`, with argument conditions
//!    (`AT_FDCWD`, socket families, clone flags, signal targets, prctl
//!    options). Anything else fails with `EPERM`.
//! 2. **rights**: the rows' [`Need`]s for each class of limited descriptors
//!    (a range of numbers, see `fds.rs`): what its rights do not include
//!    fails with `EACCES`, plus what no descriptor may do after entry
//!    (inode changes through descriptors opened after entry, beyond the
//!    directories' rights; without a supervisor, new executable memory). read/write rules appear only
//!    for classes whose access mode is wider than their rights, so that in
//!    the common case read(2)/write(2) are answered `ALLOW` before any
//!    argument is read and the kernel's action cache skips the program for
//!    them.
//! 3. **compat**: the rows answered `ENOSYS` (`clone3`, `openat2`): their
//!    arguments are behind a pointer seccomp cannot read, and libc falls
//!    back to `clone` / `openat`, which the rest can check.
//!
//! One program in the common case; when the rights make it longer than
//! `BPF_MAXINSNS`, they go to programs of their own (deny-only, installed
//! first, so that capability mode's `EPERM`, in the newest program, wins
//! over them as the kernel orders equal actions). Foreign architectures
//! (the i386 `int 0x80` entry) get `EPERM`; x32 system calls
//! (`nr | 0x40000000`) match no row and get `EPERM`.
//!
//! [`Mode`]: super::rules::Mode
//! [`Need`]: super::rules::Need

mod bpf;
pub(crate) mod build;
pub(crate) mod consts;
#[cfg(test)]
pub(super) mod tests;

pub(crate) use consts::{MODE_ERRNO, RIGHTS_ERRNO};

use crate::rights::{Limits, RightSet};

use super::judge::Context;
pub(crate) use bpf::BpfProgram;
use bpf::{program, Arena, Call, Returns, Span, BPF_MAXINSNS};

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
    /// Whether descriptors may be moved into the class after entry (a
    /// pool: numbers reserved at entry for descriptors a service hands
    /// in, limited when they arrive; `fds.rs`). Only descriptors that
    /// hold at least its limits may be copied in, so its access mode is
    /// never trusted (`reads`, `writes` set).
    pub pool: bool,
    /// Whether a service hands its descriptors in (a `fileargs` pool):
    /// the program can receive them itself at any free number, outside
    /// every class, so its limits count among the places of
    /// [`Outside::Places`](super::rules::Outside::Places) needs that
    /// Landlock does not mediate (`judge::Context::places`).
    pub served: bool,
    /// Whether the supervisor fills the pool with descriptors opened
    /// beneath a directory (`inherited.rs`): its numbers may be freed,
    /// a close is not trapped (a descriptor the kernel gives out there
    /// holds the pool's limits, within what a descriptor outside every
    /// class may use), and the supervisor takes a free number as it takes
    /// a placeholder's.
    pub inherited: bool,
    /// Whether a copy of its descriptors (dup(2), fcntl(2) `F_DUPFD`,
    /// `F_DUPFD_CLOEXEC`) goes to the supervisor, which puts it at a
    /// number of the pool of the class's limits (`inherited.rs`; Capsicum
    /// copies the rights along, dup(2)): a directory and its pool, and
    /// the classes of the same limits.
    pub copied: bool,
    /// Rights of an [`inherited`](FdClass::inherited) pool's set that the
    /// supervisor checks call by call, where a descriptor outside every
    /// class lacks them (`judge::checkable`: those asked of the places
    /// where a call could act): held by `limits`, and each call needing
    /// one goes to the supervisor, which answers it only where the
    /// descriptor's file lies beneath a preopened directory holding the
    /// right (`supervise.rs` `checked_rights`, `supervise/changed.rs`).
    pub checked: RightSet,
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
    /// numbers) cannot be checked; the program's go to its supervisor,
    /// which reads them (`judge::Supervised::Sent`), or are denied.
    pub send_descriptors: bool,
}

/// How denials are answered: with their errno (enforcing), or trapped
/// with the errno as data (`SANDBOXED_TRACE`). `lookup` is the trap of
/// what the handler answers itself: dry-run's lookups beneath a
/// directory, closes of pool numbers (`consts::TRAP_MARK` when
/// enforcing).
pub(crate) fn returns(trap: Option<u32>) -> Returns {
    let (action, lookup) = match trap {
        None => (
            libc::SECCOMP_RET_ERRNO,
            libc::SECCOMP_RET_TRAP | consts::TRAP_MARK,
        ),
        Some(mark) => (libc::SECCOMP_RET_TRAP, libc::SECCOMP_RET_TRAP | mark),
    };
    Returns {
        mode: action | MODE_ERRNO as u32,
        rights: action | RIGHTS_ERRNO as u32,
        lookup,
        notify: libc::SECCOMP_RET_USER_NOTIF,
        other: action | MODE_ERRNO as u32,
    }
}

/// The programs in installation order for `ctx`, answering with `r`;
/// with `lookups`, dry-run's trap of lookups beneath directories.
pub(crate) fn programs(ctx: &Context, r: &Returns, lookups: bool) -> Vec<BpfProgram> {
    let mut arena = Arena::new();
    let calls = build::calls(ctx, lookups, &mut arena);
    let whole = program(&arena, &calls, r);
    if whole.len() <= BPF_MAXINSNS {
        return vec![whole];
    }
    // The rights alone in programs of their own, installed first.
    let mode: Vec<Call> = calls
        .iter()
        .map(|c| Call {
            rights: Span::default(),
            ..*c
        })
        .collect();
    let rights: Vec<Call> = calls
        .iter()
        .filter(|c| !c.rights.is_empty())
        .map(|c| Call {
            nr: c.nr,
            rights: c.rights,
            ..Call::default()
        })
        .collect();
    let deny_only = Returns {
        other: libc::SECCOMP_RET_ALLOW,
        ..*r
    };
    let mut out = Vec::new();
    split(&arena, &rights, &deny_only, &mut out);
    out.push(program(&arena, &mode, r));
    out
}

/// The program a compartment adds to the filter it runs under: the calls
/// that make processes (fork(2), vfork(2), clone(2) but of a thread) as
/// their rows answer them with [`Gate::Forks`](super::rules::Gate::Forks)
/// closed, answered `r.mode`; every other call `ALLOW`, left to the
/// programs already installed (seccomp(2) answers with the most
/// restrictive of them).
pub(crate) fn no_forks(r: &Returns) -> BpfProgram {
    let ctx = Context {
        signal_scope: true,
        lookups: true,
        grants: Grants::default(),
        forks: false,
        notify: false,
        own_signals: false,
        classes: &[],
    };
    let mut arena = Arena::new();
    let calls: Vec<Call> = build::calls_where(&ctx, false, &mut arena, makes_processes)
        .into_iter()
        .map(|c| Call {
            rights: Span::default(),
            ..c
        })
        .collect();
    let deny_only = Returns {
        other: libc::SECCOMP_RET_ALLOW,
        ..*r
    };
    program(&arena, &calls, &deny_only)
}

/// Whether call `nr` makes a process (the rows gated on
/// [`Gate::Forks`](super::rules::Gate::Forks)).
fn makes_processes(nr: u32) -> bool {
    matches!(
        i64::from(nr),
        libc::SYS_fork | libc::SYS_vfork | libc::SYS_clone
    )
}

/// Compiles deny-only `calls` into as few programs as fit `BPF_MAXINSNS`
/// each, halving until they do (the whole stack must also stay under
/// `MAX_INSNS_PER_PATH`, kernel/seccomp.c; `confine::check_length`).
fn split(arena: &Arena, calls: &[Call], r: &Returns, out: &mut Vec<BpfProgram>) {
    let p = program(arena, calls, r);
    match calls {
        _ if p.len() <= BPF_MAXINSNS => out.push(p),
        [one] if one.rights.len() >= 2 => {
            // One call's denials: half of its clauses in each.
            let (a, b) = one.rights.split_at(one.rights.len() / 2);
            for half in [a, b] {
                let call = Call {
                    nr: one.nr,
                    rights: half,
                    ..Call::default()
                };
                split(arena, &[call], r, out);
            }
        }
        [_] => out.push(p),
        _ => {
            let (a, b) = calls.split_at(calls.len() / 2);
            split(arena, a, r, out);
            split(arena, b, r, out);
        }
    }
}
