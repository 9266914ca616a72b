//! Decoding a trapped call's arguments for its record: descriptors, paths,
//! flags, socket addresses, as the table's rows describe them ([`Arg`]),
//! from the record the handler made (its copies of the memory the
//! arguments point to).

use std::fmt::Write as _;

use super::super::rules::Arg;
use crate::backend::unix::trace::ring::RawRecord;

/// The string argument `arg` as the handler copied it (`NULL`, `<bad
/// address>` where the kernel would have said `EFAULT`, `…` when cut).
pub(super) fn c_string(raw: &RawRecord, arg: usize) -> String {
    if raw.args[arg] == 0 {
        return "NULL".into();
    }
    match raw.blob(arg) {
        Some(b) if b.fault => "<bad address>".into(),
        Some(b) => {
            let mut s = String::from_utf8_lossy(b.data()).into_owned();
            if b.truncated {
                s.push('…');
            }
            s
        }
        None => "?".into(),
    }
}

/// Decodes the socket address argument `arg` (its length is the next one).
pub(super) fn sockaddr(raw: &RawRecord, arg: usize) -> String {
    if raw.args[arg] == 0 {
        return "NULL".into();
    }
    let Some(blob) = raw.blob(arg) else {
        return "?".into();
    };
    if blob.fault {
        return "<bad address>".into();
    }
    let b = blob.data();
    let len = b.len();
    if len < 2 {
        return "?".into();
    }
    let family = u16::from_ne_bytes([b[0], b[1]]) as i32;
    match family {
        libc::AF_INET if len >= 8 => {
            let port = u16::from_be_bytes([b[2], b[3]]);
            format!("{}.{}.{}.{}:{port}", b[4], b[5], b[6], b[7])
        }
        libc::AF_INET6 if len >= 24 => {
            let port = u16::from_be_bytes([b[2], b[3]]);
            let mut a = [0u8; 16];
            a.copy_from_slice(&b[8..24]);
            format!("[{}]:{port}", std::net::Ipv6Addr::from(a))
        }
        libc::AF_UNIX => {
            let path = &b[2..];
            if path.first() == Some(&0) {
                format!("unix:@{}", String::from_utf8_lossy(&path[1..]))
            } else {
                let end = path.iter().position(|&c| c == 0).unwrap_or(path.len());
                format!("unix:{}", String::from_utf8_lossy(&path[..end]))
            }
        }
        f => format!("family {f}"),
    }
}

pub(super) fn family_name(f: u64) -> String {
    match f as i32 {
        libc::AF_UNIX => "AF_UNIX".into(),
        libc::AF_INET => "AF_INET".into(),
        libc::AF_INET6 => "AF_INET6".into(),
        libc::AF_NETLINK => "AF_NETLINK".into(),
        libc::AF_PACKET => "AF_PACKET".into(),
        n => n.to_string(),
    }
}

pub(super) fn type_name(t: u64) -> String {
    let base = match (t & 0xf) as i32 {
        libc::SOCK_STREAM => "SOCK_STREAM".to_owned(),
        libc::SOCK_DGRAM => "SOCK_DGRAM".to_owned(),
        libc::SOCK_SEQPACKET => "SOCK_SEQPACKET".to_owned(),
        libc::SOCK_RAW => "SOCK_RAW".to_owned(),
        n => n.to_string(),
    };
    if t as i32 & libc::SOCK_CLOEXEC != 0 {
        base + "|SOCK_CLOEXEC"
    } else {
        base
    }
}

pub(crate) fn open_flags(f: u64) -> String {
    let f = f as i32;
    let mut s = match f & libc::O_ACCMODE {
        libc::O_WRONLY => "O_WRONLY",
        libc::O_RDWR => "O_RDWR",
        _ => "O_RDONLY",
    }
    .to_owned();
    for (bit, name) in [
        (libc::O_CREAT, "O_CREAT"),
        (libc::O_EXCL, "O_EXCL"),
        (libc::O_TRUNC, "O_TRUNC"),
        (libc::O_APPEND, "O_APPEND"),
        (libc::O_DIRECTORY, "O_DIRECTORY"),
        (libc::O_PATH, "O_PATH"),
        (libc::O_NOFOLLOW, "O_NOFOLLOW"),
        (libc::O_CLOEXEC, "O_CLOEXEC"),
    ] {
        if f & bit == bit {
            let _ = write!(s, "|{name}");
        }
    }
    s
}

fn at_flags(f: u64) -> String {
    let names: Vec<&str> = [
        (libc::AT_EMPTY_PATH, "AT_EMPTY_PATH"),
        (libc::AT_SYMLINK_NOFOLLOW, "AT_SYMLINK_NOFOLLOW"),
        (libc::AT_EACCESS, "AT_EACCESS"),
        (libc::AT_NO_AUTOMOUNT, "AT_NO_AUTOMOUNT"),
    ]
    .into_iter()
    .filter(|(bit, _)| f as i32 & bit != 0)
    .map(|(_, name)| name)
    .collect();
    if names.is_empty() {
        (f as i32).to_string()
    } else {
        names.join("|")
    }
}

