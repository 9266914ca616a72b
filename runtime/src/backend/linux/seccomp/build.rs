//! The rules of each system call, built from its row of the table for one
//! process: capability mode's alternatives, the per-descriptor rights'
//! denials, `ENOSYS`, and dry-run's trap of lookups beneath directories.
//! The compiler (`bpf/`) makes them one program.

use crate::rights::{Fcntl, Ioctl, Limits, Right, RightSet};

use super::super::judge::{self, Context, Supervised, Target};
use super::super::rules::{Allow, Cond, Mode, Need, Outside, Req, Shape, Syscall, Test};
use super::super::syscalls::{SHAPES, TABLE};
use super::bpf::{Arena, Call, Check, Op, Span};
use super::consts::{
    fcntl_numbers, ioctl_numbers, FCNTL_DUP, FCNTL_LOCKS, FCNTL_RIGHTS, INODE_IOCTLS,
};
use super::FdClass;

/// In how many ways a condition can hold.
fn count(cond: &Cond) -> usize {
    match cond.test {
        Test::OneOf(vs) | Test::WideOneOf(vs) => vs.len(),
        Test::MaskedOneOf { values, .. } => values.len(),
        // Some bit in either half.
        Test::NonNull => 2,
        _ => 1,
    }
}

/// The checks (all must hold) of the `i`th way a condition holds. A
/// 64-bit test is two 32-bit ones, of either half of the argument
/// (seccomp_data holds each argument as two words).
fn alternative(cond: &Cond, i: usize) -> ([Check; 2], usize) {
    let one = |c: Check| ([c, c], 1);
    let narrow = |op, value: u32| Check::narrow(cond.arg, op, value);
    let upper = |op, value: u32| Check::upper(cond.arg, op, value);
    match cond.test {
        Test::Eq(v) => one(narrow(Op::Eq, v)),
        Test::Ne(v) => one(narrow(Op::Ne, v)),
        Test::OneOf(vs) => one(narrow(Op::Eq, vs[i])),
        Test::Masked { mask, value } => one(narrow(Op::MaskedEq(mask), value)),
        Test::MaskedOneOf { mask, values } => one(narrow(Op::MaskedEq(mask), values[i])),
        Test::WideOneOf(vs) => ([narrow(Op::Eq, vs[i]), upper(Op::Eq, 0)], 2),
        Test::Null => ([narrow(Op::Eq, 0), upper(Op::Eq, 0)], 2),
        Test::NonNull if i == 0 => one(narrow(Op::Ne, 0)),
        Test::NonNull => one(upper(Op::Ne, 0)),
    }
}

/// Adds to the list being built in `arena` one clause per way `conds`
/// (all must hold) can hold, each `prefix`, the checks, then `extra`.
fn push_clauses(
    arena: &mut Arena,
    prefix: &[Check],
    conds: &[Cond],
    extra: impl Iterator<Item = Check> + Clone,
) {
    let ways: usize = conds.iter().map(count).product();
    for way in 0..ways {
        // Plain loops: the checks go straight into the arena (this runs
        // for every clause of every program, at entry).
        let start = arena.open();
        for &c in prefix {
            arena.check(c);
        }
        let mut rest = way;
        for cond in conds {
            let n = count(cond);
            let (checks, k) = alternative(cond, rest % n);
            rest /= n;
            for &c in &checks[..k] {
                arena.check(c);
            }
        }
        for c in extra.clone() {
            arena.check(c);
        }
        arena.close(start);
    }
}

/// Argument `arg` lies in `lo..=hi` (unsigned, low 32 bits).
fn within(arg: u8, lo: u32, hi: u32) -> ([Check; 2], usize) {
    let ge = Check::narrow(arg, Op::Ge, lo);
    let le = Check::narrow(arg, Op::Le, hi);
    match (lo, hi) {
        _ if lo == hi => ([Check::narrow(arg, Op::Eq, lo), le], 1),
        (0, u32::MAX) => ([ge, le], 0),
        (0, _) => ([le, ge], 1),
        (_, u32::MAX) => ([ge, le], 1),
        _ => ([ge, le], 2),
    }
}

