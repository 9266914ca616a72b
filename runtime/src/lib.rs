//! Capsicum-style least privilege for Rust programs, declared in one
//! attribute.
//!
//! ```no_run
//! use std::io::{Read, Write};
//! use sandboxed::{sandboxed, File};
//!
//! #[sandboxed(
//!     preopen(input = file(arg(1)), output = file(arg(2), write, create, truncate)),
//!     rights(input = [read, fstat], output = [write], stdio),
//! )]
//! fn main(input: File, output: File) -> std::io::Result<()> {
//!     // In capability mode: no path can be opened any more; `input` can only
//!     // be read and `output` only written.
//!     let mut text = String::new();
//!     (&input).read_to_string(&mut text)?;
//!     (&output).write_all(text.to_uppercase().as_bytes())
//! }
//! ```
//!
//! Before the body runs, the generated `main` carries out, in this order:
//! resolve each source, open each preopen, limit rights, warm libc caches,
//! create service channels, enter the sandbox; then it calls the body with
//! the handles. A failing step prints one line and exits with status
//! [`SETUP_FAILURE_EXIT`] (unless `exit_code = N` says otherwise): the body
//! never runs unsandboxed. A path or an argument the user got wrong is
//! worded after the program, as the classic tools word it (`cmp: missing:
//! No such file or directory (preopen `file2`)`); `on_setup_error = f`
//! lets the program word every failure itself.
//!
//! # A guide to the attribute
//!
//! The full reference is on [`macro@sandboxed`]; here, each option once.
//!
//! **Preopens** name what the program opens before it loses the right to
//! open anything: a file, a directory or many files, from a literal path,
//! an argument, an environment variable or an expression. Each becomes the
//! parameter of the same name.
//!
//! ```no_run
//! use sandboxed::{sandboxed, Dir, File};
//!
//! fn default_config() -> std::path::PathBuf {
//!     "/etc/tool.conf".into()
//! }
//!
//! #[sandboxed(
//!     preopen(
//!         inputs = files(args(2..)),                         // Vec<File>
//!         out = dir(arg(1), create),                         // mkdir if missing
//!         log = file(env("TOOL_LOG"), append, create, mode = 0o600),
//!         cfg = file({ default_config() }, optional),        // Option<File>
//!         zones = dir("/usr/share/zoneinfo"),
//!     ),
//!     rights(out = [lookup, create, write, seek, fstat]),       // Dir::create_new
//! )]
//! fn main(inputs: Vec<File>, out: Dir, log: File, cfg: Option<File>, zones: Dir) {
//!     let _ = (inputs, out, log, cfg, zones);
//! }
//! ```
//!
//! **Rights** narrow each descriptor to rights(4) names; omitted, they are
//! the smallest set the open flags need. The handle's type follows: with
//! `rights(old = [read])`, `old.metadata()` does not compile (it needs
//! `fstat`), and neither does `Write` on a file opened read-only. `stdio`
//! limits the standard streams as `caph_limit_stdio(3)` does; `stdin`,
//! `stdout`, `stderr` take their own lists, with `ioctls(..)` and
//! `fcntls(..)` to narrow `ioctl` and `fcntl`.
//!
//! ```no_run
//! use std::io::{Read, Seek, SeekFrom};
//! use sandboxed::{sandboxed, File};
//!
//! #[sandboxed(
//!     preopen(old = file(arg(1))),
//!     rights(old = [pread, fstat], stdin = [read, ioctls(fionread)], stdout = [write]),
//! )]
//! fn main(mut old: File) -> std::io::Result<()> {
//!     let mut head = [0; 8];
//!     old.read_at(&mut head, 0)?;            // pread implies read and seek
//!     old.seek(SeekFrom::Start(8))?;
//!     old.read_exact(&mut head)?;
//!     Ok(())
//! }
//! ```
//!
//! **Services** are what a sandboxed program cannot do alone (name lookups,
//! sockets, the password database, sysctl, syslog, opening named files):
//! each runs in a process created before entry (libcasper on FreeBSD, a
//! broker on Linux) that enforces the declared limits.
//!
//! ```no_run
//! use sandboxed::sandboxed;
//! use sandboxed::services::Dns;
//!
//! #[sandboxed(services(dns(types = [name2addr], families = [inet, inet6])), rights(stdio))]
//! fn main(dns: Dns) {
//!     let _ = dns;
//! }
//! ```
//!
//! **Options**: `on_unsupported = "warn"` runs unsandboxed (with a warning)
//! where the OS has no sandbox instead of refusing to run; `exit_code = 2`
//! changes the exit status of a failed setup.
//!
//! # What it expands to
//!
//! ```text
//! #[sandboxed(preopen(old = file(arg(1))), rights(old = [read]), services(dns))]
//! fn main(old: File, dns: Dns) -> Ret { BODY }
//! ```
//!
//! becomes, written by hand:
//!
//! ```ignore
//! fn main() -> Ret {
//!     // The rights of `old`, as a type: a marker implementing one
//!     // `can::X` per right it holds (`read`, and the `recv` alias).
//!     enum rights_of_old {}
//!     impl RightsMarker for rights_of_old {
//!         const RIGHTS: RightSet = RightSet::of(&[Right::Read]);
//!         const NAME: &'static str = "old";
//!     }
//!     impl can::Read for rights_of_old {}
//!     impl can::Recv for rights_of_old {}
//!
//!     fn body(old: File<rights_of_old>, dns: Dns) -> Ret { BODY }
//!
//!     // Steps 1-6; on failure one line on stderr and `exit(71)`.
//!     let mut handles = __private::enter(Plan {
//!         preopens: vec![Preopen {
//!             name: "old",
//!             kind: Kind::File,
//!             source: Source::Arg(1),
//!             flags: OpenFlags::READ,
//!             limits: Limits { rights: rights_of_old::RIGHTS, ioctls: None, fcntls: None },
//!         }],
//!         stdio: vec![],
//!         services: vec![ServiceDecl::Dns(DnsLimits::default())],
//!         on_unsupported: OnUnsupported::Deny,
//!         exit_code: None,
//!         on_setup_error: None,
//!     });
//!     // Step 7.
//!     body(handles.file::<rights_of_old>(0), __private::service(&mut handles, 0))
//! }
//! ```
//!
//! Every path in the real expansion is absolute (`::sandboxed::__private`,
//! `::core`, `::std`), so it compiles whatever the user has in scope and
//! stays silent under `#![deny(warnings)]` and `clippy::pedantic`. With
//! `#[tokio::main]` below `#[sandboxed]`, `body` is the `async fn` carrying
//! `#[tokio::main]`: the runtime and its threads start after step 6.
//!
//! # Platforms
//!
//! - **FreeBSD**: Capsicum itself (`cap_enter`, `cap_rights_limit`), libcasper
//!   for services. Denials are `ECAPMODE` and `ENOTCAPABLE`.
//! - **Linux (x86_64)**: Landlock and one seccomp-bpf program compiled from
//!   a table of every system call (capability mode, per-descriptor rights,
//!   `ENOSYS` for `clone3` and `openat2`), descriptors reopened with the
//!   narrowest access mode.
//!   Denials are `EPERM` (not allowed in capability mode) and `EACCES` (a
//!   right is missing); [`is_violation`] recognizes both inside the sandbox.
//!   The table "Linux vs Capsicum" in `runtime/src/backend/linux/mod.rs`
//!   lists, promise by promise, the mechanism, the errno and every
//!   difference from Capsicum.
//! - **Elsewhere**: nothing is enforced; `on_unsupported = "deny"` (the
//!   default) refuses to run.
//!
//! # Finding what the sandbox denies
//!
//! The environment variable `SANDBOXED_TRACE` reports denied operations
//! without changing the program: `1` prints one record per denial
//! (operation, object and its declaration, reason, the declaration that
//! would allow it, the backtrace of your code) and lets the program see the
//! error; `trap` stops at the first one with `SIGTRAP` (FreeBSD's
//! `kern.trap_enotcap`); `dry-run` enforces nothing and lists at exit what
//! would have been denied, grouped and counted, then the whole declaration
//! with what would allow them, to paste in place of yours (`trace` is
//! another name for `1`). The signal handlers only record raw facts in
//! fixed slots (no lock, no allocation, no denied call); a reporter thread
//! explains and symbolizes them. README, "Porting a program", shows real
//! output.

