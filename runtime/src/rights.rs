//! Capability rights: the complete rights(4) vocabulary, sets of rights, the
//! defaults implied by open flags, and the marker traits that gate handle
//! methods at compile time.
//!
//! Rights are kept as a set of *atoms*: the indivisible bits of
//! `cap_rights_t`. A named right such as `pread` or `mkdirat` is a union of
//! atoms exactly as `sys/sys/capsicum.h` defines it (`CAP_PREAD = CAP_SEEK |
//! CAP_READ`, `CAP_MKDIRAT = CAP_LOOKUP | bit`), so `pread` implies `read` and
//! `mkdirat` implies `lookup`, as on FreeBSD.

use core::fmt;

/// A set of capability rights.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct RightSet(u128);

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

    /// Whether every atom of `right` is in the set.
    pub const fn allows(self, right: Right) -> bool {
        let want = right.set().0;
        self.0 & want == want
    }

    /// Whether every right of `other` is in `self`.
    pub const fn contains(self, other: RightSet) -> bool {
        self.0 & other.0 == other.0
    }

    /// `self ∪ other`.
    pub const fn union(self, other: RightSet) -> RightSet {
        RightSet(self.0 | other.0)
    }

    /// `self ∩ other`.
    pub const fn intersection(self, other: RightSet) -> RightSet {
        RightSet(self.0 & other.0)
    }

    /// Whether the set is empty.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The named rights fully contained in this set, in rights(4) order.
    pub fn rights(self) -> impl Iterator<Item = Right> {
        Right::ALL.iter().copied().filter(move |r| self.allows(*r))
    }

    /// The raw atom bits; stable only within one build.
    pub const fn bits(self) -> u128 {
        self.0
    }
}

impl fmt::Debug for RightSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.atoms()).finish()
    }
}

impl fmt::Display for RightSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for r in self.atoms() {
            if !first {
                f.write_str(", ")?;
            }
            first = false;
            f.write_str(r.name())?;
        }
        Ok(())
    }
}

impl RightSet {
    /// The atomic named rights in the set (the ones that are one bit each,
    /// plus `seek` and the `*at` rights that add one bit to `lookup`).
    fn atoms(self) -> impl Iterator<Item = Right> {
        Right::ALL
            .iter()
            .copied()
            .filter(move |r| r.is_atom() && self.allows(*r))
    }
}

// One bit per indivisible right. Order follows sys/sys/capsicum.h.
mod atom {
    pub const READ: u128 = 1 << 0;
    pub const WRITE: u128 = 1 << 1;
    pub const SEEK_TELL: u128 = 1 << 2;
    pub const SEEK: u128 = 1 << 3;
    pub const MMAP: u128 = 1 << 4;
    pub const MMAP_X: u128 = 1 << 5;
    pub const CREATE: u128 = 1 << 6;
    pub const FEXECVE: u128 = 1 << 7;
    pub const FSYNC: u128 = 1 << 8;
    pub const FTRUNCATE: u128 = 1 << 9;
    pub const LOOKUP: u128 = 1 << 10;
    pub const FCHDIR: u128 = 1 << 11;
    pub const FCHFLAGS: u128 = 1 << 12;
    pub const FCHMOD: u128 = 1 << 13;
    pub const FCHOWN: u128 = 1 << 14;
    pub const FCNTL: u128 = 1 << 15;
    pub const FLOCK: u128 = 1 << 16;
    pub const FPATHCONF: u128 = 1 << 17;
    pub const FSCK: u128 = 1 << 18;
    pub const FSTAT: u128 = 1 << 19;
    pub const FSTATFS: u128 = 1 << 20;
    pub const FUTIMES: u128 = 1 << 21;
    pub const LINKAT_TARGET: u128 = 1 << 22;
    pub const MKDIRAT: u128 = 1 << 23;
    pub const MKFIFOAT: u128 = 1 << 24;
    pub const MKNODAT: u128 = 1 << 25;
    pub const RENAMEAT_SOURCE: u128 = 1 << 26;
    pub const SYMLINKAT: u128 = 1 << 27;
    pub const UNLINKAT: u128 = 1 << 28;
    pub const ACCEPT: u128 = 1 << 29;
    pub const BIND: u128 = 1 << 30;
    pub const CONNECT: u128 = 1 << 31;
    pub const GETPEERNAME: u128 = 1 << 32;
    pub const GETSOCKNAME: u128 = 1 << 33;
    pub const GETSOCKOPT: u128 = 1 << 34;
    pub const LISTEN: u128 = 1 << 35;
    pub const PEELOFF: u128 = 1 << 36;
    pub const SETSOCKOPT: u128 = 1 << 37;
    pub const SHUTDOWN: u128 = 1 << 38;
    pub const BINDAT: u128 = 1 << 39;
    pub const CONNECTAT: u128 = 1 << 40;
    pub const LINKAT_SOURCE: u128 = 1 << 41;
    pub const RENAMEAT_TARGET: u128 = 1 << 42;
    pub const MAC_GET: u128 = 1 << 43;
    pub const MAC_SET: u128 = 1 << 44;
    pub const SEM_GETVALUE: u128 = 1 << 45;
    pub const SEM_POST: u128 = 1 << 46;
    pub const SEM_WAIT: u128 = 1 << 47;
    pub const EVENT: u128 = 1 << 48;
    pub const KQUEUE_EVENT: u128 = 1 << 49;
    pub const IOCTL: u128 = 1 << 50;
    pub const TTYHOOK: u128 = 1 << 51;
    pub const PDGETPID: u128 = 1 << 52;
    pub const PDWAIT: u128 = 1 << 53;
    pub const PDKILL: u128 = 1 << 54;
    pub const EXTATTR_DELETE: u128 = 1 << 55;
    pub const EXTATTR_GET: u128 = 1 << 56;
    pub const EXTATTR_LIST: u128 = 1 << 57;
    pub const EXTATTR_SET: u128 = 1 << 58;
    pub const ACL_CHECK: u128 = 1 << 59;
    pub const ACL_DELETE: u128 = 1 << 60;
    pub const ACL_GET: u128 = 1 << 61;
    pub const ACL_SET: u128 = 1 << 62;
    pub const KQUEUE_CHANGE: u128 = 1 << 63;
}

