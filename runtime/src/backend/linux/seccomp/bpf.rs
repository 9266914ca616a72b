//! The compiler: one classic BPF program (seccomp(2),
//! Documentation/userspace-api/seccomp_filter.rst) from the rules of each
//! system call. Knows nothing of the table; `build.rs` makes the rules.
//!
//! Shape, chosen for the cost of attaching a program (the kernel converts
//! and JITs it, and emulates it for every system call number to fill its
//! action cache, kernel/seccomp.c `seccomp_cache_prepare`: 0.1–0.4 µs
//! per instruction, the more when the kernel's caches are cold as at
//! entry, README "Linux enforcement") and of running it:
//!
//! 1. the architecture check (foreign: the capability-mode answer);
//! 2. a binary search on the call number over the ranges of numbers that
//!    share an answer, one `JGE` between each two; a few single numbers
//!    between two parts of a range (holes) are one `JEQ` each instead of
//!    two boundaries. A call answered whatever its arguments returns at a
//!    leaf, before any argument is loaded, so the cache emulation stops
//!    there and the kernel caches the constant `ALLOW`s (read(2), write(2)
//!    of descriptors whose access mode already refuses what their rights
//!    do not include);
//! 3. at the other leaves, the call's body: capability mode's alternatives
//!    (none holds: `EPERM`), then its tail: the rights' denials
//!    (`EACCES`), dry-run's lookup traps, then `ALLOW` or `ENOSYS` — the
//!    most restrictive answer, as the kernel would compute it across
//!    stacked programs. Calls with the same rules share a body, calls with
//!    the same tail share it (`fstat`, `fsync`, `fchdir`... of the same
//!    classes), and a body whose every way through capability mode leaves
//!    the tail's first word in the accumulator enters the tail after its
//!    load. Within a body, alternatives sharing their first checks test
//!    them once, the same alternatives to the same places are written
//!    once, and past a check that excludes the alternatives after it (two
//!    descriptor ranges, two values of one flag) a failure fails them all
//!    at once.
//!
//! The code is laid out backwards (last instruction first), so every jump
//! target is known when the jump is written: returns are shared when in
//! reach of an 8-bit offset, farther targets get a `JA` (32-bit offset)
//! next to the jump. Only forward jumps; only the instructions the cache
//! emulation understands (`LD W ABS`, `JA`, `JEQ`/`JGE`/`JGT`/`JSET` with
//! a constant, `AND` with a constant, `RET`). The clauses live in one
//! [`Arena`], so building a program allocates a few vectors, not one per
//! clause.

use libc::sock_filter;

use super::consts::{AUDIT_ARCH_X86_64, COMPAT_ERRNO};

/// A classic BPF program (`struct sock_filter` instructions,
/// include/uapi/linux/filter.h).
pub(crate) type BpfProgram = Vec<sock_filter>;

/// A comparison of one argument with a constant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Check {
    /// The argument (0..6).
    pub arg: u8,
    /// All 64 bits (pointers, offsets: `Eq`/`Ne` only) rather than the low
    /// 32 (`int`s: descriptors, flags, commands; the kernel ignores the
    /// upper half).
    pub wide: bool,
    /// The upper 32 bits rather than the lower (not `wide`): a 64-bit test
    /// as two 32-bit ones, so that alternatives sharing a half test it
    /// once (`prctl`'s options, all with a zero upper half).
    pub high: bool,
    /// The comparison.
    pub op: Op,
    /// The constant.
    pub value: u64,
}

/// How an argument is compared (unsigned).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Op {
    /// `==`.
    Eq,
    /// `!=`.
    Ne,
    /// `>=`.
    Ge,
    /// `<=`.
    Le,
    /// `(arg & mask) == value`.
    MaskedEq(u32),
}

impl Check {
    /// A 32-bit comparison.
    pub(crate) fn narrow(arg: u8, op: Op, value: u32) -> Check {
        Check {
            arg,
            wide: false,
            high: false,
            op,
            value: value.into(),
        }
    }

