//! `SANDBOXED_TRACE`: finding the operations a program does that its
//! sandbox denies — the platform-free half (the mode, the records, the
//! dry-run report and its suggestions). The mechanisms live in the
//! backends (`backend/linux/trace/`: seccomp `SECCOMP_RET_TRAP` and a
//! `SIGSYS` handler; `backend/freebsd/trace.rs`: `procctl(PROC_TRAPCAP_CTL)`
//! and a `SIGTRAP` handler).
//!
//! | value | what happens |
//! |---|---|
//! | unset, empty, `0` | nothing: no handler, no extra filter rule |
//! | `1` (or `trace`) | sandboxed as usual; each denied operation prints one record on stderr (operation, object and its declaration, reason, backtrace of the user's code); the program still sees the error |
//! | `trap` | the first denied operation prints its record and stops the program with `SIGTRAP` (shell status 133), like FreeBSD's `kern.trap_enotcap` |
//! | `dry-run` | **nothing is enforced**; at exit, every operation the sandbox would have denied, grouped and counted, with the declaration that would allow it where one exists |
//!
//! Any other value refuses to start (setup error), so a typo never runs a
//! program differently than asked.
//!
//! `trace` is accepted as another name for `1`.
//!
//! The signal handlers only record raw facts in fixed slots (no lock, no
//! allocation, no call the sandbox denies: `backend/unix/trace`); a reporter
//! thread explains, symbolizes and prints them, with one write(2) on
//! descriptor 2 (never through std's stderr lock).

use std::ffi::OsStr;
use std::fmt::Write as _;
use std::sync::{Mutex, OnceLock};

mod propose;

use crate::decl::{self, Kind, OpenFlags};
use crate::rights::{Limits, Right};

/// The name of the environment variable.
pub const VARIABLE: &str = "SANDBOXED_TRACE";

/// What `SANDBOXED_TRACE` asks for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Not set: nothing is installed.
    #[default]
    Off,
    /// Enforce, report each denial, let the program see the error.
    Trace,
    /// Enforce, report the first denial and stop with `SIGTRAP`.
    Trap,
    /// Enforce nothing; report at exit what would have been denied.
    DryRun,
}

impl Mode {
    /// Parses the variable's value.
    pub(crate) fn parse(value: Option<&OsStr>) -> Result<Mode, String> {
        let Some(value) = value else {
            return Ok(Mode::Off);
        };
        match value.to_str() {
            Some("" | "0") => Ok(Mode::Off),
            Some("1" | "trace") => Ok(Mode::Trace),
            Some("trap") => Ok(Mode::Trap),
            Some("dry-run") => Ok(Mode::DryRun),
            _ => Err(format!(
                "{VARIABLE}={:?}: expected `1` (or `trace`), `trap` or `dry-run` (or unset)",
                value.to_string_lossy()
            )),
        }
    }

    /// Whether the sandbox is enforced in this mode.
    pub(crate) fn enforces(self) -> bool {
        self != Mode::DryRun
    }
}

static MODE: OnceLock<Mode> = OnceLock::new();

/// The mode of this process: read from the environment once, by
/// `__private::enter` before step 1 (an invalid value stops there), and
/// handed to the backend from there. A compartment's child reads it here.
pub(crate) fn mode() -> Mode {
    *MODE.get_or_init(|| Mode::parse(std::env::var_os(VARIABLE).as_deref()).unwrap_or(Mode::Off))
}

/// Reads and checks the variable; the setup error for an invalid value.
pub(crate) fn init() -> Result<Mode, String> {
    let parsed = Mode::parse(std::env::var_os(VARIABLE).as_deref())?;
    Ok(*MODE.get_or_init(|| parsed))
}

/// Exit status of a program stopped by `SANDBOXED_TRACE=trap` where the
/// `SIGTRAP` could not be delivered (128 + `SIGTRAP`, what a shell shows for
/// a process killed by it).
pub const TRAP_EXIT: i32 = 128 + 5;

/// A descriptor the steps opened or limited, as the trace names it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Described {
    /// Its number after step 3 (the backend may have moved it).
    pub fd: i32,
    /// The declaration (`config`, `stdout`).
    pub name: String,
    /// Where its path came from (`argv[1] = "a.txt"`); empty for stdio.
    pub origin: String,
    /// Its declared limits.
    pub limits: Limits,
    /// Whether it is a directory.
    pub dir: bool,
    /// The open flags of a preopen (`None` for stdio).
    pub flags: Option<OpenFlags>,
}

