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
//! | `1` | sandboxed as usual; each denied operation prints one record on stderr (operation, object and its declaration, reason, backtrace of the user's code); the program still sees the error |
//! | `trap` | the first denied operation prints its record and stops the program with `SIGTRAP` (shell status 133), like FreeBSD's `kern.trap_enotcap` |
//! | `dry-run` | **nothing is enforced**; at exit, every operation the sandbox would have denied, grouped and counted, with the declaration that would allow it where one exists |
//!
//! Any other value refuses to start (setup error), so a typo never runs a
//! program differently than asked.
//!
//! The records are made inside a signal handler, which is not
//! async-signal-safe (it allocates and symbolizes a backtrace). This is a
//! debugging mode: denied calls are never made while the allocator's lock is
//! held (allocation only uses calls the sandbox allows), the record is
//! written with one write(2) on descriptor 2 (never through std's stderr lock),
//! and a denial *inside* the handler (say, the symbolizer opening a file) is
//! answered with the error and not reported, so the handler cannot recurse.

use std::ffi::OsStr;
use std::fmt::Write as _;
use std::sync::{Mutex, OnceLock};

use crate::decl::{Kind, OpenFlags};
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
                "{VARIABLE}={:?}: expected `1`, `trap` or `dry-run` (or unset)",
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
    /// The descriptor's rights forbid the operation itself (copies).
    NoCopies,
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
            Reason::NoCopies => "a limited descriptor cannot be duplicated".into(),
            Reason::Rights => "the descriptor's rights do not allow it".into(),
            Reason::Unmediated(why) => format!("the path form cannot be confined: {why}"),
            Reason::Refused => "refused beneath its preopened directory (a symlink leading out, or an access the directory's rights do not give)".into(),
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
}