    /// A 32-bit comparison of the upper half of `arg`.
    pub(crate) fn upper(arg: u8, op: Op, value: u32) -> Check {
        Check {
            high: true,
            ..Check::narrow(arg, op, value)
        }
    }

    /// Whether it holds for `args`.
    #[cfg(test)]
    pub(crate) fn holds(&self, args: &[u64; 6]) -> bool {
        let a = args[usize::from(self.arg)];
        let (a, v) = match (self.wide, self.high) {
            (true, _) => (a, self.value),
            (false, true) => (a >> 32, self.value),
            (false, false) => (u64::from(a as u32), self.value),
        };
        match self.op {
            Op::Eq => a == v,
            Op::Ne => a != v,
            Op::Ge => a >= v,
            Op::Le => a <= v,
            Op::MaskedEq(m) => a & u64::from(m) == v,
        }
    }

    /// The offset in `seccomp_data` of the word it loads first.
    fn word(&self) -> u32 {
        16 + 8 * u32::from(self.arg) + 4 * u32::from(self.high)
    }

    /// What the accumulator must hold for its comparison (and holds
    /// after it): `None` for a 64-bit check, which loads both halves.
    fn acc(&self) -> Option<Acc> {
        if self.wide {
            return None;
        }
        let mask = match self.op {
            Op::MaskedEq(m) if !single_bit_test(m, self.value) => m,
            _ => u32::MAX,
        };
        Some(Acc {
            word: self.word(),
            mask,
        })
    }
}

/// What the accumulator holds: a word of `seccomp_data`, ANDed with
/// `mask`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Acc {
    word: u32,
    mask: u32,
}

/// Whether `(a & mask) == value` is one `JSET`: one bit, tested set or
/// clear.
fn single_bit_test(mask: u32, value: u64) -> bool {
    mask.is_power_of_two() && (value == 0 || value == u64::from(mask))
}

/// Where some items of an [`Arena`] lie: `start..end` of its checks (a
/// clause) or of its clauses (a list of them).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Span {
    start: u32,
    end: u32,
}

impl Span {
    fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }

    /// How many items.
    pub(crate) fn len(self) -> usize {
        (self.end - self.start) as usize
    }

    /// Whether it holds nothing.
    pub(crate) fn is_empty(self) -> bool {
        self.start == self.end
    }

    /// Its first `n` items and the rest.
    pub(crate) fn split_at(self, n: usize) -> (Span, Span) {
        let mid = self.start + n as u32;
        (
            Span {
                start: self.start,
                end: mid,
            },
            Span {
                start: mid,
                end: self.end,
            },
        )
    }
}

/// The clauses of every call of a program, stored once: the checks in one
/// vector, each clause (checks that must all hold) a span of it, each
/// list of clauses (one of which must hold) a span of the clauses. Building
/// a program allocates these two vectors, not one per clause.
#[derive(Debug, Default)]
pub(crate) struct Arena {
    checks: Vec<Check>,
    clauses: Vec<Span>,
}

impl Arena {
    /// An arena with room for a program of usual size.
    pub(crate) fn new() -> Arena {
        Arena {
            checks: Vec::with_capacity(512),
            clauses: Vec::with_capacity(384),
        }
    }

    /// Where the next list of clauses starts: pass it to [`Arena::end`]
    /// once its clauses are added.
    pub(crate) fn begin(&self) -> u32 {
        self.clauses.len() as u32
    }

    /// Adds a clause to the list being built.
    pub(crate) fn clause(&mut self, checks: impl IntoIterator<Item = Check>) {
        let start = self.checks.len() as u32;
        self.checks.extend(checks);
        let end = self.checks.len() as u32;
        self.clauses.push(Span { start, end });
    }