macro_rules! rights {
    ($( $(#[$doc:meta])* $variant:ident $name:literal $can:ident [$msg:literal, $label:literal, $note:literal] = $($atom:ident)|+ ;)*) => {
        /// One right of rights(4), by its lower-case name without `CAP_`.
        #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
        #[non_exhaustive]
        pub enum Right {
            $( $(#[$doc])* $variant, )*
        }

        impl Right {
            /// Every right, in rights(4) order.
            pub const ALL: &'static [Right] = &[$(Right::$variant),*];

            /// The name `rights(...)` accepts (`"mmap_r"` for `CAP_MMAP_R`).
            pub const fn name(self) -> &'static str {
                match self { $(Right::$variant => $name,)* }
            }

            /// The right with this name.
            pub fn from_name(name: &str) -> Option<Right> {
                match name { $($name => Some(Right::$variant),)* _ => None }
            }

            /// The atoms this right stands for.
            pub const fn set(self) -> RightSet {
                match self { $(Right::$variant => RightSet($(atom::$atom)|+),)* }
            }
        }

        /// Marker traits, one per right: a handle type implements a method
        /// only when its rights marker implements the matching trait. The
        /// `#[sandboxed]` attribute implements them for each declaration.
        pub mod can {
            $(
                #[doc = concat!("The rights marker includes `", $name, "`.")]
                #[diagnostic::on_unimplemented(message = $msg, label = $label, note = $note)]
                pub trait $can: super::RightsMarker {}
            )*
        }
    };
}

rights! {
    /// `CAP_READ`: read(2), recv(2), and reading through `openat`.
    Read "read" Read ["this handle lacks the `read` right", "needs `read`", "add `read` to this declaration's `rights(...)`"] = READ;
    /// `CAP_WRITE`: write(2), send(2).
    Write "write" Write ["this handle lacks the `write` right", "needs `write`", "add `write` to this declaration's `rights(...)`"] = WRITE;
    /// `CAP_SEEK_TELL`: lseek(fd, 0, SEEK_CUR).
    SeekTell "seek_tell" SeekTell ["this handle lacks the `seek_tell` right", "needs `seek_tell`", "add `seek_tell` to this declaration's `rights(...)`"] = SEEK_TELL;
    /// `CAP_SEEK`: any lseek(2); implies `seek_tell`.
    Seek "seek" Seek ["this handle lacks the `seek` right", "needs `seek`", "add `seek` to this declaration's `rights(...)`"] = SEEK_TELL | SEEK;
    /// `CAP_PREAD` = `seek` + `read`.
    Pread "pread" Pread ["this handle lacks the `pread` right", "needs `pread`", "add `pread` to this declaration's `rights(...)`"] = SEEK_TELL | SEEK | READ;
    /// `CAP_PWRITE` = `seek` + `write`.
    Pwrite "pwrite" Pwrite ["this handle lacks the `pwrite` right", "needs `pwrite`", "add `pwrite` to this declaration's `rights(...)`"] = SEEK_TELL | SEEK | WRITE;
    /// `CAP_MMAP`: mmap(2) with `PROT_NONE`.
    Mmap "mmap" Mmap ["this handle lacks the `mmap` right", "needs `mmap`", "add `mmap` to this declaration's `rights(...)`"] = MMAP;
    /// `CAP_MMAP_R`: mmap with `PROT_READ`.
    MmapR "mmap_r" MmapR ["this handle lacks the `mmap_r` right", "needs `mmap_r`", "add `mmap_r` to this declaration's `rights(...)`"] = MMAP | SEEK_TELL | SEEK | READ;
    /// `CAP_MMAP_W`: mmap with `PROT_WRITE`.
    MmapW "mmap_w" MmapW ["this handle lacks the `mmap_w` right", "needs `mmap_w`", "add `mmap_w` to this declaration's `rights(...)`"] = MMAP | SEEK_TELL | SEEK | WRITE;
    /// `CAP_MMAP_X`: mmap with `PROT_EXEC`.
    MmapX "mmap_x" MmapX ["this handle lacks the `mmap_x` right", "needs `mmap_x`", "add `mmap_x` to this declaration's `rights(...)`"] = MMAP | SEEK_TELL | SEEK | MMAP_X;
    /// `CAP_MMAP_RW`.
    MmapRw "mmap_rw" MmapRw ["this handle lacks the `mmap_rw` right", "needs `mmap_rw`", "add `mmap_rw` to this declaration's `rights(...)`"] = MMAP | SEEK_TELL | SEEK | READ | WRITE;
    /// `CAP_MMAP_RX`.
    MmapRx "mmap_rx" MmapRx ["this handle lacks the `mmap_rx` right", "needs `mmap_rx`", "add `mmap_rx` to this declaration's `rights(...)`"] = MMAP | SEEK_TELL | SEEK | READ | MMAP_X;
    /// `CAP_MMAP_WX`.
    MmapWx "mmap_wx" MmapWx ["this handle lacks the `mmap_wx` right", "needs `mmap_wx`", "add `mmap_wx` to this declaration's `rights(...)`"] = MMAP | SEEK_TELL | SEEK | WRITE | MMAP_X;
    /// `CAP_MMAP_RWX`.
    MmapRwx "mmap_rwx" MmapRwx ["this handle lacks the `mmap_rwx` right", "needs `mmap_rwx`", "add `mmap_rwx` to this declaration's `rights(...)`"] = MMAP | SEEK_TELL | SEEK | READ | WRITE | MMAP_X;
    /// `CAP_CREATE`: openat(2) with `O_CREAT`.
    Create "create" Create ["this handle lacks the `create` right", "needs `create`", "add `create` to this declaration's `rights(...)`"] = CREATE;
    /// `CAP_FEXECVE`: fexecve(2), openat with `O_EXEC`.
    Fexecve "fexecve" Fexecve ["this handle lacks the `fexecve` right", "needs `fexecve`", "add `fexecve` to this declaration's `rights(...)`"] = FEXECVE;
    /// `CAP_FSYNC`: fsync(2), fdatasync, `O_FSYNC`/`O_SYNC`.
    Fsync "fsync" Fsync ["this handle lacks the `fsync` right", "needs `fsync`", "add `fsync` to this declaration's `rights(...)`"] = FSYNC;
    /// `CAP_FTRUNCATE`: ftruncate(2), `O_TRUNC`.
    Ftruncate "ftruncate" Ftruncate ["this handle lacks the `ftruncate` right", "needs `ftruncate`", "add `ftruncate` to this declaration's `rights(...)`"] = FTRUNCATE;
    /// `CAP_LOOKUP`: use as the directory of `*at()` calls.
    Lookup "lookup" Lookup ["this handle lacks the `lookup` right", "needs `lookup`", "add `lookup` to this declaration's `rights(...)`"] = LOOKUP;
    /// `CAP_FCHDIR`: fchdir(2).
    Fchdir "fchdir" Fchdir ["this handle lacks the `fchdir` right", "needs `fchdir`", "add `fchdir` to this declaration's `rights(...)`"] = FCHDIR;
    /// `CAP_FCHFLAGS`: fchflags(2).
    Fchflags "fchflags" Fchflags ["this handle lacks the `fchflags` right", "needs `fchflags`", "add `fchflags` to this declaration's `rights(...)`"] = FCHFLAGS;
    /// `CAP_CHFLAGSAT` = `fchflags` + `lookup`.
    Chflagsat "chflagsat" Chflagsat ["this handle lacks the `chflagsat` right", "needs `chflagsat`", "add `chflagsat` to this declaration's `rights(...)`"] = FCHFLAGS | LOOKUP;
    /// `CAP_FCHMOD`: fchmod(2).
    Fchmod "fchmod" Fchmod ["this handle lacks the `fchmod` right", "needs `fchmod`", "add `fchmod` to this declaration's `rights(...)`"] = FCHMOD;
    /// `CAP_FCHMODAT` = `fchmod` + `lookup`.
    Fchmodat "fchmodat" Fchmodat ["this handle lacks the `fchmodat` right", "needs `fchmodat`", "add `fchmodat` to this declaration's `rights(...)`"] = FCHMOD | LOOKUP;
    /// `CAP_FCHOWN`: fchown(2).
    Fchown "fchown" Fchown ["this handle lacks the `fchown` right", "needs `fchown`", "add `fchown` to this declaration's `rights(...)`"] = FCHOWN;
    /// `CAP_FCHOWNAT` = `fchown` + `lookup`.
    Fchownat "fchownat" Fchownat ["this handle lacks the `fchownat` right", "needs `fchownat`", "add `fchownat` to this declaration's `rights(...)`"] = FCHOWN | LOOKUP;
    /// `CAP_FCNTL`: fcntl(2) commands that need it (see `fcntls(...)`).
    Fcntl "fcntl" Fcntl ["this handle lacks the `fcntl` right", "needs `fcntl`", "add `fcntl` to this declaration's `rights(...)`"] = FCNTL;
    /// `CAP_FLOCK`: flock(2), `F_SETLK` and friends.
    Flock "flock" Flock ["this handle lacks the `flock` right", "needs `flock`", "add `flock` to this declaration's `rights(...)`"] = FLOCK;
    /// `CAP_FPATHCONF`: fpathconf(2).
    Fpathconf "fpathconf" Fpathconf ["this handle lacks the `fpathconf` right", "needs `fpathconf`", "add `fpathconf` to this declaration's `rights(...)`"] = FPATHCONF;
    /// `CAP_FSCK`: UFS background fsck.
    Fsck "fsck" Fsck ["this handle lacks the `fsck` right", "needs `fsck`", "add `fsck` to this declaration's `rights(...)`"] = FSCK;
    /// `CAP_FSTAT`: fstat(2).
    Fstat "fstat" Fstat ["this handle lacks the `fstat` right", "needs `fstat`", "add `fstat` to this declaration's `rights(...)`"] = FSTAT;
    /// `CAP_FSTATAT` = `fstat` + `lookup`.
    Fstatat "fstatat" Fstatat ["this handle lacks the `fstatat` right", "needs `fstatat`", "add `fstatat` to this declaration's `rights(...)`"] = FSTAT | LOOKUP;
    /// `CAP_FSTATFS`: fstatfs(2).
    Fstatfs "fstatfs" Fstatfs ["this handle lacks the `fstatfs` right", "needs `fstatfs`", "add `fstatfs` to this declaration's `rights(...)`"] = FSTATFS;
    /// `CAP_FUTIMES`: futimens(2), futimes.
    Futimes "futimes" Futimes ["this handle lacks the `futimes` right", "needs `futimes`", "add `futimes` to this declaration's `rights(...)`"] = FUTIMES;
    /// `CAP_FUTIMESAT` = `futimes` + `lookup`.
    Futimesat "futimesat" Futimesat ["this handle lacks the `futimesat` right", "needs `futimesat`", "add `futimesat` to this declaration's `rights(...)`"] = FUTIMES | LOOKUP;
    /// `CAP_LINKAT_TARGET`: linkat(2) to this directory.
    LinkatTarget "linkat_target" LinkatTarget ["this handle lacks the `linkat_target` right", "needs `linkat_target`", "add `linkat_target` to this declaration's `rights(...)`"] = LINKAT_TARGET | LOOKUP;
    /// `CAP_MKDIRAT`: mkdirat(2).
    Mkdirat "mkdirat" Mkdirat ["this handle lacks the `mkdirat` right", "needs `mkdirat`", "add `mkdirat` to this declaration's `rights(...)`"] = MKDIRAT | LOOKUP;
    /// `CAP_MKFIFOAT`: mkfifoat(2).
    Mkfifoat "mkfifoat" Mkfifoat ["this handle lacks the `mkfifoat` right", "needs `mkfifoat`", "add `mkfifoat` to this declaration's `rights(...)`"] = MKFIFOAT | LOOKUP;
    /// `CAP_MKNODAT`: mknodat(2).
    Mknodat "mknodat" Mknodat ["this handle lacks the `mknodat` right", "needs `mknodat`", "add `mknodat` to this declaration's `rights(...)`"] = MKNODAT | LOOKUP;
    /// `CAP_RENAMEAT_SOURCE`: renameat(2) from this directory.
    RenameatSource "renameat_source" RenameatSource ["this handle lacks the `renameat_source` right", "needs `renameat_source`", "add `renameat_source` to this declaration's `rights(...)`"] = RENAMEAT_SOURCE | LOOKUP;
    /// `CAP_RENAMEAT_TARGET`: renameat(2) into this directory.
    RenameatTarget "renameat_target" RenameatTarget ["this handle lacks the `renameat_target` right", "needs `renameat_target`", "add `renameat_target` to this declaration's `rights(...)`"] = RENAMEAT_TARGET | LOOKUP;
    /// `CAP_SYMLINKAT`: symlinkat(2).
    Symlinkat "symlinkat" Symlinkat ["this handle lacks the `symlinkat` right", "needs `symlinkat`", "add `symlinkat` to this declaration's `rights(...)`"] = SYMLINKAT | LOOKUP;
    /// `CAP_UNLINKAT`: unlinkat(2).
    Unlinkat "unlinkat" Unlinkat ["this handle lacks the `unlinkat` right", "needs `unlinkat`", "add `unlinkat` to this declaration's `rights(...)`"] = UNLINKAT | LOOKUP;
    /// `CAP_ACCEPT`: accept(2).
    Accept "accept" Accept ["this handle lacks the `accept` right", "needs `accept`", "add `accept` to this declaration's `rights(...)`"] = ACCEPT;
    /// `CAP_BIND`: bind(2).
    Bind "bind" Bind ["this handle lacks the `bind` right", "needs `bind`", "add `bind` to this declaration's `rights(...)`"] = BIND;
    /// `CAP_CONNECT`: connect(2).
    Connect "connect" Connect ["this handle lacks the `connect` right", "needs `connect`", "add `connect` to this declaration's `rights(...)`"] = CONNECT;
    /// `CAP_GETPEERNAME`.
    Getpeername "getpeername" Getpeername ["this handle lacks the `getpeername` right", "needs `getpeername`", "add `getpeername` to this declaration's `rights(...)`"] = GETPEERNAME;
    /// `CAP_GETSOCKNAME`.
    Getsockname "getsockname" Getsockname ["this handle lacks the `getsockname` right", "needs `getsockname`", "add `getsockname` to this declaration's `rights(...)`"] = GETSOCKNAME;
    /// `CAP_GETSOCKOPT`.
    Getsockopt "getsockopt" Getsockopt ["this handle lacks the `getsockopt` right", "needs `getsockopt`", "add `getsockopt` to this declaration's `rights(...)`"] = GETSOCKOPT;
    /// `CAP_LISTEN`.
    Listen "listen" Listen ["this handle lacks the `listen` right", "needs `listen`", "add `listen` to this declaration's `rights(...)`"] = LISTEN;
    /// `CAP_PEELOFF`: sctp_peeloff(2).
    Peeloff "peeloff" Peeloff ["this handle lacks the `peeloff` right", "needs `peeloff`", "add `peeloff` to this declaration's `rights(...)`"] = PEELOFF;
    /// `CAP_RECV` = `read`.
    Recv "recv" Recv ["this handle lacks the `recv` right", "needs `recv`", "add `recv` to this declaration's `rights(...)`"] = READ;
    /// `CAP_SEND` = `write`.
    Send "send" Send ["this handle lacks the `send` right", "needs `send`", "add `send` to this declaration's `rights(...)`"] = WRITE;
    /// `CAP_SETSOCKOPT`.
    Setsockopt "setsockopt" Setsockopt ["this handle lacks the `setsockopt` right", "needs `setsockopt`", "add `setsockopt` to this declaration's `rights(...)`"] = SETSOCKOPT;
    /// `CAP_SHUTDOWN`.
    Shutdown "shutdown" Shutdown ["this handle lacks the `shutdown` right", "needs `shutdown`", "add `shutdown` to this declaration's `rights(...)`"] = SHUTDOWN;
    /// `CAP_BINDAT`: bindat(2) with this directory.
    Bindat "bindat" Bindat ["this handle lacks the `bindat` right", "needs `bindat`", "add `bindat` to this declaration's `rights(...)`"] = BINDAT | LOOKUP;
    /// `CAP_CONNECTAT`: connectat(2) with this directory.
    Connectat "connectat" Connectat ["this handle lacks the `connectat` right", "needs `connectat`", "add `connectat` to this declaration's `rights(...)`"] = CONNECTAT | LOOKUP;
    /// `CAP_LINKAT_SOURCE`: linkat(2) from this directory.
    LinkatSource "linkat_source" LinkatSource ["this handle lacks the `linkat_source` right", "needs `linkat_source`", "add `linkat_source` to this declaration's `rights(...)`"] = LINKAT_SOURCE | LOOKUP;
    /// `CAP_SOCK_CLIENT`: the rights a connected client socket needs.
    SockClient "sock_client" SockClient ["this handle lacks the `sock_client` right", "needs `sock_client`", "add `sock_client` to this declaration's `rights(...)`"] =
        CONNECT | GETPEERNAME | GETSOCKNAME | GETSOCKOPT | PEELOFF | READ | WRITE | SETSOCKOPT | SHUTDOWN;
    /// `CAP_SOCK_SERVER`: the rights a listening socket needs.
    SockServer "sock_server" SockServer ["this handle lacks the `sock_server` right", "needs `sock_server`", "add `sock_server` to this declaration's `rights(...)`"] =
        ACCEPT | BIND | GETPEERNAME | GETSOCKNAME | GETSOCKOPT | LISTEN | PEELOFF | READ | WRITE | SETSOCKOPT | SHUTDOWN;
    /// `CAP_MAC_GET`: mac_get_fd(3).
    MacGet "mac_get" MacGet ["this handle lacks the `mac_get` right", "needs `mac_get`", "add `mac_get` to this declaration's `rights(...)`"] = MAC_GET;
    /// `CAP_MAC_SET`: mac_set_fd(3).
    MacSet "mac_set" MacSet ["this handle lacks the `mac_set` right", "needs `mac_set`", "add `mac_set` to this declaration's `rights(...)`"] = MAC_SET;
    /// `CAP_SEM_GETVALUE`.
    SemGetvalue "sem_getvalue" SemGetvalue ["this handle lacks the `sem_getvalue` right", "needs `sem_getvalue`", "add `sem_getvalue` to this declaration's `rights(...)`"] = SEM_GETVALUE;
    /// `CAP_SEM_POST`.
    SemPost "sem_post" SemPost ["this handle lacks the `sem_post` right", "needs `sem_post`", "add `sem_post` to this declaration's `rights(...)`"] = SEM_POST;
    /// `CAP_SEM_WAIT`.
    SemWait "sem_wait" SemWait ["this handle lacks the `sem_wait` right", "needs `sem_wait`", "add `sem_wait` to this declaration's `rights(...)`"] = SEM_WAIT;
    /// `CAP_EVENT`: poll(2), select(2), kevent on this descriptor.
    Event "event" Event ["this handle lacks the `event` right", "needs `event`", "add `event` to this declaration's `rights(...)`"] = EVENT;
    /// `CAP_KQUEUE_EVENT`: kevent(2) wait on a kqueue.
    KqueueEvent "kqueue_event" KqueueEvent ["this handle lacks the `kqueue_event` right", "needs `kqueue_event`", "add `kqueue_event` to this declaration's `rights(...)`"] = KQUEUE_EVENT;
    /// `CAP_IOCTL`: ioctl(2), narrowed by `ioctls(...)`.
    Ioctl "ioctl" Ioctl ["this handle lacks the `ioctl` right", "needs `ioctl`", "add `ioctl` to this declaration's `rights(...)`"] = IOCTL;
    /// `CAP_TTYHOOK`: netgraph tty hook.
    Ttyhook "ttyhook" Ttyhook ["this handle lacks the `ttyhook` right", "needs `ttyhook`", "add `ttyhook` to this declaration's `rights(...)`"] = TTYHOOK;
    /// `CAP_PDGETPID`: pdgetpid(2).
    Pdgetpid "pdgetpid" Pdgetpid ["this handle lacks the `pdgetpid` right", "needs `pdgetpid`", "add `pdgetpid` to this declaration's `rights(...)`"] = PDGETPID;
    /// `CAP_PDWAIT`: pdwait4.
    Pdwait "pdwait" Pdwait ["this handle lacks the `pdwait` right", "needs `pdwait`", "add `pdwait` to this declaration's `rights(...)`"] = PDWAIT;
    /// `CAP_PDKILL`: pdkill(2).
    Pdkill "pdkill" Pdkill ["this handle lacks the `pdkill` right", "needs `pdkill`", "add `pdkill` to this declaration's `rights(...)`"] = PDKILL;
    /// `CAP_EXTATTR_DELETE`.
    ExtattrDelete "extattr_delete" ExtattrDelete ["this handle lacks the `extattr_delete` right", "needs `extattr_delete`", "add `extattr_delete` to this declaration's `rights(...)`"] = EXTATTR_DELETE;
    /// `CAP_EXTATTR_GET`.
    ExtattrGet "extattr_get" ExtattrGet ["this handle lacks the `extattr_get` right", "needs `extattr_get`", "add `extattr_get` to this declaration's `rights(...)`"] = EXTATTR_GET;
    /// `CAP_EXTATTR_LIST`.
    ExtattrList "extattr_list" ExtattrList ["this handle lacks the `extattr_list` right", "needs `extattr_list`", "add `extattr_list` to this declaration's `rights(...)`"] = EXTATTR_LIST;
    /// `CAP_EXTATTR_SET`.
    ExtattrSet "extattr_set" ExtattrSet ["this handle lacks the `extattr_set` right", "needs `extattr_set`", "add `extattr_set` to this declaration's `rights(...)`"] = EXTATTR_SET;
    /// `CAP_ACL_CHECK`.
    AclCheck "acl_check" AclCheck ["this handle lacks the `acl_check` right", "needs `acl_check`", "add `acl_check` to this declaration's `rights(...)`"] = ACL_CHECK;
    /// `CAP_ACL_DELETE`.
    AclDelete "acl_delete" AclDelete ["this handle lacks the `acl_delete` right", "needs `acl_delete`", "add `acl_delete` to this declaration's `rights(...)`"] = ACL_DELETE;
    /// `CAP_ACL_GET`.
    AclGet "acl_get" AclGet ["this handle lacks the `acl_get` right", "needs `acl_get`", "add `acl_get` to this declaration's `rights(...)`"] = ACL_GET;
    /// `CAP_ACL_SET`.
    AclSet "acl_set" AclSet ["this handle lacks the `acl_set` right", "needs `acl_set`", "add `acl_set` to this declaration's `rights(...)`"] = ACL_SET;
    /// `CAP_KQUEUE_CHANGE`: kevent(2) changes on a kqueue.
    KqueueChange "kqueue_change" KqueueChange ["this handle lacks the `kqueue_change` right", "needs `kqueue_change`", "add `kqueue_change` to this declaration's `rights(...)`"] = KQUEUE_CHANGE;
    /// `CAP_KQUEUE` = `kqueue_event` + `kqueue_change`.
    Kqueue "kqueue" Kqueue ["this handle lacks the `kqueue` right", "needs `kqueue`", "add `kqueue` to this declaration's `rights(...)`"] = KQUEUE_EVENT | KQUEUE_CHANGE;
}

impl Right {
    /// A right that is a single atom (or one atom over `lookup`/`seek_tell`),
    /// used to print sets compactly.
    fn is_atom(self) -> bool {
        !matches!(
            self,
            Right::Pread
                | Right::Pwrite
                | Right::MmapR
                | Right::MmapW
                | Right::MmapX
                | Right::MmapRw
                | Right::MmapRx
                | Right::MmapWx
                | Right::MmapRwx
                | Right::Chflagsat
                | Right::Fchmodat
                | Right::Fchownat
                | Right::Fstatat
                | Right::Futimesat
                | Right::Recv
                | Right::Send
                | Right::SockClient
                | Right::SockServer
                | Right::Kqueue
        )
    }
}

impl fmt::Display for Right {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A type-level rights set: generated by `#[sandboxed]` for each declaration,
/// implementing one [`can`] trait per right it holds.
pub trait RightsMarker: 'static {
    /// The rights, as a value.
    const RIGHTS: RightSet;
    /// The declaration this marker was generated for.
    const NAME: &'static str;
}

/// `fcntl(2)` commands that `CAP_FCNTL` may be narrowed to
/// (cap_fcntls_limit(2)).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
#[non_exhaustive]
pub enum Fcntl {
    /// `CAP_FCNTL_GETFL`: `F_GETFL`.
    Getfl,
    /// `CAP_FCNTL_SETFL`: `F_SETFL`.
    Setfl,
    /// `CAP_FCNTL_GETOWN`: `F_GETOWN`.
    Getown,
    /// `CAP_FCNTL_SETOWN`: `F_SETOWN`.
    Setown,
}

impl Fcntl {
    /// Every command, in cap_fcntls_limit(2) order.
    pub const ALL: &'static [Fcntl] = &[Fcntl::Getfl, Fcntl::Setfl, Fcntl::Getown, Fcntl::Setown];

    /// The name `fcntls(...)` accepts.
    pub const fn name(self) -> &'static str {
        match self {
            Fcntl::Getfl => "getfl",
            Fcntl::Setfl => "setfl",
            Fcntl::Getown => "getown",
            Fcntl::Setown => "setown",
        }
    }
}

/// ioctl(2) commands that `CAP_IOCTL` may be narrowed to with
/// cap_ioctls_limit(2). The numbers differ per OS; the backend maps them.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
#[non_exhaustive]
pub enum Ioctl {
    /// `FIONREAD`: bytes available to read.
    Fionread,
    /// `FIONBIO`: set non-blocking mode.
    Fionbio,
    /// `FIOASYNC`: set asynchronous mode.
    Fioasync,
    /// `FIOCLEX`: set close-on-exec.
    Fioclex,
    /// `FIONCLEX`: clear close-on-exec.
    Fionclex,
    /// `TIOCGETA` (Linux `TCGETS`): read terminal attributes; isatty(3).
    Tiocgeta,
    /// `TIOCSETA` (Linux `TCSETS`): set terminal attributes.
    Tiocseta,
    /// `TIOCGWINSZ`: window size.
    Tiocgwinsz,
    /// `TIOCSWINSZ`: set window size.
    Tiocswinsz,
    /// `TIOCGPGRP`: foreground process group.
    Tiocgpgrp,
    /// `FIODTYPE` (FreeBSD only): device type; used by caph_limit_stdio.
    Fiodtype,
}

impl Ioctl {
    /// Every command `ioctls(...)` accepts.
    pub const ALL: &'static [Ioctl] = &[
        Ioctl::Fionread,
        Ioctl::Fionbio,
        Ioctl::Fioasync,
        Ioctl::Fioclex,
        Ioctl::Fionclex,
        Ioctl::Tiocgeta,
        Ioctl::Tiocseta,
        Ioctl::Tiocgwinsz,
        Ioctl::Tiocswinsz,
        Ioctl::Tiocgpgrp,
        Ioctl::Fiodtype,
    ];

    /// The name `ioctls(...)` accepts (lower case, as in the C headers).
    pub const fn name(self) -> &'static str {
        match self {
            Ioctl::Fionread => "fionread",
            Ioctl::Fionbio => "fionbio",
            Ioctl::Fioasync => "fioasync",
            Ioctl::Fioclex => "fioclex",
            Ioctl::Fionclex => "fionclex",
            Ioctl::Tiocgeta => "tiocgeta",
            Ioctl::Tiocseta => "tiocseta",
            Ioctl::Tiocgwinsz => "tiocgwinsz",
            Ioctl::Tiocswinsz => "tiocswinsz",
            Ioctl::Tiocgpgrp => "tiocgpgrp",
            Ioctl::Fiodtype => "fiodtype",
        }
    }
}

