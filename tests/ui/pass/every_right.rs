// The macro's rights table (macros/src/symbol.rs) agrees with the runtime's
// (runtime/src/rights.rs): every right is declared once, and for each
// handle, the `can` traits the macro implemented are exactly the rights the
// runtime's `RightSet` allows (implied rights included). Run by trybuild.
#![allow(clippy::all)]

use sandboxed::rights::{can, Right, RightsMarker};
use sandboxed::{sandboxed, Dir, File};

/// Whether `W<T>` has the inherent const (the bound holds) or falls back
/// to the trait's `false`: the `impls` crate's technique.
mod probe {
    use super::can;
    use std::marker::PhantomData;

    pub struct W<T>(PhantomData<T>);

    #[allow(dead_code)]
    pub trait No {
        const READ: bool = false;
        const WRITE: bool = false;
        const SEEK_TELL: bool = false;
        const SEEK: bool = false;
        const PREAD: bool = false;
        const PWRITE: bool = false;
        const MMAP: bool = false;
        const MMAP_R: bool = false;
        const MMAP_W: bool = false;
        const MMAP_X: bool = false;
        const MMAP_RW: bool = false;
        const MMAP_RX: bool = false;
        const MMAP_WX: bool = false;
        const MMAP_RWX: bool = false;
        const CREATE: bool = false;
        const FEXECVE: bool = false;
        const FSYNC: bool = false;
        const FTRUNCATE: bool = false;
        const LOOKUP: bool = false;
        const FCHDIR: bool = false;
        const FCHFLAGS: bool = false;
        const CHFLAGSAT: bool = false;
        const FCHMOD: bool = false;
        const FCHMODAT: bool = false;
        const FCHOWN: bool = false;
        const FCHOWNAT: bool = false;
        const FCNTL: bool = false;
        const FLOCK: bool = false;
        const FPATHCONF: bool = false;
        const FSCK: bool = false;
        const FSTAT: bool = false;
        const FSTATAT: bool = false;
        const FSTATFS: bool = false;
        const FUTIMES: bool = false;
        const FUTIMESAT: bool = false;
        const LINKAT_TARGET: bool = false;
        const MKDIRAT: bool = false;
        const MKFIFOAT: bool = false;
        const MKNODAT: bool = false;
        const RENAMEAT_SOURCE: bool = false;
        const RENAMEAT_TARGET: bool = false;
        const SYMLINKAT: bool = false;
        const UNLINKAT: bool = false;
        const ACCEPT: bool = false;
        const BIND: bool = false;
        const CONNECT: bool = false;
        const GETPEERNAME: bool = false;
        const GETSOCKNAME: bool = false;
        const GETSOCKOPT: bool = false;
        const LISTEN: bool = false;
        const PEELOFF: bool = false;
        const RECV: bool = false;
        const SEND: bool = false;
        const SETSOCKOPT: bool = false;
        const SHUTDOWN: bool = false;
        const BINDAT: bool = false;
        const CONNECTAT: bool = false;
        const LINKAT_SOURCE: bool = false;
        const SOCK_CLIENT: bool = false;
        const SOCK_SERVER: bool = false;
        const MAC_GET: bool = false;
        const MAC_SET: bool = false;
        const SEM_GETVALUE: bool = false;
        const SEM_POST: bool = false;
        const SEM_WAIT: bool = false;
        const EVENT: bool = false;
        const KQUEUE_EVENT: bool = false;
        const IOCTL: bool = false;
        const TTYHOOK: bool = false;
        const PDGETPID: bool = false;
        const PDWAIT: bool = false;
        const PDKILL: bool = false;
        const EXTATTR_DELETE: bool = false;
        const EXTATTR_GET: bool = false;
        const EXTATTR_LIST: bool = false;
        const EXTATTR_SET: bool = false;
        const ACL_CHECK: bool = false;
        const ACL_DELETE: bool = false;
        const ACL_GET: bool = false;
        const ACL_SET: bool = false;
        const KQUEUE_CHANGE: bool = false;
        const KQUEUE: bool = false;
    }
    impl<T> No for W<T> {}

