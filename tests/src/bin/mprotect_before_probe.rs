//! A page of a file mapped before entry, then mapped again at the same
//! place after entry (`MAP_FIXED`, `MAP_SHARED`) through a descriptor
//! open for writing that holds `mmap_r` without `mmap_w`: the new mapping
//! must not become writable. Capsicum fixes a mapping's maximum
//! protection when it is made, bounded by the rights of the descriptor
//! it is made through (vn_mmap's `maxprot &= cap_maxprot`,
//! sys/kern/vfs_vnops.c), and mprotect(2) answers `EACCES` beyond it
//! (vm_map_protect); a mapping made before entry keeps its own, but the
//! one replacing it is new. The supervisor lets a mapping made before
//! entry change (runtime supervise/protected.rs): it must tell it from a
//! new one of the same file at the same offset.
//!
//! Cases (`case NAME REFUSED`, refused: mprotect(2) adding `PROT_WRITE`
//! answered `EACCES`):
//! - `private`: the page was mapped privately before entry;
//! - `shared_read`: it was mapped shared through a descriptor open for
//!   reading alone (no `PROT_WRITE` possible: `VM_MAYWRITE` clear);
//! - `fresh`: no mapping before entry (the supervisor's plain answer);
//! - `kept`: the page mapped shared before entry through a descriptor
//!   open for writing, kept (not made again): it may become writable,
//!   its maximum protection fixed before entry (not refused);
//! - `spanning`: a range over an anonymous page and a new shared page of
//!   the file beside it;
//! - `pkey`: a new shared page of the file, by pkey_mprotect(2).
//!
//! Each case also prints `NAME_written`, whether it wrote the file (byte
//! 0, 1, 2, 3, 4 and 5, in that order).
//! Run by tests/tests/mprotect_before.rs, enforced and in dry-run (the
//! control: every mapping becomes writable).
//!
//! argv: `mprotect_before_probe FILE` (FILE: at least a page long)

#[cfg(target_os = "linux")]
mod linux {
    use std::os::fd::AsRawFd;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use sandboxed::{sandboxed, File};

    /// The page mapped privately before entry.
    static PRIVATE: AtomicUsize = AtomicUsize::new(0);
    /// The page mapped shared, read-only, before entry.
    static SHARED: AtomicUsize = AtomicUsize::new(0);
    /// The page mapped shared, read-only, through a descriptor open for
    /// writing, before entry.
    static KEPT: AtomicUsize = AtomicUsize::new(0);

    /// The page size (sysconf(3)).
    fn page_size() -> usize {
        // SAFETY: sysconf(3) reads no memory of ours.
        unsafe { libc::sysconf(libc::_SC_PAGESIZE) as usize }
    }

    /// Maps the file's first page twice through a descriptor open for
    /// reading alone, and once shared through one open for writing
    /// (closed again: the mappings stay).
    fn map_before() {
        let path = std::env::args_os().nth(1).expect("FILE");
        let f = std::fs::File::open(&path).expect("FILE opens");
        let w = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(&path)
            .expect("FILE opens for writing");
        for (flags, slot, f) in [
            (libc::MAP_PRIVATE, &PRIVATE, &f),
            (libc::MAP_SHARED, &SHARED, &f),
            (libc::MAP_SHARED, &KEPT, &w),
        ] {
            // SAFETY: a new read-only mapping of a page of `f`; checked.
            let p = unsafe {
                libc::mmap(
                    std::ptr::null_mut(),
                    page_size(),
                    libc::PROT_READ,
                    flags,
                    f.as_raw_fd(),
                    0,
                )
            };
            assert!(p != libc::MAP_FAILED, "{}", std::io::Error::last_os_error());
            slot.store(p as usize, Ordering::SeqCst);
        }
    }

