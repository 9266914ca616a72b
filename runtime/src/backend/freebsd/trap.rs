//! What the FreeBSD trace records are made of, kept free of FreeBSD calls so
//! that its tests run on any system: the layout of `siginfo_t` the
//! `SIGTRAP` handler reads (sys/sys/signal.h), the names of the system
//! calls it reports (sys/kern/syscalls.master), and the file `ktrace(2)`
//! writes to in dry-run.

use std::ffi::{c_int, c_long, c_void};
use std::fs::OpenOptions;
use std::io;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

/// `TRAP_CAP` of sys/sys/signal.h: the `si_code` of a capability-mode trap.
pub(crate) const TRAP_CAP: c_int = 4;

/// `union sigval` of sys/sys/signal.h.
#[repr(C)]
pub(crate) union SigVal {
    pub(crate) sival_int: c_int,
    pub(crate) sival_ptr: *mut c_void,
}

/// The `__spare__` member of `_reason`, which sets the union's size.
#[repr(C)]
#[derive(Clone, Copy)]
pub(crate) struct Spare {
    pub(crate) spare1: c_long,
    pub(crate) spare2: [c_int; 7],
}

/// The `_reason` union of `struct __siginfo`, with the member a
/// `TRAP_CAP` trap fills (`_capsicum._syscall`, FreeBSD 14 and later).
#[repr(C)]
pub(crate) union Reason {
    pub(crate) capsicum_syscall: c_int,
    pub(crate) spare: Spare,
}

/// `struct __siginfo` (`siginfo_t`) of sys/sys/signal.h. `si_syscall` is
/// `_reason._capsicum._syscall`: after `si_value`, at byte 40 on 64-bit
/// systems and 32 on 32-bit ones, which is why it is read through this
/// layout and not at a fixed offset.
#[repr(C)]
pub(crate) struct SigInfo {
    pub(crate) si_signo: c_int,
    pub(crate) si_errno: c_int,
    pub(crate) si_code: c_int,
    /// `__pid_t` (int32_t, sys/sys/_types.h).
    pub(crate) si_pid: i32,
    /// `__uid_t` (uint32_t).
    pub(crate) si_uid: u32,
    pub(crate) si_status: c_int,
    pub(crate) si_addr: *mut c_void,
    pub(crate) si_value: SigVal,
    pub(crate) reason: Reason,
}

impl SigInfo {
    /// `si_syscall`: the number of the call a `TRAP_CAP` trap stopped.
    /// FreeBSD 13 and earlier do not fill it (the `_capsicum` member came
    /// with FreeBSD 14, `__FreeBSD_version` 1400026): it reads 0 there.
    pub(crate) fn si_syscall(&self) -> c_int {
        // SAFETY: every member of the union is plain integers, so any bit
        // pattern is a valid `c_int`.
        unsafe { self.reason.capsicum_syscall }
    }
}

/// Names of common FreeBSD system calls (sys/kern/syscalls.master).
pub(crate) fn syscall_name(nr: i32) -> Option<&'static str> {
    Some(match nr {
        3 => "read",
        4 => "write",
        5 => "open",
        9 => "link",
        10 => "unlink",
        12 => "chdir",
        15 => "chmod",
        16 => "chown",
        37 => "kill",
        54 => "ioctl",
        57 => "symlink",
        58 => "readlink",
        59 => "execve",
        97 => "socket",
        98 => "connect",
        104 => "bind",
        133 => "sendto",
        136 => "mkdir",
        137 => "rmdir",
        499 => "openat",
        552 => "fstatat",
        _ => return None,
    })
}

/// The system call a record names: its name, `syscall N` for a number
/// without one, and `unreported` for 0, which is what a kernel that does not
/// fill `si_syscall` leaves there (0 is also `syscall(2)`, which the trap
/// never reports: the kernel reports the call it made).
pub(crate) fn syscall_label(nr: i32) -> String {
    match (nr, syscall_name(nr)) {
        (_, Some(name)) => name.to_owned(),
        (0, None) => "unreported".to_owned(),
        (nr, None) => format!("syscall {nr}"),
    }
}

