//! The table as the process reads it, worked out when the crate is
//! compiled from the rows as they are written (`ROWS`): every name in one
//! string, every reason in another, the alternatives and the needs in one
//! list each, and rows of plain numbers pointing into them
//! ([`Syscall`]). Only the two lists hold pointers (a few kilobytes),
//! where rows holding theirs filled nine pages that the program loader
//! copied and relocated at every start.

use super::super::rules::{Allow, Arg, Mode, ModeAt, Need, Row, Syscall, Text};
use super::ROWS;

/// Which of a row's texts.
#[derive(Clone, Copy)]
enum Which {
    Name,
    Why,
}

/// Row `i`'s text `which`.
const fn text(i: usize, which: Which) -> &'static str {
    match which {
        Which::Name => ROWS[i].name,
        Which::Why => ROWS[i].why,
    }
}

/// The bytes of every row's text `which`, one after the other.
const fn total(which: Which) -> usize {
    let mut sum = 0;
    let mut i = 0;
    while i < ROWS.len() {
        sum += text(i, which).len();
        i += 1;
    }
    sum
}

/// Every row's text `which`, one after the other, in row order.
const fn joined<const N: usize>(which: Which) -> [u8; N] {
    let mut out = [0; N];
    let mut at = 0;
    let mut i = 0;
    while i < ROWS.len() {
        let bytes = text(i, which).as_bytes();
        let mut j = 0;
        while j < bytes.len() {
            out[at] = bytes[j];
            at += 1;
            j += 1;
        }
        i += 1;
    }
    out
}

const NAMES_LEN: usize = total(Which::Name);
const WHYS_LEN: usize = total(Which::Why);

/// The rows' names.
static NAMES: [u8; NAMES_LEN] = joined(Which::Name);
/// The rows' reasons.
static WHYS: [u8; WHYS_LEN] = joined(Which::Why);

/// How many rows have capability-mode alternatives.
const ALTERNATIVES_LEN: usize = {
    let mut n = 0;
    let mut i = 0;
    while i < ROWS.len() {
        if let Mode::AllowIf(_) = ROWS[i].mode {
            n += 1;
        }
        i += 1;
    }
    n
};

/// How many rows have needs.
const NEEDS_LEN: usize = {
    let mut n = 0;
    let mut i = 0;
    while i < ROWS.len() {
        if !ROWS[i].needs.is_empty() {
            n += 1;
        }
        i += 1;
    }
    n
};

/// The alternatives of each row that has some, in row order.
static ALTERNATIVES: [&[Allow]; ALTERNATIVES_LEN] = {
    let mut out: [&[Allow]; ALTERNATIVES_LEN] = [&[]; ALTERNATIVES_LEN];
    let mut n = 0;
    let mut i = 0;
    while i < ROWS.len() {
        if let Mode::AllowIf(alternatives) = ROWS[i].mode {
            out[n] = alternatives;
            n += 1;
        }
        i += 1;
    }
    out
};

/// No needs, then the needs of each row that has some, in row order.
static NEEDS: [&[Need]; NEEDS_LEN + 1] = {
    let mut out: [&[Need]; NEEDS_LEN + 1] = [&[]; NEEDS_LEN + 1];
    let mut n = 1;
    let mut i = 0;
    while i < ROWS.len() {
        if !ROWS[i].needs.is_empty() {
            out[n] = ROWS[i].needs;
            n += 1;
        }
        i += 1;
    }
    out
};

/// Row `row` without pointers: its texts at `name` and `why`, its
/// alternatives at `alternatives` (when it has some), its needs at `needs`.
const fn pack(row: &Row, name: u32, why: u32, alternatives: u16, needs: u16) -> Syscall {
    let mut args = [Arg::Num; 6];
    let mut k = 0;
    while k < row.args.len() {
        args[k] = row.args[k];
        k += 1;
    }
    Syscall {
        nr: row.nr,
        name_at: Text {
            at: name,
            len: row.name.len() as u32,
        },
        arg_kinds: args,
        arity: row.args.len() as u8,
        mode_at: match row.mode {
            Mode::Allow => ModeAt::Allow,
            Mode::AllowIf(_) => ModeAt::AllowIf(alternatives),
            Mode::Deny => ModeAt::Deny,
            Mode::Enosys => ModeAt::Enosys,
        },
        needs_at: if row.needs.is_empty() { 0 } else { needs },
        why_at: Text {
            at: why,
            len: row.why.len() as u32,
        },
    }
}

