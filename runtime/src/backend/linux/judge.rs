//! How one call is judged by its row of the system-call table: the
//! reference semantics that the seccomp programs compile (`seccomp/`) and
//! that the `SANDBOXED_TRACE` explainer reads (`trace/explain.rs`). A test
//! runs the compiled programs in a BPF interpreter against [`judge`]
//! (`seccomp/tests.rs`).

use crate::rights::{Fcntl, Ioctl, Limits, Right, RightSet};

use super::rules::{Access, Gate, Grant, Mode, Need, Outside, Req, Syscall};
use super::seccomp::consts::{
    fcntl_numbers, fcntl_rights, ioctl_numbers, FCNTL_DUP, FCNTL_LOCKS, INODE_IOCTLS,
};
use super::seccomp::{FdClass, Grants};

/// What a call is judged against: the sandboxed process and its classes
/// of limited descriptors.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Context<'a> {
    /// Whether Landlock scopes signals ([`Gate::SignalScope`]).
    pub signal_scope: bool,
    /// Whether lookups beneath directory descriptors may be allowed (when
    /// Landlock confines them).
    pub lookups: bool,
    /// The broker's grants.
    pub grants: Grants,
    /// Whether the process may make processes ([`Gate::Forks`]): not in
    /// a compartment.
    pub forks: bool,
    /// Whether a supervisor reads the paths the filter cannot
    /// (`supervise.rs`): fstatat(2) and statx(2) with `AT_EMPTY_PATH` and
    /// a path are sent to it ([`notifies`]).
    pub notify: bool,
    /// Whether that supervisor also answers the signals to a process or
    /// thread id, letting through only those to the caller's own process
    /// ([`Supervised::OwnProcess`]): it needs `PIDFD_GET_INFO` (Linux 6.13) to
    /// tell the caller's thread group.
    pub own_signals: bool,
    /// Limited descriptors, by number range.
    pub classes: &'a [FdClass],
}

impl Context<'_> {
    /// Whether an alternative with `gate` is in force.
    pub(crate) fn open(&self, gate: Gate) -> bool {
        match gate {
            Gate::Always => true,
            Gate::Lookups => self.lookups || self.grants.global_paths,
            Gate::Grant(g) => self.grants.has(g),
            Gate::SignalScope => self.signal_scope,
            Gate::OwnProcess => self.notify && self.own_signals,
            Gate::Supervisor => self.notify && !self.grants.send_descriptors,
            Gate::OwnSigsys => !self.classes.iter().any(|c| c.pool && !c.inherited),
            Gate::Forks => self.forks,
            Gate::NoForks => !self.forks,
        }
    }

    /// The class of descriptor `fd` (its low 32 bits, as the kernel reads
    /// an `int`).
    pub(crate) fn class_of(&self, fd: u64) -> Option<&FdClass> {
        let fd = fd as u32;
        self.classes.iter().find(|c| (c.lo..=c.hi).contains(&fd))
    }

    /// The directories (classes with `lookup`) whose Landlock access lets
    /// a call needing one of `access`'s bits through (all of them for
    /// 0): where a descriptor opened after entry for [`Outside::Places`]
    /// may act. For 0 (calls Landlock does not mediate: fchmod, fchown,
    /// futimens, xattrs, stat) the pools a service hands descriptors into
    /// too ([`FdClass::served`]): the program can receive one of their
    /// descriptors itself (recvmsg(2) on its channel), outside every
    /// class, where libcasper's fileargs limits it in the service
    /// (`open_file`, lib/libcasper/services/cap_fileargs/cap_fileargs.c).
    pub(crate) fn places(&self, access: u64) -> impl Iterator<Item = &FdClass> {
        self.classes.iter().filter(move |c| {
            (c.served && access == 0)
                || (c.limits.rights.allows(Right::Lookup)
                    && (access == 0
                        || super::confine::dir_access(c.limits.rights).bits() & access != 0))
        })
    }
}

/// What a denied need lacked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Lacking {
    /// This right.
    Right(Right),
    /// Nothing allows it (copies).
    Copy,
    /// The right is there but the command is not among its declared
    /// `ioctls(...)` / `fcntls(...)`.
    Command,
    /// Nothing allows it: a path form Landlock does not mediate.
    Unmediated,
}

/// A need that failed: the descriptor (when there is one) and what it
/// lacked.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Denial {
    /// The need.
    pub need: Need,
    /// The descriptor argument's value.
    pub fd: Option<u64>,
    /// What it lacked.
    pub lacking: Lacking,
}

/// The answer to one call.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Verdict {
    /// Allowed.
    Allow,
    /// Capability mode denies it: `EPERM`.
    Mode,
    /// A descriptor lacks what it needs: `EACCES`.
    Rights(Denial),
    /// `ENOSYS`.
    Enosys,
}

/// Whether capability mode allows `row` with `args` in `ctx` (ignoring
/// [`Mode::Enosys`], which it lets through).
pub(crate) fn mode_allows(row: &Syscall, args: &[u64; 6], ctx: &Context) -> bool {
    match row.mode() {
        Mode::Allow | Mode::Enosys => true,
        Mode::Deny => false,
        Mode::AllowIf(alternatives) => alternatives
            .iter()
            .any(|a| ctx.open(a.gate) && a.when.iter().all(|c| c.holds(args))),
    }
}

