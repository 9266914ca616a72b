//! What the Linux `SIGSYS` and the FreeBSD `SIGTRAP` handlers share: the
//! discipline that keeps them from hanging or crashing the program.
//!
//! A handler runs on the thread whose call was denied, at any point of that
//! thread's work — possibly while it holds std's stderr lock, the
//! allocator's lock or std's backtrace lock. So the handler takes no lock,
//! allocates nothing, and makes no call the sandbox can deny: it records
//! raw facts in a fixed-size slot ([`ring`]: the call's number and
//! arguments and the memory its pointers name where the kernel gives them
//! (Linux: `backend/linux/trace/copy.rs`), and the return addresses
//! ([`unwind`])), hands the slot to
//! the reporter thread, and waits for it with a timeout (`trace`, `trap`)
//! or not at all (`dry-run`). The reporter, an ordinary thread started
//! before entry, explains the record (the backend's system-call knowledge),
//! symbolizes its addresses from the executable opened before entry
//! ([`symbols`]), and prints it. If the reporter cannot answer in time
//! (it is stuck, or this is a child forked after entry, which has no
//! reporter), the handler prints the call's number and addresses itself
//! from a stack buffer ([`fallback`]).

pub(crate) mod panic;
pub(crate) mod ring;
pub(crate) mod symbols;
pub(crate) mod unwind;

use std::cell::Cell;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use ring::{Claim, RawRecord, Ring};

/// The records between the handlers and the reporter.
pub(crate) static RING: Ring = Ring::new();

/// The process whose reporter thread runs (0: none yet).
static REPORTER: AtomicI32 = AtomicI32::new(0);

/// One reader at a time: the reporter, or the at-exit report.
static READER: Mutex<()> = Mutex::new(());

/// How long a handler waits for its record to be printed.
pub(crate) const PRINT_TIMEOUT: Duration = Duration::from_secs(5);

thread_local! {
    /// Set on the reporter thread and while this thread explains, prints
    /// or symbolizes a record: a denial there is answered, never recorded
    /// (and never waited for).
    static REPORTING: Cell<bool> = const { Cell::new(false) };
}

/// Whether this thread is reporting (async-signal-safe: a const
/// thread-local without destructor is a plain TLS read).
pub(crate) fn reporting() -> bool {
    REPORTING.with(Cell::get)
}

/// Runs `f` with this thread marked as reporting.
pub(crate) fn while_reporting<T>(f: impl FnOnce() -> T) -> T {
    let before = REPORTING.with(|r| r.replace(true));
    let out = f();
    REPORTING.with(|r| r.set(before));
    out
}

/// Marks this thread as reporting for good (a handler about to end the
/// process).
pub(crate) fn mark_reporting() {
    REPORTING.with(|r| r.set(true));
}

/// Whether a reporter thread runs in this process (a child forked after
/// entry has none).
pub(crate) fn has_reporter() -> bool {
    // SAFETY: getpid(2) cannot fail and is async-signal-safe.
    REPORTER.load(Ordering::Acquire) == unsafe { libc::getpid() }
}

/// Every function at each address of `ips`, innermost first, as frames
/// for the trace records (outside handlers: it allocates and may map the
/// executable).
pub(crate) fn frames(ips: &[usize]) -> Vec<crate::trace::Frame> {
    ips.iter()
        .flat_map(|&ip| symbols::resolve(ip))
        .map(|s| crate::trace::Frame {
            location: s.source_location(),
            function: s.function.unwrap_or_else(|| "<unknown>".into()),
        })
        .collect()
}

/// Prepares what the handlers need, before entry: the unwinder's
/// one-time setup, the executable for symbols.
pub(crate) fn prepare() {
    unwind::warm();
    symbols::open();
}

/// Step 4's part for backtraces, on Linux and FreeBSD alike: when
/// `RUST_BACKTRACE` asks for them or `tracing` will print them, the
/// executable is opened now and (for `RUST_BACKTRACE`) a panic hook that
/// symbolizes from it is installed — nothing is read until a backtrace is
/// printed. std's own symbolizer, which would open the executable by path
/// inside, is warmed only when `RUST_LIB_BACKTRACE` asks for library
/// backtraces (`std::backtrace::Backtrace::capture`, anyhow): that costs
/// tens of milliseconds and megabytes, paid only by who asks.
pub(crate) fn warm_backtraces(tracing: bool) {
    let style = panic::style(std::env::var_os("RUST_BACKTRACE").as_deref());
    if style.is_some() || tracing {
        // The unwinder needs no warming outside signal handlers: the trace
        // modes warm it when they install theirs (`prepare`).
        symbols::open();
    }
    if let Some(style) = style {
        panic::install(style);
    }
    if library_backtraces(std::env::var_os("RUST_LIB_BACKTRACE").as_deref()) {
        // Formatting resolves the symbols; the text itself is not needed.
        drop(std::backtrace::Backtrace::force_capture().to_string());
    }
}

