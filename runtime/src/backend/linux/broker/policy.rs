//! The broker's policy: what its services need, applied with the backend's
//! own confinement (`backend/linux/confine.rs`: no_new_privs, Landlock,
//! the capability-mode seccomp filter) before it reads a single request.
//!
//! | service | seccomp grants (beyond capability mode) | Landlock: read beneath / write beneath |
//! |---|---|---|
//! | `dns` | global paths, inet sockets (resolvers) | the NSS files (nsswitch.conf(5), passwd(5), group(5), hosts(5), resolv.conf(5), gai.conf(5), host.conf, services, protocols, the zone files) and the libraries NSS may load |
//! | `net` | global paths, inet sockets (connect and bind: the broker checks each address) | as `dns` |
//! | `pwd`, `grp` | global paths | nsswitch.conf(5), passwd(5), group(5), the zone files and the libraries NSS may load (not the resolver's files) |
//! | `sysctl` | global paths | each declared `/proc/sys` entry: read, write, directory reads when recursive |
//! | `syslog` | `AF_UNIX` sockets and connect (the log socket) | nothing (/etc/localtime is read before) |
//! | `fileargs` | global paths | each named file with the access its flags need (a named directory to read: `read_dir` alone, as its open needs); the parent directory of a missing file to `create`. A rule on a directory holds beneath it, so the broker hands out only what the names were at start and the files it created (`FileArgs::known`): a name redirected beneath one (a symlink the program makes) opens nothing |
//! | (all) | `sendmsg`/`sendmmsg`: answers carry descriptors (`SCM_RIGHTS`); glibc's resolver uses `sendmmsg` | — |
//!
//! Nothing else: no execve, no ptrace, no signal outside the broker
//! (Landlock signal scope), no abstract unix sockets unless `syslog` is
//! declared. `net`'s addresses are the broker's own check (`net.rs`);
//! Landlock (ABI 4) limits TCP `bind`/`connect` to their ports besides
//! (`tcp_ports`: the DNS port for lookups, any port for `connectdns` or a
//! mode without addresses). Landlock does not mediate UDP.
//!
//! Both Landlock and seccomp must be there: on a kernel without them the
//! broker refuses to start (`ENOSYS`), since it would serve the sandbox
//! unconfined.

use std::os::fd::OwnedFd;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use landlock::{AccessFs, BitFlags};
use rustix::fs::{Mode, OFlags};

use crate::decl::{FileOp, NetMode};

use super::super::confine::ConfineError;
use super::super::confine::{apply, Grants, Policy};
use super::super::kernel::Kernel;
use super::serve::State;
use super::sysctl::proc_path;

/// Stages reported to the parent (indices into `STAGES` of start.rs).
const LANDLOCK: u8 = 4;
const SECCOMP: u8 = 5;
const NO_NEW_PRIVS: u8 = 6;

/// What every name-service lookup reads (nsswitch.conf(5); passwd(5) and
/// group(5), which initgroups(3) and the `files` modules read) and the
/// libraries NSS may load on demand.
const NSS_FILES: &[&str] = &[
    "/etc/nsswitch.conf",
    "/etc/passwd",
    "/etc/group",
    "/etc/ld.so.cache",
    "/etc/localtime",
    "/usr/share/zoneinfo",
    "/lib",
    "/lib64",
    "/usr/lib",
    "/usr/lib64",
];

/// What the resolver reads besides (hosts(5), host.conf(5),
/// resolv.conf(5), gai.conf(5), services(5), protocols(5)): host and
/// service lookups only, so `pwd` and `grp` brokers go without.
const RESOLVER_FILES: &[&str] = &[
    "/etc/hosts",
    "/etc/host.conf",
    "/etc/resolv.conf",
    "/etc/gai.conf",
    "/etc/services",
    "/etc/protocols",
];

/// Read access beneath a file or directory. Landlock keeps only the file
/// rights on a rule for a file (`CompatLevel::BestEffort`).
fn read() -> BitFlags<AccessFs> {
    AccessFs::ReadFile | AccessFs::ReadDir
}

