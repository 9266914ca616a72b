//! Errors of the steps, one variant per step, each naming the declaration,
//! where its path came from, and the system call that failed.

use std::fmt;
use std::io;

/// A failure to set up or enter the sandbox. The body never runs after one.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Step 1: a source could not be resolved (missing argument or
    /// variable) of a preopen or of `fileargs` (`name` is then `fileargs`).
    #[error("preopen `{name}` ({origin}): {reason}")]
    Resolve {
        /// The declaration.
        name: &'static str,
        /// The source as written (`argv[1]`, `$OUT_DIR`).
        origin: String,
        /// What is missing.
        reason: &'static str,
    },
    /// Step 2: open(2) / openat(2) / mkdir(2) failed.
    #[error("preopen `{name}` ({origin}): {}", OsError(.source))]
    Open {
        /// The declaration.
        name: &'static str,
        /// The source and the path it resolved to (`argv[1] = "a.bin"`).
        origin: String,
        /// The path as the user gave it (`a.bin`).
        path: std::path::PathBuf,
        /// The OS error.
        #[source]
        source: io::Error,
    },
    /// Step 3: limiting a descriptor's rights failed.
    #[error("rights of `{name}`: {syscall}: {}", OsError(.source))]
    Limit {
        /// The declaration (`stdin` for the standard streams).
        name: String,
        /// The call that failed (`cap_rights_limit`).
        syscall: &'static str,
        /// The OS error.
        #[source]
        source: io::Error,
    },
    /// Step 4: the program's `before_entry` function failed.
    #[error("before entry: {source}")]
    BeforeEntry {
        /// Its error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync + 'static>,
    },
    /// Step 4: warming a libc cache failed.
    #[error("caching {what} before entry: {}", OsError(.source))]
    Cache {
        /// What was being cached (`time zone data`).
        what: &'static str,
        /// The OS error.
        #[source]
        source: io::Error,
    },
    /// Step 5: a service channel could not be created or limited.
    #[error("service `{service}`: {syscall}: {}", OsError(.source))]
    Service {
        /// libcasper's name of the service (`system.dns`).
        service: &'static str,
        /// The call that failed (`cap_service_open`).
        syscall: &'static str,
        /// The OS error.
        #[source]
        source: io::Error,
    },
    /// Step 6: entering the sandbox failed.
    #[error("entering the sandbox: {syscall}: {}", OsError(.source))]
    Enter {
        /// The call that failed (`cap_enter`, `landlock_restrict_self`).
        syscall: &'static str,
        /// The OS error.
        #[source]
        source: io::Error,
    },
    /// Step 6: the kernel's confinement could not be built or applied.
    /// The source is the mechanism's own error, typed (on Linux the
    /// backend's confinement error, whose own source is the
    /// `landlock::RulesetError` or the OS error).
    #[error("entering the sandbox: {syscall}: {source}")]
    Confine {
        /// The call or mechanism that failed (`landlock`,
        /// `seccomp(SECCOMP_SET_MODE_FILTER)`).
        syscall: &'static str,
        /// Its error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync + 'static>,
    },
    /// The OS lacks what the sandbox needs and `on_unsupported = "deny"`.
    #[error("this system cannot enforce the sandbox: {missing}; refusing to run (`on_unsupported = \"warn\"` runs without it)")]
    Unsupported {
        /// What is missing, in words.
        missing: String,
    },
}

impl Error {
    /// The declaration the failure concerns (`old`), for steps 1-3.
    pub fn preopen(&self) -> Option<&str> {
        match self {
            Error::Resolve { name, .. } | Error::Open { name, .. } => Some(name),
            Error::Limit { name, .. } => Some(name),
            _ => None,
        }
    }

    /// Whether a command-line argument that a source names (`arg(N)`) is
    /// missing: the usual moment for a tool to print its usage.
    pub fn is_missing_argument(&self) -> bool {
        matches!(self, Error::Resolve { origin, .. } if origin.starts_with("argv["))
    }

    /// The path the user gave, when opening it failed (step 2): what a
    /// tool names in its own message (`cmp: missing: No such file or
    /// directory`).
    pub fn path(&self) -> Option<&std::path::Path> {
        match self {
            Error::Open { path, .. } => Some(path),
            _ => None,
        }
    }

