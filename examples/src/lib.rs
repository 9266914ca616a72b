//! The logic of the example programs, kept apart from their `main` so that
//! it can be tested without a sandbox. Each program in `src/bin/` declares
//! its sandbox with `#[sandboxed(...)]` and calls in here.

pub mod bspatch;
pub mod cat;
pub mod cmp;
pub mod replace;
pub mod sexp;
pub mod unzip;

use std::sync::atomic::{AtomicBool, Ordering};

/// An I/O error in the words the classic tools print: the OS message
/// alone ("No such file or directory"), without std's " (os error 2)".
pub fn os_error(e: &std::io::Error) -> String {
    let text = e.to_string();
    match e.raw_os_error() {
        Some(code) => text
            .strip_suffix(&format!(" (os error {code})"))
            .unwrap_or(&text)
            .to_owned(),
        None => text,
    }
}

/// Whether two metadata describe the same file: the same device and inode
/// (GNU's `SAME_INODE`), as tools check before reading a file they write.
pub fn same_file(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.dev() == b.dev() && a.ino() == b.ino()
}

/// A file name as coreutils prints it in messages (gnulib's `quotef`:
/// shell-escape quoting, only when needed): `'a b'`, `"it's"`,
/// `'x'$'\n''y'`; plain names as they are.
pub fn quote(name: &str) -> String {
    const SPECIAL: &str = " \t\"$&'()*;<=>?[\\]^`|!:";
    let needs = name.is_empty()
        || name.starts_with(['~', '#'])
        || (name.len() == 1 && name.starts_with(['{', '}']))
        || name.chars().any(|c| SPECIAL.contains(c) || c.is_control());
    if !needs {
        return name.to_owned();
    }
    if name.contains('\'')
        && !name
            .chars()
            .any(|c| "\"$`\\!".contains(c) || c.is_control())
    {
        return format!("\"{name}\"");
    }
    let mut out = String::from("'");
    for c in name.chars() {
        match c {
            '\'' => out.push_str("'\\''"),
            c if c.is_control() => {
                let escaped = match c {
                    '\n' => "\\n".to_owned(),
                    '\t' => "\\t".to_owned(),
                    '\r' => "\\r".to_owned(),
                    c => format!("\\{:03o}", c as u32),
                };
                out.push_str(&format!("'$'{escaped}''"));
            }
            c => out.push(c),
        }
    }
    out.push('\'');
    // `'x'$'\n''y'` ends well; a name ending in a control character would
    // end with an empty `''`.
    match out.strip_suffix("''") {
        Some(trimmed) if !trimmed.is_empty() => trimmed.to_owned(),
        _ => out,
    }
}

/// Whether standard stream `fd` was closed when the program started.
/// Rust's runtime opens `/dev/null` read-write on a closed standard
/// descriptor before `main` (std's `sanitize_standard_fds`), where a C
/// tool would see `EBADF`; a shell redirection never opens `/dev/null`
/// read-write on 0, 1 or 2 (`>` is write-only, `<` read-only), so a
/// read-write `/dev/null` there is taken for a closed stream.
pub fn was_closed(fd: std::os::fd::BorrowedFd<'_>) -> bool {
    let Ok(st) = rustix::fs::fstat(fd) else {
        return true;
    };
    let null = rustix::fs::FileType::from_raw_mode(st.st_mode)
        == rustix::fs::FileType::CharacterDevice
        && rustix::fs::major(st.st_rdev) == 1
        && rustix::fs::minor(st.st_rdev) == 3;
    null && rustix::fs::fcntl_getfl(fd).is_ok_and(|f| f.contains(rustix::fs::OFlags::RDWR))
}

/// getopt_long(3)'s reading of a long option: `name` (what follows `--`,
/// before any `=`) is an option of `table`, or abbreviates exactly one;
/// otherwise glibc's message (`arg` is the argument as given).
pub fn long_option(name: &str, arg: &str, table: &[&'static str]) -> Result<&'static str, String> {
    if let Some(exact) = table.iter().find(|l| **l == name) {
        return Ok(exact);
    }
    let matching: Vec<&str> = table
        .iter()
        .copied()
        .filter(|l| l.starts_with(name))
        .collect();
    match matching.as_slice() {
        [one] => Ok(one),
        [] => Err(format!("unrecognized option '{arg}'")),
        all => Err(ambiguous(&format!("--{name}"), all)),
    }
}

/// getopt_long(3)'s message for an ambiguous abbreviation (glibc):
/// `option '--num' is ambiguous; possibilities: '--number-nonblank'
/// '--number'`.
pub fn ambiguous(given: &str, candidates: &[&str]) -> String {
    let all: Vec<String> = candidates.iter().map(|c| format!("'--{c}'")).collect();
    format!(
        "option '{given}' is ambiguous; possibilities: {}",
        all.join(" ")
    )
}

/// Gives `SIGPIPE` back the disposition the process was started with,
/// which Rust's runtime replaced by "ignore" before `main`: by default a
/// tool writing into a closed pipe (`cat big | head -1`) then dies of the
/// signal, silently, as the C tools do, instead of reporting `EPIPE`; and
/// when its parent ignored the signal (`trap '' PIPE`, kept across
/// execve(2) as signal(7) says), the write fails with `EPIPE` and the tool
/// reports it, as the C tools do. sigaction(2) is allowed in capability
/// mode.
pub fn default_sigpipe() {
    if SIGPIPE_IGNORED_AT_START.load(Ordering::Relaxed) {
        return;
    }
    // SAFETY: signal(2) with SIG_DFL installs no handler; it changes only
    // this process's disposition of SIGPIPE.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

/// Whether `SIGPIPE` was ignored when the process started, as
/// [`note_sigpipe_at_start`] found it.
static SIGPIPE_IGNORED_AT_START: AtomicBool = AtomicBool::new(false);

/// Run by the dynamic loader among the program's constructors
/// (`.init_array`, before `main` and so before Rust's runtime sets
/// `SIGPIPE` to ignored): notes whether the parent left it ignored.
extern "C" fn note_sigpipe_at_start() {
    // SAFETY: sigaction(2) with a null new action only reads the current
    // disposition into `old`, a zeroed sigaction of this process's stack.
    let ignored = unsafe {
        let mut old: libc::sigaction = std::mem::zeroed();
        libc::sigaction(libc::SIGPIPE, std::ptr::null(), &mut old) == 0
            && old.sa_sigaction == libc::SIG_IGN
    };
    SIGPIPE_IGNORED_AT_START.store(ignored, Ordering::Relaxed);
}

// In the same module as `default_sigpipe`, which every tool calls, so the
// linker takes this entry along with it.
#[used]
#[link_section = ".init_array"]
static NOTE_SIGPIPE_AT_START: extern "C" fn() = note_sigpipe_at_start;

#[cfg(test)]
mod tests {
    #[test]
    fn names_are_quoted_as_coreutils_quotes_them() {
        for (name, want) in [
            ("plain.txt", "plain.txt"),
            ("a b", "'a b'"),
            ("it's", "\"it's\""),
            ("x\ny", "'x'$'\\n''y'"),
            ("a:b", "'a:b'"),
            ("~x", "'~x'"),
            ("x#", "x#"),
            ("é", "é"),
        ] {
            assert_eq!(super::quote(name), want, "{name:?}");
        }
    }

    #[test]
    fn os_error_drops_the_errno_suffix() {
        let e = std::io::Error::from_raw_os_error(2); // ENOENT
        assert_eq!(super::os_error(&e), "No such file or directory");
        let e = std::io::Error::other("plain");
        assert_eq!(super::os_error(&e), "plain");
    }
}
