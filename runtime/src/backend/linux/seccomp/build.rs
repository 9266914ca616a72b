//! The rules of each system call, built from its row of the table for one
//! process: capability mode's alternatives, the per-descriptor rights'
//! denials, `ENOSYS`, and dry-run's trap of lookups beneath directories.
//! The compiler (`bpf.rs`) makes them one program.

use crate::rights::{Fcntl, Limits, Right};

use super::super::judge::Context;
use super::super::rules::{Cond, Mode, Need, Outside, Req, Syscall, Test};
use super::super::syscalls::TABLE;
use super::bpf::{normalize, Call, Check, Clause, Op};
use super::consts::{fcntl_numbers, ioctl_numbers, FCNTL_DUP, FCNTL_LOCKS};
use super::FdClass;

/// The alternatives of one condition, each a single check.
fn alternatives(cond: &Cond) -> Vec<Check> {
    let narrow = |op, value: u32| Check::narrow(cond.arg, op, value);
    let wide = |op| Check {
        arg: cond.arg,
        wide: true,
        op,
        value: 0,
    };
    match cond.test {
        Test::Eq(v) => vec![narrow(Op::Eq, v)],
        Test::Ne(v) => vec![narrow(Op::Ne, v)],
        Test::OneOf(vs) => vs.iter().map(|&v| narrow(Op::Eq, v)).collect(),
        Test::Masked { mask, value } => vec![narrow(Op::MaskedEq(mask), value)],
        Test::MaskedOneOf { mask, values } => values
            .iter()
            .map(|&v| narrow(Op::MaskedEq(mask), v))
            .collect(),
        Test::Null => vec![wide(Op::Eq)],
        Test::NonNull => vec![wide(Op::Ne)],
    }
}

/// `conds` (all must hold) as clauses (one of which must hold).
fn clauses(conds: &[Cond]) -> Vec<Clause> {
    let mut out: Vec<Clause> = vec![Vec::new()];
    for cond in conds {
        let alts = alternatives(cond);
        out = out
            .iter()
            .flat_map(|c| {
                alts.iter().map(move |a| {
                    let mut c = c.clone();
                    c.push(*a);
                    c
                })
            })
            .collect();
    }
    out
}

/// Argument `arg` lies in `lo..=hi` (unsigned, low 32 bits).
fn within(arg: u8, lo: u32, hi: u32) -> Clause {
    if lo == hi {
        return vec![Check::narrow(arg, Op::Eq, lo)];
    }
    let mut c = Vec::with_capacity(2);
    if lo > 0 {
        c.push(Check::narrow(arg, Op::Ge, lo));
    }
    if hi < u32::MAX {
        c.push(Check::narrow(arg, Op::Le, hi));
    }
    c
}

