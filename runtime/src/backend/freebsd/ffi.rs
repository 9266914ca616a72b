//! C functions the `libc` and `capsicum` crates do not declare: the libc
//! calls behind capsicum_helpers(3)'s `caph_cache_*`. (The libcasper
//! services' functions are declared by each service's file in `casper/`.)

#![allow(non_camel_case_types)]

use libc::{c_char, c_int};

/// `nl_catd` of nl_types.h: an opaque catalog pointer.
pub(super) type nl_catd = *mut libc::c_void;

/// `NL_CAT_LOCALE` of nl_types.h: pick the catalog by `LC_MESSAGES`.
pub(super) const NL_CAT_LOCALE: c_int = 1;

extern "C" {
    /// tzset(3): loads the time zone named by `TZ` or /etc/localtime.
    pub(super) fn tzset();
    /// catopen(3): opens (and caches) a message catalog.
    pub(super) fn catopen(name: *const c_char, oflag: c_int) -> nl_catd;
}