impl Record {
    /// The record as printed by `SANDBOXED_TRACE=1` and `trap`.
    pub(crate) fn render(&self) -> String {
        let mut s = format!("sandboxed: denied {} -> {}\n", self.call, self.errno);
        if let Some(object) = self.object.describe() {
            let _ = writeln!(s, "  object: {object}");
        }
        let _ = writeln!(s, "  reason: {}", self.reason.describe());
        if let Some(fix) = suggestion(self) {
            let _ = writeln!(s, "  fix: {fix}");
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

/// A declaration name made from a path (`/etc/localtime` → `localtime`).
fn name_for(path: &str) -> String {
    let stem = std::path::Path::new(path)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut name: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert_str(0, "file_");
    }
    name
}

/// Files libc reads for a service, and the service that replaces them.
const SERVICE_FILES: &[(&str, &str)] = &[
    ("/etc/resolv.conf", "services(dns)"),
    ("/etc/hosts", "services(dns)"),
    ("/etc/nsswitch.conf", "services(dns)"),
    ("/etc/gai.conf", "services(dns)"),
    ("/etc/host.conf", "services(dns)"),
    ("/etc/services", "services(dns)"),
    ("/etc/passwd", "services(pwd)"),
    ("/etc/shadow", "services(pwd)"),
    ("/etc/group", "services(grp)"),
];

/// The declaration that would allow `record`, where one exists.
pub(crate) fn suggestion(record: &Record) -> Option<String> {
    match (&record.reason, &record.object) {
        (Reason::GlobalPath, Object::GlobalPath(path)) => {
            if let Some((_, service)) = SERVICE_FILES.iter().find(|(f, _)| f == path) {
                return Some(format!("declare `{service}` (libc reads {path} for it)"));
            }
            let flags = if record.call.contains("O_CREAT") {
                ", write, create"
            } else if record.call.contains("O_WRONLY") || record.call.contains("O_RDWR") {
                ", write"
            } else {
                ""
            };
            let kind = if record.call.contains("O_DIRECTORY") {
                "dir"
            } else {
                "file"
            };
            let mut fix = format!(
                "preopen `{}` with `preopen({} = {kind}({path:?}{flags}))`",
                path,
                name_for(path)
            );
            if let Some(parent) = std::path::Path::new(path).parent() {
                let parent = parent.to_string_lossy();
                let parent = if parent.is_empty() { "." } else { &parent };
                let _ = write!(
                    fix,
                    ", or its directory with `dir({parent:?})` and open it beneath"
                );
            }
            Some(fix)
        }
        (Reason::MissingRight(right), Object::Descriptor { decl: Some(d), .. }) => {
            let rights = d.limits.rights.union(right.set());
            let mut fix = format!("`rights({} = [{rights}])`", d.name);
            let needs_write_open = matches!(right, Right::Write | Right::Pwrite | Right::Ftruncate);
            if needs_write_open && d.flags.is_some_and(|f| !f.write && !f.append) {
                let _ = write!(fix, " and open it with `write` (preopen `{}`)", d.name);
            }
            Some(fix)
        }
        (Reason::MissingRight(right), Object::Beneath { dir, .. }) => {
            let rights = dir.limits.rights.union(right.set());
            Some(format!("`rights({} = [{rights}])`", dir.name))
        }
        (Reason::Endpoint, _) => Some(
            "connect or bind through the net service: `services(net(modes = [connect], connect = [\"HOST:PORT\"]))`, or preopen the socket"
                .into(),
        ),
        (Reason::Escapes, Object::Beneath { path, .. }) => Some(format!(
            "preopen what {path:?} names with a declaration of its own"
        )),
        _ => None,
    }
}

/// Parses std's backtrace text (`Backtrace`'s `Display`) into the frames of
/// the user's code: those after the signal handler `handler`, up to the
/// runtime's entry, without the standard library's and libc's frames.
/// `cwd` is stripped from locations.
pub(crate) fn user_frames(text: &str, handler: &str, cwd: &str) -> Vec<Frame> {
    let mut all: Vec<Frame> = Vec::new();
    for line in text.lines() {
        let t = line.trim_start();
        if let Some(location) = t.strip_prefix("at ") {
            if let Some(last) = all.last_mut() {
                last.location = Some(location.to_owned());
            }
        } else if let Some((n, function)) = t.split_once(": ") {
            if n.chars().all(|c| c.is_ascii_digit()) {
                all.push(Frame {
                    function: function.to_owned(),
                    location: None,
                });
            }
        }
    }
    let start = all
        .iter()
        .rposition(|f| f.function.contains(handler))
        .map_or(0, |i| i + 1);
    let mut frames = Vec::new();
    for mut f in all.into_iter().skip(start) {
        if f.function.contains("std::rt::lang_start") || f.function.contains("__libc_start") {
            break;
        }
        let Some(location) = &f.location else {
            continue;
        };
        // Only Rust sources (libc's are `.c`/`.S`); std prints paths
        // beneath the current directory as `./...`.
        let file = location.split(':').next().unwrap_or_default();
        if !file.ends_with(".rs")
            || location.starts_with("/rustc/")
            || location.contains("/.cargo/registry/")
            || location.contains("/library/std/")
            || location.contains("/library/core/")
            || f.function.starts_with("sandboxed::")
            || f.function.starts_with("core::ops::function")
        {
            continue;
        }
        if let Some(rel) = location
            .strip_prefix(cwd)
            .and_then(|l| l.strip_prefix('/'))
            .or_else(|| location.strip_prefix("./"))
        {
            f.location = Some(rel.to_owned());
        }
        // `violations::main::h0123456789abcdef` without the hash.
        if let Some((name, hash)) = f.function.rsplit_once("::h") {
            if hash.len() == 16 && hash.chars().all(|c| c.is_ascii_hexdigit()) {
                f.function = name.to_owned();
            }
        }
        frames.push(f);
        if frames.len() == 8 {
            break;
        }
    }
    frames
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
/// reason, in order of first occurrence.
pub(crate) fn report() -> String {
    let records = REPORT.lock().unwrap_or_else(|p| p.into_inner());
    render_report(&records)
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
    for (r, n) in groups {
        let _ = writeln!(s, "{n:>4} x {} -> {}", r.call, r.errno);
        if let Some(object) = r.object.describe() {
            let _ = writeln!(s, "       object: {object}");
        }
        let _ = writeln!(s, "       reason: {}", r.reason.describe());
        match suggestion(r) {
            Some(fix) => {
                let _ = writeln!(s, "       fix: {fix}");
            }
            None => {
                let _ = writeln!(
                    s,
                    "       fix: none (no declaration allows this; change the code)"
                );
            }
        }
        render_frames(&mut s, &r.frames[..r.frames.len().min(3)], "       ");
    }
    let summary = summary(records);
    if !summary.is_empty() {
        s.push_str("sandboxed: dry-run: declarations that would allow the above:\n");
        for line in summary {
            let _ = writeln!(s, "    {line}");
        }
    }
    s
}

/// The declarations that would allow `records`, merged: files that share a
/// directory become that directory, rights of one declaration are united,
/// services are named once.
fn summary(records: &[Record]) -> Vec<String> {
    let mut paths: Vec<&str> = Vec::new();
    let mut rights: Vec<(String, crate::rights::RightSet)> = Vec::new();
    let mut services: Vec<String> = Vec::new();
    let mut connect: Vec<String> = Vec::new();
    for r in records {
        match (&r.reason, &r.object) {
            (Reason::GlobalPath, Object::GlobalPath(p)) => {
                match SERVICE_FILES.iter().find(|(f, _)| f == p) {
                    Some((_, service)) => services.push((*service).to_owned()),
                    None => paths.push(p),
                }
            }
            (Reason::MissingRight(right), Object::Descriptor { decl: Some(d), .. }) => {
                match rights.iter_mut().find(|(n, _)| *n == d.name) {
                    Some((_, set)) => *set = set.union(right.set()),
                    None => rights.push((d.name.clone(), d.limits.rights.union(right.set()))),
                }
            }
            (Reason::Endpoint, Object::Endpoint(e)) => {
                if let Some(addr) = e.strip_prefix("address ") {
                    if !addr.starts_with("unix:") {
                        connect.push(format!("{addr:?}"));
                    }
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    let parent = |p: &str| {
        let parent = std::path::Path::new(p)
            .parent()
            .map(|d| d.to_string_lossy().into_owned())
            .unwrap_or_default();
        if parent.is_empty() {
            ".".to_owned()
        } else {
            parent
        }
    };
    let mut preopens: Vec<String> = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    for p in &paths {
        if seen.contains(p) {
            continue;
        }
        seen.push(p);
        let dir = parent(p);
        let siblings = paths.iter().filter(|q| parent(q) == dir).count()
            > paths.iter().filter(|q| *q == p).count();
        let entry = if siblings {
            format!("{} = dir({dir:?})", name_for(&dir))
        } else {
            format!("{} = file({p:?})", name_for(p))
        };
        if !preopens.contains(&entry) {
            preopens.push(entry);
        }
    }
    if !preopens.is_empty() {
        out.push(format!("preopen({}),", preopens.join(", ")));
    }
    if !rights.is_empty() {
        let list: Vec<String> = rights
            .iter()
            .map(|(n, set)| format!("{n} = [{set}]"))
            .collect();
        out.push(format!("rights({}),", list.join(", ")));
    }
    if !connect.is_empty() {
        connect.dedup();
        services.push(format!(
            "net(modes = [connect], connect = [{}])",
            connect.join(", ")
        ));
    }
    services.dedup();
    if !services.is_empty() {
        let list: Vec<String> = services
            .iter()
            .map(|s| {
                s.strip_prefix("services(")
                    .and_then(|s| s.strip_suffix(')'))
                    .unwrap_or(s)
                    .to_owned()
            })
            .collect();
        out.push(format!("services({}),", list.join(", ")));
    }
    out
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
        assert_eq!(p("trap"), Ok(Mode::Trap));
        assert_eq!(p("dry-run"), Ok(Mode::DryRun));
        assert_eq!(
            p("dryrun").unwrap_err(),
            "SANDBOXED_TRACE=\"dryrun\": expected `1`, `trap` or `dry-run` (or unset)"
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
    fn global_paths_suggest_a_preopen_or_a_service() {
        let r = record(
            "openat(AT_FDCWD, \"/etc/localtime\", O_RDONLY|O_CLOEXEC)",
            Object::GlobalPath("/etc/localtime".into()),
            Reason::GlobalPath,
        );
        assert_eq!(
            suggestion(&r).unwrap(),
            "preopen `/etc/localtime` with `preopen(localtime = file(\"/etc/localtime\"))`, or its directory with `dir(\"/etc\")` and open it beneath"
        );
        let r = record(
            "openat(AT_FDCWD, \"/etc/resolv.conf\", O_RDONLY)",
            Object::GlobalPath("/etc/resolv.conf".into()),
            Reason::GlobalPath,
        );
        assert_eq!(
            suggestion(&r).unwrap(),
            "declare `services(dns)` (libc reads /etc/resolv.conf for it)"
        );
        let r = record(
            "openat(AT_FDCWD, \"out.log\", O_WRONLY|O_CREAT)",
            Object::GlobalPath("out.log".into()),
            Reason::GlobalPath,
        );
        assert!(suggestion(&r)
            .unwrap()
            .starts_with("preopen `out.log` with `preopen(out = file(\"out.log\", write, create))`, or its directory with `dir(\".\")`"));
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
    fn the_summary_merges_siblings_rights_and_services() {
        let path = |p: &str| {
            record(
                &format!("openat(AT_FDCWD, {p:?}, O_RDONLY)"),
                Object::GlobalPath(p.into()),
                Reason::GlobalPath,
            )
        };
        let right = |r| {
            record(
                "x(4095)",
                Object::Descriptor {
                    fd: 4095,
                    decl: Some(Box::new(config())),
                },
                Reason::MissingRight(r),
            )
        };
        let records = [
            path("data/a.csv"),
            path("data/b.csv"),
            path("/etc/localtime"),
            path("/etc/resolv.conf"),
            path("/etc/hosts"),
            right(Right::Write),
            right(Right::Seek),
        ];
        assert_eq!(
            summary(&records),
            [
                "preopen(data = dir(\"data\"), localtime = file(\"/etc/localtime\")),",
                "rights(config = [read, write, seek_tell, seek, fstat]),",
                "services(dns),",
            ]
        );
    }

    #[test]
    fn user_frames_skip_the_handler_std_and_libc() {
        let text = "\
   0: std::backtrace::Backtrace::force_capture
             at /rustc/abc/library/std/src/backtrace.rs:312:9
   1: sandboxed::backend::imp::trace::on_sigsys
             at /w/runtime/src/backend/linux/trace.rs:100:5
   2: <unknown>
   3: __open64
             at ./io/../sysdeps/unix/sysv/linux/open64.c:41:10
   4: std::fs::read::inner
             at /rustc/abc/library/std/src/fs.rs:300:5
   5: violations::late_clock::h0123456789abcdef
             at /w/examples/src/bin/violations.rs:40:13
   6: violations::main
             at ./examples/src/bin/violations.rs:20:5
   7: core::ops::function::FnOnce::call_once
             at /rustc/abc/library/core/src/ops/function.rs:250:5
   8: std::rt::lang_start::{{closure}}
             at /rustc/abc/library/std/src/rt.rs:160:18
   9: main
";
        let frames = user_frames(text, "trace::on_sigsys", "/w");
        assert_eq!(
            frames,
            [
                Frame {
                    function: "violations::late_clock".into(),
                    location: Some("examples/src/bin/violations.rs:40:13".into())
                },
                Frame {
                    function: "violations::main".into(),
                    location: Some("examples/src/bin/violations.rs:20:5".into())
                },
            ]
        );
    }
}