/// The first need of `row` that `args` fail in `ctx`.
pub(crate) fn first_denial(row: &Syscall, args: &[u64; 6], ctx: &Context) -> Option<Denial> {
    row.needs()
        .iter()
        .filter(|need| in_force(need, ctx))
        .find_map(|need| denial(need, args, ctx))
}

/// Whether `need` is checked by the filter in `ctx`: all are, but the
/// refusal of path forms Landlock does not mediate ([`Req::Unmediated`])
/// when a supervisor walks them instead ([`Supervised::Attributes`]), and
/// a need the supervisor judges otherwise ([`Need::judged`]: `mmap_w`
/// for a shared mapping that could become writable, judged when
/// mprotect(2) adds `PROT_WRITE`, [`Supervised::Protection`]).
pub(crate) fn in_force(need: &Need, ctx: &Context) -> bool {
    !(ctx.notify && (need.req == Req::Unmediated || need.judged))
}

/// Whether `need` fails for `args` in `ctx`, and how.
pub(crate) fn denial(need: &Need, args: &[u64; 6], ctx: &Context) -> Option<Denial> {
    if !need.when.iter().all(|c| c.holds(args)) {
        return None;
    }
    let Some(arg) = need.fd else {
        let lacking = match need.req {
            Req::Right(r) => Lacking::Right(r),
            Req::Unmediated => Lacking::Unmediated,
            _ => Lacking::Copy,
        };
        return Some(Denial {
            need: *need,
            fd: None,
            lacking,
        });
    };
    let fd = args[usize::from(arg)];
    let found = |lacking| {
        Some(Denial {
            need: *need,
            fd: Some(fd),
            lacking,
        })
    };
    match ctx.class_of(fd) {
        Some(class) => {
            let moot = match need.access {
                Access::Any => false,
                Access::Read => !class.reads,
                Access::Write => !class.writes,
            };
            if moot {
                return None;
            }
            match need.req {
                // A copy the supervisor puts into the pool of the class's
                // limits (`Supervised::Copied`).
                Req::Never if class.copied => None,
                Req::Fcntl { cmd }
                    if class.copied && FCNTL_DUP.contains(&(args[usize::from(cmd)] as u32)) =>
                {
                    None
                }
                Req::Onto => (!class.pool).then_some(Lacking::Copy).and_then(found),
                Req::Into { onto } => {
                    let target = ctx.class_of(args[usize::from(onto)]);
                    let fits = target.is_some_and(|p| p.pool && within(&p.limits, &class.limits));
                    (!fits).then_some(Lacking::Copy).and_then(found)
                }
                req => lacks(req, &class.limits, args).and_then(found),
            }
        }
        None => match (need.outside, need.req) {
            (Outside::Free, _) => None,
            (Outside::Denied, Req::Right(r)) => found(Lacking::Right(r)),
            (Outside::Denied, Req::Unmediated) => found(Lacking::Unmediated),
            (Outside::Denied, _) => found(Lacking::Copy),
            (Outside::Places(access), req) => ctx
                .places(access)
                .find_map(|c| lacks(req, &c.limits, args))
                .and_then(found),
        },
    }
}

