//! One service scenario per run, in a fresh process: `service_probe NAME
//! [ARGS...]` enters the real sandbox, through the `#[sandboxed(services(..))]`
//! attribute wherever the limits are literals (a hand-built `Plan` with
//! `on_unsupported = deny` where the test picks a port at run time), and
//! checks each declared operation (allowed), each limit (refused with the
//! capability error) and that the program cannot do the same directly.
//! Prints `ok: <check>` per check; panics (exit 101) on the first failure.
//!
//! `pause: LABEL` on stdout, then a line read from stdin, lets the runner
//! look at this process and its broker from outside (/proc is out of reach
//! inside the sandbox).

use std::io::{BufRead, Read, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpStream, UdpSocket};
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::os::unix::net::{UnixDatagram, UnixStream};

use sandboxed::__private::{enter, service, OnUnsupported, Plan};
use sandboxed::decl::{
    DnsLimits, DnsType, Family, GrpCmd, GrpLimits, NetLimits, NetMode, Principal, PwdCmd, PwdField,
    PwdLimits, ServiceDecl, SysctlAccess, SysctlLimits,
};
use sandboxed::sandboxed;
use sandboxed::services::{Dns, FileArgs, Grp, Net, Pwd, Sysctl, Syslog};
use sandboxed_tests::checks::{check, errno, refused, READ};

/// The program itself, in the same process, is denied what the service
/// does for it: the sandbox's own error (`EPERM`/`EACCES`).
fn denied<T: std::fmt::Debug>(what: &str, r: std::io::Result<T>) {
    assert!(
        sandboxed::is_sandboxed(),
        "failed: the program is not sandboxed"
    );
    match r {
        Err(e) if sandboxed::is_violation(&e) => {
            println!("ok: denied to the program: {what} ({e})")
        }
        other => panic!("failed: {what} should be denied to the program, got {other:?}"),
    }
}

/// Lets the runner look from outside, then goes on.
fn pause(label: &str) {
    println!("pause: {label}");
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).expect("stdin");
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let scenario = args.get(1).map(String::as_str).unwrap_or("");
    match scenario {
        "dns" => dns(),
        "dns-reverse" => dns_reverse(),
        "pwd" => pwd(),
        "grp" => grp(),
        "grp-ent" => grp_ent(),
        "sysctl" => sysctl(),
        "syslog" => syslog(),
        "fileargs" => fileargs(),
        "net" => net(args[2].parse().expect("port")),
        "net-connectdns" => net_connectdns(),
        "net-connectdns-port" => net_connectdns_port(args[2].parse().expect("port")),
        "net-implied" => net_implied(args[2].parse().expect("port")),
        "net-bind" => net_bind(),
        "net-hosts" => net_hosts(),
        "threads" => threads(),
        "fileargs-arg" => fileargs_arg(),
        "fileargs-create" => fileargs_create(),
        "fileargs-rights" => fileargs_rights(),
        "fileargs-room" => fileargs_room(),
        "fileargs-dir" => fileargs_dir(),
        "fileargs-redirect" => fileargs_redirect(),
        "fileargs-replaced" => fileargs_replaced(),
        "fileargs-redirect-create" => fileargs_redirect_create(),
        #[cfg(target_os = "linux")]
        "fileargs-intercept" => fileargs_intercept(),
        "broker-pid" => broker_pid(),
        #[cfg(target_os = "linux")]
        "attack-broker" => attack_broker(),
        "fuzz" => fuzz(),
        other => panic!("unknown scenario {other:?}"),
    }
}

#[sandboxed(services(dns(types = [name2addr], families = [inet])))]
fn dns(dns: Dns) {
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
    denied("read /etc/hosts", std::fs::read("/etc/hosts"));
    denied("a UDP socket", UdpSocket::bind("127.0.0.1:0"));
    denied("a TCP connection", TcpStream::connect("127.0.0.1:9"));
}

