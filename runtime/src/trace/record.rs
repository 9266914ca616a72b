//! What the trace says of one denied operation: what it acted on, why
//! it was denied, the user's frames, and the record as printed.

use std::fmt::Write as _;

use crate::rights::Right;

use super::{propose, Described};

/// What a denied operation acted on.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Object {
    /// A path looked up from the current directory or from `/`.
    GlobalPath(String),
    /// A path looked up beneath a preopened directory.
    Beneath {
        /// The directory.
        dir: Box<Described>,
        /// The path as given.
        path: String,
    },
    /// A descriptor (limited by a declaration, or not).
    Descriptor {
        /// Its number.
        fd: i32,
        /// Its declaration, when the steps made it.
        decl: Option<Box<Described>>,
    },
    /// A new socket or address (`AF_INET socket`, `127.0.0.1:9`).
    Endpoint(String),
    /// Another process (`pid 1`).
    Process(String),
    /// An address a socket is bound to (`127.0.0.1:8090`).
    Bind(String),
    /// An address a socket connects to (`127.0.0.1:9`).
    Connect(String),
    /// A descriptor limited after entry: moved into the numbers reserved
    /// for a `limits(...)` set or for `fileargs`, whose rights it has.
    Limited { fd: i32 },
    /// Nothing to name beyond the call itself.
    None,
}

impl Object {
    pub(super) fn describe(&self) -> Option<String> {
        Some(match self {
            Object::GlobalPath(p) if p.starts_with('/') => format!("absolute path {p:?}"),
            Object::GlobalPath(p) => format!("path {p:?} relative to the current directory"),
            Object::Beneath { dir, path } => {
                format!("path {path:?} beneath {}", dir.declaration())
            }
            Object::Descriptor { fd, decl: Some(d) } => {
                format!("descriptor {fd}: {}", d.declaration())
            }
            Object::Descriptor { fd, decl: None } => {
                format!("descriptor {fd} (not a declared one)")
            }
            Object::Limited { fd } => format!(
                "descriptor {fd}, limited after entry: it has the rights of its `limits(...)` set (or of `fileargs`)"
            ),
            Object::Endpoint(e) => e.clone(),
            Object::Process(p) => p.clone(),
            Object::Bind(a) => format!("bind to address {a}"),
            Object::Connect(a) => format!("connection to address {a}"),
            Object::None => return None,
        })
    }
}

