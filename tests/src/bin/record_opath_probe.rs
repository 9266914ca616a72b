//! A file the supervisor opened beneath a directory and installed at a
//! pool number keeps that directory's rights once unlinked
//! (runtime supervise.rs `State::installed`): only the descriptor
//! installed, not another descriptor of the same file that the program
//! puts at that number once it has closed it. Here the file is renamed
//! from `a` into `b` ([lookup, read, fstat, renameat_target]), which
//! reaches it by an `O_PATH` open that holds `b`'s rights under Capsicum (rights(4): a descriptor
//! opened beneath a directory takes its rights, dup2(2) copies them), so
//! fchmodat(2) through it answers `ENOTCAPABLE` (`CAP_FCHMODAT`,
//! sys/kern/vfs_syscalls.c `kern_fchmodat`).
//!
//! Cases (`case NAME PASS`):
//! - `kept_changed`: the descriptor installed, its file unlinked, changes
//!   its mode (fchmod(2));
//! - `landed_refused`, `landed_changed`: an `O_PATH` descriptor of the
//!   file opened beneath `b` once renamed there from `a`, put with
//!   dup2(2) at the number where the file was installed from `a` (closed
//!   first): fchmodat2(2)
//!   of `""` with `AT_EMPTY_PATH` answered `EACCES`, or changed the mode.
//!
//! Run by tests/tests/record_opath.rs, enforced and in dry-run (the
//! control, where the mode changes).
//!
//! argv: `record_opath_probe A B` (two directories)

#[cfg(target_os = "linux")]
mod linux {
    use std::os::fd::AsRawFd;

    use sandboxed::{sandboxed, Dir};

    /// fchmodat2(2), the same number on every architecture (Linux 6.6,
    /// include/uapi/asm-generic/unistd.h), which libc names on some.
    const SYS_FCHMODAT2: libc::c_long = 452;

    /// openat(2) of `name` beneath `dir`, -1 on failure.
    fn openat(dir: i32, name: &std::ffi::CStr, flags: i32) -> i32 {
        // SAFETY: openat(2) of a live C string.
        unsafe { libc::openat(dir, name.as_ptr(), flags | libc::O_CLOEXEC, 0o644) }
    }

    /// The mode bits of `fd`'s file (fstat(2)), or `u32::MAX`.
    fn mode(fd: i32) -> u32 {
        // SAFETY: `stat` is plain old data; fstat(2) fills it.
        unsafe {
            let mut st: libc::stat = std::mem::zeroed();
            if libc::fstat(fd, &mut st) == 0 {
                st.st_mode & 0o7777
            } else {
                u32::MAX
            }
        }
    }

    #[sandboxed(
        preopen(a = dir(arg(1)), b = dir(arg(2))),
        rights(
            a = [lookup, read, write, seek, create, fstat, fchmod, fchmodat, unlinkat,
                 renameat_source],
            b = [lookup, read, fstat, renameat_target],
            stdio,
        ),
    )]
    pub fn main(a: Dir, b: Dir) {
        let (a, b) = (a.as_raw_fd(), b.as_raw_fd());
        let kept = openat(a, c"kept", libc::O_RDWR | libc::O_CREAT);
        assert!(kept >= 0, "{}", std::io::Error::last_os_error());
        // SAFETY: unlinkat(2) and fchmod(2) with a live C string.
        let kept_changed = unsafe {
            libc::unlinkat(a, c"kept".as_ptr(), 0);
            libc::fchmod(kept, 0o600) == 0
        } && mode(kept) == 0o600;
        println!("case kept_changed {}", u8::from(kept_changed));

        let slot = openat(a, c"f", libc::O_RDWR | libc::O_CREAT);
        assert!(slot >= 0, "{}", std::io::Error::last_os_error());
        // SAFETY: renameat(2) of live C strings.
        let moved = unsafe { libc::renameat(a, c"f".as_ptr(), b, c"f".as_ptr()) };
        assert_eq!(moved, 0, "{}", std::io::Error::last_os_error());
        let opath = openat(b, c"f", libc::O_PATH);
        assert!(opath >= 0, "{}", std::io::Error::last_os_error());
        // SAFETY: closes and replaces this probe's own descriptors.
        unsafe {
            libc::close(slot);
            assert_eq!(
                libc::dup2(opath, slot),
                slot,
                "{}",
                std::io::Error::last_os_error()
            );
            libc::close(opath);
        }
        // SAFETY: fchmodat2(2) of "" with AT_EMPTY_PATH: no memory but the
        // C string.
        let r = unsafe {
            libc::syscall(
                SYS_FCHMODAT2,
                slot,
                c"".as_ptr(),
                0o600,
                libc::AT_EMPTY_PATH,
            )
        };
        let refused =
            r == -1 && std::io::Error::last_os_error().raw_os_error() == Some(libc::EACCES);
        println!("case landed_refused {}", u8::from(refused));
        println!("case landed_changed {}", u8::from(mode(slot) == 0o600));
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
