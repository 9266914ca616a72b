//! The vocabulary of the attribute: keys, kinds, flags, sources, rights,
//! ioctls, fcntls, services and their limits. Everything the parser accepts
//! is spelled here once, so "did you mean" has one list to search.

/// One right of rights(4), mirrored from `runtime/src/rights.rs` (the
/// `rights!` table): its name in `rights(...)`, the runtime's `Right`
/// variant, its `can` trait, and the atoms it stands for, so the macro can
/// compute which rights a declaration implies (`pread` → `read`, `seek`).
#[derive(Debug, PartialEq, Eq)]
pub struct RightDef {
    pub name: &'static str,
    pub variant: &'static str,
    pub can: &'static str,
    pub atoms: u128,
}

impl RightDef {
    pub fn has(&self, atoms: u128) -> bool {
        self.atoms & atoms != 0
    }
}

/// The right named `name`.
pub fn right(name: &str) -> Option<&'static RightDef> {
    RIGHTS.iter().find(|r| r.name == name)
}

/// Every named right whose atoms are all in `atoms`: the `can` traits a
/// handle with these atoms implements.
pub fn rights_within(atoms: u128) -> impl Iterator<Item = &'static RightDef> {
    RIGHTS.iter().filter(move |r| r.atoms & atoms == r.atoms)
}

/// The atoms of the named rights.
pub fn atoms_of(names: &[&str]) -> u128 {
    names
        .iter()
        .map(|n| right(n).map_or(0, |r| r.atoms))
        .fold(0, |a, b| a | b)
}

// One bit per indivisible right, in the runtime's order (runtime/src/rights.rs `atom`).
#[allow(dead_code)]
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

