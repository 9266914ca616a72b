//! Files and directories: lookups beneath directories, rights of limited
//! files, access modes.

use std::io::Read;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::path::Path;

use super::*;

#[test]
fn entry_gives_lookups_beneath_directories_and_nothing_else() {
    if skip_without_landlock() {
        return;
    }
    let root = scratch("lookups");
    std::fs::create_dir(root.join("inside")).unwrap();
    std::fs::write(root.join("inside/file"), b"hello").unwrap();
    std::fs::write(root.join("outside"), b"secret").unwrap();
    std::os::unix::fs::symlink("../outside", root.join("inside/link")).unwrap();
    let inside = root.join("inside");
    in_child(move || {
        let mut n = Native::new();
        let dir = n
            .limit(
                open_dir(&inside),
                &limits(&[Right::Lookup, Right::Read, Right::Fstat]),
            )
            .map_err(|f| format!("limit: {}", f.error))?;
        enter(&mut n)?;
        if !is_sandboxed() {
            return Err("is_sandboxed() is false after entry".into());
        }
        let d = dir.as_raw_fd();
        let fd = ok("openat beneath", openat(d, "file", libc::O_RDONLY))?;
        let mut text = String::new();
        // SAFETY: `fd` was just opened.
        unsafe { std::fs::File::from_raw_fd(fd as RawFd) }
            .read_to_string(&mut text)
            .map_err(|e| e.to_string())?;
        if text != "hello" {
            return Err(format!("read {text:?}"));
        }
        let err = std::fs::File::open("/etc/passwd").unwrap_err();
        if err.raw_os_error() != Some(libc::EPERM) || !crate::is_violation(&err) {
            return Err(format!("open(/etc/passwd): {err}"));
        }
        denied(
            "openat(AT_FDCWD)",
            openat(libc::AT_FDCWD, "x", libc::O_RDONLY),
            libc::EPERM,
        )?;
        denied(
            "openat(dir, absolute)",
            openat(d, "/etc/passwd", libc::O_RDONLY),
            libc::EACCES,
        )?;
        denied(
            "openat(dir, ..)",
            openat(d, "../outside", libc::O_RDONLY),
            libc::EACCES,
        )?;
        denied(
            "openat(dir, symlink out)",
            openat(d, "link", libc::O_RDONLY),
            libc::EACCES,
        )?;
        // The directory's rights: no write, no create beneath it.
        denied(
            "openat(dir, O_WRONLY)",
            openat(d, "file", libc::O_WRONLY),
            libc::EACCES,
        )?;
        denied(
            "openat(dir, O_CREAT)",
            openat(d, "new", libc::O_WRONLY | libc::O_CREAT),
            libc::EACCES,
        )?;
        let p = cstr("/tmp");
        denied(
            "chdir",
            // SAFETY: arguments are integers or pointers to live locals.
            unsafe { libc::chdir(p.as_ptr()) } as i64,
            libc::EPERM,
        )?;
        denied(
            "mkdir",
            // SAFETY: arguments are integers or pointers to live locals.
            unsafe { libc::mkdir(p.as_ptr(), 0o755) } as i64,
            libc::EPERM,
        )?;
        Ok(())
    });
    std::fs::remove_dir_all(root).unwrap();
}