/// Every system call of x86_64, in number order.
pub(crate) static TABLE: [Syscall; ROWS.len()] = {
    let empty = Syscall {
        nr: 0,
        name_at: Text { at: 0, len: 0 },
        arg_kinds: [Arg::Num; 6],
        arity: 0,
        mode_at: ModeAt::Deny,
        needs_at: 0,
        why_at: Text { at: 0, len: 0 },
    };
    let mut out = [empty; ROWS.len()];
    let (mut name, mut why, mut alternatives, mut needs) = (0, 0, 0, 1);
    let mut i = 0;
    while i < ROWS.len() {
        let row = &ROWS[i];
        out[i] = pack(row, name, why, alternatives, needs);
        name += row.name.len() as u32;
        why += row.why.len() as u32;
        if let Mode::AllowIf(_) = row.mode {
            alternatives += 1;
        }
        if !row.needs.is_empty() {
            needs += 1;
        }
        i += 1;
    }
    out
};

/// The text at `span` of `bytes`, which hold whole `&str`s one after the
/// other (`joined`).
fn str_at(bytes: &'static [u8], span: Text) -> &'static str {
    let (at, len) = (span.at as usize, span.len as usize);
    // SAFETY: `span` is where `joined` copied one whole `&str` (valid
    // UTF-8) into `bytes`, byte for byte (`TABLE`); read without a check
    // because the `SIGSYS` handler names calls with it (no panic path).
    unsafe { std::str::from_utf8_unchecked(bytes.get_unchecked(at..at + len)) }
}

impl Syscall {
    /// Its name (`SYS_` left out).
    pub(crate) fn name(&self) -> &'static str {
        str_at(&NAMES, self.name_at)
    }

    /// Why it is treated as it is (capabilities.conf, the man page, the
    /// kernel doc).
    pub(crate) fn why(&self) -> &'static str {
        str_at(&WHYS, self.why_at)
    }

    /// How capability mode treats it.
    pub(crate) fn mode(&self) -> Mode {
        match self.mode_at {
            ModeAt::Allow => Mode::Allow,
            ModeAt::AllowIf(i) => Mode::AllowIf(ALTERNATIVES[usize::from(i)]),
            ModeAt::Deny => Mode::Deny,
            ModeAt::Enosys => Mode::Enosys,
        }
    }

    /// What its descriptor arguments need.
    pub(crate) fn needs(&self) -> &'static [Need] {
        NEEDS[usize::from(self.needs_at)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each packed row reads back as the row it was packed from.
    #[test]
    fn every_row_reads_back_as_written() {
        assert_eq!(TABLE.len(), ROWS.len());
        for (packed, row) in TABLE.iter().zip(ROWS) {
            assert_eq!(packed.nr, row.nr);
            assert_eq!(packed.name(), row.name);
            assert_eq!(packed.why(), row.why);
            assert_eq!(packed.args(), row.args);
            assert!(std::ptr::eq(packed.needs(), row.needs) || packed.needs() == row.needs);
            match (packed.mode(), row.mode) {
                (Mode::Allow, Mode::Allow)
                | (Mode::Deny, Mode::Deny)
                | (Mode::Enosys, Mode::Enosys) => {}
                (Mode::AllowIf(a), Mode::AllowIf(b)) => {
                    assert_eq!(a.len(), b.len(), "{}", row.name);
                    for (x, y) in a.iter().zip(b) {
                        assert_eq!(x.gate, y.gate, "{}", row.name);
                        assert_eq!(x.when, y.when, "{}", row.name);
                    }
                }
                (a, b) => panic!("{}: {a:?} packed from {b:?}", row.name),
            }
        }
    }
}
