//! Attacks on the opens the supervisor makes for the caller beneath a
//! directory whose rights a descriptor opened beneath it inherits
//! (supervise/opened.rs, `inherited.rs`) and on the copies it places
//! (supervise/copied.rs): a descriptor opened beneath a directory must
//! hold no more than the directory's rights (rights(4): "the new
//! descriptor inherits the rights of the directory descriptor";
//! FreeBSD's `kern_openat` installs it with the directory capability's
//! rights, capability-fd.cc TEST(Capability, Inheritance)), and every
//! answer is the kernel's own for the same call unsandboxed.

use super::calls::{fchmod_empty, TIMES};
use super::lookups::{as_root, drop_dac_capabilities, owned_by_nobody, set_capabilities};
use super::namespaces::expect_errno;
use super::*;
use crate::sys::*;
use std::ffi::CStr;

pub(super) const CASES: &[(&str, Probe)] = &[
    // An `O_PATH` descriptor of `rodir` ([lookup, read, fstat]), which
    // the supervisor leaves to the caller (in no class), put with
    // dup2(2) on a number of the pool of `dir` (write, create): an open
    // for writing through that number must not write beneath `rodir`
    // (Capsicum: the `O_PATH` descriptor holds `rodir`'s rights and its
    // copy the same, dup2(2); writing needs `CAP_WRITE`, openat(2)).
    ("opens_opath_rodir_on_dir_pool_write", |f| {
        let slot = opath_rodir_on_dir_pool(f)?;
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
    // A file opened through an `O_PATH` descriptor of `rodir` (which the
    // caller opens itself, in no class) holds `rodir`'s rights and no
    // more: the supervisor opens it into the pool of the narrowest
    // preopened directory it lies beneath (Capsicum: the `O_PATH`
    // descriptor holds `rodir`'s rights, and so does what is opened
    // through it, rights(4)). No seek, no mapping, no write.
    ("opens_through_opath_rodir_seek", |f| {
        let opath = openat(f.rodir, c".", libc::O_PATH | libc::O_DIRECTORY)?;
        let fd = openat(opath, c"keep.txt", libc::O_RDONLY)?;
        let at = sys!(libc::lseek(fd, 2, libc::SEEK_SET))?;
        Ok(format!("seeked to {at}"))
    }),
    ("opens_through_opath_rodir_mmap", |f| {
        let opath = openat(f.rodir, c".", libc::O_PATH | libc::O_DIRECTORY)?;
        let fd = openat(opath, c"keep.txt", libc::O_RDONLY)?;
        map(fd, libc::PROT_READ, libc::MAP_SHARED)
    }),
    ("opens_through_opath_rodir_write", |f| {
        let opath = openat(f.rodir, c".", libc::O_PATH | libc::O_DIRECTORY)?;
        let fd = openat(opath, c"keep.txt", libc::O_WRONLY)?;
        write_text(fd, "overwritten")
    }),
    // A directory opened through it, then a file beneath that one: the
    // same rights, two opens down.
    ("opens_through_opath_rodir_dir_then_seek", |f| {
        let opath = openat(f.rodir, c".", libc::O_PATH | libc::O_DIRECTORY)?;
        let dir = openat(opath, c".", libc::O_RDONLY | libc::O_DIRECTORY)?;
        let fd = openat(dir, c"keep.txt", libc::O_RDONLY)?;
        let at = sys!(libc::lseek(fd, 2, libc::SEEK_SET))?;
        Ok(format!("seeked to {at}"))
    }),
    // Its positive twin: through an `O_PATH` descriptor of `dir`, which
    // holds `create`, `write` and `seek`, a file is made and seeked.
    ("opens_through_opath_dir_creat_seek", |f| {
        let opath = openat(f.dir, c"sub", libc::O_PATH | libc::O_DIRECTORY)?;
        let fd = openat(opath, c"made.txt", libc::O_WRONLY | libc::O_CREAT)?;
        let at = sys!(libc::lseek(fd, 0, libc::SEEK_END))?;
        Ok(format!("made, seeked to {at}"))
    }),
    // Answers: each the kernel's own for the same call unsandboxed.
    // O_CREAT takes the caller's umask (umask(2) made inside first), as
    // open(2) does: 0666 & ~027.
    ("opens_creat_mode_umask", |f| {
        set_umask(0o027);
        let fd = raw_open(f.dir, c"um.txt", libc::O_CREAT | libc::O_WRONLY, 0o666)?;
        same(mode_of(fd)?, 0o640, "mode")
    }),
    // O_TMPFILE too (open(2): the mode as for O_CREAT).
    ("opens_tmpfile_mode_umask", |f| {
        set_umask(0o077);
        let fd = raw_open(f.dir, c"sub", libc::O_TMPFILE | libc::O_WRONLY, 0o644)?;
        same(mode_of(fd)?, 0o600, "mode")
    }),
    ("opens_excl_existing", |f| {
        expect_errno(
            raw_open(
                f.dir,
                c"inside.txt",
                libc::O_CREAT | libc::O_EXCL | libc::O_WRONLY,
                0o644,
            ),
            libc::EEXIST,
        )
    }),
    // O_EXCL on a dangling symbolic link: EEXIST, the link not followed
    // and nothing made where it leads (open(2)).
    ("opens_excl_dangling_link", |f| {
        sys!(libc::symlinkat(
            c"nowhere.txt".as_ptr(),
            f.dir,
            c"dl".as_ptr()
        ))?;
        let r = raw_open(
            f.dir,
            c"dl",
            libc::O_CREAT | libc::O_EXCL | libc::O_WRONLY,
            0o644,
        );
        let out = expect_errno(r, libc::EEXIST)?;
        match stat_at(f.dir, c"nowhere.txt", libc::AT_SYMLINK_NOFOLLOW) {
            Err(e) if e.raw_os_error() == Some(libc::ENOENT) => Ok(out),
            other => Err(std::io::Error::other(format!("nowhere.txt: {other:?}"))),
        }
    }),
    // O_CREAT through a dangling link within the directory makes what
    // it names.
    ("opens_creat_through_dangling_link", |f| {
        sys!(libc::symlinkat(
            c"target.txt".as_ptr(),
            f.dir,
            c"dl".as_ptr()
        ))?;
        let fd = raw_open(f.dir, c"dl", libc::O_CREAT | libc::O_WRONLY, 0o644)?;
        write_text(fd, "made")?;
        open_read(f.dir, c"target.txt")
    }),
    ("opens_directory_on_file", |f| {
        expect_errno(
            raw_open(f.dir, c"inside.txt", libc::O_RDONLY | libc::O_DIRECTORY, 0),
            libc::ENOTDIR,
        )
    }),
    ("opens_file_trailing_slash", |f| {
        expect_errno(
            raw_open(f.dir, c"inside.txt/", libc::O_RDONLY, 0),
            libc::ENOTDIR,
        )
    }),
    // O_CREAT of a name with a trailing slash: EISDIR (open(2)).
    ("opens_creat_trailing_slash", |f| {
        expect_errno(
            raw_open(f.dir, c"fresh/", libc::O_CREAT | libc::O_WRONLY, 0o644),
            libc::EISDIR,
        )
    }),
    // The same of an existing file, with and without O_EXCL: EISDIR
    // before the name is looked up (fs/namei.c open_last_lookups: "trailing
    // slashes?"), not the ENOTDIR of a lookup of "inside.txt/".
    ("opens_creat_trailing_slash_existing", |f| {
        expect_errno(
            raw_open(f.dir, c"inside.txt/", libc::O_CREAT | libc::O_WRONLY, 0o644),
            libc::EISDIR,
        )?;
        expect_errno(
            raw_open(
                f.dir,
                c"inside.txt/",
                libc::O_CREAT | libc::O_EXCL | libc::O_WRONLY,
                0o644,
            ),
            libc::EISDIR,
        )?;
        // A last `.` or `..` is a directory: EEXIST with O_EXCL first
        // (fs/namei.c do_open), EISDIR without.
        expect_errno(
            raw_open(
                f.dir,
                c"sub/../",
                libc::O_CREAT | libc::O_EXCL | libc::O_WRONLY,
                0o644,
            ),
            libc::EEXIST,
        )?;
        expect_errno(
            raw_open(f.dir, c"sub/./", libc::O_CREAT | libc::O_RDONLY, 0o644),
            libc::EISDIR,
        )
    }),
    ("opens_nofollow_link", |f| {
        sys!(libc::symlinkat(
            c"inside.txt".as_ptr(),
            f.dir,
            c"ln".as_ptr()
        ))?;
        expect_errno(
            raw_open(f.dir, c"ln", libc::O_RDONLY | libc::O_NOFOLLOW, 0),
            libc::ELOOP,
        )
    }),
    // FD_CLOEXEC as asked (F_GETFD needs no right, fcntl(2)).
    ("opens_cloexec_as_asked", |f| {
        let without = raw_open(f.dir, c"inside.txt", libc::O_RDONLY, 0)?;
        let with = raw_open(f.dir, c"inside.txt", libc::O_RDONLY | libc::O_CLOEXEC, 0)?;
        same(
            sys!(libc::fcntl(without, libc::F_GETFD))?,
            0,
            "F_GETFD without",
        )?;
        same(
            sys!(libc::fcntl(with, libc::F_GETFD))?,
            libc::FD_CLOEXEC,
            "F_GETFD with",
        )
    }),
    // O_APPEND kept: a write lands at the end.
    ("opens_append_kept", |f| {
        let fd = raw_open(f.dir, c"inside.txt", libc::O_WRONLY | libc::O_APPEND, 0)?;
        write_text(fd, "+")?;
        same_text(open_read(f.dir, c"inside.txt")?, "inside+")
    }),
    // O_TRUNC needs `ftruncate`, which `dir` lacks (Capsicum: openat(2)
    // asks CAP_FTRUNCATE for O_TRUNC).
    ("opens_trunc_without_ftruncate", |f| {
        let fd = raw_open(f.dir, c"inside.txt", libc::O_WRONLY | libc::O_TRUNC, 0)?;
        write_text(fd, "x")
    }),
    // A copy (dup(2), made by the supervisor) shares the open file
    // description: a seek on one moves the other.
    ("opens_dup_shares_offset", |f| {
        let fd = raw_open(f.dir, c"inside.txt", libc::O_RDONLY, 0)?;
        let copy = sys!(libc::dup(fd))?;
        sys!(libc::lseek(fd, 3, libc::SEEK_SET))?;
        same(
            sys!(libc::lseek(copy, 0, libc::SEEK_CUR))?,
            3,
            "offset of the copy",
        )
    }),
    // F_DUPFD with a minimum at RLIMIT_NOFILE: EINVAL (fcntl(2)).
    ("opens_dupfd_at_rlimit", |f| {
        let fd = raw_open(f.dir, c"inside.txt", libc::O_RDONLY, 0)?;
        let mut lim = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        sys!(libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim))?;
        expect_errno(
            sys!(libc::fcntl(fd, libc::F_DUPFD, lim.rlim_cur as i32)),
            libc::EINVAL,
        )
    }),
    // Every number of `dir`'s pool taken: EMFILE (a `limits(...)`
    // pool's answer), and an O_CREAT open that answers it has made
    // nothing (the world check: no dir/fresh.txt). Unsandboxed the
    // descriptors run out far later, or never within the loop.
    ("opens_pool_full_creat_makes_nothing", |f| {
        for _ in 0..1000 {
            match raw_open(f.dir, c"inside.txt", libc::O_RDONLY, 0) {
                Ok(_) => continue,
                Err(e) if e.raw_os_error() == Some(libc::EMFILE) => {
                    let r = raw_open(f.dir, c"fresh.txt", libc::O_CREAT | libc::O_WRONLY, 0o644);
                    return expect_errno(r, libc::EMFILE);
                }
                Err(e) => return Err(e),
            }
        }
        Ok("no EMFILE within 1000 opens".into())
    }),
    // O_NOATIME by a caller that does not own the file (setresuid(2) to
    // nobody, effectively): EPERM (open(2)), the supervisor opening with
    // the caller's credentials.
    ("opens_noatime_not_owner", |f| {
        as_nobody()?;
        expect_errno(
            raw_open(f.dir, c"inside.txt", libc::O_RDONLY | libc::O_NOATIME, 0),
            libc::EPERM,
        )
    }),
    // A directory of mode 000, searched by nobody: EACCES, for a name
    // there and for one that is not (path_resolution(7)).
    ("opens_search_denied_nobody", |f| {
        sys!(libc::mkdirat(f.dir, c"locked".as_ptr(), 0o755))?;
        let fd = raw_open(f.dir, c"locked/f", libc::O_CREAT | libc::O_WRONLY, 0o644)?;
        close(fd);
        sys!(libc::fchmodat(f.dir, c"locked".as_ptr(), 0, 0))?;
        as_nobody()?;
        expect_errno(
            raw_open(f.dir, c"locked/f", libc::O_RDONLY, 0),
            libc::EACCES,
        )?;
        expect_errno(
            raw_open(f.dir, c"locked/g", libc::O_CREAT | libc::O_WRONLY, 0o644),
            libc::EACCES,
        )
    }),
    // Copies: dup(2) of a descriptor with FD_CLOEXEC makes one without
    // it, F_DUPFD_CLOEXEC one with it (fcntl(2), dup(2)).
    ("opens_copies_cloexec", |f| {
        let fd = raw_open(f.dir, c"inside.txt", libc::O_RDONLY | libc::O_CLOEXEC, 0)?;
        let copy = sys!(libc::dup(fd))?;
        same(sys!(libc::fcntl(copy, libc::F_GETFD))?, 0, "F_GETFD of dup")?;
        let cloexec = sys!(libc::fcntl(fd, libc::F_DUPFD_CLOEXEC, 0))?;
        same(
            sys!(libc::fcntl(cloexec, libc::F_GETFD))?,
            libc::FD_CLOEXEC,
            "F_GETFD of F_DUPFD_CLOEXEC",
        )
    }),
    // F_DUPFD lands at its minimum or above (fcntl(2)).
    ("opens_dupfd_at_least_min", |f| {
        let fd = raw_open(f.dir, c"inside.txt", libc::O_RDONLY, 0)?;
        let copy = sys!(libc::fcntl(fd, libc::F_DUPFD, fd + 1))?;
        if copy <= fd {
            return Err(std::io::Error::other(format!(
                "copy {copy} below {}",
                fd + 1
            )));
        }
        Ok("above".into())
    }),
    // A copy of a directory opened beneath `dir` opens beneath it, with
    // its rights.
    ("opens_copy_of_dir_opens_beneath", |f| {
        let sub = raw_open(f.dir, c"sub", libc::O_RDONLY | libc::O_DIRECTORY, 0)?;
        let copy = sys!(libc::dup(sub))?;
        let fd = raw_open(copy, c"made.txt", libc::O_CREAT | libc::O_WRONLY, 0o644)?;
        write_text(fd, "made")
    }),
    // A copy of a file opened beneath `rodir` ([lookup, read, fstat])
    // holds its rights: no seek (Capsicum: dup(2) copies the rights).
    ("opens_copy_of_rodir_file_seek", |f| {
        let fd = raw_open(f.rodir, c"keep.txt", libc::O_RDONLY, 0)?;
        let copy = sys!(libc::dup(fd))?;
        sys!(libc::lseek(copy, 1, libc::SEEK_SET)).map(|at| format!("at {at}"))
    }),
    // An `O_PATH` descriptor of a file beneath `rodir` (which the caller
    // opens itself, in no class) put with dup2(2) on a number of
    // `rodir`'s pool, whose rights (`read`) need an open file, then
    // copied: the supervisor makes a copy of a descriptor narrowed to
    // `O_PATH` by opening its file again for reading
    // (supervise/copied.rs), which it must not do here, where the filter
    // would let the copy read (Capsicum: a copy of an `O_PATH` descriptor
    // is `O_PATH`, read(2) answers `EBADF`). Refused, nothing read.
    // `rodir` (no `fchmod`) opened as a directory through an `O_PATH`
    // descriptor of it and put with dup2(2) on a number of `dir`'s pool,
    // whose `fchmod` the supervisor checks call by call: the change must
    // not reach `rodir` (Capsicum: the descriptor holds `rodir`'s rights,
    // fchmod(2) needs `CAP_FCHMOD`). Refused, nothing changed.
    ("opens_rodir_dir_on_dir_pool_fchmod", |f| {
        let opath = openat(f.rodir, c".", libc::O_PATH | libc::O_DIRECTORY)?;
        let opened = openat(opath, c".", libc::O_RDONLY | libc::O_DIRECTORY)?;
        let slot = openat(f.dir, c"inside.txt", libc::O_RDONLY)?;
        sys!(libc::dup2(opened, slot))?;
        sys!(libc::fchmod(slot, 0o700))?;
        Ok("rodir's mode changed".into())
    }),
    // The same with the `O_PATH` descriptor itself on the pool's number:
    // fchmodat2(2) of `""` with `AT_EMPTY_PATH` (the descriptor),
    // fchmod(2) (which the kernel refuses an `O_PATH` descriptor, `EBADF`,
    // after the supervisor's check), of a path beneath it, and
    // futimesat(2) beneath it.
    ("opens_opath_rodir_on_dir_pool_fchmodat_empty", |f| {
        let slot = opath_rodir_on_dir_pool(f)?;
        fchmod_empty(slot, 0o700)?;
        Ok("rodir's mode changed".into())
    }),
    ("opens_opath_rodir_on_dir_pool_fchmod", |f| {
        let slot = opath_rodir_on_dir_pool(f)?;
        sys!(libc::fchmod(slot, 0o700))?;
        Ok("rodir's mode changed".into())
    }),
    ("beneath_opened_setflags", |f| {
        let fd = openat(f.dir, c"inside.txt", libc::O_RDONLY)?;
        set_same_flags(fd)
    }),
    ("opens_opath_rodir_on_dir_pool_setflags", |f| {
        // The setter alone (the kernel refuses an `O_PATH` descriptor
        // either, `EBADF`, after the supervisor's check).
        let slot = opath_rodir_on_dir_pool(f)?;
        let flags: libc::c_int = 0;
        sys!(libc::ioctl(slot, libc::FS_IOC_SETFLAGS, &flags))?;
        Ok("rodir's inode flags set".into())
    }),
    ("opens_opath_rodir_on_dir_pool_fchmodat_path", |f| {
        let slot = opath_rodir_on_dir_pool(f)?;
        sys!(libc::fchmodat(slot, c"keep.txt".as_ptr(), 0o600, 0))?;
        Ok("a file of rodir changed".into())
    }),
    ("opens_opath_rodir_on_dir_pool_futimesat", |f| {
        let slot = opath_rodir_on_dir_pool(f)?;
        sys!(libc::utimensat(
            slot,
            c"keep.txt".as_ptr(),
            TIMES.as_ptr(),
            0
        ))?;
        Ok("a file of rodir changed".into())
    }),
    ("opens_copy_of_opath_on_rodir_pool_read", |f| {
        let opath = raw_open(f.rodir, c"keep.txt", libc::O_PATH, 0)?;
        let slot = raw_open(f.rodir, c"keep.txt", libc::O_RDONLY, 0)?;
        sys!(libc::dup2(opath, slot))?;
        let copy = sys!(libc::dup(slot))?;
        read_text(copy)
    }),
    // ---- second attack (nested pools, moves, links, copies, threads,
    // credentials) ----
    // `rodir` opened as a directory (into `rodir`'s pool, its rights)
    // and put on a number of `dir`'s pool with dup2(2): the copy would
    // hold `dir`'s rights, more than its original (Capsicum: a copy
    // holds its original's rights, dup(2)); refused, nothing made.
    ("opens_rodir_pool_dir_onto_dir_pool_creat", |f| {
        let ro = raw_open(f.rodir, c".", libc::O_RDONLY | libc::O_DIRECTORY, 0)?;
        let slot = raw_open(f.dir, c"inside.txt", libc::O_RDONLY, 0)?;
        sys!(libc::dup2(ro, slot))?;
        let fd = raw_open(slot, c"made.txt", libc::O_WRONLY | libc::O_CREAT, 0o644)?;
        write_text(fd, "made")
    }),
    // `dir` put on a number of `rodir`'s pool (a narrowing, row 5 (a)):
    // what is opened through that number holds `rodir`'s rights, no
    // `create`...
    ("opens_dir_onto_rodir_pool_creat", |f| {
        let slot = raw_open(f.rodir, c"keep.txt", libc::O_RDONLY, 0)?;
        sys!(libc::dup2(f.dir, slot))?;
        let fd = raw_open(slot, c"made.txt", libc::O_WRONLY | libc::O_CREAT, 0o644)?;
        write_text(fd, "made")
    }),
    // ... and no `seek` on a file opened there for reading, which
    // `rodir`'s rights let it open.
    ("opens_dir_onto_rodir_pool_then_seek", |f| {
        let slot = raw_open(f.rodir, c"keep.txt", libc::O_RDONLY, 0)?;
        sys!(libc::dup2(f.dir, slot))?;
        let fd = raw_open(slot, c"inside.txt", libc::O_RDONLY, 0)?;
        sys!(libc::lseek(fd, 1, libc::SEEK_SET)).map(|at| format!("at {at}"))
    }),
    // Its positive twin: reading is within `rodir`'s rights.
    ("opens_dir_onto_rodir_pool_reads", |f| {
        let slot = raw_open(f.rodir, c"keep.txt", libc::O_RDONLY, 0)?;
        sys!(libc::dup2(f.dir, slot))?;
        let fd = raw_open(slot, c"inside.txt", libc::O_RDONLY, 0)?;
        same_text(read_text(fd)?, "inside")
    }),
    // A symbolic link within `dir` leading into `rodir` (relative, then
    // absolute), followed through an `O_PATH` descriptor of `dir`
    // (opened by the supervisor into `dir`'s pool): the walk leaves the
    // directory (Capsicum: `ENOTCAPABLE`, symbolic links only within it),
    // so no file of `rodir` is made or opened with `dir`'s rights.
    ("opens_link_into_rodir_relative_creat", |f| {
        sys!(libc::symlinkat(c"../rodir".as_ptr(), f.dir, c"tr".as_ptr()))?;
        let opath = openat(f.dir, c".", libc::O_PATH | libc::O_DIRECTORY)?;
        let fd = raw_open(opath, c"tr/made.txt", libc::O_WRONLY | libc::O_CREAT, 0o644)?;
        write_text(fd, "made")
    }),
    ("opens_link_into_rodir_relative_seek", |f| {
        sys!(libc::symlinkat(c"../rodir".as_ptr(), f.dir, c"tr".as_ptr()))?;
        let opath = openat(f.dir, c".", libc::O_PATH | libc::O_DIRECTORY)?;
        let fd = raw_open(opath, c"tr/keep.txt", libc::O_RDONLY, 0)?;
        sys!(libc::lseek(fd, 1, libc::SEEK_SET)).map(|at| format!("at {at}"))
    }),
    ("opens_link_into_rodir_absolute_write", |f| {
        let target = rodir_path("keep.txt")?;
        sys!(libc::symlinkat(target.as_ptr(), f.dir, c"kl".as_ptr()))?;
        let opath = openat(f.dir, c".", libc::O_PATH | libc::O_DIRECTORY)?;
        let fd = raw_open(opath, c"kl", libc::O_WRONLY | libc::O_APPEND, 0)?;
        write_text(fd, "overwritten")
    }),
    // A final link followed by O_CREAT (no O_EXCL) to an existing file of
    // `rodir`, through `dir` itself.
    ("opens_link_into_rodir_creat_existing", |f| {
        sys!(libc::symlinkat(
            c"../rodir/keep.txt".as_ptr(),
            f.dir,
            c"kl".as_ptr()
        ))?;
        let fd = raw_open(
            f.dir,
            c"kl",
            libc::O_WRONLY | libc::O_CREAT | libc::O_APPEND,
            0o644,
        )?;
        write_text(fd, "overwritten")
    }),
    // A directory of `dir` removed (rmdir(2)) after an `O_PATH`
    // descriptor of it was opened: nothing is made in it (ENOENT, as the
    // kernel answers for a dead directory, fs/namei.c `may_create`), and
    // `..` through it stays refused (above the directory it names).
    ("opens_opath_removed_dir_creat", |f| {
        sys!(libc::mkdirat(f.dir, c"gone".as_ptr(), 0o755))?;
        let opath = openat(f.dir, c"gone", libc::O_PATH | libc::O_DIRECTORY)?;
        sys!(libc::unlinkat(f.dir, c"gone".as_ptr(), libc::AT_REMOVEDIR))?;
        expect_errno(
            raw_open(opath, c"x", libc::O_WRONLY | libc::O_CREAT, 0o644),
            libc::ENOENT,
        )
    }),
    ("opens_opath_removed_dir_dotdot", |f| {
        sys!(libc::mkdirat(f.dir, c"gone".as_ptr(), 0o755))?;
        let opath = openat(f.dir, c"gone", libc::O_PATH | libc::O_DIRECTORY)?;
        sys!(libc::unlinkat(f.dir, c"gone".as_ptr(), libc::AT_REMOVEDIR))?;
        let fd = raw_open(opath, c"../inside.txt", libc::O_RDONLY, 0)?;
        read_text(fd)
    }),
    // The same through a directory opened (into `dir`'s pool) before it
    // was removed.
    ("opens_removed_dir_creat", |f| {
        sys!(libc::mkdirat(f.dir, c"gone".as_ptr(), 0o755))?;
        let d = raw_open(f.dir, c"gone", libc::O_RDONLY | libc::O_DIRECTORY, 0)?;
        sys!(libc::unlinkat(f.dir, c"gone".as_ptr(), libc::AT_REMOVEDIR))?;
        expect_errno(
            raw_open(d, c"x", libc::O_WRONLY | libc::O_CREAT, 0o644),
            libc::ENOENT,
        )
    }),
    // A file of `dir`'s pool opened read-write, put with dup2(2) on a
    // number of the pool of `ro`'s rights ([read]; a narrowing): it
    // writes no more (Capsicum: the copy holds no more than the number's
    // rights, cap_rights_limit(2) of a copy).
    ("opens_dir_file_onto_ro_pool_write", |f| {
        let rw = raw_open(f.dir, c"inside.txt", libc::O_RDWR, 0)?;
        let slot = sys!(libc::dup(f.ro))?;
        sys!(libc::dup2(rw, slot))?;
        write_text(slot, "overwritten")
    }),
    // Copies of a closed number of `dir`'s pool: EBADF (dup(2), fcntl(2)).
    ("opens_dup_closed_pool_number", |f| {
        let fd = raw_open(f.dir, c"inside.txt", libc::O_RDONLY, 0)?;
        close(fd);
        expect_errno(sys!(libc::dup(fd)), libc::EBADF)?;
        expect_errno(sys!(libc::fcntl(fd, libc::F_DUPFD, 0)), libc::EBADF)?;
        expect_errno(
            sys!(libc::fcntl(fd, libc::F_DUPFD_CLOEXEC, fd)),
            libc::EBADF,
        )
    }),
    // F_DUPFD of a closed pool number with a minimum the kernel refuses
    // (negative, at RLIMIT_NOFILE): EBADF, the descriptor taken first
    // (fs/fcntl.c: fcntl(2) looks the number up before do_fcntl).
    ("opens_dupfd_closed_bad_minimum", |f| {
        let fd = raw_open(f.dir, c"inside.txt", libc::O_RDONLY, 0)?;
        close(fd);
        let mut lim = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        sys!(libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim))?;
        expect_errno(sys!(libc::fcntl(fd, libc::F_DUPFD, -1)), libc::EBADF)?;
        expect_errno(
            sys!(libc::fcntl(fd, libc::F_DUPFD_CLOEXEC, lim.rlim_cur as i32)),
            libc::EBADF,
        )
    }),
    // A number of `dir`'s pool closed with close_range(2) (not trapped
    // there): the next open still lands in the pool, no mapping (`dir`
    // lacks `mmap`).
    ("opens_close_range_pool_then_mmap", |f| {
        let a = raw_open(f.dir, c"inside.txt", libc::O_RDONLY, 0)?;
        let b = raw_open(f.dir, c"inside.txt", libc::O_RDONLY, 0)?;
        let (lo, hi) = (a.min(b), a.max(b));
        sys!(libc::syscall(
            libc::SYS_close_range,
            lo as u32,
            hi as u32,
            0
        ))?;
        let fd = raw_open(f.dir, c"inside.txt", libc::O_RDONLY, 0)?;
        map(fd, libc::PROT_READ, libc::MAP_SHARED)
    }),
    // Eight threads opening at once, while the main thread forks
    // children that open too: every descriptor lands in `dir`'s pool (no
    // mapping: `dir` lacks `mmap`) and holds what its own thread opened
    // (none replaced by another's install).
    ("opens_threads_all_pooled", |f| concurrent_opens(f.dir)),
    // O_CREAT together with O_DIRECTORY: EINVAL before anything is looked
    // up (Linux 6.4, fs/open.c `build_open_flags`), on an existing file
    // as on a new name.
    ("opens_creat_directory_einval", |f| {
        expect_errno(
            raw_open(
                f.dir,
                c"inside.txt",
                libc::O_CREAT | libc::O_DIRECTORY | libc::O_RDONLY,
                0o644,
            ),
            libc::EINVAL,
        )?;
        expect_errno(
            raw_open(
                f.dir,
                c"fresh",
                libc::O_CREAT | libc::O_DIRECTORY | libc::O_RDONLY,
                0o644,
            ),
            libc::EINVAL,
        )
    }),
    // O_TMPFILE without write access, or with O_CREAT: EINVAL, before
    // the path is looked up (fs/open.c `build_open_flags`).
    ("opens_tmpfile_flags_einval", |f| {
        expect_errno(
            raw_open(f.dir, c"nowhere", libc::O_TMPFILE | libc::O_RDONLY, 0o600),
            libc::EINVAL,
        )?;
        expect_errno(
            raw_open(
                f.dir,
                c"nowhere",
                libc::O_TMPFILE | libc::O_CREAT | libc::O_WRONLY,
                0o600,
            ),
            libc::EINVAL,
        )
    }),
    // `sub` of `dir` moved into `rodir` after an `O_PATH` descriptor of it
    // was opened, to create through that descriptor beneath `rodir`:
    // the move is refused (`rodir` lacks `renameat_target`; Capsicum:
    // renameat(2) asks CAP_RENAMEAT_TARGET of the target directory).
    ("opens_opath_sub_moved_into_rodir", |f| {
        let opath = openat(f.dir, c"sub", libc::O_PATH | libc::O_DIRECTORY)?;
        sys!(libc::renameat(
            f.dir,
            c"sub".as_ptr(),
            f.rodir,
            c"sub".as_ptr()
        ))?;
        let fd = raw_open(opath, c"made.txt", libc::O_WRONLY | libc::O_CREAT, 0o644)?;
        write_text(fd, "made")
    }),
    // A file of `rodir` linked into `dir` (linkat(2) `AT_EMPTY_PATH`),
    // from a descriptor of `rodir`'s pool, then from an `O_PATH` one, to
    // open it for writing beneath `dir`: refused (`rodir`'s rights lack
    // `linkat_source`; Capsicum: linkat(2) asks CAP_LINKAT_SOURCE of the
    // source); the `O_PATH` descriptor, in no class, by Landlock's
    // reparenting check (`EXDEV`).
    ("opens_link_rodir_file_into_dir", |f| {
        let fd = raw_open(f.rodir, c"keep.txt", libc::O_RDONLY, 0)?;
        sys!(libc::linkat(
            fd,
            c"".as_ptr(),
            f.dir,
            c"k".as_ptr(),
            libc::AT_EMPTY_PATH
        ))?;
        let w = raw_open(f.dir, c"k", libc::O_WRONLY | libc::O_APPEND, 0)?;
        write_text(w, "overwritten")
    }),
    ("opens_link_rodir_opath_into_dir", |f| {
        let fd = openat(f.rodir, c"keep.txt", libc::O_PATH)?;
        sys!(libc::linkat(
            fd,
            c"".as_ptr(),
            f.dir,
            c"k".as_ptr(),
            libc::AT_EMPTY_PATH
        ))?;
        let w = raw_open(f.dir, c"k", libc::O_WRONLY | libc::O_APPEND, 0)?;
        write_text(w, "overwritten")
    }),
    // openat(2) through a file of `dir`'s pool: ENOTDIR.
    ("opens_through_pooled_file", |f| {
        let fd = raw_open(f.dir, c"inside.txt", libc::O_RDONLY, 0)?;
        expect_errno(raw_open(fd, c"x", libc::O_RDONLY, 0), libc::ENOTDIR)
    }),
    // The supervisor opens with the caller's credentials (credentials(7)):
    // without CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH effective
    // (capset(2)), a root caller may neither read nobody's 0600 file nor
    // create in nobody's 0700 directory.
    ("opens_after_caps_dropped", |f| {
        owned_by_nobody(f.dir, c"n.txt", false)?;
        owned_by_nobody(f.dir, c"nd", true)?;
        drop_dac_capabilities()?;
        expect_errno(raw_open(f.dir, c"n.txt", libc::O_RDONLY, 0), libc::EACCES)?;
        expect_errno(
            raw_open(f.dir, c"nd/new.txt", libc::O_CREAT | libc::O_WRONLY, 0o644),
            libc::EACCES,
        )
    }),
    // setfsuid(2) and setfsgid(2) to nobody: a file made in nobody's
    // directory is nobody's (open(2): the owner is the filesystem uid),
    // and none is made in root's 0700 one.
    ("opens_creat_owner_after_setfsuid", |f| {
        owned_by_nobody(f.dir, c"nd", true)?;
        sys!(libc::mkdirat(f.dir, c"rootonly".as_ptr(), 0o700))?;
        // SAFETY: change the calling thread's filesystem ids; they answer
        // the previous ids, never an error.
        unsafe {
            libc::setfsgid(65534);
            libc::setfsuid(65534);
        }
        let fd = raw_open(f.dir, c"nd/new.txt", libc::O_CREAT | libc::O_WRONLY, 0o600)?;
        // SAFETY: `stat` is plain old data; all zeroes is a valid value.
        let mut st: libc::stat = unsafe { std::mem::zeroed() };
        sys!(libc::fstat(fd, &mut st))?;
        same((st.st_uid, st.st_gid), (65534, 65534), "owner")?;
        expect_errno(
            raw_open(f.dir, c"rootonly/x", libc::O_CREAT | libc::O_WRONLY, 0o600),
            libc::EACCES,
        )
    }),
    // Supplementary groups (setgroups(2)): nobody's file readable by
    // group 4242 alone opens for reading while the caller is in it, not
    // for writing, and not at all once it left it.
    ("opens_after_setgroups", |f| {
        owned_by_nobody(f.dir, c"g.txt", false)?;
        sys!(libc::fchownat(f.dir, c"g.txt".as_ptr(), 65534, 4242, 0))?;
        sys!(libc::fchmodat(f.dir, c"g.txt".as_ptr(), 0o040, 0))?;
        sys!(libc::setgroups(1, [4242 as libc::gid_t].as_ptr()))?;
        // CAP_SETGID (6) alone effective: no DAC override.
        set_capabilities(1 << 6, (1 << 1) | (1 << 2) | (1 << 6))?;
        let fd = raw_open(f.dir, c"g.txt", libc::O_RDONLY, 0)?;
        close(fd);
        expect_errno(
            raw_open(f.dir, c"g.txt", libc::O_WRONLY | libc::O_APPEND, 0),
            libc::EACCES,
        )?;
        sys!(libc::setgroups(0, std::ptr::null()))?;
        expect_errno(raw_open(f.dir, c"g.txt", libc::O_RDONLY, 0), libc::EACCES)
    }),
];

