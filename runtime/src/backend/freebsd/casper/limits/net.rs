//! `system.net`: the limits of cap_net(3), the requests the handles make,
//! and a model of lib/libcasper/services/cap_net/cap_net.c's service
//! (`net_limit`, the lookups, its cache of looked-up addresses for
//! `CAPNET_CONNECTDNS`, `net_connect`, `net_bind`).

use std::net::IpAddr;

use super::{af_of, narrow, sockaddr, Nvlist, Value};
use crate::decl::{NetLimits, NetMode};

/// cap_net.h's modes (the `DEPRECATED_` ones, for gethostbyname(3) and
/// gethostbyaddr(3), are not used).
pub(crate) const CAPNET_ADDR2NAME: u64 = 0x01;
pub(crate) const CAPNET_NAME2ADDR: u64 = 0x02;
pub(crate) const CAPNET_CONNECT: u64 = 0x10;
pub(crate) const CAPNET_BIND: u64 = 0x20;
pub(crate) const CAPNET_CONNECTDNS: u64 = 0x40;

/// netdb.h's `EAI_SYSTEM` (11 on FreeBSD): the error cap_net's lookups
/// return for a refusal, with the reason in errno.
pub(crate) const EAI_SYSTEM: i32 = 11;

/// The `mode` number of a declaration ([`NetLimits::effective_modes`]).
pub(crate) fn mode(l: &NetLimits) -> u64 {
    l.effective_modes().iter().fold(0, |m, mode| {
        m | match mode {
            NetMode::NameToAddr => CAPNET_NAME2ADDR,
            NetMode::AddrToName => CAPNET_ADDR2NAME,
            NetMode::Bind => CAPNET_BIND,
            NetMode::Connect => CAPNET_CONNECT,
            NetMode::ConnectDns => CAPNET_CONNECTDNS,
        }
    })
}

/// A `sockaddr` list as cap_net_limit_connect(3) and _bind(3) build it:
/// `NV_FLAG_NO_UNIQUE`, each address a binary named "".
fn sockaddrs(addrs: &[std::net::SocketAddr]) -> Nvlist {
    let mut list = Nvlist::no_unique();
    for a in addrs {
        list.add("", Value::Binary(sockaddr(*a)));
    }
    Nvlist::new().with("sockaddr", Value::Nvlist(list))
}

/// The limits of a `net(...)` declaration as cap_net_limit(3) sends them:
/// `mode`, then `addr2name`, `name2addr`, `connect`, `bind`, each left out
/// when empty (`pack_limit`). `None`: nothing declared, no limit set.
pub(crate) fn limits(l: &NetLimits) -> Option<Nvlist> {
    if *l == NetLimits::default() {
        return None;
    }
    let families: Vec<u64> = l.families.iter().map(|f| af_of(*f) as u64).collect();
    let mut addr2name = Nvlist::new();
    let mut name2addr = Nvlist::new();
    if !families.is_empty() {
        name2addr.add("family", Value::NumberArray(families.clone()));
        addr2name.add("family", Value::NumberArray(families));
    }
    if !l.hosts.is_empty() {
        // cap_net_limit_name2addr(3): host → service, "" for any.
        let mut hosts = Nvlist::no_unique();
        for (host, serv) in &l.hosts {
            let serv = serv.clone().unwrap_or_default();
            hosts.add(host.clone().unwrap_or_default(), Value::String(serv));
        }
        name2addr.add("hosts", Value::Nvlist(hosts));
    }
    let list = |addrs: &[std::net::SocketAddr]| {
        if addrs.is_empty() {
            Nvlist::new()
        } else {
            sockaddrs(addrs)
        }
    };
    let mut nvl = Nvlist::new().with("mode", Value::Number(mode(l)));
    for (name, sub) in [
        ("addr2name", addr2name),
        ("name2addr", name2addr),
        ("connect", list(&l.connect)),
        ("bind", list(&l.bind)),
    ] {
        if !sub.is_empty() {
            nvl.add(name, Value::Nvlist(sub));
        }
    }
    Some(nvl)
}

/// The limits after a later `limit(..)`: each empty list keeps the current
/// one, so that a narrowing names only what it narrows (`net_limit` refuses
/// a new limit that leaves out a kind the old one had).
pub(crate) fn narrowed(current: &NetLimits, new: &NetLimits) -> NetLimits {
    NetLimits {
        modes: narrow(&current.modes, &new.modes),
        hosts: narrow(&current.hosts, &new.hosts),
        families: narrow(&current.families, &new.families),
        bind: narrow(&current.bind, &new.bind),
        connect: narrow(&current.connect, &new.connect),
    }
}