    /// Drops the list begun at `start`.
    pub(crate) fn discard(&mut self, start: u32) {
        if let Some(first) = self.clauses.get(start as usize) {
            self.checks.truncate(first.start as usize);
        }
        self.clauses.truncate(start as usize);
    }

    /// Ends the list begun at `start`, normalized for compiling: within a
    /// clause, the checks every clause makes first (tested once), then
    /// checks of the argument most clauses test, each word's plain
    /// comparisons before its masked ones, so that a word is loaded once; then the clauses in order, so that those sharing their first
    /// checks follow each other (`Asm::any` tests a shared prefix once);
    /// duplicates dropped, and only an empty clause (always holds) when
    /// there is one.
    pub(crate) fn end(&mut self, start: u32) -> Span {
        let Arena { checks, clauses } = self;
        let list = &mut clauses[start as usize..];
        let end = Span {
            start,
            end: start + list.len() as u32,
        };
        if let [one] = list {
            if one.len() <= 1 {
                // Nothing to order.
                return end;
            }
        }
        let mut uses = [0usize; 6];
        // The checks every clause makes (at most a few: those of the
        // first clause found in all the others).
        let mut common = [None; 4];
        if list.len() > 1 {
            for c in list.iter() {
                let mut seen = [false; 6];
                for k in &checks[c.range()] {
                    seen[usize::from(k.arg)] = true;
                }
                for (u, s) in uses.iter_mut().zip(seen) {
                    *u += usize::from(s);
                }
            }
            let everywhere = |k: &Check| list[1..].iter().all(|c| checks[c.range()].contains(k));
            let first = &checks[list[0].range()];
            for (slot, k) in common
                .iter_mut()
                .zip(first.iter().filter(|k| everywhere(k)))
            {
                *slot = Some(*k);
            }
        }
        for c in list.iter_mut().filter(|c| c.len() > 1) {
            let clause = &mut checks[c.range()];
            clause.sort_unstable_by_key(|k| {
                let mask = k.acc().map_or(0, |a| a.mask);
                (
                    !common.contains(&Some(*k)),
                    k.wide,
                    usize::MAX - uses[usize::from(k.arg)],
                    k.arg,
                    mask,
                    *k,
                )
            });
            c.end = c.start + dedup(clause) as u32;
        }
        if list.len() == 1 {
            return end;
        }
        list.sort_unstable_by(|a, b| checks[a.range()].cmp(&checks[b.range()]));
        let mut kept = 0;
        for i in 0..list.len() {
            if kept == 0 || checks[list[kept - 1].range()] != checks[list[i].range()] {
                list[kept] = list[i];
                kept += 1;
            }
        }
        if kept > 0 && list[0].is_empty() {
            kept = 1;
        }
        clauses.truncate(start as usize + kept);
        Span {
            start,
            end: start + kept as u32,
        }
    }

    /// The clauses of `list`.
    pub(crate) fn clauses(&self, list: Span) -> &[Span] {
        &self.clauses[list.range()]
    }

    /// The checks of `clause`.
    pub(crate) fn checks(&self, clause: Span) -> &[Check] {
        &self.checks[clause.range()]
    }

    /// Whether lists `a` and `b` hold the same clauses.
    fn same(&self, a: Span, b: Span) -> bool {
        a == b
            || a.len() == b.len()
                && self
                    .clauses(a)
                    .iter()
                    .zip(self.clauses(b))
                    .all(|(&x, &y)| self.checks(x) == self.checks(y))
    }

    /// A hash of the clauses of `list`: lists that differ almost always
    /// have different ones, so that [`Arena::same`] runs only to confirm.
    fn fingerprint(&self, list: Span) -> u64 {
        // FNV-1a.
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        let mut mix = |x: u64| h = (h ^ x).wrapping_mul(0x0100_0000_01b3);
        for &c in self.clauses(list) {
            for k in self.checks(c) {
                let op = match k.op {
                    Op::Eq => 1,
                    Op::Ne => 2,
                    Op::Ge => 3,
                    Op::Le => 4,
                    Op::MaskedEq(m) => 5 | u64::from(m) << 8,
                };
                mix(u64::from(k.arg) | u64::from(k.wide) << 8 | op << 16);
                mix(k.value);
            }
            mix(u64::MAX);
        }
        h
    }

