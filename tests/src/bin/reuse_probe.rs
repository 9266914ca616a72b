//! Numbers of limited descriptors closed after entry: the filter fixes
//! each number's rights, so no descriptor made after entry may land on one
//! (Capsicum: a descriptor's rights die with it, rights(4)). Prints one
//! line per attempt, `case NAME LANDED`, `LANDED` `1` when the attempt put
//! a new descriptor on the freed number (or raised the descriptor limit
//! back). Run by tests/tests/reuse.rs, enforced and in dry-run (the
//! control, where every attempt lands).
//!
//! argv: `reuse_probe FILE`.

#[cfg(all(target_os = "linux", target_arch = "x86_64"))]
mod linux {
    use std::os::fd::AsRawFd;

    use sandboxed::{sandboxed, File};

    fn line(name: &str, landed: bool) {
        println!("case {name} {}", u8::from(landed));
    }

    #[sandboxed(
        preopen(prog = file(arg(1))),
        rights(prog = [read, fstat, fexecve, fchmod, mmap_rx], stdio),
    )]
    pub fn main(prog: File) {
        let n = prog.as_raw_fd();
        drop(prog);
        // SAFETY: a NUL-terminated name; the result is checked.
        let memfd = unsafe { libc::memfd_create(c"reuse".as_ptr(), libc::MFD_CLOEXEC) };
        assert!(
            memfd >= 0,
            "memfd_create: {}",
            std::io::Error::last_os_error()
        );
        // SAFETY: fcntl(2) on a descriptor we hold; the result is checked.
        let r = unsafe { libc::fcntl(memfd, libc::F_DUPFD_CLOEXEC, n) };
        line("f_dupfd_onto_freed_number", r == n);
        // SAFETY: as above.
        let r = unsafe { libc::dup2(memfd, n) };
        line("dup2_onto_freed_number", r == n);
        // dup(2) takes the lowest free number: fill the table.
        let mut landed = false;
        loop {
            // SAFETY: dup(2) of a descriptor we hold.
            let d = unsafe { libc::dup(memfd) };
            if d < 0 {
                break;
            }
            if d >= n {
                landed = true;
                break;
            }
        }
        line("dup_until_full", landed);
        let lim = libc::rlimit {
            rlim_cur: (n + 1) as libc::rlim_t,
            rlim_max: (n + 1) as libc::rlim_t,
        };
        // SAFETY: a valid `struct rlimit`.
        let raised = unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &lim) } == 0;
        line("setrlimit_nofile", raised);
        // SAFETY: prlimit(2) of this process, a valid `struct rlimit`.
        let raised =
            unsafe { libc::prlimit(0, libc::RLIMIT_NOFILE, &lim, std::ptr::null_mut()) } == 0;
        line("prlimit_nofile", raised);
    }
}

#[cfg(all(target_os = "linux", target_arch = "x86_64"))]
fn main() {
    linux::main()
}

#[cfg(not(all(target_os = "linux", target_arch = "x86_64")))]
fn main() {
    println!("skipped: the Linux backend's descriptor numbers");
}