#[test]
fn limited_files_keep_only_their_rights() {
    if skip_without_landlock() {
        return;
    }
    let root = scratch("rights");
    let path = root.join("data");
    std::fs::write(&path, b"0123456789").unwrap();
    in_child(move || {
        let file: OwnedFd = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(&path)
            .map_err(|e| e.to_string())?
            .into();
        let mut n = Native::new();
        let fd = n
            .limit(file, &limits(&[Right::Read]))
            .map_err(|f| format!("limit: {}", f.error))?;
        let f = fd.as_raw_fd();
        // The kernel's access mode was narrowed before entry.
        // SAFETY: F_GETFL takes no pointer.
        let fl = unsafe { libc::fcntl(f, libc::F_GETFL) };
        if fl & libc::O_ACCMODE != libc::O_RDONLY {
            return Err(format!("access mode {fl:#o}, want O_RDONLY"));
        }
        if f < 100 {
            return Err(format!("descriptor {f} was not moved into the block"));
        }
        enter(&mut n)?;
        let mut buf = [0u8; 4];
        // SAFETY: `buf` is valid for 4 bytes.
        let n_read = unsafe { libc::read(f, buf.as_mut_ptr().cast(), 4) };
        ok("read", n_read as i64)?;
        // The access mode denies it: the filter leaves read/write alone.
        denied(
            "write",
            // SAFETY: arguments are integers or pointers to live locals.
            unsafe { libc::write(f, buf.as_ptr().cast(), 4) } as i64,
            libc::EBADF,
        )?;
        denied(
            "pread",
            // SAFETY: arguments are integers or pointers to live locals.
            unsafe { libc::pread(f, buf.as_mut_ptr().cast(), 4, 0) } as i64,
            libc::EACCES,
        )?;
        // SAFETY: lseek takes no pointer.
        denied(
            "lseek",
            // SAFETY: arguments are integers or pointers to live locals.
            unsafe { libc::lseek(f, 0, libc::SEEK_SET) },
            libc::EACCES,
        )?;
        let mut st = std::mem::MaybeUninit::<libc::stat>::uninit();
        denied(
            "fstat",
            // SAFETY: arguments are integers or pointers to live locals.
            unsafe { libc::fstat(f, st.as_mut_ptr()) } as i64,
            libc::EACCES,
        )?;
        // SAFETY: ftruncate/fchmod/fsync/flock/dup take no pointer.
        unsafe {
            denied("ftruncate", libc::ftruncate(f, 0) as i64, libc::EACCES)?;
            denied("fchmod", libc::fchmod(f, 0o600) as i64, libc::EACCES)?;
            denied("fsync", libc::fsync(f) as i64, libc::EACCES)?;
            denied("flock", libc::flock(f, libc::LOCK_EX) as i64, libc::EACCES)?;
            // A copy holds the same rights (dup(2)): the supervisor puts
            // it at a number of a pool of these limits, where the filter
            // refuses it what it refuses the original.
            for (what, copy) in [
                ("dup", libc::dup(f)),
                ("F_DUPFD", libc::fcntl(f, libc::F_DUPFD_CLOEXEC, 0)),
            ] {
                ok(what, copy as i64)?;
                if copy < 100 {
                    return Err(format!("{what}: copy at {copy}, not in a pool"));
                }
                denied(
                    &format!("lseek of the {what} copy"),
                    libc::lseek(copy, 0, libc::SEEK_SET),
                    libc::EACCES,
                )?;
                ok(
                    &format!("close of the {what} copy"),
                    libc::close(copy) as i64,
                )?;
            }
            denied("dup2 from", libc::dup2(f, 50) as i64, libc::EACCES)?;
            denied("dup2 onto", libc::dup2(0, f) as i64, libc::EACCES)?;
            denied(
                "F_GETFL without fcntl",
                libc::fcntl(f, libc::F_GETFL) as i64,
                libc::EACCES,
            )?;
            ok("F_GETFD", libc::fcntl(f, libc::F_GETFD) as i64)?;
            denied(
                "ioctl(FIONREAD)",
                libc::ioctl(f, libc::FIONREAD, buf.as_mut_ptr()) as i64,
                libc::EACCES,
            )?;
            denied(
                "mmap",
                libc::mmap(
                    std::ptr::null_mut(),
                    4096,
                    libc::PROT_READ,
                    libc::MAP_PRIVATE,
                    f,
                    0,
                ) as i64,
                libc::EACCES,
            )?;
        }
        // Reopening through /proc to widen it: a lookup from nowhere, or
        // from a descriptor without `lookup`.
        let proc_path = format!("/proc/self/fd/{f}");
        denied(
            "reopen via /proc from AT_FDCWD",
            openat(libc::AT_FDCWD, &proc_path, libc::O_RDWR),
            libc::EPERM,
        )?;
        denied(
            "reopen via /proc from the file",
            openat(f, &proc_path, libc::O_RDWR),
            libc::EACCES,
        )?;
        Ok(())
    });
    std::fs::remove_dir_all(root).unwrap();
}

