//! cap_net's limits and requests, run against the model of its service.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use super::super::errno::ENOTCAPABLE;
use super::super::{dns, sockaddr};
use super::service::{self, Refused, Service};
use super::*;
use crate::decl::Family;

/// getaddrinfo(3) over a fixed table: "h" has two addresses, "other" one;
/// the port is the service's (numeric, or `domain` and `https` from
/// /etc/services), 0 without one.
fn resolve(host: &str, serv: Option<&str>) -> Vec<Vec<u8>> {
    let port = match serv {
        None => 0,
        Some("domain") => 53,
        Some("https") => 443,
        Some(s) => match s.parse() {
            Ok(p) => p,
            Err(_) => return Vec::new(),
        },
    };
    let ips: &[[u8; 4]] = match host {
        "h" => &[[192, 0, 2, 1], [198, 51, 100, 7]],
        "other" => &[[203, 0, 113, 5]],
        _ => &[],
    };
    ips.iter()
        .map(|ip| sockaddr(SocketAddr::new(IpAddr::from(*ip), port)))
        .collect()
}

fn ip_of(sa: &[u8]) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(sa[4], sa[5], sa[6], sa[7]))
}

/// A program with a `net(...)` channel: the FreeBSD client's decisions
/// (the same functions casper/net.rs runs) against the modelled service.
struct Client {
    decl: NetLimits,
    svc: Service,
    resolved: Resolved,
}

impl Client {
    fn start(decl: NetLimits) -> Client {
        let nvl = limits(&decl);
        if let Some(nvl) = &nvl {
            let sent = nvl.sendable().expect("the limits can be sent");
            service::limit(None, sent).expect("cap_net accepts the declared limits");
        }
        Client {
            decl,
            svc: Service::new(nvl),
            resolved: Resolved::default(),
        }
    }

    fn lookup_host(&mut self, host: &str) -> Result<Vec<IpAddr>, Refused> {
        let servname = lookup_servname(&self.decl, host);
        let svc = &mut self.svc;
        let addrs = dns::lookup(
            &self.decl.families,
            host,
            servname.as_deref(),
            None,
            |h, s, f| {
                Ok(svc
                    .getaddrinfo(h, s, f, resolve)?
                    .iter()
                    .map(|sa| ip_of(sa))
                    .collect())
            },
        )?;
        self.resolved.remember(host, &addrs);
        Ok(addrs)
    }

    fn connect(&mut self, addr: &str) -> Result<(), i32> {
        let addr: SocketAddr = addr.parse().unwrap();
        let sa = sockaddr(addr);
        let svc = std::cell::RefCell::new(&mut self.svc);
        connect(
            &self.decl,
            &self.resolved,
            addr,
            || svc.borrow().connect(&sa),
            |host, serv, family| {
                let _ = svc
                    .borrow_mut()
                    .getaddrinfo(host, Some(serv), family, resolve);
            },
        )
    }
}

fn decl(modes: &[NetMode], hosts: &[(Option<&str>, Option<&str>)]) -> NetLimits {
    NetLimits {
        modes: modes.to_vec(),
        hosts: hosts
            .iter()
            .map(|(h, s)| (h.map(str::to_owned), s.map(str::to_owned)))
            .collect(),
        ..NetLimits::default()
    }
}

const LOOKUP_CONNECTDNS: &[NetMode] = &[NetMode::NameToAddr, NetMode::ConnectDns];

#[test]
fn connectdns_reaches_a_looked_up_address_on_the_port_asked() {
    let mut c = Client::start(decl(LOOKUP_CONNECTDNS, &[]));
    let addrs = c.lookup_host("h").expect("lookup");
    assert_eq!(addrs.len(), 2);
    assert_eq!(
        c.connect("192.0.2.1:443"),
        Ok(()),
        "port 443 after a lookup"
    );
    assert_eq!(c.connect("198.51.100.7:80"), Ok(()));
    assert_eq!(
        c.connect("203.0.113.5:443"),
        Err(ENOTCAPABLE),
        "never looked up"
    );
}

#[test]
fn a_host_declared_with_a_service_is_looked_up_and_reached_on_that_service_only() {
    for serv in ["53", "domain"] {
        let mut c = Client::start(decl(LOOKUP_CONNECTDNS, &[(Some("h"), Some(serv))]));
        c.lookup_host("h")
            .unwrap_or_else(|e| panic!("lookup of a host declared with {serv}: {e:?}"));
        assert_eq!(c.connect("192.0.2.1:53"), Ok(()), "{serv}");
        assert_eq!(c.connect("192.0.2.1:443"), Err(ENOTCAPABLE), "{serv}");
        assert!(c.lookup_host("other").is_err(), "an undeclared host");
    }
}

