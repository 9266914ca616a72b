//! Capsicum-style least privilege for Rust programs, declared in one
//! attribute.
//!
//! ```ignore
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
//! never runs unsandboxed.

#![warn(missing_docs)]

mod backend;
mod compartment;
pub mod decl;
mod error;
mod fs;
pub mod rights;
pub mod services;
mod steps;
// Records, objects and the dry-run report are complete only on Linux:
// FreeBSD's trap carries no arguments and its dry-run is ktrace's file.
#[allow(dead_code)]
mod trace;

pub use compartment::{compartment, CompartmentError, Message};
pub use error::{Error, Failure};
pub use fs::{Dir, File, OpenOptions, Unknown};
pub use rights::{Right, RightSet};
pub use sandboxed_macros::sandboxed;

/// Exit status of a program whose sandbox could not be set up: `EX_OSERR`
/// of sysexits(3).
pub const SETUP_FAILURE_EXIT: i32 = 71;

/// Whether this process runs inside the sandbox (capability mode on
/// FreeBSD, the Landlock + seccomp confinement on Linux).
pub fn is_sandboxed() -> bool {
    backend::is_sandboxed()
}

/// Whether `error` is the sandbox denying an operation (`ENOTCAPABLE` or
/// `ECAPMODE` on FreeBSD; the errnos listed in the Linux table on Linux).
pub fn is_violation(error: &std::io::Error) -> bool {
    backend::is_violation(error)
}

/// What generated code calls. Not a public API.
#[doc(hidden)]
pub mod __private {
    pub use crate::decl::*;
    pub use crate::rights::{
        can, default_file_rights, Fcntl, Ioctl, Limits, Right, RightSet, RightsMarker,
        DEFAULT_DIR_RIGHTS,
    };
    pub use crate::services::{self, Service};
    pub use crate::steps::Handles;
    pub use crate::{Dir, File};
    pub use ::core;
    pub use ::std;

    /// Steps 1–6 of `plan`; on failure, one line on stderr and exit.
    pub fn enter(plan: Plan) -> Handles {
        if let Err(e) = crate::trace::init() {
            eprintln!("sandboxed: {e}");
            std::process::exit(plan.exit_code.unwrap_or(crate::SETUP_FAILURE_EXIT))
        }
        let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
        match crate::steps::run(&plan, &args, &mut crate::backend::Native::new()) {
            Ok(handles) => handles.map_channels(crate::services::Channel),
            Err(e) => {
                eprintln!("sandboxed: {e}");
                std::process::exit(plan.exit_code.unwrap_or(crate::SETUP_FAILURE_EXIT))
            }
        }
    }

    /// The service handle `S` on channel `index`.
    #[allow(unreachable_code)] // where the backend has no channels
    pub fn service<S: Service>(handles: &mut Handles, index: usize) -> S {
        S::from_channel(handles.channel(index))
    }
}
