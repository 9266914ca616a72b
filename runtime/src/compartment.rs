//! Compartments: dangerous code — a parser of untrusted input, say — run in
//! a forked child that enters the sandbox with nothing preopened, its
//! result sent back over a pipe. The pattern of Capsicum's `tcpdump` and
//! `gzip` ports: a bug in the parser can take over the child, and the child
//! can do nothing but write to its pipe.
//!
//! ```no_run
//! use sandboxed::{compartment, CompartmentError};
//!
//! fn count_lines(untrusted: &[u8]) -> Result<String, CompartmentError> {
//!     compartment(
//!         |input: &[u8]| -> Result<String, std::str::Utf8Error> {
//!             Ok(std::str::from_utf8(input)?.lines().count().to_string())
//!         },
//!         untrusted,
//!     )
//! }
//! ```
//!
//! The child gets a copy of the parent's memory (fork(2)), so `input` costs
//! no copy; it keeps only stderr and its pipe — every other descriptor,
//! preopens and service channels included, is closed — then enters the
//! sandbox through the backend (`cap_enter` on FreeBSD) with an empty plan
//! before the closure runs. A child that cannot enter the sandbox does not
//! run the closure.

use std::fmt;
use std::fs::File;
use std::io::{self, Read, Write};
use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::backend::compartment::{spawn, Exit};
use crate::decl::Plan;

/// A value that crosses the pipe from a compartment to its parent.
pub trait Message: Sized {
    /// The value as bytes.
    fn to_bytes(&self) -> Vec<u8>;
    /// The value back from its bytes; `None` if they are not one.
    fn from_bytes(bytes: Vec<u8>) -> Option<Self>;
}

impl Message for Vec<u8> {
    fn to_bytes(&self) -> Vec<u8> {
        self.clone()
    }
    fn from_bytes(bytes: Vec<u8>) -> Option<Self> {
        Some(bytes)
    }
}

impl Message for String {
    fn to_bytes(&self) -> Vec<u8> {
        self.as_bytes().to_vec()
    }
    fn from_bytes(bytes: Vec<u8>) -> Option<Self> {
        String::from_utf8(bytes).ok()
    }
}

impl Message for () {
    fn to_bytes(&self) -> Vec<u8> {
        Vec::new()
    }
    fn from_bytes(bytes: Vec<u8>) -> Option<Self> {
        bytes.is_empty().then_some(())
    }
}

/// Why a compartment gave no result.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CompartmentError {
    /// fork(2) or pipe(2) failed, or this system has no sandbox.
    #[error("starting the compartment: {0}")]
    Spawn(#[source] io::Error),
    /// The child could not enter the sandbox; the closure did not run.
    #[error("the compartment could not enter the sandbox: {0}")]
    Sandbox(String),
    /// The closure returned an error (its `Display`).
    #[error("{0}")]
    Failed(String),
    /// The closure panicked (the panic message).
    #[error("the compartment panicked: {0}")]
    Panicked(String),
    /// The child was killed by a signal (a crash, or the sandbox).
    #[error("the compartment was killed by signal {signal} ({})", signal_name(*.signal))]
    Killed {
        /// The signal number.
        signal: i32,
    },
    /// The child exited without sending a result.
    #[error("the compartment exited with status {0} without a result")]
    Exited(i32),
    /// What the child sent is not a result.
    #[error("the compartment sent a malformed result")]
    Malformed,
    /// Reading the pipe or waiting for the child failed.
    #[error("waiting for the compartment: {0}")]
    Wait(#[source] io::Error),
}

fn signal_name(signal: i32) -> &'static str {
    match signal {
        libc::SIGSEGV => "SIGSEGV",
        libc::SIGBUS => "SIGBUS",
        libc::SIGABRT => "SIGABRT",
        libc::SIGKILL => "SIGKILL",
        libc::SIGSYS => "SIGSYS",
        libc::SIGILL => "SIGILL",
        libc::SIGFPE => "SIGFPE",
        libc::SIGTERM => "SIGTERM",
        libc::SIGPIPE => "SIGPIPE",
        _ => "signal",
    }
}