#[sandboxed(services(dns(types = [addr2name, name2addr])))]
fn dns_reverse(dns: Dns) {
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

#[sandboxed(services(pwd(cmds = [getpwnam, getpwent], fields = [pw_name, pw_uid], users = ["root"])))]
fn pwd(pwd: Pwd) {
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
    // cap_pwd(3) answers a user the limits leave out with no entry, as one
    // that does not exist (cap_pwd.c pwd_pack).
    check(
        "user outside the limit reads as none",
        matches!(pwd.user_by_name("daemon"), Ok(None)),
    );
    check(
        "missing user reads as none",
        matches!(pwd.user_by_name("no-such-user"), Ok(None)),
    );
    let all = pwd.users().expect("getpwent");
    check(
        "enumeration shows only root",
        all.len() == 1 && all[0].name.as_deref() == Some("root"),
    );
    refused(
        "widening commands",
        pwd.limit(&PwdLimits {
            cmds: vec![PwdCmd::Getpwuid],
            ..PwdLimits::default()
        }),
    );
    // `PwdLimits` cannot hold a `cap_grp` command; sent raw, the broker
    // refuses it as malformed.
    let sock = pwd.__socket().expect("a broker socket");
    let cmds = [
        &1u32.to_le_bytes()[..],
        &field(GrpCmd::Getgrnam.name().as_bytes()),
    ]
    .concat();
    let none = 0u32.to_le_bytes();
    let (answer, _) = raw_call(sock, &op(8, &[&cmds, &none, &none]), &[]);
    check(
        "a group command in a raw pwd limit fails with EINVAL",
        answer == [&[1u8][..], &libc::EINVAL.to_le_bytes()].concat(),
    );
    pwd.limit(&PwdLimits {
        fields: vec![PwdField::PwName],
        ..PwdLimits::default()
    })
    .expect("narrowing fields");
    let root = pwd.user_by_name("root").unwrap().unwrap();
    check("narrowed fields", root.name.is_some() && root.uid.is_none());
    pwd.limit(&PwdLimits {
        cmds: vec![PwdCmd::Getpwent],
        ..PwdLimits::default()
    })
    .expect("narrowing commands");
    refused("getpwnam after narrowing", pwd.user_by_name("root"));
    denied("read /etc/passwd", std::fs::read("/etc/passwd"));
}

#[sandboxed(services(grp(cmds = [getgrgid, getgrnam], groups = [0])))]
fn grp(grp: Grp) {
    let root = grp.group_by_gid(0).expect("gid 0").expect("exists");
    check("gid 0 is root", root.name.as_deref() == Some("root"));
    check("all fields", root.gid == Some(0) && root.members.is_some());
    check(
        "by name, allowed by id",
        grp.group_by_name("root").unwrap().is_some(),
    );
    check(
        "group outside the limit reads as none",
        matches!(grp.group_by_name("daemon"), Ok(None)),
    );
    refused("getgrent not declared", grp.groups());
    refused(
        "widening groups",
        grp.limit(&GrpLimits {
            principals: vec![Principal::Id(1)],
            ..GrpLimits::default()
        }),
    );
    denied("read /etc/group", std::fs::read("/etc/group"));
}

/// Enumeration (`getgrent`) shows the allowed groups only, with the allowed
/// fields only; narrowing the groups narrows it.
#[sandboxed(services(grp(cmds = [getgrent, getgrnam], fields = [gr_name, gr_gid], groups = ["root", "daemon"])))]
fn grp_ent(grp: Grp) {
    let all = grp.groups().expect("getgrent");
    let mut names: Vec<_> = all.iter().filter_map(|g| g.name.clone()).collect();
    names.sort();
    check(
        &format!("enumeration shows root and daemon only ({names:?})"),
        names == ["daemon", "root"] && all.len() == 2,
    );
    check(
        "enumerated fields within the limit",
        all.iter().all(|g| g.gid.is_some() && g.members.is_none()),
    );
    grp.limit(&GrpLimits {
        principals: vec![Principal::Name("root".into())],
        ..GrpLimits::default()
    })
    .expect("narrowing groups");
    let all = grp.groups().expect("getgrent");
    check(
        "after narrowing, enumeration shows root only",
        all.len() == 1 && all[0].gid == Some(0),
    );
    check(
        "daemon after narrowing reads as none",
        matches!(grp.group_by_name("daemon"), Ok(None)),
    );
}

#[sandboxed(services(sysctl(read = ["kernel.ostype", "kernel.random"], recursive = ["kernel.random"])))]
fn sysctl(sysctl: Sysctl) {
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
    // cap_sysctl.c `sysctl_command`: the limits are checked first, so a
    // name outside them is refused whatever its form; one beneath a
    // recursive entry that cannot be a /proc/sys path is malformed.
    refused("a name outside the limits", sysctl.get("kernel/../../etc"));
    errno(
        "a name escaping /proc/sys beneath a recursive entry",
        sysctl.get("kernel.random.x/../../../etc"),
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
    denied(
        "read /proc/sys/kernel/ostype",
        std::fs::read("/proc/sys/kernel/ostype"),
    );
}

#[sandboxed(services(syslog))]
fn syslog(syslog: Syslog) {
    let log = syslog;
    log.open("probe", libc::LOG_PID, libc::LOG_DAEMON)
        .expect("openlog");
    log.log(libc::LOG_NOTICE, "hello from the sandbox")
        .expect("syslog");
    let old = log.set_mask(1 << libc::LOG_ERR).expect("setlogmask");
    check("default mask is all", old == 0xff);
    log.log(libc::LOG_INFO, "masked").expect("masked syslog");
    log.log(libc::LOG_ERR, "second").expect("syslog");
    log.close().expect("closelog");
    let path = std::env::var_os("SANDBOXED_SYSLOG_SOCKET").expect("the test's socket");
    denied("a datagram socket", UnixDatagram::unbound());
    denied("connect to the log socket", UnixStream::connect(path));
}

#[sandboxed(services(fileargs(args(2..), read, operations = [open, lstat])))]
fn fileargs(fileargs: FileArgs) {
    let files = fileargs;
    let names: Vec<String> = std::env::args().skip(2).collect();
    let first = &names[0];
    let mut text = String::new();
    let mut f = files.open(first).expect("open");
    f.read_to_string(&mut text).unwrap();
    check("first open reads the file", text == "first file\n");
    let mut again = String::new();
    let mut g = files.open(first).expect("reopen");
    g.read_to_string(&mut again).unwrap();
    check(
        "second open (through the broker) reads it too",
        again == text,
    );
    let mut raw = std::fs::File::from(OwnedFd::from(g));
    check("opened read-only", raw.write_all(b"x").is_err());
    let mut second = String::new();
    files
        .open(&names[1])
        .expect("second name")
        .read_to_string(&mut second)
        .unwrap();
    check("second name opens", second == "second\n");
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
    denied("open of the named file", std::fs::File::open(first));
}

/// fileargs(3) limits each descriptor it hands out to the declared rights
/// (cap_rights_limit in fileargs_open): with `rights = [read, fstat]`, a
/// descriptor reads and fstats, and nothing else works on it, whether it
/// was opened ahead before entry or through the broker, for good.
#[sandboxed(services(fileargs(args(2..), read, rights = [read, fstat])))]
fn fileargs_rights(fileargs: FileArgs) {
    use std::os::fd::AsRawFd;
    let name = std::env::args().nth(2).expect("a name");
    // The first open takes the descriptor opened ahead, the second comes
    // from the broker, the third is the spare it sent along.
    for which in ["opened ahead", "from the broker", "the spare"] {
        let mut f = fileargs.open(&name).expect("open");
        let mut text = String::new();
        f.read_to_string(&mut text).unwrap();
        check(&format!("{which}: reads"), text == "limited\n");
        check(&format!("{which}: fstat"), f.metadata().is_ok());
        let fd = f.as_raw_fd();
        // SAFETY: lseek takes integers.
        let r = unsafe { libc::lseek(fd, 0, libc::SEEK_SET) };
        let err = std::io::Error::last_os_error();
        check(
            &format!("{which}: lseek without `seek` is denied ({err})"),
            r == -1 && sandboxed::is_violation(&err),
        );
        // SAFETY: fsync takes an integer.
        let r = unsafe { libc::fsync(fd) };
        let err = std::io::Error::last_os_error();
        check(
            &format!("{which}: fsync without `fsync` is denied ({err})"),
            r == -1 && sandboxed::is_violation(&err),
        );
        // A copy keeps the declared rights (dup(2): Capsicum copies them
        // along; the supervisor puts it into a pool of them, never at the
        // lowest free number, where it would not be limited): no seek
        // through it either.
        // SAFETY: dup/fcntl/lseek/close take integers.
        unsafe {
            for (how, copy) in [
                ("dup", libc::dup(fd)),
                ("F_DUPFD", libc::fcntl(fd, libc::F_DUPFD_CLOEXEC, 0)),
            ] {
                check(&format!("{which}: {how} copies it"), copy >= 0);
                let r = libc::lseek(copy, 0, libc::SEEK_SET);
                let err = std::io::Error::last_os_error();
                check(
                    &format!("{which}: lseek through its {how} copy is denied ({err})"),
                    r == -1 && sandboxed::is_violation(&err),
                );
                libc::close(copy);
            }
        }
        // Nor may it be moved over the standard streams.
        // SAFETY: dup2 takes integers.
        let r = unsafe { libc::dup2(fd, 1) };
        check(&format!("{which}: not onto stdout"), r == -1);
    }
}

/// A `fileargs` channel holds 64 of the program's descriptors at once,
/// however many names it serves: the descriptors it opened ahead (before
/// entry, and the spares that come with each answer) give their numbers
/// up to the program's opens. Each name is opened once and closed (which
/// leaves spares behind), then the first name is opened and kept until
/// an open fails: the 65th, with `EMFILE`.
#[sandboxed(services(fileargs(args(2..), read)))]
fn fileargs_room(fileargs: FileArgs) {
    let names: Vec<String> = std::env::args().skip(2).collect();
    for name in &names {
        drop(fileargs.open(name).expect("open"));
    }
    let mut held = Vec::new();
    let refusal = loop {
        match fileargs.open(&names[0]) {
            Ok(f) => held.push(f),
            Err(e) => break e,
        }
        if held.len() > 200 {
            panic!("failed: more than 200 held: no limit");
        }
    };
    println!("held: {}", held.len());
    check(
        &format!("{} names, 64 held at once", names.len()),
        held.len() == 64,
    );
    check(
        &format!("the 65th open answers EMFILE ({refusal})"),
        refusal.raw_os_error() == Some(libc::EMFILE) && !sandboxed::is_violation(&refusal),
    );
    // Closing one makes room for one.
    held.pop();
    check("room again after a close", fileargs.open(&names[0]).is_ok());
}

/// A named directory opens as fileargs_open(3) opens it (cap_fileargs.c
/// `open_file`: open(2) with the declared flags), and reading it answers
/// `EISDIR`, as cat(1) reports; not a violation.
#[sandboxed(services(fileargs(args(2..), read)))]
fn fileargs_dir(fileargs: FileArgs) {
    let name = std::env::args().nth(2).expect("a directory");
    match fileargs.open(&name) {
        Ok(mut dir) => {
            let mut text = String::new();
            let err = dir.read_to_string(&mut text).expect_err("a directory");
            check(
                &format!("reading the directory answers EISDIR ({err})"),
                err.raw_os_error() == Some(libc::EISDIR) && !sandboxed::is_violation(&err),
            );
        }
        Err(e) => check(&format!("the named directory opens ({e})"), false),
    }
}

/// A `fileargs` name replaced after its first open, as an editor saves (a
/// new file renamed over the old): fileargs_open(3) opens what the name
/// names when asked (cap_fileargs.c `open_file`; its cache holds the
/// *other* names, opened at the first request), so Capsicum's next open
/// reads the new file. `fileargs-replaced DIR NAME`, `NAME` in `DIR`.
#[sandboxed(
    preopen(dir = dir(arg(2))),
    rights(dir = [lookup, create, write, ftruncate, renameat_source, renameat_target], stdio),
    services(fileargs(args(3..), read))
)]
fn fileargs_replaced(dir: sandboxed::Dir, fileargs: FileArgs) {
    use std::io::Write;
    let name = std::env::args().nth(3).expect("a name");
    let base = std::path::Path::new(&name)
        .file_name()
        .expect("a file name");
    let mut first = String::new();
    let mut f = fileargs.open(&name).expect("the first open");
    f.read_to_string(&mut first).unwrap();
    check("the first open reads the original", first == "original\n");
    drop(f);
    let mut new = dir.create("replacement.tmp").expect("a new file");
    new.write_all(b"replaced\n").expect("written");
    drop(new);
    dir.rename("replacement.tmp", &dir, base)
        .expect("renamed over the name");
    match fileargs.open(&name) {
        Ok(mut f) => {
            let mut text = String::new();
            f.read_to_string(&mut text).unwrap();
            check("the replaced name opens the new file", text == "replaced\n");
        }
        Err(e) => check(&format!("the replaced name opens ({e})"), false),
    }
}

