//! The compiler: one classic BPF program (seccomp(2),
//! Documentation/userspace-api/seccomp_filter.rst) from the rules of each
//! system call. Knows nothing of the table; `build.rs` makes the rules.
//!
//! Shape, chosen for the cost of attaching a program (the kernel JITs it
//! and emulates it for every system call number to fill its action cache,
//! kernel/seccomp.c `seccomp_cache_prepare`, both linear in its length)
//! and of running it:
//!
//! 1. the architecture check (foreign: the capability-mode answer);
//! 2. a binary search on the call number over the ranges of numbers that
//!    share an answer: a call answered whatever its arguments returns at
//!    a leaf, before any argument is loaded, so the cache emulation stops
//!    there and the kernel caches the constant `ALLOW`s (read(2), write(2)
//!    of descriptors whose access mode already refuses what their rights
//!    do not include);
//! 3. at the other leaves, the call's body: capability mode's alternatives
//!    (none holds: `EPERM`), then the rights' denials (`EACCES`), then
//!    dry-run's lookup traps, then `ALLOW` or `ENOSYS` — the most
//!    restrictive answer, as the kernel would compute it across stacked
//!    programs.
//!
//! The code is laid out backwards (last instruction first), so every jump
//! target is known when the jump is written: returns are shared when in
//! reach of an 8-bit offset, farther targets get a `JA` (32-bit offset)
//! next to the jump. Only forward jumps; only the instructions the cache
//! emulation understands (`LD W ABS`, `JA`, `JEQ`/`JGE`/`JGT`/`JSET` with
//! a constant, `AND` with a constant, `RET`).

use seccompiler::{sock_filter, BpfProgram};

use super::consts::{AUDIT_ARCH_X86_64, COMPAT_ERRNO};

