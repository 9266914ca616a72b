//! An open for writing, beneath a preopened directory, of a file another
//! process holds a read lease on (tests/tests/leases.rs): open(2) waits
//! until the lease is given up (fs/locks.c `__break_lease`), or with
//! `O_NONBLOCK` answers `EWOULDBLOCK` at once, and so it must inside the
//! sandbox, where the supervisor makes the open (runtime
//! supervise/opened.rs). Prints `case opened 0|1`, `case waited 0|1` (at
//! least 200 ms passed) and `case wouldblock 0|1`.
//!
//! argv: `lease_probe DIR NAME [nonblock]`

#[cfg(target_os = "linux")]
mod linux {
    use std::ffi::CString;
    use std::os::fd::AsRawFd;
    use std::time::{Duration, Instant};

    use sandboxed::{sandboxed, Dir};

    #[sandboxed(
        preopen(dir = dir(arg(1))),
        rights(dir = [lookup, read, write, seek], stdio),
    )]
    pub fn main(dir: Dir) {
        let name = CString::new(std::env::args().nth(2).expect("NAME")).expect("no NUL");
        let nonblock = std::env::args().nth(3).as_deref() == Some("nonblock");
        let flags = libc::O_WRONLY | libc::O_CLOEXEC | if nonblock { libc::O_NONBLOCK } else { 0 };
        let start = Instant::now();
        // SAFETY: openat(2) of a live C string; the result is checked.
        let fd = unsafe { libc::openat(dir.as_raw_fd(), name.as_ptr(), flags) };
        let errno = std::io::Error::last_os_error().raw_os_error();
        let waited = start.elapsed() >= Duration::from_millis(200);
        println!("case opened {}", u8::from(fd >= 0));
        println!("case waited {}", u8::from(waited));
        println!(
            "case wouldblock {}",
            u8::from(fd < 0 && errno == Some(libc::EWOULDBLOCK))
        );
    }
}

#[cfg(target_os = "linux")]
fn main() {
    linux::main()
}

#[cfg(not(target_os = "linux"))]
fn main() {}