/// The service name a lookup of `host` sends with cap_getaddrinfo(3). The
/// handles' lookups ask for addresses only, but cap_net compares the
/// service half of a `hosts` entry with the request's (`net_allowed_hosts`:
/// a missing one is ""), so a host declared with a service is looked up
/// with it ([`NetLimits::services_for`]); `None` when any service is
/// allowed (or the host is not declared, and the service refuses the
/// lookup anyway).
pub(crate) fn lookup_servname(l: &NetLimits, host: &str) -> Option<String> {
    l.services_for(host)?.first().map(|s| (*s).to_owned())
}

/// The service names to look `host` up with again before connecting to one
/// of its addresses on `port` under `CAPNET_CONNECTDNS`: cap_net caches
/// each lookup's addresses with the lookup's port and compares whole
/// addresses on connect (cap_net(3): the restriction is strict). The port
/// itself when any service is allowed for `host`; else each service
/// declared for it (a numeric one only if it is `port`), so that a
/// connection reaches the declared services only.
pub(crate) fn connect_servnames(l: &NetLimits, host: &str, port: u16) -> Vec<String> {
    match l.services_for(host) {
        None => vec![port.to_string()],
        Some(services) => services
            .into_iter()
            .filter(|s| s.parse::<u16>().is_ok_and(|p| p == port) || s.parse::<u16>().is_err())
            .map(str::to_owned)
            .collect(),
    }
}

/// A TCP or UDP connection through cap_connect(3), as the handles make it:
/// `connect` is one cap_connect; when cap_net refuses and the limits have
/// `CAPNET_CONNECTDNS`, each host `addr` was looked up from is looked up
/// again (`relookup(host, servname, family)`) with the service names
/// [`connect_servnames`] gives, and cap_connect is tried again.
pub(crate) fn connect<T>(
    l: &NetLimits,
    resolved: &Resolved,
    addr: std::net::SocketAddr,
    mut connect: impl FnMut() -> Result<T, i32>,
    mut relookup: impl FnMut(&str, &str, i32),
) -> Result<T, i32> {
    use super::errno::ENOTCAPABLE;
    match connect() {
        Err(ENOTCAPABLE) if l.modes.contains(&NetMode::ConnectDns) => {
            let family = af_of(super::dns::family_of(addr.ip()));
            for host in resolved.hosts_of(addr.ip()) {
                for serv in connect_servnames(l, host, addr.port()) {
                    relookup(host, &serv, family);
                    match connect() {
                        Err(ENOTCAPABLE) => continue,
                        done => return done,
                    }
                }
            }
            Err(ENOTCAPABLE)
        }
        done => done,
    }
}

/// The hosts each looked-up address came from, kept by the client so that
/// a `connectdns` connection can be looked up again with its port.
#[derive(Debug, Default)]
pub(crate) struct Resolved {
    entries: Vec<(IpAddr, String)>,
}

/// Most addresses remembered (oldest forgotten), as the Linux broker keeps.
const MAX_RESOLVED: usize = 1024;

impl Resolved {
    /// Remembers that looking `host` up gave `addrs`.
    pub(crate) fn remember(&mut self, host: &str, addrs: &[IpAddr]) {
        for a in addrs {
            if self.entries.iter().any(|(ip, h)| ip == a && h == host) {
                continue;
            }
            if self.entries.len() == MAX_RESOLVED {
                self.entries.remove(0);
            }
            self.entries.push((*a, host.to_owned()));
        }
    }

    /// The hosts whose lookup gave `ip`.
    pub(crate) fn hosts_of(&self, ip: IpAddr) -> impl Iterator<Item = &str> {
        self.entries
            .iter()
            .filter(move |(a, _)| *a == ip)
            .map(|(_, h)| h.as_str())
    }
}

/// What cap_net.c's service does with limits and requests.
pub(crate) mod service {
    #[cfg(test)]
    use super::super::errno::ENOTCAPABLE;
    use super::super::{Nvlist, Value};
    use super::*;

    /// A refused lookup as the client sees it: the getaddrinfo error and,
    /// for `EAI_SYSTEM`, the errno the service sent (`None`: the service
    /// sends an unset variable, `net_getaddrinfo`'s `serrno` on its family
    /// and hosts refusals).
    #[cfg(test)]
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub(crate) struct Refused {
        pub(crate) gai: i32,
        pub(crate) errno: Option<i32>,
    }

    #[cfg(test)]
    const NOT_CAPABLE: Refused = Refused {
        gai: EAI_SYSTEM,
        errno: Some(ENOTCAPABLE),
    };
    #[cfg(test)]
    const UNSET: Refused = Refused {
        gai: EAI_SYSTEM,
        errno: None,
    };