/// The caller made nobody effectively (setresuid(2): real and saved
/// root), or an error when it is not root (nothing to tell apart).
fn as_nobody() -> std::io::Result<()> {
    as_root()?;
    sys!(libc::setresuid(0, 65534, 0)).map(drop)
}

/// umask(2), which cannot fail.
fn set_umask(mask: libc::mode_t) {
    // SAFETY: umask(2) takes an integer.
    unsafe { libc::umask(mask) };
}

/// openat(2) as asked (no flag added).
fn raw_open(dir: RawFd, path: &CStr, flags: i32, mode: u32) -> std::io::Result<RawFd> {
    sys!(libc::openat(dir, path.as_ptr(), flags, mode))
}

/// The permission bits of `fd` (fstat(2)).
fn mode_of(fd: RawFd) -> std::io::Result<u32> {
    // SAFETY: `stat` is plain old data; all zeroes is a valid value.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    sys!(libc::fstat(fd, &mut st))?;
    Ok(st.st_mode & 0o7777)
}

/// `got` must be `want`.
fn same<T: PartialEq + std::fmt::Debug>(got: T, want: T, what: &str) -> Attempt {
    if got == want {
        Ok(format!("{what} {got:?}"))
    } else {
        Err(std::io::Error::other(format!(
            "{what} {got:?}, not {want:?}"
        )))
    }
}