/// The rules of every call of the table for `ctx`; with `lookups`, the
/// lookups beneath limited directories are trapped (dry-run, where
/// Landlock does not decide them).
pub(crate) fn calls(ctx: &Context, lookups: bool) -> Vec<Call> {
    let stretches = stretches(ctx.classes);
    let dirs = Limits {
        rights: ctx.dirs(),
        ..Limits::default()
    };
    TABLE
        .iter()
        .map(|row| {
            let mut call = Call {
                nr: row.nr,
                mode: mode(row, ctx),
                rights: rights(row, ctx, &stretches, &dirs),
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
                for clause in clauses(alt.when) {
                    if clause.is_empty() {
                        return None;
                    }
                    out.push(clause);
                }
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
            out.push(within(dirfd as u8, c.lo, c.hi));
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
    /// Denied anyway by an unconditional need: either way.
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

/// What `limits` do with `req` (`cmd`: the command's argument).
fn verdict(req: Req, limits: &Limits) -> Verdict {
    let has = |r: Right| limits.rights.allows(r);
    let deny_if = |lacks: bool| if lacks { Verdict::Deny } else { Verdict::Allow };
    match req {
        Req::Right(r) => deny_if(!has(r)),
        Req::Never => Verdict::Deny,
        Req::Ioctl { cmd } => {
            if !has(Right::Ioctl) {
                return Verdict::Deny;
            }
            match limits.ioctls {
                None => Verdict::Allow,
                Some(list) => {
                    let allowed: Vec<u32> = list
                        .iter()
                        .flat_map(|&i| ioctl_numbers(i).iter().copied())
                        .collect();
                    if allowed.is_empty() {
                        return Verdict::Deny;
                    }
                    let clause = allowed
                        .into_iter()
                        .map(|n| Check::narrow(cmd, Op::Ne, n))
                        .collect();
                    Verdict::When(vec![clause])
                }
            }
        }
        Req::Fcntl { cmd } => {
            let locks = has(Right::Flock);
            if has(Right::Fcntl) && limits.fcntls.is_none() {
                // Every command but copies (and locks without `flock`).
                let mut denied: Vec<u32> = FCNTL_DUP.to_vec();
                if !locks {
                    denied.extend_from_slice(FCNTL_LOCKS);
                }
                return Verdict::When(
                    denied
                        .into_iter()
                        .map(|c| vec![Check::narrow(cmd, Op::Eq, c)])
                        .collect(),
                );
            }
            // F_GETFD/F_SETFD always; locks with `flock`; the rest with
            // `fcntl`, narrowed by `fcntls(...)`.
            let mut allowed = vec![libc::F_GETFD as u32, libc::F_SETFD as u32];
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

/// `row`'s needs for `ctx`'s classes: the denials (`EACCES`) alone.
fn rights(
    row: &Syscall,
    ctx: &Context,
    stretches: &[(u32, u32, Option<&FdClass>)],
    dirs: &Limits,
) -> Vec<Clause> {
    let mut out = Vec::new();
    for need in row.needs {
        let whens = clauses(need.when);
        let Some(arg) = need.fd else {
            out.extend(whens);
            continue;
        };
        // Classes an unconditional need of the same argument denies
        // outright: a conditional need may include them or not.
        let settled = |class: &FdClass| {
            !need.when.is_empty()
                && row.needs.iter().any(|n| {
                    n.fd == Some(arg)
                        && n.when.is_empty()
                        && applies(n, class)
                        && verdict(n.req, &class.limits) == Verdict::Deny
                })
        };
        let verdicts: Vec<(u32, u32, Verdict)> = stretches
            .iter()
            .map(|&(lo, hi, class)| {
                let v = match class {
                    Some(c) if !applies(need, c) => Verdict::Allow,
                    Some(c) if settled(c) => Verdict::Either,
                    Some(c) => verdict(need.req, &c.limits),
                    None => match need.outside {
                        Outside::Free => Verdict::Allow,
                        Outside::Denied => Verdict::Deny,
                        Outside::Dirs => verdict(need.req, dirs),
                    },
                };
                (lo, hi, v)
            })
            .collect();
        for (lo, hi, extra) in denied_ranges(&verdicts) {
            for w in &whens {
                for e in &extra {
                    let mut clause = within(arg, lo, hi);
                    clause.extend_from_slice(w);
                    clause.extend_from_slice(e);
                    out.push(clause);
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

/// The denied stretches as ranges, each with its extra clauses (one empty
/// clause: denied outright). Adjacent denied stretches merge, also through
/// `Either` ones, which a range may cover or not.
fn denied_ranges(verdicts: &[(u32, u32, Verdict)]) -> Vec<(u32, u32, Vec<Clause>)> {
    let mut out = Vec::new();
    let mut run: Option<(u32, u32)> = None;
    for (lo, hi, v) in verdicts {
        match v {
            Verdict::Deny => run = Some((run.map_or(*lo, |r| r.0), *hi)),
            Verdict::Either => {
                if let Some(r) = &mut run {
                    r.1 = *hi;
                }
            }
            Verdict::Allow | Verdict::When(_) => {
                if let Some((a, b)) = run.take() {
                    out.push((a, b, vec![Vec::new()]));
                }
                if let Verdict::When(extra) = v {
                    out.push((*lo, *hi, extra.clone()));
                }
            }
        }
    }
    if let Some((a, b)) = run {
        out.push((a, b, vec![Vec::new()]));
    }
    out
}
