//! Copying the memory a denied call's arguments point to, from inside the
//! signal handler, without trusting the pointers: the bytes go through a
//! pipe(2) made for the occasion, so a bad pointer makes write(2) fail
//! with `EFAULT` instead of faulting in the handler (the kernel would have
//! answered the call itself with `EFAULT`). pipe2, write, read and close
//! are async-signal-safe and allowed in the sandbox on descriptors it did
//! not limit.

use crate::backend::unix::trace::ring::{Blob, BLOB};

/// Bytes one write(2) to the pipe carries: at most one page, and never
/// across a page boundary, so that a string ending just before an unmapped
/// page is still copied whole.
const PAGE: usize = 4096;

fn copy(fds: &[i32; 2], from: usize, to: &mut [u8]) -> Option<usize> {
    // SAFETY: `from` is only handed to the kernel, which checks it; `to`
    // is a valid buffer of its length.
    let n = unsafe { libc::write(fds[1], from as *const libc::c_void, to.len()) };
    if n <= 0 {
        return None;
    }
    let n = n as usize;
    let mut got = 0;
    while got < n {
        // SAFETY: as above; the pipe holds `n` bytes.
        let r = unsafe { libc::read(fds[0], to[got..n].as_mut_ptr().cast(), n - got) };
        if r <= 0 {
            return None;
        }
        got += r as usize;
    }
    Some(n)
}

fn with_pipe<T>(f: impl FnOnce(&[i32; 2]) -> T) -> Option<T> {
    let mut fds = [-1; 2];
    // SAFETY: pipe2 fills two descriptors; both are closed below.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
        return None;
    }
    let out = f(&fds);
    // SAFETY: the descriptors were made above and are not used again.
    unsafe {
        libc::close(fds[0]);
        libc::close(fds[1]);
    }
    Some(out)
}

/// Copies the NUL-terminated string at `ptr` (argument `arg`) into a blob.
pub(crate) fn string(arg: usize, ptr: u64, blob: &mut Blob) {
    blob.arg = arg as u8;
    blob.len = 0;
    if ptr == 0 {
        blob.fault = true;
        return;
    }
    let done = with_pipe(|fds| {
        let mut at = ptr as usize;
        let mut len = 0;
        while len < BLOB {
            let room = (PAGE - at % PAGE).min(BLOB - len);
            let Some(n) = copy(fds, at, &mut blob.bytes[len..len + room]) else {
                blob.len = len as u16;
                return len == 0;
            };
            if let Some(end) = blob.bytes[len..len + n].iter().position(|&b| b == 0) {
                blob.len = (len + end) as u16;
                return false;
            }
            len += n;
            at += n;
        }
        blob.len = BLOB as u16;
        blob.truncated = true;
        false
    });
    blob.fault = done.unwrap_or(true);
}

/// Copies `len` bytes at `ptr` (argument `arg`, at most the blob's size).
pub(crate) fn bytes(arg: usize, ptr: u64, len: u64, blob: &mut Blob) {
    blob.arg = arg as u8;
    blob.len = 0;
    let want = (len as usize).min(BLOB);
    if ptr == 0 || want == 0 {
        blob.fault = ptr == 0;
        return;
    }
    let got = with_pipe(|fds| copy(fds, ptr as usize, &mut blob.bytes[..want]));
    match got.flatten() {
        Some(n) => blob.len = n as u16,
        None => blob.fault = true,
    }
    blob.truncated = (len as usize) > BLOB;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blob() -> Blob {
        Blob {
            arg: u8::MAX,
            len: 0,
            truncated: false,
            fault: false,
            bytes: [0; BLOB],
        }
    }

    #[test]
    fn strings_are_copied_up_to_their_nul() {
        let mut b = blob();
        string(1, c"/etc/localtime".as_ptr() as u64, &mut b);
        assert_eq!(b.data(), b"/etc/localtime");
        assert!(!b.fault && !b.truncated);
        assert_eq!(b.arg, 1);
    }

    #[test]
    fn bad_pointers_are_a_fault_not_a_crash() {
        let mut b = blob();
        string(0, 8, &mut b);
        assert!(b.fault);
        let mut b = blob();
        bytes(0, 16, 16, &mut b);
        assert!(b.fault);
        let mut b = blob();
        string(0, 0, &mut b);
        assert!(b.fault);
    }

    #[test]
    fn long_strings_are_truncated() {
        let long = vec![b'a'; 5000];
        let mut with_nul = long.clone();
        with_nul.push(0);
        let mut b = blob();
        string(0, with_nul.as_ptr() as u64, &mut b);
        assert!(b.truncated && !b.fault);
        assert_eq!(b.data(), &long[..BLOB]);
        let mut b = blob();
        bytes(0, long.as_ptr() as u64, 3, &mut b);
        assert_eq!(b.data(), b"aaa");
    }
}