#![warn(missing_docs)]

mod backend;
pub mod compartment;
pub mod decl;
mod error;
mod fs;
pub mod net;
pub mod rights;
pub mod services;
mod steps;
// Records, objects and the dry-run report are complete only on Linux:
// FreeBSD's trap carries no arguments and its dry-run is ktrace's file.
#[allow(dead_code)]
mod trace;
// Used by the backends' cache warming (not by the unsupported one).
#[cfg_attr(
    not(any(
        all(target_os = "linux", target_arch = "x86_64"),
        target_os = "freebsd"
    )),
    allow(dead_code)
)]
mod tz;

pub use compartment::{compartment, Compartment, CompartmentError, Message};
pub use error::{Error, Failure};
pub use fs::{Dir, File, OpenOptions, Operand, Unknown};
pub use rights::{Right, RightSet};
#[doc = include_str!("attribute.md")]
pub use sandboxed_macros::sandboxed;

/// Exit status of a program whose sandbox could not be set up: `EX_OSERR`
/// of sysexits(3).
pub const SETUP_FAILURE_EXIT: i32 = 71;

/// Whether this process runs inside the sandbox (capability mode on
/// FreeBSD, the Landlock + seccomp confinement on Linux).
pub fn is_sandboxed() -> bool {
    backend::is_sandboxed()
}

