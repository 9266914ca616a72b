//! One service scenario per run, in a fresh process: `service_probe NAME
//! [ARGS...]` builds the plan the attribute would, enters the sandbox
//! through the generated code's entry point, and checks each declared
//! operation (allowed) and each limit (refused with the capability error).
//! Prints `ok: <check>` per check and `skipped: <reason>`; panics (exit 101)
//! on the first failure.

use std::io::{Read, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};

use sandboxed::__private::{enter, service, OnUnsupported, Plan};
use sandboxed::decl::{
    DbLimits, DnsLimits, DnsType, Family, FileArgsLimits, FileOp, NetLimits, NetMode, OpenFlags,
    Principal, ServiceDecl, Source, SysctlAccess, SysctlLimits,
};
use sandboxed::services::{Dns, FileArgs, Grp, Net, Pwd, Sysctl, Syslog};

fn plan(services: Vec<ServiceDecl>) -> Plan {
    Plan {
        services,
        // Until the Linux backend confines the program itself, run with a
        // warning: the broker enforces the service limits either way.
        on_unsupported: OnUnsupported::Warn,
        ..Plan::default()
    }
}

fn check(what: &str, ok: bool) {
    assert!(ok, "failed: {what}");
    println!("ok: {what}");
}

/// The request fails with the capability error.
fn refused<T: std::fmt::Debug>(what: &str, r: std::io::Result<T>) {
    match r {
        Err(e) if sandboxed::is_violation(&e) => println!("ok: refused: {what} ({e})"),
        other => panic!("failed: {what} should be refused, got {other:?}"),
    }
}

fn errno<T: std::fmt::Debug>(what: &str, r: std::io::Result<T>, code: i32) {
    match r {
        Err(e) if e.raw_os_error() == Some(code) => println!("ok: {what} ({e})"),
        other => panic!("failed: {what} should fail with errno {code}, got {other:?}"),
    }
}