#[test]
fn lookup_only_directories_are_o_path_and_rights_gate_changes() {
    if skip_without_landlock() {
        return;
    }
    let root = scratch("dirs");
    std::fs::write(root.join("f"), b"x").unwrap();
    in_child(move || {
        let mut n = Native::new();
        let lookup_only = n
            .limit(open_dir(&root), &limits(&[Right::Lookup]))
            .map_err(|f| f.error.to_string())?;
        let writable = n
            .limit(
                open_dir(&root),
                &limits(&[
                    Right::Lookup,
                    Right::Create,
                    Right::Write,
                    Right::Seek,
                    Right::Mkdirat,
                ]),
            )
            .map_err(|f| f.error.to_string())?;
        // SAFETY: F_GETFL takes no pointer.
        let fl = unsafe { libc::fcntl(lookup_only.as_raw_fd(), libc::F_GETFL) };
        if fl & libc::O_PATH == 0 {
            return Err(format!("lookup-only directory has flags {fl:#o}"));
        }
        enter(&mut n)?;
        let (l, w) = (lookup_only.as_raw_fd(), writable.as_raw_fd());
        ok("O_PATH beneath", openat(l, "f", libc::O_PATH))?;
        denied(
            "read beneath without read",
            openat(l, "f", libc::O_RDONLY),
            libc::EACCES,
        )?;
        // O_WRONLY without O_APPEND or O_TRUNC moves an offset: `seek`
        // (flags_to_rights, sys/kern/vfs_syscalls.c).
        ok(
            "create beneath with create",
            openat(w, "new", libc::O_WRONLY | libc::O_CREAT),
        )?;
        let p = cstr("sub");
        ok(
            "mkdirat with mkdirat",
            // SAFETY: arguments are integers or pointers to live locals.
            unsafe { libc::mkdirat(w, p.as_ptr(), 0o755) } as i64,
        )?;
        // SAFETY: NUL-terminated path.
        let r = unsafe { libc::mkdirat(l, p.as_ptr(), 0o755) };
        denied("mkdirat without mkdirat", r as i64, libc::EACCES)?;
        // SAFETY: NUL-terminated path.
        let r = unsafe { libc::unlinkat(w, cstr("f").as_ptr(), 0) };
        denied("unlinkat without unlinkat", r as i64, libc::EACCES)?;
        Ok(())
    });
}

#[test]
fn standard_streams_are_narrowed_where_no_offset_is_shared() {
    if skip_without_landlock() {
        return;
    }
    let root = scratch("stdio");
    let fifo = root.join("fifo");
    let file = root.join("out.txt");
    let c = cstr(fifo.to_str().unwrap());
    // SAFETY: NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    in_child(move || {
        // stdin: a FIFO opened read-write (no offset: reopened O_RDONLY);
        // stdout: a regular file opened read-write (its offset is shared
        // with the parent: kept, and the filter denies reading).
        let open_rw = |p: &Path| {
            std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(p)
                .map_err(|e| e.to_string())
        };
        let (fifo, file) = (open_rw(&fifo)?, open_rw(&file)?);
        // SAFETY: dup2 onto stdin and stdout of this child.
        unsafe {
            libc::dup2(fifo.as_raw_fd(), 0);
            libc::dup2(file.as_raw_fd(), 1);
        }
        let mut n = Native::new();
        for (stream, limits) in [
            (Stdio::Stdin, Limits::STDIN),
            (Stdio::Stdout, Limits::STDOUT),
        ] {
            n.limit_stdio(stream, &limits)
                .map_err(|f| f.error.to_string())?;
        }
        enter(&mut n)?;
        let mut byte = [0u8; 1];
        // SAFETY: F_GETFL takes no pointer; read/write use a live byte.
        unsafe {
            if libc::fcntl(0, libc::F_GETFL) & libc::O_ACCMODE != libc::O_RDONLY {
                return Err("stdin (a FIFO) was not reopened O_RDONLY".into());
            }
            if libc::fcntl(1, libc::F_GETFL) & libc::O_ACCMODE != libc::O_RDWR {
                return Err("stdout (a regular file) was reopened".into());
            }
            denied(
                "write(stdin)",
                libc::write(0, byte.as_ptr().cast(), 1) as i64,
                libc::EBADF,
            )?;
            denied(
                "read(stdout)",
                libc::read(1, byte.as_mut_ptr().cast(), 1) as i64,
                libc::EACCES,
            )?;
            ok(
                "write(stdout)",
                libc::write(1, c"x".as_ptr().cast(), 1) as i64,
            )?;
        }
        Ok(())
    });
}