    impl<T: can::Read> W<T> {
        pub const READ: bool = true;
    }
    impl<T: can::Write> W<T> {
        pub const WRITE: bool = true;
    }
    impl<T: can::SeekTell> W<T> {
        pub const SEEK_TELL: bool = true;
    }
    impl<T: can::Seek> W<T> {
        pub const SEEK: bool = true;
    }
    impl<T: can::Pread> W<T> {
        pub const PREAD: bool = true;
    }
    impl<T: can::Pwrite> W<T> {
        pub const PWRITE: bool = true;
    }
    impl<T: can::Mmap> W<T> {
        pub const MMAP: bool = true;
    }
    impl<T: can::MmapR> W<T> {
        pub const MMAP_R: bool = true;
    }
    impl<T: can::MmapW> W<T> {
        pub const MMAP_W: bool = true;
    }
    impl<T: can::MmapX> W<T> {
        pub const MMAP_X: bool = true;
    }
    impl<T: can::MmapRw> W<T> {
        pub const MMAP_RW: bool = true;
    }
    impl<T: can::MmapRx> W<T> {
        pub const MMAP_RX: bool = true;
    }
    impl<T: can::MmapWx> W<T> {
        pub const MMAP_WX: bool = true;
    }
    impl<T: can::MmapRwx> W<T> {
        pub const MMAP_RWX: bool = true;
    }
    impl<T: can::Create> W<T> {
        pub const CREATE: bool = true;
    }
    impl<T: can::Fexecve> W<T> {
        pub const FEXECVE: bool = true;
    }
    impl<T: can::Fsync> W<T> {
        pub const FSYNC: bool = true;
    }
    impl<T: can::Ftruncate> W<T> {
        pub const FTRUNCATE: bool = true;
    }
    impl<T: can::Lookup> W<T> {
        pub const LOOKUP: bool = true;
    }
    impl<T: can::Fchdir> W<T> {
        pub const FCHDIR: bool = true;
    }
    impl<T: can::Fchflags> W<T> {
        pub const FCHFLAGS: bool = true;
    }
    impl<T: can::Chflagsat> W<T> {
        pub const CHFLAGSAT: bool = true;
    }
    impl<T: can::Fchmod> W<T> {
        pub const FCHMOD: bool = true;
    }
    impl<T: can::Fchmodat> W<T> {
        pub const FCHMODAT: bool = true;
    }
    impl<T: can::Fchown> W<T> {
        pub const FCHOWN: bool = true;
    }
    impl<T: can::Fchownat> W<T> {
        pub const FCHOWNAT: bool = true;
    }
    impl<T: can::Fcntl> W<T> {
        pub const FCNTL: bool = true;
    }
    impl<T: can::Flock> W<T> {
        pub const FLOCK: bool = true;
    }
    impl<T: can::Fpathconf> W<T> {
        pub const FPATHCONF: bool = true;
    }
    impl<T: can::Fsck> W<T> {
        pub const FSCK: bool = true;
    }
    impl<T: can::Fstat> W<T> {
        pub const FSTAT: bool = true;
    }
    impl<T: can::Fstatat> W<T> {
        pub const FSTATAT: bool = true;
    }
    impl<T: can::Fstatfs> W<T> {
        pub const FSTATFS: bool = true;
    }
    impl<T: can::Futimes> W<T> {
        pub const FUTIMES: bool = true;
    }
    impl<T: can::Futimesat> W<T> {
        pub const FUTIMESAT: bool = true;
    }
    impl<T: can::LinkatTarget> W<T> {
        pub const LINKAT_TARGET: bool = true;
    }
    impl<T: can::Mkdirat> W<T> {
        pub const MKDIRAT: bool = true;
    }
    impl<T: can::Mkfifoat> W<T> {
        pub const MKFIFOAT: bool = true;
    }
    impl<T: can::Mknodat> W<T> {
        pub const MKNODAT: bool = true;
    }
    impl<T: can::RenameatSource> W<T> {
        pub const RENAMEAT_SOURCE: bool = true;
    }
    impl<T: can::RenameatTarget> W<T> {
        pub const RENAMEAT_TARGET: bool = true;
    }
    impl<T: can::Symlinkat> W<T> {
        pub const SYMLINKAT: bool = true;
    }
    impl<T: can::Unlinkat> W<T> {
        pub const UNLINKAT: bool = true;
    }
    impl<T: can::Accept> W<T> {
        pub const ACCEPT: bool = true;
    }
    impl<T: can::Bind> W<T> {
        pub const BIND: bool = true;
    }
    impl<T: can::Connect> W<T> {
        pub const CONNECT: bool = true;
    }
    impl<T: can::Getpeername> W<T> {
        pub const GETPEERNAME: bool = true;
    }
    impl<T: can::Getsockname> W<T> {
        pub const GETSOCKNAME: bool = true;
    }
    impl<T: can::Getsockopt> W<T> {
        pub const GETSOCKOPT: bool = true;
    }
    impl<T: can::Listen> W<T> {
        pub const LISTEN: bool = true;
    }
    impl<T: can::Peeloff> W<T> {
        pub const PEELOFF: bool = true;
    }
    impl<T: can::Recv> W<T> {
        pub const RECV: bool = true;
    }
    impl<T: can::Send> W<T> {
        pub const SEND: bool = true;
    }
    impl<T: can::Setsockopt> W<T> {
        pub const SETSOCKOPT: bool = true;
    }
    impl<T: can::Shutdown> W<T> {
        pub const SHUTDOWN: bool = true;
    }
    impl<T: can::Bindat> W<T> {
        pub const BINDAT: bool = true;
    }
    impl<T: can::Connectat> W<T> {
        pub const CONNECTAT: bool = true;
    }
    impl<T: can::LinkatSource> W<T> {
        pub const LINKAT_SOURCE: bool = true;
    }
    impl<T: can::SockClient> W<T> {
        pub const SOCK_CLIENT: bool = true;
    }
    impl<T: can::SockServer> W<T> {
        pub const SOCK_SERVER: bool = true;
    }
    impl<T: can::MacGet> W<T> {
        pub const MAC_GET: bool = true;
    }
    impl<T: can::MacSet> W<T> {
        pub const MAC_SET: bool = true;
    }
    impl<T: can::SemGetvalue> W<T> {
        pub const SEM_GETVALUE: bool = true;
    }
    impl<T: can::SemPost> W<T> {
        pub const SEM_POST: bool = true;
    }
    impl<T: can::SemWait> W<T> {
        pub const SEM_WAIT: bool = true;
    }
    impl<T: can::Event> W<T> {
        pub const EVENT: bool = true;
    }
    impl<T: can::KqueueEvent> W<T> {
        pub const KQUEUE_EVENT: bool = true;
    }
    impl<T: can::Ioctl> W<T> {
        pub const IOCTL: bool = true;
    }
    impl<T: can::Ttyhook> W<T> {
        pub const TTYHOOK: bool = true;
    }
    impl<T: can::Pdgetpid> W<T> {
        pub const PDGETPID: bool = true;
    }
    impl<T: can::Pdwait> W<T> {
        pub const PDWAIT: bool = true;
    }
    impl<T: can::Pdkill> W<T> {
        pub const PDKILL: bool = true;
    }
    impl<T: can::ExtattrDelete> W<T> {
        pub const EXTATTR_DELETE: bool = true;
    }
    impl<T: can::ExtattrGet> W<T> {
        pub const EXTATTR_GET: bool = true;
    }
    impl<T: can::ExtattrList> W<T> {
        pub const EXTATTR_LIST: bool = true;
    }
    impl<T: can::ExtattrSet> W<T> {
        pub const EXTATTR_SET: bool = true;
    }
    impl<T: can::AclCheck> W<T> {
        pub const ACL_CHECK: bool = true;
    }
    impl<T: can::AclDelete> W<T> {
        pub const ACL_DELETE: bool = true;
    }
    impl<T: can::AclGet> W<T> {
        pub const ACL_GET: bool = true;
    }
    impl<T: can::AclSet> W<T> {
        pub const ACL_SET: bool = true;
    }
    impl<T: can::KqueueChange> W<T> {
        pub const KQUEUE_CHANGE: bool = true;
    }
    impl<T: can::Kqueue> W<T> {
        pub const KQUEUE: bool = true;
    }
}