    /// Whether `list` always holds (it has an empty clause).
    fn always(&self, list: Span) -> bool {
        self.clauses(list).iter().any(|c| c.is_empty())
    }

    /// Whether one clause of `list` holds for `args`.
    #[cfg(test)]
    pub(crate) fn holds(&self, list: Span, args: &[u64; 6]) -> bool {
        self.clauses(list)
            .iter()
            .any(|&c| self.checks(c).iter().all(|k| k.holds(args)))
    }
}

/// Drops repeated checks from sorted `clause`; returns how many remain
/// (at its front).
fn dedup(clause: &mut [Check]) -> usize {
    let mut kept = 0;
    for i in 0..clause.len() {
        if kept == 0 || clause[kept - 1] != clause[i] {
            clause[kept] = clause[i];
            kept += 1;
        }
    }
    kept
}

/// The rules of one system call: lists of clauses in an [`Arena`].
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Call {
    /// Its number.
    pub nr: u32,
    /// Capability mode: `None` allows it whatever the arguments,
    /// `Some(clauses)` when one of them holds (none: never).
    pub mode: Option<Span>,
    /// Denied (`EACCES`) when one of these holds; an empty clause always.
    pub rights: Span,
    /// Trapped for dry-run when one of these holds.
    pub lookups: Span,
    /// Answered `ENOSYS` when nothing else decides.
    pub compat: bool,
}

/// What each verdict returns (`SECCOMP_RET_*` with data).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Returns {
    /// Capability mode's denial, and a foreign architecture's calls.
    pub mode: u32,
    /// A missing right.
    pub rights: u32,
    /// Dry-run's lookup trap.
    pub lookup: u32,
    /// A call that has no rules (`mode` for the program that holds
    /// capability mode, `ALLOW` for one of rights alone).
    pub other: u32,
}

/// Classic BPF opcodes (include/uapi/linux/bpf_common.h).
pub(crate) const BPF_LD_W_ABS: u16 = 0x20;
pub(crate) const BPF_JMP_JA: u16 = 0x05;
pub(crate) const BPF_JMP_JEQ_K: u16 = 0x15;
pub(crate) const BPF_JMP_JGE_K: u16 = 0x35;
pub(crate) const BPF_JMP_JGT_K: u16 = 0x25;
pub(crate) const BPF_JMP_JSET_K: u16 = 0x45;
pub(crate) const BPF_ALU_AND_K: u16 = 0x54;
pub(crate) const BPF_RET_K: u16 = 0x06;

/// A BPF program's length limit (`BPF_MAXINSNS`,
/// include/uapi/linux/bpf_common.h).
pub(crate) const BPF_MAXINSNS: usize = 4096;

/// Where an instruction is: its index counted from the program's end.
type Label = usize;

/// The backwards assembler.
struct Asm<'a> {
    /// Where the calls' clauses are.
    arena: &'a Arena,
    /// The program, last instruction first.
    code: Vec<sock_filter>,
    /// The latest `RET` of each value written.
    rets: Vec<(u32, Label)>,
    /// The bodies, each with where it was written once it is.
    bodies: Vec<Body>,
    /// The tails written (rights, lookups, end: `Asm::tail`), each with
    /// its fingerprint and the call it was written for.
    tails: Vec<(u64, usize, Label)>,
    /// The alternatives written (`Asm::any`).
    written: Vec<Written<'a>>,
}

/// The body of a call, shared by every call with the same rules.
struct Body {
    /// The first call with these rules.
    call: usize,
    /// The fingerprint of its rules.
    key: u64,
    /// The fingerprint of its tail.
    tail: u64,
    /// Where it was written, once it is.
    at: Option<Label>,
}

