//! libcasper's answers, one scenario per run in a fresh process:
//! `casper_probe NAME` enters the real sandbox through
//! `#[sandboxed(services(..))]` and asks the service what a libcasper
//! service was asked, expecting the answer lib/libcasper/services/*/*.c
//! gives (each check names the function it comes from). Prints
//! `ok: <check>` per check; panics (exit 101) on the first failure.

use sandboxed::decl::{SysctlAccess, SysctlLimits};
use sandboxed::sandboxed;
use sandboxed::services::{Dns, Grp, Pwd, Sysctl, Syslog};
use sandboxed_tests::checks::{check, errno, refused, READ};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("pwd") => pwd(),
        Some("pwd-reentrant") => pwd_reentrant(),
        Some("grp") => grp(),
        Some("sysctl") => sysctl(),
        Some("syslog") => syslog(),
        Some("dns") => dns(),
        other => panic!("unknown scenario {other:?}"),
    }
}

#[sandboxed(services(pwd(cmds = [getpwnam, getpwuid], fields = [pw_name, pw_gid], users = [0])))]
fn pwd(pwd: Pwd) {
    // cap_pwd.c pwd_getpwnam: any name string is looked up with
    // getpwnam(3); none found packs nothing and the client returns no
    // entry (cap_getpwcommon_r, "Not found"), not an error.
    check(
        "getpwnam of an empty name: no entry",
        matches!(pwd.user_by_name(""), Ok(None)),
    );
    let long = "u".repeat(300);
    check(
        "getpwnam of a 300-byte name: no entry",
        matches!(pwd.user_by_name(&long), Ok(None)),
    );
    // cap_pwd.c pwd_pack → pwd_allowed_user: an entry passes when its
    // name *or* its uid is listed, whichever command found it.
    let root = pwd.user_by_name("root").expect("getpwnam");
    check("getpwnam(\"root\") passes by uid 0 alone", root.is_some());
    let root = root.unwrap();
    // cap_pwd.c pwd_pack: pw_uid outside `fields` is packed as -1 and
    // pw_dir, pw_shell, pw_passwd, pw_gecos as "" (`_PWF_*` cleared):
    // none here; pw_name and pw_gid as they are.
    check("pw_name kept", root.name.as_deref() == Some("root"));
    check("pw_gid kept", root.gid == Some(0));
    check(
        "pw_uid, pw_dir, pw_shell, pw_passwd, pw_gecos left out",
        root.uid.is_none()
            && root.dir.is_none()
            && root.shell.is_none()
            && root.passwd.is_none()
            && root.gecos.is_none(),
    );
    check(
        "getpwuid(0) passes",
        matches!(pwd.user_by_uid(0), Ok(Some(_))),
    );
    // pwd_pack: an existing user neither listed by name nor by uid reads
    // as no entry.
    check(
        "getpwuid(1) outside the users: no entry",
        matches!(pwd.user_by_uid(1), Ok(None)),
    );
    // cap_pwd.c pwd_command → pwd_allowed_cmd: getpwent not in `cmds`.
    refused("getpwent outside the commands", pwd.users());
}

/// cap_pwd.c pwd_command treats `getpwnam` and `getpwnam_r` alike once
/// allowed, and the handles send the `_r` command: declaring either
/// allows the lookup.
#[sandboxed(services(pwd(cmds = [getpwnam_r])))]
fn pwd_reentrant(pwd: Pwd) {
    check(
        "getpwnam_r declared: lookups by name work",
        matches!(pwd.user_by_name("root"), Ok(Some(_))),
    );
    refused("getpwuid not declared", pwd.user_by_uid(0));
}

#[sandboxed(services(grp(cmds = [getgrnam, getgrent], fields = [gr_name], groups = [0])))]
fn grp(grp: Grp) {
    // cap_grp.c grp_getgrnam: as pwd_getpwnam.
    check(
        "getgrnam of an empty name: no entry",
        matches!(grp.group_by_name(""), Ok(None)),
    );
    // cap_grp.c grp_pack → grp_allowed_group: name or gid.
    let root = grp
        .group_by_name("root")
        .expect("getgrnam")
        .expect("passes by gid 0");
    check("gr_name kept", root.name.as_deref() == Some("root"));
    // grp_pack: gr_gid outside `fields` is -1, gr_passwd "", and gr_mem
    // is not packed at all.
    check(
        "gr_gid, gr_passwd, gr_mem left out",
        root.gid.is_none() && root.passwd.is_none() && root.members.is_none(),
    );
    // grp_getgrent skips the entries grp_pack refuses.
    let all = grp.groups().expect("getgrent");
    check(
        "getgrent: only the group with gid 0",
        all.len() == 1 && all[0].name.as_deref() == Some("root"),
    );
    refused("getgrgid outside the commands", grp.group_by_gid(0));
}