/// The full limits of one descriptor: rights, and where `ioctl`/`fcntl` are
/// among them, the commands they are narrowed to (`None` = all commands).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct Limits {
    /// The rights.
    pub rights: RightSet,
    /// `Some(list)` narrows `CAP_IOCTL` to `list` (cap_ioctls_limit(2)).
    pub ioctls: Option<&'static [Ioctl]>,
    /// `Some(list)` narrows `CAP_FCNTL` to `list` (cap_fcntls_limit(2)).
    pub fcntls: Option<&'static [Fcntl]>,
}

impl Limits {
    /// The limits `caph_limit_stdin` applies (capsicum_helpers(3),
    /// `caph_limit_stream(fd, CAPH_READ)`): read, event, fcntl narrowed to
    /// `F_GETFL`, fstat, seek, and the tty ioctls isatty(3) needs.
    pub const STDIN: Limits = Limits {
        rights: RightSet::of(&[
            Right::Read,
            Right::Event,
            Right::Fcntl,
            Right::Fstat,
            Right::Ioctl,
            Right::Seek,
        ]),
        ioctls: Some(&[Ioctl::Tiocgeta, Ioctl::Tiocgwinsz, Ioctl::Fiodtype]),
        fcntls: Some(&[Fcntl::Getfl]),
    };
    /// The limits `caph_limit_stdout` / `caph_limit_stderr` apply
    /// (`caph_limit_stream(fd, CAPH_WRITE)`): as [`Limits::STDIN`] with
    /// write instead of read.
    pub const STDOUT: Limits = Limits {
        rights: RightSet::of(&[
            Right::Write,
            Right::Event,
            Right::Fcntl,
            Right::Fstat,
            Right::Ioctl,
            Right::Seek,
        ]),
        ioctls: Some(&[Ioctl::Tiocgeta, Ioctl::Tiocgwinsz, Ioctl::Fiodtype]),
        fcntls: Some(&[Fcntl::Getfl]),
    };
}