/// Why an operation was denied.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Reason {
    /// A global path lookup (Capsicum: `ECAPMODE`, namei).
    GlobalPath,
    /// A path that leaves the preopened directory it is looked up beneath.
    Escapes,
    /// A new network endpoint (Capsicum: `ECAPMODE`, sockaddr).
    Endpoint,
    /// Acting on another process (Capsicum: `ECAPMODE`, signal/cpuset).
    OtherProcess,
    /// A call capability mode does not allow at all.
    CapabilityMode,
    /// A call capability mode does not allow, and why (the Linux
    /// system-call table's reason).
    NotAllowed(&'static str),
    /// The descriptor lacks a right (Capsicum: `ENOTCAPABLE`).
    MissingRight(Right),
    /// The descriptor lacks rights: the first the filter checked, and every
    /// right the call needs that it lacks.
    MissingRights(Right, crate::rights::RightSet),
    /// The descriptor's rights forbid the operation itself (copies).
    NoCopies,
    /// The descriptor's `ioctls(..)` do not list the command.
    MissingIoctl {
        /// The command's name in the system's headers (`FIONREAD`).
        command: String,
        /// The word that declares it (`fionread`), if there is one.
        word: Option<crate::rights::Ioctl>,
    },
    /// The descriptor's `fcntls(..)` do not list the command.
    MissingFcntl {
        /// The command's name (`F_SETFL`).
        command: String,
        /// The word that declares it (`setfl`), if there is one.
        word: Option<crate::rights::Fcntl>,
    },
    /// The descriptor's rights do not allow the operation.
    Rights,
    /// A path form the sandbox cannot confine on this system, whatever the
    /// directory holds (why: the system-call table's reason).
    Unmediated(&'static str),
    /// Landlock refused a lookup beneath a preopened directory that does
    /// not leave it lexically (a symlink leading out, or an access the
    /// directory's rules lack).
    Refused,
}

impl Reason {
    pub(super) fn describe(&self) -> String {
        match self {
            Reason::GlobalPath => {
                "capability mode: path lookup outside every preopened directory".into()
            }
            Reason::Escapes => "path leaves its preopened directory".into(),
            Reason::Endpoint => "capability mode: no new network endpoints".into(),
            Reason::OtherProcess => "capability mode: acts on another process".into(),
            Reason::CapabilityMode => "not allowed in capability mode".into(),
            Reason::NotAllowed(why) => format!("not allowed in capability mode: {why}"),
            Reason::MissingRight(r) => {
                format!("missing right CAP_{}", r.name().to_ascii_uppercase())
            }
            Reason::MissingRights(first, all) => {
                let names: Vec<String> = all
                    .atoms()
                    .map(|r| format!("CAP_{}", r.name().to_ascii_uppercase()))
                    .collect();
                if names.len() > 1 {
                    format!("missing rights {}", names.join(", "))
                } else {
                    format!("missing right CAP_{}", first.name().to_ascii_uppercase())
                }
            }
            Reason::NoCopies => "a limited descriptor cannot be duplicated".into(),
            Reason::MissingIoctl { command, .. } => {
                format!("ioctl command {command} is not among the descriptor's `ioctls(..)`")
            }
            Reason::MissingFcntl { command, .. } => {
                format!("fcntl command {command} is not among the descriptor's `fcntls(..)`")
            }
            Reason::Rights => "the descriptor's rights do not allow it".into(),
            Reason::Unmediated(why) => format!("the path form cannot be confined: {why}"),
            Reason::Refused => "refused beneath its preopened directory, whose rights allow it: a symlink leading out of the directory (Landlock), or a path walked out of it".into(),
        }
    }
}

/// One frame of the user's code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Frame {
    /// The function (`violations::main`).
    pub function: String,
    /// `file:line:column`, when known.
    pub location: Option<String>,
}

/// One denied operation.
#[derive(Clone, Debug)]
pub(crate) struct Record {
    /// The system call's name (`openat`).
    pub syscall: String,
    /// The call with its arguments decoded (`openat(AT_FDCWD, "a", O_RDONLY)`).
    pub call: String,
    /// What it acted on.
    pub object: Object,
    /// Why it was denied.
    pub reason: Reason,
    /// The errno the program sees (`EPERM`).
    pub errno: &'static str,
    /// The user's frames, innermost first.
    pub frames: Vec<Frame>,
    /// Who made the call, when not the user's code itself.
    pub caller: Option<Caller>,
    /// Whether the call opened a directory (dry-run, where it was made).
    pub opened_dir: bool,
}

/// Who made a denied call: the user's code (itself, through libc or
/// std's path and socket APIs) or code it called.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Caller {
    /// The user's code.
    User,
    /// A library, or std doing something of its own: the function the
    /// user's code called (`tokio::runtime::builder::Builder::build`), or
    /// the outermost one when no user code is on the stack (a thread the
    /// library started).
    Library(String),
}

impl Record {
    /// The record as printed by `SANDBOXED_TRACE=1` and `trap`.
    pub(crate) fn render(&self) -> String {
        let mut s = format!("sandboxed: denied {} -> {}\n", self.call, self.errno);
        if let Some(object) = self.object.describe() {
            let _ = writeln!(s, "  object: {object}");
        }
        let _ = writeln!(s, "  reason: {}", self.reason.describe());
        let fix = propose::fix(self);
        if !fix.text.is_empty() {
            let _ = writeln!(s, "  fix: {}", fix.text);
        }
        render_frames(&mut s, &self.frames, "  ");
        s
    }

    pub(super) fn group(&self) -> (String, Option<String>, String) {
        (
            self.syscall.clone(),
            self.object.describe(),
            self.reason.describe(),
        )
    }
}

pub(super) fn render_frames(s: &mut String, frames: &[Frame], indent: &str) {
    for (i, f) in frames.iter().enumerate() {
        let head = if i == 0 { "at" } else { "  " };
        match &f.location {
            Some(l) => {
                let _ = writeln!(s, "{indent}{head} {} ({l})", f.function);
            }
            None => {
                let _ = writeln!(s, "{indent}{head} {}", f.function);
            }
        }
    }
}
