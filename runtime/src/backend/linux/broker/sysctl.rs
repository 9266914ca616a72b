//! `system.sysctl` on Linux: a dotted name is the `/proc/sys` entry of the
//! same path (sysctl(8): `kernel.ostype` is `/proc/sys/kernel/ostype`),
//! read or written only as declared (cap_sysctl(3) semantics: an entry, or
//! everything beneath it with `recursive`).

use std::io::{Read, Write};
use std::path::PathBuf;

use crate::decl::SysctlAccess;

use super::wire::MAX_MESSAGE;
use super::VIOLATION;
use crate::services::contract::{Reply, Request};

/// Longest name accepted.
const MAX_NAME: usize = 512;

/// The state of one `system.sysctl` channel.
#[derive(Debug)]
pub(crate) struct Sysctl {
    pub(crate) entries: Vec<(String, SysctlAccess)>,
}

/// Whether `rule` (with its access) covers `name`.
fn covers(rule: &str, access: &SysctlAccess, name: &str) -> bool {
    rule == name
        || (access.recursive
            && name.len() > rule.len()
            && name.starts_with(rule)
            && name.as_bytes()[rule.len()] == b'.')
}

/// The `/proc/sys` path of a well-formed name: dot-separated components
/// of letters, digits, `_` and `-` (no `/`, no `..`, nothing empty).
pub(crate) fn proc_path(name: &str) -> Result<PathBuf, i32> {
    let ok = !name.is_empty()
        && name.len() <= MAX_NAME
        && name.split('.').all(|c| {
            !c.is_empty()
                && c.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        });
    if !ok {
        return Err(libc::EINVAL);
    }
    Ok(PathBuf::from("/proc/sys").join(name.replace('.', "/")))
}

impl Sysctl {
    fn allowed(&self, name: &str, write: bool) -> bool {
        self.entries
            .iter()
            .any(|(rule, a)| covers(rule, a, name) && if write { a.write } else { a.read })
    }

    pub(crate) fn handle(&mut self, request: Request<'_>) -> Result<Reply, i32> {
        let errno = |e: std::io::Error| e.raw_os_error().unwrap_or(libc::EIO);
        match request {
            Request::SysctlGet { name } => {
                // The limits first, as cap_sysctl.c `sysctl_command`
                // (`sysctl_allowed` refuses any name outside them, well
                // formed or not); then the name's /proc/sys path.
                if !self.allowed(name, false) {
                    return Err(VIOLATION);
                }
                let path = proc_path(name)?;
                let file = std::fs::File::open(path).map_err(errno)?;
                let mut value = Vec::new();
                // Leave room for the answer's own header.
                let cap = (MAX_MESSAGE - 64) as u64;
                file.take(cap).read_to_end(&mut value).map_err(errno)?;
                Ok(Reply::Bytes(value))
            }
            Request::SysctlSet { name, value } => {
                if !self.allowed(name, true) {
                    return Err(VIOLATION);
                }
                let path = proc_path(name)?;
                let mut file = std::fs::OpenOptions::new()
                    .write(true)
                    .open(path)
                    .map_err(errno)?;
                file.write_all(value).map_err(errno)?;
                Ok(Reply::Done(()))
            }
            Request::SysctlLimit { entries: new } => {
                // Entry by entry, as cap_sysctl.c `sysctl_limit`: an entry
                // that neither reads nor writes is malformed
                // (`sysctl_valid`), one the current limits do not cover
                // with its access is a widening (`sysctl_allowed`, which
                // matches names as strings: a name never becomes a path
                // here, only in a request).
                for (name, a) in &new {
                    if !a.read && !a.write {
                        return Err(libc::EINVAL);
                    }
                    let covered = self.entries.iter().any(|(rule, old)| {
                        covers(rule, old, name)
                            && (!a.recursive || old.recursive)
                            && (!a.read || old.read)
                            && (!a.write || old.write)
                    });
                    if !covered {
                        return Err(VIOLATION);
                    }
                }
                if !new.is_empty() {
                    self.entries = new.iter().map(|(n, a)| ((*n).to_owned(), *a)).collect();
                }
                Ok(Reply::Done(()))
            }
            _ => Err(libc::EOPNOTSUPP),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const R: SysctlAccess = SysctlAccess {
        read: true,
        write: false,
        recursive: false,
    };
    const RR: SysctlAccess = SysctlAccess {
        read: true,
        write: false,
        recursive: true,
    };

    #[test]
    fn names_map_to_proc_sys_without_escaping_it() {
        assert_eq!(
            proc_path("kernel.ostype"),
            Ok(PathBuf::from("/proc/sys/kernel/ostype"))
        );
        for bad in [
            "",
            "kernel..x",
            ".kernel",
            "kernel/../../etc",
            "a.b/c",
            "a. b",
        ] {
            assert_eq!(proc_path(bad), Err(libc::EINVAL), "{bad:?}");
        }
    }

    #[test]
    fn recursive_covers_beneath_only() {
        assert!(covers("kernel", &RR, "kernel.ostype"));
        assert!(!covers("kernel", &RR, "kernelx.ostype"));
        assert!(!covers("kernel", &R, "kernel.ostype"));
    }

    #[test]
    fn limit_narrows_but_never_widens() {
        let mut s = Sysctl {
            entries: vec![("kernel".into(), RR)],
        };
        let widen = SysctlAccess { write: true, ..R };
        let mut limit = |entries| s.handle(Request::SysctlLimit { entries }).err();
        assert_eq!(limit(vec![("kernel.ostype", widen)]), Some(VIOLATION));
        assert_eq!(limit(vec![("vm", R)]), Some(VIOLATION));
        assert_eq!(limit(vec![("kernel.ostype", R)]), None);
        assert!(s.allowed("kernel.ostype", false));
        assert!(!s.allowed("kernel.hostname", false));
    }
}