/// A comparison of one argument with a constant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Check {
    /// The argument (0..6).
    pub arg: u8,
    /// All 64 bits (pointers, offsets: `Eq`/`Ne` only) rather than the low
    /// 32 (`int`s: descriptors, flags, commands; the kernel ignores the
    /// upper half).
    pub wide: bool,
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
            op,
            value: value.into(),
        }
    }

    /// Whether it holds for `args`.
    #[cfg(test)]
    pub(crate) fn holds(&self, args: &[u64; 6]) -> bool {
        let a = args[usize::from(self.arg)];
        let (a, v) = if self.wide {
            (a, self.value)
        } else {
            (u64::from(a as u32), self.value)
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
        16 + 8 * u32::from(self.arg)
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

/// Checks that must all hold.
pub(crate) type Clause = Vec<Check>;

/// The rules of one system call.
#[derive(Clone, Debug, Default)]
pub(crate) struct Call {
    /// Its number.
    pub nr: u32,
    /// Capability mode: `None` allows it whatever the arguments,
    /// `Some(clauses)` when one of them holds (none: never).
    pub mode: Option<Vec<Clause>>,
    /// Denied (`EACCES`) when one of these holds; an empty clause always.
    pub rights: Vec<Clause>,
    /// Trapped for dry-run when one of these holds.
    pub lookups: Vec<Clause>,
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
struct Asm {
    /// The program, last instruction first.
    code: Vec<sock_filter>,
    /// The latest `RET` of each value written.
    rets: Vec<(u32, Label)>,
    /// Where each call's body was written, once it is.
    bodies: Vec<Option<Label>>,
}

/// The largest conditional offset used before a `JA` takes over (two
/// trampolines may be put between a jump and its targets).
const NEAR: usize = 253;

impl Asm {
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

    /// All of `clause`: to `pass` or `fail`.
    fn all(&mut self, clause: &[Check], pass: Label, fail: Label, entry: Option<Acc>) -> Label {
        let mut next = pass;
        for (i, c) in clause.iter().enumerate().rev() {
            let before = match i {
                0 => entry,
                _ => clause[i - 1].acc(),
            };
            next = self.check(c, next, fail, before);
        }
        next
    }

    /// One of `clauses` (ordered by `normalize`), whose checks before
    /// `depth` all share and are tested: to `pass` or `fail`. Clauses
    /// sharing their next check test it once.
    fn any(
        &mut self,
        clauses: &[Clause],
        depth: usize,
        pass: Label,
        fail: Label,
        entry: Option<Acc>,
    ) -> Label {
        if clauses.iter().any(|c| c.len() == depth) {
            return pass;
        }
        // Groups of consecutive clauses with the same next check, last
        // first.
        let start_of = |end: usize| {
            let key = clauses[end - 1][depth];
            let mut start = end - 1;
            while start > 0 && clauses[start - 1][depth] == key {
                start -= 1;
            }
            start
        };
        let mut next = fail;
        let mut end = clauses.len();
        while end > 0 {
            let start = start_of(end);
            let group = &clauses[start..end];
            let entry = match start {
                0 => entry,
                _ => uniform(&clauses[start_of(start)..start], depth),
            };
            next = match group {
                [one] => self.all(&one[depth..], pass, next, entry),
                _ => {
                    let first = group[0][depth];
                    let inner = self.any(group, depth + 1, pass, next, first.acc());
                    self.check(&first, inner, next, entry)
                }
            };
            end = start;
        }
        next
    }

    /// One of `clauses`: to `pass` or `fail`, from an unknown accumulator.
    fn any_of(&mut self, clauses: &[Clause], pass: Label, fail: Label) -> Label {
        self.any(clauses, 0, pass, fail, None)
    }

    /// The body of `call`; `r` its returns.
    fn body(&mut self, call: &Call, r: &Returns) -> Label {
        let end = self.ret(if call.compat {
            libc::SECCOMP_RET_ERRNO | COMPAT_ERRNO as u32
        } else {
            libc::SECCOMP_RET_ALLOW
        });
        let mut next = end;
        if !call.lookups.is_empty() {
            let trap = self.ret(r.lookup);
            next = self.any_of(&call.lookups, trap, next);
        }
        if !call.rights.is_empty() {
            let deny = self.ret(r.rights);
            next = self.any_of(&call.rights, deny, next);
        }
        match &call.mode {
            None => next,
            Some(clauses) => {
                let deny = self.ret(r.mode);
                self.any_of(clauses, next, deny)
            }
        }
    }

    /// The answer of one leaf: a shared return, or the call's body.
    fn leaf(&mut self, leaf: Leaf, calls: &[Call], r: &Returns) -> Label {
        match leaf {
            Leaf::Ret(k) => self.ret(k),
            Leaf::Body(i) => match self.bodies[i] {
                Some(at) => at,
                None => {
                    let at = self.body(&calls[i], r);
                    self.bodies[i] = Some(at);
                    at
                }
            },
        }
    }

    /// The search over `leaves` (ranges of call numbers: their first
    /// number and answer), the last range ending at `end` (inclusive).
    fn search(&mut self, leaves: &[(u32, Leaf)], end: u32, calls: &[Call], r: &Returns) -> Label {
        if let [(_, leaf)] = leaves {
            return self.leaf(*leaf, calls, r);
        }
        if let Some((background, singles)) = exceptions(leaves, end) {
            // A few single numbers in one answer: one JEQ each.
            let mut next = self.leaf(background, calls, r);
            for &(nr, leaf) in singles.iter().rev() {
                let at = self.leaf(leaf, calls, r);
                next = self.jump(BPF_JMP_JEQ_K, nr, at, next);
            }
            return next;
        }
        let mid = leaves.len() / 2;
        let right = self.search(&leaves[mid..], end, calls, r);
        let left = self.search(&leaves[..mid], leaves[mid].0 - 1, calls, r);
        self.jump(BPF_JMP_JGE_K, leaves[mid].0, right, left)
    }
}

/// The most single numbers a run of `JEQ`s tests before the answer of
/// the rest: each costs one instruction where splitting costs two, but
/// the calls among them test one after another.
const MOST_EXCEPTIONS: usize = 4;

/// When `leaves` (ending at `end`) are one answer but for a few single
/// numbers: that answer, and the single numbers with theirs.
fn exceptions(leaves: &[(u32, Leaf)], end: u32) -> Option<(Leaf, Vec<(u32, Leaf)>)> {
    let background = leaves[0].1;
    let mut singles = Vec::new();
    for (i, &(first, leaf)) in leaves.iter().enumerate() {
        if leaf == background {
            continue;
        }
        let last = leaves.get(i + 1).map_or(end, |(next, _)| next - 1);
        if first != last || singles.len() == MOST_EXCEPTIONS {
            return None;
        }
        singles.push((first, leaf));
    }
    Some((background, singles))
}

/// Orders one call's `clauses` (any of which must hold) for compiling:
/// within a clause, checks of the argument most clauses test first, each
/// word's plain comparisons before its masked ones, so that a word is
/// loaded once; then the clauses in order, so that those sharing their
/// first checks follow each other (`Asm::any` tests a shared prefix once);
/// duplicates dropped, and everything after a clause that always holds.
pub(crate) fn normalize(clauses: &mut Vec<Clause>) {
    if let [one] = clauses.as_mut_slice() {
        one.sort_by_key(|k| (k.wide, k.arg, k.acc().map_or(0, |a| a.mask), *k));
        return;
    }
    if clauses.is_empty() {
        return;
    }
    let mut uses = [0usize; 6];
    for c in clauses.iter() {
        let mut seen = [false; 6];
        for k in c {
            seen[usize::from(k.arg)] = true;
        }
        for (u, s) in uses.iter_mut().zip(seen) {
            *u += usize::from(s);
        }
    }
    for c in clauses.iter_mut() {
        c.sort_by_key(|k| {
            let mask = k.acc().map_or(0, |a| a.mask);
            (
                k.wide,
                usize::MAX - uses[usize::from(k.arg)],
                k.arg,
                mask,
                *k,
            )
        });
        c.dedup();
    }
    clauses.sort();
    clauses.dedup();
    if let Some(always) = clauses.iter().position(Vec::is_empty) {
        clauses.truncate(always + 1);
        clauses.drain(..always);
    }
}

/// What the accumulator holds on every exit of `clauses` (from their
/// checks at `depth` on), when that is known: all of them compare the
/// same thing.
fn uniform(clauses: &[Clause], depth: usize) -> Option<Acc> {
    let mut checks = clauses.iter().flat_map(|c| c[depth..].iter());
    let first = checks.next()?.acc()?;
    checks.all(|k| k.acc() == Some(first)).then_some(first)
}

/// What a range of call numbers leads to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Leaf {
    /// The same answer whatever the arguments.
    Ret(u32),
    /// The body of `calls[i]` (the first call with these rules).
    Body(usize),
}

/// Whether two calls have the same rules (and so can share a body).
fn same_rules(a: &Call, b: &Call) -> bool {
    a.mode == b.mode && a.rights == b.rights && a.lookups == b.lookups && a.compat == b.compat
}

/// The answer to `call` whatever its arguments, if it has one.
fn constant(call: &Call, r: &Returns) -> Option<u32> {
    let end = if call.compat {
        libc::SECCOMP_RET_ERRNO | COMPAT_ERRNO as u32
    } else {
        libc::SECCOMP_RET_ALLOW
    };
    let always = |clauses: &[Clause]| clauses.iter().any(Vec::is_empty);
    match &call.mode {
        Some(clauses) if clauses.is_empty() => return Some(r.mode),
        Some(clauses) if !always(clauses) => return None,
        _ => {}
    }
    if always(&call.rights) {
        return Some(r.rights);
    }
    if !call.rights.is_empty() {
        return None;
    }
    if always(&call.lookups) {
        return Some(r.lookup);
    }
    call.lookups.is_empty().then_some(end)
}

/// The program for `calls` (sorted by number, distinct): numbers without
/// a call answer `r.other`.
pub(crate) fn program(calls: &[Call], r: &Returns) -> BpfProgram {
    // The ranges of numbers sharing an answer, each with its first number.
    let mut leaves: Vec<(u32, Leaf)> = Vec::with_capacity(2 * calls.len() + 1);
    let mut add = |first: u32, leaf: Leaf| match leaves.last() {
        Some((_, last)) if *last == leaf => {}
        _ => leaves.push((first, leaf)),
    };
    let mut next = 0u32;
    let mut bodies: Vec<usize> = Vec::new();
    for (i, call) in calls.iter().enumerate() {
        if call.nr > next {
            add(next, Leaf::Ret(r.other));
        }
        match constant(call, r) {
            Some(k) => add(call.nr, Leaf::Ret(k)),
            None => {
                // Calls with the same rules share one body.
                let first = bodies
                    .iter()
                    .copied()
                    .find(|&j| same_rules(&calls[j], call));
                let j = first.unwrap_or_else(|| {
                    bodies.push(i);
                    i
                });
                add(call.nr, Leaf::Body(j));
            }
        }
        next = call.nr + 1;
    }
    add(next, Leaf::Ret(r.other));

    let mut asm = Asm {
        code: Vec::with_capacity(1024),
        rets: Vec::with_capacity(8),
        bodies: vec![None; calls.len()],
    };
    let root = asm.search(&leaves, u32::MAX, calls, r);
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
