//! The broker's policy: what its services need, applied with the backend's
//! own confinement (`backend/linux/confine.rs`: no_new_privs, Landlock,
//! the capability-mode seccomp filter) before it reads a single request.
//!
//! | service | seccomp grants (beyond capability mode) | Landlock: read beneath / write beneath |
//! |---|---|---|
//! | `dns` | global paths, inet sockets (resolvers) | the NSS files (nsswitch.conf(5), hosts(5), resolv.conf(5), gai.conf(5), host.conf, services, protocols) and the libraries NSS may load |
//! | `net` | global paths, inet sockets (connect and bind: the broker checks each address) | as `dns` |
//! | `pwd`, `grp` | global paths | as `dns` (passwd(5), group(5) among them) |
//! | `sysctl` | global paths | each declared `/proc/sys` entry: read, write, directory reads when recursive |
//! | `syslog` | `AF_UNIX` sockets and connect (the log socket) | nothing (/etc/localtime is read before) |
//! | `fileargs` | global paths | each named file with the access its flags need; the parent directory of a missing file to `create` |
//!
//! Nothing else: no execve, no ptrace, no signal outside the broker
//! (Landlock signal scope), no abstract unix sockets unless `syslog` is
//! declared. Landlock does not mediate UDP nor (below ABI 4) TCP ports, so
//! `net`'s addresses are the broker's own check (`net.rs`).
//!
//! Both Landlock and seccomp must be there: on a kernel without them the
//! broker refuses to start (`ENOSYS`), since it would serve the sandbox
//! unconfined.

use std::os::fd::OwnedFd;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use landlock::{AccessFs, BitFlags};
use rustix::fs::{Mode, OFlags};

use crate::decl::FileOp;

use super::super::confine::{apply, Grants, Policy};
use super::super::probe::Kernel;
use super::serve::State;
use super::sysctl::proc_path;

/// Stages reported to the parent (indices into `STAGES` of mod.rs).
const LANDLOCK: u8 = 4;
const SECCOMP: u8 = 5;
const NO_NEW_PRIVS: u8 = 6;

/// What name-service lookups read (nsswitch.conf(5), resolv.conf(5),
/// hosts(5), passwd(5), group(5), gai.conf(5)) and the libraries NSS may
/// load on demand.
const NSS_FILES: &[&str] = &[
    "/etc/nsswitch.conf",
    "/etc/hosts",
    "/etc/host.conf",
    "/etc/resolv.conf",
    "/etc/gai.conf",
    "/etc/services",
    "/etc/protocols",
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

/// Read access beneath a file or directory. Landlock keeps only the file
/// rights on a rule for a file (`CompatLevel::BestEffort`).
fn read() -> BitFlags<AccessFs> {
    AccessFs::ReadFile | AccessFs::ReadDir
}

/// The paths each service needs and the access beneath them, and its
/// grants, merged over `states`.
pub(crate) fn needs(states: &[&State]) -> (Grants, Vec<(PathBuf, BitFlags<AccessFs>)>) {
    let mut grants = Grants::default();
    let mut rules = Vec::new();
    let mut nss = false;
    for state in states {
        match state {
            State::Dns(_) | State::Net(_) => {
                nss = true;
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
                    if path.exists() {
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
    Policy {
        classes: Vec::new(),
        beneath,
        grants,
    }
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
    apply(policy(states), &kernel).map(drop).map_err(|f| {
        let stage = if f.syscall.starts_with("seccomp") {
            SECCOMP
        } else if f.syscall.starts_with("prctl") {
            NO_NEW_PRIVS
        } else {
            LANDLOCK
        };
        (stage, f.error.raw_os_error().unwrap_or(libc::EINVAL))
    })
}
