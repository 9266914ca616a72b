//! The libcasper services on a FreeBSD kernel (feature `casper`): opened
//! as declared, then asked from capability mode in a forked child, within
//! their limits and beyond them.

use std::net::{IpAddr, Ipv4Addr, TcpListener};

use super::*;
use crate::decl::{
    DnsLimits, DnsType, NetLimits, NetMode, Principal, PwdCmd, PwdField, PwdLimits, SysctlAccess,
    SysctlLimits,
};
use std::os::fd::OwnedFd;

use crate::services::contract::{DbQuery, Group, Request, Transport, User};

/// Opens `services`, enters capability mode, and runs `check` on the
/// channels, all in a child.
fn with_services(
    services: Vec<ServiceDecl>,
    check: impl FnOnce(&[super::super::Channel]) -> Result<(), String>,
) {
    in_child(|| {
        let mut native = Native::new();
        let channels = native.open_services(&services).map_err(|e| e.to_string())?;
        native.enter().map_err(|e| e.to_string())?;
        check(&channels).map(|()| true)
    });
}

#[test]
fn dns_answers_only_the_declared_lookup_types() {
    require_capsicum!();
    let dns = ServiceDecl::Dns(DnsLimits {
        types: vec![DnsType::NameToAddr],
        families: Vec::new(),
    });
    with_services(vec![dns], |channels| {
        let addrs = channels[0]
            .ask::<Vec<IpAddr>>(Request::LookupHost {
                host: "localhost",
                family: None,
            })
            .map_err(|e| format!("lookup_host: {e}"))?;
        if !addrs.iter().any(|a| a.is_loopback()) {
            return Err(format!("localhost resolved to {addrs:?}"));
        }
        denied(
            "lookup_addr",
            channels[0].ask::<String>(Request::LookupAddr {
                addr: IpAddr::V4(Ipv4Addr::LOCALHOST),
            }),
        )
    });
}

#[test]
fn net_connects_only_to_the_declared_addresses() {
    require_capsicum!();
    let allowed = TcpListener::bind("127.0.0.1:0").unwrap();
    let other = TcpListener::bind("127.0.0.1:0").unwrap();
    let allowed_addr = allowed.local_addr().unwrap();
    let other_addr = other.local_addr().unwrap();
    let net = ServiceDecl::Net(NetLimits {
        modes: vec![NetMode::Connect],
        connect: vec![allowed_addr],
        ..NetLimits::default()
    });
    with_services(vec![net], |channels| {
        use crate::services::SocketKind::Stream;
        channels[0]
            .ask::<OwnedFd>(Request::NetConnect {
                addr: allowed_addr,
                kind: Stream,
            })
            .map_err(|e| format!("connect to {allowed_addr}: {e}"))?;
        denied(
            "connect to another port",
            channels[0].ask::<OwnedFd>(Request::NetConnect {
                addr: other_addr,
                kind: Stream,
            }),
        )?;
        denied(
            "lookups",
            channels[0].ask::<Vec<IpAddr>>(Request::LookupHost {
                host: "localhost",
                family: None,
            }),
        )?;
        denied("direct connect", std::net::TcpStream::connect(other_addr))
    });
}

#[test]
fn pwd_shows_only_the_declared_users_and_fields() {
    require_capsicum!();
    let pwd = ServiceDecl::Pwd(PwdLimits {
        cmds: vec![PwdCmd::Getpwnam, PwdCmd::Getpwuid],
        fields: vec![PwdField::PwName, PwdField::PwUid],
        principals: vec![Principal::Name("root".into())],
    });
    with_services(vec![pwd], |channels| {
        let root = channels[0]
            .ask::<Vec<User>>(Request::Users {
                query: DbQuery::ByName("root"),
            })
            .map_err(|e| format!("getpwnam(root): {e}"))?;
        match root.as_slice() {
            [u] if u.uid == Some(0) && u.name.as_deref() == Some("root") && u.dir.is_none() => {}
            other => return Err(format!("root is {other:?}")),
        }
        match channels[0].ask::<Vec<User>>(Request::Users {
            query: DbQuery::ByName("daemon"),
        }) {
            Ok(found) if !found.is_empty() => Err(format!("daemon visible: {found:?}")),
            _ => Ok(()),
        }
    });
}

#[test]
fn sysctl_reads_only_the_declared_names() {
    require_capsicum!();
    let read = SysctlAccess {
        read: true,
        write: false,
        recursive: false,
    };
    let sysctl = ServiceDecl::Sysctl(SysctlLimits {
        entries: vec![("kern.ostype", read)],
    });
    with_services(vec![sysctl], |channels| {
        let ostype = channels[0]
            .ask::<Vec<u8>>(Request::SysctlGet {
                name: "kern.ostype",
            })
            .map_err(|e| format!("kern.ostype: {e}"))?;
        if !ostype.starts_with(b"FreeBSD") {
            return Err(format!(
                "kern.ostype = {:?}",
                String::from_utf8_lossy(&ostype)
            ));
        }
        match channels[0].ask::<Vec<u8>>(Request::SysctlGet {
            name: "kern.hostname",
        }) {
            Ok(v) => Err(format!("kern.hostname readable: {v:?}")),
            Err(_) => Ok(()),
        }
    });
}