    /// `net_allowed_mode`.
    pub(crate) fn allowed_mode(limits: Option<&Nvlist>, mode: u64) -> bool {
        limits.is_none_or(|l| l.number("mode").unwrap_or(0) & mode == mode)
    }

    /// `net_allowed_family` on a sub-limit (`name2addr`, `addr2name`).
    pub(crate) fn allowed_family(func: Option<&Nvlist>, family: i32) -> bool {
        match func.and_then(|f| f.get("family")) {
            Some(Value::NumberArray(fs)) => fs.contains(&(family as u64)),
            _ => true,
        }
    }

    /// Whether cap_net refuses a lookup of `host` with `serv` in `family`
    /// (`net_getaddrinfo`'s checks). The client asks this before the
    /// service does: the service's refusal by family or host sends an
    /// errno it never set (`serrno`), so the caller would see whatever that
    /// was instead of the capability error.
    pub(crate) fn refuses_lookup(
        limits: Option<&Nvlist>,
        host: &str,
        serv: Option<&str>,
        family: i32,
    ) -> bool {
        let func = limits.and_then(|l| l.nvlist("name2addr"));
        !allowed_mode(limits, CAPNET_NAME2ADDR)
            || !allowed_family(func, family)
            || !allowed_hosts(func, host, serv)
    }

    /// `net_allowed_bsaddr_impl`: byte for byte, or with the port ignored
    /// for the entries named "d" (gethostbyname results).
    #[cfg(test)]
    fn in_list(list: &Nvlist, sa: &[u8]) -> bool {
        list.pairs().any(|(name, v)| {
            let Value::Binary(limit) = v else {
                return false;
            };
            if limit.len() != sa.len() {
                return false;
            }
            if limit == sa {
                return true;
            }
            if name != "d" || (sa.len() != 16 && sa.len() != 28) {
                return false;
            }
            let mut l = limit.clone();
            l[2..4].copy_from_slice(&sa[2..4]);
            l == sa
        })
    }

    /// `net_allowed_bsaddr` on a sub-limit: no `sockaddr` list allows any.
    #[cfg(test)]
    pub(crate) fn allowed_sockaddr(func: Option<&Nvlist>, sa: &[u8]) -> bool {
        func.and_then(|f| f.nvlist("sockaddr"))
            .is_none_or(|list| in_list(list, sa))
    }

    /// `net_allowed_hosts`: a host or service of "" in the limit matches
    /// anything; a missing service in the request is "".
    pub(crate) fn allowed_hosts(func: Option<&Nvlist>, host: &str, serv: Option<&str>) -> bool {
        let Some(hosts) = func.and_then(|f| f.nvlist("hosts")) else {
            return true;
        };
        let serv = serv.unwrap_or("");
        hosts.pairs().any(|(h, s)| {
            let Value::String(s) = s else { return false };
            (h.is_empty() || *h == *host) && (s.is_empty() || s == serv)
        })
    }

    #[cfg(test)]
    fn only_sockaddrs(old: Option<&Nvlist>, new: &Nvlist) -> bool {
        new.pairs().all(|(name, v)| match v {
            Value::Nvlist(list) if name == "sockaddr" => list.pairs().all(|(_, sa)| match sa {
                Value::Binary(sa) => allowed_sockaddr(old, sa),
                _ => false,
            }),
            _ => false,
        })
    }

    #[cfg(test)]
    fn families_within(old: Option<&Nvlist>, v: &Value) -> bool {
        match v {
            Value::NumberArray(fs) => fs.iter().all(|f| allowed_family(old, *f as i32)),
            _ => false,
        }
    }