/// Every right of rights(4): its name, its `can` trait, its atoms.
pub const RIGHTS: &[RightDef] = &[
    RightDef {
        name: "read",
        variant: "Read",
        can: "Read",
        atoms: atom::READ,
    },
    RightDef {
        name: "write",
        variant: "Write",
        can: "Write",
        atoms: atom::WRITE,
    },
    RightDef {
        name: "seek_tell",
        variant: "SeekTell",
        can: "SeekTell",
        atoms: atom::SEEK_TELL,
    },
    RightDef {
        name: "seek",
        variant: "Seek",
        can: "Seek",
        atoms: atom::SEEK_TELL | atom::SEEK,
    },
    RightDef {
        name: "pread",
        variant: "Pread",
        can: "Pread",
        atoms: atom::SEEK_TELL | atom::SEEK | atom::READ,
    },
    RightDef {
        name: "pwrite",
        variant: "Pwrite",
        can: "Pwrite",
        atoms: atom::SEEK_TELL | atom::SEEK | atom::WRITE,
    },
    RightDef {
        name: "mmap",
        variant: "Mmap",
        can: "Mmap",
        atoms: atom::MMAP,
    },
    RightDef {
        name: "mmap_r",
        variant: "MmapR",
        can: "MmapR",
        atoms: atom::MMAP | atom::SEEK_TELL | atom::SEEK | atom::READ,
    },
    RightDef {
        name: "mmap_w",
        variant: "MmapW",
        can: "MmapW",
        atoms: atom::MMAP | atom::SEEK_TELL | atom::SEEK | atom::WRITE,
    },
    RightDef {
        name: "mmap_x",
        variant: "MmapX",
        can: "MmapX",
        atoms: atom::MMAP | atom::SEEK_TELL | atom::SEEK | atom::MMAP_X,
    },
    RightDef {
        name: "mmap_rw",
        variant: "MmapRw",
        can: "MmapRw",
        atoms: atom::MMAP | atom::SEEK_TELL | atom::SEEK | atom::READ | atom::WRITE,
    },
    RightDef {
        name: "mmap_rx",
        variant: "MmapRx",
        can: "MmapRx",
        atoms: atom::MMAP | atom::SEEK_TELL | atom::SEEK | atom::READ | atom::MMAP_X,
    },
    RightDef {
        name: "mmap_wx",
        variant: "MmapWx",
        can: "MmapWx",
        atoms: atom::MMAP | atom::SEEK_TELL | atom::SEEK | atom::WRITE | atom::MMAP_X,
    },
    RightDef {
        name: "mmap_rwx",
        variant: "MmapRwx",
        can: "MmapRwx",
        atoms: atom::MMAP | atom::SEEK_TELL | atom::SEEK | atom::READ | atom::WRITE | atom::MMAP_X,
    },
    RightDef {
        name: "create",
        variant: "Create",
        can: "Create",
        atoms: atom::CREATE,
    },
    RightDef {
        name: "fexecve",
        variant: "Fexecve",
        can: "Fexecve",
        atoms: atom::FEXECVE,
    },
    RightDef {
        name: "fsync",
        variant: "Fsync",
        can: "Fsync",
        atoms: atom::FSYNC,
    },
    RightDef {
        name: "ftruncate",
        variant: "Ftruncate",
        can: "Ftruncate",
        atoms: atom::FTRUNCATE,
    },
    RightDef {
        name: "lookup",
        variant: "Lookup",
        can: "Lookup",
        atoms: atom::LOOKUP,
    },
    RightDef {
        name: "fchdir",
        variant: "Fchdir",
        can: "Fchdir",
        atoms: atom::FCHDIR,
    },
    RightDef {
        name: "fchflags",
        variant: "Fchflags",
        can: "Fchflags",
        atoms: atom::FCHFLAGS,
    },
    RightDef {
        name: "chflagsat",
        variant: "Chflagsat",
        can: "Chflagsat",
        atoms: atom::FCHFLAGS | atom::LOOKUP,
    },
    RightDef {
        name: "fchmod",
        variant: "Fchmod",
        can: "Fchmod",
        atoms: atom::FCHMOD,
    },
    RightDef {
        name: "fchmodat",
        variant: "Fchmodat",
        can: "Fchmodat",
        atoms: atom::FCHMOD | atom::LOOKUP,
    },
    RightDef {
        name: "fchown",
        variant: "Fchown",
        can: "Fchown",
        atoms: atom::FCHOWN,
    },
    RightDef {
        name: "fchownat",
        variant: "Fchownat",
        can: "Fchownat",
        atoms: atom::FCHOWN | atom::LOOKUP,
    },
    RightDef {
        name: "fcntl",
        variant: "Fcntl",
        can: "Fcntl",
        atoms: atom::FCNTL,
    },
    RightDef {
        name: "flock",
        variant: "Flock",
        can: "Flock",
        atoms: atom::FLOCK,
    },
    RightDef {
        name: "fpathconf",
        variant: "Fpathconf",
        can: "Fpathconf",
        atoms: atom::FPATHCONF,
    },
    RightDef {
        name: "fsck",
        variant: "Fsck",
        can: "Fsck",
        atoms: atom::FSCK,
    },
    RightDef {
        name: "fstat",
        variant: "Fstat",
        can: "Fstat",
        atoms: atom::FSTAT,
    },
    RightDef {
        name: "fstatat",
        variant: "Fstatat",
        can: "Fstatat",
        atoms: atom::FSTAT | atom::LOOKUP,
    },
    RightDef {
        name: "fstatfs",
        variant: "Fstatfs",
        can: "Fstatfs",
        atoms: atom::FSTATFS,
    },
    RightDef {
        name: "futimes",
        variant: "Futimes",
        can: "Futimes",
        atoms: atom::FUTIMES,
    },
    RightDef {
        name: "futimesat",
        variant: "Futimesat",
        can: "Futimesat",
        atoms: atom::FUTIMES | atom::LOOKUP,
    },
    RightDef {
        name: "linkat_target",
        variant: "LinkatTarget",
        can: "LinkatTarget",
        atoms: atom::LINKAT_TARGET | atom::LOOKUP,
    },
    RightDef {
        name: "mkdirat",
        variant: "Mkdirat",
        can: "Mkdirat",
        atoms: atom::MKDIRAT | atom::LOOKUP,
    },
    RightDef {
        name: "mkfifoat",
        variant: "Mkfifoat",
        can: "Mkfifoat",
        atoms: atom::MKFIFOAT | atom::LOOKUP,
    },
    RightDef {
        name: "mknodat",
        variant: "Mknodat",
        can: "Mknodat",
        atoms: atom::MKNODAT | atom::LOOKUP,
    },
    RightDef {
        name: "renameat_source",
        variant: "RenameatSource",
        can: "RenameatSource",
        atoms: atom::RENAMEAT_SOURCE | atom::LOOKUP,
    },
    RightDef {
        name: "renameat_target",
        variant: "RenameatTarget",
        can: "RenameatTarget",
        atoms: atom::RENAMEAT_TARGET | atom::LOOKUP,
    },
    RightDef {
        name: "symlinkat",
        variant: "Symlinkat",
        can: "Symlinkat",
        atoms: atom::SYMLINKAT | atom::LOOKUP,
    },
    RightDef {
        name: "unlinkat",
        variant: "Unlinkat",
        can: "Unlinkat",
        atoms: atom::UNLINKAT | atom::LOOKUP,
    },
    RightDef {
        name: "accept",
        variant: "Accept",
        can: "Accept",
        atoms: atom::ACCEPT,
    },
    RightDef {
        name: "bind",
        variant: "Bind",
        can: "Bind",
        atoms: atom::BIND,
    },
    RightDef {
        name: "connect",
        variant: "Connect",
        can: "Connect",
        atoms: atom::CONNECT,
    },
    RightDef {
        name: "getpeername",
        variant: "Getpeername",
        can: "Getpeername",
        atoms: atom::GETPEERNAME,
    },
    RightDef {
        name: "getsockname",
        variant: "Getsockname",
        can: "Getsockname",
        atoms: atom::GETSOCKNAME,
    },
    RightDef {
        name: "getsockopt",
        variant: "Getsockopt",
        can: "Getsockopt",
        atoms: atom::GETSOCKOPT,
    },
    RightDef {
        name: "listen",
        variant: "Listen",
        can: "Listen",
        atoms: atom::LISTEN,
    },
    RightDef {
        name: "peeloff",
        variant: "Peeloff",
        can: "Peeloff",
        atoms: atom::PEELOFF,
    },
    RightDef {
        name: "recv",
        variant: "Recv",
        can: "Recv",
        atoms: atom::READ,
    },
    RightDef {
        name: "send",
        variant: "Send",
        can: "Send",
        atoms: atom::WRITE,
    },
    RightDef {
        name: "setsockopt",
        variant: "Setsockopt",
        can: "Setsockopt",
        atoms: atom::SETSOCKOPT,
    },
    RightDef {
        name: "shutdown",
        variant: "Shutdown",
        can: "Shutdown",
        atoms: atom::SHUTDOWN,
    },
    RightDef {
        name: "bindat",
        variant: "Bindat",
        can: "Bindat",
        atoms: atom::BINDAT | atom::LOOKUP,
    },
    RightDef {
        name: "connectat",
        variant: "Connectat",
        can: "Connectat",
        atoms: atom::CONNECTAT | atom::LOOKUP,
    },
    RightDef {
        name: "linkat_source",
        variant: "LinkatSource",
        can: "LinkatSource",
        atoms: atom::LINKAT_SOURCE | atom::LOOKUP,
    },
    RightDef {
        name: "sock_client",
        variant: "SockClient",
        can: "SockClient",
        atoms: atom::CONNECT
            | atom::GETPEERNAME
            | atom::GETSOCKNAME
            | atom::GETSOCKOPT
            | atom::PEELOFF
            | atom::READ
            | atom::WRITE
            | atom::SETSOCKOPT
            | atom::SHUTDOWN,
    },
    RightDef {
        name: "sock_server",
        variant: "SockServer",
        can: "SockServer",
        atoms: atom::ACCEPT
            | atom::BIND
            | atom::GETPEERNAME
            | atom::GETSOCKNAME
            | atom::GETSOCKOPT
            | atom::LISTEN
            | atom::PEELOFF
            | atom::READ
            | atom::WRITE
            | atom::SETSOCKOPT
            | atom::SHUTDOWN,
    },
    RightDef {
        name: "mac_get",
        variant: "MacGet",
        can: "MacGet",
        atoms: atom::MAC_GET,
    },
    RightDef {
        name: "mac_set",
        variant: "MacSet",
        can: "MacSet",
        atoms: atom::MAC_SET,
    },
    RightDef {
        name: "sem_getvalue",
        variant: "SemGetvalue",
        can: "SemGetvalue",
        atoms: atom::SEM_GETVALUE,
    },
    RightDef {
        name: "sem_post",
        variant: "SemPost",
        can: "SemPost",
        atoms: atom::SEM_POST,
    },
    RightDef {
        name: "sem_wait",
        variant: "SemWait",
        can: "SemWait",
        atoms: atom::SEM_WAIT,
    },
    RightDef {
        name: "event",
        variant: "Event",
        can: "Event",
        atoms: atom::EVENT,
    },
    RightDef {
        name: "kqueue_event",
        variant: "KqueueEvent",
        can: "KqueueEvent",
        atoms: atom::KQUEUE_EVENT,
    },
    RightDef {
        name: "ioctl",
        variant: "Ioctl",
        can: "Ioctl",
        atoms: atom::IOCTL,
    },
    RightDef {
        name: "ttyhook",
        variant: "Ttyhook",
        can: "Ttyhook",
        atoms: atom::TTYHOOK,
    },
    RightDef {
        name: "pdgetpid",
        variant: "Pdgetpid",
        can: "Pdgetpid",
        atoms: atom::PDGETPID,
    },
    RightDef {
        name: "pdwait",
        variant: "Pdwait",
        can: "Pdwait",
        atoms: atom::PDWAIT,
    },
    RightDef {
        name: "pdkill",
        variant: "Pdkill",
        can: "Pdkill",
        atoms: atom::PDKILL,
    },
    RightDef {
        name: "extattr_delete",
        variant: "ExtattrDelete",
        can: "ExtattrDelete",
        atoms: atom::EXTATTR_DELETE,
    },
    RightDef {
        name: "extattr_get",
        variant: "ExtattrGet",
        can: "ExtattrGet",
        atoms: atom::EXTATTR_GET,
    },
    RightDef {
        name: "extattr_list",
        variant: "ExtattrList",
        can: "ExtattrList",
        atoms: atom::EXTATTR_LIST,
    },
    RightDef {
        name: "extattr_set",
        variant: "ExtattrSet",
        can: "ExtattrSet",
        atoms: atom::EXTATTR_SET,
    },
    RightDef {
        name: "acl_check",
        variant: "AclCheck",
        can: "AclCheck",
        atoms: atom::ACL_CHECK,
    },
    RightDef {
        name: "acl_delete",
        variant: "AclDelete",
        can: "AclDelete",
        atoms: atom::ACL_DELETE,
    },
    RightDef {
        name: "acl_get",
        variant: "AclGet",
        can: "AclGet",
        atoms: atom::ACL_GET,
    },
    RightDef {
        name: "acl_set",
        variant: "AclSet",
        can: "AclSet",
        atoms: atom::ACL_SET,
    },
    RightDef {
        name: "kqueue_change",
        variant: "KqueueChange",
        can: "KqueueChange",
        atoms: atom::KQUEUE_CHANGE,
    },
    RightDef {
        name: "kqueue",
        variant: "Kqueue",
        can: "Kqueue",
        atoms: atom::KQUEUE_EVENT | atom::KQUEUE_CHANGE,
    },
];