#[test]
fn services_refuse_to_start_in_a_threaded_process() {
    require_capsicum!();
    in_child(|| {
        let (done, wait) = std::sync::mpsc::channel::<()>();
        let thread = std::thread::spawn(move || wait.recv().is_err());
        let result = Native::new().open_services(&[ServiceDecl::Syslog]);
        drop(done);
        thread.join().map_err(|_| "thread panicked".to_owned())?;
        match result {
            Err(e) if e.to_string().contains("threads") => Ok(true),
            other => Err(format!("expected a refusal, got {other:?}")),
        }
    });
}

#[test]
fn groups_by_name_and_by_id_together_start() {
    require_capsicum!();
    // cap_grp_limit_groups would key both "gid0" (EEXIST).
    let grp = ServiceDecl::Grp(crate::decl::GrpLimits {
        cmds: vec![crate::decl::GrpCmd::Getgrgid, crate::decl::GrpCmd::Getgrnam],
        fields: Vec::new(),
        principals: vec![Principal::Name("wheel".into()), Principal::Id(0)],
    });
    with_services(vec![grp], |channels| {
        match channels[0].ask::<Vec<Group>>(Request::Groups {
            query: DbQuery::ById(0),
        }) {
            Ok(g) if g.len() == 1 => Ok(()),
            other => Err(format!("gid 0: {other:?}")),
        }
    });
}

#[test]
fn listing_users_twice_gives_the_same_users() {
    require_capsicum!();
    let pwd = ServiceDecl::Pwd(PwdLimits {
        cmds: vec![PwdCmd::Getpwent],
        fields: vec![PwdField::PwName],
        principals: Vec::new(),
    });
    with_services(vec![pwd], |channels| {
        let first = channels[0]
            .ask::<Vec<User>>(Request::Users {
                query: DbQuery::All,
            })
            .map_err(|e| e.to_string())?;
        let second = channels[0]
            .ask::<Vec<User>>(Request::Users {
                query: DbQuery::All,
            })
            .map_err(|e| e.to_string())?;
        if first.is_empty() || first != second {
            return Err(format!("{} users, then {}", first.len(), second.len()));
        }
        Ok(())
    });
}

#[test]
fn a_refused_net_lookup_is_enotcapable_whatever_errno_was() {
    require_capsicum!();
    let net = ServiceDecl::Net(NetLimits {
        modes: vec![NetMode::NameToAddr],
        hosts: vec![(Some("localhost".into()), None)],
        ..NetLimits::default()
    });
    with_services(vec![net], |channels| {
        // SAFETY: sets this thread's errno.
        unsafe { *libc::__error() = libc::EBADF };
        match channels[0].ask::<Vec<IpAddr>>(Request::LookupHost {
            host: "example.org",
            family: None,
        }) {
            Err(e) if e.raw_os_error() == Some(libc::ENOTCAPABLE) => Ok(()),
            other => Err(format!("undeclared host: {other:?}")),
        }
    });
}

#[test]
fn connectdns_reaches_a_looked_up_address_on_its_port() {
    require_capsicum!();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let net = ServiceDecl::Net(NetLimits {
        modes: vec![NetMode::NameToAddr, NetMode::ConnectDns],
        families: vec![crate::decl::Family::Inet],
        ..NetLimits::default()
    });
    with_services(vec![net], |channels| {
        use crate::services::SocketKind::Stream;
        let addrs = channels[0]
            .ask::<Vec<IpAddr>>(Request::LookupHost {
                host: "localhost",
                family: None,
            })
            .map_err(|e| format!("lookup: {e}"))?;
        if !addrs.contains(&IpAddr::V4(Ipv4Addr::LOCALHOST)) {
            return Err(format!("localhost is {addrs:?}"));
        }
        let addr = std::net::SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port);
        channels[0]
            .ask::<OwnedFd>(Request::NetConnect { addr, kind: Stream })
            .map(drop)
            .map_err(|e| format!("connect to {addr}: {e}"))
    });
}

#[test]
fn fileargs_shares_the_casper_process() {
    require_capsicum!();
    let path = temp_file("fileargs");
    let fileargs = ServiceDecl::FileArgs(crate::decl::FileArgsLimits {
        source: crate::decl::Source::Expr {
            text: "path",
            value: path.clone().into_os_string(),
        },
        flags: crate::decl::OpenFlags::READ,
        limits: limits(&[Right::Read, Right::Fstat]),
        operations: Vec::new(),
    });
    let dns = ServiceDecl::Dns(DnsLimits::default());
    with_services(vec![dns, fileargs], |channels| {
        let mut file = std::fs::File::from(
            channels[1]
                .ask::<OwnedFd>(Request::FileOpen { path: &path })
                .map_err(|e| format!("fileargs_open: {e}"))?,
        );
        let mut text = String::new();
        file.read_to_string(&mut text).map_err(|e| e.to_string())?;
        (text == "contents").then_some(()).ok_or(text)
    });
    std::fs::remove_file(path).unwrap();
}

#[test]
fn a_channel_answers_only_its_own_service() {
    require_capsicum!();
    with_services(vec![ServiceDecl::Syslog], |channels| {
        match channels[0].ask::<Vec<IpAddr>>(Request::LookupHost {
            host: "localhost",
            family: None,
        }) {
            Err(e) if e.kind() == io::ErrorKind::Unsupported => Ok(()),
            other => Err(format!("syslog channel answered a lookup: {other:?}")),
        }
    });
}