/// Clauses from `depth` on, written at `at` to go to `pass` or `fail`
/// from the accumulator `entry`.
struct Written<'a> {
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

/// The largest conditional offset used before a `JA` takes over (two
/// trampolines may be put between a jump and its targets).
const NEAR: usize = 253;

impl<'a> Asm<'a> {
    /// The offset from the instruction written next to `target`.
    fn offset(&self, target: Label) -> usize {
        self.code.len() - target - 1
    }

    fn push(&mut self, code: u16, jt: u8, jf: u8, k: u32) -> Label {
        self.code.push(sock_filter { code, jt, jf, k });
        self.code.len() - 1
    }

    /// A `RET k` to jump to: a near one already written, or a new one.
    fn ret(&mut self, k: u32) -> Label {
        if let Some(&(_, at)) = self.rets.iter().find(|(v, _)| *v == k) {
            if self.offset(at) <= NEAR / 2 {
                return at;
            }
        }
        let at = self.push(BPF_RET_K, 0, 0, k);
        match self.rets.iter_mut().find(|(v, _)| *v == k) {
            Some(slot) => slot.1 = at,
            None => self.rets.push((k, at)),
        }
        at
    }

    /// A `JA` to `target`.
    fn ja(&mut self, target: Label) -> Label {
        let k = u32::try_from(self.offset(target)).expect("a program under 4 G instructions");
        self.push(BPF_JMP_JA, 0, 0, k)
    }

    /// A conditional jump with the constant `k`: to `t` when it holds,
    /// else to `f`.
    fn jump(&mut self, code: u16, k: u32, mut t: Label, mut f: Label) -> Label {
        if t == f {
            // Either way the same place: nothing to test.
            return t;
        }
        if self.offset(f) > NEAR {
            f = self.ja(f);
        }
        if self.offset(t) > NEAR {
            t = self.ja(t);
        }
        let jt = u8::try_from(self.offset(t)).expect("near target");
        let jf = u8::try_from(self.offset(f)).expect("near target");
        self.push(code, jt, jf, k)
    }

    fn load(&mut self, offset: u32) -> Label {
        self.push(BPF_LD_W_ABS, 0, 0, offset)
    }

    /// `c`: to `pass` or `fail`; `entry`: what the accumulator holds
    /// before it, if known.
    fn check(&mut self, c: &Check, pass: Label, fail: Label, entry: Option<Acc>) -> Label {
        let Some(need) = c.acc() else {
            // Both halves: low word first.
            let (lo, hi) = (c.value as u32, (c.value >> 32) as u32);
            let (on_hi_eq, on_hi_ne, on_lo_ne) = match c.op {
                Op::Eq => (pass, fail, fail),
                Op::Ne => (fail, pass, pass),
                _ => unreachable!("wide comparisons are Eq or Ne"),
            };
            self.jump(BPF_JMP_JEQ_K, hi, on_hi_eq, on_hi_ne);
            let load_hi = self.load(c.word() + 4);
            self.jump(BPF_JMP_JEQ_K, lo, load_hi, on_lo_ne);
            return self.load(c.word());
        };
        let v = c.value as u32;
        let mut at = match c.op {
            Op::Eq => self.jump(BPF_JMP_JEQ_K, v, pass, fail),
            Op::Ne => self.jump(BPF_JMP_JEQ_K, v, fail, pass),
            Op::Ge => self.jump(BPF_JMP_JGE_K, v, pass, fail),
            Op::Le => self.jump(BPF_JMP_JGT_K, v, fail, pass),
            Op::MaskedEq(m) if need.mask == u32::MAX && m == u32::MAX => {
                self.jump(BPF_JMP_JEQ_K, v, pass, fail)
            }
            // One bit: JSET, on the plain word.
            Op::MaskedEq(m) if need.mask == u32::MAX && v == m => {
                self.jump(BPF_JMP_JSET_K, m, pass, fail)
            }
            Op::MaskedEq(m) if need.mask == u32::MAX => self.jump(BPF_JMP_JSET_K, m, fail, pass),
            Op::MaskedEq(_) => self.jump(BPF_JMP_JEQ_K, v, pass, fail),
        };
        if entry == Some(need) {
            return at;
        }
        if need.mask != u32::MAX {
            at = self.push(BPF_ALU_AND_K, 0, 0, need.mask);
            if entry.is_some_and(|e| e.word == need.word && e.mask == u32::MAX) {
                return at;
            }
        }
        self.load(need.word)
    }

