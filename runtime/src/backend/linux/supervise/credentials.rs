//! The caller's credentials, taken on by the supervisor before it looks a
//! path up or changes a file for a caller that may have changed its own.
//!
//! The kernel checks a lookup (search permission on each directory) and
//! chmod, chown and utimes (ownership, `CAP_FOWNER`, `CAP_CHOWN`) against
//! the filesystem user and group ids, the supplementary groups and the
//! effective capabilities of the thread that makes them (credentials(7),
//! capabilities(7)). The supervisor is forked at entry with the program's;
//! once a process under the filter changes its own (the filter notifies
//! the set*id family, setgroups(2) and capset(2)), each lookup or change
//! made for a caller is made with that caller's, read from
//! /proc/TID/status (proc_pid_status(5): `Uid`, `Gid`, `Groups`, `CapEff`)
//! and set on the supervisor's thread: setgroups(2), setfsgid(2),
//! setfsuid(2), then capset(2) of the effective set. A program that drops
//! privileges after entry is never served with those it dropped; what the
//! supervisor cannot take on (no /proc, a caller's id outside its own
//! reach) is refused with `EACCES` (fail closed).

use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};

use super::super::seccomp::RIGHTS_ERRNO;

/// What the kernel checks a lookup or a change against.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Credentials {
    fsuid: u32,
    fsgid: u32,
    groups: Vec<u32>,
    effective: u64,
    /// The real ids and the permitted set, which access(2) checks
    /// against ([`Credentials::for_access`]).
    ruid: u32,
    rgid: u32,
    permitted: u64,
}

impl Credentials {
    /// What faccessat(2) without `AT_EACCESS` checks against: the real ids
    /// as filesystem ids, and the permitted capabilities when the real
    /// user is root, none otherwise (fs/open.c `access_override_creds`).
    pub(super) fn for_access(&self) -> Credentials {
        Credentials {
            fsuid: self.ruid,
            fsgid: self.rgid,
            groups: self.groups.clone(),
            effective: if self.ruid == 0 { self.permitted } else { 0 },
            ruid: self.ruid,
            rgid: self.rgid,
            permitted: self.permitted,
        }
    }
}

/// `_LINUX_CAPABILITY_VERSION_3` (include/uapi/linux/capability.h).
const CAPABILITY_VERSION_3: u32 = 0x2008_0522;

/// capget(2)/capset(2)'s header.
#[repr(C)]
struct CapHeader {
    version: u32,
    pid: i32,
}

/// capget(2)/capset(2)'s data, two of them for 64 capabilities.
#[repr(C)]
#[derive(Clone, Copy, Default)]
struct CapData {
    effective: u32,
    permitted: u32,
    inheritable: u32,
}

/// The directory of /proc, opened before the supervisor confines itself
/// (`None` without /proc: a change of credentials then refuses everything).
pub(super) fn proc_dir() -> Option<OwnedFd> {
    // SAFETY: open(2) of a NUL-terminated path; the result is checked and
    // owned.
    let fd = unsafe {
        libc::open(
            c"/proc".as_ptr(),
            libc::O_PATH | libc::O_DIRECTORY | libc::O_CLOEXEC,
        )
    };
    // SAFETY: a new descriptor owned by nothing else.
    (fd >= 0).then(|| unsafe { OwnedFd::from_raw_fd(fd) })
}

/// The credentials of thread `tid`, from `<proc>/TID/status`.
pub(super) fn of(proc: RawFd, tid: libc::pid_t) -> Result<Credentials, i32> {
    parse(&status(proc, tid)?).ok_or(RIGHTS_ERRNO)
}

/// The file mode creation mask of thread `tid` (its `Umask:`, octal,
/// Linux 4.7; proc_pid_status(5)), which the kernel applies to a file it
/// creates for the caller (umask(2)).
pub(super) fn umask_of(proc: RawFd, tid: libc::pid_t) -> Result<libc::mode_t, i32> {
    parse_umask(&status(proc, tid)?).ok_or(RIGHTS_ERRNO)
}

/// The `Umask:` of the text of a /proc/TID/status file.
pub(super) fn parse_umask(status: &str) -> Option<libc::mode_t> {
    let octal = status.lines().find_map(|l| l.strip_prefix("Umask:"))?;
    libc::mode_t::from_str_radix(octal.trim(), 8).ok()
}