/// Keys of the attribute itself.
pub const TOP_KEYS: &[&str] = &[
    "preopen",
    "rights",
    "services",
    "on_unsupported",
    "exit_code",
];

/// Kinds of preopen.
pub const KINDS: &[&str] = &["file", "dir", "files"];

/// Flags of `file(...)` and `files(...)`.
pub const FILE_FLAGS: &[&str] = &[
    "read",
    "write",
    "append",
    "create",
    "truncate",
    "exclusive",
    "mode",
    "optional",
];

/// Flags of `dir(...)`.
pub const DIR_FLAGS: &[&str] = &["create", "mode"];

/// Source forms that are calls.
pub const SOURCES: &[&str] = &["arg", "args", "env"];

/// `ioctls(...)` names and the runtime's `Ioctl` variants.
pub const IOCTLS: &[(&str, &str)] = &[
    ("fionread", "Fionread"),
    ("fionbio", "Fionbio"),
    ("fioasync", "Fioasync"),
    ("fioclex", "Fioclex"),
    ("fionclex", "Fionclex"),
    ("tiocgeta", "Tiocgeta"),
    ("tiocseta", "Tiocseta"),
    ("tiocgwinsz", "Tiocgwinsz"),
    ("tiocswinsz", "Tiocswinsz"),
    ("tiocgpgrp", "Tiocgpgrp"),
    ("fiodtype", "Fiodtype"),
];

