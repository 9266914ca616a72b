//! A file held with `mmap_x` at entry, closed and unlinked, whose inode
//! number a new file made through a directory without `mmap_x` then takes
//! (ext4 hands out the lowest free number of a group again): the new
//! file's mapping must not become executable. Capsicum bounds a mapping
//! by the rights of the descriptor it was made through (vn_mmap's
//! `maxprot &= cap_maxprot`, sys/kern/vfs_vnops.c) and mprotect(2) by that
//! bound (vm_map_protect: EACCES); the supervisor knows the files held
//! with `mmap_x` by device and inode (runtime supervise/protected.rs).
//! Prints `case NAME PASS`: `reused` whether a new file took the held
//! file's inode number, `refused` whether mprotect(2) answered EACCES.
//! Run by tests/tests/mapx_reuse.rs, enforced and in dry-run (the
//! control, where the number is taken again and the mapping becomes
//! executable).
//!
//! argv: `mapx_reuse_probe DIR HELD` (HELD: a file directly in DIR)

#[cfg(target_os = "linux")]
mod linux {
    use std::ffi::CString;
    use std::os::fd::{AsRawFd, RawFd};

    use sandboxed::{sandboxed, Dir, File};

    /// The inode number of `name` in `dir` (fstatat(2)), 0 if none.
    fn inode(dir: RawFd, name: &CString) -> u64 {
        // SAFETY: `stat` is plain old data; fstatat(2) fills it from a
        // live C string.
        unsafe {
            let mut st: libc::stat = std::mem::zeroed();
            if libc::fstatat(dir, name.as_ptr(), &mut st, 0) == 0 {
                st.st_ino
            } else {
                0
            }
        }
    }

    #[sandboxed(
        preopen(dir = dir(arg(1)), held = file(arg(2))),
        rights(
            dir = [lookup, read, write, create, fstatat, unlinkat, mmap_r],
            held = [read, mmap_rx],
            stdio,
        ),
    )]
    pub fn main(dir: Dir, held: File) {
        let dir = dir.as_raw_fd();
        let arg = std::env::args().nth(2).expect("HELD");
        let base = std::path::Path::new(&arg).file_name().expect("a file name");
        let name = CString::new(base.as_encoded_bytes()).expect("no NUL");
        let target = inode(dir, &name);
        drop(held);
        // SAFETY: unlinkat(2) of a live C string.
        unsafe { libc::unlinkat(dir, name.as_ptr(), 0) };
        // New files until one takes the freed number (the lower free ones
        // of its group go first).
        let mut fd = -1;
        let mut reused = false;
        for i in 0..4096 {
            let new = CString::new(format!("new{i}")).expect("no NUL");
            // SAFETY: openat(2) of a live C string; the result is checked.
            fd = unsafe {
                libc::openat(
                    dir,
                    new.as_ptr(),
                    libc::O_CREAT | libc::O_EXCL | libc::O_RDWR | libc::O_CLOEXEC,
                    0o600,
                )
            };
            assert!(fd >= 0, "{}", std::io::Error::last_os_error());
            if inode(dir, &new) == target {
                reused = true;
                break;
            }
            if i < 4095 {
                // SAFETY: closes the descriptor just opened.
                unsafe { libc::close(fd) };
            }
        }
        println!("case reused {}", u8::from(reused));
        // SAFETY: a private read-only mapping of the new file; mprotect(2)
        // of it; both results are checked.
        let refused = unsafe {
            let p = libc::mmap(
                std::ptr::null_mut(),
                4096,
                libc::PROT_READ,
                libc::MAP_PRIVATE,
                fd,
                0,
            );
            assert!(p != libc::MAP_FAILED, "{}", std::io::Error::last_os_error());
            libc::mprotect(p, 4096, libc::PROT_READ | libc::PROT_EXEC) == -1
                && std::io::Error::last_os_error().raw_os_error() == Some(libc::EACCES)
        };
        println!("case refused {}", u8::from(refused));
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
