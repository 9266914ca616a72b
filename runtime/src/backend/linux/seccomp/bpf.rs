//! The compiler: rules (per system call, clauses of argument comparisons)
//! to classic BPF programs, with the `seccompiler` crate behind a binary
//! search on the system call number. Knows nothing of the table.

use std::collections::BTreeMap;

use seccompiler::{
    sock_filter, BpfProgram, SeccompAction, SeccompCmpArgLen, SeccompCmpOp, SeccompCondition,
    SeccompFilter, SeccompRule, TargetArch,
};

use super::consts::{AUDIT_ARCH_X86_64, MODE_ERRNO};

/// A comparison of one argument with a constant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Check {
    /// The argument (0..6).
    pub arg: u8,
    /// All 64 bits (pointers, offsets) rather than the low 32 (`int`s:
    /// descriptors, flags, commands; the kernel ignores the upper half).
    pub wide: bool,
    /// The comparison.
    pub op: Op,
    /// The constant.
    pub value: u64,
}

/// How an argument is compared (unsigned).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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
    MaskedEq(u64),
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

    pub(crate) fn condition(&self) -> SeccompCondition {
        let len = if self.wide {
            SeccompCmpArgLen::Qword
        } else {
            SeccompCmpArgLen::Dword
        };
        let op = match self.op {
            Op::Eq => SeccompCmpOp::Eq,
            Op::Ne => SeccompCmpOp::Ne,
            Op::Ge => SeccompCmpOp::Ge,
            Op::Le => SeccompCmpOp::Le,
            Op::MaskedEq(mask) => SeccompCmpOp::MaskedEq(mask),
        };
        SeccompCondition::new(self.arg, len, op, self.value).expect("argument index below 6")
    }
}

/// Checks that must all hold.
pub(crate) type Clause = Vec<Check>;

/// The rules of one program, by system call: `None` matches whatever the
/// arguments; `Some(clauses)` when one of the clauses holds.
#[derive(Clone, Debug, Default)]
pub(crate) struct Rules(pub BTreeMap<u32, Option<Vec<Clause>>>);

impl Rules {
    /// `nr` matches when all of `clause` holds (always, if empty).
    pub(crate) fn add(&mut self, nr: u32, clause: Clause) {
        let entry = self.0.entry(nr).or_insert_with(|| Some(Vec::new()));
        if clause.is_empty() {
            *entry = None;
        } else if let Some(clauses) = entry {
            clauses.push(clause);
        }
    }

    /// `nr` matches whatever its arguments.
    pub(crate) fn always(&mut self, nr: u32) {
        self.add(nr, Vec::new());
    }

    /// One item per clause (`None`: the call matches whatever its
    /// arguments), for splitting over several programs.
    pub(crate) fn into_items(self) -> Vec<(u32, Option<Clause>)> {
        let mut items = Vec::new();
        for (nr, clauses) in self.0 {
            match clauses {
                None => items.push((nr, None)),
                Some(clauses) => items.extend(clauses.into_iter().map(|c| (nr, Some(c)))),
            }
        }
        items
    }

    pub(crate) fn from_items(items: &[(u32, Option<Clause>)]) -> Rules {
        let mut rules = Rules::default();
        for (nr, clause) in items {
            rules.add(*nr, clause.clone().unwrap_or_default());
        }
        rules
    }

    /// Compiles the rules: calls that match get `matched`, others
    /// `mismatch`. seccompiler tests the system call number against each
    /// call of a filter in turn; when the kernel attaches a program it
    /// emulates it for every system call number to fill its action cache
    /// (kernel/seccomp.c, `seccomp_cache_prepare`), so a long chain costs
    /// milliseconds at entry and tens of nanoseconds per uncached call.
    /// The calls are therefore split into groups of `GROUP`, each compiled
    /// by seccompiler, behind a binary search on the number (`dispatch`).
    pub(crate) fn compile(
        self,
        mismatch: SeccompAction,
        matched: SeccompAction,
    ) -> Result<BpfProgram, seccompiler::BackendError> {
        let filter = |entries: &[Entry]| {
            let rules = entries
                .iter()
                .map(|(nr, clauses)| {
                    let rules = clauses
                        .iter()
                        .flatten()
                        .map(|c| {
                            SeccompRule::new(c.iter().map(Check::condition).collect())
                                .expect("clauses are not empty")
                        })
                        .collect();
                    (i64::from(*nr), rules)
                })
                .collect();
            SeccompFilter::new(rules, mismatch.clone(), matched.clone(), TargetArch::x86_64)
                .expect("distinct actions")
        };
        let entries: Vec<Entry> = self.0.into_iter().collect();
        if entries.len() <= GROUP {
            return compile(filter(&entries));
        }
        let groups: Vec<&[Entry]> = entries.chunks(GROUP).collect();
        let bodies = groups
            .iter()
            .map(|g| compile(filter(g)))
            .collect::<Result<Vec<_>, _>>()?;
        let firsts: Vec<u32> = groups.iter().map(|g| g[0].0).collect();
        Ok(dispatch(&firsts, bodies))
    }
}

/// A call and its clauses (`None`: whatever the arguments).
type Entry = (u32, Option<Vec<Clause>>);

/// Calls per group behind the binary search (see `Rules::compile`).
const GROUP: usize = 6;

