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
/// `TZ` once), and std's symbolizer, which maps the executable's debug
/// information on first use: one symbolized backtrace now keeps panics'
/// `RUST_BACKTRACE` output readable inside the sandbox.
pub(crate) fn warm() -> Result<(), Error> {
    // SAFETY: tzset has no arguments; localtime_r writes into `tm`. Both
    // run while the process is single-threaded (before entry).
    unsafe {
        tzset();
        let now = libc::time(std::ptr::null_mut());
        let mut tm = std::mem::MaybeUninit::<libc::tm>::uninit();
        libc::localtime_r(&now, tm.as_mut_ptr());
    }
    let backtrace = std::backtrace::Backtrace::force_capture();
    let mut text = String::new();
    // Formatting resolves the symbols; the text itself is not needed.
    let _ = write!(text, "{backtrace}");
    Ok(())
}