/// A name the program can redirect (a symlink it makes, in a directory
/// it may only make symlinks in) into a named directory: the broker
/// opens neither a file nor a directory beneath the named directory (its
/// Landlock rule for it lets only that directory itself open, and a
/// directory opens only if it is a named one). `fileargs-redirect W D
/// W/file W/dir`, where `D` holds `secret` and `sub/`.
#[sandboxed(
    preopen(w = dir(arg(2))),
    rights(w = [symlinkat], stdio),
    services(fileargs(args(3..), read))
)]
fn fileargs_redirect(w: sandboxed::Dir, fileargs: FileArgs) {
    use std::os::fd::AsRawFd;
    let args: Vec<String> = std::env::args().collect();
    let (named, file, dir) = (&args[3], &args[4], &args[5]);
    let link = |target: String, name: &str| {
        let target = std::ffi::CString::new(target).unwrap();
        let name = std::ffi::CString::new(name).unwrap();
        // SAFETY: symlinkat(2) with NUL-terminated strings.
        let r = unsafe { libc::symlinkat(target.as_ptr(), w.as_raw_fd(), name.as_ptr()) };
        check("a symlink made where the program may", r == 0);
    };
    link(format!("{named}/secret"), "file");
    link(format!("{named}/sub"), "dir");
    match fileargs.open(file) {
        Ok(mut f) => {
            let mut text = String::new();
            let _ = f.read_to_string(&mut text);
            check(
                &format!("a file beneath the named directory through a redirected name ({text:?})"),
                false,
            );
        }
        Err(e) => errno(
            "a file beneath the named directory through a redirected name",
            Err::<(), _>(e),
            libc::EACCES,
        ),
    }
    errno(
        "a directory beneath the named directory through a redirected name",
        fileargs.open(dir).map(drop),
        libc::EACCES,
    );
    check(
        "the named directory itself opens",
        fileargs.open(named).is_ok(),
    );
}

