//! Numbers the system-call table and the filter compiler share: errnos of
//! the denials, argument values the kernel's headers define but the `libc`
//! crate does not export for x86_64, and the lists of commands and options
//! capability mode lets through.

use crate::rights::{Fcntl, Ioctl, Right};

/// errno of a call capability mode does not allow (Capsicum: `ECAPMODE`).
pub(crate) const MODE_ERRNO: i32 = libc::EPERM;
/// errno of an operation a descriptor's rights do not include (Capsicum:
/// `ENOTCAPABLE`). Landlock answers `EACCES` for directories' rights too.
pub(crate) const RIGHTS_ERRNO: i32 = libc::EACCES;
/// errno of the calls whose arguments seccomp cannot see; libc then falls
/// back to a call it can.
pub(crate) const COMPAT_ERRNO: i32 = libc::ENOSYS;

/// Data of the traps that are not denials (`SECCOMP_RET_TRAP`, never an
/// errno: errnos are below 4096): dry-run's lookups beneath a directory,
/// and close(2)/close_range(2) of pool numbers, which the `SIGSYS`
/// handler emulates (`slots.rs`).
pub(crate) const TRAP_MARK: u32 = 0xfff;

/// `AUDIT_ARCH_X86_64` (include/uapi/linux/audit.h).
pub(crate) const AUDIT_ARCH_X86_64: u32 = 62 | 0x8000_0000 | 0x4000_0000;

/// `AT_FDCWD` as the filter sees it (a 32-bit `int`).
pub(crate) const FDCWD: u32 = libc::AT_FDCWD as u32;

/// fcntl(2) commands libc does not export for x86_64
/// (include/uapi/asm-generic/fcntl.h).
pub(crate) const F_SETOWN_EX: u32 = 15;
pub(crate) const F_GETOWN_EX: u32 = 16;

/// `CLONE_NEW*` flags `clone` may not carry (`CLONE_NEWTIME` is only read by
/// `clone3`, which is refused).
pub(crate) const CLONE_NAMESPACES: u32 = (libc::CLONE_NEWNS
    | libc::CLONE_NEWCGROUP
    | libc::CLONE_NEWUTS
    | libc::CLONE_NEWIPC
    | libc::CLONE_NEWUSER
    | libc::CLONE_NEWPID
    | libc::CLONE_NEWNET) as u32;

/// prctl(2) options that only concern the calling process or thread and
/// cannot loosen the sandbox.
/// `PR_SET_PDEATHSIG` is not among them: it is allowed with `SIGKILL`
/// only (`PRCTL_PDEATHSIG`).
pub(crate) const PRCTL_ALLOWED: &[u32] = &[
    libc::PR_GET_PDEATHSIG as u32,
    libc::PR_GET_DUMPABLE as u32,
    libc::PR_GET_KEEPCAPS as u32,
    libc::PR_SET_NAME as u32,
    libc::PR_GET_NAME as u32,
    libc::PR_GET_SECCOMP as u32,
    libc::PR_CAPBSET_READ as u32,
    libc::PR_SET_TIMERSLACK as u32,
    libc::PR_GET_TIMERSLACK as u32,
    libc::PR_SET_NO_NEW_PRIVS as u32,
    libc::PR_GET_NO_NEW_PRIVS as u32,
    libc::PR_GET_TID_ADDRESS as u32,
    libc::PR_GET_THP_DISABLE as u32,
    // PR_SET_VMA: glibc names its anonymous mappings.
    0x5356_4d41,
];

/// `PR_SET_PDEATHSIG`, allowed only with `SIGKILL` as its signal: a
/// compartment dies with its parent (pdfork(2)), and may neither clear
/// that nor turn it into a signal it catches.
pub(crate) const PRCTL_PDEATHSIG: &[u32] = &[libc::PR_SET_PDEATHSIG as u32];

/// The socket types capability mode lets a program create (`AF_UNIX`
/// only): the low four bits of the type argument (socket(2)).
pub(crate) const UNIX_SOCKET_TYPES: &[u32] =
    &[libc::SOCK_STREAM as u32, libc::SOCK_SEQPACKET as u32];

/// The families the broker with `inet` may create sockets of.
pub(crate) const INET_FAMILIES: &[u32] = &[libc::AF_INET as u32, libc::AF_INET6 as u32];

