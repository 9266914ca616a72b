//! The attempts of promise 1 through an `O_PATH` descriptor that a racing
//! thread wins. The supervisor walks an `O_PATH` open, then lets the
//! kernel make it (`SECCOMP_USER_NOTIF_FLAG_CONTINUE`), which reads the
//! path again (the time-of-check, time-of-use race seccomp_unotify(2)
//! warns of): another thread that rewrites the path meanwhile gets a
//! descriptor of a place the walk refused. Having it may tell that the
//! place exists (the documented residue); every call that takes it (its
//! metadata, a change of its attributes, a lookup or an open beneath it,
//! a link to it) must be refused, as Capsicum would never have opened
//! it (openat.cc: `..` never above the directory). Unsandboxed
//! (`--baseline`) the same race wins at once and each call answers what
//! the sandbox must not.
//!
//! A case whose race is never won has tried nothing through a descriptor
//! of the place: it fails, naming the race, rather than pass.

use std::os::fd::RawFd;

use super::calls::fchmod_empty;
use super::*;
use crate::sys::*;

pub(super) const CASES: &[(&str, Probe)] = &[
    ("opath_racing_thread_metadata", |f| {
        metadata(won(f.dir, "../outside/secret.txt", 0)?)
    }),
    // A file preopened with `[read]` alone, outside the preopened
    // directories: a descriptor of it won by the race is not the
    // preopened one, and Capsicum never lets `ro`'s metadata be read
    // (`fstat` lacking).
    ("opath_racing_preopened_file_metadata", |f| {
        metadata(won(f.dir, "../ro.txt", 0)?)
    }),
    // Changes through it, which the supervisor makes for the path forms
    // (fchmodat2, fchownat, utimensat with "" and AT_EMPTY_PATH) on
    // what `ro` names: `[read]` holds none of fchmod, fchown, futimes.
    ("opath_racing_preopened_file_fchmod", |f| {
        let fd = won(f.dir, "../ro.txt", 0)?;
        fchmod_empty(fd, 0o606)?;
        Ok("ro.txt made mode 0606".into())
    }),
    ("opath_racing_preopened_file_fchown", |f| {
        let fd = won(f.dir, "../ro.txt", 0)?;
        sys!(libc::fchownat(
            fd,
            c"".as_ptr(),
            4242,
            4242,
            libc::AT_EMPTY_PATH
        ))?;
        Ok("ro.txt given to 4242".into())
    }),
    ("opath_racing_preopened_file_utimes", |f| {
        let fd = won(f.dir, "../ro.txt", 0)?;
        let times = [libc::timespec {
            tv_sec: 1000,
            tv_nsec: 0,
        }; 2];
        sys!(libc::utimensat(
            fd,
            c"".as_ptr(),
            times.as_ptr(),
            libc::AT_EMPTY_PATH
        ))?;
        Ok("ro.txt's times set".into())
    }),
    // The preopened directory's parent.
    ("opath_racing_parent_metadata", |f| {
        metadata(won(f.dir, "..", libc::O_DIRECTORY)?)
    }),
    ("opath_racing_fstatfs", |f| {
        let fd = won(f.dir, "../outside/secret.txt", 0)?;
        // SAFETY: `statfs` is plain old data; all zeroes is a valid value.
        let mut st: libc::statfs = unsafe { std::mem::zeroed() };
        sys!(libc::fstatfs(fd, &mut st))?;
        Ok(format!("file system type {:#x}", st.f_type))
    }),
    // statx(2) and fstatat(2) take NULL for "" with AT_EMPTY_PATH (Linux
    // 6.11).
    ("opath_racing_statx_null", |f| {
        statx_null(won(f.dir, "../outside/secret.txt", 0)?)
    }),
    ("opath_racing_fstatat_null", |f| {
        fstatat_null(won(f.dir, "../outside/secret.txt", 0)?)
    }),
    ("opath_racing_faccessat2", |f| {
        let fd = won(f.dir, "../outside/secret.txt", 0)?;
        sys!(libc::syscall(
            libc::SYS_faccessat2,
            fd,
            c"".as_ptr(),
            libc::R_OK,
            libc::AT_EMPTY_PATH
        ))?;
        Ok("readable".into())
    }),
    // readlinkat(2) with "" reads the link the descriptor is (an
    // `O_PATH | O_NOFOLLOW` one of a symbolic link).
    ("opath_racing_readlinkat", |f| {
        let fd = won(f.dir, "../outside/link", libc::O_NOFOLLOW)?;
        read_link(fd, c"")
    }),
    // A name for the file beneath `dir` (linkat(2) AT_EMPTY_PATH: root's
    // CAP_DAC_READ_SEARCH), then its metadata there.
    ("opath_racing_linkat_into_dir", |f| {
        let fd = won(f.dir, "../outside/secret.txt", 0)?;
        sys!(libc::linkat(
            fd,
            c"".as_ptr(),
            f.dir,
            c"raced_alias".as_ptr(),
            libc::AT_EMPTY_PATH
        ))?;
        stat_at(f.dir, c"raced_alias", 0)
    }),
    // Beneath a directory outside, won by the race.
    ("opath_racing_dir_fstatat_beneath", |f| {
        let fd = won(f.dir, "../outside", libc::O_DIRECTORY)?;
        stat_at(fd, c"secret.txt", 0)
    }),
    ("opath_racing_dir_readlinkat_beneath", |f| {
        let fd = won(f.dir, "../outside", libc::O_DIRECTORY)?;
        read_link(fd, c"link")
    }),
    ("opath_racing_dir_opath_beneath", |f| {
        let fd = won(f.dir, "../outside", libc::O_DIRECTORY)?;
        let beneath = openat(fd, c"secret.txt", libc::O_PATH)?;
        metadata(beneath)
    }),
    ("opath_racing_dir_open_beneath", |f| {
        let fd = won(f.dir, "../outside", libc::O_DIRECTORY)?;
        open_read(fd, c"secret.txt")
    }),
];

/// fstatat(2) of `fd` itself (`""` with `AT_EMPTY_PATH`, glibc's and
/// std's fstat).
fn metadata(fd: RawFd) -> Attempt {
    stat_at(fd, c"", libc::AT_EMPTY_PATH).map(|size| format!("{size} (the descriptor's own)"))
}

/// readlinkat(2) of `path` beneath `fd`: the link's text.
fn read_link(fd: RawFd, path: &std::ffi::CStr) -> Attempt {
    let mut buf = [0u8; 256];
    let n = sys!(libc::readlinkat(
        fd,
        path.as_ptr(),
        buf.as_mut_ptr().cast(),
        buf.len()
    ))?;
    Ok(String::from_utf8_lossy(&buf[..n as usize]).into_owned())
}

/// An `O_PATH` descriptor (with `flags`) of `target`, a path relative to
/// `dir` that leaves it, won by racing the walk: `sub/../target` opened
/// while another thread cuts it to `sub` and back, so that the
/// supervisor may walk `sub` and the kernel open the other
/// ([`crate::attributes::escaped_opath`], which tells a won descriptor
/// from `sub`'s by fstat(2): another file, or refused once `sub`'s own
/// was answered). An error without errno when no open is won within its
/// time: the case then fails, naming the race, instead of passing with
/// nothing tried.
fn won(dir: RawFd, target: &str, flags: i32) -> std::io::Result<RawFd> {
    crate::attributes::escaped_opath(dir, "sub", target, flags)
}