/// What the supervisor (`supervise.rs`) does with a call the filter sends
/// it ([`notifies`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Supervised {
    /// A lookup or a descriptor's metadata (fstatat(2), statx(2),
    /// faccessat(2), faccessat2, readlinkat(2), fstat(2), fstatfs(2)),
    /// which Landlock does not mediate, nor the `O_PATH` opens that give
    /// descriptors anywhere (landlock(7)): a path walked beneath the
    /// directory as Capsicum walks, a descriptor answered where Capsicum
    /// would have let the program hold it (`supervise/lookup.rs`).
    Lookup,
    /// A path form of chmod, chown or utimes (fchmodat(2), fchmodat2,
    /// fchownat(2), futimesat(2), utimensat(2) with a path), which
    /// Landlock does not mediate (landlock(7)): walked beneath the
    /// directory as Capsicum walks (openat2(2) `RESOLVE_BENEATH`), from a
    /// directory beneath a preopened one, then made on what the walk
    /// resolved.
    Attributes {
        /// The `AT_*` flags' argument, if the call takes flags.
        flags: Option<usize>,
    },
    /// A raw call that opens, creates, removes, renames, links or
    /// executes beneath a directory (openat(2), mkdirat(2), mknodat(2),
    /// symlinkat(2), unlinkat(2), renameat(2), renameat2, linkat(2),
    /// execveat(2)), which Landlock confines by place, not by the walk:
    /// each path walked beneath its directory as Capsicum walks, then the
    /// call made by the caller (`SECCOMP_USER_NOTIF_FLAG_CONTINUE`;
    /// `supervise/walked.rs`), or, for an openat(2) through a directory
    /// whose rights set has a pool, by the supervisor, which installs the
    /// descriptor in that pool (`supervise/opened.rs`). The kernel reads
    /// the path of a continued call again: a program racing it with
    /// another thread reaches what Landlock allows by place, as without
    /// the walk.
    Walked,
    /// A change of the file mode creation mask (umask(2)): noted, then
    /// made by the caller (`SECCOMP_USER_NOTIF_FLAG_CONTINUE`); from then
    /// on the supervisor reads a caller's mask (/proc/TID/status) before
    /// it creates a file for it (`supervise/opened.rs`), where until then
    /// its own, the program's at entry, is the caller's.
    Umask,
    /// A change of the caller's credentials (the set*id family,
    /// setgroups(2), capset(2)): noted, then made by the caller
    /// (`SECCOMP_USER_NOTIF_FLAG_CONTINUE`: the supervisor, which acts
    /// with the credentials the program had at entry, then makes no
    /// lookup for it).
    Credentials,
    /// A call naming a process or thread by id that capability mode
    /// allows only on the caller's own: a signal (kill(2), tkill(2),
    /// tgkill(2), rt_sigqueueinfo(2), rt_tgsigqueueinfo(2); sys_kill in
    /// sys/kern/kern_sig.c: `ECAPMODE` for any other pid; thr_kill(2) finds
    /// only the caller's threads) or CPU affinity by id
    /// (sched_setaffinity(2), sched_getaffinity(2); cpuset_check_capabilities
    /// in sys/kern/kern_cpuset.c: the calling thread or process only): made
    /// by the caller (`SECCOMP_USER_NOTIF_FLAG_CONTINUE`, its target in a
    /// register) when argument 0 names the caller's own, `EPERM` otherwise.
    OwnProcess {
        /// What argument 0 names.
        target: Target,
    },
    /// A poll or select (poll(2), ppoll(2), select(2), pselect6), whose
    /// descriptors lie in memory: each must hold `event`, as Capsicum
    /// polls (rights(4); pollscan, selscan in sys/kern/sys_generic.c);
    /// sent only where a class lacks it (`supervise/polled.rs`).
    Polled,
    /// A copy of a descriptor of a [`copied`](FdClass::copied) class
    /// (dup(2), fcntl(2) `F_DUPFD`, `F_DUPFD_CLOEXEC`): made by the
    /// supervisor at a number of the pool of the class's limits, as
    /// Capsicum copies the rights along (dup(2); `supervise/copied.rs`).
    Copied,
    /// mprotect(2) or pkey_mprotect(2) adding `PROT_EXEC`, which Capsicum
    /// allows within the mapping's maximum protection: the caller's
    /// mappings in the range read (/proc/TID/maps), then the call made by
    /// the caller where each may be executable, `EACCES` otherwise
    /// (`supervise/protected.rs`).
    Protection,
    /// A change of a descriptor's file that Landlock does not mediate
    /// (fchmod(2), fchown(2), fsetxattr(2), fremovexattr(2), the
    /// inode-flag ioctl(2) setters; futimens(3) is utimensat(2) with a
    /// `NULL` path, [`Supervised::Attributes`])
    /// through a number of a pool whose right for it the supervisor
    /// checks ([`FdClass::checked`]): made by the supervisor on its copy
    /// of the descriptor where the file lies beneath a preopened
    /// directory holding the right (`supervise/changed.rs`).
    Changed,
    /// sendmsg(2) or sendmmsg(2), whose address and `SCM_RIGHTS`
    /// descriptors lie behind a pointer: read once by the supervisor,
    /// which refuses an address (capability mode, as sendto(2) with one:
    /// `kern_sendit` in sys/kern/uipc_syscalls.c) and a limited
    /// descriptor, and makes the call itself on its copy of the socket
    /// (`supervise/sent.rs`), so that no thread changes the message after
    /// the check. Sent wherever [`Gate::Supervisor`] is open.
    Sent,
}

/// The rights an [`inherited`](FdClass::inherited) pool keeps where a
/// descriptor outside every class lacks them, checked by the supervisor
/// call by call ([`FdClass::checked`]): those a need asks of the places
/// where the call could act (`Outside::Places`: the changes of a file's
/// metadata and the lookups Landlock does not mediate, landlock(7), the
/// creations, removals, renames and links Landlock grants by place, not
/// by right), never one a descriptor outside every class is denied
/// outright but in calls the supervisor answers. Every call with such a
/// need goes to the supervisor
/// (`the_checked_rights_are_supervised` in the tests), so that what is
/// opened beneath a directory holds them as the directory does
/// (rights(4)).
pub(crate) fn checkable() -> RightSet {
    let mut places = RightSet::EMPTY;
    for &(_, _, own) in &OUTSIDE.places[..OUTSIDE.len] {
        places = places.union(own);
    }
    // A right denied outright outside every class only in calls the
    // supervisor answers (`fexecve`: execveat(2), walked there).
    let mut unsupervised = RightSet::EMPTY;
    for row in super::syscalls::TABLE.iter() {
        if supervised(row.nr).is_some() {
            continue;
        }
        for n in row.needs() {
            if let (Req::Right(r), Outside::Denied) = (n.req, n.outside) {
                unsupervised = unsupervised.union(own_bits(r));
            }
        }
    }
    places.union(OUTSIDE.denied.without(unsupervised))
}