/// The paths each service needs and the access beneath them, and its
/// grants, merged over `states`.
pub(crate) fn needs(states: &[&State]) -> (Grants, Vec<(PathBuf, BitFlags<AccessFs>)>) {
    // Every broker hands descriptors to the program (serve.rs, SCM_RIGHTS).
    let mut grants = Grants {
        send_descriptors: true,
        ..Grants::default()
    };
    let mut rules = Vec::new();
    let (mut nss, mut resolver) = (false, false);
    for state in states {
        match state {
            State::Dns(_) | State::Net(_) => {
                nss = true;
                resolver = true;
                grants.global_paths = true;
                grants.inet = true;
            }
            State::Db(_) => {
                nss = true;
                grants.global_paths = true;
            }
            State::Syslog(_) => grants.unix_connect = true,
            State::Sysctl(s) => {
                grants.global_paths = true;
                for (name, a) in &s.entries {
                    let Ok(path) = proc_path(name) else { continue };
                    let mut access = BitFlags::empty();
                    if a.read {
                        access |= AccessFs::ReadFile;
                        if a.recursive {
                            access |= AccessFs::ReadDir;
                        }
                    }
                    if a.write {
                        access |= AccessFs::WriteFile;
                    }
                    rules.push((path, access));
                }
            }
            State::FileArgs(f) => {
                grants.global_paths = true;
                let flags = &f.flags;
                let mut access: BitFlags<AccessFs> = BitFlags::empty();
                if flags.read {
                    access |= AccessFs::ReadFile;
                }
                if flags.write || flags.append {
                    access |= AccessFs::WriteFile;
                }
                if flags.truncate {
                    access |= AccessFs::Truncate;
                }
                if !(f.operations.is_empty() || f.operations.contains(&FileOp::Open)) {
                    // lstat and realpath are not mediated by Landlock.
                    continue;
                }
                for name in &f.names {
                    let path = PathBuf::from(std::ffi::OsStr::from_bytes(name));
                    if path.is_dir() {
                        // fileargs_open(3) opens a named directory as any
                        // file (cap_fileargs.c `open_file`; a read then
                        // answers EISDIR): Landlock's open of a directory
                        // is `read_dir`, and nothing else. A rule on a
                        // directory holds for everything beneath it, so
                        // the file accesses (`read_file`, `write_file`,
                        // `truncate`) would let a name redirected there
                        // later open any file beneath; a directory never
                        // opens for writing (open(2): EISDIR). The
                        // broker hands out only what the names were at
                        // start (`FileArgs::known`): `read_dir` holds
                        // beneath too.
                        if flags.read {
                            rules.push((path, AccessFs::ReadDir.into()));
                        }
                    } else if path.exists() {
                        rules.push((path, access));
                    } else if flags.create || flags.exclusive {
                        // A file to be created: its directory. The broker
                        // still checks the name.
                        let dir = match path.parent() {
                            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
                            _ => PathBuf::from("."),
                        };
                        rules.push((dir, access | AccessFs::MakeReg));
                    }
                }
            }
        }
    }
    if nss {
        rules.extend(NSS_FILES.iter().map(|p| (PathBuf::from(p), read())));
    }
    if resolver {
        rules.extend(RESOLVER_FILES.iter().map(|p| (PathBuf::from(p), read())));
    }
    (grants, rules)
}

/// The broker's [`Policy`]: its grants, and an `O_PATH` descriptor per
/// path that exists (a missing one needs no rule).
fn policy(states: &[&State]) -> Policy {
    let (grants, rules) = needs(states);
    let beneath: Vec<(OwnedFd, BitFlags<AccessFs>)> = rules
        .into_iter()
        .filter(|(_, access)| !access.is_empty())
        .filter_map(|(path, access)| {
            let fd = rustix::fs::open(
                Path::new(&path),
                OFlags::PATH | OFlags::CLOEXEC,
                Mode::empty(),
            )
            .ok()?;
            Some((fd, access))
        })
        .collect();
    let (tcp_bind, tcp_connect) = tcp_ports(states);
    Policy {
        classes: Vec::new(),
        beneath,
        grants,
        tcp_bind,
        tcp_connect,
    }
}

/// The DNS port, which resolvers reach over TCP when an answer does not
/// fit a datagram (resolv.conf(5) `use-vc`, RFC 7766).
const DNS_PORT: u16 = 53;

/// The TCP ports the broker may bind and connect to (Landlock `NetPort`
/// rules; `None`: any): the ports of `net`'s `bind` and `connect`
/// addresses, none for a mode the limits leave out, and the DNS port for
/// lookups. Any port when a channel allows binding or connecting without
/// an address list, or `connectdns` (any port of an address a lookup
/// returned). So the broker cannot reach another port even if its own
/// address check (net.rs) were bypassed.
pub(crate) fn tcp_ports(states: &[&State]) -> (Option<Vec<u16>>, Option<Vec<u16>>) {
    let (mut bind, mut connect) = (Some(Vec::new()), Some(Vec::new()));
    let add = |set: &mut Option<Vec<u16>>, port: u16| {
        if let Some(list) = set {
            if !list.contains(&port) {
                list.push(port);
            }
        }
    };
    for state in states {
        match state {
            State::Dns(_) => add(&mut connect, DNS_PORT),
            State::Net(net) => {
                let l = &net.limits;
                let mode = |m: NetMode| l.allows_mode(m);
                if mode(NetMode::NameToAddr) || mode(NetMode::AddrToName) {
                    add(&mut connect, DNS_PORT);
                }
                if mode(NetMode::ConnectDns) || (mode(NetMode::Connect) && l.connect.is_empty()) {
                    connect = None;
                } else if mode(NetMode::Connect) {
                    for a in &l.connect {
                        add(&mut connect, a.port());
                    }
                }
                if mode(NetMode::Bind) && l.bind.is_empty() {
                    bind = None;
                } else if mode(NetMode::Bind) {
                    for a in &l.bind {
                        add(&mut bind, a.port());
                    }
                }
            }
            _ => {}
        }
    }
    (bind, connect)
}

