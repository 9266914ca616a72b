//! The explainer: a trapped call's record (operation, object, reason, errno)
//! from the system-call table — the row names the call and its arguments,
//! and judging the row again ([`judge::judge`]) says which need failed.
//! Pure, from the handler's raw record: run by the reporter thread, which
//! adds the symbolized frames.

use crate::backend::unix::trace::ring::RawRecord;
use crate::rights::{Fcntl, Ioctl};
use crate::trace::{Described, Object, Reason, Record};

use super::super::judge::{self, Context, Lacking};
use super::super::rules::{Access, Arg, Req, Syscall};
use super::super::seccomp::consts::{
    fcntl_numbers, ioctl_numbers, AUDIT_ARCH_X86_64, RIGHTS_ERRNO,
};
use super::super::seccomp::FdClass;
use super::super::syscalls;
use super::decode::{c_string, call_text, family_name, sockaddr, type_name};

/// What the explainer knows of the sandboxed process.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Scene<'a> {
    /// The process, its grants and its classes as the trace programs see
    /// them: every class with read and write rules (`traced`).
    pub ctx: Context<'a>,
    /// The classes as they really are (their access modes).
    pub classes: &'a [FdClass],
    /// The descriptors the steps described.
    pub described: &'a [Described],
}

/// The classes as the trace programs are built: read/write rules for
/// every class, even where the access mode already refuses (the enforcing
/// programs leave those to the kernel's `EBADF`), so that the trace sees
/// them; [`answer`] gives the program that `EBADF`.
pub(crate) fn traced(classes: &[FdClass]) -> Vec<FdClass> {
    classes
        .iter()
        .map(|c| FdClass {
            reads: true,
            writes: true,
            ..*c
        })
        .collect()
}

impl Scene<'_> {
    fn described(&self, fd: u64) -> Option<Described> {
        let fd = fd as i32;
        self.described.iter().find(|d| d.fd == fd).cloned()
    }

    fn real_class(&self, fd: u64) -> Option<&FdClass> {
        let fd = fd as u32;
        self.classes.iter().find(|c| (c.lo..=c.hi).contains(&fd))
    }
}

pub(super) fn errno_name(errno: u32) -> &'static str {
    match errno as i32 {
        libc::EPERM => "EPERM",
        libc::EBADF => "EBADF",
        libc::EACCES => "EACCES",
        libc::EXDEV => "EXDEV",
        libc::ENOSYS => "ENOSYS",
        _ => "error",
    }
}

/// The errno the program gets for a trapped call: the filter's, except
/// for reads and writes the descriptor's access mode denies, which the
/// enforcing filter leaves to the kernel (`EBADF`, read(2)).
pub(crate) fn answer(scene: &Scene, data: u32, nr: u32, args: &[u64; 6]) -> u32 {
    if data != RIGHTS_ERRNO as u32 {
        return data;
    }
    let Some(row) = syscalls::lookup(nr) else {
        return data;
    };
    let judge::Verdict::Rights(denial) = judge::judge(row, args, &scene.ctx) else {
        return data;
    };
    let real = denial.fd.and_then(|fd| scene.real_class(fd));
    let moot = match (denial.need.access, real) {
        (Access::Read, Some(c)) => !c.reads,
        (Access::Write, Some(c)) => !c.writes,
        _ => false,
    };
    if moot {
        libc::EBADF as u32
    } else {
        data
    }
}

/// The record of a trapped call, without frames: `raw.data` is the
/// filter's errno (`EPERM`: capability mode, `EACCES`: rights).
pub(crate) fn explain_raw(scene: &Scene, raw: &RawRecord) -> Record {
    let (data, nr, arch) = (raw.data, raw.nr, raw.arch);
    let errno = errno_name(answer(scene, data, nr, &raw.args));
    let row = syscalls::lookup(nr).filter(|_| arch == AUDIT_ARCH_X86_64);
    let Some(row) = row else {
        let call = if arch == AUDIT_ARCH_X86_64 {
            format!("syscall {nr}(...)")
        } else {
            format!("syscall {nr} of architecture {arch:#x}")
        };
        return Record {
            syscall: format!("syscall {nr}"),
            call,
            object: Object::None,
            reason: Reason::CapabilityMode,
            errno,
            frames: Vec::new(),
            caller: None,
            opened_dir: false,
        };
    };
    let (object, reason) = if data == RIGHTS_ERRNO as u32 {
        rights_denial(scene, row, raw)
    } else {
        mode_denial(row, raw)
    };
    Record {
        syscall: row.name().to_owned(),
        call: call_text(row.name(), row.args(), raw),
        object,
        reason,
        errno,
        frames: Vec::new(),
        caller: None,
        opened_dir: raw.opened == libc::S_IFDIR,
    }
}

