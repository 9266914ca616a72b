//! How one call is judged by its row of the system-call table: the
//! reference semantics that the seccomp programs compile (`seccomp/`) and
//! that the `SANDBOXED_TRACE` explainer reads (`trace/explain.rs`). A test
//! runs the compiled programs in a BPF interpreter against [`judge`]
//! (`seccomp/tests.rs`).

use crate::rights::{Fcntl, Ioctl, Limits, Right, RightSet};

use super::rules::{Access, Gate, Grant, Mode, Need, Outside, Req, Syscall};
use super::seccomp::consts::{fcntl_numbers, ioctl_numbers, FCNTL_DUP, FCNTL_LOCKS};
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
        }
    }

    /// The class of descriptor `fd` (its low 32 bits, as the kernel reads
    /// an `int`).
    pub(crate) fn class_of(&self, fd: u64) -> Option<&FdClass> {
        let fd = fd as u32;
        self.classes.iter().find(|c| (c.lo..=c.hi).contains(&fd))
    }

    /// The union of the directories' rights (classes with `lookup`): what
    /// descriptors outside every class get for [`Outside::Dirs`].
    pub(crate) fn dirs(&self) -> RightSet {
        dirs_rights(self.classes)
    }
}

/// The union of the rights of the classes with `lookup`.
pub(crate) fn dirs_rights(classes: &[FdClass]) -> RightSet {
    classes
        .iter()
        .filter(|c| c.limits.rights.allows(Right::Lookup))
        .fold(RightSet::EMPTY, |u, c| u.union(c.limits.rights))
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
    match row.mode {
        Mode::Allow | Mode::Enosys => true,
        Mode::Deny => false,
        Mode::AllowIf(alternatives) => alternatives
            .iter()
            .any(|a| ctx.open(a.gate) && a.when.iter().all(|c| c.holds(args))),
    }
}

/// The first need of `row` that `args` fail in `ctx`.
pub(crate) fn first_denial(row: &Syscall, args: &[u64; 6], ctx: &Context) -> Option<Denial> {
    row.needs.iter().find_map(|need| denial(need, args, ctx))
}

/// Whether `need` fails for `args` in `ctx`, and how.
pub(crate) fn denial(need: &Need, args: &[u64; 6], ctx: &Context) -> Option<Denial> {
    if !need.when.iter().all(|c| c.holds(args)) {
        return None;
    }
    let Some(arg) = need.fd else {
        let lacking = match need.req {
            Req::Right(r) => Lacking::Right(r),
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
            lacks(need.req, &class.limits, args).and_then(found)
        }
        None => match (need.outside, need.req) {
            (Outside::Free, _) => None,
            (Outside::Denied, Req::Right(r)) => found(Lacking::Right(r)),
            (Outside::Denied, _) => found(Lacking::Copy),
            (Outside::Dirs, req) => {
                let union = Limits {
                    rights: ctx.dirs(),
                    ..Limits::default()
                };
                lacks(req, &union, args).and_then(found)
            }
        },
    }
}

/// What `limits` lack for `req` with `args`, if anything.
fn lacks(req: Req, limits: &Limits, args: &[u64; 6]) -> Option<Lacking> {
    let has = |r: Right| limits.rights.allows(r);
    match req {
        Req::Right(r) => (!has(r)).then_some(Lacking::Right(r)),
        Req::Never => Some(Lacking::Copy),
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
    match row.mode {
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
