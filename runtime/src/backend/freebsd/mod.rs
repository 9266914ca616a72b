//! FreeBSD: Capsicum. Capability mode with cap_enter(2), per-descriptor
//! rights with cap_rights_limit(2), cap_ioctls_limit(2) and
//! cap_fcntls_limit(2), the helpers' conventions of capsicum_helpers(3),
//! and libcasper(3) services (feature `casper`).
//!
//! A kernel without Capsicum (`cap_getmode` fails with `ENOSYS`) is
//! reported by [`Native::missing`]: the steps then refuse to run, unless
//! `on_unsupported = "warn"` asked to run without the sandbox. Only in that
//! case are the Capsicum calls skipped, as `caph_enter()` and friends skip
//! `ENOSYS`; anywhere else an error from them stops the program.

pub(crate) use super::unix::compartment;
mod ffi;
mod layout;
pub(crate) mod process;
mod rights;
#[cfg(test)]
mod tests;
mod trace;
mod trap;
pub(crate) use trace::{park, thread_id, unpark};

#[cfg(feature = "casper")]
mod casper;
#[cfg(feature = "casper")]
use casper as services;

#[cfg(not(feature = "casper"))]
mod no_casper;
#[cfg(not(feature = "casper"))]
use no_casper as services;

use std::io;
use std::os::fd::{BorrowedFd, OwnedFd, RawFd};

use crate::decl::{Plan, ServiceDecl, Stdio};
use crate::error::{Error, Failure};
use crate::rights::Limits;
use crate::steps::Backend;

pub(crate) use services::Channel;

/// The Capsicum backend.
#[derive(Debug, Default)]
pub(crate) struct Native {
    /// `missing()` found no Capsicum in the kernel and the steps went on
    /// (`on_unsupported = "warn"`): skip the Capsicum calls.
    unenforced: bool,
    /// What `SANDBOXED_TRACE` asked for.
    trace: crate::trace::Mode,
}

impl Native {
    /// The backend with tracing off.
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) fn new() -> Self {
        Native::default()
    }

    /// The backend for `SANDBOXED_TRACE` mode `trace`.
    pub(crate) fn with_trace(trace: crate::trace::Mode) -> Self {
        Native {
            trace,
            ..Native::default()
        }
    }
}

impl Native {
    /// Limits `fd` to `limits` at its number (a descriptor handed to a
    /// compartment): cap_rights_limit(2) works in place.
    pub(crate) fn limit_at(&mut self, fd: RawFd, limits: &Limits) -> Result<(), Failure> {
        if self.unenforced || !self.trace.enforces() {
            return Ok(());
        }
        // SAFETY: the caller owns `fd` and keeps it open for the call.
        let fd = unsafe { BorrowedFd::borrow_raw(fd) };
        rights::limit(fd, limits)
    }
}

impl Backend for Native {
    type Channel = Channel;
    type Gap = String;

    fn trace_mode(&self) -> crate::trace::Mode {
        self.trace
    }

    fn missing(&mut self, _: &Plan) -> Vec<String> {
        // cap_getmode(2) is the cheapest probe: ENOSYS means a kernel built
        // without `options CAPABILITY_MODE`.
        match capsicum::get_mode() {
            Ok(_) => Vec::new(),
            Err(e) => {
                self.unenforced = true;
                let why = if rights::is_enosys(&e) {
                    "the kernel lacks `options CAPABILITY_MODE`".to_owned()
                } else {
                    e.to_string()
                };
                vec![format!("capability mode (cap_getmode: {why})")]
            }
        }
    }

    fn limit(&mut self, fd: OwnedFd, limits: &Limits) -> Result<OwnedFd, Failure> {
        // SANDBOXED_TRACE=dry-run enforces nothing, rights included.
        if !self.unenforced && self.trace.enforces() {
            rights::limit(&fd, limits)?;
        }
        Ok(fd)
    }

    fn limit_stdio(&mut self, stream: Stdio, limits: &Limits) -> Result<(), Failure> {
        if self.unenforced || !self.trace.enforces() {
            return Ok(());
        }
        // caph_limit_stream(3) with CAPH_IGNORE_EBADF: a closed stream is not
        // an error. F_GETFD tells without touching the descriptor.
        // SAFETY: fcntl(F_GETFD) on any integer only reads the descriptor
        // table.
        if unsafe { libc::fcntl(stream.fd(), libc::F_GETFD) } == -1 {
            let e = io::Error::last_os_error();
            return match e.raw_os_error() {
                Some(libc::EBADF) => Ok(()),
                _ => Err(Failure::new("fcntl", e)),
            };
        }
        // SAFETY: the descriptor is open (F_GETFD succeeded) and nothing in
        // this call closes it.
        let fd = unsafe { BorrowedFd::borrow_raw(stream.fd()) };
        rights::limit(fd, limits)
    }