/// Whether `RUST_LIB_BACKTRACE` itself asks `Backtrace::capture` for
/// backtraces (std::backtrace docs). `RUST_BACKTRACE` alone also turns
/// them on; those are captured, but inside the sandbox std cannot
/// symbolize them (it opens the executable by path).
fn library_backtraces(rust_lib_backtrace: Option<&std::ffi::OsStr>) -> bool {
    rust_lib_backtrace.is_some_and(|v| v != "0")
}

/// Starts the reporter thread, which hands each record to `consume`
/// (before entry: the thread is confined with the process).
pub(crate) fn start(consume: fn(RawRecord)) -> std::io::Result<()> {
    let (running, started) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("sandboxed-trace".into())
        .spawn(move || {
            REPORTING.with(|r| r.set(true));
            // std's own start of the thread (its stack bounds) is done:
            // what follows runs confined.
            let _ = running.send(());
            loop {
                let seen = RING.pending();
                drain(consume);
                RING.wait_pending(seen, Duration::from_secs(1));
            }
        })?;
    started.recv().map_err(std::io::Error::other)?;
    // SAFETY: getpid(2) cannot fail.
    REPORTER.store(unsafe { libc::getpid() }, Ordering::Release);
    Ok(())
}

/// Hands every waiting record to `consume`, oldest first (the reporter,
/// and the at-exit report for what is left).
pub(crate) fn drain(consume: fn(RawRecord)) {
    let _reader = READER.lock().unwrap_or_else(|p| p.into_inner());
    while_reporting(|| {
        while let Some((index, record)) = RING.take() {
            consume(record);
            RING.done(index);
        }
    });
}

/// From a handler: publishes a filled slot and, when `wait`, waits for
/// the reporter to print it. Returns `false` when nobody printed it (no
/// reporter in this process, or it did not answer in time): the handler
/// then prints [`fallback`] itself.
pub(crate) fn hand_over(claim: Claim, wait: bool) -> bool {
    let reporter = has_reporter();
    RING.publish(&claim, wait && reporter);
    if !wait {
        return true;
    }
    reporter && RING.wait_done(claim, PRINT_TIMEOUT)
}

/// A fixed buffer that formats without allocating.
pub(crate) struct StackText {
    bytes: [u8; 2048],
    len: usize,
}

impl StackText {
    pub(crate) const fn new() -> StackText {
        StackText {
            bytes: [0; 2048],
            len: 0,
        }
    }

    pub(crate) fn as_str(&self) -> &str {
        // Only whole `str`s are appended (truncated on a char boundary).
        std::str::from_utf8(&self.bytes[..self.len]).unwrap_or("")
    }
}

impl std::fmt::Write for StackText {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let room = self.bytes.len() - self.len;
        let mut take = s.len().min(room);
        while !s.is_char_boundary(take) {
            take -= 1;
        }
        self.bytes[self.len..self.len + take].copy_from_slice(&s.as_bytes()[..take]);
        self.len += take;
        Ok(())
    }
}

/// What a handler prints itself when no reporter prints the record: the
/// call by `name`, the errno and the raw return addresses (async-signal-
/// safe: core::fmt into a stack buffer, one write(2)).
pub(crate) fn fallback(record: &RawRecord, name: &str, errno: &str) {
    let mut text = StackText::new();
    let _ = writeln!(
        text,
        "sandboxed: denied {name}(..) -> {errno} (in pid {}, where no reporter runs: not explained, addresses unsymbolized)",
        // SAFETY: getpid(2) cannot fail.
        unsafe { libc::getpid() }
    );
    for ip in record.frames().iter().take(16) {
        let _ = writeln!(text, "  at {ip:#x}");
    }
    crate::backend::unix::write_stderr(text.as_str());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn std_symbolizer_is_warmed_only_for_library_backtraces() {
        use std::ffi::OsStr;
        assert!(!library_backtraces(None));
        assert!(!library_backtraces(Some(OsStr::new("0"))));
        assert!(library_backtraces(Some(OsStr::new("1"))));
    }

    #[test]
    fn stack_text_truncates_on_a_char_boundary() {
        let mut t = StackText::new();
        let long = "é".repeat(2000);
        let _ = t.write_str(&long);
        assert_eq!(t.as_str().len(), 2048);
        assert!(t.as_str().chars().all(|c| c == 'é'));
    }
}
