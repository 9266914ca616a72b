//! Capability rights on descriptors: cap_rights_limit(2),
//! cap_ioctls_limit(2) and cap_fcntls_limit(2), through the `capsicum` crate.
//!
//! The crate's [`RightSet`] is a union of named rights of rights(4); each
//! named right maps to the `CAP_*` value of the same name in
//! `sys/sys/capsicum.h`, whose bits compose the same way (`CAP_PREAD =
//! CAP_SEEK | CAP_READ`), so allowing every named right the set contains
//! gives the kernel exactly the set.

use std::io;
use std::os::fd::AsFd;

use capsicum::{CapRights, Fcntl as CapFcntl, FcntlRights, FileRights, IoctlsBuilder};

use crate::error::Failure;
use crate::rights::{Fcntl, Ioctl, Limits, Right, RightSet};

/// The `capsicum` right of the same name.
fn cap_right(right: Right) -> capsicum::Right {
    use capsicum::Right as C;
    match right {
        Right::Read => C::Read,
        Right::Write => C::Write,
        Right::SeekTell => C::SeekTell,
        Right::Seek => C::Seek,
        Right::Pread => C::Pread,
        Right::Pwrite => C::Pwrite,
        Right::Mmap => C::Mmap,
        Right::MmapR => C::MmapR,
        Right::MmapW => C::MmapW,
        Right::MmapX => C::MmapX,
        Right::MmapRw => C::MmapRW,
        Right::MmapRx => C::MmapRX,
        Right::MmapWx => C::MmapWX,
        Right::MmapRwx => C::MmapRWX,
        Right::Create => C::Create,
        Right::Fexecve => C::Fexecve,
        Right::Fsync => C::Fsync,
        Right::Ftruncate => C::Ftruncate,
        Right::Lookup => C::Lookup,
        Right::Fchdir => C::Fchdir,
        Right::Fchflags => C::Fchflags,
        Right::Chflagsat => C::Chflagsat,
        Right::Fchmod => C::Fchmod,
        Right::Fchmodat => C::Fchmodat,
        Right::Fchown => C::Fchown,
        Right::Fchownat => C::Fchownat,
        Right::Fcntl => C::Fcntl,
        Right::Flock => C::Flock,
        Right::Fpathconf => C::Fpathconf,
        Right::Fsck => C::Fsck,
        Right::Fstat => C::Fstat,
        Right::Fstatat => C::Fstatat,
        Right::Fstatfs => C::Fstatfs,
        Right::Futimes => C::Futimes,
        Right::Futimesat => C::Futimesat,
        Right::LinkatTarget => C::LinkatTarget,
        Right::Mkdirat => C::Mkdirat,
        Right::Mkfifoat => C::Mkfifoat,
        Right::Mknodat => C::Mknodat,
        Right::RenameatSource => C::RenameatSource,
        Right::RenameatTarget => C::RenameatTarget,
        Right::Symlinkat => C::Symlinkat,
        Right::Unlinkat => C::Unlinkat,
        Right::Accept => C::Accept,
        Right::Bind => C::Bind,
        Right::Connect => C::Connect,
        Right::Getpeername => C::Getpeername,
        Right::Getsockname => C::Getsockname,
        Right::Getsockopt => C::Getsockopt,
        Right::Listen => C::Listen,
        Right::Peeloff => C::Peeloff,
        // CAP_RECV and CAP_SEND are CAP_READ and CAP_WRITE (capsicum.h).
        Right::Recv => C::Read,
        Right::Send => C::Write,
        Right::Setsockopt => C::Setsockopt,
        Right::Shutdown => C::Shutdown,
        Right::Bindat => C::Bindat,
        Right::Connectat => C::Connectat,
        Right::LinkatSource => C::LinkatSource,
        Right::SockClient => C::SockClient,
        Right::SockServer => C::SockServer,
        Right::MacGet => C::MacGet,
        Right::MacSet => C::MacSet,
        Right::SemGetvalue => C::SemGetvalue,
        Right::SemPost => C::SemPost,
        Right::SemWait => C::SemWait,
        Right::Event => C::Event,
        Right::KqueueEvent => C::KqueueEvent,
        Right::Ioctl => C::Ioctl,
        Right::Ttyhook => C::Ttyhook,
        Right::Pdgetpid => C::Pdgetpid,
        Right::Pdwait => C::Pdwait,
        Right::Pdkill => C::Pdkill,
        Right::ExtattrDelete => C::ExtattrDelete,
        Right::ExtattrGet => C::ExtattrGet,
        Right::ExtattrList => C::ExtattrList,
        Right::ExtattrSet => C::ExtattrSet,
        Right::AclCheck => C::AclCheck,
        Right::AclDelete => C::AclDelete,
        Right::AclGet => C::AclGet,
        Right::AclSet => C::AclSet,
        Right::KqueueChange => C::KqueueChange,
        Right::Kqueue => C::Kqueue,
    }
}

/// The `capsicum` rights of `set`.
pub(super) fn cap_rights(set: RightSet) -> Vec<capsicum::Right> {
    set.rights().map(cap_right).collect()
}

