//! What the backend decides, apart from the calls that carry it out: the
//! limits each libcasper service gets, as the nvlist(9) libcasper sends
//! (key names, value types, nesting, unique names), and the shape of the
//! requests the handles make. Plain data, built by code that compiles on
//! any system, so that it is tested here against models of the checks each
//! service makes, written from FreeBSD's sources (lib/libcasper/services/*/
//! *.c, lib/libnv, sys/contrib/libnv): key names and types the service
//! accepts, `EEXIST` for a name added twice to a list with unique names,
//! and what each refusal returns to the caller.
//!
//! The FreeBSD code in `casper/` turns an [`Nvlist`] into libnv's and hands
//! it to cap_limit_set(3) as it is.

pub(crate) mod db;
pub(crate) mod dns;
pub(crate) mod fileargs;
pub(crate) mod net;
pub(crate) mod sysctl;
pub(crate) mod syslog;

use std::ffi::{OsStr, OsString};

/// FreeBSD's errno values (sys/sys/errno.h) the services answer with; some
/// differ from Linux's (`ENOTCAPABLE` is Linux's `EPROTONOSUPPORT`).
pub(crate) mod errno {
    pub(crate) const EEXIST: i32 = 17;
    pub(crate) const EINVAL: i32 = 22;
    pub(crate) const ENAMETOOLONG: i32 = 63;
    pub(crate) const EOPNOTSUPP: i32 = 45;
    pub(crate) const ENOTCAPABLE: i32 = 93;
}

/// Address families of sys/sys/socket.h (`AF_INET6` is 28 on FreeBSD).
pub(crate) mod af {
    pub(crate) const UNSPEC: i32 = 0;
    pub(crate) const INET: i32 = 2;
    pub(crate) const INET6: i32 = 28;
}

/// A value of an nvlist(9) (sys/sys/nv.h, the `NV_TYPE_*` the services use).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Value {
    /// `NV_TYPE_NULL`.
    Null,
    /// `NV_TYPE_NUMBER` (`uint64_t`).
    Number(u64),
    /// `NV_TYPE_STRING`.
    String(String),
    /// `NV_TYPE_BINARY`.
    Binary(Vec<u8>),
    /// `NV_TYPE_NUMBER_ARRAY`.
    NumberArray(Vec<u64>),
    /// `NV_TYPE_NVLIST`.
    Nvlist(Nvlist),
}

/// An nvlist(9) as libnv builds it: ordered pairs, names unique unless it
/// was created with `NV_FLAG_NO_UNIQUE`, and a sticky error.
///
/// As in sys/contrib/libnv/nvlist.c: adding a name that is already there to
/// a list with unique names sets the list's error to `EEXIST`
/// (`nvlist_add_nvpair`, `nvlist_move_nvpair`); once a list is in error
/// every later add is ignored; adding a list in error to another puts the
/// other in the same error (`nvlist_clone` refuses a list in error). A list
/// in error cannot be sent (`nvlist_send`), so cap_limit_set(3) fails with
/// that error and the service never sees it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Nvlist {
    no_unique: bool,
    /// Names are C strings: any bytes but NUL (file names in fileargs).
    pairs: Vec<(OsString, Value)>,
    error: Option<i32>,
}

impl Nvlist {
    /// `nvlist_create(0)`: names are unique.
    pub(crate) fn new() -> Nvlist {
        Nvlist::default()
    }

    /// `nvlist_create(NV_FLAG_NO_UNIQUE)`.
    pub(crate) fn no_unique() -> Nvlist {
        Nvlist {
            no_unique: true,
            ..Nvlist::default()
        }
    }

    /// Whether the list was created with `NV_FLAG_NO_UNIQUE`.
    pub(crate) fn is_no_unique(&self) -> bool {
        self.no_unique
    }

    /// `nvlist_add_*`.
    pub(crate) fn add(&mut self, name: impl Into<OsString>, value: Value) {
        if self.error.is_some() {
            return;
        }
        let name = name.into();
        if let Value::Nvlist(inner) = &value {
            if let Some(e) = inner.error {
                self.error = Some(e);
                return;
            }
        }
        if !self.no_unique && self.exists(&name) {
            self.error = Some(errno::EEXIST);
            return;
        }
        self.pairs.push((name, value));
    }

    /// Adds `value` under `name`, builder style.
    pub(crate) fn with(mut self, name: impl Into<OsString>, value: Value) -> Nvlist {
        self.add(name, value);
        self
    }

    /// `nvlist_error`: `None` while no add failed.
    #[cfg(test)]
    pub(crate) fn error(&self) -> Option<i32> {
        self.error
    }

    /// The pairs in the order they were added (`nvlist_next`).
    pub(crate) fn pairs(&self) -> impl Iterator<Item = (&OsStr, &Value)> {
        self.pairs.iter().map(|(n, v)| (n.as_os_str(), v))
    }

    /// `nvlist_exists`.
    pub(crate) fn exists(&self, name: impl AsRef<OsStr>) -> bool {
        let name = name.as_ref();
        self.pairs.iter().any(|(n, _)| n == name)
    }

