//! What the compiler takes: comparisons of one argument with a constant
//! ([`Check`]), clauses of them stored once in an [`Arena`], and each
//! system call's lists of clauses ([`Call`]) with what its verdicts return
//! ([`Returns`]).

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
    pub(super) fn word(&self) -> u32 {
        16 + 8 * u32::from(self.arg) + 4 * u32::from(self.high)
    }

    /// What the accumulator must hold for its comparison (and holds
    /// after it): `None` for a 64-bit check, which loads both halves.
    pub(super) fn acc(&self) -> Option<Acc> {
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
pub(super) struct Acc {
    pub(super) word: u32,
    pub(super) mask: u32,
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
    pub(super) start: u32,
    pub(super) end: u32,
}

impl Span {
    pub(super) fn range(self) -> std::ops::Range<usize> {
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
    pub(super) clauses: Vec<Span>,
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

    /// Starts a clause: add its checks with [`Arena::check`], then end it
    /// with [`Arena::close`] and what this returned.
    pub(crate) fn open(&self) -> u32 {
        self.checks.len() as u32
    }

    /// Adds a check to the clause being built.
    pub(crate) fn check(&mut self, check: Check) {
        self.checks.push(check);
    }

    /// Ends the clause opened at `start`: it joins the list being built.
    pub(crate) fn close(&mut self, start: u32) {
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
    pub(super) fn same(&self, a: Span, b: Span) -> bool {
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
    pub(super) fn fingerprint(&self, list: Span) -> u64 {
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
    pub(super) fn always(&self, list: Span) -> bool {
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
    /// Trapped for dry-run when one of these holds (sent to the
    /// supervisor with `notify`).
    pub lookups: Span,
    /// Whether `lookups` is answered `Returns::notify` rather than
    /// `Returns::lookup`.
    pub notify: bool,
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
    /// The supervisor's notification (`SECCOMP_RET_USER_NOTIF`).
    pub notify: u32,
    /// A call that has no rules (`mode` for the program that holds
    /// capability mode, `ALLOW` for one of rights alone).
    pub other: u32,
}
