use std::os::fd::AsRawFd;

use std::path::Path;

use super::*;
use crate::decl::{
    DnsLimits, DnsType, Family, GrpCmd, GrpLimits, NetLimits, NetMode, Principal, PwdCmd, PwdField,
    PwdLimits, SysctlAccess,
};
use crate::services::contract::{DbQuery, FileStat, Group, SocketKind, User};

fn requests() -> Vec<Request<'static>> {
    vec![
        Request::LookupHost {
            host: "localhost",
            family: Some(Family::Inet6),
        },
        Request::LookupAddr {
            addr: "127.0.0.1".parse().unwrap(),
        },
        Request::LookupService {
            host: "localhost",
            service: "53",
            family: None,
        },
        Request::DnsLimit {
            limits: DnsLimits {
                types: vec![DnsType::NameToAddr],
                families: vec![Family::Inet, Family::Inet6],
            },
        },
        Request::NetConnect {
            addr: "[::1]:80".parse().unwrap(),
            kind: SocketKind::Stream,
        },
        Request::NetBind {
            addr: "127.0.0.1:0".parse().unwrap(),
            kind: SocketKind::Datagram,
        },
        Request::NetLimit {
            limits: NetLimits {
                modes: vec![NetMode::Connect, NetMode::ConnectDns],
                hosts: vec![(Some("localhost".into()), None)],
                families: vec![Family::Inet],
                bind: vec!["127.0.0.1:1".parse().unwrap()],
                connect: vec!["127.0.0.1:2".parse().unwrap()],
            },
        },
        Request::Users {
            query: DbQuery::ByName("root"),
        },
        Request::PwdLimit {
            limits: PwdLimits {
                cmds: vec![PwdCmd::Getpwnam, PwdCmd::Endpwent],
                fields: vec![PwdField::PwName, PwdField::PwUid],
                principals: vec![Principal::Name("root".into()), Principal::Id(0)],
            },
        },
        Request::Groups {
            query: DbQuery::All,
        },
        Request::GrpLimit {
            limits: GrpLimits::default(),
        },
        Request::SysctlGet {
            name: "kernel.ostype",
        },
        Request::SysctlSet {
            name: "kernel.x",
            value: b"1\n",
        },
        Request::SysctlLimit {
            entries: vec![(
                "kernel",
                SysctlAccess {
                    read: true,
                    write: false,
                    recursive: true,
                },
            )],
        },
        Request::SyslogOpen {
            ident: "t",
            option: 1,
            facility: 8,
        },
        Request::Syslog {
            priority: 5,
            message: "hello",
        },
        Request::SyslogClose {},
        Request::SyslogSetMask { mask: 0xff },
        Request::FileOpen {
            path: Path::new("a"),
        },
        Request::FileLstat {
            path: Path::new("b"),
        },
        Request::FileRealpath {
            path: Path::new("c"),
        },
    ]
}

fn decode_request(message: &[u8]) -> Result<Request<'_>> {
    decode(message, Vec::new()).map(|(r, _)| r)
}

#[test]
fn every_request_round_trips() {
    let all = requests();
    for request in &all {
        assert_eq!(decode_request(&encode(request).bytes), Ok(request.clone()));
    }
    // Every variant of the contract is among them.
    let mut names: Vec<_> = all.iter().map(Request::operation).collect();
    names.dedup();
    assert_eq!(names.len(), 21);
}

#[test]
fn every_prefix_and_extension_of_a_request_is_malformed() {
    for request in requests() {
        let message = encode(&request).bytes;
        for cut in 0..message.len() {
            assert_eq!(
                decode_request(&message[..cut]),
                Err(Malformed),
                "{request:?}"
            );
        }
        let mut longer = message.clone();
        longer.push(0);
        assert_eq!(decode_request(&longer), Err(Malformed), "{request:?}");
    }
}