/// A name to create, missing at start, that the program redirects (a
/// symlink it makes, in a directory it may only make symlinks in) to a
/// file beside it: the broker neither opens nor truncates that file,
/// though its Landlock rule for the directory of a file to create holds
/// for every file beneath it. `fileargs-redirect-create W W/new`; the
/// runner checks `W/precious` is whole.
#[sandboxed(
    preopen(w = dir(arg(2))),
    rights(w = [symlinkat], stdio),
    services(fileargs(args(3..), read, write, create, truncate))
)]
fn fileargs_redirect_create(w: sandboxed::Dir, fileargs: FileArgs) {
    use std::os::fd::AsRawFd;
    let args: Vec<String> = std::env::args().collect();
    let (dir, new) = (&args[2], &args[3]);
    let target = std::ffi::CString::new(format!("{dir}/precious")).unwrap();
    // SAFETY: symlinkat(2) with NUL-terminated strings.
    let r = unsafe { libc::symlinkat(target.as_ptr(), w.as_raw_fd(), c"new".as_ptr()) };
    check("a symlink made where the program may", r == 0);
    errno(
        "a file beside a name to create, through the redirected name",
        fileargs.open(new).map(drop),
        libc::EACCES,
    );
}

/// `mode = 0o640` is a flag of the files, as fileargs_init(3)'s `mode`:
/// the runner checks the permission bits of what was created.
#[sandboxed(services(fileargs(args(2..), write, create, mode = 0o640)))]
fn fileargs_create(fileargs: FileArgs) {
    let name = std::env::args().nth(2).expect("a name");
    let file = fileargs.open(&name).expect("create");
    let mut raw = std::fs::File::from(OwnedFd::from(file));
    raw.write_all(b"made").expect("write");
    check("created through the broker", true);
}

#[sandboxed(services(fileargs(arg(2), read)))]
fn fileargs_arg(fileargs: FileArgs) {
    let _ = fileargs;
    println!("unreachable: started without argv[2]");
}

/// The runner checks the broker from outside (seccomp, no_new_privs, its
/// descriptors), then this exits without closing anything: the broker must
/// follow.
#[sandboxed(services(syslog))]
fn broker_pid(syslog: Syslog) {
    check("broker answers", syslog.set_mask(0).is_ok());
    pause("broker");
    std::process::exit(0);
}

/// The program attacks its broker, as code that took it over would: the
/// processes of its group forked after it, then signals,
/// ptrace, its memory, a pidfd, its limits, priority and affinity, each
/// refused with the sandbox's error; the broker still answers after, and
/// the runner checks the pid found was the broker's and that it is
/// unchanged (its limit on open files, its nice value).
#[cfg(target_os = "linux")]
#[sandboxed(services(syslog))]
fn attack_broker(syslog: Syslog) {
    check("broker answers", syslog.set_mask(0).is_ok());
    // The broker is a child forked just before entry, in the program's
    // process group: among the next process ids, those of the group
    // (getpgid(2) of any process is allowed, as in capability mode). Each
    // is attacked (others, run by the same test runner, are refused too).
    // SAFETY: getpid(2) and getpgid(2) of the caller cannot fail.
    let (me, group) = unsafe { (libc::getpid(), libc::getpgid(0)) };
    let candidates: Vec<libc::pid_t> = (me + 1..me + 256)
        // SAFETY: getpgid(2) with an integer argument.
        .filter(|&pid| unsafe { libc::getpgid(pid) } == group)
        .collect();
    check(
        "the broker is among the next processes",
        !candidates.is_empty(),
    );
    for broker in candidates {
        attack(broker);
    }
    check("broker still answers", syslog.set_mask(0).is_ok());
    pause("attacked");
}

