//! The lookups half of the enforcement benchmark (tests/benches/
//! enforcement.rs): `lookup_probe DIR` enters with DIR preopened
//! `[lookup, read, fstat, fstatat]`, then times fstatat(2) of
//! `DIR/sub/file` (a lookup the supervisor walks, supervise/lookup.rs),
//! `Dir::symlink_metadata` of it (an `O_PATH` open walked and continued,
//! then fstat(2) of it), openat(2) of it and close(2) (an open the
//! supervisor makes and places in the directory's pool,
//! supervise/opened.rs) and dup(2) and close(2) of that descriptor (a
//! copy the supervisor places, supervise/copied.rs), and prints
//! `name=value` lines (nanoseconds, the average of the fastest of 20
//! chunks). Iterations come from `$BENCH_ITERS`.

#[cfg(target_os = "linux")]
mod linux {
    use std::os::fd::AsRawFd;

    use sandboxed::{sandboxed, Dir};

    #[sandboxed(preopen(dir = dir(arg(1))), rights(dir = [lookup, read, fstat, fstatat], stdio))]
    pub fn main(dir: Dir) {
        let iters: u32 = std::env::var("BENCH_ITERS")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(10_000);
        let fd = dir.as_raw_fd();
        let ns = sandboxed_tests::fastest_chunk(iters, 20, || {
            // SAFETY: `stat` is plain old data; all zeroes is valid.
            let mut st: libc::stat = unsafe { std::mem::zeroed() };
            // SAFETY: fstatat(2) of a NUL-terminated path into a live buffer.
            let r = unsafe { libc::fstatat(fd, c"sub/file".as_ptr(), &mut st, 0) };
            assert_eq!(r, 0, "fstatat");
        });
        println!("fstatat_ns={ns:.1}");
        let ns = sandboxed_tests::fastest_chunk(iters, 20, || {
            dir.symlink_metadata("sub/file").expect("symlink_metadata");
        });
        println!("symlink_metadata_ns={ns:.1}");
        let ns = sandboxed_tests::fastest_chunk(iters, 20, || {
            // SAFETY: openat(2) of a NUL-terminated path, closed at once.
            unsafe {
                let f = libc::openat(fd, c"sub/file".as_ptr(), libc::O_RDONLY | libc::O_CLOEXEC);
                assert!(f >= 0, "openat");
                libc::close(f);
            }
        });
        println!("openat_ns={ns:.1}");
        // SAFETY: openat(2) of a NUL-terminated path; kept for the copies.
        let f = unsafe { libc::openat(fd, c"sub/file".as_ptr(), libc::O_RDONLY | libc::O_CLOEXEC) };
        assert!(f >= 0, "openat");
        let ns = sandboxed_tests::fastest_chunk(iters, 20, || {
            // SAFETY: dup(2) of a descriptor we hold, closed at once.
            unsafe {
                let d = libc::dup(f);
                assert!(d >= 0, "dup");
                libc::close(d);
            }
        });
        println!("dup_ns={ns:.1}");
    }
}

#[cfg(target_os = "linux")]
fn main() {
    linux::main()
}

#[cfg(not(target_os = "linux"))]
fn main() {
    println!("skipped: the lookups benchmark measures the Linux backend");
}