impl Described {
    /// `preopen `config` (argv[1] = "a.txt")`, `stdout`.
    pub(crate) fn declaration(&self) -> String {
        match (&self.flags, self.origin.is_empty()) {
            (Some(_), false) => format!("preopen `{}` ({})", self.name, self.origin),
            (Some(_), true) => format!("preopen `{}`", self.name),
            (None, _) => format!("`{}`", self.name),
        }
    }
}

static DESCRIPTORS: Mutex<Vec<Described>> = Mutex::new(Vec::new());

/// The declaration, kept for the dry-run summary (only when tracing).
static PLAN: Mutex<Option<decl::Plan>> = Mutex::new(None);

/// Keeps the declaration the steps carry out.
pub(crate) fn describe_plan(plan: &decl::Plan) {
    *PLAN.lock().unwrap_or_else(|p| p.into_inner()) = Some(plan.clone());
}

fn descriptors() -> std::sync::MutexGuard<'static, Vec<Described>> {
    DESCRIPTORS.lock().unwrap_or_else(|p| p.into_inner())
}

/// Step 3 records what each limited descriptor is (only when tracing).
pub(crate) fn describe_preopen(
    fd: i32,
    name: &str,
    origin: &str,
    kind: Kind,
    flags: OpenFlags,
    limits: Limits,
) {
    let mut all = descriptors();
    all.retain(|d| d.fd != fd);
    all.push(Described {
        fd,
        name: name.to_owned(),
        origin: origin.to_owned(),
        limits,
        dir: kind == Kind::Dir,
        flags: Some(flags),
    });
}

/// Step 3 records a limited standard stream (only when tracing).
pub(crate) fn describe_stdio(fd: i32, name: &str, limits: Limits) {
    let mut all = descriptors();
    all.retain(|d| d.fd != fd);
    all.push(Described {
        fd,
        name: name.to_owned(),
        origin: String::new(),
        limits,
        dir: false,
        flags: None,
    });
}

/// Every described descriptor.
pub(crate) fn all_described() -> Vec<Described> {
    descriptors().clone()
}

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
    /// Nothing to name beyond the call itself.
    None,
}