// The first byte the child writes says what follows.
const TAG_OK: u8 = 0;
const TAG_FAILED: u8 = 1;
const TAG_PANICKED: u8 = 2;
const TAG_SANDBOX: u8 = 3;

/// Runs `f(input)` in a sandboxed child process and returns its result.
///
/// Call it while the process is single-threaded (as `cap_init` must be):
/// fork(2) copies only the calling thread, and a lock another thread held
/// would stay locked in the child (the child would hang, never corrupt the
/// parent).
pub fn compartment<T, E, F>(f: F, input: &[u8]) -> Result<T, CompartmentError>
where
    T: Message,
    E: fmt::Display,
    F: FnOnce(&[u8]) -> Result<T, E>,
{
    run_in(enter_empty, f, input)
}

/// Enters the sandbox with an empty plan: no preopens, no services, stdio
/// unlimited (the child has only stderr and its pipe anyway).
///
/// A child of a sandboxed parent is already in the sandbox, which cannot
/// be left (cap_enter(2) succeeds again and changes nothing; on Linux the
/// parent's filter denies seccomp(2) itself): with every descriptor
/// closed it holds no capability, which is what the empty plan asks.
fn enter_empty() -> Result<(), String> {
    if crate::is_sandboxed() {
        return Ok(());
    }
    let mut backend = crate::backend::Native::with_trace(crate::trace::mode());
    crate::steps::run(&Plan::default(), &[], &mut backend)
        .map(drop)
        .map_err(|e| e.to_string())
}

fn panic_message(payload: Box<dyn std::any::Any + Send>) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a non-string panic payload".into())
}

/// [`compartment`] with the way the child enters the sandbox as a
/// parameter (tests give a fake).
fn run_in<T, E, F>(
    enter: impl FnOnce() -> Result<(), String>,
    f: F,
    input: &[u8],
) -> Result<T, CompartmentError>
where
    T: Message,
    E: fmt::Display,
    F: FnOnce(&[u8]) -> Result<T, E>,
{
    let body = |mut pipe: File| -> i32 {
        let (tag, payload) = match enter() {
            Err(e) => (TAG_SANDBOX, e.into_bytes()),
            Ok(()) => match catch_unwind(AssertUnwindSafe(|| f(input))) {
                Ok(Ok(value)) => (TAG_OK, value.to_bytes()),
                Ok(Err(e)) => (TAG_FAILED, e.to_string().into_bytes()),
                Err(panic) => (TAG_PANICKED, panic_message(panic).into_bytes()),
            },
        };
        match pipe
            .write_all(&[tag])
            .and_then(|()| pipe.write_all(&payload))
        {
            Ok(()) => 0,
            Err(_) => 1,
        }
    };
    let (child, mut pipe) = spawn(body).map_err(CompartmentError::Spawn)?;
    let mut sent = Vec::new();
    let read = pipe.read_to_end(&mut sent);
    drop(pipe);
    let exit = child.wait().map_err(CompartmentError::Wait)?;
    read.map_err(CompartmentError::Wait)?;
    match exit {
        Exit::Signal(signal) => return Err(CompartmentError::Killed { signal }),
        Exit::Code(0) => {}
        Exit::Code(code) => return Err(CompartmentError::Exited(code)),
    }
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
    match sent.split_first() {
        Some((&TAG_OK, value)) => T::from_bytes(value.to_vec()).ok_or(CompartmentError::Malformed),
        Some((&TAG_FAILED, e)) => Err(CompartmentError::Failed(text(e))),
        Some((&TAG_PANICKED, e)) => Err(CompartmentError::Panicked(text(e))),
        Some((&TAG_SANDBOX, e)) => Err(CompartmentError::Sandbox(text(e))),
        _ => Err(CompartmentError::Malformed),
    }
}

#[cfg(test)]
mod tests {
    //! These fork the test runner: the children do not enter a sandbox
    //! (`enter` is a fake) and `_exit` when done. Entering for real is
    //! tested by the `compartment` example, in a process of its own.

    use super::*;

    fn unconfined() -> Result<(), String> {
        Ok(())
    }

    fn skip_if_unsupported<T: fmt::Debug>(r: &Result<T, CompartmentError>) -> bool {
        let unsupported =
            matches!(r, Err(CompartmentError::Spawn(e)) if e.kind() == io::ErrorKind::Unsupported);
        if unsupported {
            eprintln!("skipped: no compartments on this system");
        }
        unsupported
    }