    /// `net_limit`: the answer cap_limit_set(3) gets. Type errors answer
    /// `NO_RECOVERY` (3), as the source does.
    #[cfg(test)]
    pub(crate) fn limit(old: Option<&Nvlist>, new: &Nvlist) -> Result<(), i32> {
        const NO_RECOVERY: i32 = 3;
        let sub = |name: &str| old.and_then(|o| o.nvlist(name));
        let mut has = Vec::new();
        for (name, v) in new.pairs() {
            let name = name.to_str().unwrap_or("");
            if name == "mode" {
                let Value::Number(m) = v else {
                    return Err(NO_RECOVERY);
                };
                if !allowed_mode(old, *m) {
                    return Err(ENOTCAPABLE);
                }
                has.push(name);
                continue;
            }
            let Value::Nvlist(func) = v else {
                return Err(NO_RECOVERY);
            };
            let ok = match name {
                "bind" | "connect" => only_sockaddrs(sub(name), func),
                "addr2name" => func
                    .pairs()
                    .all(|(n, v)| match (n.to_str().unwrap_or(""), v) {
                        ("sockaddr", Value::Nvlist(_)) => {
                            only_sockaddrs(sub(name), &Nvlist::new().with(n, v.clone()))
                        }
                        ("family", v) => families_within(sub(name), v),
                        _ => false,
                    }),
                "name2addr" => func
                    .pairs()
                    .all(|(n, v)| match (n.to_str().unwrap_or(""), v) {
                        ("hosts", Value::Nvlist(hosts)) => hosts.pairs().all(|(h, s)| match s {
                            Value::String(s) => {
                                allowed_hosts(sub(name), &h.to_string_lossy(), Some(s))
                            }
                            _ => false,
                        }),
                        ("family", v) => families_within(sub(name), v),
                        _ => false,
                    }),
                _ => true,
            };
            if !ok {
                return Err(ENOTCAPABLE);
            }
            has.push(name);
        }
        if !has.contains(&"mode") {
            return Err(ENOTCAPABLE);
        }
        let Some(old) = old else { return Ok(()) };
        for kind in ["bind", "connect", "addr2name", "name2addr"] {
            if !has.contains(&kind) && old.exists(kind) {
                return Err(ENOTCAPABLE);
            }
        }
        Ok(())
    }

    /// One service process: its limits and its cache of looked-up
    /// addresses (`capdnscache`).
    #[cfg(test)]
    #[derive(Debug, Default)]
    pub(crate) struct Service {
        pub(crate) limits: Option<Nvlist>,
        cache: Nvlist,
    }

    #[cfg(test)]
    impl Service {
        pub(crate) fn new(limits: Option<Nvlist>) -> Service {
            Service {
                limits,
                cache: Nvlist::no_unique(),
            }
        }

        /// `net_getaddrinfo`: `resolve` plays getaddrinfo(3) and returns
        /// the `ai_addr` bytes of each result.
        pub(crate) fn getaddrinfo(
            &mut self,
            host: &str,
            serv: Option<&str>,
            family: i32,
            resolve: impl Fn(&str, Option<&str>) -> Vec<Vec<u8>>,
        ) -> Result<Vec<Vec<u8>>, Refused> {
            let limits = self.limits.as_ref();
            if !allowed_mode(limits, CAPNET_NAME2ADDR) {
                return Err(NOT_CAPABLE);
            }
            let dnscache = allowed_mode(limits, CAPNET_CONNECTDNS);
            let func = limits.and_then(|l| l.nvlist("name2addr"));
            if !allowed_family(func, family) || !allowed_hosts(func, host, serv) {
                return Err(UNSET);
            }
            let found = resolve(host, serv);
            if dnscache {
                for sa in &found {
                    if !self
                        .cache
                        .pairs()
                        .any(|(_, v)| *v == Value::Binary(sa.clone()))
                    {
                        self.cache.add("", Value::Binary(sa.clone()));
                    }
                }
            }
            Ok(found)
        }

        /// `net_getnameinfo`'s checks (every refusal sets errno).
        pub(crate) fn getnameinfo(&self, sa: &[u8], family: i32) -> Result<(), Refused> {
            let limits = self.limits.as_ref();
            let func = limits.and_then(|l| l.nvlist("addr2name"));
            if !allowed_mode(limits, CAPNET_ADDR2NAME)
                || !allowed_sockaddr(func, sa)
                || !allowed_family(func, family)
            {
                return Err(NOT_CAPABLE);
            }
            Ok(())
        }

        /// `net_connect`: `Err(errno)`, which cap_connect(3) sets.
        pub(crate) fn connect(&self, sa: &[u8]) -> Result<(), i32> {
            let limits = self.limits.as_ref();
            let conn = allowed_mode(limits, CAPNET_CONNECT);
            let conndns = allowed_mode(limits, CAPNET_CONNECTDNS);
            let func = limits.and_then(|l| l.nvlist("connect"));
            let listed = conn && allowed_sockaddr(func, sa);
            let looked_up = conndns && in_list(&self.cache, sa);
            if listed || looked_up {
                Ok(())
            } else {
                Err(ENOTCAPABLE)
            }
        }

        /// `net_bind`.
        pub(crate) fn bind(&self, sa: &[u8]) -> Result<(), i32> {
            let limits = self.limits.as_ref();
            let func = limits.and_then(|l| l.nvlist("bind"));
            if allowed_mode(limits, CAPNET_BIND) && allowed_sockaddr(func, sa) {
                Ok(())
            } else {
                Err(ENOTCAPABLE)
            }
        }
    }
}

#[cfg(test)]
mod tests;