/// The rules of every call of the table for `ctx`, their clauses in
/// `arena`; with `lookups`, the lookups beneath limited directories are
/// trapped (dry-run, where Landlock does not decide them). Rows with the
/// same alternatives or the same needs (`SELF`, `need(0, Read)`...) get
/// the same lists, built once.
pub(crate) fn calls(ctx: &Context, lookups: bool, arena: &mut Arena) -> Vec<Call> {
    calls_where(ctx, lookups, arena, |_| true)
}

/// [`calls`] of the rows whose number `keep` takes, alone.
pub(crate) fn calls_where(
    ctx: &Context,
    lookups: bool,
    arena: &mut Arena,
    keep: impl Fn(u32) -> bool,
) -> Vec<Call> {
    let stretches = stretches(ctx.classes);
    let has_pools = ctx.classes.iter().any(|c| c.pool && !c.inherited);
    let mut modes: Vec<(*const Allow, Option<Span>)> = Vec::with_capacity(64);
    let mut needs: Vec<(u64, &'static [Need], Span)> = Vec::with_capacity(64);
    // Sized once: the filter hides the length from `collect`, which would
    // grow the list eight times through fresh heap.
    let mut calls = Vec::with_capacity(SHAPES.len());
    calls.extend(
        SHAPES
            .iter()
            .zip(&TABLE)
            .filter(|(&(nr, _), _)| keep(nr))
            .map(|(&(nr, shape), row)| {
                let traps_close = has_pools && closes(row.nr);
                // Dry-run enforces nothing: it traps lookups instead.
                let notify = !lookups && judge::supervised(row.nr).is_some_and(|s| s.sent(ctx));
                if shape != Shape::Rules && !lookups && !traps_close && !notify {
                    // Answered whatever the arguments: the row is not read.
                    return Call {
                        nr,
                        mode: (shape == Shape::Deny).then(Span::default),
                        compat: shape == Shape::Enosys,
                        ..Call::default()
                    };
                }
                let mode = match row.mode() {
                    Mode::AllowIf(alternatives) => {
                        let at = alternatives.as_ptr();
                        match modes.iter().find(|(p, _)| *p == at) {
                            Some(&(_, list)) => list,
                            None => {
                                let list = allow_if(alternatives, ctx, arena);
                                modes.push((at, list));
                                list
                            }
                        }
                    }
                    // Enosys calls pass here and answer ENOSYS in the end.
                    Mode::Allow | Mode::Enosys => None,
                    Mode::Deny => Some(Span::default()),
                };
                let key = needs_key(row.needs());
                let rights = match needs
                    .iter()
                    .find(|(k, n, _)| *k == key && *n == row.needs())
                {
                    Some(&(_, _, list)) => list,
                    None => {
                        let list = rights(row, &stretches, ctx, arena);
                        needs.push((key, row.needs(), list));
                        list
                    }
                };
                Call {
                    nr: row.nr,
                    mode,
                    rights,
                    lookups: if notify {
                        supervised(row, ctx, arena)
                    } else if traps_close {
                        pool_closes(row, ctx.classes, arena)
                    } else if lookups {
                        lookup(row, ctx.classes, arena)
                    } else {
                        Span::default()
                    },
                    notify,
                    compat: matches!(row.mode(), Mode::Enosys),
                }
            }),
    );
    calls
}

/// A cheap summary of `needs`: different ones almost always differ in it.
fn needs_key(needs: &[Need]) -> u64 {
    needs.iter().fold(needs.len() as u64, |h, n| {
        let req = match n.req {
            Req::Right(r) => r.set().bits() as u64 ^ (r.set().bits() >> 64) as u64,
            Req::Never => 1,
            Req::Unmediated => 2,
            Req::Onto => 3,
            Req::Into { onto } => 4 | u64::from(onto) << 8,
            Req::Ioctl { cmd } => 5 | u64::from(cmd) << 8,
            Req::Fcntl { cmd } => 6 | u64::from(cmd) << 8,
        };
        let outside = match n.outside {
            Outside::Free => 0,
            Outside::Denied => 1,
            Outside::Places(access) => 2 ^ access.rotate_left(3),
        };
        let fd = n.fd.map_or(0xff, u64::from);
        let parts = fd | (n.access as u64) << 8;
        (h.rotate_left(7) ^ req ^ parts << 48 ^ outside << 16 ^ (n.when.len() as u64) << 40)
            .wrapping_mul(0x0100_0000_01b3)
    })
}

/// Capability mode's `alternatives` in `ctx` (`None`: always allowed).
fn allow_if(alternatives: &[Allow], ctx: &Context, arena: &mut Arena) -> Option<Span> {
    let start = arena.begin();
    for alt in alternatives.iter().filter(|a| ctx.open(a.gate)) {
        if alt.when.is_empty() {
            arena.discard(start);
            return None;
        }
        push_clauses(arena, &[], alt.when, std::iter::empty());
    }
    Some(arena.end(start))
}

/// Dry-run: `row`'s lookups beneath the limited directories (classes with
/// `lookup`), which Landlock decides when enforcing.
fn lookup(row: &Syscall, classes: &[FdClass], arena: &mut Arena) -> Span {
    let start = arena.begin();
    if row.looks_up_beneath() {
        for (dirfd, _) in row.lookups() {
            for c in classes
                .iter()
                .filter(|c| c.limits.rights.allows(Right::Lookup))
            {
                let (range, n) = within(dirfd as u8, c.lo, c.hi);
                arena.clause(range[..n].iter().copied());
            }
        }
    }
    arena.end(start)
}

/// When `row`'s call goes to the supervisor (`judge::notifies`):
/// utimensat(2) with a path that is not `NULL` (either half of the
/// pointer); the lookups, the walked calls, the other path forms of
/// chmod, chown and utimes, the changes of credentials and the signals to
/// a process or thread id (once capability mode has let them through)
/// always; sched_setaffinity(2) and sched_getaffinity(2) naming a thread
/// other than 0; dup(2), fcntl(2) `F_DUPFD` and `F_DUPFD_CLOEXEC` of a
/// copied class's descriptor; mprotect(2) and pkey_mprotect(2) adding
/// `PROT_EXEC`, or `PROT_WRITE` where `judge::writes_judged`; sendmsg(2)
/// and sendmmsg(2) always (once capability mode, open where a supervisor
/// is, has let them through); fchmod(2), fchown(2), fsetxattr(2),
/// fremovexattr(2) and futimens(3) through a pool whose right for it the
/// supervisor checks;
/// every fsetxattr(2) and fremovexattr(2) where a descriptor may hold the
/// attribute's right without the ACL's (`judge::acl_unheld`).
fn supervised(row: &Syscall, ctx: &Context, arena: &mut Arena) -> Span {
    let classes = ctx.classes;
    let start = arena.begin();
    match judge::supervised(row.nr) {
        Some(Supervised::Copied) => {
            for c in classes.iter().filter(|c| c.copied) {
                let (range, n) = within(0, c.lo, c.hi);
                if i64::from(row.nr) == libc::SYS_fcntl {
                    for &cmd in FCNTL_DUP {
                        let eq = Check::narrow(1, Op::Eq, cmd);
                        arena.clause(range[..n].iter().copied().chain([eq]));
                    }
                } else {
                    arena.clause(range[..n].iter().copied());
                }
            }
        }
        Some(Supervised::Attributes { .. }) if i64::from(row.nr) == libc::SYS_utimensat => {
            arena.clause([Check::narrow(1, Op::Ne, 0)]);
            arena.clause([Check::upper(1, Op::Ne, 0)]);
            // futimens(3) through a pool whose `futimes` it checks.
            for (lo, hi) in checked_ranges(classes, Right::Futimes) {
                let (range, n) = within(0, lo, hi);
                arena.clause(range[..n].iter().copied());
            }
        }
        // Every attribute change where a descriptor may hold its right
        // without the ACL's: the supervisor reads the name.
        Some(Supervised::Changed) if judge::acl_unheld(row.nr, ctx) => arena.clause([]),
        Some(Supervised::Changed) => {
            if let Some(right) = judge::changed_right(row.nr) {
                for (lo, hi) in checked_ranges(classes, right) {
                    let (range, n) = within(0, lo, hi);
                    if i64::from(row.nr) == libc::SYS_ioctl {
                        // The inode-flag setters alone.
                        for &cmd in INODE_IOCTLS {
                            let eq = Check::narrow(1, Op::Eq, cmd);
                            arena.clause(range[..n].iter().copied().chain([eq]));
                        }
                    } else {
                        arena.clause(range[..n].iter().copied());
                    }
                }
            }
        }
        Some(Supervised::OwnProcess {
            target: Target::OwnThread,
        }) => arena.clause([Check::narrow(0, Op::Ne, 0)]),
        Some(Supervised::Protection) => {
            let exec = libc::PROT_EXEC as u32;
            arena.clause([Check::narrow(2, Op::MaskedEq(exec), exec)]);
            if judge::writes_judged(ctx) {
                let write = libc::PROT_WRITE as u32;
                arena.clause([Check::narrow(2, Op::MaskedEq(write), write)]);
            }
        }
        Some(_) => arena.clause([]),
        None => {}
    }
    arena.end(start)
}

/// The numbers of the classes whose `right` the supervisor checks
/// ([`FdClass::checked`]), adjacent classes merged into one range (the
/// pools lie side by side: one check for all of them).
fn checked_ranges(classes: &[FdClass], right: Right) -> Vec<(u32, u32)> {
    let mut ranges: Vec<(u32, u32)> = classes
        .iter()
        .filter(|c| c.checked.allows(right))
        .map(|c| (c.lo, c.hi))
        .collect();
    ranges.sort_unstable();
    let mut merged: Vec<(u32, u32)> = Vec::with_capacity(ranges.len());
    for (lo, hi) in ranges {
        match merged.last_mut() {
            Some(last) if lo <= last.1.saturating_add(1) => last.1 = last.1.max(hi),
            _ => merged.push((lo, hi)),
        }
    }
    merged
}

/// Whether call `nr` is close(2) or close_range(2).
fn closes(nr: u32) -> bool {
    matches!(i64::from(nr), libc::SYS_close | libc::SYS_close_range)
}

/// The closes of pool numbers, trapped for the handler to put the
/// placeholder back (`judge::closes_pool`): close(2) of a pool number,
/// close_range(2) of a range meeting a pool without `CLOSE_RANGE_CLOEXEC`.
fn pool_closes(row: &Syscall, classes: &[FdClass], arena: &mut Arena) -> Span {
    let start = arena.begin();
    for c in classes.iter().filter(|c| c.pool && !c.inherited) {
        if i64::from(row.nr) == libc::SYS_close {
            let (range, n) = within(0, c.lo, c.hi);
            arena.clause(range[..n].iter().copied());
        } else {
            let cloexec = libc::CLOSE_RANGE_CLOEXEC;
            arena.clause([
                Check::narrow(0, Op::Le, c.hi),
                Check::narrow(1, Op::Ge, c.lo),
                Check::narrow(2, Op::MaskedEq(cloexec), 0),
            ]);
        }
    }
    arena.end(start)
}

/// What one stretch of descriptor numbers does with one need.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Verdict {
    /// Allowed (or left to the kernel's own answer).
    Allow,
    /// Denied whatever the command.
    Deny,
    /// Denied anyway by another need: either way.
    Either,
    /// Denied for some commands.
    When(Commands),
}

