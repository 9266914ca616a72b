//! Confines the broker to what its services need, before it reads a single
//! request: a Landlock ruleset (landlock(7): file-system access beneath the
//! files each service reads, TCP ports for `net`, no abstract sockets, no
//! signals out) and a seccomp-bpf allow list (seccomp(2): no execve, no
//! ptrace, no fork, no mount, ...; anything else fails with `EPERM`).
//!
//! Landlock must be enforced (fully or in part): on a kernel without it
//! the broker refuses to start, since it would serve the sandbox unconfined.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use landlock::{
    Access, AccessFs, AccessNet, BitFlags, CompatLevel, Compatible, NetPort, PathBeneath, PathFd,
    Ruleset, RulesetAttr, RulesetCreatedAttr, RulesetStatus, Scope, ABI,
};
use seccompiler::{BpfProgram, SeccompAction, SeccompFilter};

use crate::decl::{FileOp, NetMode};

use super::serve::State;
use super::sysctl::proc_path;

/// Stages reported to the parent (indices into `STAGES` of mod.rs).
const LANDLOCK: u8 = 4;
const SECCOMP: u8 = 5;

const ABI_USED: ABI = ABI::V6;

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

/// A Landlock rule to add: a path and the access beneath it.
struct Rule(PathBuf, BitFlags<AccessFs>);

fn rules(states: &[&State]) -> (Vec<Rule>, Option<Vec<(u16, AccessNet)>>) {
    let read = AccessFs::from_read(ABI_USED);
    let mut rules = Vec::new();
    let mut net: Option<Vec<(u16, AccessNet)>> = None;
    let mut nss = false;
    for state in states {
        match state {
            State::Dns(_) | State::Db(_) => nss = true,
            State::Syslog(_) => rules.push(Rule("/etc/localtime".into(), read)),
            State::Net(n) => {
                nss = true;
                let l = &n.limits;
                let any = |m| l.modes.is_empty() || l.modes.contains(&m);
                // Ports are all Landlock knows of; the broker checks the
                // addresses. Connecting to a looked-up address can be any port.
                let ports = net.get_or_insert_with(Vec::new);
                if any(NetMode::Bind) {
                    if l.bind.is_empty() {
                        return (rules, None);
                    }
                    ports.extend(l.bind.iter().map(|a| (a.port(), AccessNet::BindTcp)));
                }
                if any(NetMode::Connect) || l.modes.contains(&NetMode::ConnectDns) {
                    if l.connect.is_empty() || l.modes.contains(&NetMode::ConnectDns) {
                        return (rules, None);
                    }
                    ports.extend(l.connect.iter().map(|a| (a.port(), AccessNet::ConnectTcp)));
                }
            }
            State::Sysctl(s) => {
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
                    rules.push(Rule(path, access));
                }
            }
            State::FileArgs(f) => {
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
                let opens = f.operations.is_empty() || f.operations.contains(&FileOp::Open);
                if !opens {
                    continue;
                }
                for name in &f.names {
                    let path = PathBuf::from(std::ffi::OsStr::from_bytes(name));
                    if path.exists() {
                        rules.push(Rule(path, access));
                    } else if flags.create || flags.exclusive {
                        // A file to be created: its directory, for regular
                        // files only. The broker still checks the name.
                        let dir = match path.parent() {
                            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
                            _ => PathBuf::from("."),
                        };
                        rules.push(Rule(dir, access | AccessFs::MakeReg));
                    }
                }
            }
        }
    }
    if nss {
        rules.extend(NSS_FILES.iter().map(|p| Rule(p.into(), read)));
    }
    (rules, Some(net.unwrap_or_default()))
}

use std::os::unix::ffi::OsStrExt;

/// Landlock, then seccomp. The error is a stage and an errno.
pub(crate) fn confine(states: &[&State]) -> Result<(), (u8, i32)> {
    landlock(states).map_err(|e| (LANDLOCK, e))?;
    seccomp().map_err(|e| (SECCOMP, e))
}