/// Whether `error` is the sandbox refusing an operation: `ENOTCAPABLE` or
/// `ECAPMODE` on FreeBSD (errno(2): only Capsicum makes them); on Linux,
/// decided from what the sandbox did:
///
/// - errors of [`Dir`] methods: the path leaves the directory, or the
///   directory lacks a right the operation needs, or Landlock refused it;
///   the kernel's own permission checks (file modes, ownership, a sticky
///   directory) are told apart after the fact with faccessat(2) and come
///   back as [`OsRefusal`] (false here);
/// - other OS errors: `EPERM` (capability mode, a service's limits) or
///   `EACCES` (a descriptor's rights, Landlock), once the process has
///   entered the sandbox (never before it, nor in `SANDBOXED_TRACE=dry-run`,
///   which enforces nothing but service limits).
///
/// What the errno cannot tell, for calls made on raw descriptors: an
/// `EPERM` or `EACCES` the kernel's own checks make inside the sandbox
/// (fchown(2) of another user's file, openat(2) of a mode-000 file beneath
/// a preopened directory through its raw descriptor) counts as a
/// violation; and `EBADF` for a read or write the narrowed access mode of
/// a limited descriptor refuses does not (a closed descriptor gives it
/// too): ask [`is_violation_on`] with the descriptor; nor does the `EXDEV`
/// Landlock answers a raw rename(2) or link(2) across directories without
/// the rights to reparent (landlock(7), `LANDLOCK_ACCESS_FS_REFER`), which
/// a rename across mounts gives too. A [`File`] handle's
/// reads and writes tell it themselves: they answer the sandbox's errno
/// for a missing right (`EACCES` on Linux) there. The README's
/// "is_violation" section measures both kinds.
pub fn is_violation(error: &std::io::Error) -> bool {
    backend::is_violation(error)
}

/// [`is_violation`] for an error of a call made on the raw descriptor
/// `fd` (a number, which may be closed): also true for the `EBADF` of a
/// read(2) or write(2) that the access mode the sandbox gave `fd` refuses
/// (Linux reopens a limited descriptor `O_RDONLY`, `O_WRONLY` or `O_PATH`
/// for its rights and the kernel answers `EBADF`; Capsicum checks the
/// rights first and answers `ENOTCAPABLE`, cap_rights_limit(2)). Told from
/// a closed descriptor's `EBADF` by `fd` being open and among the
/// descriptors the sandbox limited at entry.
pub fn is_violation_on(fd: std::os::fd::RawFd, error: &std::io::Error) -> bool {
    backend::is_violation(error) || backend::access_mode_refusal(fd, error).is_some()
}

/// An error of a [`Dir`] method that the kernel's own permission checks
/// made, not the sandbox (`EACCES` of file modes, `EPERM` of ownership or
/// a sticky directory): its kind and message are the OS error's, and
/// [`is_violation`] says false. The errno: [`OsRefusal::raw_os_error`], or
/// [`os_error`] for any `io::Error`.
#[derive(Debug)]
pub struct OsRefusal(std::io::Error);

