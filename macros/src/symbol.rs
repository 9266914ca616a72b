//! The words of the attribute's own syntax (keys, kinds, flags, sources),
//! and "did you mean". The vocabulary the runtime shares (rights, ioctls,
//! fcntls, services and their limits) is `sandboxed_vocab`'s; everything
//! the parser accepts is spelled once, in one of the two.

use sandboxed_vocab::Word;

/// Keys of the attribute itself.
pub const TOP_KEYS: &[&str] = &[
    "preopen",
    "rights",
    "services",
    "on_unsupported",
    "exit_code",
    "on_setup_error",
    "before_entry",
    "limits",
];

/// Kinds of preopen.
pub const KINDS: &[&str] = &[
    "file",
    "dir",
    "files",
    "tcp_listener",
    "unix_listener",
    "tcp_stream",
    "unix_stream",
];

/// Flags of `file(...)` and `files(...)`.
pub const FILE_FLAGS: &[&str] = &[
    "read",
    "write",
    "append",
    "create",
    "truncate",
    "exclusive",
    "mode",
    "optional",
    "dash",
    "fallible",
];

/// Flags of `dir(...)`.
pub const DIR_FLAGS: &[&str] = &["create", "mode"];

/// Flags of `fileargs(...)`: a file's, but those of a preopen alone
/// (`optional`, `dash`, `fallible`).
pub const FILEARGS_FLAGS: &[&str] = FILE_FLAGS.split_at(7).0;

/// Flags of `tcp_listener(...)` and `unix_listener(...)`.
pub const LISTENER_FLAGS: &[&str] = &["nonblocking", "backlog"];

/// Flags of `tcp_stream(...)` and `unix_stream(...)`.
pub const STREAM_FLAGS: &[&str] = &["nonblocking"];

/// Whether `word` is a flag of some kind, for "not a flag of this kind"
/// (rather than "unknown").
pub fn is_flag(word: &str) -> bool {
    [FILE_FLAGS, DIR_FLAGS, LISTENER_FLAGS, STREAM_FLAGS]
        .iter()
        .any(|flags| flags.contains(&word))
}

/// Source forms that are calls.
pub const SOURCES: &[&str] = &["arg", "args", "env"];

/// The names of every word of `W`, for "did you mean" and "expected one of".
pub fn names<W: Word>() -> impl Iterator<Item = &'static str> + Clone {
    W::ALL.iter().map(|w| w.name())
}

/// The candidate closest to `word`, if it is close enough to be a typo
/// (edit distance at most a third of the word, and at least 1).
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (word.len() / 3).max(1);
    candidates
        .into_iter()
        .map(|c| (distance(word, c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Levenshtein distance, with a transposition counted as one edit.
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    d[0] = (0..=b.len()).collect();
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closest_finds_typos_only() {
        assert_eq!(closest("raed", ["read", "write"]), Some("read"));
        assert_eq!(closest("fiel", KINDS.iter().copied()), Some("file"));
        assert_eq!(closest("banana", ["read", "write"]), None);
    }

    /// `fileargs` takes a file's open flags and none of a preopen's own.
    #[test]
    fn fileargs_flags_are_the_open_flags() {
        assert!(FILEARGS_FLAGS.ends_with(&["mode"]) && FILEARGS_FLAGS.len() == 7);
        for own in ["optional", "dash", "fallible"] {
            assert!(!FILEARGS_FLAGS.contains(&own), "{own}");
        }
        assert!(is_flag("backlog") && is_flag("dash") && !is_flag("lookup"));
    }
}