/// The commands (or copies) a descriptor's limits deny.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Commands {
    /// An ioctl command off `list` (one clause: none of its numbers).
    IoctlOff { cmd: u8, list: &'static [Ioctl] },
    /// The fcntl(2) copies, the locks unless `locks`, and the commands
    /// with rights of their own that `rights` lacks (one clause per
    /// command).
    FcntlCopies {
        cmd: u8,
        locks: bool,
        rights: RightSet,
        /// The copies are the supervisor's (a copied class): not denied.
        copies: bool,
    },
    /// An fcntl(2) command other than `F_GETFD`/`F_SETFD`, the locks with
    /// `locks`, the commands with rights of their own that `rights` holds,
    /// and `fcntls` (one clause: none of them).
    FcntlOff {
        cmd: u8,
        locks: bool,
        fcntls: &'static [Fcntl],
        rights: RightSet,
        /// The copies are the supervisor's (a copied class): allowed.
        copies: bool,
    },
    /// A copy onto a number outside the pools within `limits` (one
    /// clause per stretch of numbers outside them).
    Into { onto: u8, limits: Limits },
}

/// The fcntl(2) commands with rights of their own whose rights `rights`
/// holds (`held`) or lacks.
fn own_commands(rights: RightSet, held: bool) -> impl Iterator<Item = u32> + Clone {
    FCNTL_RIGHTS
        .iter()
        .filter(move |(_, needed)| needed.iter().all(|r| rights.allows(*r)) == held)
        .map(|(c, _)| *c)
}

