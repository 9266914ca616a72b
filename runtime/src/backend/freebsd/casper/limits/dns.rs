//! `system.dns`: the limits of cap_dns(3) and the lookups the handles ask
//! for, with a model of what lib/libcasper/services/cap_dns/cap_dns.c checks.

use super::{af, af_of, narrow, Nvlist, Value};
use crate::decl::{DnsLimits, DnsType, Family};

/// netdb.h's `NO_RECOVERY`: what cap_dns answers a lookup its limits refuse
/// (the client returns it as the getaddrinfo error and leaves errno alone).
pub(crate) const NO_RECOVERY: i32 = 3;

/// The type names cap_dns_type_limit(3) takes (cap_dns.h); the service
/// still accepts the older `ADDR` and `NAME`.
pub(crate) fn type_name(t: DnsType) -> &'static str {
    match t {
        DnsType::NameToAddr => "NAME2ADDR",
        DnsType::AddrToName => "ADDR2NAME",
    }
}

/// The limits of a `dns(...)` declaration, as cap_dns_type_limit(3) and
/// cap_dns_family_limit(3) leave them: `typeN` strings and `familyN`
/// numbers in one list. `None`: nothing declared, no limit set.
pub(crate) fn limits(l: &DnsLimits) -> Option<Nvlist> {
    if l.types.is_empty() && l.families.is_empty() {
        return None;
    }
    let mut nvl = Nvlist::new();
    for (i, t) in l.types.iter().enumerate() {
        nvl.add(format!("type{i}"), Value::String(type_name(*t).into()));
    }
    for (i, f) in l.families.iter().enumerate() {
        nvl.add(format!("family{i}"), Value::Number(af_of(*f) as u64));
    }
    Some(nvl)
}

/// The limits after a later `limit(..)`: each empty list keeps the current
/// one.
pub(crate) fn narrowed(current: &DnsLimits, new: &DnsLimits) -> DnsLimits {
    DnsLimits {
        types: narrow(&current.types, &new.types),
        families: narrow(&current.families, &new.families),
    }
}

/// The families a host lookup asks for, one cap_getaddrinfo(3) each: the
/// one asked, or `AF_UNSPEC` when the service has no family limit, or each
/// allowed family (both services refuse `AF_UNSPEC` once families are
/// limited: cap_dns.c `dns_allowed_family`, cap_net.c `net_allowed_family`).
pub(crate) fn lookup_families(limited_to: &[Family], asked: Option<Family>) -> Vec<i32> {
    match asked {
        Some(f) => vec![af_of(f)],
        None if limited_to.is_empty() => vec![af::UNSPEC],
        None => limited_to.iter().map(|f| af_of(*f)).collect(),
    }
}

/// The family of an address.
pub(crate) fn family_of(ip: std::net::IpAddr) -> Family {
    match ip {
        std::net::IpAddr::V4(_) => Family::Inet,
        std::net::IpAddr::V6(_) => Family::Inet6,
    }
}

/// A host lookup as the handles make it, through both services: one
/// cap_getaddrinfo(3) per family of [`lookup_families`], with `servname`,
/// the addresses (with their ports, for a lookup naming a service) of all
/// of them (each once, in order) or, when none gave any, the last refusal.
pub(crate) fn lookup<T: PartialEq, E>(
    limited_to: &[Family],
    host: &str,
    servname: Option<&str>,
    asked: Option<Family>,
    mut getaddrinfo: impl FnMut(&str, Option<&str>, i32) -> Result<Vec<T>, E>,
) -> Result<Vec<T>, E> {
    let mut all: Vec<T> = Vec::new();
    let mut last_error = None;
    for family in lookup_families(limited_to, asked) {
        match getaddrinfo(host, servname, family) {
            Ok(addrs) => {
                for a in addrs {
                    if !all.contains(&a) {
                        all.push(a);
                    }
                }
            }
            Err(e) => last_error = Some(e),
        }
    }
    match last_error {
        Some(e) if all.is_empty() => Err(e),
        _ => Ok(all),
    }
}

/// What cap_dns.c's service does with limits and requests.
#[cfg(test)]
pub(crate) mod service {
    use super::super::errno::{EINVAL, ENOTCAPABLE};
    use super::super::{af, starts_with, Nvlist, Value};
    use super::NO_RECOVERY;

    /// `dns_allowed_type`: no `type*` entry allows every type.
    pub(crate) fn allowed_type(limits: Option<&Nvlist>, ty: &str) -> bool {
        let Some(limits) = limits else { return true };
        let mut none = true;
        for (name, value) in limits.pairs() {
            if !starts_with(name, "type") {
                continue;
            }
            none = false;
            if *value == Value::String(ty.into()) {
                return true;
            }
        }
        none
    }

