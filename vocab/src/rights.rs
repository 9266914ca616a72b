//! The rights of rights(4) with their `sys/sys/capsicum.h` values, sets of
//! them, and the commands `CAP_IOCTL` and `CAP_FCNTL` narrow to.
//!
//! A right's value is what capsicum.h defines: `CAPRIGHT(index, bits)`,
//! bits in one of the two words of `cap_rights_t`, or a union of other
//! rights (`CAP_PREAD = CAP_SEEK | CAP_READ`, `CAP_MKDIRAT = CAP_LOOKUP |
//! bit`). A [`RightSet`] holds those bits, so `pread` implies `read` and
//! `mkdirat` implies `lookup` exactly as on FreeBSD.

use core::fmt;

use crate::words;

/// A set of capability rights: the bits of FreeBSD's `cap_rights_t`,
/// `cr_rights[0]` in the low 64 bits and `cr_rights[1]` in the high 64,
/// without the version and index bits.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct RightSet(u128);

/// `CAPRIGHT(index, bits)` of capsicum.h, in a [`RightSet`]'s layout.
const fn capright(index: u32, bits: u64) -> u128 {
    (bits as u128) << (64 * index)
}

/// The bits FreeBSD defines in each word (`CAP_ALL0`, `CAP_ALL1` of
/// capsicum.h, without the index bit).
const CAP_ALL: [u64; 2] = [0x0000_07FF_FFFF_FFFF, 0x0000_0000_001F_FFFF];

impl RightSet {
    /// No rights at all.
    pub const EMPTY: RightSet = RightSet(0);

    /// The union of `rights`.
    pub const fn of(rights: &[Right]) -> RightSet {
        let mut bits = 0;
        let mut i = 0;
        while i < rights.len() {
            bits |= rights[i].set().0;
            i += 1;
        }
        RightSet(bits)
    }

    /// Whether every bit of `right` is in the set.
    #[inline]
    pub const fn allows(self, right: Right) -> bool {
        self.contains(right.set())
    }

    /// Whether every right of `other` is in `self`.
    #[inline]
    pub const fn contains(self, other: RightSet) -> bool {
        self.0 & other.0 == other.0
    }

    /// `self ∪ other`.
    #[inline]
    pub const fn union(self, other: RightSet) -> RightSet {
        RightSet(self.0 | other.0)
    }

    /// `self` without the bits of `other`.
    #[inline]
    pub const fn without(self, other: RightSet) -> RightSet {
        RightSet(self.0 & !other.0)
    }

    /// `self ∩ other`.
    #[inline]
    pub const fn intersection(self, other: RightSet) -> RightSet {
        RightSet(self.0 & other.0)
    }

    /// Whether the set is empty.
    #[inline]
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The named rights fully contained in this set, in rights(4) order:
    /// what the set implies (`pread` gives `read`, `seek_tell`, `seek`,
    /// `pread` and `recv`).
    pub fn rights(self) -> impl Iterator<Item = Right> {
        Right::ALL.iter().copied().filter(move |r| self.allows(*r))
    }

    /// The elementary rights in the set, in rights(4) order: those that add
    /// a bit to the rights they contain (`seek` over `seek_tell`, `mkdirat`
    /// over `lookup`). Their union is the set; they are what `Display`
    /// lists.
    pub fn atoms(self) -> impl Iterator<Item = Right> {
        self.rights().filter(|r| r.is_elementary())
    }

    /// The bits, in the layout of FreeBSD's `cap_rights_t` words (low 64
    /// bits: `cr_rights[0]`, high: `cr_rights[1]`), without the version and
    /// index bits.
    #[inline]
    pub const fn bits(self) -> u128 {
        self.0
    }