impl Commands {
    /// Adds its clauses, each `prefix`, the ways of `when`, then its
    /// checks; `classes` for the pools.
    fn push(self, arena: &mut Arena, prefix: &[Check], when: &[Cond], classes: &[FdClass]) {
        let ne = |cmd: u8| move |n: u32| Check::narrow(cmd, Op::Ne, n);
        match self {
            Commands::IoctlOff { cmd, list } => {
                let numbers = list.iter().flat_map(|&i| ioctl_numbers(i)).copied();
                push_clauses(arena, prefix, when, numbers.map(ne(cmd)));
            }
            Commands::FcntlCopies {
                cmd,
                locks,
                rights,
                copies,
            } => {
                let locks: &[u32] = if locks { &[] } else { FCNTL_LOCKS };
                let dup: &[u32] = if copies { &[] } else { FCNTL_DUP };
                let denied = dup.iter().chain(locks).copied();
                for c in denied.chain(own_commands(rights, false)) {
                    let eq = Check::narrow(cmd, Op::Eq, c);
                    push_clauses(arena, prefix, when, std::iter::once(eq));
                }
            }
            Commands::FcntlOff {
                cmd,
                locks,
                fcntls,
                rights,
                copies,
            } => {
                let always = [libc::F_GETFD as u32, libc::F_SETFD as u32];
                let locks: &[u32] = if locks { FCNTL_LOCKS } else { &[] };
                let dup: &[u32] = if copies { FCNTL_DUP } else { &[] };
                let listed = fcntls.iter().flat_map(|&f| fcntl_numbers(f));
                let allowed = always
                    .iter()
                    .chain(dup)
                    .chain(locks)
                    .chain(listed)
                    .copied()
                    .chain(own_commands(rights, true));
                push_clauses(arena, prefix, when, allowed.map(ne(cmd)));
            }
            Commands::Into { onto, limits } => {
                let mut pools: Vec<(u32, u32)> = classes
                    .iter()
                    .filter(|p| p.pool && judge::within(&p.limits, &limits))
                    .map(|p| (p.lo, p.hi))
                    .collect();
                pools.sort_unstable();
                let mut next = Some(0u32);
                let gap = |arena: &mut Arena, lo: u32, hi: u32| {
                    let (range, n) = within(onto, lo, hi);
                    push_clauses(arena, prefix, when, range[..n].iter().copied());
                };
                for (lo, hi) in pools {
                    if let Some(n) = next.filter(|&n| n < lo) {
                        gap(arena, n, lo - 1);
                    }
                    next = hi.checked_add(1);
                }
                if let Some(n) = next {
                    gap(arena, n, u32::MAX);
                }
            }
        }
    }
}