impl Object {
    fn describe(&self) -> Option<String> {
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
    fn describe(&self) -> String {
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

    fn group(&self) -> (String, Option<String>, String) {
        (
            self.syscall.clone(),
            self.object.describe(),
            self.reason.describe(),
        )
    }
}

fn render_frames(s: &mut String, frames: &[Frame], indent: &str) {
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

/// The crate of a function's path (`tokio` of
/// `<tokio::runtime::Runtime as Drop>::drop`).
fn crate_of(function: &str) -> &str {
    let mut f = function;
    loop {
        let trimmed = f
            .trim_start_matches(['<', '&', '*', '('])
            .trim_start_matches("mut ")
            .trim_start_matches("const ")
            .trim_start_matches("dyn ");
        if trimmed == f {
            break;
        }
        f = trimmed;
    }
    f.split("::").next().unwrap_or(f)
}

/// Whether `frame` is the program's own code: Rust source outside std's
/// (`/rustc/…`), the registry's and git checkouts of dependencies, and not
/// this crate's; without debug information, a function of `main_crate`.
fn is_user(frame: &Frame, main_crate: Option<&str>) -> bool {
    let crate_name = crate_of(&frame.function);
    if matches!(
        crate_name,
        "std" | "core" | "alloc" | "sandboxed" | "__rustc" | "<unknown>" | "rust_begin_unwind"
    ) || frame.function.starts_with("__")
    {
        return false;
    }
    match &frame.location {
        Some(location) => {
            let file = location.split(':').next().unwrap_or_default();
            file.ends_with(".rs")
                && !location.starts_with("/rustc/")
                && !location.contains("/.cargo/registry/")
                && !location.contains("/.cargo/git/")
                && !["library/std/", "library/core/", "library/alloc/"]
                    .iter()
                    .any(|l| location.starts_with(l) || location.contains(&format!("/{l}")))
        }
        None => main_crate == Some(crate_name),
    }
}

/// std's functions that take a path or an address from the caller: a
/// denial inside them is the caller's own call.
fn is_std_call_api(function: &str) -> bool {
    let f = function.trim_start_matches('<');
    [
        "std::fs::",
        "std::net::",
        "std::path::",
        "std::os::",
        "std::process::",
        "std::env::",
        "std::io::",
    ]
    .iter()
    .any(|p| f.starts_with(p))
}

/// From every symbolized frame of a denied call (innermost first, starting
/// at the call): the user's frames (at most 8, without std's, libc's,
/// dependencies' and this crate's), and who made the call.
pub(crate) fn user_frames(all: &[Frame]) -> (Vec<Frame>, Option<Caller>) {
    // The program's crate: the one whose `main` std's runtime calls.
    let main_crate = all
        .iter()
        .rev()
        .skip_while(|f| !f.function.starts_with("std::rt::lang_start"))
        .find(|f| f.function.ends_with("::main") && !f.function.starts_with("std::"))
        .map(|f| crate_of(&f.function).to_owned());
    let mut frames = Vec::new();
    let mut caller = None;
    for (i, f) in all.iter().enumerate() {
        if f.function.starts_with("std::rt::lang_start") || f.function.starts_with("__libc_start") {
            break;
        }
        if !is_user(f, main_crate.as_deref()) {
            continue;
        }
        if frames.is_empty() {
            // The function this user frame called, on the way to the call.
            let callee = all[..i]
                .iter()
                .rev()
                .find(|c| c.function != "<unknown>" && c.function.contains("::"));
            caller = Some(match callee {
                Some(c)
                    if !is_std_call_api(&c.function) && !c.function.starts_with("sandboxed::") =>
                {
                    Caller::Library(c.function.clone())
                }
                _ => Caller::User,
            });
        }
        frames.push(f.clone());
        if frames.len() == 8 {
            break;
        }
    }
    if frames.is_empty() {
        // No user code on the stack: a thread the runtime or a library
        // started. Name the outermost function that is not the thread's.
        caller = all
            .iter()
            .take_while(|f| !f.function.starts_with("std::rt::lang_start"))
            .filter(|f| {
                f.function.contains("::")
                    && !f.function.starts_with("core::")
                    && !f.function.starts_with("sandboxed::")
            })
            .last()
            .map(|f| Caller::Library(f.function.clone()));
    }
    (frames, caller)
}

static REPORT: Mutex<Vec<Record>> = Mutex::new(Vec::new());

/// Keeps `record` for the dry-run report.
pub(crate) fn keep(record: Record) {
    REPORT
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .push(record);
}

/// The dry-run report of everything kept, grouped by operation, object and
/// reason, in order of first occurrence; `lost` records did not fit the
/// handler's slots.
pub(crate) fn report(lost: u64) -> String {
    let records = REPORT.lock().unwrap_or_else(|p| p.into_inner());
    let mut text = render_report(&records);
    if lost > 0 {
        let _ = writeln!(
            text,
            "sandboxed: dry-run: {lost} more denied operations came faster than they could be recorded"
        );
    }
    text
}

fn render_report(records: &[Record]) -> String {
    let mut groups: Vec<(&Record, usize)> = Vec::new();
    for r in records {
        match groups.iter_mut().find(|(g, _)| g.group() == r.group()) {
            Some((_, n)) => *n += 1,
            None => groups.push((r, 1)),
        }
    }
    let mut s = String::new();
    if groups.is_empty() {
        s.push_str("sandboxed: dry-run: the declared sandbox would have denied nothing\n");
        return s;
    }
    let _ = writeln!(
        s,
        "sandboxed: dry-run: the declared sandbox would have denied {} operation{} ({} distinct):",
        records.len(),
        if records.len() == 1 { "" } else { "s" },
        groups.len()
    );
    for (r, n) in &groups {
        let _ = writeln!(s, "{n:>4} x {} -> {}", r.call, r.errno);
        if let Some(object) = r.object.describe() {
            let _ = writeln!(s, "       object: {object}");
        }
        let _ = writeln!(s, "       reason: {}", r.reason.describe());
        let fix = propose::fix(r);
        if fix.text.is_empty() {
            let _ = writeln!(
                s,
                "       fix: none (no declaration allows this; change the code)"
            );
        } else {
            let _ = writeln!(s, "       fix: {}", fix.text);
        }
        render_frames(&mut s, &r.frames[..r.frames.len().min(3)], "       ");
    }
    let plan = PLAN.lock().unwrap_or_else(|p| p.into_inner()).clone();
    if let Some(plan) = plan {
        s.push_str(&summary(&plan, &groups));
    }
    s
}

/// The declaration with every proposed addition, and what it covers: the
/// denials it removes alone, those that need the code to change too, and
/// those no declaration allows.
fn summary(plan: &decl::Plan, groups: &[(&Record, usize)]) -> String {
    let mut additions = Vec::new();
    let (mut alone, mut code, mut none) = (Vec::new(), Vec::new(), Vec::new());
    for (r, _) in groups {
        let fix = propose::fix(r);
        let line = match r.frames.first() {
            Some(f) => format!("{} in {}", r.call, f.function),
            None => r.call.clone(),
        };
        if let Some(a) = fix.addition {
            if !additions.contains(&a) {
                additions.push(a);
            }
        }
        match fix.cover {
            propose::Cover::Alone => alone.push(line),
            propose::Cover::WithCode => code.push(line),
            propose::Cover::Not => none.push(line),
        }
    }
    let mut s = String::new();
    if !additions.is_empty() {
        s.push_str("sandboxed: dry-run: the declaration with what would allow the above (in place of the attribute and main's parameters):\n");
        s.push_str(&propose::render(&propose::apply(plan, &additions)));
    }
    for (title, lines) in [
        ("removed by that declaration alone", alone),
        (
            "that declaration allows, once the code uses its handles (see each fix)",
            code,
        ),
        ("no declaration allows (change the code)", none),
    ] {
        if !lines.is_empty() {
            let _ = writeln!(s, "sandboxed: dry-run: {title}:");
            for l in lines {
                let _ = writeln!(s, "    {l}");
            }
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rights::RightSet;

    #[test]
    fn the_variable_has_three_values_and_rejects_others() {
        let p = |v: &str| Mode::parse(Some(OsStr::new(v)));
        assert_eq!(Mode::parse(None), Ok(Mode::Off));
        assert_eq!(p(""), Ok(Mode::Off));
        assert_eq!(p("0"), Ok(Mode::Off));
        assert_eq!(p("1"), Ok(Mode::Trace));
        assert_eq!(p("trace"), Ok(Mode::Trace));
        assert_eq!(p("trap"), Ok(Mode::Trap));
        assert_eq!(p("dry-run"), Ok(Mode::DryRun));
        assert_eq!(
            p("dryrun").unwrap_err(),
            "SANDBOXED_TRACE=\"dryrun\": expected `1` (or `trace`), `trap` or `dry-run` (or unset)"
        );
        assert!(!Mode::DryRun.enforces() && Mode::Trace.enforces());
    }

    fn config() -> Described {
        Described {
            fd: 4095,
            name: "config".into(),
            origin: "argv[1] = \"a.txt\"".into(),
            limits: Limits {
                rights: RightSet::of(&[Right::Read, Right::Fstat]),
                ..Limits::default()
            },
            dir: false,
            flags: Some(OpenFlags::READ),
        }
    }

    fn record(call: &str, object: Object, reason: Reason) -> Record {
        Record {
            syscall: call.split('(').next().unwrap().into(),
            call: call.into(),
            object,
            reason,
            errno: "EPERM",
            frames: vec![Frame {
                function: "violations::main".into(),
                location: Some("examples/src/bin/violations.rs:10:5".into()),
            }],
            caller: Some(Caller::User),
            opened_dir: false,
        }
    }

    #[test]
    fn a_record_names_operation_object_reason_fix_and_the_user_line() {
        let r = record(
            "write(4095, 5 bytes)",
            Object::Descriptor {
                fd: 4095,
                decl: Some(Box::new(config())),
            },
            Reason::MissingRight(Right::Write),
        );
        assert_eq!(
            r.render(),
            "sandboxed: denied write(4095, 5 bytes) -> EPERM\n\
             \x20 object: descriptor 4095: preopen `config` (argv[1] = \"a.txt\")\n\
             \x20 reason: missing right CAP_WRITE\n\
             \x20 fix: `rights(config = [read, write, fstat])` and open it with `write` (preopen `config`)\n\
             \x20 at violations::main (examples/src/bin/violations.rs:10:5)\n"
        );
    }

    #[test]
    fn global_paths_propose_a_preopen_a_service_or_say_what_helps() {
        let r = record(
            "openat(AT_FDCWD, \"/etc/localtime\", O_RDONLY|O_CLOEXEC)",
            Object::GlobalPath("/etc/localtime".into()),
            Reason::GlobalPath,
        );
        let fix = propose::fix(&r);
        assert!(
            fix.text.starts_with(
                "preopen it and use the handle: `preopen(localtime = file(\"/etc/localtime\"))`"
            ),
            "{}",
            fix.text
        );
        assert_eq!(fix.cover, propose::Cover::WithCode);
        let r = record(
            "openat(AT_FDCWD, \"/etc/resolv.conf\", O_RDONLY)",
            Object::GlobalPath("/etc/resolv.conf".into()),
            Reason::GlobalPath,
        );
        assert_eq!(propose::fix(&r).addition, Some(propose::Addition::Dns));
        let r = record(
            "openat(AT_FDCWD, \"out.log\", O_WRONLY|O_CREAT)",
            Object::GlobalPath("out.log".into()),
            Reason::GlobalPath,
        );
        assert!(propose::fix(&r)
            .text
            .contains("`preopen(out = file(\"out.log\", write, create))`"));
        // Code in a library: no preopen, and why.
        let mut r = record(
            "openat(AT_FDCWD, \"/proc/self/cgroup\", O_RDONLY|O_CLOEXEC)",
            Object::GlobalPath("/proc/self/cgroup".into()),
            Reason::GlobalPath,
        );
        r.caller = Some(Caller::Library("std::thread::available_parallelism".into()));
        let fix = propose::fix(&r);
        assert_eq!(fix.addition, None);
        assert_eq!(fix.cover, propose::Cover::Not);
        assert!(fix
            .text
            .contains("a preopen cannot help code that opens by path"));
        assert!(fix.text.contains("before entry"));
    }

    #[test]
    fn bind_proposes_bind_and_a_listening_handle_never_connect() {
        let r = record(
            "bind(3, 127.0.0.1:8090)",
            Object::Bind("127.0.0.1:8090".into()),
            Reason::Endpoint,
        );
        let fix = propose::fix(&r);
        assert!(fix
            .text
            .contains("net(modes = [bind], bind = [\"127.0.0.1:8090\"])"));
        assert!(fix.text.contains("net.listen("));
        assert!(!fix.text.contains("connect") && !fix.text.contains("preopen the socket"));
    }

    #[test]
    fn the_report_groups_and_counts() {
        let a = record(
            "openat(AT_FDCWD, \"/etc/localtime\", O_RDONLY)",
            Object::GlobalPath("/etc/localtime".into()),
            Reason::GlobalPath,
        );
        let b = record(
            "execve(\"/bin/true\")",
            Object::None,
            Reason::CapabilityMode,
        );
        let text = render_report(&[a.clone(), b, a]);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "sandboxed: dry-run: the declared sandbox would have denied 3 operations (2 distinct):"
        );
        assert_eq!(
            lines[1],
            "   2 x openat(AT_FDCWD, \"/etc/localtime\", O_RDONLY) -> EPERM"
        );
        assert_eq!(lines[2], "       object: absolute path \"/etc/localtime\"");
        assert!(lines.contains(&"   1 x execve(\"/bin/true\") -> EPERM"));
        assert!(lines.contains(&"       fix: none (no declaration allows this; change the code)"));
        assert_eq!(render_report(&[]).lines().count(), 1);
    }

    #[test]
    fn the_summary_is_the_whole_declaration_with_the_additions() {
        let plan = decl::Plan {
            preopens: vec![decl::Preopen {
                name: "config",
                kind: Kind::File,
                source: decl::Source::Arg(1),
                flags: OpenFlags::READ,
                limits: config().limits,
            }],
            ..decl::Plan::default()
        };
        let path = |p: &str, flags: &str| {
            record(
                &format!("openat(AT_FDCWD, {p:?}, {flags})"),
                Object::GlobalPath(p.into()),
                Reason::GlobalPath,
            )
        };
        let right = |r: Right| {
            record(
                "x(4095)",
                Object::Descriptor {
                    fd: 4095,
                    decl: Some(Box::new(config())),
                },
                Reason::MissingRights(r, r.set()),
            )
        };
        let mut dir = path("/sys/fs/cgroup/cpu", "O_RDONLY|O_DIRECTORY");
        dir.opened_dir = true;
        let records = [
            path("/etc/localtime", "O_RDONLY"),
            path("/etc/resolv.conf", "O_RDONLY"),
            path("/etc/hosts", "O_RDONLY"),
            // A directory and a file of the same stem: two names.
            dir,
            path("/sys/fs/cgroup/cpu/", "O_RDONLY"),
            path("/tmp/cpu", "O_RDONLY"),
            right(Right::Write),
            right(Right::Seek),
        ];
        let groups: Vec<(&Record, usize)> = records.iter().map(|r| (r, 1)).collect();
        let text = summary(&plan, &groups);
        assert!(text.contains(
            "    preopen(config = file(arg(1), read, write), localtime = file(\"/etc/localtime\"), cpu = dir(\"/sys/fs/cgroup/cpu\"), cpu_2 = dir(\"/sys/fs/cgroup/cpu/\"), cpu_3 = file(\"/tmp/cpu\")),\n"
        ), "{text}");
        assert!(
            text.contains("    rights(config = [read, write, seek_tell, seek, fstat], "),
            "{text}"
        );
        assert!(text.contains("    services(dns),\n"), "{text}");
        assert!(text.contains("fn main(config: sandboxed::File, localtime: sandboxed::File, cpu: sandboxed::Dir, cpu_2: sandboxed::Dir, cpu_3: sandboxed::File, dns: sandboxed::services::Dns)"), "{text}");
        assert!(text.contains("sandboxed: dry-run: removed by that declaration alone:\n    x(4095) in violations::main\n"), "{text}");
    }

    fn frame(function: &str, location: Option<&str>) -> Frame {
        Frame {
            function: function.into(),
            location: location.map(Into::into),
        }
    }

    #[test]
    fn the_crate_of_a_trait_method_is_its_type_s() {
        assert_eq!(crate_of("<&std::fs::File as std::io::Write>::write"), "std");
        assert_eq!(
            crate_of("<*mut tokio::x as core::ops::Drop>::drop"),
            "tokio"
        );
        assert_eq!(crate_of("violations::main"), "violations");
    }

    #[test]
    fn user_frames_skip_std_libc_and_dependencies() {
        let all = [
            frame(
                "__open64",
                Some("./io/../sysdeps/unix/sysv/linux/open64.c:41:10"),
            ),
            frame(
                "std::fs::read::inner",
                Some("/rustc/abc/library/std/src/fs.rs:300:5"),
            ),
            frame(
                "violations::late_clock",
                Some("./examples/src/bin/violations.rs:40:13"),
            ),
            frame(
                "violations::main",
                Some("./examples/src/bin/violations.rs:20:5"),
            ),
            frame(
                "core::ops::function::FnOnce::call_once",
                Some("/rustc/abc/library/core/src/ops/function.rs:250:5"),
            ),
            frame(
                "std::rt::lang_start::{{closure}}",
                Some("/rustc/abc/library/std/src/rt.rs:160:18"),
            ),
            frame("main", None),
        ];
        let (frames, caller) = user_frames(&all);
        assert_eq!(frames, [all[2].clone(), all[3].clone()]);
        assert_eq!(caller, Some(Caller::User));
    }

    #[test]
    fn a_library_call_is_named_by_the_function_the_user_called() {
        let all = [
            frame("__open64", None),
            frame(
                "std::fs::read_to_string::inner",
                Some("/rustc/abc/library/std/src/fs.rs:300:5"),
            ),
            frame(
                "std::sys::pal::unix::thread::cgroups::quota",
                Some("/rustc/abc/library/std/src/sys/pal/unix/thread.rs:1:1"),
            ),
            frame(
                "std::thread::available_parallelism",
                Some("/rustc/abc/library/std/src/thread/mod.rs:1:1"),
            ),
            frame(
                "tokio::runtime::builder::Builder::build",
                Some("/root/.cargo/registry/src/x/tokio-1.0/src/runtime/builder.rs:1:1"),
            ),
            frame("tok::main", Some("./src/main.rs:4:5")),
            frame("std::rt::lang_start::{{closure}}", None),
        ];
        let (frames, caller) = user_frames(&all);
        assert_eq!(frames, [all[5].clone()]);
        assert_eq!(
            caller,
            Some(Caller::Library(
                "tokio::runtime::builder::Builder::build".into()
            ))
        );
        // Without debug information: the crate whose `main` std calls.
        let bare: Vec<Frame> = all.iter().map(|f| frame(&f.function, None)).collect();
        let (frames, _) = user_frames(&bare);
        assert_eq!(frames, [bare[5].clone()]);
    }
}
