//! Copies of descriptors narrowed to `O_PATH` (a file held with `[fstat]`,
//! a directory with `[lookup, fstat]`): the supervisor makes each a new
//! open file description opened for reading (runtime
//! supervise/copied.rs), which must give the program nothing its rights
//! do not hold. Capsicum: a copy holds its original's rights (dup(2)),
//! and each call below needs a right neither holds (rights(4): `read`,
//! `pread`, `mmap_r`, `fcntl`, `flock`, `ioctl`, `fsync`, `event`,
//! `extattr_list`, `seek`, `notify`); fstat(2) needs `fstat`, which
//! both hold. Prints `case NAME PASS` (`PASS` 1: refused; for `ok_`
//! names, 1: it worked). Run by tests/tests/opath_copy.rs, enforced and
//! in dry-run (the control, where every refused call works).
//!
//! argv: `opath_copy_probe DIR FILE` (FILE: `DIR/f`, a few bytes)

#[cfg(target_os = "linux")]
mod linux {
    use std::os::fd::{AsRawFd, RawFd};

    use sandboxed::{sandboxed, Dir, File};

    /// Prints whether `r` (a system call's result, -1 on failure) is a
    /// refusal.
    fn refused(name: &str, r: i64) {
        println!("case {name} {}", u8::from(r < 0));
    }

    /// A copy of `fd` (dup(2)); the probe cannot go on without one.
    fn copy(fd: RawFd) -> RawFd {
        // SAFETY: dup(2) of a number.
        let c = unsafe { libc::dup(fd) };
        assert!(c >= 0, "dup: {}", std::io::Error::last_os_error());
        c
    }

    #[sandboxed(
        preopen(dir = dir(arg(1)), file = file(arg(2))),
        rights(dir = [lookup, fstat], file = [fstat], stdio),
    )]
    pub fn main(dir: Dir, file: File) {
        let fc = copy(file.as_raw_fd());
        let dc = copy(dir.as_raw_fd());
        let mut buf = [0u8; 64];
        let mut pipe = [0; 2];
        // SAFETY: every call below passes integers, or pointers to live
        // locals at least as large as the kernel writes; each result is
        // only printed.
        unsafe {
            assert_eq!(libc::pipe2(pipe.as_mut_ptr(), libc::O_CLOEXEC), 0);
            let mut st: libc::stat = std::mem::zeroed();
            println!(
                "case ok_file_copy_fstat {}",
                u8::from(libc::fstat(fc, &mut st) == 0 && st.st_size > 0)
            );
            let b = buf.as_mut_ptr().cast();
            refused("file_copy_read", libc::read(fc, b, 64) as i64);
            refused("file_copy_pread", libc::pread(fc, b, 64, 0) as i64);
            let p = libc::mmap(
                std::ptr::null_mut(),
                4096,
                libc::PROT_READ,
                libc::MAP_PRIVATE,
                fc,
                0,
            );
            refused("file_copy_mmap", if p == libc::MAP_FAILED { -1 } else { 0 });
            let null = std::ptr::null_mut();
            refused(
                "file_copy_sendfile",
                libc::sendfile(pipe[1], fc, null, 4) as i64,
            );
            refused(
                "file_copy_splice",
                libc::splice(fc, null, pipe[1], null, 4, 0) as i64,
            );
            refused("file_copy_readahead", libc::readahead(fc, 0, 4096) as i64);
            // posix_fadvise(3) answers the error rather than -1.
            let advised = libc::posix_fadvise(fc, 0, 0, libc::POSIX_FADV_WILLNEED);
            refused("file_copy_fadvise", if advised == 0 { 0 } else { -1 });
            refused("file_copy_getfl", libc::fcntl(fc, libc::F_GETFL) as i64);
            refused(
                "file_copy_setlease",
                libc::fcntl(fc, libc::F_SETLEASE, libc::F_RDLCK) as i64,
            );
            libc::fcntl(fc, libc::F_SETLEASE, libc::F_UNLCK);
            refused("file_copy_flock", libc::flock(fc, libc::LOCK_SH) as i64);
            let mut n: libc::c_int = 0;
            refused(
                "file_copy_fionread",
                libc::ioctl(fc, libc::FIONREAD, &mut n) as i64,
            );
            refused("file_copy_fsync", libc::fsync(fc) as i64);
            refused(
                "file_copy_flistxattr",
                libc::flistxattr(fc, b.cast(), 64) as i64,
            );
            let mut pfd = libc::pollfd {
                fd: fc,
                events: libc::POLLIN,
                revents: 0,
            };
            let polled = libc::poll(&mut pfd, 1, 0);
            refused(
                "file_copy_poll",
                if polled == 1 && pfd.revents & libc::POLLIN != 0 {
                    0
                } else {
                    -1
                },
            );
            // A copy of the copy, and the copy put on another number of
            // its pool (dup2(2)).
            refused("copy_of_copy_read", libc::read(copy(fc), b, 64) as i64);
            let other = copy(file.as_raw_fd());
            libc::dup2(fc, other);
            refused("dup2_of_copy_read", libc::read(other, b, 64) as i64);
            // The directory's copy: listed, seeked, watched, opened
            // beneath (the file it opens holds its rights).
            refused(
                "dir_copy_getdents",
                libc::syscall(libc::SYS_getdents64, dc, b, 64),
            );
            refused("dir_copy_lseek", libc::lseek(dc, 0, libc::SEEK_SET));
            refused(
                "dir_copy_notify",
                // DN_CREATE (linux/fcntl.h).
                libc::fcntl(dc, libc::F_NOTIFY, 0x4) as i64,
            );
            let f = libc::openat(dc, c"f".as_ptr(), libc::O_RDONLY | libc::O_CLOEXEC);
            refused(
                "dir_copy_opened_read",
                if f < 0 {
                    -1
                } else {
                    libc::read(f, b, 64) as i64
                },
            );
        }
    }
}

#[cfg(target_os = "linux")]
fn main() {
    linux::main()
}

#[cfg(not(target_os = "linux"))]
fn main() {
    println!("skipped: the Linux backend's supervisor");
}