/// `FIOQSIZE` on x86 (include/uapi/asm-generic/ioctls.h); not in `libc`.
pub(crate) const FIOQSIZE: u32 = 0x5460;
/// `FS_IOC_FSGETXATTR`, `_IOR('X', 31, struct fsxattr)`
/// (include/uapi/linux/fs.h); not in `libc`.
pub(crate) const FS_IOC_FSGETXATTR: u32 = 0x801c_581f;
/// `FS_IOC_FSSETXATTR`, `_IOW('X', 32, struct fsxattr)`
/// (include/uapi/linux/fs.h); not in `libc`.
pub(crate) const FS_IOC_FSSETXATTR: u32 = 0x401c_5820;

/// The only ioctl(2) commands capability mode lets through, on any
/// descriptor. Capsicum allows every ioctl on a descriptor with
/// `CAP_IOCTL`, but on Linux ioctls reach far beyond the descriptor: any
/// socket, even a Unix one made inside, configures network interfaces
/// (`SIOCS*`, 0x89xx; wireless 0x8Bxx; bridges, tun, VLANs), any regular
/// file freezes, thaws or trims its whole filesystem (`FIFREEZE`,
/// `FITHAW`, `FITRIM`, 'X' family), `FICLONE`/`FIDEDUPERANGE` read a
/// second descriptor the rights filter never sees, `TIOCSTI` pushes input
/// into the terminal, `FIOSETOWN` aims SIGIO at another process. So the
/// list fails closed: what `ioctls(...)` can declare (rights.rs), plus
/// reads of a descriptor's own state and the inode flags (whose setters
/// the rights filter narrows to the directories' `ioctl` right). Device
/// ioctls beneath a directory with `ioctl` (Landlock `IOCTL_DEV`) are
/// limited to this list as well.
pub(crate) const IOCTL_ALLOWED: &[u32] = &[
    // ioctls(fionread, fionbio, fioasync, fioclex, fionclex);
    // FIONREAD is also SIOCINQ and TIOCINQ.
    libc::FIONREAD as u32,
    libc::FIONBIO as u32,
    libc::FIOASYNC as u32,
    libc::FIOCLEX as u32,
    libc::FIONCLEX as u32,
    // ioctls(tiocgeta, tiocseta, tiocgwinsz, tiocswinsz, tiocgpgrp):
    // tcgetattr(3) (isatty), tcsetattr(3), the window size, tcgetpgrp(3).
    libc::TCGETS as u32,
    libc::TCGETS2 as u32,
    libc::TCSETS as u32,
    libc::TCSETSW as u32,
    libc::TCSETSF as u32,
    libc::TCSETS2 as u32,
    libc::TCSETSW2 as u32,
    libc::TCSETSF2 as u32,
    libc::TIOCGWINSZ as u32,
    libc::TIOCSWINSZ as u32,
    libc::TIOCGPGRP as u32,
    // Reads of the descriptor's own state: bytes queued for output
    // (TIOCOUTQ, also SIOCOUTQ), a file's size (FIOQSIZE).
    libc::TIOCOUTQ as u32,
    FIOQSIZE,
    // Inode flags and project attributes (ioctl_iflags(2)); the setters
    // are narrowed by the rights filter (`INODE_IOCTLS`).
    libc::FS_IOC_GETFLAGS as u32,
    libc::FS_IOC32_GETFLAGS as u32,
    FS_IOC_FSGETXATTR,
    libc::FS_IOC_SETFLAGS as u32,
    libc::FS_IOC32_SETFLAGS as u32,
    FS_IOC_FSSETXATTR,
];

/// Interface reads the service broker's resolver may need with `inet`
/// (if_nametoindex(3) for scoped IPv6 addresses, if_indextoname(3),
/// SIOCGIFCONF): netdevice(7). Never the `SIOCS*` setters.
pub(crate) const IOCTL_INET_READS: &[u32] = &[
    0x8933, // SIOCGIFINDEX
    0x8910, // SIOCGIFNAME
    0x8912, // SIOCGIFCONF
];

/// ioctl(2) commands that change an inode's flags or attributes
/// (ioctl_iflags(2), ioctl_xfs_fsgetxattr(2)).
pub(crate) const INODE_IOCTLS: &[u32] = &[
    libc::FS_IOC_SETFLAGS as u32,
    libc::FS_IOC32_SETFLAGS as u32,
    FS_IOC_FSSETXATTR,
];