/// The attacks of [`attack_broker`] on process `broker`.
#[cfg(target_os = "linux")]
fn attack(broker: libc::pid_t) {
    println!("broker: {broker}");
    let sys = |r: libc::c_long| -> std::io::Result<libc::c_long> {
        if r < 0 {
            Err(std::io::Error::last_os_error())
        } else {
            Ok(r)
        }
    };
    let b = broker as libc::c_long;
    // SAFETY: each call passes integers, or pointers to live locals at
    // least as large as the kernel structure read or written.
    unsafe {
        denied(
            "kill(broker, SIGKILL)",
            sys(libc::kill(broker, libc::SIGKILL) as _),
        );
        denied("kill(broker, 0)", sys(libc::kill(broker, 0) as _));
        denied(
            "ptrace(PTRACE_ATTACH, broker)",
            sys(libc::ptrace(libc::PTRACE_ATTACH, broker, 0, 0)),
        );
        denied(
            "ptrace(PTRACE_SEIZE, broker)",
            sys(libc::ptrace(libc::PTRACE_SEIZE, broker, 0, 0)),
        );
        let mut byte = 0u8;
        let local = libc::iovec {
            iov_base: (&mut byte as *mut u8).cast(),
            iov_len: 1,
        };
        let remote = libc::iovec {
            iov_base: (&raw const BROKER_PROBE_BYTE).cast_mut().cast(),
            iov_len: 1,
        };
        denied(
            "process_vm_readv(broker)",
            sys(libc::syscall(
                libc::SYS_process_vm_readv,
                b,
                &local,
                1,
                &remote,
                1,
                0,
            )),
        );
        denied(
            "process_vm_writev(broker)",
            sys(libc::syscall(
                libc::SYS_process_vm_writev,
                b,
                &local,
                1,
                &remote,
                1,
                0,
            )),
        );
        denied(
            "pidfd_open(broker)",
            sys(libc::syscall(libc::SYS_pidfd_open, b, 0)),
        );
        let lim = libc::rlimit {
            rlim_cur: 3,
            rlim_max: 3,
        };
        denied(
            "prlimit(broker, RLIMIT_NOFILE, 3)",
            sys(libc::syscall(
                libc::SYS_prlimit64,
                b,
                libc::RLIMIT_NOFILE,
                &lim,
                std::ptr::null_mut::<libc::rlimit>(),
            )),
        );
        // Its priority is the kernel's to judge, as capability mode lets a
        // process renice any process it may schedule (kern_setpriority in
        // sys/kern/kern_resource.c: p_cansee, then p_cansched), FreeBSD's
        // casper process of the same user included: not checked here.
        let set: libc::cpu_set_t = std::mem::zeroed();
        denied(
            "sched_setaffinity(broker, {})",
            sys(libc::sched_setaffinity(broker, std::mem::size_of_val(&set), &set) as _),
        );
    }
}

/// A byte whose address `attack_broker` reads and writes in the broker
/// (the same in the forked broker as here).
#[cfg(target_os = "linux")]
static BROKER_PROBE_BYTE: u8 = 7;

/// `connect` to an address the test picks at run time: a hand-built plan,
/// in deny mode (what the attribute would build).
fn net(port: u16) {
    let allowed = SocketAddr::from(([127, 0, 0, 1], port));
    let mut h = enter(Plan {
        services: vec![ServiceDecl::Net(NetLimits {
            modes: vec![NetMode::Connect],
            connect: vec![allowed],
            ..NetLimits::default()
        })],
        on_unsupported: OnUnsupported::Deny,
        ..Plan::default()
    });
    let net: Net = service(&mut h, 0);
    denied("a direct connection", TcpStream::connect(allowed));
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

/// `hosts = [(host, service)]` limits both halves of a lookup naming a
/// service, as cap_net_limit_name2addr(3) does (cap_net.c
/// `net_allowed_hosts`): a pair naming a service allows that service only.
/// A lookup naming none is made with the services declared for its host.
#[sandboxed(services(net(
    modes = [name2addr],
    hosts = [(_, "53"), ("localhost", "8080"), "ip6-localhost"],
    families = [inet],
)))]
fn net_hosts(net: Net) {
    check(
        "a lookup naming no service: the declared ones",
        !matches!(net.lookup_host("localhost"), Err(ref e) if sandboxed::is_violation(e)),
    );
    let any = net.lookup_service("localhost", "53").expect("(_, \"53\")");
    check("service 53 of any host", any.iter().all(|a| a.port() == 53));
    refused(
        "another service of any host",
        net.lookup_service("localhost", "54"),
    );
    let pair = net
        .lookup_service("localhost", "8080")
        .expect("(\"localhost\", \"8080\")");
    check(
        "service 8080 of localhost",
        pair.iter()
            .all(|a| a.port() == 8080 && a.ip().is_loopback()),
    );
    refused(
        "service 8080 of another host",
        net.lookup_service("example.invalid", "8080"),
    );
    // "ip6-localhost" alone is (host, _): any service, or none.
    check(
        "a host without a service allows lookups without one",
        !matches!(net.lookup_host("ip6-localhost"), Err(ref e) if sandboxed::is_violation(e)),
    );
    check(
        "and with any service",
        !matches!(net.lookup_service("ip6-localhost", "9"), Err(ref e) if sandboxed::is_violation(e)),
    );
}

/// `connectdns`: connect only to addresses a lookup of a declared host
/// returned, any port.
#[sandboxed(services(net(modes = [name2addr, connectdns], hosts = ["localhost"], families = [inet])))]
fn net_connectdns(net: Net) {
    let port: u16 = std::env::args()
        .nth(2)
        .expect("port")
        .parse()
        .expect("port");
    let target = SocketAddr::from(([127, 0, 0, 1], port));
    refused("connect before any lookup", net.connect(target));
    let addrs = net.lookup_host("localhost").expect("lookup localhost");
    check(
        "localhost looked up",
        addrs.contains(&IpAddr::V4(Ipv4Addr::LOCALHOST)),
    );
    refused("a host not declared", net.lookup_host("ip6-localhost"));
    let mut s = net.connect(target).expect("connect to a looked-up address");
    s.write_all(b"hi").unwrap();
    check("connected to the looked-up address", true);
    refused(
        "an address no lookup returned",
        net.connect(SocketAddr::from(([127, 0, 0, 2], port))),
    );
    refused("bind not declared", net.bind_udp(target));
    denied("a direct connection", TcpStream::connect(target));
}

/// `connectdns` with a host declared with a service: the looked-up
/// addresses on that service's port only, as cap_net caches each address
/// with the port of the lookup (cap_net(3): the restriction is strict).
fn net_connectdns_port(port: u16) {
    let mut h = enter(Plan {
        services: vec![ServiceDecl::Net(NetLimits {
            modes: vec![NetMode::NameToAddr, NetMode::ConnectDns],
            hosts: vec![(Some("localhost".into()), Some(port.to_string()))],
            families: vec![Family::Inet],
            ..NetLimits::default()
        })],
        on_unsupported: OnUnsupported::Deny,
        ..Plan::default()
    });
    let net: Net = service(&mut h, 0);
    let addrs = net.lookup_host("localhost").expect("lookup localhost");
    check(
        "localhost looked up",
        addrs.contains(&IpAddr::V4(Ipv4Addr::LOCALHOST)),
    );
    refused(
        "another port of a looked-up address",
        net.connect(SocketAddr::from(([127, 0, 0, 1], port.wrapping_add(1)))),
    );
    let mut s = net
        .connect(SocketAddr::from(([127, 0, 0, 1], port)))
        .expect("connect on the declared service's port");
    s.write_all(b"hi").unwrap();
    check("connected on the declared service's port", true);
}

