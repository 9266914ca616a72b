//! Step 4 on Linux: load what glibc and std would otherwise read from the
//! file system after entry, when Landlock and seccomp refuse the opens —
//! the equivalents of `caph_cache_tzdata` and `caph_cache_catpages`
//! (capsicum_helpers(3)).

use std::fmt::Write as _;

use crate::error::Error;

extern "C" {
    /// tzset(3); not exported by the `libc` crate for Linux.
    fn tzset();
}

/// Warms the caches: time zone data (tzset(3) reads `/etc/localtime` and
/// `TZ` once), and, when backtraces are asked for, std's symbolizer,
/// which maps the executable's debug information on first use: one
/// symbolized backtrace now keeps panics' `RUST_BACKTRACE` output readable
/// inside the sandbox. (Setting `RUST_BACKTRACE` after entry, or
/// `std::panic::set_backtrace_style`, gets unsymbolized frames.)
pub(crate) fn warm() -> Result<(), Error> {
    // SAFETY: tzset has no arguments; localtime_r writes into `tm`. Both
    // run while the process is single-threaded (before entry).
    unsafe {
        tzset();
        let now = libc::time(std::ptr::null_mut());
        let mut tm = std::mem::MaybeUninit::<libc::tm>::uninit();
        libc::localtime_r(&now, tm.as_mut_ptr());
    }
    if backtraces_wanted(
        std::env::var_os("RUST_BACKTRACE").as_deref(),
        std::env::var_os("RUST_LIB_BACKTRACE").as_deref(),
    ) {
        let backtrace = std::backtrace::Backtrace::force_capture();
        let mut text = String::new();
        // Formatting resolves the symbols; the text itself is not needed.
        let _ = write!(text, "{backtrace}");
    }
    Ok(())
}

/// Whether std would print or capture backtraces: the panic hook prints
/// one when `RUST_BACKTRACE` is set and not `0`, `Backtrace::capture`
/// captures when `RUST_LIB_BACKTRACE` (or else `RUST_BACKTRACE`) is
/// (std::backtrace docs). Without them no backtrace is symbolized, and
/// warming the symbolizer (most of the entry time) would be wasted.
fn backtraces_wanted(
    rust_backtrace: Option<&std::ffi::OsStr>,
    rust_lib_backtrace: Option<&std::ffi::OsStr>,
) -> bool {
    let on = |v: Option<&std::ffi::OsStr>| v.is_some_and(|v| v != "0");
    on(rust_backtrace) || on(rust_lib_backtrace)
}

#[cfg(test)]
mod tests {
    use super::backtraces_wanted;
    use std::ffi::OsStr;

    #[test]
    fn the_symbolizer_is_warmed_only_when_backtraces_would_be_printed() {
        let v = |s: &'static str| Some(OsStr::new(s));
        assert!(!backtraces_wanted(None, None));
        assert!(!backtraces_wanted(v("0"), None));
        assert!(!backtraces_wanted(v("0"), v("0")));
        assert!(backtraces_wanted(v("1"), None));
        assert!(backtraces_wanted(v("full"), None));
        assert!(backtraces_wanted(None, v("1")));
    }
}
