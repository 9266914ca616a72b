//! A file created beneath a preopened directory whose rights lack
//! `create` and `write`.
use std::os::fd::AsRawFd;

#[sandboxed::sandboxed(
    preopen(out = dir(arg(2))),
    rights(out = [lookup, read, fstat], stdio),
)]
fn main(out: sandboxed::Dir) {
    // SAFETY: a NUL-terminated name and flags.
    let fd = unsafe {
        libc::openat(
            out.as_raw_fd(),
            c"new.txt".as_ptr(),
            libc::O_CREAT | libc::O_WRONLY | libc::O_CLOEXEC,
            0o644,
        )
    };
    println!("create new.txt: {}", if fd >= 0 { "ok" } else { "refused" });
}
