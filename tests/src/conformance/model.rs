//! What Capsicum answers, and how the Linux backend spells that answer.
//!
//! Capsicum's answer is one of [`Capsicum`]: an operation works when the
//! descriptor holds the rights it needs (capsicum-test's
//! `CHECK_RIGHT_RESULT`) and fails with `ENOTCAPABLE` otherwise; some calls
//! fail with `ECAPMODE` in capability mode (`EXPECT_CAPMODE`), some keep
//! working, some fail for other reasons (`EXPECT_FAIL_NOT_CAPMODE`);
//! lookups that are not strictly relative fail with `ENOTCAPABLE`
//! (`EXPECT_OPENAT_FAIL_TRAVERSAL`).
//!
//! The Linux translation is the errno column of the "Linux vs Capsicum"
//! table (runtime/src/backend/linux/mod.rs): `ECAPMODE` is `EPERM`,
//! `ENOTCAPABLE` is `EACCES` (Landlock answers `EXDEV` for a rename or
//! link it refuses), both recognized by `sandboxed::is_violation`; read(2)
//! and write(2) against a descriptor's narrowed access mode answer `EBADF`
//! (not a violation).

use sandboxed::rights::{Fcntl, Ioctl};
use sandboxed::{Right, RightSet};

use crate::harness::Expect;

/// The rights a declaration holds: the `rights(...)` list as written,
/// with `fcntls(...)` and `ioctls(...)` narrowing `fcntl` and `ioctl`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Held {
    /// The rights (atoms, as `RightSet` keeps them).
    pub rights: RightSet,
    /// `fcntls(...)`: `None` = every command.
    pub fcntls: Option<Vec<&'static str>>,
    /// `ioctls(...)`: `None` = every command.
    pub ioctls: Option<Vec<&'static str>>,
}

impl Held {
    /// Parses a rights list as the profiles write it
    /// (`read, seek, fcntls(getfl)`). A name the vocabulary lacks is held
    /// by nobody (it cannot be declared).
    pub fn parse(written: &str) -> Held {
        let mut held = Held::default();
        let mut rest = written;
        while !rest.trim().is_empty() {
            let (item, tail) = split_item(rest);
            rest = tail;
            let item = item.trim();
            if let Some(list) = sub_list(item, "fcntls") {
                held.rights = held.rights.union(Right::Fcntl.set());
                held.fcntls.get_or_insert_with(Vec::new).extend(list);
            } else if let Some(list) = sub_list(item, "ioctls") {
                held.rights = held.rights.union(Right::Ioctl.set());
                held.ioctls.get_or_insert_with(Vec::new).extend(list);
            } else if let Some(r) = Right::from_name(item) {
                held.rights = held.rights.union(r.set());
            }
        }
        held
    }

    /// Whether every right of `need` is held (capsicum-test's
    /// `cap_rights_contains`, with the `fcntl`/`ioctl` sub-rights).
    pub fn has(&self, need: &Need) -> bool {
        let known = need.rights.iter().all(|n| Right::from_name(n).is_some());
        let set = RightSet::of(
            &need
                .rights
                .iter()
                .filter_map(|n| Right::from_name(n))
                .collect::<Vec<_>>(),
        );
        known
            && self.rights.contains(set)
            && need
                .fcntl
                .is_none_or(|f| self.fcntls.as_ref().is_none_or(|l| l.contains(&f)))
            && need
                .ioctl
                .is_none_or(|i| self.ioctls.as_ref().is_none_or(|l| l.contains(&i)))
    }
}

/// `item, rest` at the first comma outside parentheses.
fn split_item(s: &str) -> (&str, &str) {
    let mut depth = 0;
    for (i, ch) in s.char_indices() {
        match ch {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => return (&s[..i], &s[i + 1..]),
            _ => {}
        }
    }
    (s, "")
}

/// The names inside `word(...)`.
fn sub_list(item: &str, word: &str) -> Option<Vec<&'static str>> {
    let inner = item
        .strip_prefix(word)?
        .trim()
        .strip_prefix('(')?
        .strip_suffix(')')?;
    Some(
        inner
            .split(',')
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(intern)
            .collect(),
    )
}

/// The static name of an `fcntls(...)`/`ioctls(...)` entry.
fn intern(name: &str) -> &'static str {
    Fcntl::ALL
        .iter()
        .map(|f| f.name())
        .chain(Ioctl::ALL.iter().map(|i| i.name()))
        .find(|n| *n == name)
        .unwrap_or("unknown")
}