/// The right a [`Supervised::Changed`] call `nr` needs of its descriptor.
pub(crate) fn changed_right(nr: u32) -> Option<Right> {
    Some(match i64::from(nr) {
        libc::SYS_fchmod => Right::Fchmod,
        libc::SYS_fchown => Right::Fchown,
        libc::SYS_fsetxattr => Right::ExtattrSet,
        libc::SYS_fremovexattr => Right::ExtattrDelete,
        libc::SYS_fgetxattr => Right::ExtattrGet,
        libc::SYS_flistxattr => Right::ExtattrList,
        libc::SYS_ioctl => Right::Ioctl,
        _ => return None,
    })
}

/// The right Capsicum asks of an attribute change `nr` whose name is an
/// access control list's (acl(3): `__acl_set_fd` needs `CAP_ACL_SET`,
/// `__acl_delete_fd` `CAP_ACL_DELETE`, sys/kern/vfs_acl.c), which Linux
/// makes through fsetxattr(2) and fremovexattr(2) with a `system.` name
/// (`system.posix_acl_access` and `system.posix_acl_default`, acl(5);
/// `system.nfs4_acl` on NFS): setting one changes the file's mode too
/// (fs/posix_acl.c `posix_acl_update_mode`).
pub(crate) fn acl_right(nr: u32) -> Option<Right> {
    Some(match i64::from(nr) {
        libc::SYS_fsetxattr => Right::AclSet,
        libc::SYS_fremovexattr => Right::AclDelete,
        // `__acl_get_fd` (a list shows an ACL's name: FreeBSD keeps ACLs
        // apart from extended attributes, extattr_list_fd lists none).
        libc::SYS_fgetxattr | libc::SYS_flistxattr => Right::AclGet,
        _ => return None,
    })
}

/// Whether attribute call `nr` (fsetxattr(2), fremovexattr(2),
/// fgetxattr(2), flistxattr(2)) may be
/// let through for a descriptor lacking its [`acl_right`]: a class, or a
/// descriptor outside every class, holding [`changed_right`] (or a pool
/// checking it) but not the ACL's. The filter cannot read the name, so
/// then every such call goes to the supervisor, which refuses an ACL's
/// name without the ACL right (`supervise/changed.rs`).
pub(crate) fn acl_unheld(nr: u32, ctx: &Context) -> bool {
    let (Some(right), Some(acl)) = (changed_right(nr), acl_right(nr)) else {
        return false;
    };
    let outside = outside_rights(ctx);
    (outside.allows(right) && !outside.allows(acl))
        || ctx.classes.iter().any(|c| {
            (c.limits.rights.allows(right) || c.checked.allows(right))
                && !c.limits.rights.allows(acl)
        })
}

/// What the first argument of a signalling call names (kill(2), tkill(2),
/// tgkill(2)).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Target {
    /// A process (thread group) id: kill(2), rt_sigqueueinfo(2), and the
    /// `tgid` of tgkill(2) and rt_tgsigqueueinfo(2), whose thread the
    /// kernel then finds within that group.
    Process,
    /// A thread id: tkill(2).
    Thread,
    /// A thread id where the caller's own thread or its process id (its
    /// main thread's) is allowed: sched_setaffinity(2) and
    /// sched_getaffinity(2), as FreeBSD's cpuset_setaffinity(2) and
    /// cpuset_getaffinity(2) take `CPU_WHICH_TID` of the calling thread or
    /// `CPU_WHICH_PID` of its process in capability mode; 0, the caller,
    /// is allowed by the filter and never sent.
    OwnThread,
}

impl Supervised {
    /// Whether the filter built for `ctx` sends the call there: the
    /// signals only when the supervisor can tell thread groups
    /// ([`Context::own_signals`]).
    pub(crate) fn sent(self, ctx: &Context) -> bool {
        ctx.notify
            && match self {
                Supervised::OwnProcess { .. } => ctx.own_signals,
                Supervised::Polled => event_limited(ctx),
                Supervised::Sent => ctx.open(Gate::Supervisor),
                Supervised::Copied => ctx.classes.iter().any(|c| c.copied),
                Supervised::Changed => {
                    ctx.classes.iter().any(|c| !c.checked.is_empty())
                        || [
                            libc::SYS_fsetxattr,
                            libc::SYS_fremovexattr,
                            libc::SYS_fgetxattr,
                            libc::SYS_flistxattr,
                        ]
                        .iter()
                        .any(|&nr| acl_unheld(nr as u32, ctx))
                }
                _ => true,
            }
    }
}