#[sandboxed(services(sysctl(read = ["kernel.ostype", "kernel.random"], recursive = ["kernel.random"])))]
fn sysctl(sysctl: Sysctl) {
    // cap_sysctl.c sysctl_allowed: without CAP_SYSCTL_RECURSIVE a limit
    // matches its own name only (strcmp), not the node above it nor below.
    refused("the parent of an entry", sysctl.get("kernel"));
    refused(
        "a name that only starts like an entry",
        sysctl.get("kernel.ostypex"),
    );
    // With it: the name and names beneath it (strncmp, then '.' or NUL).
    check(
        "recursive: the entry itself",
        sysctl
            .get("kernel.random")
            .is_err_and(|e| !sandboxed::is_violation(&e)),
    );
    check(
        "recursive: beneath it",
        sysctl.get_string("kernel.random.boot_id").is_ok(),
    );
    refused(
        "recursive: a sibling sharing the prefix",
        sysctl.get("kernel.randomx"),
    );
    // sysctl_allowed: `(reqop & op) != reqop`: a write needs
    // CAP_SYSCTL_WRITE.
    refused("a write to a read entry", sysctl.set("kernel.ostype", b"x"));
    // sysctl_command checks the limits before anything else: a name
    // outside them is refused whatever it looks like.
    refused(
        "a malformed name outside the limits",
        sysctl.get("vm/../kernel.ostype"),
    );
    // sysctl_limit → sysctl_valid: an operation without READ or WRITE is
    // invalid, even for an entry the limits cover.
    errno(
        "a limit entry that neither reads nor writes",
        sysctl.limit(&SysctlLimits {
            entries: vec![(
                "kernel.random",
                SysctlAccess {
                    read: false,
                    write: false,
                    recursive: true,
                },
            )],
        }),
        libc::EINVAL,
    );
    // sysctl_limit → sysctl_allowed with the new operation: RECURSIVE
    // must already be there, and a parent is not covered by its child.
    refused(
        "making a plain entry recursive",
        sysctl.limit(&SysctlLimits {
            entries: vec![(
                "kernel.ostype",
                SysctlAccess {
                    recursive: true,
                    ..READ
                },
            )],
        }),
    );
    refused(
        "a limit on the parent node",
        sysctl.limit(&SysctlLimits {
            entries: vec![("kernel", READ)],
        }),
    );
    // A name beneath a recursive entry is accepted as a limit (libcasper
    // compares strings), and narrows.
    sysctl
        .limit(&SysctlLimits {
            entries: vec![("kernel.random.boot_id", READ)],
        })
        .expect("narrowing beneath a recursive entry");
    check(
        "narrowed entry readable",
        sysctl.get_string("kernel.random.boot_id").is_ok(),
    );
    refused("kernel.ostype after narrowing", sysctl.get("kernel.ostype"));
}

#[sandboxed(services(syslog))]
fn syslog(syslog: Syslog) {
    let log = syslog;
    // FreeBSD openlog(3) (lib/libc/gen/syslog.c openlog_unlocked) keeps
    // its facility when the one given has bits outside LOG_FACMASK;
    // cap_openlog(3) returns nothing.
    log.open("oracle", libc::LOG_PERROR, 1 << 20)
        .expect("openlog with a bad facility");
    log.log(libc::LOG_NOTICE, "kept facility").expect("syslog");
    // cap_vsyslog: the message is formatted into CAP_SYSLOG_LIMIT (2048)
    // bytes, NUL included.
    log.log(libc::LOG_NOTICE, &"m".repeat(3000))
        .expect("a long message");
    // syslog.c vsyslog1: invalid bits are reported (INTERNALLOG) and
    // dropped; nothing fails.
    log.log((1 << 20) | libc::LOG_NOTICE, "masked priority")
        .expect("a priority with invalid bits");
    println!("ok: every call answered");
}

#[sandboxed(services(dns(types = [name2addr])))]
fn dns(dns: Dns) {
    // cap_dns.c dns_getaddrinfo passes any host to getaddrinfo(3); an
    // empty one has no address (EAI_NONAME: not found).
    match dns.lookup_host("") {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            println!("ok: an empty host is not found ({e})")
        }
        other => panic!("failed: an empty host should be not found, got {other:?}"),
    }
}