impl OsRefusal {
    #[allow(dead_code)] // where no backend tells refusals apart
    pub(crate) fn wrap(error: std::io::Error) -> std::io::Error {
        std::io::Error::new(error.kind(), OsRefusal(error))
    }

    /// The OS error number (`EACCES`, `EPERM`).
    pub fn raw_os_error(&self) -> Option<i32> {
        self.0.raw_os_error()
    }

    /// The `OsRefusal` inside `error`, if it is one.
    pub fn of(error: &std::io::Error) -> Option<&OsRefusal> {
        error.get_ref().and_then(|e| e.downcast_ref::<OsRefusal>())
    }
}

impl std::fmt::Display for OsRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for OsRefusal {}

/// `error`'s OS error number, also through an [`OsRefusal`].
pub fn os_error(error: &std::io::Error) -> Option<i32> {
    error
        .raw_os_error()
        .or_else(|| OsRefusal::of(error).and_then(OsRefusal::raw_os_error))
}

/// What generated code calls. Not a public API.
#[doc(hidden)]
pub mod __private {
    pub use crate::decl::*;
    pub use crate::net::socket_source;
    pub use crate::rights::{
        can, default_file_rights, Fcntl, Ioctl, Limit, Limits, Right, RightSet, RightsMarker,
        Within, DEFAULT_DIR_RIGHTS,
    };
    pub use crate::services::{self, Service};
    pub use crate::steps::Handles;
    pub use crate::{Dir, Error, File, Operand};
    pub use ::core;
    pub use ::std;

    /// Steps 1–6 of `plan`; on failure, one line on stderr (or the
    /// program's own `on_setup_error` report) and exit.
    pub fn enter(plan: Plan) -> Handles {
        let trace = match crate::trace::init() {
            Ok(mode) => mode,
            Err(e) => {
                eprintln!("sandboxed: {e}");
                std::process::exit(plan.exit_code.unwrap_or(crate::SETUP_FAILURE_EXIT))
            }
        };
        let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
        let mut backend = crate::backend::Native::with_trace(trace);
        match crate::steps::run(&plan, &args, &mut backend) {
            Ok(handles) => handles.map_channels(crate::services::Channel),
            Err(e) => match plan.on_setup_error {
                Some(report) => std::process::exit(report(&e)),
                None => {
                    let program = crate::error::program_name();
                    eprintln!("{}", crate::error::default_line(&e, &program));
                    std::process::exit(plan.exit_code.unwrap_or(crate::SETUP_FAILURE_EXIT))
                }
            },
        }
    }

    /// Before entry, for a body under `#[tokio::main]`: tokio sizes its
    /// multi-threaded runtime with `std::thread::available_parallelism`,
    /// which reads the cgroup's CPU quota (`/proc/self/cgroup`,
    /// `/sys/fs/cgroup/...`) by path every time — denied inside. The value
    /// is computed here, outside, and handed to tokio through
    /// `TOKIO_WORKER_THREADS` (tokio's documented override), unless that
    /// is already set.
    pub fn before_tokio() {
        const VAR: &str = "TOKIO_WORKER_THREADS";
        if std::env::var_os(VAR).is_none() {
            if let Ok(n) = std::thread::available_parallelism() {
                // Single-threaded: before entry, before the runtime.
                std::env::set_var(VAR, n.to_string());
            }
        }
    }

    /// How long each entry step took in this process, in microseconds
    /// (feature `step-times`, for the enforcement benchmark).
    #[cfg(feature = "step-times")]
    pub fn step_times() -> Vec<(&'static str, f64)> {
        crate::steps::times::durations()
    }

    /// How many seccomp instructions entry installed in this process (all
    /// programs; feature `step-times`, for the enforcement benchmark).
    #[cfg(feature = "step-times")]
    pub fn program_instructions() -> usize {
        crate::steps::times::installed_instructions()
    }

    /// The service handle `S` on channel `index`.
    #[allow(unreachable_code)] // where the backend has no channels
    pub fn service<S: Service>(handles: &mut Handles, index: usize) -> S {
        S::from_channel(handles.channel(index))
    }
}