/// Whether mprotect(2) adding `PROT_WRITE` goes to the supervisor
/// ([`Supervised::Protection`]): only where a class whose access mode lets
/// writes through holds `mmap` but not `mmap_w`, whose shared mappings could otherwise
/// become writable (the filter then lets them be made without it,
/// [`Need::judged`]); elsewhere the kernel's own check is Capsicum's (a
/// shared mapping is writable only where its file is open for writing,
/// mm/mprotect.c `VM_MAYWRITE`, and a class holding `mmap_w` may).
pub(crate) fn writes_judged(ctx: &Context) -> bool {
    ctx.classes.iter().any(|c| {
        c.writes && c.limits.rights.allows(Right::Mmap) && !c.limits.rights.allows(Right::MmapW)
    })
}

/// Whether a class of limited descriptors lacks `event`: only then does
/// a poll or select go to the supervisor (`Supervised::Polled`), every
/// other descriptor holding it (not limited).
fn event_limited(ctx: &Context) -> bool {
    ctx.classes
        .iter()
        .any(|c| lacks(Req::Right(Right::Event), &c.limits, &[0; 6]).is_some())
}

/// What the supervisor does with call `nr`, if the filter sends it there.
pub(crate) fn supervised(nr: u32) -> Option<Supervised> {
    Some(match i64::from(nr) {
        libc::SYS_newfstatat
        | libc::SYS_statx
        | libc::SYS_faccessat
        | libc::SYS_faccessat2
        | libc::SYS_readlinkat
        | libc::SYS_fstat
        | libc::SYS_fstatfs => Supervised::Lookup,
        libc::SYS_fchmodat => Supervised::Attributes { flags: None },
        #[cfg(target_arch = "x86_64")]
        libc::SYS_futimesat => Supervised::Attributes { flags: None },
        libc::SYS_fchmodat2 | libc::SYS_utimensat => Supervised::Attributes { flags: Some(3) },
        libc::SYS_fchownat => Supervised::Attributes { flags: Some(4) },
        libc::SYS_openat
        | libc::SYS_mkdirat
        | libc::SYS_mknodat
        | libc::SYS_symlinkat
        | libc::SYS_unlinkat
        | libc::SYS_renameat
        | libc::SYS_renameat2
        | libc::SYS_linkat
        | libc::SYS_execveat => Supervised::Walked,
        libc::SYS_setuid
        | libc::SYS_setgid
        | libc::SYS_setreuid
        | libc::SYS_setregid
        | libc::SYS_setresuid
        | libc::SYS_setresgid
        | libc::SYS_setfsuid
        | libc::SYS_setfsgid
        | libc::SYS_setgroups
        | libc::SYS_capset => Supervised::Credentials,
        libc::SYS_umask => Supervised::Umask,
        libc::SYS_kill
        | libc::SYS_rt_sigqueueinfo
        | libc::SYS_tgkill
        | libc::SYS_rt_tgsigqueueinfo => Supervised::OwnProcess {
            target: Target::Process,
        },
        libc::SYS_tkill => Supervised::OwnProcess {
            target: Target::Thread,
        },
        libc::SYS_sched_setaffinity | libc::SYS_sched_getaffinity => Supervised::OwnProcess {
            target: Target::OwnThread,
        },
        libc::SYS_ppoll | libc::SYS_pselect6 => Supervised::Polled,
        libc::SYS_dup | libc::SYS_fcntl => Supervised::Copied,
        libc::SYS_mprotect | libc::SYS_pkey_mprotect => Supervised::Protection,
        libc::SYS_fchmod
        | libc::SYS_fchown
        | libc::SYS_fsetxattr
        | libc::SYS_fremovexattr
        | libc::SYS_fgetxattr
        | libc::SYS_flistxattr
        | libc::SYS_ioctl => Supervised::Changed,
        #[cfg(target_arch = "x86_64")]
        libc::SYS_poll | libc::SYS_select => Supervised::Polled,
        libc::SYS_sendmsg | libc::SYS_sendmmsg => Supervised::Sent,
        _ => return None,
    })
}

