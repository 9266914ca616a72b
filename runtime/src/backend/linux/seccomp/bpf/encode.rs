//! Classic BPF instructions (include/uapi/linux/filter.h,
//! include/uapi/linux/bpf_common.h) and the backwards assembler's
//! primitives: returns shared when in reach, jumps with a `JA` for far
//! targets, the loads and jumps of one check and of one clause.

use libc::sock_filter;

use super::clauses::{Acc, Check, Op};
use super::{Asm, Label};

/// A classic BPF program (`struct sock_filter` instructions,
/// include/uapi/linux/filter.h).
pub(crate) type BpfProgram = Vec<sock_filter>;

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

/// The largest conditional offset used before a `JA` takes over (two
/// trampolines may be put between a jump and its targets).
const NEAR: usize = 253;

impl<'a> Asm<'a> {
    /// The offset from the instruction written next to `target`.
    pub(super) fn offset(&self, target: Label) -> usize {
        self.code.len() - target - 1
    }

    pub(super) fn push(&mut self, code: u16, jt: u8, jf: u8, k: u32) -> Label {
        self.code.push(sock_filter { code, jt, jf, k });
        self.code.len() - 1
    }

    /// A `RET k` to jump to: a near one already written, or a new one.
    pub(super) fn ret(&mut self, k: u32) -> Label {
        if let Some(&(_, at)) = self.rets.iter().find(|(v, _)| *v == k) {
            if self.offset(at) <= NEAR {
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

    /// A new `JA` to `target`, written next.
    pub(super) fn ja_here(&mut self, target: Label) -> Label {
        let k = u32::try_from(self.offset(target)).expect("a program under 4 G instructions");
        self.push(BPF_JMP_JA, 0, 0, k)
    }

    /// A `JA` to `target`: one already written to it in reach of a
    /// conditional jump, or a new one.
    pub(super) fn ja(&mut self, target: Label) -> Label {
        if let Some(&(_, at)) = self.jas.iter().find(|(t, _)| *t == target) {
            if self.offset(at) <= NEAR {
                return at;
            }
        }
        let at = self.ja_here(target);
        match self.jas.iter_mut().find(|(t, _)| *t == target) {
            Some(slot) => slot.1 = at,
            None => self.jas.push((target, at)),
        }
        at
    }

    /// A conditional jump with the constant `k`: to `t` when it holds,
    /// else to `f`.
    pub(super) fn jump(&mut self, code: u16, k: u32, mut t: Label, mut f: Label) -> Label {
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

    pub(super) fn load(&mut self, offset: u32) -> Label {
        self.push(BPF_LD_W_ABS, 0, 0, offset)
    }

    /// `c`: to `pass` or `fail`; `entry`: what the accumulator holds
    /// before it, if known.
    pub(super) fn check(
        &mut self,
        c: &Check,
        pass: Label,
        fail: Label,
        entry: Option<Acc>,
    ) -> Label {
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
    pub(super) fn all(
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
}