    /// The OS error, where one caused the failure.
    pub fn os_error(&self) -> Option<&io::Error> {
        match self {
            Error::Open { source, .. }
            | Error::Limit { source, .. }
            | Error::Cache { source, .. }
            | Error::Service { source, .. }
            | Error::Enter { source, .. } => Some(source),
            _ => None,
        }
    }

    /// The OS error in the words the classic tools print ("No such file
    /// or directory", without std's " (os error 2)"); for other failures,
    /// the whole message.
    pub fn reason(&self) -> String {
        match self.os_error() {
            Some(e) => OsError(e).to_string(),
            None => self.to_string(),
        }
    }
}

/// A step's failure as a backend reports it: the system call and its error.
/// The steps add the declaration it concerns.
#[derive(Debug)]
pub struct Failure {
    /// The call that failed.
    pub syscall: &'static str,
    /// Its error.
    pub error: io::Error,
}

impl Failure {
    /// `syscall` failed with `errno` as last set.
    pub fn last_os_error(syscall: &'static str) -> Self {
        Failure {
            syscall,
            error: io::Error::last_os_error(),
        }
    }

    /// `syscall` failed with `error`.
    pub fn new(syscall: &'static str, error: impl Into<io::Error>) -> Self {
        Failure {
            syscall,
            error: error.into(),
        }
    }
}

/// The one line a failed setup prints without `on_setup_error`. What the
/// user typed wrong comes first, worded as the classic tools word it and
/// named after the program (`cmp: missing: No such file or directory`),
/// then the declaration it was for; a failure of the sandbox itself is
/// the library's (`sandboxed: ...`).
pub(crate) fn default_line(error: &Error, program: &str) -> String {
    match error {
        Error::Open {
            name, path, source, ..
        } => format!(
            "{program}: {}: {} (preopen `{name}`)",
            path.display(),
            OsError(source)
        ),
        Error::Resolve {
            name,
            origin,
            reason,
        } => format!("{program}: {reason}: {origin} (for `{name}`)"),
        other => format!("sandboxed: {other}"),
    }
}

/// The program's name as the user ran it: argv[0]'s last component
/// (`sandboxed` when there is none).
pub(crate) fn program_name() -> String {
    std::env::args_os()
        .next()
        .map(std::path::PathBuf::from)
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "sandboxed".to_owned())
}

/// Prints an `io::Error` as the OS words only ("No such file or directory"),
/// without std's " (os error 2)" suffix.
pub(crate) struct OsError<'a>(pub(crate) &'a io::Error);

impl fmt::Display for OsError<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = self.0.to_string();
        match self.0.raw_os_error() {
            Some(code) => {
                let suffix = format!(" (os error {code})");
                f.write_str(text.strip_suffix(&suffix).unwrap_or(&text))
            }
            None => f.write_str(&text),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_line_names_the_program_and_the_path_typed() {
        let open = Error::Open {
            name: "file2",
            origin: "{ & OPTIONS.file2 } = \"missing\"".to_owned(),
            path: "missing".into(),
            source: io::Error::from_raw_os_error(libc::ENOENT),
        };
        assert_eq!(
            default_line(&open, "cmp"),
            "cmp: missing: No such file or directory (preopen `file2`)"
        );
        let arg = Error::Resolve {
            name: "file1",
            origin: "argv[1]".to_owned(),
            reason: "missing command-line argument",
        };
        assert_eq!(
            default_line(&arg, "cmp"),
            "cmp: missing command-line argument: argv[1] (for `file1`)"
        );
        let cache = Error::Cache {
            what: "time zone data",
            source: io::Error::from_raw_os_error(libc::EACCES),
        };
        assert_eq!(
            default_line(&cache, "cmp"),
            "sandboxed: caching time zone data before entry: Permission denied"
        );
    }

    #[test]
    fn open_error_is_one_line_without_os_error_suffix() {
        let e = Error::Open {
            name: "old",
            origin: "argv[1] = \"a.bin\"".into(),
            path: "a.bin".into(),
            source: io::Error::from_raw_os_error(libc::ENOENT),
        };
        assert_eq!(
            e.to_string(),
            "preopen `old` (argv[1] = \"a.bin\"): No such file or directory"
        );
        assert_eq!(e.path(), Some(std::path::Path::new("a.bin")));
        assert_eq!(e.preopen(), Some("old"));
        assert_eq!(e.reason(), "No such file or directory");
    }
}