#[test]
fn words_travel_by_name_or_place_and_nothing_else_decodes() {
    // libcasper's names: "getpwnam", and no `cap_grp` command in a
    // `cap_pwd` limit.
    let pwd = |cmd: &str| {
        let mut w = Writer::default();
        w.u8(8);
        w.len(1);
        w.raw(cmd.as_bytes());
        w.len(0);
        w.len(0);
        let message = w.bytes;
        decode_request(&message).map(|r| format!("{r:?}"))
    };
    assert_eq!(
        pwd("getpwnam"),
        Ok(format!(
            "{:?}",
            Request::PwdLimit {
                limits: PwdLimits {
                    cmds: vec![PwdCmd::Getpwnam],
                    ..PwdLimits::default()
                }
            }
        ))
    );
    assert_eq!(pwd(GrpCmd::Getgrnam.name()), Err(Malformed));
    assert_eq!(pwd("GETPWNAM"), Err(Malformed));
    // Lookup types and modes by their place in the vocabulary, from 1,
    // as the fuzz seeds spell them.
    let dns =
        |code: u8| decode_request(&[3, 1, 0, 0, 0, code, 0, 0, 0, 0]).map(|r| format!("{r:?}"));
    assert_eq!(
        dns(1),
        Ok(format!(
            "{:?}",
            Request::DnsLimit {
                limits: DnsLimits {
                    types: vec![DnsType::NameToAddr],
                    families: vec![],
                }
            }
        ))
    );
    assert_eq!(dns(0), Err(Malformed));
    assert_eq!(dns(DnsType::ALL.len() as u8 + 1), Err(Malformed));
    let limits = NetLimits {
        modes: NetMode::ALL.to_vec(),
        ..NetLimits::default()
    };
    let net = encode(&Request::NetLimit { limits }).bytes;
    assert_eq!(&net[..10], [6, 5, 0, 0, 0, 1, 2, 3, 4, 5]);
}

#[test]
fn forged_counts_do_not_allocate() {
    // DnsLimit with a count of 2^32-1 types and nothing after it.
    assert_eq!(decode_request(&[3, 0xff, 0xff, 0xff, 0xff]), Err(Malformed));
    type Answer = std::result::Result<Reply, i32>;
    assert!(decode::<Answer>(&[0, 3, 0xff, 0xff, 0xff, 0xff], Vec::new()).is_err());
}

fn answers() -> Vec<std::result::Result<Reply, i32>> {
    vec![
        Err(libc::EPERM),
        Ok(Reply::Done(())),
        Ok(Reply::Addrs(vec!["::1".parse().unwrap()])),
        Ok(Reply::Name("localhost".into())),
        Ok(Reply::SockAddrs(vec!["127.0.0.1:53".parse().unwrap()])),
        Ok(Reply::Users(vec![User {
            name: Some("root".into()),
            uid: Some(0),
            dir: Some("/root".into()),
            ..User::default()
        }])),
        Ok(Reply::Groups(vec![Group {
            name: Some("wheel".into()),
            members: Some(vec!["root".into()]),
            ..Group::default()
        }])),
        Ok(Reply::Bytes(b"Linux\n".to_vec())),
        Ok(Reply::Mask(3)),
        Ok(Reply::Stat(FileStat {
            size: 1,
            mode: 0o100644,
            uid: 0,
            gid: 0,
            mtime: -1,
        })),
        Ok(Reply::Path("/a/b".into())),
    ]
}

#[test]
fn answers_round_trip() {
    for answer in answers() {
        let message = encode(&answer).bytes;
        let (back, left) = decode::<std::result::Result<Reply, i32>>(&message, Vec::new()).unwrap();
        assert_eq!(format!("{back:?}"), format!("{answer:?}"));
        assert!(left.is_empty());
        for cut in 0..message.len() {
            assert!(
                decode::<std::result::Result<Reply, i32>>(&message[..cut], Vec::new()).is_err()
            );
        }
    }
}

#[test]
fn a_descriptor_travels_beside_its_reply() {
    let file = std::fs::File::open("/dev/null").unwrap();
    let answer: std::result::Result<Reply, i32> = Ok(Reply::Fd(OwnedFd::from(file)));
    let w = encode(&answer);
    assert_eq!(w.bytes, [0, 8]);
    assert_eq!(w.fds.len(), 1);
    let message = w.bytes.clone();
    drop(w);
    // No descriptor beside it: malformed.
    assert!(decode::<std::result::Result<Reply, i32>>(&message, Vec::new()).is_err());
    // Two: the reply takes the first, the other is left over (a spare).
    let fds = vec![
        OwnedFd::from(std::fs::File::open("/dev/null").unwrap()),
        OwnedFd::from(std::fs::File::open("/dev/null").unwrap()),
    ];
    let first = fds[0].as_raw_fd();
    let (back, left) = decode::<std::result::Result<Reply, i32>>(&message, fds).unwrap();
    match back {
        Ok(Reply::Fd(fd)) => assert_eq!(fd.as_raw_fd(), first),
        other => panic!("{other:?}"),
    }
    assert_eq!(left.len(), 1);
}