/// The text of `<proc>/TID/status`.
fn status(proc: RawFd, tid: libc::pid_t) -> Result<String, i32> {
    let text = proc_file(proc, &format!("{tid}/status\0"))?;
    Ok(String::from_utf8_lossy(&text).into_owned())
}

/// The whole text of NUL-terminated `path` beneath /proc (`proc`);
/// `EACCES` when it cannot be read.
pub(super) fn proc_file(proc: RawFd, path: &str) -> Result<Vec<u8>, i32> {
    debug_assert!(path.ends_with('\0'));
    // SAFETY: openat(2) beneath our /proc with a NUL-terminated path; the
    // result is checked and owned.
    let fd = unsafe { libc::openat(proc, path.as_ptr().cast(), libc::O_RDONLY | libc::O_CLOEXEC) };
    if fd < 0 {
        return Err(RIGHTS_ERRNO);
    }
    // SAFETY: a new descriptor owned by nothing else.
    let fd = unsafe { OwnedFd::from_raw_fd(fd) };
    let mut text = Vec::with_capacity(2048);
    let mut buf = [0u8; 2048];
    loop {
        // SAFETY: reads at most `buf.len()` bytes into `buf`.
        let n = unsafe { libc::read(fd.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len()) };
        if n < 0 {
            return Err(RIGHTS_ERRNO);
        }
        if n == 0 {
            break;
        }
        text.extend_from_slice(&buf[..n as usize]);
    }
    Ok(text)
}

/// The credentials in the text of a /proc/TID/status file: the first
/// (real) and fourth (filesystem) fields of `Uid:` and `Gid:`, `Groups:`,
/// `CapEff:` and `CapPrm:` (hex).
pub(super) fn parse(status: &str) -> Option<Credentials> {
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .map(str::split_whitespace)
    };
    let ruid = field("Uid:")?.next()?.parse().ok()?;
    let rgid = field("Gid:")?.next()?.parse().ok()?;
    let fsuid = field("Uid:")?.nth(3)?.parse().ok()?;
    let fsgid = field("Gid:")?.nth(3)?.parse().ok()?;
    let permitted = u64::from_str_radix(field("CapPrm:")?.next()?, 16).ok()?;
    let groups = field("Groups:")?
        .map(str::parse)
        .collect::<Result<Vec<u32>, _>>()
        .ok()?;
    let effective = u64::from_str_radix(field("CapEff:")?.next()?, 16).ok()?;
    Some(Credentials {
        fsuid,
        fsgid,
        groups,
        effective,
        ruid,
        rgid,
        permitted,
    })
}

/// Sets `want` on the calling thread: the effective capabilities raised
/// back to the permitted first (a caller with fewer served before must
/// not stop the next), then the groups, the filesystem ids, and the
/// effective set lowered to `want`'s. `EACCES` when any does not hold.
pub(super) fn take_on(want: &Credentials) -> Result<(), i32> {
    let mut data = [CapData::default(); 2];
    let mut header = CapHeader {
        version: CAPABILITY_VERSION_3,
        pid: 0,
    };
    // SAFETY: capget(2) of the calling thread into two live CapData.
    if unsafe { libc::syscall(libc::SYS_capget, &mut header, data.as_mut_ptr()) } != 0 {
        return Err(RIGHTS_ERRNO);
    }
    let set = |data: &[CapData; 2]| {
        let mut header = CapHeader {
            version: CAPABILITY_VERSION_3,
            pid: 0,
        };
        // SAFETY: capset(2) of the calling thread from two live CapData.
        unsafe { libc::syscall(libc::SYS_capset, &mut header, data.as_ptr()) == 0 }
    };
    for d in &mut data {
        d.effective = d.permitted;
    }
    if !set(&data) {
        return Err(RIGHTS_ERRNO);
    }
    // SAFETY: setgroups(2) of the calling thread (the raw call, not
    // glibc's, which would signal other threads) from a live list.
    if unsafe { libc::syscall(libc::SYS_setgroups, want.groups.len(), want.groups.as_ptr()) } != 0 {
        // Without CAP_SETGID the groups cannot change: the caller's must
        // be ours already.
        let own = own_groups().ok_or(RIGHTS_ERRNO)?;
        if own != want.groups {
            return Err(RIGHTS_ERRNO);
        }
    }
    // SAFETY: setfsgid(2)/setfsuid(2) of the calling thread; -1 (invalid)
    // changes nothing and returns the id in force, checked below.
    let (gid, uid) = unsafe {
        libc::syscall(libc::SYS_setfsgid, want.fsgid);
        libc::syscall(libc::SYS_setfsuid, want.fsuid);
        (
            libc::syscall(libc::SYS_setfsgid, u32::MAX) as u32,
            libc::syscall(libc::SYS_setfsuid, u32::MAX) as u32,
        )
    };
    if (uid, gid) != (want.fsuid, want.fsgid) {
        return Err(RIGHTS_ERRNO);
    }
    let permitted = u64::from(data[0].permitted) | u64::from(data[1].permitted) << 32;
    if want.effective & !permitted != 0 {
        // The caller holds a capability the supervisor does not.
        return Err(RIGHTS_ERRNO);
    }
    data[0].effective = want.effective as u32;
    data[1].effective = (want.effective >> 32) as u32;
    if !set(&data) {
        return Err(RIGHTS_ERRNO);
    }
    Ok(())
}