/// [`explain_raw`] of call `nr` with `args`, its memory copied as the
/// handler copies it (the seccomp agreement test's entry).
#[cfg(test)]
pub(crate) fn explain(scene: &Scene, data: u32, nr: u32, arch: u32, args: &[u64; 6]) -> Record {
    let mut raw = RawRecord::new(nr, arch, data);
    raw.args = *args;
    super::handler::copy_arguments(&mut raw);
    explain_raw(scene, &raw)
}

/// The declared `ioctls(..)` word of command `cmd`, and the command's
/// name in Linux's headers.
pub(crate) fn ioctl_word(cmd: u32) -> Option<Ioctl> {
    Ioctl::ALL
        .iter()
        .copied()
        .find(|&w| ioctl_numbers(w).contains(&cmd))
}

/// The declared `fcntls(..)` word of command `cmd`.
fn fcntl_word(cmd: u32) -> Option<Fcntl> {
    Fcntl::ALL
        .iter()
        .copied()
        .find(|&w| fcntl_numbers(w).contains(&cmd))
}

/// Object and reason of a rights denial: the first need the call fails.
fn rights_denial(scene: &Scene, row: &Syscall, raw: &RawRecord) -> (Object, Reason) {
    let args = &raw.args;
    let judge::Verdict::Rights(denial) = judge::judge(row, args, &scene.ctx) else {
        return (Object::None, Reason::Rights);
    };
    let Some(fd) = denial.fd else {
        return (Object::None, Reason::Rights);
    };
    let arg = denial.need.fd.map_or(0, usize::from);
    let decl = scene.described(fd);
    let path = row
        .lookups()
        .find(|&(dir, _)| dir == arg)
        .map(|(_, path)| c_string(raw, path));
    let object = match (decl, path) {
        (Some(d), Some(path)) if d.dir => Object::Beneath {
            dir: Box::new(d),
            path,
        },
        (None, _) if scene.real_class(fd).is_some_and(|c| c.pool) => {
            Object::Limited { fd: fd as i32 }
        }
        (decl, _) => Object::Descriptor {
            fd: fd as i32,
            decl: decl.map(Box::new),
        },
    };
    let command = args.get(1).copied().unwrap_or(0) as u32;
    let reason = match (denial.lacking, denial.need.req) {
        (Lacking::Right(first), _) => {
            // Every right the call lacks on this descriptor, not only the
            // first: `O_CREAT|O_WRONLY` needs `create` and `write`.
            let all = row
                .needs()
                .iter()
                .filter(|n| n.fd == denial.need.fd)
                .filter_map(|n| judge::denial(n, args, &scene.ctx))
                .filter_map(|d| match d.lacking {
                    Lacking::Right(r) => Some(r),
                    _ => None,
                })
                .fold(first.set(), |set, r| set.union(r.set()));
            Reason::MissingRights(first, all)
        }
        (Lacking::Copy, Req::Never | Req::Fcntl { .. } | Req::Into { .. } | Req::Onto) => {
            Reason::NoCopies
        }
        (Lacking::Command, _) if row.name() == "ioctl" => Reason::MissingIoctl {
            command: super::decode::ioctl_name(command),
            word: ioctl_word(command),
        },
        (Lacking::Command, _) if row.name() == "fcntl" => Reason::MissingFcntl {
            command: super::decode::fcntl_name(command),
            word: fcntl_word(command),
        },
        (Lacking::Copy | Lacking::Command, _) => Reason::Rights,
        (Lacking::Unmediated, _) => Reason::Unmediated(row.why()),
    };
    (object, reason)
}