/// The descriptor numbers in stretches: each class, and the numbers
/// outside every class (`None`), covering `0..=u32::MAX` in order.
fn stretches(classes: &[FdClass]) -> Vec<(u32, u32, Option<&FdClass>)> {
    let mut sorted: Vec<&FdClass> = classes.iter().collect();
    sorted.sort_unstable_by_key(|c| c.lo);
    let mut out = Vec::with_capacity(2 * sorted.len() + 1);
    let mut next = Some(0u32);
    for c in sorted {
        if let Some(n) = next {
            if n < c.lo {
                out.push((n, c.lo - 1, None));
            }
        }
        out.push((c.lo, c.hi, Some(c)));
        next = c.hi.checked_add(1);
    }
    if let Some(n) = next {
        out.push((n, u32::MAX, None));
    }
    out
}

/// Whether `limits` deny `req` whatever the command.
fn denies_outright(req: Req, limits: &Limits) -> bool {
    let has = |r: Right| limits.rights.allows(r);
    match req {
        Req::Right(r) => !has(r),
        Req::Never | Req::Unmediated => true,
        // They depend on the class (`class_verdict`).
        Req::Into { .. } | Req::Onto => false,
        Req::Ioctl { .. } => {
            !has(Right::Ioctl)
                || limits
                    .ioctls
                    .is_some_and(|l| l.iter().all(|&i| ioctl_numbers(i).is_empty()))
        }
        Req::Fcntl { .. } => false,
    }
}