/// The rights an operation needs on one descriptor, by rights(4) name
/// (a name the vocabulary lacks is never held), plus the `fcntls(...)` /
/// `ioctls(...)` command it needs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Need {
    /// Right names (`["read", "lookup"]`).
    pub rights: &'static [&'static str],
    /// The `fcntls(...)` entry the command needs.
    pub fcntl: Option<&'static str>,
    /// The `ioctls(...)` entry the command needs.
    pub ioctl: Option<&'static str>,
}

impl Need {
    /// Needs exactly `rights`.
    pub const fn of(rights: &'static [&'static str]) -> Need {
        Need {
            rights,
            fcntl: None,
            ioctl: None,
        }
    }
}

/// Capsicum's answer to one operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Capsicum {
    /// Works when the descriptor holds the rights (and the second
    /// descriptor its own), `ENOTCAPABLE` otherwise.
    Needs(Need, Option<Need>),
    /// Keeps working in capability mode.
    Allowed,
    /// `ECAPMODE`.
    CapMode,
    /// Fails, but not because of capability mode.
    NotCapMode,
    /// A lookup that is not strictly relative: `ENOTCAPABLE`.
    Traversal,
    /// This ordinary error.
    Ordinary(i32),
    /// The process is killed by this signal.
    Signal(i32),
    /// The operation reaches no device: it fails, whatever the error.
    NoDevice,
    /// Fails, for a reason of the call's own (capsicum-test's
    /// `EXPECT_EQ(-1, ...)`).
    Fails,
}

/// How the Linux backend answers `ENOTCAPABLE` for an operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Spelling {
    /// `EACCES`.
    Plain,
    /// `EACCES`, or `EXDEV` from Landlock (rename, link).
    Refer,
    /// `EACCES`, or `EBADF` from the narrowed access mode (read, write).
    AccessMode,
    /// poll(2): Capsicum answers `POLLNVAL` in `revents` for a descriptor
    /// without `event` (capability-fd.cc TryFileOps, select.cc TEST(Poll,
    /// LotsOFileDescriptors)), the probe reports it as `EBADF` (poll(2):
    /// "fd not open"), which is no violation.
    PollNval,
}

/// The Linux expectation of Capsicum's `answer` when the descriptors hold
/// `held` (and `held2`); `held_result` says what a held operation may
/// answer besides success (an ordinary error of its own).
pub fn expect(
    answer: Capsicum,
    held: Option<&Held>,
    held2: Option<&Held>,
    spelling: Spelling,
    may_fail: bool,
) -> Expect {
    const NOTCAP: &[i32] = &[libc::EACCES];
    const NOTCAP_REFER: &[i32] = &[libc::EACCES, libc::EXDEV];
    const MODE: &[i32] = &[libc::EPERM];
    const ACCMODE: &[i32] = &[libc::EBADF];
    const NONE: &[i32] = &[];
    let denied = |spelling: Spelling| match spelling {
        Spelling::Plain => Expect::Denied(NOTCAP),
        Spelling::Refer => Expect::Denied(NOTCAP_REFER),
        Spelling::AccessMode => Expect::DeniedOrRefused(NOTCAP, ACCMODE),
        Spelling::PollNval => Expect::DeniedOrRefused(NONE, ACCMODE),
    };
    match answer {
        Capsicum::Needs(need, need2) => {
            let ok = held.is_some_and(|h| h.has(&need))
                && need2.is_none_or(|n| held2.is_some_and(|h| h.has(&n)));
            match (ok, may_fail) {
                (true, false) => Expect::Allowed,
                (true, true) => Expect::NotDenied,
                (false, _) => denied(spelling),
            }
        }
        Capsicum::Allowed => Expect::Allowed,
        Capsicum::CapMode => Expect::Denied(MODE),
        Capsicum::NotCapMode => Expect::NotDenied,
        Capsicum::Traversal => denied(match spelling {
            Spelling::AccessMode | Spelling::PollNval => Spelling::Plain,
            s => s,
        }),
        Capsicum::Ordinary(e) => Expect::Ordinary(e),
        Capsicum::Signal(s) => Expect::Signal(s),
        Capsicum::NoDevice | Capsicum::Fails => Expect::Fails,
    }
}

/// Capsicum's answer in words, for messages.
pub fn describe(answer: Capsicum, held: bool) -> &'static str {
    match answer {
        Capsicum::Needs(..) if held => "works (rights held)",
        Capsicum::Needs(..) => "ENOTCAPABLE (a right is missing)",
        Capsicum::Allowed => "works in capability mode",
        Capsicum::CapMode => "ECAPMODE",
        Capsicum::NotCapMode => "fails, not for capability mode",
        Capsicum::Traversal => "ENOTCAPABLE (not strictly relative)",
        Capsicum::Ordinary(_) => "an ordinary error",
        Capsicum::Signal(_) => "killed by the signal",
        Capsicum::NoDevice => "no device access",
        Capsicum::Fails => "fails",
    }
}