    #[test]
    fn the_result_comes_back_over_the_pipe() {
        let r = run_in(
            unconfined,
            |input: &[u8]| Ok::<_, String>(input.iter().rev().copied().collect::<Vec<u8>>()),
            b"abc",
        );
        if skip_if_unsupported(&r) {
            return;
        }
        assert_eq!(r.unwrap(), b"cba");
        let big = vec![7u8; 1 << 20];
        let r = run_in(unconfined, |i: &[u8]| Ok::<_, String>(i.to_vec()), &big);
        assert_eq!(r.unwrap().len(), 1 << 20);
    }

    #[test]
    fn an_error_a_panic_and_a_signal_are_reported() {
        let r = run_in(unconfined, |_: &[u8]| Err::<String, _>("bad input"), b"");
        if skip_if_unsupported(&r) {
            return;
        }
        assert_eq!(r.unwrap_err().to_string(), "bad input");

        let r = run_in(
            unconfined,
            |_: &[u8]| -> Result<String, String> { panic!("boom") },
            b"",
        );
        assert!(
            matches!(&r, Err(CompartmentError::Panicked(m)) if m == "boom"),
            "{r:?}"
        );

        let r = run_in(
            unconfined,
            |_: &[u8]| -> Result<String, String> { std::process::abort() },
            b"",
        );
        let e = r.unwrap_err();
        assert!(
            matches!(e, CompartmentError::Killed { signal } if signal == libc::SIGABRT),
            "{e:?}"
        );
        assert_eq!(
            e.to_string(),
            format!(
                "the compartment was killed by signal {} (SIGABRT)",
                libc::SIGABRT
            )
        );

        let r = run_in(
            unconfined,
            |_: &[u8]| -> Result<String, String> { std::process::exit(3) },
            b"",
        );
        assert!(matches!(r, Err(CompartmentError::Exited(3))), "{r:?}");
    }

    #[test]
    fn a_child_that_cannot_enter_the_sandbox_does_not_run_the_closure() {
        let r = run_in(
            || Err("landlock_restrict_self: Operation not permitted".into()),
            |_: &[u8]| -> Result<String, String> { std::process::abort() },
            b"",
        );
        if skip_if_unsupported(&r) {
            return;
        }
        let e = r.unwrap_err();
        assert!(
            matches!(&e, CompartmentError::Sandbox(m) if m.contains("landlock")),
            "{e:?}"
        );
    }

    #[test]
    fn the_closure_runs_inside_the_sandbox() {
        // The real entry, in the forked child only.
        let r = compartment(
            |_: &[u8]| {
                let open = std::fs::File::open("/etc/passwd");
                Ok::<_, String>(format!(
                    "sandboxed={} open={}",
                    crate::is_sandboxed(),
                    match open {
                        Ok(_) => "allowed".to_string(),
                        Err(e) if crate::is_violation(&e) => "denied".to_string(),
                        Err(e) => format!("failed: {e}"),
                    }
                ))
            },
            b"",
        );
        match r {
            Err(CompartmentError::Sandbox(e)) if e.contains("cannot enforce") => {
                eprintln!("skipped: {e}");
            }
            other => assert_eq!(other.unwrap(), "sandboxed=true open=denied"),
        }
    }

    #[test]
    fn the_child_keeps_no_descriptor_of_the_parent() {
        // Two files, so that the one probed is above the child's pipe (3).
        let files = [
            File::open("/dev/null").unwrap(),
            File::open("/dev/null").unwrap(),
        ];
        let fd = std::os::fd::AsRawFd::as_raw_fd(&files[1]);
        let r = run_in(
            unconfined,
            |_: &[u8]| {
                let open = std::fs::metadata(format!("/proc/self/fd/{fd}")).is_ok()
                    || std::fs::metadata(format!("/dev/fd/{fd}")).is_ok();
                Ok::<_, String>(if open { "open" } else { "closed" }.to_string())
            },
            b"",
        );
        if skip_if_unsupported(&r) {
            return;
        }
        assert_eq!(r.unwrap(), "closed");
        drop(files);
    }
}