    /// The first value named `name`.
    pub(crate) fn get(&self, name: impl AsRef<OsStr>) -> Option<&Value> {
        let name = name.as_ref();
        self.pairs.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }

    /// `nvlist_get_nvlist` (`None` for a missing name or another type).
    pub(crate) fn nvlist(&self, name: impl AsRef<OsStr>) -> Option<&Nvlist> {
        let name = name.as_ref();
        self.pairs.iter().find_map(|(n, v)| match v {
            Value::Nvlist(l) if n == name => Some(l),
            _ => None,
        })
    }

    /// `nvlist_get_number` (`None` for a missing name or another type).
    pub(crate) fn number(&self, name: impl AsRef<OsStr>) -> Option<u64> {
        let name = name.as_ref();
        self.pairs.iter().find_map(|(n, v)| match v {
            Value::Number(x) if n == name => Some(*x),
            _ => None,
        })
    }

    /// `nvlist_exists_null`.
    #[cfg(test)]
    pub(crate) fn exists_null(&self, name: impl AsRef<OsStr>) -> bool {
        let name = name.as_ref();
        self.pairs
            .iter()
            .any(|(n, v)| n == name && *v == Value::Null)
    }

    /// Whether the list holds nothing.
    pub(crate) fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }

    /// What cap_limit_set(3) makes of the list: `Err(errno)` if it is in
    /// error (it cannot be packed, so nothing reaches the service).
    pub(crate) fn sendable(&self) -> Result<&Nvlist, i32> {
        match self.error {
            Some(e) => Err(e),
            None => Ok(self),
        }
    }
}

/// Narrows a declared list for a later `limit(..)`: an empty list keeps the
/// current one (the documented meaning of "no list" in a `limit(..)`), a
/// non-empty one replaces it. The service then refuses a replacement that
/// widens (each service's limit function).
pub(crate) fn narrow<T: Clone>(current: &[T], new: &[T]) -> Vec<T> {
    if new.is_empty() {
        current.to_vec()
    } else {
        new.to_vec()
    }
}

/// Whether the name `name` starts with `prefix` (the services find their
/// entries by prefix: `type0`, `family1`, ...).
#[cfg(test)]
pub(crate) fn starts_with(name: &OsStr, prefix: &str) -> bool {
    name.as_encoded_bytes().starts_with(prefix.as_bytes())
}

/// A socket address as FreeBSD lays it out (sys/netinet/in.h,
/// sys/netinet6/in6.h: `sin_len` and `sin_family` bytes first), in the
/// target's byte order for the host-order fields: cap_net(3) compares
/// addresses byte for byte, so the bytes the limits carry and the bytes a
/// request carries must be made the same way.
pub(crate) fn sockaddr(addr: std::net::SocketAddr) -> Vec<u8> {
    match addr {
        std::net::SocketAddr::V4(a) => {
            let mut b = vec![16, af::INET as u8];
            b.extend_from_slice(&a.port().to_be_bytes());
            b.extend_from_slice(&a.ip().octets());
            b.extend_from_slice(&[0; 8]);
            b
        }
        std::net::SocketAddr::V6(a) => {
            let mut b = vec![28, af::INET6 as u8];
            b.extend_from_slice(&a.port().to_be_bytes());
            b.extend_from_slice(&a.flowinfo().to_ne_bytes());
            b.extend_from_slice(&a.ip().octets());
            b.extend_from_slice(&a.scope_id().to_ne_bytes());
            b
        }
    }
}

/// The address family number of `family`.
pub(crate) fn af_of(family: crate::decl::Family) -> i32 {
    match family {
        crate::decl::Family::Inet => af::INET,
        crate::decl::Family::Inet6 => af::INET6,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_added_twice_to_a_unique_list_is_eexist_and_sticks() {
        let mut l = Nvlist::new();
        l.add("a", Value::Null);
        l.add("a", Value::Null);
        assert_eq!(l.error(), Some(errno::EEXIST));
        l.add("b", Value::Null);
        assert!(!l.exists("b"), "adds after an error are ignored");
        assert_eq!(l.sendable(), Err(errno::EEXIST));
        let outer = Nvlist::new().with("inner", Value::Nvlist(l));
        assert_eq!(outer.error(), Some(errno::EEXIST));
    }

    #[test]
    fn no_unique_lists_take_repeated_names() {
        let mut l = Nvlist::no_unique();
        l.add("", Value::Binary(vec![1]));
        l.add("", Value::Binary(vec![2]));
        assert_eq!(l.error(), None);
        assert_eq!(l.pairs().count(), 2);
    }

    #[test]
    fn sockaddrs_have_freebsds_layout() {
        let v4 = sockaddr("127.0.0.1:443".parse().unwrap());
        assert_eq!(v4, [16, 2, 1, 187, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
        let v6 = sockaddr("[::1]:53".parse().unwrap());
        assert_eq!(v6.len(), 28);
        assert_eq!(&v6[..4], &[28, 28, 0, 53]);
        assert_eq!(v6[23], 1);
    }
}