/// What `limits` do with `req`.
fn verdict(req: Req, limits: &Limits) -> Verdict {
    if denies_outright(req, limits) {
        return Verdict::Deny;
    }
    let has = |r: Right| limits.rights.allows(r);
    match req {
        Req::Right(_) | Req::Never | Req::Unmediated => Verdict::Allow,
        // Judged with the class (`class_verdict`); never without one.
        Req::Into { .. } | Req::Onto => Verdict::Deny,
        Req::Ioctl { cmd } => match limits.ioctls {
            None => Verdict::Allow,
            Some(list) => Verdict::When(Commands::IoctlOff { cmd, list }),
        },
        Req::Fcntl { cmd } => {
            let (locks, rights) = (has(Right::Flock), limits.rights);
            Verdict::When(match (has(Right::Fcntl), limits.fcntls) {
                // Every command but copies (and locks without `flock`,
                // and those whose own rights are missing).
                (true, None) => Commands::FcntlCopies {
                    cmd,
                    locks,
                    rights,
                    copies: false,
                },
                // F_GETFD/F_SETFD always; locks with `flock`; commands
                // with rights of their own with them; the rest with
                // `fcntl`, narrowed by `fcntls(...)`.
                (true, Some(fcntls)) => Commands::FcntlOff {
                    cmd,
                    locks,
                    fcntls,
                    rights,
                    copies: false,
                },
                (false, _) => Commands::FcntlOff {
                    cmd,
                    locks,
                    fcntls: &[],
                    rights,
                    copies: false,
                },
            })
        }
    }
}

/// What `class` does with `req`: copies onto and into pools need the
/// class itself and the others; the rest its limits.
fn class_verdict(req: Req, class: &FdClass, classes: &[FdClass]) -> Verdict {
    match req {
        // Copies go to the supervisor (`judge::Supervised::Copied`).
        Req::Never if class.copied => Verdict::Allow,
        Req::Fcntl { .. } if class.copied => match verdict(req, &class.limits) {
            Verdict::When(Commands::FcntlCopies {
                cmd, locks, rights, ..
            }) => Verdict::When(Commands::FcntlCopies {
                cmd,
                locks,
                rights,
                copies: true,
            }),
            Verdict::When(Commands::FcntlOff {
                cmd,
                locks,
                fcntls,
                rights,
                ..
            }) => Verdict::When(Commands::FcntlOff {
                cmd,
                locks,
                fcntls,
                rights,
                copies: true,
            }),
            other => other,
        },
        Req::Onto if class.pool => Verdict::Allow,
        Req::Onto => Verdict::Deny,
        Req::Into { onto } => {
            // Denied unless the number copied onto lies in a pool within
            // the class's limits.
            if classes
                .iter()
                .any(|p| p.pool && judge::within(&p.limits, &class.limits))
            {
                Verdict::When(Commands::Into {
                    onto,
                    limits: class.limits,
                })
            } else {
                // Denied outright: lets the stretch merge with its
                // neighbours (one range check for many classes).
                Verdict::Deny
            }
        }
        req => verdict(req, &class.limits),
    }
}

