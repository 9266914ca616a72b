//! The vocabulary against the sources it is named after, transcribed here
//! from FreeBSD's tree (freebsd/freebsd-src): `sys/sys/capsicum.h` for the
//! rights and their values, `lib/libcasper/services/*/` for the service
//! words. A word the tables add, drop or misspell, or a right whose value
//! differs from the header's, fails here.

use sandboxed_vocab::{
    DnsType, Fcntl, FileOp, GrpCmd, GrpField, NetMode, PwdCmd, PwdField, Right, RightSet,
    SysctlAccess, Word,
};

/// One term of a `#define` in capsicum.h.
enum Term {
    /// `CAPRIGHT(index, bits)`.
    Capright(u32, u64),
    /// A bare number OR-ed into another right (`CAP_SEEK_TELL | 0x8`).
    Bits(u64),
    /// Another `CAP_*`.
    Cap(&'static str),
}
use Term::{Bits, Cap, Capright};

/// The rights of sys/sys/capsicum.h, each as the header defines it, in
/// its order (the aliases `CAP_POLL_EVENT`, the masks `CAP_ALL*` and the
/// placeholders `CAP_UNUSED*` left out).
const CAPSICUM_H: &[(&str, &[Term])] = &[
    ("CAP_READ", &[Capright(0, 0x0000000000000001)]),
    ("CAP_WRITE", &[Capright(0, 0x0000000000000002)]),
    ("CAP_SEEK_TELL", &[Capright(0, 0x0000000000000004)]),
    (
        "CAP_SEEK",
        &[Cap("CAP_SEEK_TELL"), Bits(0x0000000000000008)],
    ),
    ("CAP_PREAD", &[Cap("CAP_SEEK"), Cap("CAP_READ")]),
    ("CAP_PWRITE", &[Cap("CAP_SEEK"), Cap("CAP_WRITE")]),
    ("CAP_MMAP", &[Capright(0, 0x0000000000000010)]),
    (
        "CAP_MMAP_R",
        &[Cap("CAP_MMAP"), Cap("CAP_SEEK"), Cap("CAP_READ")],
    ),
    (
        "CAP_MMAP_W",
        &[Cap("CAP_MMAP"), Cap("CAP_SEEK"), Cap("CAP_WRITE")],
    ),
    (
        "CAP_MMAP_X",
        &[Cap("CAP_MMAP"), Cap("CAP_SEEK"), Bits(0x0000000000000020)],
    ),
    ("CAP_MMAP_RW", &[Cap("CAP_MMAP_R"), Cap("CAP_MMAP_W")]),
    ("CAP_MMAP_RX", &[Cap("CAP_MMAP_R"), Cap("CAP_MMAP_X")]),
    ("CAP_MMAP_WX", &[Cap("CAP_MMAP_W"), Cap("CAP_MMAP_X")]),
    (
        "CAP_MMAP_RWX",
        &[Cap("CAP_MMAP_R"), Cap("CAP_MMAP_W"), Cap("CAP_MMAP_X")],
    ),
    ("CAP_CREATE", &[Capright(0, 0x0000000000000040)]),
    ("CAP_FEXECVE", &[Capright(0, 0x0000000000000080)]),
    ("CAP_FSYNC", &[Capright(0, 0x0000000000000100)]),
    ("CAP_FTRUNCATE", &[Capright(0, 0x0000000000000200)]),
    ("CAP_LOOKUP", &[Capright(0, 0x0000000000000400)]),
    ("CAP_FCHDIR", &[Capright(0, 0x0000000000000800)]),
    ("CAP_FCHFLAGS", &[Capright(0, 0x0000000000001000)]),
    ("CAP_CHFLAGSAT", &[Cap("CAP_FCHFLAGS"), Cap("CAP_LOOKUP")]),
    ("CAP_FCHMOD", &[Capright(0, 0x0000000000002000)]),
    ("CAP_FCHMODAT", &[Cap("CAP_FCHMOD"), Cap("CAP_LOOKUP")]),
    ("CAP_FCHOWN", &[Capright(0, 0x0000000000004000)]),
    ("CAP_FCHOWNAT", &[Cap("CAP_FCHOWN"), Cap("CAP_LOOKUP")]),
    ("CAP_FCNTL", &[Capright(0, 0x0000000000008000)]),
    ("CAP_FLOCK", &[Capright(0, 0x0000000000010000)]),
    ("CAP_FPATHCONF", &[Capright(0, 0x0000000000020000)]),
    ("CAP_FSCK", &[Capright(0, 0x0000000000040000)]),
    ("CAP_FSTAT", &[Capright(0, 0x0000000000080000)]),
    ("CAP_FSTATAT", &[Cap("CAP_FSTAT"), Cap("CAP_LOOKUP")]),
    ("CAP_FSTATFS", &[Capright(0, 0x0000000000100000)]),
    ("CAP_FUTIMES", &[Capright(0, 0x0000000000200000)]),
    ("CAP_FUTIMESAT", &[Cap("CAP_FUTIMES"), Cap("CAP_LOOKUP")]),
    (
        "CAP_LINKAT_TARGET",
        &[Cap("CAP_LOOKUP"), Bits(0x0000000000400000)],
    ),
    (
        "CAP_MKDIRAT",
        &[Cap("CAP_LOOKUP"), Bits(0x0000000000800000)],
    ),
    (
        "CAP_MKFIFOAT",
        &[Cap("CAP_LOOKUP"), Bits(0x0000000001000000)],
    ),
    (
        "CAP_MKNODAT",
        &[Cap("CAP_LOOKUP"), Bits(0x0000000002000000)],
    ),
    (
        "CAP_RENAMEAT_SOURCE",
        &[Cap("CAP_LOOKUP"), Bits(0x0000000004000000)],
    ),
    (
        "CAP_SYMLINKAT",
        &[Cap("CAP_LOOKUP"), Bits(0x0000000008000000)],
    ),
    (
        "CAP_UNLINKAT",
        &[Cap("CAP_LOOKUP"), Bits(0x0000000010000000)],
    ),
    ("CAP_ACCEPT", &[Capright(0, 0x0000000020000000)]),
    ("CAP_BIND", &[Capright(0, 0x0000000040000000)]),
    ("CAP_CONNECT", &[Capright(0, 0x0000000080000000)]),
    ("CAP_GETPEERNAME", &[Capright(0, 0x0000000100000000)]),
    ("CAP_GETSOCKNAME", &[Capright(0, 0x0000000200000000)]),
    ("CAP_GETSOCKOPT", &[Capright(0, 0x0000000400000000)]),
    ("CAP_LISTEN", &[Capright(0, 0x0000000800000000)]),
    ("CAP_PEELOFF", &[Capright(0, 0x0000001000000000)]),
    ("CAP_RECV", &[Cap("CAP_READ")]),
    ("CAP_SEND", &[Cap("CAP_WRITE")]),
    ("CAP_SETSOCKOPT", &[Capright(0, 0x0000002000000000)]),
    ("CAP_SHUTDOWN", &[Capright(0, 0x0000004000000000)]),
    ("CAP_BINDAT", &[Cap("CAP_LOOKUP"), Bits(0x0000008000000000)]),
    (
        "CAP_CONNECTAT",
        &[Cap("CAP_LOOKUP"), Bits(0x0000010000000000)],
    ),
    (
        "CAP_LINKAT_SOURCE",
        &[Cap("CAP_LOOKUP"), Bits(0x0000020000000000)],
    ),
    (
        "CAP_RENAMEAT_TARGET",
        &[Cap("CAP_LOOKUP"), Bits(0x0000040000000000)],
    ),
    (
        "CAP_SOCK_CLIENT",
        &[
            Cap("CAP_CONNECT"),
            Cap("CAP_GETPEERNAME"),
            Cap("CAP_GETSOCKNAME"),
            Cap("CAP_GETSOCKOPT"),
            Cap("CAP_PEELOFF"),
            Cap("CAP_RECV"),
            Cap("CAP_SEND"),
            Cap("CAP_SETSOCKOPT"),
            Cap("CAP_SHUTDOWN"),
        ],
    ),
    (
        "CAP_SOCK_SERVER",
        &[
            Cap("CAP_ACCEPT"),
            Cap("CAP_BIND"),
            Cap("CAP_GETPEERNAME"),
            Cap("CAP_GETSOCKNAME"),
            Cap("CAP_GETSOCKOPT"),
            Cap("CAP_LISTEN"),
            Cap("CAP_PEELOFF"),
            Cap("CAP_RECV"),
            Cap("CAP_SEND"),
            Cap("CAP_SETSOCKOPT"),
            Cap("CAP_SHUTDOWN"),
        ],
    ),
    ("CAP_MAC_GET", &[Capright(1, 0x0000000000000001)]),
    ("CAP_MAC_SET", &[Capright(1, 0x0000000000000002)]),
    ("CAP_SEM_GETVALUE", &[Capright(1, 0x0000000000000004)]),
    ("CAP_SEM_POST", &[Capright(1, 0x0000000000000008)]),
    ("CAP_SEM_WAIT", &[Capright(1, 0x0000000000000010)]),
    ("CAP_EVENT", &[Capright(1, 0x0000000000000020)]),
    ("CAP_KQUEUE_EVENT", &[Capright(1, 0x0000000000000040)]),
    ("CAP_IOCTL", &[Capright(1, 0x0000000000000080)]),
    ("CAP_TTYHOOK", &[Capright(1, 0x0000000000000100)]),
    ("CAP_PDGETPID", &[Capright(1, 0x0000000000000200)]),
    ("CAP_PDWAIT", &[Capright(1, 0x0000000000000400)]),
    ("CAP_PDKILL", &[Capright(1, 0x0000000000000800)]),
    ("CAP_EXTATTR_DELETE", &[Capright(1, 0x0000000000001000)]),
    ("CAP_EXTATTR_GET", &[Capright(1, 0x0000000000002000)]),
    ("CAP_EXTATTR_LIST", &[Capright(1, 0x0000000000004000)]),
    ("CAP_EXTATTR_SET", &[Capright(1, 0x0000000000008000)]),
    ("CAP_ACL_CHECK", &[Capright(1, 0x0000000000010000)]),
    ("CAP_ACL_DELETE", &[Capright(1, 0x0000000000020000)]),
    ("CAP_ACL_GET", &[Capright(1, 0x0000000000040000)]),
    ("CAP_ACL_SET", &[Capright(1, 0x0000000000080000)]),
    ("CAP_KQUEUE_CHANGE", &[Capright(1, 0x0000000000100000)]),
    (
        "CAP_KQUEUE",
        &[Cap("CAP_KQUEUE_EVENT"), Cap("CAP_KQUEUE_CHANGE")],
    ),
];

/// Rights of Capsicum ports other than FreeBSD's, by their `CAP_*` name:
/// the table may hold them beside capsicum.h's. The Linux port's
/// include/uapi/linux/capsicum.h adds `CAP_FSIGNAL`, `CAP_EPOLL_CTL`,
/// `CAP_NOTIFY`, `CAP_SETNS`, `CAP_PERFMON` and `CAP_BPF` (index 1, bits
/// 0x200000 to 0x4000000); the last three govern calls capability mode
/// denies here (setns, perf_event_open, bpf) and are left out.
const OTHER_PORTS: &[&str] = &["CAP_FSIGNAL", "CAP_EPOLL_CTL", "CAP_NOTIFY"];

/// `CAP_ALL0` and `CAP_ALL1` of capsicum.h: every bit FreeBSD defines.
const CAP_ALL: [u64; 2] = [
    (1 << 57) | 0x000007FFFFFFFFFF,
    (1 << 58) | 0x00000000001FFFFF,
];

/// `CAPRIGHT(idx, bit)` of capsicum.h: `(1ULL << (57 + (idx))) | (bit)`.
fn capright(index: u32, bits: u64) -> u64 {
    (1 << (57 + index)) | bits
}

/// The value capsicum.h gives `name`, as its two `cr_rights` words.
fn value(name: &str) -> [u64; 2] {
    let (_, terms) = CAPSICUM_H
        .iter()
        .find(|(n, _)| *n == name)
        .unwrap_or_else(|| panic!("{name} is not in capsicum.h"));
    let mut words = [capright(0, 0), capright(1, 0)];
    let mut index = None;
    for term in *terms {
        let (i, bits) = match term {
            Capright(i, bits) => (*i as usize, capright(*i, *bits)),
            // A bare number lands in the word of the right it extends.
            Bits(bits) => (index.expect("a right before the number"), *bits),
            Cap(other) => {
                let v = value(other);
                let i = usize::from(v[1] & !capright(1, 0) != 0);
                (i, v[i])
            }
        };
        index = Some(i);
        words[i] |= bits;
    }
    words
}

fn header_name(right: Right) -> String {
    format!("CAP_{}", right.name().to_uppercase())
}

#[test]
fn every_right_has_its_capsicum_h_value() {
    for right in Right::ALL {
        let name = header_name(*right);
        if OTHER_PORTS.contains(&name.as_str()) {
            continue;
        }
        assert_eq!(
            right.set().cap_rights(),
            value(&name),
            "`{right}`: the table's value differs from {name} in capsicum.h"
        );
    }
}

#[test]
fn every_right_of_capsicum_h_is_in_the_table() {
    let table: Vec<String> = Right::ALL.iter().map(|r| header_name(*r)).collect();
    let header: Vec<&str> = CAPSICUM_H.iter().map(|(n, _)| *n).collect();
    let missing: Vec<&&str> = header
        .iter()
        .filter(|n| !table.iter().any(|t| t == **n))
        .collect();
    assert!(
        missing.is_empty(),
        "rights of capsicum.h missing: {missing:?}"
    );
    let extra: Vec<&String> = table
        .iter()
        .filter(|t| !header.contains(&t.as_str()) && !OTHER_PORTS.contains(&t.as_str()))
        .collect();
    assert!(
        extra.is_empty(),
        "rights in neither capsicum.h nor OTHER_PORTS: {extra:?}"
    );
    assert_eq!(table.len(), header.len() + OTHER_PORTS.len());
}

#[test]
fn freebsd_gets_only_the_bits_it_defines() {
    let all = Right::ALL
        .iter()
        .fold(RightSet::EMPTY, |s, r| s.union(r.set()));
    assert_eq!(
        all.cap_rights(),
        CAP_ALL,
        "the table covers CAP_ALL0 and CAP_ALL1"
    );
    assert_eq!(
        RightSet::EMPTY.cap_rights(),
        [capright(0, 0), capright(1, 0)]
    );
}

/// The words of `W` are the source's names, each without `prefix` and in
/// lower case; the order is not compared.
fn same_words<W: Word>(source: &[&str], prefix: &str) {
    let mut words: Vec<&str> = W::ALL.iter().map(|w| w.name()).collect();
    let mut expected: Vec<String> = source
        .iter()
        .map(|n| n.trim_start_matches(prefix).to_lowercase())
        .collect();
    words.sort_unstable();
    expected.sort_unstable();
    assert_eq!(words, expected, "{}", std::any::type_name::<W>());
}

/// The `CAP_FCNTL_*` of capsicum.h.
#[test]
fn fcntls_are_capsicum_h_cap_fcntl() {
    same_words::<Fcntl>(
        &[
            "CAP_FCNTL_GETFL",
            "CAP_FCNTL_SETFL",
            "CAP_FCNTL_GETOWN",
            "CAP_FCNTL_SETOWN",
        ],
        "CAP_FCNTL_",
    );
}

/// cap_pwd.c: the commands `pwd_command` serves (`getpwent`, `getpwent_r`,
/// ... `endpwent`) and the fields `pwd_pack` returns.
#[test]
fn pwd_words_are_cap_pwd_c() {
    same_words::<PwdCmd>(
        &[
            "getpwent",
            "getpwent_r",
            "getpwnam",
            "getpwnam_r",
            "getpwuid",
            "getpwuid_r",
            "setpassent",
            "setpwent",
            "endpwent",
        ],
        "",
    );
    same_words::<PwdField>(
        &[
            "pw_name",
            "pw_uid",
            "pw_gid",
            "pw_change",
            "pw_passwd",
            "pw_class",
            "pw_gecos",
            "pw_dir",
            "pw_shell",
            "pw_expire",
        ],
        "",
    );
}

/// cap_grp.c: the commands `grp_command` serves and the fields `grp_pack`
/// returns.
#[test]
fn grp_words_are_cap_grp_c() {
    same_words::<GrpCmd>(
        &[
            "getgrent",
            "getgrent_r",
            "getgrnam",
            "getgrnam_r",
            "getgrgid",
            "getgrgid_r",
            "setgroupent",
            "setgrent",
            "endgrent",
        ],
        "",
    );
    same_words::<GrpField>(&["gr_name", "gr_passwd", "gr_gid", "gr_mem"], "");
}

/// cap_dns.c's limit types `"NAME2ADDR"` and `"ADDR2NAME"` (the deprecated
/// `"NAME"` and `"ADDR"` are not offered).
#[test]
fn dns_types_are_cap_dns_c() {
    same_words::<DnsType>(&["NAME2ADDR", "ADDR2NAME"], "");
}

/// cap_net.h's `CAPNET_*` modes, without the deprecated ones.
#[test]
fn net_modes_are_cap_net_h() {
    same_words::<NetMode>(
        &[
            "CAPNET_NAME2ADDR",
            "CAPNET_ADDR2NAME",
            "CAPNET_BIND",
            "CAPNET_CONNECT",
            "CAPNET_CONNECTDNS",
        ],
        "CAPNET_",
    );
}

/// fileargs.h's `FA_OPEN`, `FA_LSTAT`, `FA_REALPATH`.
#[test]
fn fileargs_operations_are_fileargs_h() {
    same_words::<FileOp>(&["FA_OPEN", "FA_LSTAT", "FA_REALPATH"], "FA_");
}

/// cap_sysctl.h: `CAP_SYSCTL_READ` 0x01, `CAP_SYSCTL_WRITE` 0x02,
/// `CAP_SYSCTL_RECURSIVE` 0x04.
#[test]
fn sysctl_flags_are_cap_sysctl_h() {
    assert_eq!(
        (
            SysctlAccess::READ,
            SysctlAccess::WRITE,
            SysctlAccess::RECURSIVE
        ),
        (0x01, 0x02, 0x04)
    );
}