fn landlock(states: &[&State]) -> Result<(), i32> {
    let fail = |_| libc::EINVAL;
    let (fs_rules, net_rules) = rules(states);
    let mut ruleset = Ruleset::default()
        .set_compatibility(CompatLevel::BestEffort)
        .handle_access(AccessFs::from_all(ABI_USED))
        .map_err(fail)?
        .scope(Scope::from_all(ABI_USED))
        .map_err(fail)?;
    if net_rules.is_some() {
        ruleset = ruleset
            .handle_access(AccessNet::from_all(ABI_USED))
            .map_err(fail)?;
    }
    let mut created = ruleset.create().map_err(fail)?;
    for Rule(path, access) in fs_rules {
        // A path that does not exist here needs no rule.
        let Ok(fd) = PathFd::new(Path::new(&path)) else {
            continue;
        };
        created = created
            .add_rule(PathBeneath::new(fd, access))
            .map_err(fail)?;
    }
    for (port, access) in net_rules.unwrap_or_default() {
        created = created.add_rule(NetPort::new(port, access)).map_err(fail)?;
    }
    let status = created.restrict_self().map_err(fail)?;
    if status.ruleset == RulesetStatus::NotEnforced {
        return Err(libc::ENOSYS);
    }
    Ok(())
}

/// The system calls a broker makes while serving: I/O on its sockets and
/// the files it opens, memory, time, name-service lookups (sockets to
/// resolvers and nscd), and exit.
const ALLOWED: &[i64] = &[
    libc::SYS_read,
    libc::SYS_write,
    libc::SYS_readv,
    libc::SYS_writev,
    libc::SYS_pread64,
    libc::SYS_close,
    libc::SYS_lseek,
    libc::SYS_openat,
    libc::SYS_newfstatat,
    libc::SYS_fstat,
    libc::SYS_statx,
    libc::SYS_readlinkat,
    libc::SYS_getdents64,
    libc::SYS_fcntl,
    libc::SYS_faccessat,
    libc::SYS_faccessat2,
    libc::SYS_poll,
    libc::SYS_ppoll,
    libc::SYS_recvmsg,
    libc::SYS_sendmsg,
    libc::SYS_recvfrom,
    libc::SYS_sendto,
    libc::SYS_sendmmsg,
    libc::SYS_socket,
    libc::SYS_connect,
    libc::SYS_bind,
    libc::SYS_setsockopt,
    libc::SYS_getsockopt,
    libc::SYS_getsockname,
    libc::SYS_getpeername,
    libc::SYS_shutdown,
    libc::SYS_brk,
    libc::SYS_mmap,
    libc::SYS_munmap,
    libc::SYS_mremap,
    libc::SYS_mprotect,
    libc::SYS_madvise,
    libc::SYS_futex,
    libc::SYS_rt_sigreturn,
    libc::SYS_rt_sigprocmask,
    libc::SYS_restart_syscall,
    libc::SYS_exit,
    libc::SYS_exit_group,
    libc::SYS_getpid,
    libc::SYS_getppid,
    libc::SYS_gettid,
    libc::SYS_getuid,
    libc::SYS_geteuid,
    libc::SYS_getgid,
    libc::SYS_getegid,
    libc::SYS_clock_gettime,
    libc::SYS_gettimeofday,
    libc::SYS_getrandom,
    libc::SYS_uname,
    libc::SYS_sched_yield,
    libc::SYS_nanosleep,
    libc::SYS_clock_nanosleep,
    #[cfg(target_arch = "x86_64")]
    libc::SYS_stat,
    #[cfg(target_arch = "x86_64")]
    libc::SYS_lstat,
    #[cfg(target_arch = "x86_64")]
    libc::SYS_open,
    #[cfg(target_arch = "x86_64")]
    libc::SYS_readlink,
    #[cfg(target_arch = "x86_64")]
    libc::SYS_access,
    #[cfg(target_arch = "x86_64")]
    libc::SYS_time,
];

fn seccomp() -> Result<(), i32> {
    let arch = std::env::consts::ARCH
        .try_into()
        .map_err(|_| libc::ENOSYS)?;
    let rules: BTreeMap<i64, Vec<seccompiler::SeccompRule>> =
        ALLOWED.iter().map(|&nr| (nr, Vec::new())).collect();
    let filter = SeccompFilter::new(
        rules,
        SeccompAction::Errno(libc::EPERM as u32),
        SeccompAction::Allow,
        arch,
    )
    .map_err(|_| libc::EINVAL)?;
    let program: BpfProgram = filter.try_into().map_err(|_| libc::EINVAL)?;
    seccompiler::apply_filter(&program).map_err(|_| libc::EPERM)
}
