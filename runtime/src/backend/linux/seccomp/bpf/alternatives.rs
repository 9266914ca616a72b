//! One of several clauses, from a given depth on: clauses sharing their
//! next check test it once, the same clauses to the same places are
//! written once, and past a check that excludes the alternatives after it
//! a failure fails them all.

use super::clauses::{Acc, Arena, Check, Op, Span};
use super::encode::BPF_LD_W_ABS;
use super::{Asm, Label};

/// Clauses from `depth` on, written at `at` to go to `pass` or `fail`
/// from the accumulator `entry`.
pub(super) struct Written<'a> {
    key: u64,
    clauses: &'a [Span],
    depth: usize,
    pass: Label,
    fail: Label,
    entry: Option<Acc>,
    at: Label,
}

/// What the first checks of some groups of alternatives are.
#[derive(Clone, Copy, PartialEq)]
enum Summary {
    /// There are none.
    Nothing,
    /// All `==` on this word.
    Values(Acc),
    /// Anything else.
    Mixed,
}

impl Summary {
    /// With `first` too.
    fn and(self, first: &Check) -> Summary {
        match (self, first.op, first.acc()) {
            (Summary::Nothing, Op::Eq, Some(acc)) => Summary::Values(acc),
            (Summary::Values(a), Op::Eq, Some(acc)) if a == acc => self,
            _ => Summary::Mixed,
        }
    }
}

/// A hash of `clauses` from `depth` on.
fn suffixes_hash(arena: &Arena, clauses: &[Span], depth: usize) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &c in clauses {
        for k in &arena.checks(c)[depth..] {
            h = (h ^ k.value ^ u64::from(k.arg) << 56).wrapping_mul(0x0100_0000_01b3);
        }
        h = (h ^ u64::MAX).wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Whether `a` from depth `da` on and `b` from `db` on are the same
/// clauses.
fn same_suffixes(arena: &Arena, a: &[Span], da: usize, b: &[Span], db: usize) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(&x, &y)| arena.checks(x)[da..] == arena.checks(y)[db..])
}

/// Whether no argument passes both `a` and `b`: comparisons of the same
/// 32-bit argument whose sets of values are disjoint.
fn excludes(a: &Check, b: &Check) -> bool {
    if a.wide || b.wide || a.word() != b.word() {
        return false;
    }
    let (x, y) = (a.value as u32, b.value as u32);
    let interval = |op: Op, v: u32| match op {
        Op::Eq => Some((v, v)),
        Op::Ge => Some((v, u32::MAX)),
        Op::Le => Some((0, v)),
        _ => None,
    };
    match (a.op, b.op) {
        (Op::MaskedEq(m), Op::MaskedEq(n)) => (x ^ y) & m & n != 0,
        (Op::MaskedEq(m), Op::Eq) => y & m != x,
        (Op::Eq, Op::MaskedEq(m)) => x & m != y,
        (Op::Ne, Op::Eq) | (Op::Eq, Op::Ne) => x == y,
        (p, q) => match (interval(p, x), interval(q, y)) {
            (Some((l1, h1)), Some((l2, h2))) => h1 < l2 || h2 < l1,
            _ => false,
        },
    }
}

impl<'a> Asm<'a> {
    /// One of `clauses` (ordered by [`Arena::end`]), whose checks before
    /// `depth` all share and are tested: to `pass` or `fail`. Clauses
    /// sharing their next check test it once; the same clauses (from
    /// `depth` on) to the same places are written once.
    pub(super) fn any(
        &mut self,
        clauses: &'a [Span],
        depth: usize,
        pass: Label,
        fail: Label,
        entry: Option<Acc>,
    ) -> Label {
        let arena = self.arena;
        let at = |i: usize| arena.checks(clauses[i]);
        if clauses.iter().any(|c| c.len() == depth) {
            return pass;
        }
        // Whole lists are shared by calls (`Asm::tail`, bodies); the
        // alternatives within one are looked up here.
        let key = match depth {
            0 => None,
            _ => Some(
                suffixes_hash(arena, clauses, depth) ^ (pass as u64) << 40 ^ (fail as u64) << 20,
            ),
        };
        let written = key.and_then(|key| {
            self.written.iter().find(|w| {
                w.key == key
                    && w.pass == pass
                    && w.fail == fail
                    && (w.entry == entry || self.code[w.at].code == BPF_LD_W_ABS)
                    && same_suffixes(arena, w.clauses, w.depth, clauses, depth)
            })
        });
        if let Some(w) = written {
            return w.at;
        }
        // Groups of consecutive clauses with the same next check, last
        // first.
        let start_of = |end: usize| {
            let key = at(end - 1)[depth];
            let mut start = end - 1;
            while start > 0 && at(start - 1)[depth] == key {
                start -= 1;
            }
            start
        };
        // Whether no value passing `first` passes the first check of a
        // group in `later`, whose first checks `summary` sums up: `==` on
        // one word excludes the other values of that word at once (the
        // alternatives of one argument).
        let exclusive = |first: &Check, later: &[Span], summary: Summary| match summary {
            Summary::Nothing => true,
            Summary::Values(acc) if first.op == Op::Eq && first.acc() == Some(acc) => true,
            _ => later
                .iter()
                .all(|&c| excludes(first, &arena.checks(c)[depth])),
        };
        let mut next = fail;
        let mut end = clauses.len();
        // The first checks of the groups after the one written next, and
        // whether that one excludes them (when already known).
        let mut later = Summary::Nothing;
        let mut known = None;
        while end > 0 {
            let start = start_of(end);
            let group = &clauses[start..end];
            let first = at(start)[depth];
            // Past a check that excludes the later groups' first checks, a
            // failure fails them all.
            let excl = known.unwrap_or_else(|| exclusive(&first, &clauses[end..], later));
            let rest = if excl { fail } else { next };
            let from_here = later.and(&first);
            // What the accumulator holds coming from the group before:
            // its first check's word when only that check fails to here.
            let (entry, before_excl) = match start {
                0 => (entry, None),
                _ => {
                    let before = start_of(start);
                    let b = at(before)[depth];
                    let e = exclusive(&b, &clauses[start..], from_here);
                    let acc = if e {
                        b.acc()
                    } else {
                        uniform(arena, &clauses[before..start], depth)
                    };
                    (acc, Some(e))
                }
            };
            next = match group {
                [one] => self.all(&arena.checks(*one)[depth..], pass, next, rest, entry),
                _ => {
                    let inner = self.any(group, depth + 1, pass, rest, first.acc());
                    self.check(&first, inner, next, entry)
                }
            };
            later = from_here;
            known = before_excl;
            end = start;
        }
        let Some(key) = key else {
            return next;
        };
        self.written.push(Written {
            key,
            clauses,
            depth,
            pass,
            fail,
            entry,
            at: next,
        });
        next
    }

    /// One of the clauses of `list`: to `pass` or `fail`, from an unknown
    /// accumulator.
    pub(super) fn any_of(&mut self, list: Span, pass: Label, fail: Label) -> Label {
        let arena = self.arena;
        self.any(arena.clauses(list), 0, pass, fail, None)
    }
}

/// What the accumulator holds on every exit of `clauses` (from their
/// checks at `depth` on), when that is known: all of them compare the
/// same thing.
fn uniform(arena: &Arena, clauses: &[Span], depth: usize) -> Option<Acc> {
    let mut checks = clauses
        .iter()
        .flat_map(|&c| arena.checks(c)[depth..].iter());
    let first = checks.next()?.acc()?;
    checks.all(|k| k.acc() == Some(first)).then_some(first)
}