/// `fcntls(...)` names and the runtime's `Fcntl` variants.
pub const FCNTLS: &[(&str, &str)] = &[
    ("getfl", "Getfl"),
    ("setfl", "Setfl"),
    ("getown", "Getown"),
    ("setown", "Setown"),
];

/// Services, the runtime's handle type, and the limits each one takes.
pub const SERVICES: &[(&str, &str, &[&str])] = &[
    ("dns", "Dns", &["types", "families"]),
    (
        "net",
        "Net",
        &["modes", "hosts", "families", "bind", "connect"],
    ),
    ("pwd", "Pwd", &["cmds", "fields", "users"]),
    ("grp", "Grp", &["cmds", "fields", "groups"]),
    ("sysctl", "Sysctl", &["read", "write", "recursive"]),
    ("syslog", "Syslog", &[]),
    ("fileargs", "FileArgs", &["rights", "operations"]),
];

/// The handle type of service `name`.
pub fn service_type(name: &str) -> Option<&'static str> {
    SERVICES.iter().find(|s| s.0 == name).map(|s| s.1)
}

/// `dns(types = [...])` (cap_dns_type_limit(3)) → `DnsType`.
pub const DNS_TYPES: &[(&str, &str)] = &[("name2addr", "NameToAddr"), ("addr2name", "AddrToName")];

