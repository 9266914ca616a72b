//! Attacks on the opens the supervisor makes for the caller beneath a
//! directory whose rights a descriptor opened beneath it inherits
//! (supervise/opened.rs, `inherited.rs`) and on the copies it places
//! (supervise/copied.rs): a descriptor opened beneath a directory must
//! hold no more than the directory's rights (rights(4): "the new
//! descriptor inherits the rights of the directory descriptor";
//! FreeBSD's `kern_openat` installs it with the directory capability's
//! rights, capability-fd.cc TEST(Capability, Inheritance)), and every
//! answer is the kernel's own for the same call unsandboxed.

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
];

/// The caller made nobody effectively (setresuid(2): real and saved
/// root), or an error when it is not root (nothing to tell apart).
fn as_nobody() -> std::io::Result<()> {
    // SAFETY: getuid(2) cannot fail.
    if unsafe { libc::getuid() } != 0 {
        return Err(std::io::Error::other("not root: nothing to tell apart"));
    }
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