    /// The set as FreeBSD's `cr_rights` (`CAP_RIGHTS_VERSION_00`, each
    /// word with its index bit, as `cap_rights_init(3)` builds it). Bits
    /// FreeBSD does not define (rights of other Capsicum ports) are left
    /// out: its kernel refuses them (`cap_rights_is_valid`).
    pub const fn cap_rights(self) -> [u64; 2] {
        // Truncations keep the word each mask selects.
        [
            (1 << 57) | (self.0 as u64 & CAP_ALL[0]),
            (1 << 58) | ((self.0 >> 64) as u64 & CAP_ALL[1]),
        ]
    }
}

impl fmt::Debug for RightSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.atoms()).finish()
    }
}

impl fmt::Display for RightSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, r) in self.atoms().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            f.write_str(r.name())?;
        }
        Ok(())
    }
}

/// The table of rights: `Variant "name" = VALUE;`, VALUE as capsicum.h
/// writes it: `(index, bits)` for `CAPRIGHT(index, bits)` (or plain bits
/// of a right it extends, as `(0, 0x8)` in `CAP_SEEK = CAP_SEEK_TELL |
/// 0x8`), or other rights by their variant, joined by `|`.
macro_rules! rights {
    ($( $(#[$doc:meta])* $variant:ident $name:literal = $($part:tt)|+ ;)+) => {
        /// One right of rights(4), by its lower-case name without `CAP_`.
        #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
        #[non_exhaustive]
        pub enum Right {
            $(
                $(#[$doc])*
                #[doc = ""]
                #[doc = concat!("Written `", $name, "`.")]
                $variant,
            )+
        }

        impl Right {
            /// Every right, in rights(4) order.
            pub const ALL: &'static [Right] = &[$(Right::$variant),+];

            /// The name `rights(...)` accepts (`"mmap_r"` for `CAP_MMAP_R`).
            pub const fn name(self) -> &'static str {
                match self {
                    $(Right::$variant => $name,)+
                }
            }

            /// The right with this name.
            pub fn from_name(name: &str) -> Option<Right> {
                match name {
                    $($name => Some(Right::$variant),)+
                    _ => None,
                }
            }

            /// The bits this right stands for: a lookup in a table the
            /// compiler fills (a right made of others would otherwise
            /// compute theirs at each call; the seccomp compiler asks
            /// thousands of times per program).
            #[inline]
            pub const fn set(self) -> RightSet {
                const SETS: &[RightSet] = &[$(Right::$variant.compute()),+];
                SETS[self as usize]
            }

            /// The bits this right stands for, from capsicum.h's
            /// definition (`set`'s table).
            const fn compute(self) -> RightSet {
                RightSet(match self {
                    $(Right::$variant => 0 $(| rights!(@part $part))+,)+
                })
            }

            const fn rust_name(self) -> &'static str {
                match self {
                    $(Right::$variant => stringify!($variant),)+
                }
            }
        }
    };
    (@part ($index:literal, $bits:literal)) => { capright($index, $bits) };
    (@part $right:ident) => { Right::$right.compute().0 };
}

rights! {
    /// `CAP_READ`: read(2), readv(2), recv(2), and reading through `openat`.
    Read "read" = (0, 0x0000000000000001);
    /// `CAP_WRITE`: write(2), writev(2), send(2).
    Write "write" = (0, 0x0000000000000002);
    /// `CAP_SEEK_TELL`: lseek(fd, 0, SEEK_CUR).
    SeekTell "seek_tell" = (0, 0x0000000000000004);
    /// `CAP_SEEK`: any lseek(2); implies `seek_tell`.
    Seek "seek" = SeekTell | (0, 0x0000000000000008);
    /// `CAP_PREAD` = `seek` + `read`: pread(2), preadv(2).
    Pread "pread" = Seek | Read;
    /// `CAP_PWRITE` = `seek` + `write`: pwrite(2), pwritev(2).
    Pwrite "pwrite" = Seek | Write;
    /// `CAP_MMAP`: mmap(2) with `PROT_NONE`.
    Mmap "mmap" = (0, 0x0000000000000010);
    /// `CAP_MMAP_R`: mmap with `PROT_READ`.
    MmapR "mmap_r" = Mmap | Seek | Read;
    /// `CAP_MMAP_W`: mmap with `PROT_WRITE`.
    MmapW "mmap_w" = Mmap | Seek | Write;
    /// `CAP_MMAP_X`: mmap with `PROT_EXEC`.
    MmapX "mmap_x" = Mmap | Seek | (0, 0x0000000000000020);
    /// `CAP_MMAP_RW`.
    MmapRw "mmap_rw" = MmapR | MmapW;
    /// `CAP_MMAP_RX`.
    MmapRx "mmap_rx" = MmapR | MmapX;
    /// `CAP_MMAP_WX`.
    MmapWx "mmap_wx" = MmapW | MmapX;
    /// `CAP_MMAP_RWX`.
    MmapRwx "mmap_rwx" = MmapR | MmapW | MmapX;
    /// `CAP_CREATE`: openat(2) with `O_CREAT`.
    Create "create" = (0, 0x0000000000000040);
    /// `CAP_FEXECVE`: fexecve(2), openat with `O_EXEC`.
    Fexecve "fexecve" = (0, 0x0000000000000080);
    /// `CAP_FSYNC`: fsync(2), fdatasync, `O_FSYNC`/`O_SYNC`.
    Fsync "fsync" = (0, 0x0000000000000100);
    /// `CAP_FTRUNCATE`: ftruncate(2), `O_TRUNC`.
    Ftruncate "ftruncate" = (0, 0x0000000000000200);
    /// `CAP_LOOKUP`: use as the directory of `*at()` calls.
    Lookup "lookup" = (0, 0x0000000000000400);
    /// `CAP_FCHDIR`: fchdir(2).
    Fchdir "fchdir" = (0, 0x0000000000000800);
    /// `CAP_FCHFLAGS`: fchflags(2).
    Fchflags "fchflags" = (0, 0x0000000000001000);
    /// `CAP_CHFLAGSAT` = `fchflags` + `lookup`.
    Chflagsat "chflagsat" = Fchflags | Lookup;
    /// `CAP_FCHMOD`: fchmod(2).
    Fchmod "fchmod" = (0, 0x0000000000002000);
    /// `CAP_FCHMODAT` = `fchmod` + `lookup`.
    Fchmodat "fchmodat" = Fchmod | Lookup;
    /// `CAP_FCHOWN`: fchown(2).
    Fchown "fchown" = (0, 0x0000000000004000);
    /// `CAP_FCHOWNAT` = `fchown` + `lookup`.
    Fchownat "fchownat" = Fchown | Lookup;
    /// `CAP_FCNTL`: fcntl(2) commands that need it (see `fcntls(...)`).
    Fcntl "fcntl" = (0, 0x0000000000008000);
    /// `CAP_FLOCK`: flock(2), `F_SETLK` and friends.
    Flock "flock" = (0, 0x0000000000010000);
    /// `CAP_FPATHCONF`: fpathconf(2).
    Fpathconf "fpathconf" = (0, 0x0000000000020000);
    /// `CAP_FSCK`: UFS background fsck.
    Fsck "fsck" = (0, 0x0000000000040000);
    /// `CAP_FSTAT`: fstat(2).
    Fstat "fstat" = (0, 0x0000000000080000);
    /// `CAP_FSTATAT` = `fstat` + `lookup`.
    Fstatat "fstatat" = Fstat | Lookup;
    /// `CAP_FSTATFS`: fstatfs(2).
    Fstatfs "fstatfs" = (0, 0x0000000000100000);
    /// `CAP_FUTIMES`: futimens(2), futimes.
    Futimes "futimes" = (0, 0x0000000000200000);
    /// `CAP_FUTIMESAT` = `futimes` + `lookup`.
    Futimesat "futimesat" = Futimes | Lookup;
    /// `CAP_LINKAT_TARGET`: linkat(2) to this directory.
    LinkatTarget "linkat_target" = Lookup | (0, 0x0000000000400000);
    /// `CAP_MKDIRAT`: mkdirat(2).
    Mkdirat "mkdirat" = Lookup | (0, 0x0000000000800000);
    /// `CAP_MKFIFOAT`: mkfifoat(2).
    Mkfifoat "mkfifoat" = Lookup | (0, 0x0000000001000000);
    /// `CAP_MKNODAT`: mknodat(2).
    Mknodat "mknodat" = Lookup | (0, 0x0000000002000000);
    /// `CAP_RENAMEAT_SOURCE`: renameat(2) from this directory.
    RenameatSource "renameat_source" = Lookup | (0, 0x0000000004000000);
    /// `CAP_RENAMEAT_TARGET`: renameat(2) into this directory.
    RenameatTarget "renameat_target" = Lookup | (0, 0x0000040000000000);
    /// `CAP_SYMLINKAT`: symlinkat(2).
    Symlinkat "symlinkat" = Lookup | (0, 0x0000000008000000);
    /// `CAP_UNLINKAT`: unlinkat(2).
    Unlinkat "unlinkat" = Lookup | (0, 0x0000000010000000);
    /// `CAP_ACCEPT`: accept(2).
    Accept "accept" = (0, 0x0000000020000000);
    /// `CAP_BIND`: bind(2).
    Bind "bind" = (0, 0x0000000040000000);
    /// `CAP_CONNECT`: connect(2).
    Connect "connect" = (0, 0x0000000080000000);
    /// `CAP_GETPEERNAME`.
    Getpeername "getpeername" = (0, 0x0000000100000000);
    /// `CAP_GETSOCKNAME`.
    Getsockname "getsockname" = (0, 0x0000000200000000);
    /// `CAP_GETSOCKOPT`.
    Getsockopt "getsockopt" = (0, 0x0000000400000000);
    /// `CAP_LISTEN`.
    Listen "listen" = (0, 0x0000000800000000);
    /// `CAP_PEELOFF`: sctp_peeloff(2).
    Peeloff "peeloff" = (0, 0x0000001000000000);
    /// `CAP_RECV` = `read`.
    Recv "recv" = Read;
    /// `CAP_SEND` = `write`.
    Send "send" = Write;
    /// `CAP_SETSOCKOPT`.
    Setsockopt "setsockopt" = (0, 0x0000002000000000);
    /// `CAP_SHUTDOWN`.
    Shutdown "shutdown" = (0, 0x0000004000000000);
    /// `CAP_BINDAT`: bindat(2) with this directory.
    Bindat "bindat" = Lookup | (0, 0x0000008000000000);
    /// `CAP_CONNECTAT`: connectat(2) with this directory.
    Connectat "connectat" = Lookup | (0, 0x0000010000000000);
    /// `CAP_LINKAT_SOURCE`: linkat(2) from this directory.
    LinkatSource "linkat_source" = Lookup | (0, 0x0000020000000000);
    /// `CAP_SOCK_CLIENT`: the rights a connected client socket needs.
    SockClient "sock_client" = Connect | Getpeername | Getsockname | Getsockopt | Peeloff | Recv | Send | Setsockopt | Shutdown;
    /// `CAP_SOCK_SERVER`: the rights a listening socket needs.
    SockServer "sock_server" = Accept | Bind | Getpeername | Getsockname | Getsockopt | Listen | Peeloff | Recv | Send | Setsockopt | Shutdown;
    /// `CAP_MAC_GET`: mac_get_fd(3).
    MacGet "mac_get" = (1, 0x0000000000000001);
    /// `CAP_MAC_SET`: mac_set_fd(3).
    MacSet "mac_set" = (1, 0x0000000000000002);
    /// `CAP_SEM_GETVALUE`.
    SemGetvalue "sem_getvalue" = (1, 0x0000000000000004);
    /// `CAP_SEM_POST`.
    SemPost "sem_post" = (1, 0x0000000000000008);
    /// `CAP_SEM_WAIT`.
    SemWait "sem_wait" = (1, 0x0000000000000010);
    /// `CAP_EVENT`: poll(2), select(2), kevent on this descriptor.
    Event "event" = (1, 0x0000000000000020);
    /// `CAP_KQUEUE_EVENT`: kevent(2) wait on a kqueue.
    KqueueEvent "kqueue_event" = (1, 0x0000000000000040);
    /// `CAP_IOCTL`: ioctl(2), narrowed by `ioctls(...)`.
    Ioctl "ioctl" = (1, 0x0000000000000080);
    /// `CAP_TTYHOOK`: netgraph tty hook.
    Ttyhook "ttyhook" = (1, 0x0000000000000100);
    /// `CAP_PDGETPID`: pdgetpid(2).
    Pdgetpid "pdgetpid" = (1, 0x0000000000000200);
    /// `CAP_PDWAIT`: pdwait4.
    Pdwait "pdwait" = (1, 0x0000000000000400);
    /// `CAP_PDKILL`: pdkill(2).
    Pdkill "pdkill" = (1, 0x0000000000000800);
    /// `CAP_EXTATTR_DELETE`.
    ExtattrDelete "extattr_delete" = (1, 0x0000000000001000);
    /// `CAP_EXTATTR_GET`.
    ExtattrGet "extattr_get" = (1, 0x0000000000002000);
    /// `CAP_EXTATTR_LIST`.
    ExtattrList "extattr_list" = (1, 0x0000000000004000);
    /// `CAP_EXTATTR_SET`.
    ExtattrSet "extattr_set" = (1, 0x0000000000008000);
    /// `CAP_ACL_CHECK`.
    AclCheck "acl_check" = (1, 0x0000000000010000);
    /// `CAP_ACL_DELETE`.
    AclDelete "acl_delete" = (1, 0x0000000000020000);
    /// `CAP_ACL_GET`.
    AclGet "acl_get" = (1, 0x0000000000040000);
    /// `CAP_ACL_SET`.
    AclSet "acl_set" = (1, 0x0000000000080000);
    /// `CAP_KQUEUE_CHANGE`: kevent(2) changes on a kqueue.
    KqueueChange "kqueue_change" = (1, 0x0000000000100000);
    /// `CAP_KQUEUE` = `kqueue_event` + `kqueue_change`.
    Kqueue "kqueue" = KqueueEvent | KqueueChange;
    /// `CAP_FSIGNAL` (Linux Capsicum): signals the descriptor raises or
    /// takes: `F_SETSIG`/`F_GETSIG` (with `event`), leases
    /// `F_SETLEASE`/`F_GETLEASE` (with `flock`), signalfd(2)'s mask.
    /// FreeBSD lacks it.
    Fsignal "fsignal" = (1, 0x0000000000200000);
    /// `CAP_EPOLL_CTL` (Linux Capsicum): epoll_ctl(2) on an epoll
    /// descriptor (epoll_wait needs `event`). FreeBSD lacks it.
    EpollCtl "epoll_ctl" = (1, 0x0000000000400000);
    /// `CAP_NOTIFY` (Linux Capsicum): what an inotify or fanotify
    /// descriptor watches, and `F_NOTIFY` (dnotify) on a directory.
    /// FreeBSD lacks it.
    Notify "notify" = (1, 0x0000000000800000);
}

impl Right {
    /// Whether the right adds a bit to the rights it contains, and is the
    /// first right with its bits (`read`, not `recv`): the rights
    /// `Display` lists.
    fn is_elementary(self) -> bool {
        let bits = self.set();
        let mut below = RightSet::EMPTY;
        let mut earlier = true;
        for &r in Right::ALL {
            if r == self {
                earlier = false;
                continue;
            }
            let other = r.set();
            if other == bits {
                if earlier {
                    return false;
                }
            } else if bits.contains(other) {
                below = below.union(other);
            }
        }
        below != bits
    }
}

impl crate::Word for Right {
    const ALL: &'static [Right] = Right::ALL;

    fn name(self) -> &'static str {
        Right::name(self)
    }

    fn rust_name(self) -> &'static str {
        Right::rust_name(self)
    }

    fn from_name(name: &str) -> Option<Right> {
        Right::from_name(name)
    }
}