    fn warm_caches(&mut self) -> Result<(), Error> {
        // The zone as a rule in `TZ`, for libraries that read it lazily
        // (tz.rs).
        crate::tz::pin();
        // caph_cache_tzdata(3): tzset loads the zone file; localtime_r runs
        // the conversion once so nothing is loaded lazily after entry.
        // SAFETY: tzset has no preconditions; localtime_r gets valid
        // pointers to a time_t and a tm it fills in.
        unsafe {
            ffi::tzset();
            let now = libc::time(std::ptr::null_mut());
            let mut tm: libc::tm = std::mem::zeroed();
            libc::localtime_r(&now, &mut tm);
        }
        // caph_cache_catpages(3): libc keeps the catalog cached for
        // strerror(3) and err(3); the handle is deliberately not closed, and
        // a missing catalog (the C locale) is not an error.
        // SAFETY: a NUL-terminated name and a valid flag.
        unsafe {
            ffi::catopen(c"libc".as_ptr(), ffi::NL_CAT_LOCALE);
        }
        // Backtraces inside capability mode: the executable opened now,
        // symbolized from its descriptor when one is printed.
        crate::backend::unix::trace::warm_backtraces(self.trace != crate::trace::Mode::Off);
        Ok(())
    }

    fn open_services(&mut self, services: &[ServiceDecl]) -> Result<Vec<Channel>, Error> {
        services::open(services)
    }

    fn enter(&mut self) -> Result<(), Error> {
        if self.unenforced {
            return Ok(());
        }
        // SANDBOXED_TRACE: report capability failures (trace.rs).
        let trace_error = |f: Failure| Error::Enter {
            syscall: f.syscall,
            source: f.error,
        };
        match self.trace {
            crate::trace::Mode::Off => {}
            crate::trace::Mode::DryRun => return trace::dry_run().map_err(trace_error),
            mode => trace::arm(mode).map_err(trace_error)?,
        }
        // cap_enter(2). ENOSYS here is an error like any other: missing()
        // saw Capsicum, so failing now must not run the body unsandboxed.
        capsicum::enter().map_err(|source| Error::Enter {
            syscall: "cap_enter",
            source,
        })
    }
}

/// Never: Capsicum checks a descriptor's rights before its access mode,
/// so a read or write without the right is `ENOTCAPABLE` (see
/// [`is_violation`]), not `EBADF`.
pub(crate) fn access_mode_refusal(_: RawFd, _: &io::Error) -> Option<io::Error> {
    None
}

/// `fd` limited to `limits` (cap_rights_limit(2), cap_ioctls_limit(2),
/// cap_fcntls_limit(2)), at its number; as it is where nothing is
/// enforced (`SANDBOXED_TRACE=dry-run`).
pub(crate) fn limit_after(
    fd: std::os::fd::OwnedFd,
    limits: &crate::rights::Limits,
) -> io::Result<std::os::fd::OwnedFd> {
    if crate::trace::mode().enforces() {
        rights::limit(&fd, limits).map_err(|f| f.error)?;
    }
    Ok(fd)
}

/// cap_getmode(2): whether this process is in capability mode.
pub(crate) fn is_sandboxed() -> bool {
    capsicum::get_mode().unwrap_or(false)
}

/// `ENOTCAPABLE` (a descriptor lacks a right) or `ECAPMODE` (not allowed in
/// capability mode), as errno(2) documents them.
pub(crate) fn is_violation(error: &io::Error) -> bool {
    matches!(
        error.raw_os_error(),
        Some(libc::ENOTCAPABLE | libc::ECAPMODE)
    )
}

// Capsicum refuses `..` and symlinks leaving a directory with
// `ENOTCAPABLE`, which `procctl(PROC_TRAPCAP_CTL)` traps like every other
// capability failure: `Dir` calls need nothing more than the plain call,
// on the path as written.
pub(crate) use super::unsupported::{beneath, resolve_beneath};
