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
mod attribute;
mod frames;
mod propose;
mod record;
#[cfg(test)]
mod tests;

// The backends that trace (Linux x86_64, FreeBSD) call it; elsewhere it
// is unused, as is much of this module (lib.rs allows its dead code).
#[allow(unused_imports)]
pub(crate) use frames::user_frames;
use record::render_frames;
pub(crate) use record::{Caller, Frame, Object, Reason, Record};

use crate::decl::{self, Kind, OpenFlags};
use crate::rights::Limits;

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
        s.push_str(&attribute::render(&propose::apply(plan, &additions)));
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