/// Whether call `nr` with `args`, once mode and rights let it through,
/// goes to the supervisor (`SECCOMP_RET_USER_NOTIF`):
///
/// - the lookups and metadata Landlock does not mediate (the stat family,
///   access, readlink, fstat, fstatfs): the filter cannot read a path, nor
///   tell an `O_PATH` descriptor opened anywhere;
/// - a path form of chmod, chown or utimes (utimensat(2) with a path that
///   is not `NULL`; without one it is futimens(3), sent only as below);
/// - the raw opens, creations, removals, renames, links and execs
///   beneath a directory, which Landlock confines by place;
/// - a change of credentials or of the file mode creation mask;
/// - a signal to a process or thread id (the filter has let only positive
///   ones through), or a CPU affinity naming a thread other than 0, where
///   the supervisor tells thread groups;
/// - a poll or select, where a class of limited descriptors lacks
///   `event`;
/// - a copy (dup(2), fcntl(2) `F_DUPFD`, `F_DUPFD_CLOEXEC`) of a
///   descriptor of a [`copied`](FdClass::copied) class;
/// - mprotect(2) and pkey_mprotect(2) adding `PROT_EXEC`, or
///   `PROT_WRITE` where [`writes_judged`];
/// - sendmsg(2) and sendmmsg(2), which the supervisor makes itself;
/// - a change of a descriptor's file (fchmod(2), fchown(2),
///   fsetxattr(2), fremovexattr(2), futimens(3)) through a number of a
///   pool whose right for it the supervisor checks;
/// - every fsetxattr(2) and fremovexattr(2) where a descriptor may hold
///   the attribute's right without the ACL's ([`acl_unheld`]).
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) fn notifies(nr: u32, args: &[u64; 6], ctx: &Context) -> bool {
    supervised(nr).is_some_and(|s| s.sent(ctx))
        && match supervised(nr) {
            Some(Supervised::Lookup) => true,
            Some(Supervised::Attributes { .. }) => {
                i64::from(nr) != libc::SYS_utimensat
                    || args[1] != 0
                    || ctx
                        .class_of(args[0])
                        .is_some_and(|c| c.checked.allows(Right::Futimes))
            }
            Some(Supervised::Changed) => {
                acl_unheld(nr, ctx)
                    || ctx
                        .class_of(args[0])
                        .is_some_and(|c| changed_right(nr).is_some_and(|r| c.checked.allows(r)))
                        && (i64::from(nr) != libc::SYS_ioctl
                            || INODE_IOCTLS.contains(&(args[1] as u32)))
            }
            Some(Supervised::OwnProcess {
                target: Target::OwnThread,
            }) => args[0] as u32 != 0,
            Some(Supervised::Copied) => {
                ctx.class_of(args[0]).is_some_and(|c| c.copied)
                    && (i64::from(nr) == libc::SYS_dup || FCNTL_DUP.contains(&(args[1] as u32)))
            }
            Some(Supervised::Protection) => {
                args[2] as u32 & libc::PROT_EXEC as u32 != 0
                    || args[2] as u32 & libc::PROT_WRITE as u32 != 0 && writes_judged(ctx)
            }
            Some(
                Supervised::Walked
                | Supervised::Credentials
                | Supervised::Umask
                | Supervised::OwnProcess { .. }
                | Supervised::Polled
                | Supervised::Sent,
            ) => true,
            None => false,
        }
}

/// Whether call `nr` with `args` closes a pool number of `classes`:
/// close(2) of one, or close_range(2) of a range that meets one without
/// `CLOSE_RANGE_CLOEXEC` (only marks). The filter traps it and the
/// `SIGSYS` handler puts the placeholder back instead (`slots.rs`): a
/// pool number is never free.
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) fn closes_pool(nr: u32, args: &[u64; 6], classes: &[FdClass]) -> bool {
    let pools = || classes.iter().filter(|c| c.pool && !c.inherited);
    match i64::from(nr) {
        libc::SYS_close => {
            let fd = args[0] as u32;
            pools().any(|c| (c.lo..=c.hi).contains(&fd))
        }
        libc::SYS_close_range => {
            let (first, last, flags) = (args[0] as u32, args[1] as u32, args[2] as u32);
            flags & libc::CLOSE_RANGE_CLOEXEC == 0 && pools().any(|c| first <= c.hi && last >= c.lo)
        }
        _ => false,
    }
}

/// Whether `inner` limits are within `outer`: fewer rights, and command
/// lists within (a list is within no list; the list of a right `inner`
/// does not hold does not matter: its commands are all refused).
pub(crate) fn within(inner: &Limits, outer: &Limits) -> bool {
    fn list_within<T: PartialEq>(held: bool, inner: Option<&[T]>, outer: Option<&[T]>) -> bool {
        match (inner, outer) {
            _ if !held => true,
            (_, None) => true,
            (None, Some(_)) => false,
            (Some(i), Some(o)) => i.iter().all(|x| o.contains(x)),
        }
    }
    outer.rights.contains(inner.rights)
        && list_within(
            inner.rights.allows(Right::Ioctl),
            inner.ioctls,
            outer.ioctls,
        )
        && list_within(
            inner.rights.allows(Right::Fcntl),
            inner.fcntls,
            outer.fcntls,
        )
}

/// The rights a descriptor outside every class may use in `ctx`: every
/// right but those some need denies outside the classes (`Denied`, or
/// `Dirs`/`Places` where the directories lack it). A pool takes copies
/// of such descriptors, so its rights must be within these.
pub(crate) fn outside_rights(ctx: &Context) -> RightSet {
    let mut lacking = OUTSIDE.denied;
    for &(r, access, own) in &OUTSIDE.places[..OUTSIDE.len] {
        if !lacking.contains(own) && ctx.places(access).any(|c| !c.limits.rights.allows(r)) {
            lacking = lacking.union(own);
        }
    }
    every_right().without(lacking)
}

/// Every right.
const fn every_right() -> RightSet {
    let mut every = RightSet::EMPTY;
    let mut i = 0;
    while i < Right::ALL.len() {
        every = every.union(Right::ALL[i].set());
        i += 1;
    }
    every
}

/// The table's needs of a right outside every class, worked out when the
/// crate is compiled (entry reads these, not the table): what those
/// `Denied` take away, and each distinct right and access of those of
/// `Places`, with what lacking the right takes away.
struct OutsideNeeds {
    denied: RightSet,
    places: [(Right, u64, RightSet); 64],
    len: usize,
}