use probe::{No, W};

macro_rules! table {
    ($m:ty) => {
        [
            (Right::Read, W::<$m>::READ),
            (Right::Write, W::<$m>::WRITE),
            (Right::SeekTell, W::<$m>::SEEK_TELL),
            (Right::Seek, W::<$m>::SEEK),
            (Right::Pread, W::<$m>::PREAD),
            (Right::Pwrite, W::<$m>::PWRITE),
            (Right::Mmap, W::<$m>::MMAP),
            (Right::MmapR, W::<$m>::MMAP_R),
            (Right::MmapW, W::<$m>::MMAP_W),
            (Right::MmapX, W::<$m>::MMAP_X),
            (Right::MmapRw, W::<$m>::MMAP_RW),
            (Right::MmapRx, W::<$m>::MMAP_RX),
            (Right::MmapWx, W::<$m>::MMAP_WX),
            (Right::MmapRwx, W::<$m>::MMAP_RWX),
            (Right::Create, W::<$m>::CREATE),
            (Right::Fexecve, W::<$m>::FEXECVE),
            (Right::Fsync, W::<$m>::FSYNC),
            (Right::Ftruncate, W::<$m>::FTRUNCATE),
            (Right::Lookup, W::<$m>::LOOKUP),
            (Right::Fchdir, W::<$m>::FCHDIR),
            (Right::Fchflags, W::<$m>::FCHFLAGS),
            (Right::Chflagsat, W::<$m>::CHFLAGSAT),
            (Right::Fchmod, W::<$m>::FCHMOD),
            (Right::Fchmodat, W::<$m>::FCHMODAT),
            (Right::Fchown, W::<$m>::FCHOWN),
            (Right::Fchownat, W::<$m>::FCHOWNAT),
            (Right::Fcntl, W::<$m>::FCNTL),
            (Right::Flock, W::<$m>::FLOCK),
            (Right::Fpathconf, W::<$m>::FPATHCONF),
            (Right::Fsck, W::<$m>::FSCK),
            (Right::Fstat, W::<$m>::FSTAT),
            (Right::Fstatat, W::<$m>::FSTATAT),
            (Right::Fstatfs, W::<$m>::FSTATFS),
            (Right::Futimes, W::<$m>::FUTIMES),
            (Right::Futimesat, W::<$m>::FUTIMESAT),
            (Right::LinkatTarget, W::<$m>::LINKAT_TARGET),
            (Right::Mkdirat, W::<$m>::MKDIRAT),
            (Right::Mkfifoat, W::<$m>::MKFIFOAT),
            (Right::Mknodat, W::<$m>::MKNODAT),
            (Right::RenameatSource, W::<$m>::RENAMEAT_SOURCE),
            (Right::RenameatTarget, W::<$m>::RENAMEAT_TARGET),
            (Right::Symlinkat, W::<$m>::SYMLINKAT),
            (Right::Unlinkat, W::<$m>::UNLINKAT),
            (Right::Accept, W::<$m>::ACCEPT),
            (Right::Bind, W::<$m>::BIND),
            (Right::Connect, W::<$m>::CONNECT),
            (Right::Getpeername, W::<$m>::GETPEERNAME),
            (Right::Getsockname, W::<$m>::GETSOCKNAME),
            (Right::Getsockopt, W::<$m>::GETSOCKOPT),
            (Right::Listen, W::<$m>::LISTEN),
            (Right::Peeloff, W::<$m>::PEELOFF),
            (Right::Recv, W::<$m>::RECV),
            (Right::Send, W::<$m>::SEND),
            (Right::Setsockopt, W::<$m>::SETSOCKOPT),
            (Right::Shutdown, W::<$m>::SHUTDOWN),
            (Right::Bindat, W::<$m>::BINDAT),
            (Right::Connectat, W::<$m>::CONNECTAT),
            (Right::LinkatSource, W::<$m>::LINKAT_SOURCE),
            (Right::SockClient, W::<$m>::SOCK_CLIENT),
            (Right::SockServer, W::<$m>::SOCK_SERVER),
            (Right::MacGet, W::<$m>::MAC_GET),
            (Right::MacSet, W::<$m>::MAC_SET),
            (Right::SemGetvalue, W::<$m>::SEM_GETVALUE),
            (Right::SemPost, W::<$m>::SEM_POST),
            (Right::SemWait, W::<$m>::SEM_WAIT),
            (Right::Event, W::<$m>::EVENT),
            (Right::KqueueEvent, W::<$m>::KQUEUE_EVENT),
            (Right::Ioctl, W::<$m>::IOCTL),
            (Right::Ttyhook, W::<$m>::TTYHOOK),
            (Right::Pdgetpid, W::<$m>::PDGETPID),
            (Right::Pdwait, W::<$m>::PDWAIT),
            (Right::Pdkill, W::<$m>::PDKILL),
            (Right::ExtattrDelete, W::<$m>::EXTATTR_DELETE),
            (Right::ExtattrGet, W::<$m>::EXTATTR_GET),
            (Right::ExtattrList, W::<$m>::EXTATTR_LIST),
            (Right::ExtattrSet, W::<$m>::EXTATTR_SET),
            (Right::AclCheck, W::<$m>::ACL_CHECK),
            (Right::AclDelete, W::<$m>::ACL_DELETE),
            (Right::AclGet, W::<$m>::ACL_GET),
            (Right::AclSet, W::<$m>::ACL_SET),
            (Right::KqueueChange, W::<$m>::KQUEUE_CHANGE),
            (Right::Kqueue, W::<$m>::KQUEUE),
        ]
    };
}

