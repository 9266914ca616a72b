//! Attacks on the opens the supervisor makes for the caller beneath a
//! directory whose rights a descriptor opened beneath it inherits
//! (supervise/opened.rs, `inherited.rs`) and on the copies it places
//! (supervise/copied.rs): a descriptor opened beneath a directory must
//! hold no more than the directory's rights (rights(4): "the new
//! descriptor inherits the rights of the directory descriptor";
//! FreeBSD's `kern_openat` installs it with the directory capability's
//! rights, capability-fd.cc TEST(Capability, Inheritance)), and every
//! answer is the kernel's own for the same call unsandboxed.

use super::*;
use crate::sys::*;

pub(super) const CASES: &[(&str, Probe)] = &[
    // An `O_PATH` descriptor of `rodir` ([lookup, read, fstat]), which
    // the supervisor leaves to the caller (in no class), put with
    // dup2(2) on a number of the pool of `dir` (write, create): an open
    // for writing through that number must not write beneath `rodir`
    // (Capsicum: the `O_PATH` descriptor holds `rodir`'s rights and its
    // copy the same, dup2(2); writing needs `CAP_WRITE`, openat(2)).
    ("opens_opath_rodir_on_dir_pool_write", |f| {
        let opath = openat(f.rodir, c".", libc::O_PATH | libc::O_DIRECTORY)?;
        let slot = openat(f.dir, c"inside.txt", libc::O_RDONLY)?;
        sys!(libc::dup2(opath, slot))?;
        let fd = openat(slot, c"keep.txt", libc::O_WRONLY)?;
        write_text(fd, "overwritten")
    }),
    // The same with a directory opened (not `O_PATH`) beneath that
    // `O_PATH` descriptor: the caller opens it (its directory is in no
    // class), so it is in no class either.
    ("opens_rodir_dir_on_dir_pool_create", |f| {
        let opath = openat(f.rodir, c".", libc::O_PATH | libc::O_DIRECTORY)?;
        let opened = openat(opath, c".", libc::O_RDONLY | libc::O_DIRECTORY)?;
        let slot = openat(f.dir, c"inside.txt", libc::O_RDONLY)?;
        sys!(libc::dup2(opened, slot))?;
        let fd = openat(slot, c"made.txt", libc::O_WRONLY | libc::O_CREAT)?;
        write_text(fd, "made")
    }),
    // Its positive twin: a directory beneath `dir` put on a number of
    // `dir`'s pool the same way opens and creates beneath it.
    ("opens_dir_sub_on_dir_pool_create", |f| {
        let opath = openat(f.dir, c"sub", libc::O_PATH | libc::O_DIRECTORY)?;
        let slot = openat(f.dir, c"inside.txt", libc::O_RDONLY)?;
        sys!(libc::dup2(opath, slot))?;
        let fd = openat(slot, c"made.txt", libc::O_WRONLY | libc::O_CREAT)?;
        write_text(fd, "made")
    }),
];
