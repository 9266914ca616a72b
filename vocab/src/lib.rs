//! The vocabulary of `#[sandboxed(...)]`, kept once for the two crates that
//! must agree on it: the attribute (`sandboxed-macros`), which checks
//! declarations at compile time, and the runtime (`sandboxed`), which
//! carries them out and re-exports everything here under its own paths
//! (`sandboxed::Right`, `sandboxed::rights::RightSet`, `sandboxed::decl::PwdCmd`...).
//! A proc-macro crate cannot depend on the crate it generates code for, so
//! what both read lives in this small crate without dependencies.
//!
//! - [`Right`] and [`RightSet`]: the rights of rights(4), each with the
//!   value `sys/sys/capsicum.h` gives it, so that a right implies the
//!   rights its bits contain (`pread` = `seek` + `read`, `mkdirat` ⊃
//!   `lookup`); [`Ioctl`] and [`Fcntl`], the commands `CAP_IOCTL` and
//!   `CAP_FCNTL` narrow to.
//! - [`PreopenKind`], the words of `preopen(...)` (`file`, `dir`,
//!   `tcp_listener`...); [`OpenFlags`], [`default_file_rights`] and
//!   [`DEFAULT_DIR_RIGHTS`]: the rights a preopen gets when its declaration
//!   names none.
//! - [`Service`] and the words of each libcasper service's limits
//!   ([`DnsType`], [`Family`], [`NetMode`], [`PwdCmd`], [`PwdField`],
//!   [`GrpCmd`], [`GrpField`], [`SysctlAccess`], [`FileOp`]).
//!
//! Every closed list implements [`Word`]: its values, each one's name in
//! the attribute (which is also libcasper's or rights(4)'s name), and the
//! way back from a name.
//!
//! # Adding a word
//!
//! Each list is one table, one line per word; nothing else repeats it.
//!
//! - A right: one line in the `rights!` table of `src/rights.rs`, giving
//!   its Rust name, its name in `rights(...)` and its value as
//!   `sys/sys/capsicum.h` writes it: `(index, bits)` for
//!   `CAPRIGHT(index, bits)`, or the names of the rights it is the union of
//!   (`Pread "pread" = Seek | Read;`). The attribute accepts the name, the
//!   runtime gets `Right::Pread` and the marker trait `can::Pread`, and the
//!   implied rights follow from the bits. A right FreeBSD lacks (the Linux
//!   Capsicum port's `CAP_FSIGNAL`, say) takes a bit of index 1 above
//!   `CAP_ALL1`; [`RightSet::cap_rights`] leaves such bits out of what it
//!   gives FreeBSD's kernel. Then add its name to the lists in
//!   `tests/sources.rs` (FreeBSD's header, or the list of rights FreeBSD
//!   does not have), which check the table against its sources.
//! - An `ioctls(...)` or `fcntls(...)` command: one line in its `words!`
//!   table; each backend then maps it to its OS's command numbers (a
//!   command a backend cannot map is never allowed there).
//! - A word of a service limit (a `cap_pwd` command such as `endpwent`, a
//!   field, a `net` mode...): one line in its `words!` table in
//!   `src/services.rs`, and its name in the list `tests/sources.rs` takes
//!   from the libcasper source.

#![no_std]

#[cfg(test)]
extern crate std;

mod open;
mod rights;
mod services;

pub use open::{
    default_file_rights, OpenFlags, PreopenKind, DEFAULT_DIR_RIGHTS, DEFAULT_LISTENER_RIGHTS,
    DEFAULT_SOCKET_FCNTLS, DEFAULT_STREAM_RIGHTS, SOCKET_RIGHTS,
};
pub use rights::{Fcntl, Ioctl, Right, RightSet};
pub use services::{
    DnsType, Family, FileOp, GrpCmd, GrpField, NetMode, PwdCmd, PwdField, Service, SysctlAccess,
};

/// One word of a closed list: a right, an ioctl, a `cap_pwd` command...
pub trait Word: Copy + Eq + core::fmt::Debug + 'static {
    /// Every word of the list, in table order.
    const ALL: &'static [Self];

    /// Its name in the attribute, which is also the name rights(4) or
    /// libcasper gives it (`"mmap_r"`, `"getpwnam"`, `"pw_name"`).
    fn name(self) -> &'static str;

    /// Its Rust name (`"MmapR"`), for code that names it.
    fn rust_name(self) -> &'static str;

    /// The word with this name.
    fn from_name(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|w| w.name() == name)
    }
}

/// One enum per closed list: `Variant = "name",` per line. Generates the
/// enum (each variant documented with its name), `ALL`, `name`,
/// `from_name`, [`Word`] and `Display` (the name).
macro_rules! words {
    (
        $(#[$meta:meta])*
        pub enum $ty:ident {
            $( $(#[$doc:meta])* $variant:ident = $name:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
        pub enum $ty {
            $(
                $(#[$doc])*
                #[doc = ""]
                #[doc = concat!("Written `", $name, "`.")]
                $variant,
            )+
        }

        impl $ty {
            /// Every word, in table order.
            pub const ALL: &'static [$ty] = &[$($ty::$variant),+];

            /// Its name in the attribute (and libcasper's or rights(4)'s).
            pub const fn name(self) -> &'static str {
                match self {
                    $($ty::$variant => $name,)+
                }
            }

            /// The word with this name.
            pub fn from_name(name: &str) -> Option<$ty> {
                match name {
                    $($name => Some($ty::$variant),)+
                    _ => None,
                }
            }
        }

        impl $crate::Word for $ty {
            const ALL: &'static [$ty] = $ty::ALL;

            fn name(self) -> &'static str {
                $ty::name(self)
            }

            fn rust_name(self) -> &'static str {
                match self {
                    $($ty::$variant => stringify!($variant),)+
                }
            }

            fn from_name(name: &str) -> Option<$ty> {
                $ty::from_name(name)
            }
        }

        impl core::fmt::Display for $ty {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str(self.name())
            }
        }
    };
}
use words;

#[cfg(test)]
mod tests {
    use super::*;
    use std::vec::Vec;

    fn unique<W: Word>() {
        let mut names: Vec<_> = W::ALL.iter().map(|w| w.name()).collect();
        for w in W::ALL {
            assert_eq!(W::from_name(w.name()), Some(*w));
        }
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), W::ALL.len(), "{names:?}");
    }

    #[test]
    fn every_list_names_each_word_once_and_back() {
        unique::<Right>();
        unique::<Ioctl>();
        unique::<Fcntl>();
        unique::<Service>();
        unique::<DnsType>();
        unique::<Family>();
        unique::<NetMode>();
        unique::<PwdCmd>();
        unique::<PwdField>();
        unique::<GrpCmd>();
        unique::<GrpField>();
        unique::<FileOp>();
    }
}