    #[sandboxed(
        preopen(f = file(arg(1), read, write)),
        rights(f = [ftruncate, mmap_r], stdio),
        before_entry = map_before,
    )]
    pub fn main(f: File) {
        let cases = [
            ("private", PRIVATE.load(Ordering::SeqCst)),
            ("shared_read", SHARED.load(Ordering::SeqCst)),
            ("fresh", 0),
        ];
        let kept = ("kept", KEPT.load(Ordering::SeqCst));
        for (i, (name, at)) in cases.into_iter().chain([kept]).enumerate() {
            let fixed = if at == 0 { 0 } else { libc::MAP_FIXED };
            // `kept` is not mapped again.
            let p = if name == "kept" {
                at as *mut libc::c_void
            } else {
                // SAFETY: maps a page of `f` shared at `at` (a page this
                // probe mapped before entry and uses nowhere else) or
                // anywhere; the result is checked.
                unsafe {
                    libc::mmap(
                        at as *mut libc::c_void,
                        page_size(),
                        libc::PROT_READ,
                        libc::MAP_SHARED | fixed,
                        f.as_raw_fd(),
                        0,
                    )
                }
            };
            assert!(p != libc::MAP_FAILED, "{}", std::io::Error::last_os_error());
            assert!(at == 0 || p as usize == at, "MAP_FIXED elsewhere");
            // SAFETY: mprotect(2) of the page just mapped.
            let ok =
                unsafe { libc::mprotect(p, page_size(), libc::PROT_READ | libc::PROT_WRITE) } == 0;
            let refused =
                !ok && std::io::Error::last_os_error().raw_os_error() == Some(libc::EACCES);
            let written = ok && {
                // SAFETY: the page is mapped writable (mprotect answered
                // 0); a volatile write of its byte `i` (one per case).
                unsafe { std::ptr::write_volatile(p.cast::<u8>().add(i), b'W') };
                // SAFETY: msync(2) of the page.
                unsafe { libc::msync(p, page_size(), libc::MS_SYNC) == 0 }
            };
            println!("case {name} {}", u8::from(refused));
            println!("case {name}_written {}", u8::from(written));
        }
        // A range over an anonymous page and a shared page of `f` beside
        // it (made with `MAP_FIXED` over the second of two anonymous
        // ones): every mapping it meets is judged.
        // SAFETY: two new anonymous pages, then a page of `f` mapped over
        // the second; both results are checked.
        let (anon, page) = unsafe {
            let anon = libc::mmap(
                std::ptr::null_mut(),
                2 * page_size(),
                libc::PROT_READ,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            );
            assert!(
                anon != libc::MAP_FAILED,
                "{}",
                std::io::Error::last_os_error()
            );
            let page = libc::mmap(
                anon.cast::<u8>().add(page_size()).cast(),
                page_size(),
                libc::PROT_READ,
                libc::MAP_SHARED | libc::MAP_FIXED,
                f.as_raw_fd(),
                0,
            );
            assert!(
                page != libc::MAP_FAILED,
                "{}",
                std::io::Error::last_os_error()
            );
            (anon, page)
        };
        // SAFETY: mprotect(2) of the two pages mapped above.
        let r =
            unsafe { libc::mprotect(anon, 2 * page_size(), libc::PROT_READ | libc::PROT_WRITE) };
        report("spanning", r, page, 4);
        // pkey_mprotect(2) with the default key (-1: as mprotect(2)).
        // SAFETY: a new shared page of `f`, checked; pkey_mprotect(2) of
        // it.
        let (r, page) = unsafe {
            let page = libc::mmap(
                std::ptr::null_mut(),
                page_size(),
                libc::PROT_READ,
                libc::MAP_SHARED,
                f.as_raw_fd(),
                0,
            );
            assert!(
                page != libc::MAP_FAILED,
                "{}",
                std::io::Error::last_os_error()
            );
            let r = libc::syscall(
                libc::SYS_pkey_mprotect,
                page,
                page_size(),
                libc::PROT_READ | libc::PROT_WRITE,
                -1,
            );
            (r as i32, page)
        };
        report("pkey", r, page, 5);
    }

    /// Prints case `name` for mprotect(2)'s answer `r` on a range holding
    /// page `p` of the file, writing its byte `i` where it became writable.
    fn report(name: &str, r: i32, p: *mut libc::c_void, i: usize) {
        let refused =
            r == -1 && std::io::Error::last_os_error().raw_os_error() == Some(libc::EACCES);
        let written = r == 0 && {
            // SAFETY: the page is mapped writable (the call answered 0); a
            // volatile write of its byte `i`, then msync(2) of it.
            unsafe {
                std::ptr::write_volatile(p.cast::<u8>().add(i), b'W');
                libc::msync(p, page_size(), libc::MS_SYNC) == 0
            }
        };
        println!("case {name} {}", u8::from(refused));
        println!("case {name}_written {}", u8::from(written));
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