const OUTSIDE: OutsideNeeds = {
    let mut out = OutsideNeeds {
        denied: RightSet::EMPTY,
        places: [(Right::Read, 0, RightSet::EMPTY); 64],
        len: 0,
    };
    let table = super::syscalls::ROWS;
    let mut i = 0;
    while i < table.len() {
        let needs = table[i].needs;
        let mut j = 0;
        while j < needs.len() {
            if let Req::Right(r) = needs[j].req {
                match needs[j].outside {
                    Outside::Free => {}
                    Outside::Denied => out.denied = out.denied.union(own_bits(r)),
                    Outside::Places(access) => {
                        let mut k = 0;
                        while k < out.len
                            && !(out.places[k].0 as u32 == r as u32 && out.places[k].1 == access)
                        {
                            k += 1;
                        }
                        if k == out.len {
                            // A compile error when the table outgrows it.
                            out.places[k] = (r, access, own_bits(r));
                            out.len += 1;
                        }
                    }
                }
            }
            j += 1;
        }
        i += 1;
    }
    out
};

/// The bits of `r` that no smaller right has (`mmap_x`'s own bit, not
/// `mmap` or `seek`): what lacking `r` takes away.
const fn own_bits(r: Right) -> RightSet {
    let mut below = RightSet::EMPTY;
    let mut i = 0;
    while i < Right::ALL.len() {
        let x = Right::ALL[i].set();
        if x.bits() != r.set().bits() && r.set().contains(x) {
            below = below.union(x);
        }
        i += 1;
    }
    r.set().without(below)
}

/// What `limits` lack for `req` with `args`, if anything.
fn lacks(req: Req, limits: &Limits, args: &[u64; 6]) -> Option<Lacking> {
    let has = |r: Right| limits.rights.allows(r);
    match req {
        Req::Right(r) => (!has(r)).then_some(Lacking::Right(r)),
        Req::Never | Req::Into { .. } | Req::Onto => Some(Lacking::Copy),
        Req::Unmediated => Some(Lacking::Unmediated),
        Req::Ioctl { cmd } => {
            if !has(Right::Ioctl) {
                return Some(Lacking::Right(Right::Ioctl));
            }
            let cmd = args[usize::from(cmd)] as u32;
            let listed = |list: &[Ioctl]| list.iter().any(|&i| ioctl_numbers(i).contains(&cmd));
            match limits.ioctls {
                Some(list) if !listed(list) => Some(Lacking::Command),
                _ => None,
            }
        }
        Req::Fcntl { cmd } => {
            let cmd = args[usize::from(cmd)] as u32;
            if FCNTL_DUP.contains(&cmd) {
                return Some(Lacking::Copy);
            }
            if cmd == libc::F_GETFD as u32 || cmd == libc::F_SETFD as u32 {
                return None;
            }
            if FCNTL_LOCKS.contains(&cmd) {
                return (!has(Right::Flock)).then_some(Lacking::Right(Right::Flock));
            }
            if let Some(rights) = fcntl_rights(cmd) {
                return rights
                    .iter()
                    .find(|r| !has(**r))
                    .map(|r| Lacking::Right(*r));
            }
            if !has(Right::Fcntl) {
                return Some(Lacking::Right(Right::Fcntl));
            }
            // Commands outside cap_fcntls_limit(2)'s four need `fcntl`
            // without a list.
            let listed = |list: &[Fcntl]| list.iter().any(|&f| fcntl_numbers(f).contains(&cmd));
            match limits.fcntls {
                Some(list) if !listed(list) => Some(Lacking::Command),
                _ => None,
            }
        }
    }
}

/// The answer to `row` with `args` in `ctx`, as the kernel computes it
/// across the stacked programs: capability mode first, then the rights,
/// then `ENOSYS`.
pub(crate) fn judge(row: &Syscall, args: &[u64; 6], ctx: &Context) -> Verdict {
    if !mode_allows(row, args, ctx) {
        return Verdict::Mode;
    }
    if let Some(d) = first_denial(row, args, ctx) {
        return Verdict::Rights(d);
    }
    match row.mode() {
        Mode::Enosys => Verdict::Enosys,
        _ => Verdict::Allow,
    }
}

