//! The rules of each system call, built from its row of the table for one
//! process: capability mode's alternatives, the per-descriptor rights'
//! denials, `ENOSYS`, and dry-run's trap of lookups beneath directories.
//! The compiler (`bpf.rs`) makes them one program.

use crate::rights::{Fcntl, Limits, Right};

use super::super::judge::{self, Context};
use super::super::rules::{Cond, Mode, Need, Outside, Req, Shape, Syscall, Test};
use super::super::syscalls::{SHAPES, TABLE};
use super::bpf::{normalize, Call, Check, Clause, Op};
use super::consts::{fcntl_numbers, ioctl_numbers, FCNTL_DUP, FCNTL_LOCKS, FCNTL_RIGHTS};
use super::FdClass;

/// How many single checks a condition is one of.
fn count(cond: &Cond) -> usize {
    match cond.test {
        Test::OneOf(vs) | Test::WideOneOf(vs) => vs.len(),
        Test::MaskedOneOf { values, .. } => values.len(),
        _ => 1,
    }
}

/// The `i`th of the single checks a condition is one of.
fn alternative(cond: &Cond, i: usize) -> Check {
    let narrow = |op, value: u32| Check::narrow(cond.arg, op, value);
    let wide = |op| Check {
        arg: cond.arg,
        wide: true,
        op,
        value: 0,
    };
    match cond.test {
        Test::Eq(v) => narrow(Op::Eq, v),
        Test::Ne(v) => narrow(Op::Ne, v),
        Test::OneOf(vs) => narrow(Op::Eq, vs[i]),
        Test::Masked { mask, value } => narrow(Op::MaskedEq(mask), value),
        Test::MaskedOneOf { mask, values } => narrow(Op::MaskedEq(mask), values[i]),
        Test::WideOneOf(vs) => Check {
            value: vs[i].into(),
            ..wide(Op::Eq)
        },
        Test::Null => wide(Op::Eq),
        Test::NonNull => wide(Op::Ne),
    }
}

/// Pushes to `out` one clause per way `conds` (all must hold) can hold,
/// each `prefix`, the checks, then `extra`.
fn push_clauses(out: &mut Vec<Clause>, prefix: &[Check], conds: &[Cond], extra: &[Check]) {
    let ways: usize = conds.iter().map(count).product();
    for mut way in 0..ways {
        let mut clause = Vec::with_capacity(prefix.len() + conds.len() + extra.len());
        clause.extend_from_slice(prefix);
        for cond in conds {
            let n = count(cond);
            clause.push(alternative(cond, way % n));
            way /= n;
        }
        clause.extend_from_slice(extra);
        out.push(clause);
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

/// The rules of every call of the table for `ctx`; with `lookups`, the
/// lookups beneath limited directories are trapped (dry-run, where
/// Landlock does not decide them).
pub(crate) fn calls(ctx: &Context, lookups: bool) -> Vec<Call> {
    let stretches = stretches(ctx.classes);
    SHAPES
        .iter()
        .zip(TABLE)
        .map(|(&(nr, shape), row)| {
            if shape != Shape::Rules && !lookups {
                // Answered whatever the arguments: the row is not read.
                return Call {
                    nr,
                    mode: (shape == Shape::Deny).then(Vec::new),
                    compat: shape == Shape::Enosys,
                    ..Call::default()
                };
            }
            let mut call = Call {
                nr: row.nr,
                mode: mode(row, ctx),
                rights: rights(row, &stretches, ctx),
                lookups: if lookups {
                    lookup(row, ctx.classes)
                } else {
                    Vec::new()
                },
                compat: matches!(row.mode, Mode::Enosys),
            };
            if let Some(mode) = &mut call.mode {
                normalize(mode);
            }
            normalize(&mut call.rights);
            normalize(&mut call.lookups);
            call
        })
        .collect()
}

/// Capability mode's alternatives for `row` (`None`: always allowed).
fn mode(row: &Syscall, ctx: &Context) -> Option<Vec<Clause>> {
    match row.mode {
        // Enosys calls pass here and answer ENOSYS in the end.
        Mode::Allow | Mode::Enosys => None,
        Mode::Deny => Some(Vec::new()),
        Mode::AllowIf(alternatives) => {
            let mut out = Vec::new();
            for alt in alternatives.iter().filter(|a| ctx.open(a.gate)) {
                if alt.when.is_empty() {
                    return None;
                }
                push_clauses(&mut out, &[], alt.when, &[]);
            }
            Some(out)
        }
    }
}

/// Dry-run: `row`'s lookups beneath the limited directories (classes with
/// `lookup`), which Landlock decides when enforcing.
fn lookup(row: &Syscall, classes: &[FdClass]) -> Vec<Clause> {
    if !row.looks_up_beneath() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (dirfd, _) in row.lookups() {
        for c in classes
            .iter()
            .filter(|c| c.limits.rights.allows(Right::Lookup))
        {
            let (range, n) = within(dirfd as u8, c.lo, c.hi);
            out.push(range[..n].to_vec());
        }
    }
    out
}

/// What one stretch of descriptor numbers does with one need.
#[derive(Clone, Debug, PartialEq)]
enum Verdict {
    /// Allowed (or left to the kernel's own answer).
    Allow,
    /// Denied whatever the command.
    Deny,
    /// Denied anyway by another need: either way.
    Either,
    /// Denied when one of these clauses holds.
    When(Vec<Clause>),
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
            Some(list) => Verdict::When(vec![list
                .iter()
                .flat_map(|&i| ioctl_numbers(i).iter())
                .map(|&n| Check::narrow(cmd, Op::Ne, n))
                .collect()]),
        },
        Req::Fcntl { cmd } => {
            let locks = has(Right::Flock);
            // Commands with rights of their own, held or not.
            let own = |held: bool| {
                FCNTL_RIGHTS
                    .iter()
                    .filter(move |(_, rights)| rights.iter().all(|r| has(*r)) == held)
                    .map(|(c, _)| *c)
            };
            if has(Right::Fcntl) && limits.fcntls.is_none() {
                // Every command but copies (and locks without `flock`, and
                // those whose own rights are missing).
                let locks: &[u32] = if locks { &[] } else { FCNTL_LOCKS };
                return Verdict::When(
                    FCNTL_DUP
                        .iter()
                        .chain(locks)
                        .copied()
                        .chain(own(false))
                        .map(|c| vec![Check::narrow(cmd, Op::Eq, c)])
                        .collect(),
                );
            }
            // F_GETFD/F_SETFD always; locks with `flock`; commands with
            // rights of their own with them; the rest with `fcntl`,
            // narrowed by `fcntls(...)`.
            let mut allowed = vec![libc::F_GETFD as u32, libc::F_SETFD as u32];
            allowed.extend(own(true));
            if locks {
                allowed.extend_from_slice(FCNTL_LOCKS);
            }
            if has(Right::Fcntl) {
                for &f in limits.fcntls.unwrap_or(Fcntl::ALL) {
                    allowed.extend_from_slice(fcntl_numbers(f));
                }
            }
            Verdict::When(vec![allowed
                .into_iter()
                .map(|c| Check::narrow(cmd, Op::Ne, c))
                .collect()])
        }
    }
}

