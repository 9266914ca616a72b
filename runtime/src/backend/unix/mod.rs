//! What Linux and FreeBSD do the same way, through POSIX calls only.

pub(crate) mod compartment;
pub(crate) mod trace;

/// Writes `text` on descriptor 2 with write(2) only: no std lock (the
/// program may hold stderr's), no allocation; for signal handlers and
/// at-exit reports.
pub(crate) fn write_stderr(text: &str) {
    let mut bytes = text.as_bytes();
    while !bytes.is_empty() {
        // SAFETY: `bytes` is a valid buffer of its length.
        let n = unsafe { libc::write(2, bytes.as_ptr().cast(), bytes.len()) };
        if n <= 0 {
            return;
        }
        bytes = &bytes[n as usize..];
    }
}