impl Grants {
    /// Whether `grant` is given.
    pub(crate) fn has(&self, grant: Grant) -> bool {
        match grant {
            Grant::GlobalPaths => self.global_paths,
            Grant::Inet => self.inet,
            Grant::UnixConnect => self.unix_connect,
            Grant::SendDescriptors => self.send_descriptors,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// cap_rights_limit(2) narrows to any subset; the commands of a right
    /// the narrower set does not hold do not matter (cap_fcntls_limit(2)
    /// applies only with `CAP_FCNTL`).
    #[test]
    fn within_is_the_subset_of_rights_and_held_commands() {
        let of = |rights: &[Right], fcntls: Option<&'static [Fcntl]>| Limits {
            rights: RightSet::of(rights),
            ioctls: None,
            fcntls,
        };
        let socket = of(
            &[Right::Recv, Right::Send, Right::Fcntl],
            Some(&[Fcntl::Getfl]),
        );
        assert!(within(&of(&[Right::Recv], None), &socket));
        assert!(!within(&of(&[Right::Recv, Right::Fcntl], None), &socket));
        assert!(within(
            &of(&[Right::Recv, Right::Fcntl], Some(&[Fcntl::Getfl])),
            &socket
        ));
        assert!(!within(&of(&[Right::Accept], None), &socket));
    }

    /// The table's row of call `nr`.
    fn row(nr: i64) -> &'static Syscall {
        super::super::syscalls::TABLE
            .iter()
            .find(|r| i64::from(r.nr) == nr)
            .expect("a row")
    }

    /// kill(2), tkill(2), tgkill(2) and the sigqueueinfo calls with a
    /// positive target, once capability mode lets them through, go to a
    /// supervisor that tells thread groups; 0, -1 and groups never get
    /// there (capability mode refuses them), nor does pidfd_send_signal(2),
    /// whose target is a process descriptor (pdkill(2)).
    #[test]
    fn signals_to_an_id_go_to_a_supervisor_that_tells_thread_groups() {
        let ctx = super::super::seccomp::tests::ctx(&[]);
        let calls = [
            libc::SYS_kill,
            libc::SYS_tkill,
            libc::SYS_tgkill,
            libc::SYS_rt_sigqueueinfo,
            libc::SYS_rt_tgsigqueueinfo,
        ];
        for nr in calls {
            let r = row(nr);
            let to = |target: i32| [target as u32 as u64, 1, 10, 0, 0, 0];
            assert!(matches!(judge(r, &to(42), &ctx), Verdict::Allow));
            assert!(notifies(r.nr, &to(42), &ctx), "{nr}");
            let without = Context {
                own_signals: false,
                ..ctx
            };
            assert!(!notifies(r.nr, &to(42), &without), "{nr}");
            for refused in [0, -1, -42] {
                assert!(matches!(judge(r, &to(refused), &ctx), Verdict::Mode));
            }
        }
        let pidfd = row(libc::SYS_pidfd_send_signal);
        assert!(!notifies(pidfd.nr, &[3, 9, 0, 0, 0, 0], &ctx));
    }

    /// sendmsg(2) and sendmmsg(2) go to a supervisor, which reads the
    /// message (`supervise/sent.rs`); without one they are refused
    /// (capability mode's answer, fail closed); the broker, which sends
    /// descriptors with its own grant and has no supervisor, makes them
    /// itself.
    #[test]
    fn messages_go_to_a_supervisor_or_are_refused() {
        let ctx = super::super::seccomp::tests::ctx(&[]);
        let without = Context {
            notify: false,
            ..ctx
        };
        let broker = Context {
            notify: false,
            grants: Grants {
                send_descriptors: true,
                ..Grants::default()
            },
            ..ctx
        };
        let args = [5, 0x1000, 0, 0, 0, 0];
        for nr in [libc::SYS_sendmsg, libc::SYS_sendmmsg] {
            let r = row(nr);
            assert!(matches!(judge(r, &args, &ctx), Verdict::Allow), "{nr}");
            assert!(notifies(r.nr, &args, &ctx), "{nr}");
            assert!(matches!(judge(r, &args, &without), Verdict::Mode), "{nr}");
            assert!(!notifies(r.nr, &args, &without), "{nr}");
            assert!(matches!(judge(r, &args, &broker), Verdict::Allow), "{nr}");
            assert!(!notifies(r.nr, &args, &broker), "{nr}");
        }
    }

    /// sched_setaffinity(2) and sched_getaffinity(2): 0 (the calling
    /// thread) is allowed and never sent; a positive id goes to a
    /// supervisor that tells the caller's own (cpuset_check_capabilities:
    /// the calling thread or process only), and without one it is refused
    /// (fail closed); a negative id never gets there.
    #[test]
    fn affinity_by_id_goes_to_a_supervisor_that_tells_thread_groups() {
        let ctx = super::super::seccomp::tests::ctx(&[]);
        let without = Context {
            own_signals: false,
            ..ctx
        };
        for nr in [libc::SYS_sched_setaffinity, libc::SYS_sched_getaffinity] {
            let r = row(nr);
            let of = |id: i32| [id as u32 as u64, 128, 0x1000, 0, 0, 0];
            assert!(matches!(judge(r, &of(0), &ctx), Verdict::Allow));
            assert!(!notifies(r.nr, &of(0), &ctx), "{nr}");
            assert!(matches!(judge(r, &of(42), &ctx), Verdict::Allow));
            assert!(notifies(r.nr, &of(42), &ctx), "{nr}");
            assert!(matches!(judge(r, &of(0), &without), Verdict::Allow));
            assert!(matches!(judge(r, &of(42), &without), Verdict::Mode));
            assert!(matches!(judge(r, &of(-1), &ctx), Verdict::Mode));
        }
    }
}