/// Confines the broker. The error is a stage and an errno.
pub(crate) fn confine(states: &[&State]) -> Result<(), (u8, i32)> {
    let kernel = Kernel::running();
    if kernel.landlock_abi < 1 {
        return Err((LANDLOCK, libc::ENOSYS));
    }
    if !kernel.seccomp {
        return Err((SECCOMP, libc::ENOSYS));
    }
    apply(policy(states), &kernel).map(drop).map_err(|e| {
        let stage = match &e {
            ConfineError::TooLong { .. }
            | ConfineError::Seccomp(_)
            | ConfineError::ThreadSync(_)
            | ConfineError::Supervisor(_) => SECCOMP,
            ConfineError::Os(..) => NO_NEW_PRIVS,
            ConfineError::Landlock(_) | ConfineError::NotEnforced => LANDLOCK,
        };
        (stage, e.errno().unwrap_or(libc::EINVAL))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::linux::broker::net::Net;
    use crate::decl::NetLimits;

    fn net(modes: &[NetMode], bind: &[&str], connect: &[&str]) -> State {
        State::Net(Net {
            limits: NetLimits {
                modes: modes.to_vec(),
                bind: bind.iter().map(|a| a.parse().unwrap()).collect(),
                connect: connect.iter().map(|a| a.parse().unwrap()).collect(),
                ..NetLimits::default()
            },
            resolved: Default::default(),
        })
    }

    /// The paths of the read rules `needs` gives `states`.
    fn read_paths(states: &[&State]) -> Vec<String> {
        needs(states)
            .1
            .into_iter()
            .map(|(p, _)| p.to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn user_databases_read_no_resolver_files() {
        let pwd = State::Db(crate::backend::linux::broker::db::Database {
            db: crate::backend::linux::broker::db::Db::Pwd,
            limits: crate::decl::DbNames::default(),
        });
        let paths = read_paths(&[&pwd]);
        assert!(paths.iter().any(|p| p == "/etc/passwd"), "{paths:?}");
        assert!(paths.iter().any(|p| p == "/etc/nsswitch.conf"), "{paths:?}");
        for p in RESOLVER_FILES {
            assert!(!paths.iter().any(|q| q == p), "{p} in {paths:?}");
        }
        let dns = State::Dns(crate::backend::linux::broker::dns::Dns {
            limits: crate::decl::DnsLimits::default(),
        });
        let paths = read_paths(&[&pwd, &dns]);
        for p in RESOLVER_FILES.iter().chain(NSS_FILES) {
            assert!(paths.iter().any(|q| q == p), "{p} not in {paths:?}");
        }
    }

    #[test]
    fn net_limits_become_tcp_port_rules() {
        let limited = net(
            &[NetMode::Connect, NetMode::Bind],
            &["127.0.0.1:8080"],
            &["192.0.2.1:443", "[2001:db8::1]:443", "192.0.2.2:80"],
        );
        assert_eq!(
            tcp_ports(&[&limited]),
            (Some(vec![8080]), Some(vec![443, 80]))
        );
        // Lookups may fall back to TCP port 53; no bind mode, no bind port.
        let lookups = net(
            &[NetMode::NameToAddr, NetMode::Connect],
            &[],
            &["192.0.2.1:22"],
        );
        assert_eq!(tcp_ports(&[&lookups]), (Some(vec![]), Some(vec![53, 22])));
        // connectdns: any port of a looked-up address; no list: any port.
        let dns = net(&[NetMode::ConnectDns], &[], &[]);
        assert_eq!(tcp_ports(&[&dns]), (Some(vec![]), None));
        let any = net(&[], &[], &[]);
        assert_eq!(tcp_ports(&[&any]), (None, None));
        // Channels add up; any port on one channel is any port.
        assert_eq!(tcp_ports(&[&limited, &any]), (None, None));
        assert_eq!(tcp_ports(&[]), (Some(vec![]), Some(vec![])));
    }
}
