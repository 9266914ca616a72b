//! Decoding a trapped call's arguments for its record: descriptors, paths,
//! flags, socket addresses, as the table's rows describe them ([`Arg`]).

use std::fmt::Write as _;

use super::super::rules::Arg;

/// Reads the NUL-terminated string at `ptr` (at most 4096 bytes). The
/// pointer is the one the program passed to the kernel; reading it is the
/// debugging mode's accepted risk (a bad pointer would have been EFAULT).
pub(super) fn c_string(ptr: u64) -> String {
    if ptr == 0 {
        return "NULL".into();
    }
    let p = ptr as *const u8;
    let mut bytes = Vec::new();
    for i in 0..4096 {
        // SAFETY: see above; reading stops at the first NUL.
        let b = unsafe { *p.add(i) };
        if b == 0 {
            break;
        }
        bytes.push(b);
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Decodes the socket address at `ptr` of `len` bytes.
pub(super) fn sockaddr(ptr: u64, len: u64) -> String {
    if ptr == 0 || len < 2 {
        return "NULL".into();
    }
    let len = len.min(128) as usize;
    // SAFETY: the program passed this buffer of `len` bytes to the kernel.
    let b = unsafe { std::slice::from_raw_parts(ptr as *const u8, len) };
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

/// `openat(AT_FDCWD, "notes.txt", O_RDONLY|O_CLOEXEC)`.
pub(super) fn call_text(name: &str, kinds: &[Arg], args: &[u64; 6]) -> String {
    let parts: Vec<String> = kinds
        .iter()
        .zip(args)
        .enumerate()
        .map(|(i, (kind, &v))| match kind {
            Arg::Fd | Arg::Dirfd => fd_text(v),
            Arg::Path | Arg::Str | Arg::Program => format!("{:?}", c_string(v)),
            Arg::OpenFlags => open_flags(v),
            Arg::AtFlags => at_flags(v),
            Arg::Len => format!("{v} bytes"),
            Arg::Addr => sockaddr(v, args.get(i + 1).copied().unwrap_or(0)),
            Arg::Family => family_name(v),
            Arg::SockType => type_name(v),
            Arg::Pid | Arg::Num => (v as i64).to_string(),
            Arg::Buf | Arg::Msg => "..".to_owned(),
        })
        .collect();
    format!("{name}({})", parts.join(", "))
}
