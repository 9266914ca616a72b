//! `system.sysctl`: the limits of cap_sysctl(3) and a model of
//! lib/libcasper/services/cap_sysctl/cap_sysctl.c's checks.

use super::{Nvlist, Value};
use crate::decl::SysctlAccess;

/// cap_sysctl.h's operations.
pub(crate) const CAP_SYSCTL_READ: u64 = 0x01;
pub(crate) const CAP_SYSCTL_WRITE: u64 = 0x02;
#[cfg(test)]
pub(crate) const CAP_SYSCTL_RDWR: u64 = CAP_SYSCTL_READ | CAP_SYSCTL_WRITE;
pub(crate) const CAP_SYSCTL_RECURSIVE: u64 = 0x04;

/// The `operation` of an entry.
pub(crate) fn operation(a: SysctlAccess) -> u64 {
    let mut op = 0;
    if a.read {
        op |= CAP_SYSCTL_READ;
    }
    if a.write {
        op |= CAP_SYSCTL_WRITE;
    }
    if a.recursive {
        op |= CAP_SYSCTL_RECURSIVE;
    }
    op
}

/// The limits of a `sysctl(...)` declaration as cap_sysctl_limit_name(3)
/// and cap_sysctl_limit(3) send them: an `NV_FLAG_NO_UNIQUE` list of
/// `limit` lists, each a `name` and an `operation`. (The builder also adds
/// the entry's `mib` when the service can translate the name; requests by
/// name are matched by name, so it is left out, and so is the builder,
/// whose failure frees the limit it was given.) Always set: no entry
/// allows nothing.
pub(crate) fn limits<S: AsRef<str>>(entries: &[(S, SysctlAccess)]) -> Nvlist {
    let mut nvl = Nvlist::no_unique();
    for (name, access) in entries {
        let entry = Nvlist::new()
            .with("name", Value::String(name.as_ref().to_owned()))
            .with("operation", Value::Number(operation(*access)));
        nvl.add("limit", Value::Nvlist(entry));
    }
    nvl
}

/// What cap_sysctl.c's service does with limits and requests.
#[cfg(test)]
pub(crate) mod service {
    use super::super::errno::{EINVAL, ENOTCAPABLE};
    use super::super::{Nvlist, Value};
    use super::*;

    /// `sysctl_valid` for a limit entry: a name or a MIB (or both), and
    /// one operation with a read or write bit, nothing else.
    fn valid_limit(entry: &Nvlist) -> Result<(), i32> {
        let (mut id, mut op) = (false, false);
        for (name, v) in entry.pairs() {
            match (name.to_str(), v) {
                (Some("name"), Value::String(_)) | (Some("mib"), Value::Binary(_)) => id = true,
                (Some("operation"), Value::Number(o)) => {
                    let mask = CAP_SYSCTL_RDWR | CAP_SYSCTL_RECURSIVE;
                    if o & !mask != 0 || o & CAP_SYSCTL_RDWR == 0 || op {
                        return Err(EINVAL);
                    }
                    op = true;
                }
                _ => return Err(EINVAL),
            }
        }
        if id && op {
            Ok(())
        } else {
            Err(EINVAL)
        }
    }

    /// `sysctl_allowed` for a request by name.
    pub(crate) fn allowed(limits: Option<&Nvlist>, name: &str, op: u64) -> bool {
        let Some(limits) = limits else { return true };
        limits.pairs().any(|(_, v)| {
            let Value::Nvlist(entry) = v else {
                return false;
            };
            let Some(Value::Number(lop)) = entry.get("operation") else {
                return false;
            };
            if op & lop != op {
                return false;
            }
            let Some(Value::String(lname)) = entry.get("name") else {
                return false;
            };
            if lop & CAP_SYSCTL_RECURSIVE == 0 {
                lname == name
            } else {
                name.strip_prefix(lname.as_str())
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
            }
        })
    }

    /// `sysctl_limit`: the answer cap_limit_set(3) gets.
    pub(crate) fn limit(old: Option<&Nvlist>, new: &Nvlist) -> Result<(), i32> {
        for (name, v) in new.pairs() {
            let Value::Nvlist(entry) = v else {
                return Err(EINVAL);
            };
            if name != "limit" {
                return Err(EINVAL);
            }
            valid_limit(entry)?;
            let (Some(Value::String(n)), Some(op)) = (entry.get("name"), entry.number("operation"))
            else {
                return Err(EINVAL);
            };
            if !allowed(old, n, op) {
                return Err(ENOTCAPABLE);
            }
        }
        Ok(())
    }

    /// `sysctl_command` for cap_sysctlbyname(3): `Err(errno)`, which the
    /// client sets.
    pub(crate) fn sysctlbyname(limits: Option<&Nvlist>, name: &str, op: u64) -> Result<(), i32> {
        if allowed(limits, name, op) {
            Ok(())
        } else {
            Err(ENOTCAPABLE)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::errno::{EINVAL, ENOTCAPABLE};
    use super::super::narrow;
    use super::*;
    use crate::decl::SysctlLimits;

    const READ: SysctlAccess = SysctlAccess {
        read: true,
        write: false,
        recursive: false,
    };
    const TREE: SysctlAccess = SysctlAccess {
        read: true,
        write: false,
        recursive: true,
    };

    #[test]
    fn declared_names_are_readable_and_nothing_else() {
        let l = limits(&[("kern.ostype", READ), ("kern.random", TREE)]);
        assert_eq!(service::limit(None, &l), Ok(()));
        let get = |n| service::sysctlbyname(Some(&l), n, CAP_SYSCTL_READ);
        assert_eq!(get("kern.ostype"), Ok(()));
        assert_eq!(get("kern.random.harvest.mask"), Ok(()));
        assert_eq!(get("kern.randomized"), Err(ENOTCAPABLE));
        assert_eq!(get("kern.hostname"), Err(ENOTCAPABLE));
        assert_eq!(
            service::sysctlbyname(Some(&l), "kern.ostype", CAP_SYSCTL_WRITE),
            Err(ENOTCAPABLE)
        );
    }

    #[test]
    fn no_entry_allows_nothing_and_recursive_alone_is_invalid() {
        let none = limits(&SysctlLimits::default().entries);
        assert_eq!(service::limit(None, &none), Ok(()));
        assert_eq!(
            service::sysctlbyname(Some(&none), "kern.ostype", CAP_SYSCTL_READ),
            Err(ENOTCAPABLE)
        );
        let only_recursive = SysctlAccess {
            read: false,
            write: false,
            recursive: true,
        };
        let bad = limits(&[("kern", only_recursive)]);
        assert_eq!(service::limit(None, &bad), Err(EINVAL));
    }

    #[test]
    fn narrowing_cannot_widen() {
        let declared = [("kern.ostype", READ), ("kern.random", TREE)];
        let old = limits(&declared);
        let asked = [("kern.random.harvest", READ)];
        assert_eq!(
            service::limit(Some(&old), &limits(&narrow(&declared, &asked))),
            Ok(())
        );
        let write = [(
            "kern.ostype",
            SysctlAccess {
                write: true,
                ..READ
            },
        )];
        assert_eq!(
            service::limit(Some(&old), &limits(&write)),
            Err(ENOTCAPABLE)
        );
    }
}