/// Classic BPF opcodes (include/uapi/linux/bpf_common.h).
pub(crate) const BPF_LD_W_ABS: u16 = 0x20;
pub(crate) const BPF_JMP_JA: u16 = 0x05;
pub(crate) const BPF_JMP_JGE_K: u16 = 0x35;
pub(crate) const BPF_JMP_JEQ_K: u16 = 0x15;
pub(crate) const BPF_RET_K: u16 = 0x06;

fn insn(code: u16, jt: u8, jf: u8, k: u32) -> sock_filter {
    sock_filter { code, jt, jf, k }
}

/// One program from seccompiler-compiled `bodies`, body `i` handling the
/// calls from `firsts[i]` up to the next group's first: the architecture
/// check (foreign → `EPERM`), then a binary search on the call number
/// (`JGE`), whose leaves jump (`JA`, 32-bit offsets) to the bodies. Only
/// forward jumps, each body ends in returns, so the bodies run unchanged;
/// each still checks the architecture and number itself. Every
/// instruction is one the kernel's cache emulation understands.
fn dispatch(firsts: &[u32], bodies: Vec<BpfProgram>) -> BpfProgram {
    let mut prog: BpfProgram = vec![
        insn(BPF_LD_W_ABS, 0, 0, 4), // seccomp_data.arch
        insn(BPF_JMP_JEQ_K, 1, 0, AUDIT_ARCH_X86_64),
        insn(BPF_RET_K, 0, 0, libc::SECCOMP_RET_ERRNO | MODE_ERRNO as u32),
        insn(BPF_LD_W_ABS, 0, 0, 0), // seccomp_data.nr
    ];
    let mut leaves = Vec::with_capacity(firsts.len());
    fn search(
        firsts: &[u32],
        lo: usize,
        hi: usize,
        prog: &mut BpfProgram,
        leaves: &mut Vec<(usize, usize)>,
    ) {
        if hi - lo == 1 {
            leaves.push((prog.len(), lo));
            prog.push(insn(BPF_JMP_JA, 0, 0, 0));
            return;
        }
        let mid = (lo + hi) / 2;
        let node = prog.len();
        prog.push(insn(BPF_JMP_JGE_K, 0, 0, firsts[mid]));
        search(firsts, lo, mid, prog, leaves);
        // A subtree of n leaves is 2n - 1 instructions: with at most 4096
        // instructions in all, the left one stays within the 8-bit offset.
        prog[node].jt = u8::try_from(prog.len() - node - 1).expect("subtree within 255");
        search(firsts, mid, hi, prog, leaves);
    }
    search(firsts, 0, firsts.len(), &mut prog, &mut leaves);
    let mut starts = Vec::with_capacity(bodies.len());
    for body in bodies {
        starts.push(prog.len());
        prog.extend(body);
    }
    for (at, group) in leaves {
        prog[at].k = (starts[group] - at - 1) as u32;
    }
    prog
}

/// Compiles `filter` and makes its architecture check answer `EPERM`
/// instead of killing the process: seccompiler ends the check with
/// `SECCOMP_RET_KILL_PROCESS`; a foreign-architecture call should fail
/// like any other denied call, with an errno.
pub(crate) fn compile(filter: SeccompFilter) -> Result<BpfProgram, seccompiler::BackendError> {
    let mut prog: BpfProgram = filter.try_into()?;
    // seccompiler's `build_arch_validation_sequence`: load arch, jump if
    // equal, return KILL_PROCESS. Patch only that exact instruction; any
    // other shape keeps the (stricter) kill.
    if let Some(ret) = prog.get_mut(2) {
        if ret.code == BPF_RET_K && ret.k == libc::SECCOMP_RET_KILL_PROCESS {
            ret.k = libc::SECCOMP_RET_ERRNO | MODE_ERRNO as u32;
        }
    }
    Ok(prog)
}

/// A BPF program's length limit (`BPF_MAXINSNS`,
/// include/uapi/linux/bpf_common.h).
pub(crate) const BPF_MAXINSNS: usize = 4096;

/// Compiles a deny-only program's `items` into as few programs as fit
/// `BPF_MAXINSNS` each, halving until they do: a call is denied when any
/// of them matches. (The whole stack must also stay under
/// `MAX_INSNS_PER_PATH`, 32768 instructions plus 4 per program,
/// kernel/seccomp.c; `seccomp(2)` answers `ENOMEM` beyond.)
pub(crate) fn compile_split(
    items: &[(u32, Option<Clause>)],
    denied: &SeccompAction,
    out: &mut Vec<BpfProgram>,
) -> Result<(), seccompiler::BackendError> {
    let program = Rules::from_items(items).compile(SeccompAction::Allow, denied.clone());
    match program {
        Ok(program) if program.len() <= BPF_MAXINSNS => {
            out.push(program);
            return Ok(());
        }
        Ok(_) | Err(seccompiler::BackendError::FilterTooLarge(_)) if items.len() >= 2 => {}
        Ok(program) => {
            out.push(program);
            return Ok(());
        }
        Err(e) => return Err(e),
    }
    let (first, second) = items.split_at(items.len() / 2);
    compile_split(first, denied, out)?;
    compile_split(second, denied, out)
}

/// Rewrites the program's `RET from` instructions to `RET to`: how the
/// trace modes turn denials into `SECCOMP_RET_TRAP` (seccompiler's
/// actions carry no data for `Trap`).
pub(crate) fn retarget(program: &mut BpfProgram, from: u32, to: u32) {
    for insn in program.iter_mut() {
        if insn.code == BPF_RET_K && insn.k == from {
            insn.k = to;
        }
    }
}