/// Whether `need` applies to `class` at all (read/write left to the
/// kernel's `EBADF` on descriptors whose access mode refuses them).
fn applies(need: &Need, class: &FdClass) -> bool {
    use super::super::rules::Access;
    match need.access {
        Access::Any => true,
        Access::Read => class.reads,
        Access::Write => class.writes,
    }
}

/// `row`'s needs for the classes of `stretches`: the denials (`EACCES`)
/// alone.
fn rights(
    row: &Syscall,
    stretches: &[(u32, u32, Option<&FdClass>)],
    ctx: &Context,
    arena: &mut Arena,
) -> Span {
    let start = arena.begin();
    let needs = || row.needs().iter().filter(|n| judge::in_force(n, ctx));
    for need in needs() {
        let Some(arg) = need.fd else {
            push_clauses(arena, &[], need.when, std::iter::empty());
            continue;
        };
        // Classes another need of the same argument denies outright under
        // fewer conditions (a subset of this one's): this need may include
        // them or not.
        let subsumes = |n: &Need| {
            !std::ptr::eq(n, need)
                && n.fd == Some(arg)
                && n.when.iter().all(|c| need.when.contains(c))
        };
        let settled = |class: &FdClass| {
            !need.when.is_empty()
                && needs().any(|n| {
                    subsumes(n) && applies(n, class) && denies_outright(n.req, &class.limits)
                })
        };
        // The denied stretches as ranges: adjacent stretches with the same
        // denial merge, also through `Either` ones, which a range may
        // cover or not.
        let mut run: Option<(u32, u32, Option<Commands>)> = None;
        let deny = |arena: &mut Arena, (lo, hi, commands): (u32, u32, Option<Commands>)| {
            let (range, n) = within(arg, lo, hi);
            match commands {
                None => push_clauses(arena, &range[..n], need.when, std::iter::empty()),
                Some(commands) => commands.push(arena, &range[..n], need.when, ctx.classes),
            }
        };
        // The numbers outside every class: one verdict for all of them.
        let outside = match need.outside {
            Outside::Free => Verdict::Allow,
            Outside::Denied => Verdict::Deny,
            // What every directory where the call could act holds.
            Outside::Places(access) => {
                if ctx
                    .places(access)
                    .any(|c| verdict(need.req, &c.limits) != Verdict::Allow)
                {
                    Verdict::Deny
                } else {
                    Verdict::Allow
                }
            }
        };
        for &(lo, hi, class) in stretches {
            let v = match class {
                Some(c) if !applies(need, c) => Verdict::Allow,
                Some(c) if settled(c) => Verdict::Either,
                Some(c) => class_verdict(need.req, c, ctx.classes),
                None => outside,
            };
            let denial = match v {
                Verdict::Deny => None,
                Verdict::When(commands) => Some(commands),
                Verdict::Either => {
                    if let Some(r) = &mut run {
                        r.1 = hi;
                    }
                    continue;
                }
                Verdict::Allow => {
                    if let Some(r) = run.take() {
                        deny(arena, r);
                    }
                    continue;
                }
            };
            match &mut run {
                Some(r) if r.2 == denial => r.1 = hi,
                _ => {
                    if let Some(r) = run.replace((lo, hi, denial)) {
                        deny(arena, r);
                    }
                }
            }
        }
        if let Some(r) = run {
            deny(arena, r);
        }
    }
    // An empty clause (denied whatever the arguments) stays alone.
    arena.end(start)
}
