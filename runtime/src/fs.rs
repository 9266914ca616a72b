//! Typed handles for preopened files and directories.
//!
//! A handle carries its rights in its type: `File<R>` implements
//! [`std::io::Read`] only when `R` holds `read`, [`std::io::Write`] only with
//! `write`, [`std::io::Seek`] only with `seek`, and so on. The kernel
//! enforces the same rights at run time; the types make a mistake a compile
//! error instead of an `ENOTCAPABLE`.
//!
//! Like Capsicum's `openat(2)`, a file opened beneath a [`Dir`] gets (at
//! most) the directory's rights, so it shares the directory's marker.

use std::ffi::OsString;
use std::fmt;
use std::io::{self, IoSlice, IoSliceMut, Read, Seek, SeekFrom, Write};
use std::marker::PhantomData;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd, RawFd};
use std::path::Path;

use rustix::fs::{AtFlags, Mode, OFlags};

use crate::rights::{can, Limit, Limited, RightSet, RightsMarker, Within};

mod dir;
mod file;
#[cfg(test)]
mod tests;

pub use dir::{Dir, OpenOptions};
pub use file::{File, Operand};

/// Rights marker of a handle whose rights are not known at compile time
/// (files from a service, handles narrowed at run time). It implements no
/// `can` trait, so only rights-free methods are available.
#[derive(Debug)]
pub enum Unknown {}

impl RightsMarker for Unknown {
    const RIGHTS: RightSet = RightSet::EMPTY;
    const NAME: &'static str = "<unknown>";
}

// `FromRawFd` is deliberately not implemented: a handle's type is a claim
// about the descriptor's rights that a raw number cannot carry.