/// Object and reason of a capability-mode denial, from the row's
/// arguments: a global path, a new endpoint, another process, or the call
/// itself.
pub(crate) fn mode_denial(row: &Syscall, raw: &RawRecord) -> (Object, Reason) {
    let args = &raw.args;
    let mut after_dirfd = None;
    for (i, kind) in row.args().iter().enumerate() {
        match kind {
            Arg::Program => {
                return (
                    Object::GlobalPath(c_string(raw, i)),
                    Reason::NotAllowed(row.why()),
                )
            }
            Arg::Path => {
                let path = c_string(raw, i);
                let global = match after_dirfd {
                    None => true,
                    Some(dir) => dir as i32 == libc::AT_FDCWD || path.starts_with('/'),
                };
                if global {
                    return (Object::GlobalPath(path), Reason::GlobalPath);
                }
            }
            _ => {}
        }
        after_dirfd = (*kind == Arg::Dirfd).then_some(args[i]);
    }
    let at = |kind: Arg| row.args().iter().position(|&a| a == kind);
    if let (Some(f), Some(t)) = (at(Arg::Family), at(Arg::SockType)) {
        return (
            Object::Endpoint(format!(
                "new {} {} socket",
                family_name(args[f]),
                type_name(args[t] & 0xf)
            )),
            Reason::Endpoint,
        );
    }
    if let Some(a) = at(Arg::Addr) {
        let endpoint = match row.name() {
            "bind" => Object::Bind(sockaddr(raw, a)),
            "connect" => Object::Connect(sockaddr(raw, a)),
            _ => Object::Endpoint(format!("address {}", sockaddr(raw, a))),
        };
        return (endpoint, Reason::Endpoint);
    }
    if at(Arg::Msg).is_some() {
        return (
            Object::Endpoint(
                "a message header (without a supervisor its address and descriptors cannot be checked: use send or write)"
                    .into(),
            ),
            Reason::Endpoint,
        );
    }
    // Pid 0 is the caller itself: a denial there has the row's reason.
    if let Some(p) = at(Arg::Pid).filter(|&p| args[p] as i32 != 0) {
        return (
            Object::Process(format!("process {}", args[p] as i32)),
            Reason::OtherProcess,
        );
    }
    (Object::None, Reason::NotAllowed(row.why()))
}

/// Dry-run: the record of a lookup beneath a preopened directory that
/// Landlock would deny, judged lexically (absolute, or `..` above the
/// directory); `None` for a lookup that stays beneath.
pub(crate) fn escaping_lookup(scene: &Scene, raw: &RawRecord) -> Option<Record> {
    let row = syscalls::lookup(raw.nr)?;
    for (d, p) in row.lookups() {
        let path = c_string(raw, p);
        if !leaves(&path) {
            continue;
        }
        let dir = scene.described(raw.args[d])?;
        return Some(Record {
            syscall: row.name().to_owned(),
            call: call_text(row.name(), row.args(), raw),
            object: Object::Beneath {
                dir: Box::new(dir),
                path,
            },
            reason: Reason::Escapes,
            errno: "EACCES",
            frames: Vec::new(),
            caller: None,
            opened_dir: false,
        });
    }
    None
}

/// Whether `path`, looked up beneath a directory, leaves it (lexically).
pub(crate) fn leaves(path: &str) -> bool {
    leaves_bytes(path.as_bytes())
}

