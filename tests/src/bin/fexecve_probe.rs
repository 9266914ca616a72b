//! A file preopened with `fexecve` alone is never read: not through its
//! descriptor (opened `O_PATH`), nor by opening it again through a
//! directory descriptor, by /proc/self/fd/N (a magic link to the file) or
//! by its absolute path (Landlock's rule for the exec's open would let
//! such an open read it). Prints `case NAME PASS`. Run by
//! tests/tests/fexecve.rs, enforced and in dry-run (the control, where
//! the opens read the file).
//!
//! argv: `fexecve_probe DIR PROGRAM`

#[cfg(target_os = "linux")]
mod linux {
    use std::ffi::CString;
    use std::os::fd::AsRawFd;

    use sandboxed::{sandboxed, Dir, File};

    /// Opens `path` through `dir` and reads from it: `1` when it was
    /// refused with the sandbox's `EACCES`.
    fn refused(dir: std::os::fd::RawFd, path: &str) -> u8 {
        let c = CString::new(path).expect("no NUL");
        // SAFETY: openat(2) with a live C string; read(2) into a local
        // buffer; close(2) of the number just opened.
        let (fd, err, n) = unsafe {
            let fd = libc::openat(dir, c.as_ptr(), libc::O_RDONLY | libc::O_CLOEXEC);
            let err = std::io::Error::last_os_error();
            let mut b = [0u8; 4];
            let n = if fd >= 0 {
                let n = libc::read(fd, b.as_mut_ptr().cast(), b.len());
                libc::close(fd);
                n
            } else {
                -1
            };
            (fd, err, n)
        };
        u8::from(fd == -1 && n == -1 && err.raw_os_error() == Some(libc::EACCES))
    }

    #[sandboxed(
        preopen(dir = dir(arg(1)), program = file(arg(2))),
        rights(dir = [lookup, read], program = [fexecve], stdio),
    )]
    pub fn main(dir: Dir, program: File) {
        let path = std::env::args().nth(2).expect("the program's path");
        let proc = format!("/proc/self/fd/{}", program.as_raw_fd());
        println!("case by_proc_self_fd {}", refused(dir.as_raw_fd(), &proc));
        println!("case by_absolute_path {}", refused(dir.as_raw_fd(), &path));
    }
}

#[cfg(target_os = "linux")]
fn main() {
    linux::main()
}

#[cfg(not(target_os = "linux"))]
fn main() {
    println!("skipped: the Linux backend's Landlock rules");
}