/// The smallest rights a file opened with these flags needs, following the
/// open-flag rules of rights(4) and `openat(2)`: `O_RDONLY` needs `read`,
/// `O_WRONLY` needs `write` (and `seek` unless `O_APPEND`), `O_TRUNC` needs
/// `ftruncate`, plus `fstat` (std and most libcs fstat on open to size
/// buffers).
pub const fn default_file_rights(read: bool, write: bool, append: bool) -> RightSet {
    let mut set = RightSet::of(&[Right::Fstat]);
    if read {
        set = set.union(Right::Read.set()).union(Right::Seek.set());
    }
    if write {
        set = set.union(Right::Write.set());
        if !append {
            set = set.union(Right::Seek.set());
        }
    }
    set
}

/// The smallest rights a preopened directory needs to be useful: `lookup`
/// to open beneath it, `fstat`, and `read` to list it.
pub const DEFAULT_DIR_RIGHTS: RightSet = RightSet::of(&[Right::Lookup, Right::Read, Right::Fstat]);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn composites_imply_their_parts() {
        assert!(Right::Pread.set().contains(Right::Read.set()));
        assert!(Right::Pread.set().contains(Right::Seek.set()));
        assert!(Right::Mkdirat.set().contains(Right::Lookup.set()));
        assert!(!Right::Lookup.set().contains(Right::Mkdirat.set()));
        assert_eq!(Right::Recv.set(), Right::Read.set());
        assert!(Right::SockServer.set().contains(Right::Accept.set()));
    }

    #[test]
    fn names_round_trip_and_are_unique() {
        for r in Right::ALL {
            assert_eq!(Right::from_name(r.name()), Some(*r));
        }
        let mut names: Vec<_> = Right::ALL.iter().map(|r| r.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Right::ALL.len());
        assert_eq!(
            Right::ALL.len(),
            82,
            "every right of rights(4) plus recv/send"
        );
    }

    #[test]
    fn display_lists_atoms() {
        let set = RightSet::of(&[Right::Pread, Right::Fstat]);
        assert_eq!(set.to_string(), "read, seek_tell, seek, fstat");
    }
}