    /// All of `clause`: to `pass`, or to `fail` when its first check fails
    /// and to `rest` when a later one does.
    fn all(
        &mut self,
        clause: &[Check],
        pass: Label,
        fail: Label,
        rest: Label,
        entry: Option<Acc>,
    ) -> Label {
        let mut next = pass;
        for (i, c) in clause.iter().enumerate().rev() {
            let (before, fails) = match i {
                0 => (entry, fail),
                _ => (clause[i - 1].acc(), rest),
            };
            next = self.check(c, next, fails, before);
        }
        next
    }

    /// One of `clauses` (ordered by [`Arena::end`]), whose checks before
    /// `depth` all share and are tested: to `pass` or `fail`. Clauses
    /// sharing their next check test it once; the same clauses (from
    /// `depth` on) to the same places are written once.
    fn any(
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
    fn any_of(&mut self, list: Span, pass: Label, fail: Label) -> Label {
        let arena = self.arena;
        self.any(arena.clauses(list), 0, pass, fail, None)
    }

    /// What follows capability mode in the body of `calls[i]`: the rights'
    /// denials, dry-run's lookup traps, then `ALLOW` or `ENOSYS`. Written
    /// once for every call with the same ones (calls differing only in
    /// capability mode's conditions, or in the descriptor argument's
    /// number, share it).
    fn tail(&mut self, body: usize, calls: &[Call], r: &Returns) -> Label {
        let i = self.bodies[body].call;
        let call = &calls[i];
        let arena = self.arena;
        let key = self.bodies[body].tail;
        let same = |&(k, j, _): &(u64, usize, Label)| {
            let other = &calls[j];
            k == key
                && other.compat == call.compat
                && arena.same(other.rights, call.rights)
                && arena.same(other.lookups, call.lookups)
        };
        if let Some(&(_, _, at)) = self.tails.iter().find(|t| same(t)) {
            return at;
        }
        let mut next = self.ret(end_of(call));
        if !call.lookups.is_empty() {
            let trap = self.ret(r.lookup);
            next = self.any_of(call.lookups, trap, next);
        }
        if !call.rights.is_empty() {
            let deny = self.ret(r.rights);
            next = self.any_of(call.rights, deny, next);
        }
        self.tails.push((key, i, next));
        next
    }

    /// Body `body`: capability mode's alternatives (none holds:
    /// `r.mode`), then its tail.
    fn body(&mut self, body: usize, calls: &[Call], r: &Returns) -> Label {
        let next = self.tail(body, calls, r);
        let Some(mode) = calls[self.bodies[body].call].mode else {
            return next;
        };
        let arena = self.arena;
        let clauses = arena.clauses(mode);
        // When every way through capability mode ends with the word the
        // tail loads first in the accumulator, enter the tail after its
        // load.
        let i = self.code[next];
        let reloads = i.code == BPF_LD_W_ABS
            && clauses.iter().all(|&c| {
                arena.checks(c).last().and_then(Check::acc)
                    == Some(Acc {
                        word: i.k,
                        mask: u32::MAX,
                    })
            });
        let pass = if reloads { next - 1 } else { next };
        let deny = self.ret(r.mode);
        self.any(clauses, 0, pass, deny, None)
    }

    /// The answer of one leaf: a shared return, or the call's body.
    fn leaf(&mut self, leaf: Leaf, calls: &[Call], r: &Returns) -> Label {
        match leaf {
            Leaf::Ret(k) => self.ret(k),
            Leaf::Body(b) => match self.bodies[b].at {
                Some(at) => at,
                None => {
                    let at = self.body(b, calls, r);
                    self.bodies[b].at = Some(at);
                    at
                }
            },
        }
    }

    /// One range of numbers: its answer, after a `JEQ` for each of its
    /// holes.
    fn run(&mut self, run: &Run, holes: &[(u32, Leaf)], calls: &[Call], r: &Returns) -> Label {
        let mut next = self.leaf(run.leaf, calls, r);
        for &(nr, leaf) in holes[run.holes.range()].iter().rev() {
            let at = self.leaf(leaf, calls, r);
            next = self.jump(BPF_JMP_JEQ_K, nr, at, next);
        }
        next
    }

    /// The search over `runs` (ranges of call numbers, in order): one
    /// `JGE` between each two.
    fn search(
        &mut self,
        runs: &[Run],
        holes: &[(u32, Leaf)],
        calls: &[Call],
        r: &Returns,
    ) -> Label {
        if let [one] = runs {
            return self.run(one, holes, calls, r);
        }
        let mid = runs.len() / 2;
        let right = self.search(&runs[mid..], holes, calls, r);
        let left = self.search(&runs[..mid], holes, calls, r);
        self.jump(BPF_JMP_JGE_K, runs[mid].first, right, left)
    }
}

/// The most holes a range of numbers takes: each costs one `JEQ` where two
/// boundaries of the search cost two `JGE`, but the calls of the range
/// test them one after another.
const MOST_HOLES: usize = 4;

/// A range of call numbers sharing an answer, but for its holes: single
/// numbers (`JEQ`) between two parts of it.
#[derive(Clone, Copy, Debug)]
struct Run {
    /// Its first number.
    first: u32,
    /// Its answer.
    leaf: Leaf,
    /// Its holes: a span of the holes' list.
    holes: Span,
}

/// The ranges of `leaves` (their first number and answer, in order) with
/// holes: a stretch of single numbers between two ranges of the same
/// answer joins them (the holes' list in the second value).
fn runs(leaves: &[(u32, Leaf)]) -> (Vec<Run>, Vec<(u32, Leaf)>) {
    let single = |i: usize| {
        leaves
            .get(i + 1)
            .is_some_and(|next| next.0 == leaves[i].0 + 1)
    };
    let mut runs = Vec::with_capacity(leaves.len());
    let mut holes = Vec::new();
    let mut i = 0;
    while i < leaves.len() {
        let (first, leaf) = leaves[i];
        let start = holes.len() as u32;
        let mut next = i + 1;
        loop {
            let mut k = next;
            while k < leaves.len() && single(k) && leaves[k].1 != leaf {
                k += 1;
            }
            let room = holes.len() - start as usize + (k - next) <= MOST_HOLES;
            if k == next || k == leaves.len() || leaves[k].1 != leaf || !room {
                break;
            }
            holes.extend_from_slice(&leaves[next..k]);
            next = k + 1;
        }
        let holes = Span {
            start,
            end: holes.len() as u32,
        };
        runs.push(Run { first, leaf, holes });
        i = next;
    }
    (runs, holes)
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

/// What a range of call numbers leads to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Leaf {
    /// The same answer whatever the arguments.
    Ret(u32),
    /// Body `bodies[i]` (`Asm::bodies`).
    Body(usize),
}

/// Whether two calls have the same rules (and so can share a body).
fn same_rules(arena: &Arena, a: &Call, b: &Call) -> bool {
    a.compat == b.compat
        && match (a.mode, b.mode) {
            (None, None) => true,
            (Some(x), Some(y)) => arena.same(x, y),
            _ => false,
        }
        && arena.same(a.rights, b.rights)
        && arena.same(a.lookups, b.lookups)
}

/// What `call` returns when nothing denies it: `ALLOW`, or `ENOSYS`.
fn end_of(call: &Call) -> u32 {
    if call.compat {
        libc::SECCOMP_RET_ERRNO | COMPAT_ERRNO as u32
    } else {
        libc::SECCOMP_RET_ALLOW
    }
}

/// The answer to `call` whatever its arguments, if it has one.
fn constant(arena: &Arena, call: &Call, r: &Returns) -> Option<u32> {
    match call.mode {
        Some(list) if list.is_empty() => return Some(r.mode),
        Some(list) if !arena.always(list) => return None,
        _ => {}
    }
    if arena.always(call.rights) {
        return Some(r.rights);
    }
    if !call.rights.is_empty() {
        return None;
    }
    if arena.always(call.lookups) {
        return Some(r.lookup);
    }
    call.lookups.is_empty().then_some(end_of(call))
}

/// The program for `calls` (sorted by number, distinct; their clauses in
/// `arena`): numbers without a call answer `r.other`.
pub(crate) fn program(arena: &Arena, calls: &[Call], r: &Returns) -> BpfProgram {
    // The ranges of numbers sharing an answer, each with its first number.
    let mut leaves: Vec<(u32, Leaf)> = Vec::with_capacity(256);
    let mut add = |first: u32, leaf: Leaf| match leaves.last() {
        Some((_, last)) if *last == leaf => {}
        _ => leaves.push((first, leaf)),
    };
    let mut next = 0u32;
    // Fingerprints of the lists seen, by where they start: rows share
    // lists (`build::calls`).
    let mut prints: Vec<u64> = vec![0; arena.clauses.len()];
    let mut bodies: Vec<Body> = Vec::with_capacity(128);
    for (i, call) in calls.iter().enumerate() {
        if call.nr > next {
            add(next, Leaf::Ret(r.other));
        }
        match constant(arena, call, r) {
            Some(k) => add(call.nr, Leaf::Ret(k)),
            None => {
                let mut fingerprint = |list: Span| match prints.get_mut(list.start as usize) {
                    Some(h) if list.is_empty() => *h,
                    Some(h) if *h != 0 => *h,
                    Some(h) => {
                        *h = arena.fingerprint(list);
                        *h
                    }
                    None => arena.fingerprint(list),
                };
                let tail = fingerprint(call.rights)
                    ^ fingerprint(call.lookups).rotate_left(1)
                    ^ u64::from(call.compat);
                let mode = call.mode.map_or(1, &mut fingerprint);
                let key = tail ^ mode.rotate_left(2);
                // Calls with the same rules share one body.
                let first = bodies
                    .iter()
                    .position(|b| b.key == key && same_rules(arena, &calls[b.call], call));
                let b = first.unwrap_or_else(|| {
                    bodies.push(Body {
                        call: i,
                        key,
                        tail,
                        at: None,
                    });
                    bodies.len() - 1
                });
                add(call.nr, Leaf::Body(b));
            }
        }
        next = call.nr + 1;
    }
    add(next, Leaf::Ret(r.other));
    let (runs, holes) = runs(&leaves);

    let mut asm = Asm {
        arena,
        code: Vec::with_capacity(512),
        rets: Vec::with_capacity(8),
        tails: Vec::with_capacity(bodies.len()),
        bodies,
        written: Vec::with_capacity(32),
    };
    let root = asm.search(&runs, &holes, calls, r);
    if asm.offset(root) != 0 {
        asm.ja(root);
    }
    let nr = asm.load(0); // seccomp_data.nr
    let foreign = asm.ret(r.mode);
    asm.jump(BPF_JMP_JEQ_K, AUDIT_ARCH_X86_64, nr, foreign);
    asm.load(4); // seccomp_data.arch
    asm.code.reverse();
    asm.code
}