pub(super) fn fd_text(v: u64) -> String {
    let fd = v as i32;
    if fd == libc::AT_FDCWD {
        "AT_FDCWD".into()
    } else {
        fd.to_string()
    }
}

/// An ioctl(2) command by its name in Linux's headers (`FIONREAD`), else
/// in hexadecimal.
pub(crate) fn ioctl_name(cmd: u32) -> String {
    const NAMES: &[(libc::Ioctl, &str)] = &[
        (libc::FIONREAD, "FIONREAD"),
        (libc::FIONBIO, "FIONBIO"),
        (libc::FIOASYNC, "FIOASYNC"),
        (libc::FIOCLEX, "FIOCLEX"),
        (libc::FIONCLEX, "FIONCLEX"),
        (libc::TCGETS, "TCGETS"),
        (libc::TCGETS2, "TCGETS2"),
        (libc::TCSETS, "TCSETS"),
        (libc::TCSETSW, "TCSETSW"),
        (libc::TCSETSF, "TCSETSF"),
        (libc::TCSETS2, "TCSETS2"),
        (libc::TCSETSW2, "TCSETSW2"),
        (libc::TCSETSF2, "TCSETSF2"),
        (libc::TIOCGWINSZ, "TIOCGWINSZ"),
        (libc::TIOCSWINSZ, "TIOCSWINSZ"),
        (libc::TIOCGPGRP, "TIOCGPGRP"),
        (libc::TIOCSPGRP, "TIOCSPGRP"),
        (libc::TIOCSCTTY, "TIOCSCTTY"),
        (libc::TIOCSTI, "TIOCSTI"),
        (libc::FIOQSIZE, "FIOQSIZE"),
        (libc::SIOCGIFCONF, "SIOCGIFCONF"),
        (libc::SIOCGIFFLAGS, "SIOCGIFFLAGS"),
        (libc::SIOCSIFFLAGS, "SIOCSIFFLAGS"),
        (libc::SIOCGIFINDEX, "SIOCGIFINDEX"),
        (libc::SIOCSIFMTU, "SIOCSIFMTU"),
    ];
    NAMES
        .iter()
        .find(|(n, _)| *n as u32 == cmd)
        .map_or_else(|| format!("{cmd:#x}"), |(_, name)| (*name).to_owned())
}

/// An fcntl(2) command by its name (`F_SETFL`), else as a number.
pub(crate) fn fcntl_name(cmd: u32) -> String {
    const NAMES: &[(i32, &str)] = &[
        (libc::F_DUPFD, "F_DUPFD"),
        (libc::F_GETFD, "F_GETFD"),
        (libc::F_SETFD, "F_SETFD"),
        (libc::F_GETFL, "F_GETFL"),
        (libc::F_SETFL, "F_SETFL"),
        (libc::F_GETLK, "F_GETLK"),
        (libc::F_SETLK, "F_SETLK"),
        (libc::F_SETLKW, "F_SETLKW"),
        (libc::F_SETOWN, "F_SETOWN"),
        (libc::F_GETOWN, "F_GETOWN"),
        (libc::F_DUPFD_CLOEXEC, "F_DUPFD_CLOEXEC"),
        (libc::F_SETPIPE_SZ, "F_SETPIPE_SZ"),
        (libc::F_GETPIPE_SZ, "F_GETPIPE_SZ"),
        (libc::F_ADD_SEALS, "F_ADD_SEALS"),
        (libc::F_GET_SEALS, "F_GET_SEALS"),
        (libc::F_OFD_GETLK, "F_OFD_GETLK"),
        (libc::F_OFD_SETLK, "F_OFD_SETLK"),
        (libc::F_OFD_SETLKW, "F_OFD_SETLKW"),
    ];
    NAMES
        .iter()
        .find(|(n, _)| *n as u32 == cmd)
        .map_or_else(|| cmd.to_string(), |(_, name)| (*name).to_owned())
}

/// `openat(AT_FDCWD, "notes.txt", O_RDONLY|O_CLOEXEC)`.
pub(super) fn call_text(name: &str, kinds: &[Arg], raw: &RawRecord) -> String {
    let args = &raw.args;
    let parts: Vec<String> = kinds
        .iter()
        .zip(args)
        .enumerate()
        .map(|(i, (kind, &v))| match kind {
            Arg::Fd | Arg::Dirfd => fd_text(v),
            Arg::Path | Arg::Str | Arg::Program => format!("{:?}", c_string(raw, i)),
            Arg::OpenFlags => open_flags(v),
            Arg::AtFlags => at_flags(v),
            Arg::Len => format!("{v} bytes"),
            Arg::Addr => sockaddr(raw, i),
            Arg::Family => family_name(v),
            Arg::SockType => type_name(v),
            Arg::Num if i == 1 && name == "ioctl" => ioctl_name(v as u32),
            Arg::Num if i == 1 && name == "fcntl" => fcntl_name(v as u32),
            Arg::Pid | Arg::Num => (v as i64).to_string(),
            Arg::Buf | Arg::Msg => "..".to_owned(),
        })
        .collect();
    format!("{name}({})", parts.join(", "))
}