/// Linux numbers of an `ioctls(...)` entry (`Fiodtype` has none; nor has a
/// command not mapped here, which is then never allowed).
pub(crate) fn ioctl_numbers(ioctl: Ioctl) -> &'static [u32] {
    match ioctl {
        Ioctl::Fionread => &[libc::FIONREAD as u32],
        Ioctl::Fionbio => &[libc::FIONBIO as u32],
        Ioctl::Fioasync => &[libc::FIOASYNC as u32],
        Ioctl::Fioclex => &[libc::FIOCLEX as u32],
        Ioctl::Fionclex => &[libc::FIONCLEX as u32],
        // glibc reads terminal attributes with TCGETS (TCGETS2 since 2.42).
        Ioctl::Tiocgeta => &[libc::TCGETS as u32, libc::TCGETS2 as u32],
        Ioctl::Tiocseta => &[
            libc::TCSETS as u32,
            libc::TCSETSW as u32,
            libc::TCSETSF as u32,
            libc::TCSETS2 as u32,
            libc::TCSETSW2 as u32,
            libc::TCSETSF2 as u32,
        ],
        Ioctl::Tiocgwinsz => &[libc::TIOCGWINSZ as u32],
        Ioctl::Tiocswinsz => &[libc::TIOCSWINSZ as u32],
        Ioctl::Tiocgpgrp => &[libc::TIOCGPGRP as u32],
        Ioctl::Fiodtype => &[],
        _ => &[],
    }
}

/// fcntl(2) commands an `fcntls(...)` entry stands for.
pub(crate) fn fcntl_numbers(fcntl: Fcntl) -> &'static [u32] {
    match fcntl {
        Fcntl::Getfl => &[libc::F_GETFL as u32],
        Fcntl::Setfl => &[libc::F_SETFL as u32],
        Fcntl::Getown => &[libc::F_GETOWN as u32, F_GETOWN_EX],
        Fcntl::Setown => &[libc::F_SETOWN as u32, F_SETOWN_EX],
    }
}

/// fcntl(2) lock commands: `CAP_FLOCK` (rights(4)).
pub(crate) const FCNTL_LOCKS: &[u32] = &[
    libc::F_GETLK as u32,
    libc::F_SETLK as u32,
    libc::F_SETLKW as u32,
    libc::F_OFD_GETLK as u32,
    libc::F_OFD_SETLK as u32,
    libc::F_OFD_SETLKW as u32,
];

/// `F_SETSIG`, `F_GETSIG` (include/uapi/asm-generic/fcntl.h); not in the
/// `libc` crate for x86_64.
pub(crate) const F_SETSIG: u32 = 10;
pub(crate) const F_GETSIG: u32 = 11;

/// fcntl(2) commands with rights of their own (fcntl.cc's table of the
/// Linux port of Capsicum): signals with `event` + `fsignal`, leases with
/// `flock` + `fsignal`, dnotify with `notify`, pipe sizes as socket
/// options, memfd seals as `fstat` / `fchmod`.
pub(crate) const FCNTL_RIGHTS: &[(u32, &[Right])] = &[
    (F_GETSIG, &[Right::Event, Right::Fsignal]),
    (F_SETSIG, &[Right::Event, Right::Fsignal]),
    (libc::F_GETLEASE as u32, &[Right::Flock, Right::Fsignal]),
    (libc::F_SETLEASE as u32, &[Right::Flock, Right::Fsignal]),
    (libc::F_NOTIFY as u32, &[Right::Notify]),
    (libc::F_GETPIPE_SZ as u32, &[Right::Getsockopt]),
    (libc::F_SETPIPE_SZ as u32, &[Right::Setsockopt]),
    (libc::F_GET_SEALS as u32, &[Right::Fstat]),
    (libc::F_ADD_SEALS as u32, &[Right::Fchmod]),
];

/// The rights fcntl(2) command `cmd` needs, if it is one of
/// [`FCNTL_RIGHTS`].
pub(crate) fn fcntl_rights(cmd: u32) -> Option<&'static [Right]> {
    FCNTL_RIGHTS
        .iter()
        .find(|(c, _)| *c == cmd)
        .map(|(_, r)| *r)
}

/// fcntl(2) commands that copy a descriptor: never on a limited one.
pub(crate) const FCNTL_DUP: &[u32] = &[libc::F_DUPFD as u32, libc::F_DUPFD_CLOEXEC as u32];