/// [`leaves`] on bytes, without allocating (the handler's test).
pub(crate) fn leaves_bytes(path: &[u8]) -> bool {
    if path.first() == Some(&b'/') {
        return true;
    }
    let mut depth = 0i32;
    for part in path.split(|&b| b == b'/') {
        match part {
            b"" | b"." => {}
            b".." => {
                depth -= 1;
                if depth < 0 {
                    return true;
                }
            }
            _ => depth += 1,
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::linux::seccomp::Grants;

    const MODE: u32 = crate::backend::linux::seccomp::MODE_ERRNO as u32;

    fn scene<'a>(classes: &'a [FdClass]) -> Scene<'a> {
        Scene {
            ctx: Context {
                signal_scope: true,
                lookups: true,
                grants: Grants::default(),
                forks: true,
                notify: false,
                own_signals: false,
                classes,
            },
            classes,
            described: &[],
        }
    }

    #[test]
    fn lexical_escapes() {
        assert!(leaves("/etc/passwd"));
        assert!(leaves("../x"));
        assert!(leaves("a/../../x"));
        assert!(!leaves("a/../b"));
        assert!(!leaves("./a/b"));
        assert!(!leaves(""));
    }

    /// The record the handler would make of call `nr` with `args`.
    pub(crate) fn raw(nr: i64, data: u32, args: [u64; 6]) -> RawRecord {
        let mut raw = RawRecord::new(nr as u32, AUDIT_ARCH_X86_64, data);
        raw.args = args;
        super::super::handler::copy_arguments(&mut raw);
        raw
    }

    #[test]
    fn calls_are_decoded() {
        let path = c"notes.txt";
        let args = [
            libc::AT_FDCWD as u64,
            path.as_ptr() as u64,
            (libc::O_RDONLY | libc::O_CLOEXEC) as u64,
            0,
            0,
            0,
        ];
        let record = explain_raw(&scene(&[]), &raw(libc::SYS_openat, MODE, args));
        assert_eq!(
            record.call,
            "openat(AT_FDCWD, \"notes.txt\", O_RDONLY|O_CLOEXEC)"
        );
        assert_eq!(record.object, Object::GlobalPath("notes.txt".into()));
        assert_eq!(record.reason, Reason::GlobalPath);
        assert_eq!(record.errno, "EPERM");
    }

    #[test]
    fn a_bad_pointer_is_named_not_read() {
        let args = [libc::AT_FDCWD as u64, 8, 0, 0, 0, 0];
        let record = explain_raw(&scene(&[]), &raw(libc::SYS_openat, MODE, args));
        assert_eq!(record.call, "openat(AT_FDCWD, \"<bad address>\", O_RDONLY)");
    }

    #[test]
    fn bind_and_connect_name_their_address() {
        // SAFETY: a zeroed sockaddr_in is valid.
        let mut sin: libc::sockaddr_in = unsafe { std::mem::zeroed() };
        sin.sin_family = libc::AF_INET as u16;
        sin.sin_port = 8090u16.to_be();
        sin.sin_addr.s_addr = u32::from_ne_bytes([127, 0, 0, 1]);
        let len = std::mem::size_of::<libc::sockaddr_in>() as u64;
        let args = [3, (&raw const sin) as u64, len, 0, 0, 0];
        let bind = explain_raw(&scene(&[]), &raw(libc::SYS_bind, MODE, args));
        assert_eq!(bind.object, Object::Bind("127.0.0.1:8090".into()));
        assert_eq!(bind.call, "bind(3, 127.0.0.1:8090)");
        let connect = explain_raw(&scene(&[]), &raw(libc::SYS_connect, MODE, args));
        assert_eq!(connect.object, Object::Connect("127.0.0.1:8090".into()));
    }

    #[test]
    fn an_ioctl_names_its_command_object_and_the_word_that_allows_it() {
        use crate::rights::{Limits, Right, RightSet};
        let limits = Limits {
            rights: RightSet::of(&[Right::Write, Right::Fstat, Right::Ioctl]),
            ioctls: Some(&[Ioctl::Tiocgwinsz]),
            fcntls: None,
        };
        let classes = [FdClass {
            lo: 1,
            hi: 1,
            limits,
            reads: false,
            writes: true,
            pool: false,
            served: false,
            inherited: false,
            copied: false,
            checked: crate::rights::RightSet::EMPTY,
        }];
        let described = [Described {
            fd: 1,
            name: "stdout".into(),
            origin: String::new(),
            limits,
            dir: false,
            flags: None,
        }];
        let scene = Scene {
            described: &described,
            ..scene(&classes)
        };
        let record = explain_raw(
            &scene,
            &raw(
                libc::SYS_ioctl,
                RIGHTS_ERRNO as u32,
                [1, libc::FIONREAD, 0, 0, 0, 0],
            ),
        );
        assert_eq!(record.call, "ioctl(1, FIONREAD)");
        assert_eq!(
            record.reason,
            Reason::MissingIoctl {
                command: "FIONREAD".into(),
                word: Some(Ioctl::Fionread)
            }
        );
        let text = record.render();
        assert!(
            text.contains("  object: descriptor 1: `stdout`\n"),
            "{text}"
        );
        assert!(
            text.contains("  fix: `rights(stdout = [write, fstat, ioctls(tiocgwinsz, fionread)])` (FIONREAD is `fionread`)"),
            "{text}"
        );
    }

    #[test]
    fn every_call_has_its_name() {
        // sched_getaffinity(1, ..): another process, once "syscall 204".
        let record = explain_raw(
            &scene(&[]),
            &raw(libc::SYS_sched_getaffinity, MODE, [4321, 0, 0, 0, 0, 0]),
        );
        assert_eq!(record.syscall, "sched_getaffinity");
        assert_eq!(record.call, "sched_getaffinity(4321)");
        assert_eq!(record.reason, Reason::OtherProcess);
        for nr in (0..=336).chain(424..=470) {
            let record = explain_raw(&scene(&[]), &raw(nr, MODE, [0; 6]));
            assert!(!record.syscall.starts_with("syscall"), "{nr}");
        }
    }
}