fn agree<M: RightsMarker>(table: &[(Right, bool)]) -> usize {
    assert_eq!(table.len(), Right::ALL.len());
    for (right, has) in table {
        assert_eq!(
            M::RIGHTS.allows(*right),
            *has,
            "`{}` of `{}`: the runtime says {}, the macro's `can` impls say {}",
            right,
            M::NAME,
            M::RIGHTS.allows(*right),
            has
        );
    }
    table.iter().filter(|(_, has)| *has).count()
}

#[sandboxed(
    preopen(f = file("/dev/null", read, write), d = dir("/")),
    rights(
        f = [
            read, write, seek_tell, seek, pread, pwrite, mmap, mmap_r, mmap_w, mmap_x, mmap_rw,
            mmap_rx, mmap_wx, mmap_rwx, create, fexecve, fsync, ftruncate, fchdir, fchflags,
            fchmod, fchown, fcntl, flock, fpathconf, fsck, fstat, fstatfs, futimes, accept,
            bind, connect, getpeername, getsockname, getsockopt, listen, peeloff, recv, send,
            setsockopt, shutdown, sock_client, sock_server, mac_get, mac_set, sem_getvalue,
            sem_post, sem_wait, event, kqueue_event, ioctl, ttyhook, pdgetpid, pdwait, pdkill,
            extattr_delete, extattr_get, extattr_list, extattr_set, acl_check, acl_delete,
            acl_get, acl_set, kqueue_change, kqueue
        ],
        d = [
            lookup, chflagsat, fchmodat, fchownat, fstatat, futimesat, linkat_target, mkdirat,
            mkfifoat, mknodat, renameat_source, renameat_target, symlinkat, unlinkat, bindat,
            connectat, linkat_source
        ],
    ),
    on_unsupported = "warn",
)]
fn main(f: File, d: Dir) {
    assert_eq!(agree::<rights_of_f>(&table!(rights_of_f)), 65);
    assert!(agree::<rights_of_d>(&table!(rights_of_d)) >= 17);
    let declared = rights_of_f::RIGHTS.union(rights_of_d::RIGHTS);
    for right in Right::ALL {
        assert!(declared.allows(*right), "`{right}` is not declared");
    }
    let _ = (f, d);
}
