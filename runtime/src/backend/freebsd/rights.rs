//! Capability rights on descriptors: cap_rights_limit(2),
//! cap_ioctls_limit(2) and cap_fcntls_limit(2).
//!
//! A [`RightSet`] holds the bits of `cap_rights_t` as `sys/sys/capsicum.h`
//! defines them (the vocabulary's table, tested against the header), so
//! its [`RightSet::cap_rights`] words are what the kernel takes: allowing
//! the set gives the kernel exactly the set.

use std::io;
use std::os::fd::{AsFd, AsRawFd};

use capsicum::{CapRights, Fcntl as CapFcntl, FcntlRights, IoctlsBuilder};

use crate::error::Failure;
use crate::rights::{Fcntl, Ioctl, Limits, Right, RightSet};

/// `set` as a `cap_rights_t` (what cap_rights_limit(2) and fileargs_init(3)
/// take).
pub(super) fn raw_cap_rights(set: RightSet) -> libc::cap_rights_t {
    let [index0, index1] = set.cap_rights();
    // SAFETY: cap_rights_t is plain data; __cap_rights_init fills it in
    // (cap_rights_init(3), documented as infallible). `index0` and `index1`
    // are `CAPRIGHT(0, bits)` and `CAPRIGHT(1, bits)` of bits capsicum.h
    // defines, which __cap_rights_set ORs into their words; its list ends
    // with 0 as the cap_rights_set macro does.
    unsafe {
        let mut raw: libc::cap_rights_t = std::mem::zeroed();
        libc::__cap_rights_init(libc::CAP_RIGHTS_VERSION, &mut raw, 0u64);
        libc::__cap_rights_set(&mut raw, index0, index1, 0u64);
        raw
    }
}

/// The FreeBSD number of an ioctl command (sys/filio.h, sys/ttycom.h);
/// `None` for a command not mapped here, which is then never allowed.
pub(super) fn ioctl_number(ioctl: Ioctl) -> Option<libc::c_ulong> {
    Some(match ioctl {
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
        _ => return None,
    })
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
    let rights = raw_cap_rights(limits.rights);
    // SAFETY: `fd` is open for the call and `rights` is initialised.
    if unsafe { libc::cap_rights_limit(fd.as_raw_fd(), &rights) } < 0 {
        return Err(Failure::new("cap_rights_limit", io::Error::last_os_error()));
    }

    if let Some(ioctls) = limits.ioctls.filter(|_| limits.rights.allows(Right::Ioctl)) {
        let cmds = ioctls
            .iter()
            .filter_map(|i| ioctl_number(*i))
            .fold(IoctlsBuilder::new(), IoctlsBuilder::allow);
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
        // Spot checks against libc's CAP_* (the whole table is checked
        // against sys/sys/capsicum.h in the vocabulary's tests).
        for (right, value) in [
            (Right::Pread, libc::CAP_PREAD),
            (Right::Mkdirat, libc::CAP_MKDIRAT),
            (Right::Recv, libc::CAP_RECV),
            (Right::Kqueue, libc::CAP_KQUEUE),
        ] {
            let raw = raw_cap_rights(right.set());
            // SAFETY: `raw` was initialised by __cap_rights_init.
            let held = unsafe { libc::__cap_rights_is_set(&raw, value, 0u64) };
            assert!(held, "{right}");
        }
        for ioctl in Ioctl::ALL {
            assert!(ioctl_number(*ioctl).is_some(), "{ioctl}");
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