    /// `dns_allowed_family`: no `family*` entry allows every family;
    /// `AF_UNSPEC` passes only then.
    pub(crate) fn allowed_family(limits: Option<&Nvlist>, family: i32) -> bool {
        let Some(limits) = limits else { return true };
        let mut none = true;
        for (name, value) in limits.pairs() {
            if !starts_with(name, "family") {
                continue;
            }
            none = false;
            if family == af::UNSPEC {
                continue;
            }
            if *value == Value::Number(family as u64) {
                return true;
            }
        }
        none
    }

    fn has_entry(limits: Option<&Nvlist>, prefix: &str) -> bool {
        limits.is_some_and(|l| l.pairs().any(|(n, _)| starts_with(n, prefix)))
    }

    /// `dns_limit`: the answer cap_limit_set(3) gets (0 or an errno).
    pub(crate) fn limit(old: Option<&Nvlist>, new: &Nvlist) -> Result<(), i32> {
        let (mut has_type, mut has_family) = (false, false);
        for (name, value) in new.pairs() {
            match value {
                Value::String(ty) => {
                    if !starts_with(name, "type") {
                        return Err(EINVAL);
                    }
                    if !["ADDR2NAME", "NAME2ADDR", "ADDR", "NAME"].contains(&ty.as_str()) {
                        return Err(EINVAL);
                    }
                    if !allowed_type(old, ty) {
                        return Err(ENOTCAPABLE);
                    }
                    has_type = true;
                }
                Value::Number(f) => {
                    if !starts_with(name, "family") {
                        return Err(EINVAL);
                    }
                    if !allowed_family(old, *f as i32) {
                        return Err(ENOTCAPABLE);
                    }
                    has_family = true;
                }
                _ => return Err(EINVAL),
            }
        }
        if (!has_type && has_entry(old, "type")) || (!has_family && has_entry(old, "family")) {
            return Err(ENOTCAPABLE);
        }
        Ok(())
    }

    /// `dns_getaddrinfo`'s checks: `Err(NO_RECOVERY)`, which the client
    /// returns as it is, errno untouched.
    pub(crate) fn getaddrinfo(limits: Option<&Nvlist>, family: i32) -> Result<(), i32> {
        let typed = allowed_type(limits, "NAME2ADDR") || allowed_type(limits, "NAME");
        if !typed || !allowed_family(limits, family) {
            return Err(NO_RECOVERY);
        }
        Ok(())
    }

    /// `dns_getnameinfo`'s checks.
    pub(crate) fn getnameinfo(limits: Option<&Nvlist>, family: i32) -> Result<(), i32> {
        let typed = allowed_type(limits, "ADDR2NAME") || allowed_type(limits, "ADDR");
        if !typed || !allowed_family(limits, family) {
            return Err(NO_RECOVERY);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::errno::ENOTCAPABLE;
    use super::*;

    fn decl(types: &[DnsType], families: &[Family]) -> DnsLimits {
        DnsLimits {
            types: types.to_vec(),
            families: families.to_vec(),
        }
    }

    #[test]
    fn declared_limits_are_accepted_and_enforced() {
        let l = limits(&decl(&[DnsType::NameToAddr], &[Family::Inet])).unwrap();
        let l = l.sendable().unwrap();
        assert_eq!(service::limit(None, l), Ok(()));
        // Every lookup the handle makes passes.
        for f in lookup_families(&[Family::Inet], None) {
            assert_eq!(service::getaddrinfo(Some(l), f), Ok(()));
        }
        assert_eq!(service::getaddrinfo(Some(l), af::INET6), Err(NO_RECOVERY));
        assert_eq!(service::getaddrinfo(Some(l), af::UNSPEC), Err(NO_RECOVERY));
        assert_eq!(service::getnameinfo(Some(l), af::INET), Err(NO_RECOVERY));
        assert!(limits(&DnsLimits::default()).is_none());
    }

    #[test]
    fn narrowing_restates_what_it_keeps_and_cannot_widen() {
        let declared = decl(&[DnsType::NameToAddr, DnsType::AddrToName], &[Family::Inet]);
        let old = limits(&declared).unwrap();
        let fewer = narrowed(&declared, &decl(&[DnsType::AddrToName], &[]));
        assert_eq!(fewer.families, [Family::Inet]);
        let new = limits(&fewer).unwrap();
        assert_eq!(service::limit(Some(&old), &new), Ok(()));
        let wider = limits(&narrowed(&fewer, &decl(&[], &[Family::Inet6]))).unwrap();
        assert_eq!(service::limit(Some(&new), &wider), Err(ENOTCAPABLE));
    }
}