/// The calling thread's supplementary groups.
fn own_groups() -> Option<Vec<u32>> {
    let mut groups = vec![0u32; 65536];
    // SAFETY: getgroups(2) into a live list of 65536 (NGROUPS_MAX).
    let n = unsafe { libc::syscall(libc::SYS_getgroups, groups.len(), groups.as_mut_ptr()) };
    if n < 0 {
        return None;
    }
    groups.truncate(n as usize);
    Some(groups)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// proc_pid_status(5)'s lines, as Linux 6.x prints them.
    #[test]
    fn parses_the_ids_groups_and_effective_capabilities() {
        let status = "Name:\tprobe\nUid:\t1000\t1001\t1002\t1003\nGid:\t20\t21\t22\t23\n\
                      Groups:\t4 24 27 \nCapInh:\t0000000000000000\nCapPrm:\t000001ffffffffff\n\
                      CapEff:\t0000000000000001\n";
        let c = parse(status).unwrap();
        assert_eq!(
            c,
            Credentials {
                fsuid: 1003,
                fsgid: 23,
                groups: vec![4, 24, 27],
                effective: 1,
                ruid: 1000,
                rgid: 20,
                permitted: 0x1ff_ffff_ffff,
            }
        );
        // access(2) of a real user other than root: no capabilities.
        let a = c.for_access();
        assert_eq!((a.fsuid, a.fsgid, a.effective), (1000, 20, 0));
        let none = "Uid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nGroups:\t\nCapPrm:\t00000000000000ff\n\
                    CapEff:\t0000000000000000\n";
        assert_eq!(parse(none).unwrap().for_access().effective, 0xff);
        assert_eq!(parse(none).map(|c| c.groups), Some(vec![]));
        assert_eq!(parse("Uid:\t0\n"), None);
    }

    /// What this thread has, read back as the supervisor reads a caller's.
    #[test]
    fn reads_the_calling_threads_own() {
        let proc = proc_dir().expect("/proc");
        // SAFETY: gettid(2).
        let tid = unsafe { libc::gettid() };
        let c = of(proc.as_raw_fd(), tid).unwrap();
        // SAFETY: getfsuid via setfsuid(-1), which changes nothing.
        let fsuid = unsafe { libc::syscall(libc::SYS_setfsuid, u32::MAX) } as u32;
        assert_eq!(c.fsuid, fsuid);
        assert_eq!(Some(c.groups), own_groups());
    }

    /// The umask the kernel prints (`Umask:`, octal), and this thread's
    /// read as the supervisor reads a caller's.
    #[test]
    fn reads_the_umask() {
        assert_eq!(
            parse_umask("Name:\tx\nUmask:\t0027\nState:\tR\n"),
            Some(0o027)
        );
        assert_eq!(parse_umask("Name:\tx\n"), None);
        let proc = proc_dir().expect("/proc");
        // SAFETY: gettid(2).
        let tid = unsafe { libc::gettid() };
        assert!(umask_of(proc.as_raw_fd(), tid).is_ok_and(|m| m <= 0o777));
    }
}
