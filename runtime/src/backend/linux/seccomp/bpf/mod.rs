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
//! reach of an 8-bit offset, farther targets get a `JA` (32-bit offset),
//! written next to the jump and shared by the later jumps to the same
//! target within reach (3–7% fewer instructions, with the returns shared,
//! in the programs `tests/pinned.rs` keeps). Only forward jumps; only the
//! instructions the cache emulation understands (`LD W ABS`, `JA`,
//! `JEQ`/`JGE`/`JGT`/`JSET` with a constant, `AND` with a constant,
//! `RET`). The clauses live in one [`Arena`], so building a program
//! allocates a few vectors, not one per clause.
//!
//! Here: the layout (the search over call numbers, bodies, tails);
//! `clauses.rs` the rules the compiler takes; `encode.rs` the
//! instructions and the backwards assembler's jumps and checks;
//! `alternatives.rs` one of several clauses, each shared test written
//! once.

mod alternatives;
mod clauses;
mod encode;

pub(crate) use clauses::{Arena, Call, Check, Op, Returns, Span};
pub(crate) use encode::{BpfProgram, BPF_MAXINSNS};

use libc::sock_filter;

use super::consts::{AUDIT_ARCH_X86_64, COMPAT_ERRNO};
use alternatives::Written;
use clauses::Acc;
use encode::{BPF_JMP_JEQ_K, BPF_JMP_JGE_K, BPF_LD_W_ABS};

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
    /// The latest `JA` to each far target (`Asm::ja`).
    jas: Vec<(Label, Label)>,
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

impl<'a> Asm<'a> {
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
                && other.notify == call.notify
                && arena.same(other.rights, call.rights)
                && arena.same(other.lookups, call.lookups)
        };
        if let Some(&(_, _, at)) = self.tails.iter().find(|t| same(t)) {
            return at;
        }
        let mut next = self.ret(end_of(call));
        if !call.lookups.is_empty() {
            let trap = self.ret(trap_of(call, r));
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
            Leaf::Body(b) => match self.bodies[b as usize].at {
                Some(at) => at,
                None => {
                    let at = self.body(b as usize, calls, r);
                    self.bodies[b as usize].at = Some(at);
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

/// What a range of call numbers leads to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Leaf {
    /// The same answer whatever the arguments.
    Ret(u32),
    /// Body `bodies[i]` (`Asm::bodies`); `u32` keeps the leaves' lists,
    /// fresh heap at entry, at 8 bytes a leaf.
    Body(u32),
}

/// Whether two calls have the same rules (and so can share a body).
fn same_rules(arena: &Arena, a: &Call, b: &Call) -> bool {
    a.compat == b.compat
        && a.notify == b.notify
        && match (a.mode, b.mode) {
            (None, None) => true,
            (Some(x), Some(y)) => arena.same(x, y),
            _ => false,
        }
        && arena.same(a.rights, b.rights)
        && arena.same(a.lookups, b.lookups)
}

/// What `call` returns when one of its `lookups` holds.
fn trap_of(call: &Call, r: &Returns) -> u32 {
    if call.notify {
        r.notify
    } else {
        r.lookup
    }
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
        return Some(trap_of(call, r));
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
                    ^ u64::from(call.compat)
                    ^ u64::from(call.notify) << 1;
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
                add(call.nr, Leaf::Body(b as u32));
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
        jas: Vec::with_capacity(16),
        tails: Vec::with_capacity(bodies.len()),
        bodies,
        written: Vec::with_capacity(32),
    };
    let root = asm.search(&runs, &holes, calls, r);
    if asm.offset(root) != 0 {
        asm.ja_here(root);
    }
    let nr = asm.load(0); // seccomp_data.nr
    let foreign = asm.ret(r.mode);
    asm.jump(BPF_JMP_JEQ_K, AUDIT_ARCH_X86_64, nr, foreign);
    asm.load(4); // seccomp_data.arch
    asm.code.reverse();
    asm.code
}