impl fmt::Display for Right {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

words! {
    /// `fcntl(2)` commands that `CAP_FCNTL` may be narrowed to
    /// (cap_fcntls_limit(2)): the four `CAP_FCNTL_*` of capsicum.h, whose
    /// `CAP_FCNTL_ALL` is all of them.
    pub enum Fcntl {
        /// `CAP_FCNTL_GETFL`: `F_GETFL`.
        Getfl = "getfl",
        /// `CAP_FCNTL_SETFL`: `F_SETFL`.
        Setfl = "setfl",
        /// `CAP_FCNTL_GETOWN`: `F_GETOWN`.
        Getown = "getown",
        /// `CAP_FCNTL_SETOWN`: `F_SETOWN`.
        Setown = "setown",
    }
}

words! {
    /// ioctl(2) commands that `CAP_IOCTL` may be narrowed to with
    /// cap_ioctls_limit(2), by their lower-case names in the C headers. The
    /// numbers differ per OS; each backend maps them, and one it cannot map
    /// is never allowed there.
    #[non_exhaustive]
    pub enum Ioctl {
        /// `FIONREAD`: bytes available to read.
        Fionread = "fionread",
        /// `FIONBIO`: set non-blocking mode.
        Fionbio = "fionbio",
        /// `FIOASYNC`: set asynchronous mode.
        Fioasync = "fioasync",
        /// `FIOCLEX`: set close-on-exec.
        Fioclex = "fioclex",
        /// `FIONCLEX`: clear close-on-exec.
        Fionclex = "fionclex",
        /// `TIOCGETA` (Linux `TCGETS`): read terminal attributes; isatty(3).
        Tiocgeta = "tiocgeta",
        /// `TIOCSETA` (Linux `TCSETS`): set terminal attributes.
        Tiocseta = "tiocseta",
        /// `TIOCGWINSZ`: window size.
        Tiocgwinsz = "tiocgwinsz",
        /// `TIOCSWINSZ`: set window size.
        Tiocswinsz = "tiocswinsz",
        /// `TIOCGPGRP`: foreground process group.
        Tiocgpgrp = "tiocgpgrp",
        /// `FIODTYPE` (FreeBSD only): device type; used by caph_limit_stdio.
        Fiodtype = "fiodtype",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::string::ToString;
    use std::vec::Vec;

    fn names(set: RightSet) -> Vec<&'static str> {
        set.rights().map(Right::name).collect()
    }

    #[test]
    fn composites_imply_their_parts() {
        assert_eq!(
            names(Right::Pread.set()),
            ["read", "seek_tell", "seek", "pread", "recv"]
        );
        assert_eq!(names(Right::Mkdirat.set()), ["lookup", "mkdirat"]);
        assert!(!Right::Lookup.set().contains(Right::Mkdirat.set()));
        assert_eq!(Right::Recv.set(), Right::Read.set());
        assert!(Right::SockServer.set().contains(Right::Accept.set()));
    }

    #[test]
    fn display_lists_atoms() {
        let set = RightSet::of(&[Right::Pread, Right::Fstat]);
        assert_eq!(set.to_string(), "read, seek_tell, seek, fstat");
        assert_eq!(
            Right::MmapX.set().to_string(),
            "seek_tell, seek, mmap, mmap_x"
        );
        assert_eq!(Right::Unlinkat.set().to_string(), "lookup, unlinkat");
    }

    #[test]
    fn atoms_make_up_every_set() {
        for r in Right::ALL {
            let set = r.set();
            let union = set.atoms().fold(RightSet::EMPTY, |s, a| s.union(a.set()));
            assert_eq!(union, set, "{r}");
        }
    }
}
