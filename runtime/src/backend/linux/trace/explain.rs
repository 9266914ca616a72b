//! The explainer: a trapped call's record (operation, object, reason, errno)
//! from the system-call table — the row names the call and its arguments,
//! and judging the row again ([`rules::judge`]) says which need failed.
//! Pure: the handler adds the backtrace.

use crate::trace::{Described, Object, Reason, Record};

use super::super::judge::{self, Context, Lacking};
use super::super::rules::{Access, Arg, Req, Syscall};
use super::super::seccomp::consts::{AUDIT_ARCH_X86_64, RIGHTS_ERRNO};
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

/// The record of a trapped call, without frames: `data` is the filter's
/// errno (`EPERM`: capability mode, `EACCES`: rights).
pub(crate) fn explain(scene: &Scene, data: u32, nr: u32, arch: u32, args: &[u64; 6]) -> Record {
    let errno = errno_name(answer(scene, data, nr, args));
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
        };
    };
    let (object, reason) = if data == RIGHTS_ERRNO as u32 {
        rights_denial(scene, row, args)
    } else {
        mode_denial(row, args)
    };
    Record {
        syscall: row.name.to_owned(),
        call: call_text(row.name, row.args, args),
        object,
        reason,
        errno,
        frames: Vec::new(),
    }
}

/// Object and reason of a rights denial: the first need the call fails.
fn rights_denial(scene: &Scene, row: &Syscall, args: &[u64; 6]) -> (Object, Reason) {
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
        .map(|(_, path)| c_string(args[path]));
    let object = match (decl, path) {
        (Some(d), Some(path)) if d.dir => Object::Beneath {
            dir: Box::new(d),
            path,
        },
        (decl, _) => Object::Descriptor {
            fd: fd as i32,
            decl: decl.map(Box::new),
        },
    };
    let reason = match (denial.lacking, denial.need.req) {
        (Lacking::Right(r), _) => Reason::MissingRight(r),
        (Lacking::Copy, Req::Never | Req::Fcntl { .. } | Req::Into { .. } | Req::Onto) => {
            Reason::NoCopies
        }
        (Lacking::Copy | Lacking::Command, _) => Reason::Rights,
        (Lacking::Unmediated, _) => Reason::Unmediated(row.why),
    };
    (object, reason)
}

/// Object and reason of a capability-mode denial, from the row's
/// arguments: a global path, a new endpoint, another process, or the call
/// itself.
pub(crate) fn mode_denial(row: &Syscall, args: &[u64; 6]) -> (Object, Reason) {
    let mut after_dirfd = None;
    for (i, kind) in row.args.iter().enumerate() {
        match kind {
            Arg::Program => {
                return (
                    Object::GlobalPath(c_string(args[i])),
                    Reason::NotAllowed(row.why),
                )
            }
            Arg::Path => {
                let path = c_string(args[i]);
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
    let at = |kind: Arg| row.args.iter().position(|&a| a == kind);
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
        let len = args.get(a + 1).copied().unwrap_or(0);
        return (
            Object::Endpoint(format!("address {}", sockaddr(args[a], len))),
            Reason::Endpoint,
        );
    }
    if at(Arg::Msg).is_some() {
        return (
            Object::Endpoint(
                "a message header (its address and descriptors cannot be checked: use send or write)"
                    .into(),
            ),
            Reason::Endpoint,
        );
    }
    if let Some(p) = at(Arg::Pid) {
        return (
            Object::Process(format!("process {}", args[p] as i32)),
            Reason::OtherProcess,
        );
    }
    (Object::None, Reason::NotAllowed(row.why))
}

/// Dry-run: the record of a lookup beneath a preopened directory that
/// Landlock would deny, judged lexically (absolute, or `..` above the
/// directory); `None` for a lookup that stays beneath.
pub(crate) fn escaping_lookup(scene: &Scene, nr: u32, args: &[u64; 6]) -> Option<Record> {
    let row = syscalls::lookup(nr)?;
    for (d, p) in row.lookups() {
        let path = c_string(args[p]);
        if !leaves(&path) {
            continue;
        }
        let dir = scene.described(args[d])?;
        return Some(Record {
            syscall: row.name.to_owned(),
            call: call_text(row.name, row.args, args),
            object: Object::Beneath {
                dir: Box::new(dir),
                path,
            },
            reason: Reason::Escapes,
            errno: "EACCES",
            frames: Vec::new(),
        });
    }
    None
}

/// Whether `path`, looked up beneath a directory, leaves it (lexically).
pub(crate) fn leaves(path: &str) -> bool {
    if path.starts_with('/') {
        return true;
    }
    let mut depth = 0i32;
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
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
        let record = explain(
            &scene(&[]),
            MODE,
            libc::SYS_openat as u32,
            AUDIT_ARCH_X86_64,
            &args,
        );
        assert_eq!(
            record.call,
            "openat(AT_FDCWD, \"notes.txt\", O_RDONLY|O_CLOEXEC)"
        );
        assert_eq!(record.object, Object::GlobalPath("notes.txt".into()));
        assert_eq!(record.reason, Reason::GlobalPath);
        assert_eq!(record.errno, "EPERM");
    }

    #[test]
    fn every_call_has_its_name() {
        // sched_getaffinity(1, ..): another process, once "syscall 204".
        let record = explain(
            &scene(&[]),
            MODE,
            libc::SYS_sched_getaffinity as u32,
            AUDIT_ARCH_X86_64,
            &[4321, 0, 0, 0, 0, 0],
        );
        assert_eq!(record.syscall, "sched_getaffinity");
        assert_eq!(record.call, "sched_getaffinity(4321)");
        assert_eq!(record.reason, Reason::OtherProcess);
        for nr in (0..=336).chain(424..=470) {
            let record = explain(&scene(&[]), MODE, nr, AUDIT_ARCH_X86_64, &[0; 6]);
            assert!(!record.syscall.starts_with("syscall"), "{nr}");
        }
    }
}