/// `families = [...]` → `Family`.
pub const FAMILIES: &[(&str, &str)] = &[("inet", "Inet"), ("inet6", "Inet6")];

/// `net(modes = [...])` (cap_net_limit_init(3)) → `NetMode`.
pub const NET_MODES: &[(&str, &str)] = &[
    ("name2addr", "NameToAddr"),
    ("addr2name", "AddrToName"),
    ("bind", "Bind"),
    ("connect", "Connect"),
    ("connectdns", "ConnectDns"),
];

/// cap_pwd(3) commands.
pub const PWD_CMDS: &[&str] = &[
    "getpwent",
    "getpwnam",
    "getpwuid",
    "getpwent_r",
    "getpwnam_r",
    "getpwuid_r",
    "setpassent",
    "setpwent",
];

/// cap_pwd(3) fields.
pub const PWD_FIELDS: &[&str] = &[
    "pw_name",
    "pw_passwd",
    "pw_uid",
    "pw_gid",
    "pw_change",
    "pw_class",
    "pw_gecos",
    "pw_dir",
    "pw_shell",
    "pw_expire",
];

/// cap_grp(3) commands.
pub const GRP_CMDS: &[&str] = &[
    "getgrent",
    "getgrnam",
    "getgrgid",
    "getgrent_r",
    "getgrnam_r",
    "getgrgid_r",
    "setgroupent",
    "setgrent",
];

/// cap_grp(3) fields.
pub const GRP_FIELDS: &[&str] = &["gr_name", "gr_passwd", "gr_gid", "gr_mem"];

/// fileargs_init(3) operations → `FileOp`.
pub const FILE_OPS: &[(&str, &str)] = &[
    ("open", "Open"),
    ("lstat", "Lstat"),
    ("realpath", "Realpath"),
];

/// The runtime name paired with `name` in `table`.
pub fn lookup(table: &[(&'static str, &'static str)], name: &str) -> Option<&'static str> {
    table.iter().find(|e| e.0 == name).map(|e| e.1)
}

/// The first column of `table`.
pub fn names(table: &[(&'static str, &'static str)]) -> Vec<&'static str> {
    table.iter().map(|e| e.0).collect()
}

/// The candidate closest to `word`, if it is close enough to be a typo
/// (edit distance at most a third of the word, and at least 1).
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (word.len() / 3).max(1);
    candidates
        .into_iter()
        .map(|c| (distance(word, c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Levenshtein distance, with a transposition counted as one edit.
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    d[0] = (0..=b.len()).collect();
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closest_finds_typos_only() {
        assert_eq!(closest("raed", ["read", "write"]), Some("read"));
        assert_eq!(closest("fiel", KINDS.iter().copied()), Some("file"));
        assert_eq!(closest("banana", ["read", "write"]), None);
    }

    #[test]
    fn implied_rights_follow_the_atoms() {
        let pread: Vec<_> = rights_within(atoms_of(&["pread"]))
            .map(|r| r.name)
            .collect();
        assert_eq!(pread, ["read", "seek_tell", "seek", "pread", "recv"]);
        let mk: Vec<_> = rights_within(atoms_of(&["mkdirat"]))
            .map(|r| r.name)
            .collect();
        assert_eq!(mk, ["lookup", "mkdirat"]);
        assert_eq!(RIGHTS.len(), 82);
    }
}
