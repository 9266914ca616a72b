//! A call the supervisor hands to a child of its own because it waits
//! (runtime supervise/sent.rs: a send waiting for room;
//! supervise/opened.rs: an open waiting for a lease to be broken), made
//! by a thread, while the main thread makes another supervised call and
//! then ends the process with the call still waiting
//! (tests/tests/waiters.rs). Prints `case answered_meanwhile 0|1` (the
//! other call answered within 1 s) and `ready`, then exits 500 ms later.
//!
//! argv: `waiter_probe DIR send` (descriptor 3: a stream socket whose
//! peer nobody reads), `waiter_probe DIR lease NAME` (NAME beneath DIR:
//! a file another process holds a read lease on).

#[cfg(target_os = "linux")]
mod linux {
    use std::ffi::CString;
    use std::io::Write;
    use std::os::fd::AsRawFd;
    use std::time::{Duration, Instant};

    use sandboxed::{sandboxed, Dir};

    /// The handed socket.
    const SOCK: libc::c_int = 3;

    /// sendmsg(2) of `data` on `fd` (the supervisor's call; send(2) is
    /// the caller's own).
    fn send_msg(fd: libc::c_int, data: &[u8]) -> isize {
        let mut iov = libc::iovec {
            iov_base: data.as_ptr().cast_mut().cast(),
            iov_len: data.len(),
        };
        // SAFETY: `msghdr` is plain old data; all zeroes is a valid value.
        let mut hdr: libc::msghdr = unsafe { std::mem::zeroed() };
        hdr.msg_iov = &mut iov;
        hdr.msg_iovlen = 1;
        // SAFETY: sendmsg(2) of a live message.
        unsafe { libc::sendmsg(fd, &hdr, 0) }
    }

    #[sandboxed(
        preopen(dir = dir(arg(1))),
        rights(dir = [lookup, read, write, seek, fstat, fstatat], stdio),
    )]
    pub fn main(dir: Dir) {
        let mode = std::env::args().nth(2).expect("MODE");
        let dirfd = dir.as_raw_fd();
        match mode.as_str() {
            "send" => {
                let filler = [0xffu8; 4096];
                // SAFETY: send(2) of a live buffer, without waiting.
                while unsafe {
                    libc::send(
                        SOCK,
                        filler.as_ptr().cast(),
                        filler.len(),
                        libc::MSG_DONTWAIT,
                    )
                } > 0
                {}
                std::thread::spawn(|| send_msg(SOCK, &[7u8; 8192]));
            }
            "lease" => {
                let name = CString::new(std::env::args().nth(3).expect("NAME")).expect("no NUL");
                std::thread::spawn(move || {
                    // SAFETY: openat(2) of a live C string.
                    unsafe { libc::openat(dirfd, name.as_ptr(), libc::O_WRONLY | libc::O_CLOEXEC) }
                });
            }
            other => panic!("unknown mode {other}"),
        }
        std::thread::sleep(Duration::from_millis(300));
        let t = Instant::now();
        // SAFETY: `stat` is plain old data; all zeroes is a valid value.
        let mut st: libc::stat = unsafe { std::mem::zeroed() };
        // SAFETY: fstatat(2) of a live C string into a live struct.
        let r = unsafe { libc::fstatat(dirfd, c".".as_ptr(), &mut st, 0) };
        let meanwhile = r == 0 && t.elapsed() < Duration::from_secs(1);
        println!("case answered_meanwhile {}", u8::from(meanwhile));
        println!("ready");
        std::io::stdout().flush().expect("stdout");
        std::thread::sleep(Duration::from_millis(500));
        // The waiting thread ends with the process.
        std::process::exit(0);
    }
}

#[cfg(target_os = "linux")]
fn main() {
    linux::main()
}

#[cfg(not(target_os = "linux"))]
fn main() {}
