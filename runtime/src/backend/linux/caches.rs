//! Step 4 on Linux: load what glibc and std would otherwise read from the
//! file system after entry, when Landlock and seccomp refuse the opens —
//! the equivalents of `caph_cache_tzdata` and `caph_cache_catpages`
//! (capsicum_helpers(3)) — and make backtraces readable inside.

use crate::backend::unix::trace as shared;
use crate::error::Error;
use crate::trace::Mode;

extern "C" {
    /// tzset(3); not exported by the `libc` crate for Linux.
    fn tzset();
}

/// Warms the caches: time zone data (tzset(3) reads `/etc/localtime` and
/// `TZ` once), and what backtraces need inside
/// ([`warm_backtraces`](shared::warm_backtraces)).
pub(crate) fn warm(trace: Mode) -> Result<(), Error> {
    // The zone as a rule in `TZ`, for libraries that read it lazily
    // (tz.rs); then glibc's own state.
    crate::tz::pin();
    // SAFETY: tzset has no arguments; localtime_r writes into `tm`. Both
    // run while the process is single-threaded (before entry).
    unsafe {
        tzset();
        let now = libc::time(std::ptr::null_mut());
        let mut tm = std::mem::MaybeUninit::<libc::tm>::uninit();
        libc::localtime_r(&now, tm.as_mut_ptr());
    }
    shared::warm_backtraces(trace != Mode::Off);
    Ok(())
}