/// What `class` does with `req`: copies onto and into pools need the
/// class itself and the others; the rest its limits.
fn class_verdict(req: Req, class: &FdClass, classes: &[FdClass]) -> Verdict {
    match req {
        Req::Onto if class.pool => Verdict::Allow,
        Req::Onto => Verdict::Deny,
        Req::Into { onto } => {
            // Denied unless the number copied onto lies in a pool within
            // the class's limits: one clause per stretch of numbers
            // outside those pools.
            let mut pools: Vec<(u32, u32)> = classes
                .iter()
                .filter(|p| p.pool && judge::within(&p.limits, &class.limits))
                .map(|p| (p.lo, p.hi))
                .collect();
            if pools.is_empty() {
                // Denied outright: lets the stretch merge with its
                // neighbours (one range check for many classes).
                return Verdict::Deny;
            }
            pools.sort_unstable();
            let mut gaps = Vec::new();
            let mut next = Some(0u32);
            for (lo, hi) in pools {
                if let Some(n) = next {
                    if n < lo {
                        gaps.push((n, lo - 1));
                    }
                }
                next = hi.checked_add(1);
            }
            if let Some(n) = next {
                gaps.push((n, u32::MAX));
            }
            Verdict::When(
                gaps.into_iter()
                    .map(|(a, b)| {
                        let (range, n) = within(onto, a, b);
                        range[..n].to_vec()
                    })
                    .collect(),
            )
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
fn rights(row: &Syscall, stretches: &[(u32, u32, Option<&FdClass>)], ctx: &Context) -> Vec<Clause> {
    let mut out = Vec::new();
    for need in row.needs {
        let Some(arg) = need.fd else {
            push_clauses(&mut out, &[], need.when, &[]);
            continue;
        };
        // Classes another need of the same argument denies outright under
        // fewer conditions (a subset of this one's): this need may include
        // them or not.
        let subsumers: Vec<&Need> = if need.when.is_empty() {
            Vec::new()
        } else {
            row.needs
                .iter()
                .filter(|n| {
                    !std::ptr::eq(*n, need)
                        && n.fd == Some(arg)
                        && n.when.iter().all(|c| need.when.contains(c))
                })
                .collect()
        };
        let settled = |class: &FdClass| {
            subsumers
                .iter()
                .any(|n| applies(n, class) && denies_outright(n.req, &class.limits))
        };
        let verdicts = stretches.iter().map(|&(lo, hi, class)| {
            let v = match class {
                Some(c) if !applies(need, c) => Verdict::Allow,
                Some(c) if settled(c) => Verdict::Either,
                Some(c) => class_verdict(need.req, c, ctx.classes),
                None => match need.outside {
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
                },
            };
            (lo, hi, v)
        });
        for (lo, hi, extra) in denied_ranges(verdicts) {
            let (range, n) = within(arg, lo, hi);
            match extra {
                None => push_clauses(&mut out, &range[..n], need.when, &[]),
                Some(extra) => {
                    for e in &extra {
                        push_clauses(&mut out, &range[..n], need.when, e);
                    }
                }
            }
        }
    }
    if out.iter().any(Vec::is_empty) {
        // Denied whatever the arguments.
        out = vec![Vec::new()];
    }
    out
}

/// The denied stretches as ranges, each with its extra clauses (`None`:
/// denied outright). Adjacent stretches with the same denial merge, also
/// through `Either` ones, which a range may cover or not.
type Denied = (u32, u32, Option<Vec<Clause>>);

fn denied_ranges(verdicts: impl Iterator<Item = (u32, u32, Verdict)>) -> Vec<Denied> {
    let mut out: Vec<Denied> = Vec::new();
    let mut run: Option<Denied> = None;
    for (lo, hi, v) in verdicts {
        let denial = match v {
            Verdict::Deny => None,
            Verdict::When(extra) => Some(extra),
            Verdict::Either => {
                if let Some(r) = &mut run {
                    r.1 = hi;
                }
                continue;
            }
            Verdict::Allow => {
                out.extend(run.take());
                continue;
            }
        };
        match &mut run {
            Some(r) if r.2 == denial => r.1 = hi,
            _ => {
                out.extend(run.take());
                run = Some((lo, hi, denial));
            }
        }
    }
    out.extend(run);
    out
}