/// `net(connect = [..])` with no `modes`: the modes are the lists given
/// (connecting), not every mode (cap_net reads a missing list as "any").
fn net_implied(port: u16) {
    let allowed = SocketAddr::from(([127, 0, 0, 1], port));
    let mut h = enter(Plan {
        services: vec![ServiceDecl::Net(NetLimits {
            connect: vec![allowed],
            ..NetLimits::default()
        })],
        on_unsupported: OnUnsupported::Deny,
        ..Plan::default()
    });
    let net: Net = service(&mut h, 0);
    refused(
        "bind, which no list names",
        net.bind_udp(SocketAddr::from(([127, 0, 0, 1], 0))),
    );
    refused(
        "a lookup, which no list names",
        net.lookup_host("localhost"),
    );
    let mut s = net.connect(allowed).expect("connect to the listed address");
    s.write_all(b"hi").unwrap();
    check("connected to the listed address", true);
}

/// `bind`: sockets bound by the broker to the declared addresses only.
#[sandboxed(services(net(modes = [bind], bind = ["127.0.0.1:0"])))]
fn net_bind(net: Net) {
    let any = SocketAddr::from(([127, 0, 0, 1], 0));
    let udp = net.bind_udp(any).expect("bind udp");
    check(
        "a UDP socket bound on 127.0.0.1",
        udp.local_addr()
            .is_ok_and(|a| a.ip() == Ipv4Addr::LOCALHOST && a.port() != 0),
    );
    let tcp = net.listen(any, 4).expect("bind tcp and listen");
    check(
        "a TCP socket bound and listening on 127.0.0.1",
        tcp.local_addr().is_ok_and(|a| a.port() != 0),
    );
    refused(
        "another address",
        net.bind_udp(SocketAddr::from(([0, 0, 0, 0], 0))),
    );
    refused(
        "a fixed port not declared",
        net.bind_udp(SocketAddr::from(([127, 0, 0, 1], 1))),
    );
    refused("connect not declared", net.connect(any));
    refused("lookup not declared", net.lookup_host("localhost"));
    denied("a direct bind", UdpSocket::bind(any));
}

#[sandboxed(services(dns))]
fn dns_in_threads(dns: Dns) {
    let _ = dns;
    println!("unreachable: services started with two threads");
}

fn threads() {
    let t = std::thread::spawn(|| std::thread::sleep(std::time::Duration::from_secs(2)));
    dns_in_threads();
    drop(t);
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

/// A length-prefixed field of the wire format (u32 little-endian length).
fn field(text: &[u8]) -> Vec<u8> {
    let mut m = (text.len() as u32).to_le_bytes().to_vec();
    m.extend_from_slice(text);
    m
}

fn op(code: u8, parts: &[&[u8]]) -> Vec<u8> {
    let mut m = vec![code];
    for p in parts {
        m.extend_from_slice(p);
    }
    m
}

/// Valid requests, as the wire format spells them (opcode, then fields),
/// to mutate. Lookups only of `localhost` (/etc/hosts): the `net` channel
/// refuses any other host before looking it up; the `dns` channel, which
/// has no host limit, gets `dns_seeds` with only their header mutated, so
/// that the fuzz sends no query to a name server.
fn seeds(file: &str) -> Vec<Vec<u8>> {
    let file = file.as_bytes();
    vec![
        op(7, &[&[0], &field(b"root")]),
        op(7, &[&[1], &0u32.to_le_bytes()]),
        op(7, &[&[2]]),
        op(9, &[&[1], &0u32.to_le_bytes()]),
        op(9, &[&[2]]),
        op(11, &[&field(b"kernel.ostype")]),
        op(12, &[&field(b"kernel.ostype"), &field(b"x")]),
        op(18, &[&field(file)]),
        op(19, &[&field(file)]),
        op(20, &[&field(file)]),
        op(16, &[]),
        op(17, &[&0i32.to_le_bytes()]),
        // net: lookup, connect to the declared 127.0.0.1:9, bind (refused).
        op(1, &[&field(b"localhost"), &[0]]),
        op(4, &[&[4, 127, 0, 0, 1], &9u16.to_le_bytes(), &[1]]),
        op(5, &[&[4, 127, 0, 0, 1], &0u16.to_le_bytes(), &[2]]),
        op(2, &[&[4, 127, 0, 0, 1]]),
        op(
            8,
            &[
                &1u32.to_le_bytes(),
                &field(b"getpwnam"),
                &0u32.to_le_bytes(),
                &0u32.to_le_bytes(),
            ],
        ),
    ]
}

fn dns_seeds() -> Vec<Vec<u8>> {
    vec![
        op(1, &[&field(b"localhost"), &[4]]),
        op(1, &[&field(b"localhost"), &[6]]),
        op(2, &[&[4, 127, 0, 0, 1]]),
        op(3, &[&1u32.to_le_bytes(), &[1], &0u32.to_le_bytes()]),
    ]
}

/// How long the fuzz waits for any answer before calling the broker hung.
const ANSWER_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

fn raw_call(sock: BorrowedFd<'_>, message: &[u8], fds: &[BorrowedFd<'_>]) -> (Vec<u8>, usize) {
    use rustix::net::{
        recvmsg, sendmsg, RecvAncillaryBuffer, RecvAncillaryMessage, RecvFlags,
        SendAncillaryBuffer, SendAncillaryMessage, SendFlags,
    };
    use std::io::{IoSlice, IoSliceMut};
    use std::mem::MaybeUninit;
    if fds.is_empty() {
        // send(2), as the real client: sendmsg is denied in a sandbox
        // without a supervisor.
        rustix::net::send(sock, message, SendFlags::NOSIGNAL).expect("send");
    } else {
        // Unasked-for descriptors: sendmsg with SCM_RIGHTS, which only a
        // process outside the sandbox can do (the runner sets
        // SANDBOXED_TRACE=dry-run for this scenario; the broker is
        // confined all the same).
        let mut space = vec![MaybeUninit::uninit(); rustix::cmsg_space!(ScmRights(8))];
        let mut control = SendAncillaryBuffer::new(&mut space);
        assert!(control.push(SendAncillaryMessage::ScmRights(fds)));
        sendmsg(
            sock,
            &[IoSlice::new(message)],
            &mut control,
            SendFlags::NOSIGNAL,
        )
        .expect("sendmsg");
    }
    let mut buf = vec![0u8; 70_000];
    let mut rspace = vec![MaybeUninit::uninit(); rustix::cmsg_space!(ScmRights(2))];
    let mut rcontrol = RecvAncillaryBuffer::new(&mut rspace);
    let msg = match recvmsg(
        sock,
        &mut [IoSliceMut::new(&mut buf)],
        &mut rcontrol,
        RecvFlags::CMSG_CLOEXEC,
    ) {
        Ok(msg) => msg,
        Err(rustix::io::Errno::AGAIN) => panic!(
            "failed: no answer within {ANSWER_TIMEOUT:?} to {:?}",
            &message[..message.len().min(64)]
        ),
        Err(e) => panic!("failed: the broker answers: {e}"),
    };
    let mut received = 0;
    for m in rcontrol.drain() {
        if let RecvAncillaryMessage::ScmRights(fds) = m {
            received += fds.count(); // each dropped (closed) here
        }
    }
    buf.truncate(msg.bytes);
    (buf, received)
}

