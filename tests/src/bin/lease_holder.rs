//! Holds a read lease (fcntl(2) `F_SETLEASE` `F_RDLCK`) on a file for
//! tests/tests/leases.rs, outside every sandbox: prints `leased`, waits
//! (at most 10 s) for the kernel's signal that an open for writing wants
//! it broken (`SIGIO`, blocked and taken with sigtimedwait(2)), prints
//! `broken`, gives the lease up 300 ms later (or `HOLD_MS` later) and
//! exits.
//!
//! argv: `lease_holder FILE [HOLD_MS]`

#[cfg(target_os = "linux")]
fn main() {
    use std::io::Write;
    use std::os::fd::AsRawFd;

    let path = std::env::args().nth(1).expect("FILE");
    let file = std::fs::File::open(&path).expect("open");
    // SAFETY: sigset_t is plain data; the calls fill and read it.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGIO);
        libc::sigprocmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
        assert_eq!(
            libc::fcntl(file.as_raw_fd(), libc::F_SETLEASE, libc::F_RDLCK),
            0,
            "F_SETLEASE: {}",
            std::io::Error::last_os_error()
        );
        println!("leased");
        std::io::stdout().flush().expect("stdout");
        let wait = libc::timespec {
            tv_sec: 10,
            tv_nsec: 0,
        };
        if libc::sigtimedwait(&set, std::ptr::null_mut(), &wait) == libc::SIGIO {
            println!("broken");
            std::io::stdout().flush().expect("stdout");
        }
        let hold = std::env::args()
            .nth(2)
            .and_then(|h| h.parse().ok())
            .unwrap_or(300);
        std::thread::sleep(std::time::Duration::from_millis(hold));
        libc::fcntl(file.as_raw_fd(), libc::F_SETLEASE, libc::F_UNLCK);
    }
}

#[cfg(not(target_os = "linux"))]
fn main() {}