fn program_sandboxed(direct: impl FnOnce() -> std::io::Result<()>, what: &str) {
    if sandboxed::is_sandboxed() {
        check(&format!("direct {what} is denied"), direct().is_err());
    } else {
        println!("skipped: direct {what} (the program itself is not sandboxed on this backend)");
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let scenario = args.get(1).map(String::as_str).unwrap_or("");
    match scenario {
        "dns" => dns(),
        "dns-reverse" => dns_reverse(),
        "pwd" => pwd(),
        "grp" => grp(),
        "sysctl" => sysctl(),
        "syslog" => syslog(),
        "fileargs" => fileargs(&args[2..]),
        "net" => net(args[2].parse().expect("port")),
        "threads" => threads(),
        "fileargs-arg" => fileargs_arg(),
        "broker-pid" => broker_pid(),
        "fuzz" => fuzz(&args[2..]),
        other => panic!("unknown scenario {other:?}"),
    }
}

fn dns() {
    let mut h = enter(plan(vec![ServiceDecl::Dns(DnsLimits {
        types: vec![DnsType::NameToAddr],
        families: vec![Family::Inet],
    })]));
    let dns: Dns = service(&mut h, 0);
    let addrs = dns.lookup_host("localhost").expect("lookup localhost");
    check(
        "localhost resolves to 127.0.0.1",
        addrs.contains(&IpAddr::V4(Ipv4Addr::LOCALHOST)),
    );
    check("only inet addresses", addrs.iter().all(IpAddr::is_ipv4));
    refused("addr2name", dns.lookup_addr(Ipv4Addr::LOCALHOST.into()));
    refused(
        "family inet6",
        dns.lookup_host_in("localhost", Family::Inet6),
    );
    errno(
        "unknown host",
        dns.lookup_host("no-such-host.invalid."),
        libc::ENOENT,
    );
    errno("host with NUL", dns.lookup_host("a\0b"), libc::EINVAL);
    refused(
        "widening types",
        dns.limit(&DnsLimits {
            types: vec![DnsType::NameToAddr, DnsType::AddrToName],
            families: vec![],
        }),
    );
    refused(
        "widening families",
        dns.limit(&DnsLimits {
            types: vec![],
            families: vec![Family::Inet6],
        }),
    );
    check(
        "lookups still work after refused limits",
        dns.lookup_host("localhost").is_ok(),
    );
}

fn dns_reverse() {
    let mut h = enter(plan(vec![ServiceDecl::Dns(DnsLimits {
        types: vec![DnsType::AddrToName, DnsType::NameToAddr],
        families: vec![],
    })]));
    let dns: Dns = service(&mut h, 0);
    let name = dns
        .lookup_addr(Ipv4Addr::LOCALHOST.into())
        .expect("reverse");
    check("127.0.0.1 is localhost", name == "localhost");
    dns.limit(&DnsLimits {
        types: vec![DnsType::AddrToName],
        families: vec![],
    })
    .expect("narrowing");
    refused("name2addr after narrowing", dns.lookup_host("localhost"));
    check(
        "addr2name after narrowing",
        dns.lookup_addr(Ipv4Addr::LOCALHOST.into()).is_ok(),
    );
}

fn pwd() {
    let mut h = enter(plan(vec![ServiceDecl::Pwd(DbLimits {
        cmds: vec!["getpwnam", "getpwent"],
        fields: vec!["pw_name", "pw_uid"],
        principals: vec![Principal::Name("root".into())],
    })]));
    let pwd: Pwd = service(&mut h, 0);
    let root = pwd
        .user_by_name("root")
        .expect("root")
        .expect("root exists");
    check("root's name", root.name.as_deref() == Some("root"));
    check("root's uid", root.uid == Some(0));
    check(
        "fields outside the limit are empty",
        root.dir.is_none() && root.shell.is_none(),
    );
    refused("getpwuid not declared", pwd.user_by_uid(0));
    refused("user outside the limit", pwd.user_by_name("daemon"));
    refused(
        "missing user outside the limit",
        pwd.user_by_name("no-such-user"),
    );
    let all = pwd.users().expect("getpwent");
    check(
        "enumeration shows only root",
        all.len() == 1 && all[0].name.as_deref() == Some("root"),
    );
    refused(
        "widening commands",
        pwd.limit(&DbLimits {
            cmds: vec!["getpwuid"],
            ..DbLimits::default()
        }),
    );
    errno(
        "a group command in a pwd limit",
        pwd.limit(&DbLimits {
            cmds: vec!["getgrnam"],
            ..DbLimits::default()
        }),
        libc::EINVAL,
    );
    pwd.limit(&DbLimits {
        fields: vec!["pw_name"],
        ..DbLimits::default()
    })
    .expect("narrowing fields");
    let root = pwd.user_by_name("root").unwrap().unwrap();
    check("narrowed fields", root.name.is_some() && root.uid.is_none());
    pwd.limit(&DbLimits {
        cmds: vec!["getpwent"],
        ..DbLimits::default()
    })
    .expect("narrowing commands");
    refused("getpwnam after narrowing", pwd.user_by_name("root"));
    program_sandboxed(
        || std::fs::read("/etc/passwd").map(drop),
        "read of /etc/passwd",
    );
}

fn grp() {
    let mut h = enter(plan(vec![ServiceDecl::Grp(DbLimits {
        cmds: vec!["getgrgid", "getgrnam"],
        fields: vec![],
        principals: vec![Principal::Id(0)],
    })]));
    let grp: Grp = service(&mut h, 0);
    let root = grp.group_by_gid(0).expect("gid 0").expect("exists");
    check("gid 0 is root", root.name.as_deref() == Some("root"));
    check("all fields", root.gid == Some(0) && root.members.is_some());
    check(
        "by name, allowed by id",
        grp.group_by_name("root").unwrap().is_some(),
    );
    refused("group outside the limit", grp.group_by_name("daemon"));
    refused("getgrent not declared", grp.groups());
    refused(
        "widening groups",
        grp.limit(&DbLimits {
            principals: vec![Principal::Id(1)],
            ..DbLimits::default()
        }),
    );
}

const READ: SysctlAccess = SysctlAccess {
    read: true,
    write: false,
    recursive: false,
};

fn sysctl() {
    let mut h = enter(plan(vec![ServiceDecl::Sysctl(SysctlLimits {
        entries: vec![
            ("kernel.ostype", READ),
            (
                "kernel.random",
                SysctlAccess {
                    recursive: true,
                    ..READ
                },
            ),
        ],
    })]));
    let sysctl: Sysctl = service(&mut h, 0);
    check(
        "kernel.ostype is Linux",
        sysctl.get_string("kernel.ostype").expect("read") == "Linux",
    );
    check(
        "recursive: kernel.random.boot_id",
        sysctl.get_string("kernel.random.boot_id").is_ok(),
    );
    refused("entry not declared", sysctl.get("kernel.hostname"));
    refused(
        "write without write access",
        sysctl.set("kernel.ostype", b"x"),
    );
    errno(
        "a name escaping /proc/sys",
        sysctl.get("kernel/../../etc"),
        libc::EINVAL,
    );
    refused(
        "widening to write",
        sysctl.limit(&SysctlLimits {
            entries: vec![(
                "kernel.ostype",
                SysctlAccess {
                    write: true,
                    ..READ
                },
            )],
        }),
    );
    sysctl
        .limit(&SysctlLimits {
            entries: vec![("kernel.random.boot_id", READ)],
        })
        .expect("narrowing");
    refused("kernel.ostype after narrowing", sysctl.get("kernel.ostype"));
    program_sandboxed(
        || std::fs::read("/proc/sys/kernel/ostype").map(drop),
        "read of /proc/sys",
    );
}

fn syslog() {
    let mut h = enter(plan(vec![ServiceDecl::Syslog]));
    let log: Syslog = service(&mut h, 0);
    log.open("probe", libc::LOG_PID, libc::LOG_DAEMON)
        .expect("openlog");
    log.log(libc::LOG_NOTICE, "hello from the sandbox")
        .expect("syslog");
    let old = log.set_mask(1 << libc::LOG_ERR).expect("setlogmask");
    check("default mask is all", old == 0xff);
    log.log(libc::LOG_INFO, "masked").expect("masked syslog");
    log.log(libc::LOG_ERR, "second").expect("syslog");
    errno("a bad priority", log.log(1 << 20, "x"), libc::EINVAL);
    log.close().expect("closelog");
}

fn fileargs(names: &[String]) {
    let mut h = enter(plan(vec![ServiceDecl::FileArgs(FileArgsLimits {
        source: Source::Args(2),
        flags: OpenFlags::READ,
        limits: Default::default(),
        operations: vec![FileOp::Open, FileOp::Lstat],
    })]));
    let files: FileArgs = service(&mut h, 0);
    let first = &names[0];
    let mut text = String::new();
    let mut f = std::fs::File::from(OwnedFd::from(files.open(first).expect("open")));
    f.read_to_string(&mut text).unwrap();
    check("first open reads the file", text == "first file\n");
    let mut again = String::new();
    let mut g = std::fs::File::from(OwnedFd::from(files.open(first).expect("reopen")));
    g.read_to_string(&mut again).unwrap();
    check(
        "second open (through the broker) reads it too",
        again == text,
    );
    check("opened read-only", g.write_all(b"x").is_err());
    let second = files
        .open(&names[1])
        .map(OwnedFd::from)
        .expect("second name");
    check(
        "second name opens",
        second.as_fd().try_clone_to_owned().is_ok(),
    );
    let st = files.lstat(first).expect("lstat");
    check("lstat size", st.size == 11);
    refused(
        "a name not on the command line",
        files.open("/etc/hostname"),
    );
    refused(
        "another spelling of the same file",
        files.open(format!("{first}/.")),
    );
    refused("realpath not declared", files.realpath(first));
    program_sandboxed(
        || std::fs::File::open(first).map(drop),
        "open of the named file",
    );
}

fn fileargs_arg() {
    let _ = enter(plan(vec![ServiceDecl::FileArgs(FileArgsLimits {
        source: Source::Arg(2),
        flags: OpenFlags::READ,
        limits: Default::default(),
        operations: vec![FileOp::Open],
    })]));
    println!("unreachable: started without argv[2]");
}

fn broker_pid() {
    let mut h = enter(plan(vec![ServiceDecl::Syslog]));
    let log: Syslog = service(&mut h, 0);
    check("broker answers", log.set_mask(0).is_ok());
    match broker() {
        Some(pid) => {
            let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
            check(
                "the broker runs under seccomp",
                status.contains("Seccomp:\t2"),
            );
            check(
                "the broker has no_new_privs",
                status.contains("NoNewPrivs:\t1"),
            );
            let fds = std::fs::read_dir(format!("/proc/{pid}/fd"))
                .unwrap()
                .count();
            // stdin, stdout, stderr and its one socket.
            check(&format!("the broker keeps 4 descriptors ({fds})"), fds == 4);
            println!("broker: {pid}");
        }
        None => println!("skipped: /proc does not show the broker"),
    }
    // Exit without closing anything: the broker must follow.
    std::process::exit(0);
}

fn net(port: u16) {
    let allowed = SocketAddr::from(([127, 0, 0, 1], port));
    let mut h = enter(plan(vec![ServiceDecl::Net(NetLimits {
        modes: vec![NetMode::Connect],
        connect: vec![allowed],
        ..NetLimits::default()
    })]));
    let net: Net = service(&mut h, 0);
    let mut s = net.connect(allowed).expect("connect");
    s.write_all(b"hi").unwrap();
    check("connected to the declared address", true);
    refused(
        "another port",
        net.connect(SocketAddr::from(([127, 0, 0, 1], port.wrapping_add(1)))),
    );
    refused(
        "bind not declared",
        net.bind_udp(SocketAddr::from(([127, 0, 0, 1], 0))),
    );
    refused("lookup not declared", net.lookup_host("localhost"));
    refused(
        "widening connect",
        net.limit(&NetLimits {
            connect: vec![SocketAddr::from(([127, 0, 0, 1], 1))],
            ..NetLimits::default()
        }),
    );
}

fn threads() {
    let t = std::thread::spawn(|| std::thread::sleep(std::time::Duration::from_secs(2)));
    let _ = enter(plan(vec![ServiceDecl::Dns(DnsLimits::default())]));
    drop(t);
    println!("unreachable: services started with two threads");
}

// ---- fuzz ----

/// xorshift64*: deterministic, seeded from the command line.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// Valid requests of the fuzzed services, as the wire format spells them
/// (opcode, then length-prefixed fields), to mutate.
fn seeds(file: &str) -> Vec<Vec<u8>> {
    let s = |op: u8, text: &str| {
        let mut m = vec![op];
        m.extend_from_slice(&(text.len() as u32).to_le_bytes());
        m.extend_from_slice(text.as_bytes());
        m
    };
    vec![
        [s(7, "root").as_slice(), &[]].concat()[..].to_vec(),
        vec![7, 2],
        vec![9, 1, 0, 0, 0, 0],
        s(11, "kernel.ostype"),
        s(18, file),
        s(19, file),
        s(20, file),
        vec![16],
        vec![17, 0, 0, 0, 0],
        vec![
            8, 1, 0, 0, 0, 8, 0, 0, 0, b'g', b'e', b't', b'p', b'w', b'n', b'a', b'm', 0, 0, 0, 0,
            0, 0, 0, 0,
        ],
    ]
}

fn raw_call(sock: BorrowedFd<'_>, message: &[u8], fds: &[BorrowedFd<'_>]) -> (Vec<u8>, usize) {
    use rustix::net::{
        recvmsg, sendmsg, RecvAncillaryBuffer, RecvAncillaryMessage, RecvFlags,
        SendAncillaryBuffer, SendAncillaryMessage, SendFlags,
    };
    use std::io::{IoSlice, IoSliceMut};
    use std::mem::MaybeUninit;
    let mut space = vec![MaybeUninit::uninit(); rustix::cmsg_space!(ScmRights(8))];
    let mut control = SendAncillaryBuffer::new(&mut space);
    if !fds.is_empty() {
        assert!(control.push(SendAncillaryMessage::ScmRights(fds)));
    }
    sendmsg(
        sock,
        &[IoSlice::new(message)],
        &mut control,
        SendFlags::NOSIGNAL,
    )
    .expect("send");
    let mut buf = vec![0u8; 70_000];
    let mut rspace = vec![MaybeUninit::uninit(); rustix::cmsg_space!(ScmRights(2))];
    let mut rcontrol = RecvAncillaryBuffer::new(&mut rspace);
    let msg = recvmsg(
        sock,
        &mut [IoSliceMut::new(&mut buf)],
        &mut rcontrol,
        RecvFlags::CMSG_CLOEXEC,
    )
    .expect("the broker answers");
    let mut received = 0;
    for m in rcontrol.drain() {
        if let RecvAncillaryMessage::ScmRights(fds) = m {
            received += fds.count(); // each dropped (closed) here
        }
    }
    buf.truncate(msg.bytes);
    (buf, received)
}

fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").map_or(0, |d| d.count())
}

fn fuzz(args: &[String]) {
    let count: u64 = args[0].parse().expect("count");
    let seed: u64 = args[1].parse().expect("seed");
    let file = args[2].clone();
    let mut h = enter(plan(vec![
        ServiceDecl::Pwd(DbLimits {
            cmds: vec!["getpwnam", "getpwuid"],
            fields: vec![],
            principals: vec![Principal::Name("root".into())],
        }),
        ServiceDecl::Grp(DbLimits {
            cmds: vec!["getgrgid"],
            fields: vec!["gr_name"],
            principals: vec![Principal::Id(0)],
        }),
        ServiceDecl::Sysctl(SysctlLimits {
            entries: vec![("kernel.ostype", READ)],
        }),
        ServiceDecl::Syslog,
        ServiceDecl::FileArgs(FileArgsLimits {
            source: Source::Args(4),
            flags: OpenFlags::READ,
            limits: Default::default(),
            operations: vec![FileOp::Open, FileOp::Lstat, FileOp::Realpath],
        }),
    ]));
    let pwd: Pwd = service(&mut h, 0);
    let grp: Grp = service(&mut h, 1);
    let sysctl: Sysctl = service(&mut h, 2);
    let log: Syslog = service(&mut h, 3);
    let files: FileArgs = service(&mut h, 4);
    let sockets: Vec<BorrowedFd<'_>> = [
        pwd.__socket(),
        grp.__socket(),
        sysctl.__socket(),
        log.__socket(),
        files.__socket(),
    ]
    .into_iter()
    .map(|s| s.expect("a broker socket"))
    .collect();
    let null = std::fs::File::open("/dev/null").unwrap();
    let (pipe_r, pipe_w) = rustix::pipe::pipe().unwrap();
    let extra: [BorrowedFd<'_>; 3] = [null.as_fd(), pipe_r.as_fd(), pipe_w.as_fd()];
    let seeds = seeds(&file);
    let mut rng = Rng(seed | 1);
    let fds_before = open_fds();
    let broker_before = broker_fds();
    let started = std::time::Instant::now();
    let (mut errors, mut oks, mut passed) = (0u64, 0u64, 0usize);
    for i in 0..count {
        let sock = sockets[rng.below(sockets.len() as u64) as usize];
        let mut message = match rng.below(8) {
            // Pure noise.
            0 | 1 => {
                let len = rng.below(64) as usize;
                (0..len).map(|_| rng.next() as u8).collect()
            }
            // A valid request with a few bytes changed, cut or extended.
            _ => {
                let mut m = seeds[rng.below(seeds.len() as u64) as usize].clone();
                for _ in 0..rng.below(3) {
                    let at = rng.below(m.len() as u64) as usize;
                    m[at] = rng.next() as u8;
                }
                match rng.below(4) {
                    0 => m.truncate(rng.below(m.len() as u64 + 1) as usize),
                    1 => m.extend((0..rng.below(8)).map(|_| rng.next() as u8)),
                    _ => {}
                }
                m
            }
        };
        // Now and then an oversized message.
        if i % 997 == 0 {
            message = vec![0x55; 70_000 + rng.below(1000) as usize];
        }
        let nfds = if rng.below(16) == 0 {
            1 + rng.below(3) as usize
        } else {
            0
        };
        let (answer, got) = raw_call(sock, &message, &extra[..nfds]);
        passed += got;
        match answer.first() {
            Some(0) => oks += 1,
            Some(1) if answer.len() == 5 => errors += 1,
            _ => panic!("failed: not an answer: {answer:?} to {message:?}"),
        }
        if nfds > 0 {
            check_quiet(
                answer.first() == Some(&1),
                "a message with descriptors is refused",
            );
        }
    }
    let elapsed = started.elapsed();
    println!(
        "fuzz: {count} messages in {:.2?} ({:.1} µs each): {oks} answered, {errors} refused, {passed} descriptors handed over",
        elapsed,
        elapsed.as_secs_f64() * 1e6 / count.max(1) as f64
    );
    check(
        "no descriptor leaked into the program",
        open_fds() == fds_before,
    );
    // The broker still answers correctly, with its limits intact.
    check(
        "pwd still answers",
        pwd.user_by_name("root").unwrap().unwrap().uid == Some(0),
    );
    refused("pwd limits intact", pwd.user_by_name("daemon"));
    check(
        "sysctl still answers",
        sysctl.get_string("kernel.ostype").unwrap() == "Linux",
    );
    refused("sysctl limits intact", sysctl.get("kernel.hostname"));
    check("fileargs still answers", files.open(&file).is_ok());
    refused("fileargs limits intact", files.open("/etc/passwd"));
    check("grp still answers", grp.group_by_gid(0).unwrap().is_some());
    check("syslog still answers", log.set_mask(0).is_ok());
    match (broker_before, broker_fds()) {
        (Some(before), Some(after)) => check(
            &format!("no descriptor leaked in the broker ({before} open before, {after} after)"),
            before == after,
        ),
        _ => println!("skipped: broker descriptors (/proc does not show them)"),
    }
}

fn check_quiet(ok: bool, what: &str) {
    assert!(ok, "failed: {what}");
}

/// The broker's pid, when /proc shows it (the program's only child).
fn broker() -> Option<u32> {
    let me = std::process::id();
    let children = std::fs::read_to_string(format!("/proc/{me}/task/{me}/children")).ok()?;
    children.split_whitespace().next()?.parse().ok()
}

/// The broker's open descriptors, when /proc shows them.
fn broker_fds() -> Option<usize> {
    Some(
        std::fs::read_dir(format!("/proc/{}/fd", broker()?))
            .ok()?
            .count(),
    )
}