/// `set` as a `cap_rights_t` (what fileargs_init(3) takes).
#[cfg_attr(not(feature = "casper"), allow(dead_code))]
pub(super) fn raw_cap_rights(set: RightSet) -> libc::cap_rights_t {
    // SAFETY: cap_rights_t is plain data; __cap_rights_init fills it in
    // (cap_rights_init(3), documented as infallible). The right values
    // come from libc's CAP_* constants, so __cap_rights_set gets valid
    // rights; its list ends with 0 as the CAP_RIGHTS macro does.
    unsafe {
        let mut raw: libc::cap_rights_t = std::mem::zeroed();
        libc::__cap_rights_init(libc::CAP_RIGHTS_VERSION, &mut raw, 0u64);
        for right in cap_rights(set) {
            libc::__cap_rights_set(&mut raw, right as u64, 0u64);
        }
        raw
    }
}

/// The FreeBSD number of an ioctl command (sys/filio.h, sys/ttycom.h).
pub(super) fn ioctl_number(ioctl: Ioctl) -> libc::c_ulong {
    match ioctl {
        Ioctl::Fionread => libc::FIONREAD,
        Ioctl::Fionbio => libc::FIONBIO,
        Ioctl::Fioasync => libc::FIOASYNC,
        Ioctl::Fioclex => libc::FIOCLEX,
        Ioctl::Fionclex => libc::FIONCLEX,
        Ioctl::Tiocgeta => libc::TIOCGETA,
        Ioctl::Tiocseta => libc::TIOCSETA,
        Ioctl::Tiocgwinsz => libc::TIOCGWINSZ,
        Ioctl::Tiocswinsz => libc::TIOCSWINSZ,
        Ioctl::Tiocgpgrp => libc::TIOCGPGRP,
        Ioctl::Fiodtype => libc::FIODTYPE,
    }
}

/// The `CAP_FCNTL_*` bit of an fcntl command (cap_fcntls_limit(2)).
fn cap_fcntl(fcntl: Fcntl) -> CapFcntl {
    match fcntl {
        Fcntl::Getfl => CapFcntl::GetFL,
        Fcntl::Setfl => CapFcntl::SetFL,
        Fcntl::Getown => CapFcntl::GetOwn,
        Fcntl::Setown => CapFcntl::SetOwn,
    }
}

/// Limits `fd` to `limits`: its rights, then (when it keeps `ioctl` or
/// `fcntl`) the commands those are narrowed to. Rights only shrink, so a
/// descriptor already narrower than `limits` fails with `ENOTCAPABLE`
/// rather than silently keeping fewer rights than declared.
pub(super) fn limit(fd: impl AsFd, limits: &Limits) -> Result<(), Failure> {
    let fd = fd.as_fd();
    let mut rights = FileRights::new();
    for right in cap_rights(limits.rights) {
        rights.allow(right);
    }
    rights
        .limit(&fd)
        .map_err(|e| Failure::new("cap_rights_limit", e))?;

    if let Some(ioctls) = limits.ioctls.filter(|_| limits.rights.allows(Right::Ioctl)) {
        let cmds = ioctls
            .iter()
            .fold(IoctlsBuilder::new(), |b, i| b.allow(ioctl_number(*i)));
        cmds.finalize()
            .limit(&fd)
            .map_err(|e| Failure::new("cap_ioctls_limit", e))?;
    }

    if let Some(fcntls) = limits.fcntls.filter(|_| limits.rights.allows(Right::Fcntl)) {
        let mut cmds = FcntlRights::new();
        for f in fcntls {
            cmds.allow(cap_fcntl(*f));
        }
        cmds.limit(&fd)
            .map_err(|e| Failure::new("cap_fcntls_limit", e))?;
    }
    Ok(())
}

/// Whether `error` is a kernel without Capsicum (`options CAPABILITIES`).
pub(super) fn is_enosys(error: &io::Error) -> bool {
    error.raw_os_error() == Some(libc::ENOSYS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_right_maps_to_the_kernel_value_of_its_name() {
        // Spot checks against sys/sys/capsicum.h composition.
        assert_eq!(cap_right(Right::Pread) as u64, libc::CAP_PREAD);
        assert_eq!(cap_right(Right::Mkdirat) as u64, libc::CAP_MKDIRAT);
        assert_eq!(cap_right(Right::Recv) as u64, libc::CAP_RECV);
        for r in Right::ALL {
            // A right's own set maps back to a cap_rights_t that holds it.
            let raw = raw_cap_rights(r.set());
            // SAFETY: `raw` was initialised by __cap_rights_init.
            let held = unsafe { libc::__cap_rights_is_set(&raw, cap_right(*r) as u64, 0u64) };
            assert!(held, "{r}");
        }
    }

    #[test]
    fn a_set_gives_exactly_its_rights() {
        let set = RightSet::of(&[Right::Read, Right::Fstat]);
        let raw = raw_cap_rights(set);
        // SAFETY: `raw` was initialised by __cap_rights_init.
        let (read, seek) = unsafe {
            (
                libc::__cap_rights_is_set(&raw, libc::CAP_READ, 0u64),
                libc::__cap_rights_is_set(&raw, libc::CAP_SEEK, 0u64),
            )
        };
        assert!(read);
        assert!(!seek);
    }
}