#[test]
fn any_host_with_a_service_limits_the_port_only() {
    let mut c = Client::start(decl(LOOKUP_CONNECTDNS, &[(None, Some("53"))]));
    c.lookup_host("other").expect("any host");
    assert_eq!(c.connect("203.0.113.5:53"), Ok(()));
    assert_eq!(c.connect("203.0.113.5:80"), Err(ENOTCAPABLE));
}

#[test]
fn connect_list_allows_the_declared_addresses_only() {
    let mut d = decl(&[NetMode::Connect], &[]);
    d.connect = vec!["127.0.0.1:80".parse().unwrap()];
    let mut c = Client::start(d);
    assert_eq!(c.connect("127.0.0.1:80"), Ok(()));
    assert_eq!(c.connect("127.0.0.1:81"), Err(ENOTCAPABLE));
    assert!(c.lookup_host("h").is_err(), "no name2addr");
}

#[test]
fn refused_lookups_by_family_or_host_carry_no_errno() {
    // cap_net.c net_getaddrinfo: the family and hosts refusals set errno,
    // not the serrno it sends; the mode refusal sends ENOTCAPABLE.
    let mut d = decl(&[NetMode::NameToAddr], &[(Some("h"), None)]);
    d.families = vec![Family::Inet];
    let mut svc = Service::new(limits(&d));
    let unset = Err(Refused {
        gai: EAI_SYSTEM,
        errno: None,
    });
    assert_eq!(svc.getaddrinfo("other", None, 2, resolve), unset);
    assert_eq!(svc.getaddrinfo("h", None, 28, resolve), unset);
    let mut svc = Service::new(limits(&decl(&[NetMode::Connect], &[])));
    assert_eq!(
        svc.getaddrinfo("h", None, 2, resolve),
        Err(Refused {
            gai: EAI_SYSTEM,
            errno: Some(ENOTCAPABLE)
        })
    );
}

#[test]
fn narrowing_names_only_what_it_narrows() {
    let mut declared = decl(&[NetMode::Connect, NetMode::Bind], &[]);
    declared.connect = vec!["127.0.0.1:80".parse().unwrap()];
    let old = limits(&declared).unwrap();
    let asked = decl(&[NetMode::Connect], &[]);
    let new = limits(&narrowed(&declared, &asked)).unwrap();
    assert_eq!(service::limit(Some(&old), &new), Ok(()));
    // Sent as asked, the narrowing would drop the connect list: refused.
    let bare = limits(&asked).unwrap();
    assert_eq!(service::limit(Some(&old), &bare), Err(ENOTCAPABLE));
    let wider = limits(&narrowed(&declared, &decl(&[NetMode::NameToAddr], &[]))).unwrap();
    assert_eq!(service::limit(Some(&old), &wider), Err(ENOTCAPABLE));
}

#[test]
fn bind_and_reverse_lookups_follow_their_lists() {
    let mut d = decl(&[NetMode::Bind, NetMode::AddrToName], &[]);
    d.bind = vec!["0.0.0.0:8080".parse().unwrap()];
    d.families = vec![Family::Inet];
    let svc = Service::new(limits(&d));
    assert_eq!(svc.bind(&sockaddr("0.0.0.0:8080".parse().unwrap())), Ok(()));
    assert_eq!(
        svc.bind(&sockaddr("0.0.0.0:8081".parse().unwrap())),
        Err(ENOTCAPABLE)
    );
    let v4 = sockaddr("192.0.2.1:0".parse().unwrap());
    assert_eq!(svc.getnameinfo(&v4, 2), Ok(()));
    let v6 = sockaddr("[2001:db8::1]:0".parse().unwrap());
    assert_eq!(
        svc.getnameinfo(&v6, 28),
        Err(Refused {
            gai: EAI_SYSTEM,
            errno: Some(ENOTCAPABLE)
        })
    );
}

#[test]
fn a_connect_list_alone_allows_connecting_to_it_only() {
    // An empty mode list is every mode to cap_net (a `mode` number with all
    // the bits), and a kind without its list is unlimited
    // (net_allowed_bsaddr, net_allowed_hosts): the modes a declaration
    // means come from the lists it gives.
    let mut c = Client::start(NetLimits {
        connect: vec!["127.0.0.1:80".parse().unwrap()],
        ..NetLimits::default()
    });
    assert_eq!(c.connect("127.0.0.1:80"), Ok(()));
    assert_eq!(
        c.svc.bind(&sockaddr("0.0.0.0:8080".parse().unwrap())),
        Err(ENOTCAPABLE)
    );
    assert!(c.lookup_host("h").is_err(), "lookups were not declared");
    let c = Client::start(NetLimits {
        bind: vec!["0.0.0.0:8080".parse().unwrap()],
        ..NetLimits::default()
    });
    assert_eq!(
        c.svc.bind(&sockaddr("0.0.0.0:8080".parse().unwrap())),
        Ok(())
    );
    assert_eq!(
        c.svc.connect(&sockaddr("127.0.0.1:80".parse().unwrap())),
        Err(ENOTCAPABLE)
    );
}