/// Text `got` must be `want`.
fn same_text(got: String, want: &str) -> Attempt {
    same(got.as_str(), want, "text").map(|_| got.clone())
}

/// The absolute path of `name` in `rodir` (the probe's third argument),
/// NUL-terminated.
fn rodir_path(name: &str) -> std::io::Result<std::ffi::CString> {
    let rodir = std::env::args()
        .nth(3)
        .ok_or_else(|| std::io::Error::other("no rodir argument"))?;
    std::ffi::CString::new(format!("{rodir}/{name}")).map_err(std::io::Error::other)
}

/// How many threads [`concurrent_opens`] starts, and how many opens each
/// makes (their product within `dir`'s pool of 256).
const THREADS: usize = 8;
const OPENS: usize = 24;

/// [`THREADS`] threads, each opening its own file beneath `dir` [`OPENS`]
/// times at once, while this thread forks children that open one too:
/// `Err(EACCES)` when every descriptor refuses a mapping (in `dir`'s pool)
/// and reads its own thread's file; `Ok` naming the first that maps (in
/// no class), an error naming one that reads another's.
fn concurrent_opens(dir: RawFd) -> Attempt {
    for t in 0..THREADS {
        let name = std::ffi::CString::new(format!("t{t}.txt")).map_err(std::io::Error::other)?;
        let fd = raw_open(
            dir,
            &name,
            libc::O_CREAT | libc::O_WRONLY | libc::O_APPEND,
            0o644,
        )?;
        write_text(fd, &format!("thread {t}"))?;
        close(fd);
    }
    let go = std::sync::Arc::new(std::sync::Barrier::new(THREADS + 1));
    let handles: Vec<_> = (0..THREADS)
        .map(|t| {
            let go = go.clone();
            std::thread::spawn(move || -> std::io::Result<Vec<RawFd>> {
                let name =
                    std::ffi::CString::new(format!("t{t}.txt")).map_err(std::io::Error::other)?;
                go.wait();
                (0..OPENS)
                    .map(|_| raw_open(dir, &name, libc::O_RDONLY, 0))
                    .collect()
            })
        })
        .collect();
    go.wait();
    let [r, w] = pipe()?;
    let mut children = 0;
    for _ in 0..4 {
        // SAFETY: fork(2); the child makes raw calls only (no allocation:
        // other threads may hold the allocator's lock), then _exit(2).
        let pid = unsafe { libc::fork() };
        if pid == 0 {
            // SAFETY: raw calls on a NUL-terminated path, then _exit(2).
            unsafe {
                let fd = libc::openat(dir, c"inside.txt".as_ptr(), libc::O_RDONLY);
                let code: u8 = if fd < 0 {
                    2
                } else {
                    let p = libc::mmap(
                        std::ptr::null_mut(),
                        4096,
                        libc::PROT_READ,
                        libc::MAP_SHARED,
                        fd,
                        0,
                    );
                    u8::from(p != libc::MAP_FAILED)
                };
                libc::write(w, (&code as *const u8).cast(), 1);
                libc::_exit(0)
            }
        }
        if pid > 0 {
            children += 1;
        }
    }
    let mut all = Vec::new();
    for (t, h) in handles.into_iter().enumerate() {
        let fds = h
            .join()
            .map_err(|_| std::io::Error::other("a thread panicked"))??;
        all.extend(fds.into_iter().map(|fd| (t, fd)));
    }
    let mut seen: Vec<RawFd> = all.iter().map(|&(_, fd)| fd).collect();
    seen.sort_unstable();
    seen.dedup();
    if seen.len() != all.len() {
        return Err(std::io::Error::other("one number given twice"));
    }
    for &(t, fd) in &all {
        let mut buf = [0u8; 32];
        let n = sys!(libc::read(fd, buf.as_mut_ptr().cast(), buf.len()))?;
        let text = String::from_utf8_lossy(&buf[..n as usize]).into_owned();
        if text != format!("thread {t}") {
            return Err(std::io::Error::other(format!(
                "{fd} of thread {t} reads {text:?}"
            )));
        }
        if map(fd, libc::PROT_READ, libc::MAP_SHARED).is_ok() {
            return Ok(format!("{fd} of thread {t} mapped: in no class"));
        }
    }
    // The children's answers (0 refused, 1 mapped, 2 not opened).
    close(w);
    for _ in 0..children {
        let mut code = 0u8;
        sys!(libc::read(r, (&mut code as *mut u8).cast(), 1))?;
        match code {
            0 => {}
            1 => return Ok("a child's descriptor mapped: in no class".into()),
            _ => return Err(std::io::Error::other("a child could not open")),
        }
    }
    Err(std::io::Error::from_raw_os_error(libc::EACCES))
}

/// An `O_PATH` descriptor of `rodir` (which the caller opens itself, in no
/// class) put with dup2(2) on a number of `dir`'s pool: that number.
fn opath_rodir_on_dir_pool(f: &Fds) -> std::io::Result<RawFd> {
    let opath = openat(f.rodir, c".", libc::O_PATH | libc::O_DIRECTORY)?;
    let slot = openat(f.dir, c"inside.txt", libc::O_RDONLY)?;
    sys!(libc::dup2(opath, slot))?;
    Ok(slot)
}

/// FS_IOC_SETFLAGS (linux/fs.h) of `fd` with the inode flags it has
/// (FS_IOC_GETFLAGS): changes nothing, but needs the `ioctl` right.
pub(super) fn set_same_flags(fd: RawFd) -> Attempt {
    let mut flags: libc::c_int = 0;
    sys!(libc::ioctl(fd, libc::FS_IOC_GETFLAGS, &mut flags))?;
    sys!(libc::ioctl(fd, libc::FS_IOC_SETFLAGS, &flags))?;
    Ok(format!("inode flags {flags:#x} set"))
}
