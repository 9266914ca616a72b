// The macro's rights table (macros/src/symbol.rs) agrees with the runtime's
// (runtime/src/rights.rs): one declaration per right, holding only that
// right; for each, the `can` traits the macro implemented (the rights it
// implies, such as `pread` → `read`, `seek`) are exactly the rights the
// runtime's `RightSet` allows. Run by trybuild. Generated from the
// `rights!` table; regenerate when it changes.
#![allow(unused_variables, clippy::all)]

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

fn agree<M: RightsMarker>(declared: Right, table: &[(Right, bool)]) {
    assert_eq!(table.len(), Right::ALL.len(), "a right is missing from this test");
    assert_eq!(M::RIGHTS, declared.set());
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
}

#[sandboxed(
    preopen(
        r_read = file("/dev/null", read, write),
        r_write = file("/dev/null", read, write),
        r_seek_tell = file("/dev/null", read, write),
        r_seek = file("/dev/null", read, write),
        r_pread = file("/dev/null", read, write),
        r_pwrite = file("/dev/null", read, write),
        r_mmap = file("/dev/null", read, write),
        r_mmap_r = file("/dev/null", read, write),
        r_mmap_w = file("/dev/null", read, write),
        r_mmap_x = file("/dev/null", read, write),
        r_mmap_rw = file("/dev/null", read, write),
        r_mmap_rx = file("/dev/null", read, write),
        r_mmap_wx = file("/dev/null", read, write),
        r_mmap_rwx = file("/dev/null", read, write),
        r_create = file("/dev/null", read, write),
        r_fexecve = file("/dev/null", read, write),
        r_fsync = file("/dev/null", read, write),
        r_ftruncate = file("/dev/null", read, write),
        r_lookup = dir("/"),
        r_fchdir = file("/dev/null", read, write),
        r_fchflags = file("/dev/null", read, write),
        r_chflagsat = dir("/"),
        r_fchmod = file("/dev/null", read, write),
        r_fchmodat = dir("/"),
        r_fchown = file("/dev/null", read, write),
        r_fchownat = dir("/"),
        r_fcntl = file("/dev/null", read, write),
        r_flock = file("/dev/null", read, write),
        r_fpathconf = file("/dev/null", read, write),
        r_fsck = file("/dev/null", read, write),
        r_fstat = file("/dev/null", read, write),
        r_fstatat = dir("/"),
        r_fstatfs = file("/dev/null", read, write),
        r_futimes = file("/dev/null", read, write),
        r_futimesat = dir("/"),
        r_linkat_target = dir("/"),
        r_mkdirat = dir("/"),
        r_mkfifoat = dir("/"),
        r_mknodat = dir("/"),
        r_renameat_source = dir("/"),
        r_renameat_target = dir("/"),
        r_symlinkat = dir("/"),
        r_unlinkat = dir("/"),
        r_accept = file("/dev/null", read, write),
        r_bind = file("/dev/null", read, write),
        r_connect = file("/dev/null", read, write),
        r_getpeername = file("/dev/null", read, write),
        r_getsockname = file("/dev/null", read, write),
        r_getsockopt = file("/dev/null", read, write),
        r_listen = file("/dev/null", read, write),
        r_peeloff = file("/dev/null", read, write),
        r_recv = file("/dev/null", read, write),
        r_send = file("/dev/null", read, write),
        r_setsockopt = file("/dev/null", read, write),
        r_shutdown = file("/dev/null", read, write),
        r_bindat = dir("/"),
        r_connectat = dir("/"),
        r_linkat_source = dir("/"),
        r_sock_client = file("/dev/null", read, write),
        r_sock_server = file("/dev/null", read, write),
        r_mac_get = file("/dev/null", read, write),
        r_mac_set = file("/dev/null", read, write),
        r_sem_getvalue = file("/dev/null", read, write),
        r_sem_post = file("/dev/null", read, write),
        r_sem_wait = file("/dev/null", read, write),
        r_event = file("/dev/null", read, write),
        r_kqueue_event = file("/dev/null", read, write),
        r_ioctl = file("/dev/null", read, write),
        r_ttyhook = file("/dev/null", read, write),
        r_pdgetpid = file("/dev/null", read, write),
        r_pdwait = file("/dev/null", read, write),
        r_pdkill = file("/dev/null", read, write),
        r_extattr_delete = file("/dev/null", read, write),
        r_extattr_get = file("/dev/null", read, write),
        r_extattr_list = file("/dev/null", read, write),
        r_extattr_set = file("/dev/null", read, write),
        r_acl_check = file("/dev/null", read, write),
        r_acl_delete = file("/dev/null", read, write),
        r_acl_get = file("/dev/null", read, write),
        r_acl_set = file("/dev/null", read, write),
        r_kqueue_change = file("/dev/null", read, write),
        r_kqueue = file("/dev/null", read, write),
    ),
    rights(
        r_read = [read],
        r_write = [write],
        r_seek_tell = [seek_tell],
        r_seek = [seek],
        r_pread = [pread],
        r_pwrite = [pwrite],
        r_mmap = [mmap],
        r_mmap_r = [mmap_r],
        r_mmap_w = [mmap_w],
        r_mmap_x = [mmap_x],
        r_mmap_rw = [mmap_rw],
        r_mmap_rx = [mmap_rx],
        r_mmap_wx = [mmap_wx],
        r_mmap_rwx = [mmap_rwx],
        r_create = [create],
        r_fexecve = [fexecve],
        r_fsync = [fsync],
        r_ftruncate = [ftruncate],
        r_lookup = [lookup],
        r_fchdir = [fchdir],
        r_fchflags = [fchflags],
        r_chflagsat = [chflagsat],
        r_fchmod = [fchmod],
        r_fchmodat = [fchmodat],
        r_fchown = [fchown],
        r_fchownat = [fchownat],
        r_fcntl = [fcntl],
        r_flock = [flock],
        r_fpathconf = [fpathconf],
        r_fsck = [fsck],
        r_fstat = [fstat],
        r_fstatat = [fstatat],
        r_fstatfs = [fstatfs],
        r_futimes = [futimes],
        r_futimesat = [futimesat],
        r_linkat_target = [linkat_target],
        r_mkdirat = [mkdirat],
        r_mkfifoat = [mkfifoat],
        r_mknodat = [mknodat],
        r_renameat_source = [renameat_source],
        r_renameat_target = [renameat_target],
        r_symlinkat = [symlinkat],
        r_unlinkat = [unlinkat],
        r_accept = [accept],
        r_bind = [bind],
        r_connect = [connect],
        r_getpeername = [getpeername],
        r_getsockname = [getsockname],
        r_getsockopt = [getsockopt],
        r_listen = [listen],
        r_peeloff = [peeloff],
        r_recv = [recv],
        r_send = [send],
        r_setsockopt = [setsockopt],
        r_shutdown = [shutdown],
        r_bindat = [bindat],
        r_connectat = [connectat],
        r_linkat_source = [linkat_source],
        r_sock_client = [sock_client],
        r_sock_server = [sock_server],
        r_mac_get = [mac_get],
        r_mac_set = [mac_set],
        r_sem_getvalue = [sem_getvalue],
        r_sem_post = [sem_post],
        r_sem_wait = [sem_wait],
        r_event = [event],
        r_kqueue_event = [kqueue_event],
        r_ioctl = [ioctl],
        r_ttyhook = [ttyhook],
        r_pdgetpid = [pdgetpid],
        r_pdwait = [pdwait],
        r_pdkill = [pdkill],
        r_extattr_delete = [extattr_delete],
        r_extattr_get = [extattr_get],
        r_extattr_list = [extattr_list],
        r_extattr_set = [extattr_set],
        r_acl_check = [acl_check],
        r_acl_delete = [acl_delete],
        r_acl_get = [acl_get],
        r_acl_set = [acl_set],
        r_kqueue_change = [kqueue_change],
        r_kqueue = [kqueue],
    ),
    on_unsupported = "warn",
)]
fn main(
    r_read: File,
    r_write: File,
    r_seek_tell: File,
    r_seek: File,
    r_pread: File,
    r_pwrite: File,
    r_mmap: File,
    r_mmap_r: File,
    r_mmap_w: File,
    r_mmap_x: File,
    r_mmap_rw: File,
    r_mmap_rx: File,
    r_mmap_wx: File,
    r_mmap_rwx: File,
    r_create: File,
    r_fexecve: File,
    r_fsync: File,
    r_ftruncate: File,
    r_lookup: Dir,
    r_fchdir: File,
    r_fchflags: File,
    r_chflagsat: Dir,
    r_fchmod: File,
    r_fchmodat: Dir,
    r_fchown: File,
    r_fchownat: Dir,
    r_fcntl: File,
    r_flock: File,
    r_fpathconf: File,
    r_fsck: File,
    r_fstat: File,
    r_fstatat: Dir,
    r_fstatfs: File,
    r_futimes: File,
    r_futimesat: Dir,
    r_linkat_target: Dir,
    r_mkdirat: Dir,
    r_mkfifoat: Dir,
    r_mknodat: Dir,
    r_renameat_source: Dir,
    r_renameat_target: Dir,
    r_symlinkat: Dir,
    r_unlinkat: Dir,
    r_accept: File,
    r_bind: File,
    r_connect: File,
    r_getpeername: File,
    r_getsockname: File,
    r_getsockopt: File,
    r_listen: File,
    r_peeloff: File,
    r_recv: File,
    r_send: File,
    r_setsockopt: File,
    r_shutdown: File,
    r_bindat: Dir,
    r_connectat: Dir,
    r_linkat_source: Dir,
    r_sock_client: File,
    r_sock_server: File,
    r_mac_get: File,
    r_mac_set: File,
    r_sem_getvalue: File,
    r_sem_post: File,
    r_sem_wait: File,
    r_event: File,
    r_kqueue_event: File,
    r_ioctl: File,
    r_ttyhook: File,
    r_pdgetpid: File,
    r_pdwait: File,
    r_pdkill: File,
    r_extattr_delete: File,
    r_extattr_get: File,
    r_extattr_list: File,
    r_extattr_set: File,
    r_acl_check: File,
    r_acl_delete: File,
    r_acl_get: File,
    r_acl_set: File,
    r_kqueue_change: File,
    r_kqueue: File,
) {
    agree::<rights_of_r_read>(Right::Read, &table!(rights_of_r_read));
    agree::<rights_of_r_write>(Right::Write, &table!(rights_of_r_write));
    agree::<rights_of_r_seek_tell>(Right::SeekTell, &table!(rights_of_r_seek_tell));
    agree::<rights_of_r_seek>(Right::Seek, &table!(rights_of_r_seek));
    agree::<rights_of_r_pread>(Right::Pread, &table!(rights_of_r_pread));
    agree::<rights_of_r_pwrite>(Right::Pwrite, &table!(rights_of_r_pwrite));
    agree::<rights_of_r_mmap>(Right::Mmap, &table!(rights_of_r_mmap));
    agree::<rights_of_r_mmap_r>(Right::MmapR, &table!(rights_of_r_mmap_r));
    agree::<rights_of_r_mmap_w>(Right::MmapW, &table!(rights_of_r_mmap_w));
    agree::<rights_of_r_mmap_x>(Right::MmapX, &table!(rights_of_r_mmap_x));
    agree::<rights_of_r_mmap_rw>(Right::MmapRw, &table!(rights_of_r_mmap_rw));
    agree::<rights_of_r_mmap_rx>(Right::MmapRx, &table!(rights_of_r_mmap_rx));
    agree::<rights_of_r_mmap_wx>(Right::MmapWx, &table!(rights_of_r_mmap_wx));
    agree::<rights_of_r_mmap_rwx>(Right::MmapRwx, &table!(rights_of_r_mmap_rwx));
    agree::<rights_of_r_create>(Right::Create, &table!(rights_of_r_create));
    agree::<rights_of_r_fexecve>(Right::Fexecve, &table!(rights_of_r_fexecve));
    agree::<rights_of_r_fsync>(Right::Fsync, &table!(rights_of_r_fsync));
    agree::<rights_of_r_ftruncate>(Right::Ftruncate, &table!(rights_of_r_ftruncate));
    agree::<rights_of_r_lookup>(Right::Lookup, &table!(rights_of_r_lookup));
    agree::<rights_of_r_fchdir>(Right::Fchdir, &table!(rights_of_r_fchdir));
    agree::<rights_of_r_fchflags>(Right::Fchflags, &table!(rights_of_r_fchflags));
    agree::<rights_of_r_chflagsat>(Right::Chflagsat, &table!(rights_of_r_chflagsat));
    agree::<rights_of_r_fchmod>(Right::Fchmod, &table!(rights_of_r_fchmod));
    agree::<rights_of_r_fchmodat>(Right::Fchmodat, &table!(rights_of_r_fchmodat));
    agree::<rights_of_r_fchown>(Right::Fchown, &table!(rights_of_r_fchown));
    agree::<rights_of_r_fchownat>(Right::Fchownat, &table!(rights_of_r_fchownat));
    agree::<rights_of_r_fcntl>(Right::Fcntl, &table!(rights_of_r_fcntl));
    agree::<rights_of_r_flock>(Right::Flock, &table!(rights_of_r_flock));
    agree::<rights_of_r_fpathconf>(Right::Fpathconf, &table!(rights_of_r_fpathconf));
    agree::<rights_of_r_fsck>(Right::Fsck, &table!(rights_of_r_fsck));
    agree::<rights_of_r_fstat>(Right::Fstat, &table!(rights_of_r_fstat));
    agree::<rights_of_r_fstatat>(Right::Fstatat, &table!(rights_of_r_fstatat));
    agree::<rights_of_r_fstatfs>(Right::Fstatfs, &table!(rights_of_r_fstatfs));
    agree::<rights_of_r_futimes>(Right::Futimes, &table!(rights_of_r_futimes));
    agree::<rights_of_r_futimesat>(Right::Futimesat, &table!(rights_of_r_futimesat));
    agree::<rights_of_r_linkat_target>(Right::LinkatTarget, &table!(rights_of_r_linkat_target));
    agree::<rights_of_r_mkdirat>(Right::Mkdirat, &table!(rights_of_r_mkdirat));
    agree::<rights_of_r_mkfifoat>(Right::Mkfifoat, &table!(rights_of_r_mkfifoat));
    agree::<rights_of_r_mknodat>(Right::Mknodat, &table!(rights_of_r_mknodat));
    agree::<rights_of_r_renameat_source>(Right::RenameatSource, &table!(rights_of_r_renameat_source));
    agree::<rights_of_r_renameat_target>(Right::RenameatTarget, &table!(rights_of_r_renameat_target));
    agree::<rights_of_r_symlinkat>(Right::Symlinkat, &table!(rights_of_r_symlinkat));
    agree::<rights_of_r_unlinkat>(Right::Unlinkat, &table!(rights_of_r_unlinkat));
    agree::<rights_of_r_accept>(Right::Accept, &table!(rights_of_r_accept));
    agree::<rights_of_r_bind>(Right::Bind, &table!(rights_of_r_bind));
    agree::<rights_of_r_connect>(Right::Connect, &table!(rights_of_r_connect));
    agree::<rights_of_r_getpeername>(Right::Getpeername, &table!(rights_of_r_getpeername));
    agree::<rights_of_r_getsockname>(Right::Getsockname, &table!(rights_of_r_getsockname));
    agree::<rights_of_r_getsockopt>(Right::Getsockopt, &table!(rights_of_r_getsockopt));
    agree::<rights_of_r_listen>(Right::Listen, &table!(rights_of_r_listen));
    agree::<rights_of_r_peeloff>(Right::Peeloff, &table!(rights_of_r_peeloff));
    agree::<rights_of_r_recv>(Right::Recv, &table!(rights_of_r_recv));
    agree::<rights_of_r_send>(Right::Send, &table!(rights_of_r_send));
    agree::<rights_of_r_setsockopt>(Right::Setsockopt, &table!(rights_of_r_setsockopt));
    agree::<rights_of_r_shutdown>(Right::Shutdown, &table!(rights_of_r_shutdown));
    agree::<rights_of_r_bindat>(Right::Bindat, &table!(rights_of_r_bindat));
    agree::<rights_of_r_connectat>(Right::Connectat, &table!(rights_of_r_connectat));
    agree::<rights_of_r_linkat_source>(Right::LinkatSource, &table!(rights_of_r_linkat_source));
    agree::<rights_of_r_sock_client>(Right::SockClient, &table!(rights_of_r_sock_client));
    agree::<rights_of_r_sock_server>(Right::SockServer, &table!(rights_of_r_sock_server));
    agree::<rights_of_r_mac_get>(Right::MacGet, &table!(rights_of_r_mac_get));
    agree::<rights_of_r_mac_set>(Right::MacSet, &table!(rights_of_r_mac_set));
    agree::<rights_of_r_sem_getvalue>(Right::SemGetvalue, &table!(rights_of_r_sem_getvalue));
    agree::<rights_of_r_sem_post>(Right::SemPost, &table!(rights_of_r_sem_post));
    agree::<rights_of_r_sem_wait>(Right::SemWait, &table!(rights_of_r_sem_wait));
    agree::<rights_of_r_event>(Right::Event, &table!(rights_of_r_event));
    agree::<rights_of_r_kqueue_event>(Right::KqueueEvent, &table!(rights_of_r_kqueue_event));
    agree::<rights_of_r_ioctl>(Right::Ioctl, &table!(rights_of_r_ioctl));
    agree::<rights_of_r_ttyhook>(Right::Ttyhook, &table!(rights_of_r_ttyhook));
    agree::<rights_of_r_pdgetpid>(Right::Pdgetpid, &table!(rights_of_r_pdgetpid));
    agree::<rights_of_r_pdwait>(Right::Pdwait, &table!(rights_of_r_pdwait));
    agree::<rights_of_r_pdkill>(Right::Pdkill, &table!(rights_of_r_pdkill));
    agree::<rights_of_r_extattr_delete>(Right::ExtattrDelete, &table!(rights_of_r_extattr_delete));
    agree::<rights_of_r_extattr_get>(Right::ExtattrGet, &table!(rights_of_r_extattr_get));
    agree::<rights_of_r_extattr_list>(Right::ExtattrList, &table!(rights_of_r_extattr_list));
    agree::<rights_of_r_extattr_set>(Right::ExtattrSet, &table!(rights_of_r_extattr_set));
    agree::<rights_of_r_acl_check>(Right::AclCheck, &table!(rights_of_r_acl_check));
    agree::<rights_of_r_acl_delete>(Right::AclDelete, &table!(rights_of_r_acl_delete));
    agree::<rights_of_r_acl_get>(Right::AclGet, &table!(rights_of_r_acl_get));
    agree::<rights_of_r_acl_set>(Right::AclSet, &table!(rights_of_r_acl_set));
    agree::<rights_of_r_kqueue_change>(Right::KqueueChange, &table!(rights_of_r_kqueue_change));
    agree::<rights_of_r_kqueue>(Right::Kqueue, &table!(rights_of_r_kqueue));
    assert_eq!(Right::ALL.len(), 82);
}