/// The call as a record prints it: `openat(...)` (the trap carries no
/// arguments), or a sentence when the kernel did not say which call.
pub(crate) fn call_text(nr: i32) -> String {
    match nr {
        0 => "a system call (this kernel does not report which: si_syscall is 0 before FreeBSD 14)"
            .to_owned(),
        nr => format!("{}(...)", syscall_label(nr)),
    }
}

/// Largest number of names tried for the dry-run trace file.
const TRACE_FILE_TRIES: u32 = 100;

/// Creates the empty file `ktrace(2)` will write to, in `dir`, and returns
/// its path. ktrace(2) opens its file without `O_CREAT` (sys_ktrace in
/// sys/kern/kern_ktrace.c: `FREAD | FWRITE | O_NOFOLLOW`, and `EACCES` for
/// anything but a regular file), so the file must exist first, as ktrace(1)
/// creates it. The file is new (`O_EXCL`, mode 0600): an existing file of
/// that name is never truncated or written through; the next free name
/// (`.1`, `.2`, ...) is used instead.
pub(crate) fn create_trace_file(dir: &Path, pid: u32) -> io::Result<PathBuf> {
    let base = format!("sandboxed-dry-run.{pid}.ktrace");
    let mut last = None;
    for n in 0..TRACE_FILE_TRIES {
        let name = match n {
            0 => base.clone(),
            n => format!("{base}.{n}"),
        };
        let path = dir.join(name);
        let created = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&path);
        match created {
            Ok(_) => return Ok(path),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| io::Error::from(io::ErrorKind::AlreadyExists)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn si_syscall_follows_si_value() {
        // sys/sys/signal.h: six ints, a pointer, `union sigval`, then
        // `_reason`.
        // `__spare__` (a long and seven ints, aligned as a long) sets the
        // union's size: 80 bytes in all on amd64, 64 on i386.
        let (reason, size) = if cfg!(target_pointer_width = "64") {
            (40, 80)
        } else {
            (32, 64)
        };
        assert_eq!(std::mem::offset_of!(SigInfo, reason), reason);
        assert_eq!(std::mem::size_of::<SigInfo>(), size);
    }

    #[test]
    fn an_unreported_call_is_not_named_syscall_0() {
        for text in [syscall_label(0), call_text(0)] {
            assert!(!text.contains("syscall 0"), "{text}");
        }
        assert_eq!(syscall_label(499), "openat");
        assert_eq!(call_text(499), "openat(...)");
        assert_eq!(call_text(9999), "syscall 9999(...)");
    }

    fn scratch(tag: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("sandboxed-trap-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir(&dir).unwrap();
        dir
    }

    #[test]
    fn the_trace_file_exists_before_ktrace_opens_it() {
        let dir = scratch("create");
        let path = create_trace_file(&dir, 42).unwrap();
        assert_eq!(path, dir.join("sandboxed-dry-run.42.ktrace"));
        let meta = std::fs::symlink_metadata(&path).unwrap();
        assert!(meta.is_file() && meta.len() == 0);
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(meta.permissions().mode() & 0o777, 0o600);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn an_existing_file_or_link_is_left_alone() {
        let dir = scratch("existing");
        let taken = dir.join("sandboxed-dry-run.7.ktrace");
        std::fs::write(&taken, b"user data").unwrap();
        let target = dir.join("target");
        std::os::unix::fs::symlink(&target, dir.join("sandboxed-dry-run.7.ktrace.1")).unwrap();
        let path = create_trace_file(&dir, 7).unwrap();
        assert_eq!(path, dir.join("sandboxed-dry-run.7.ktrace.2"));
        assert_eq!(std::fs::read(&taken).unwrap(), b"user data");
        assert!(!target.exists(), "created through the link");
        std::fs::remove_dir_all(dir).unwrap();
    }
}