/// `service_probe fuzz COUNT SEED FILE FILE`: hostile messages on every
/// channel of a program that declares every service. The runner compares
/// this process's and the broker's descriptors at the two pauses.
///
/// Run with `SANDBOXED_TRACE=dry-run`: sending descriptors (sendmsg with
/// `SCM_RIGHTS`) is denied inside the sandbox, and the fuzz targets the
/// broker, which confines itself with its own policy whatever the trace
/// mode (broker/policy.rs; the runner checks its seccomp and
/// no_new_privs in /proc).
#[sandboxed(services(
    pwd(cmds = [getpwnam, getpwuid], users = ["root"]),
    grp(cmds = [getgrgid], fields = [gr_name], groups = [0]),
    sysctl(read = ["kernel.ostype"]),
    syslog,
    fileargs(args(4..), read, operations = [open, lstat, realpath]),
    dns(types = [name2addr], families = [inet]),
    net(modes = [name2addr, connect], hosts = ["localhost"], connect = ["127.0.0.1:9"]),
))]
fn fuzz(
    pwd: Pwd,
    grp: Grp,
    sysctl: Sysctl,
    syslog: Syslog,
    fileargs: FileArgs,
    dns: Dns,
    net: Net,
) {
    let args: Vec<String> = std::env::args().skip(2).collect();
    let count: u64 = args[0].parse().expect("count");
    let seed: u64 = args[1].parse().expect("seed");
    let file = args[2].clone();
    let (log, files) = (syslog, fileargs);
    let sockets: Vec<BorrowedFd<'_>> = [
        pwd.__socket(),
        grp.__socket(),
        sysctl.__socket(),
        log.__socket(),
        files.__socket(),
        dns.__socket(),
        net.__socket(),
    ]
    .into_iter()
    .map(|s| s.expect("a broker socket"))
    .collect();
    const DNS: usize = 5;
    for s in &sockets {
        rustix::net::sockopt::set_socket_timeout(
            s,
            rustix::net::sockopt::Timeout::Recv,
            Some(ANSWER_TIMEOUT),
        )
        .expect("SO_RCVTIMEO");
    }
    // Descriptors to send along, made inside the sandbox.
    let memfd = rustix::fs::memfd_create("fuzz", rustix::fs::MemfdFlags::CLOEXEC).expect("memfd");
    let (pipe_r, pipe_w) = rustix::pipe::pipe().expect("pipe");
    let extra: [BorrowedFd<'_>; 3] = [memfd.as_fd(), pipe_r.as_fd(), pipe_w.as_fd()];
    let seeds = seeds(&file);
    let dns_seeds = dns_seeds();
    let mut rng = Rng(seed | 1);
    // Each name on the command line was opened before entry: take those
    // first, then one open through the broker, which leaves one descriptor
    // opened ahead; a round trip on the same channel (lstat) waits for it.
    for _ in 0..args[2..].len() + 1 {
        drop(files.open(&file).expect("open"));
    }
    files.lstat(&file).expect("lstat");
    pause("before");
    let started = std::time::Instant::now();
    let (mut errors, mut oks, mut passed) = (0u64, 0u64, 0usize);
    for i in 0..count {
        let channel = rng.below(sockets.len() as u64) as usize;
        let sock = sockets[channel];
        let mut message = match rng.below(8) {
            // Pure noise.
            0 | 1 => {
                let len = rng.below(64) as usize;
                (0..len).map(|_| rng.next() as u8).collect()
            }
            // A valid request with a few bytes changed, cut or extended.
            _ => {
                let (list, reach) = if channel == DNS {
                    (&dns_seeds, 5)
                } else {
                    (&seeds, usize::MAX)
                };
                let mut m = list[rng.below(list.len() as u64) as usize].clone();
                for _ in 0..rng.below(3) {
                    let at = rng.below(m.len().min(reach) as u64) as usize;
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
            assert!(
                answer.first() == Some(&1),
                "failed: a message with descriptors is refused"
            );
        }
    }
    let elapsed = started.elapsed();
    println!(
        "fuzz: {count} messages in {:.2?} ({:.1} µs each): {oks} answered, {errors} refused, {passed} descriptors handed over",
        elapsed,
        elapsed.as_secs_f64() * 1e6 / count.max(1) as f64
    );
    // The fileargs channel may have opened ahead after its last answer.
    files.lstat(&file).expect("lstat");
    pause("after");
    // The broker still answers correctly, with its limits intact.
    check(
        "pwd still answers",
        pwd.user_by_name("root").unwrap().unwrap().uid == Some(0),
    );
    check(
        "pwd limits intact (daemon reads as none)",
        matches!(pwd.user_by_name("daemon"), Ok(None)),
    );
    check(
        "sysctl still answers",
        sysctl.get_string("kernel.ostype").unwrap() == "Linux",
    );
    refused("sysctl limits intact", sysctl.get("kernel.hostname"));
    check("fileargs still answers", files.open(&file).is_ok());
    refused("fileargs limits intact", files.open("/etc/passwd"));
    check(
        "dns still answers",
        dns.lookup_host("localhost")
            .is_ok_and(|a| a.contains(&IpAddr::V4(Ipv4Addr::LOCALHOST))),
    );
    refused(
        "dns limits intact",
        dns.lookup_addr(Ipv4Addr::LOCALHOST.into()),
    );
    check("net still answers", net.lookup_host("localhost").is_ok());
    refused(
        "net limits intact",
        net.connect(SocketAddr::from(([127, 0, 0, 1], 10))),
    );
    check("syslog still answers", log.set_mask(0).is_ok());
    check("grp still answers", grp.group_by_gid(0).unwrap().is_some());
}

/// A `fileargs` descriptor the program receives itself: a thread waits in
/// recvmsg(2) on the service's channel while the program's own opens ask
/// the broker, until it takes an answer, whose descriptor lands at the
/// lowest free number, outside every class, before the library could
/// limit it.
/// libcasper's fileargs limits it in the service (`open_file` in
/// cap_fileargs.c), so none of the rights the declaration lacks may be
/// used on it: the metadata calls Landlock does not mediate (each harmless
/// when it works: owner and times unchanged, an absent attribute). Prints
/// `case NAME PASS`; the dry-run control, where nothing is limited, fails
/// the denials. The runner checks the file's mode afterwards.
#[cfg(target_os = "linux")]
#[sandboxed(services(fileargs(args(2..), read, rights = [read, fstat])))]
fn fileargs_intercept(fileargs: FileArgs) {
    let name = std::env::args().nth(2).expect("a name");
    // The first open takes the descriptor opened ahead before entry.
    let _ahead = fileargs.open(&name).expect("open");
    let channel = (3..1 << 16)
        .find(|&fd| {
            let mut ty: libc::c_int = 0;
            let mut len = std::mem::size_of::<libc::c_int>() as libc::socklen_t;
            // SAFETY: an int out, its length in.
            let r = unsafe {
                libc::getsockopt(
                    fd,
                    libc::SOL_SOCKET,
                    libc::SO_TYPE,
                    (&raw mut ty).cast(),
                    &mut len,
                )
            };
            r == 0 && ty == libc::SOCK_SEQPACKET
        })
        .expect("the channel");
    std::thread::spawn(move || {
        let fd = receive(channel);
        println!("case intercepted {}", u8::from(fd >= 0));
        let denied = |name: &str, r: libc::c_int| {
            let e = std::io::Error::last_os_error();
            let pass =
                r == -1 && e.raw_os_error() == Some(libc::EACCES) && sandboxed::is_violation(&e);
            println!("case {name} {}", u8::from(pass));
        };
        let omit = [libc::timespec {
            tv_sec: 0,
            tv_nsec: libc::UTIME_OMIT,
        }; 2];
        let mut flags: libc::c_long = 0;
        // SAFETY: integers, C strings and live buffers.
        unsafe {
            denied("fchmod", libc::fchmod(fd, 0o666));
            denied("fchown", libc::fchown(fd, u32::MAX, u32::MAX));
            denied("futimens", libc::futimens(fd, omit.as_ptr()));
            denied(
                "fsetxattr",
                libc::fsetxattr(fd, c"user.sandboxed".as_ptr(), c"1".as_ptr().cast(), 1, 0),
            );
            denied(
                "fremovexattr",
                libc::fremovexattr(fd, c"user.sandboxed".as_ptr()),
            );
            // The inode's flags set to what they are (ioctl_iflags(2)).
            libc::ioctl(fd, libc::FS_IOC_GETFLAGS, &raw mut flags);
            denied(
                "inode_flags",
                libc::ioctl(fd, libc::FS_IOC_SETFLAGS, &raw const flags),
            );
        }
        std::process::exit(0);
    });
    // Through the broker (every other open takes the spare sent along):
    // the waiting thread takes an answer, when it is woken before this
    // thread's own recvmsg(2) finds it.
    for _ in 0..200 {
        std::thread::sleep(std::time::Duration::from_millis(20));
        let _ = fileargs.open(&name);
    }
    println!("case intercepted 0");
}

/// One message from `socket` (recvmsg(2)): the first descriptor it
/// carried, or -1.
#[cfg(target_os = "linux")]
fn receive(socket: libc::c_int) -> libc::c_int {
    let mut buf = [0u8; 4096];
    let mut control = [0u64; 16];
    let mut iov = libc::iovec {
        iov_base: buf.as_mut_ptr().cast(),
        iov_len: buf.len(),
    };
    // SAFETY: a zeroed msghdr is valid; it points at live locals.
    let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
    msg.msg_iov = &mut iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.as_mut_ptr().cast();
    msg.msg_controllen = std::mem::size_of_val(&control);
    // SAFETY: as above; the control buffer is aligned for cmsghdr.
    unsafe {
        if libc::recvmsg(socket, &mut msg, libc::MSG_CMSG_CLOEXEC) < 0 {
            return -1;
        }
        let c = libc::CMSG_FIRSTHDR(&msg);
        if c.is_null() || (*c).cmsg_type != libc::SCM_RIGHTS {
            return -1;
        }
        std::ptr::read_unaligned(libc::CMSG_DATA(c).cast::<libc::c_int>())
    }
}
