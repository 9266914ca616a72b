//! `system.fileargs`: the limits fileargs_init(3) sends (built by
//! `fileargs_create_limit` in lib/libcasper/services/cap_fileargs/
//! cap_fileargs.c), the names they come from, and a model of the service's
//! checks.

use std::ffi::OsString;

use super::errno::ENAMETOOLONG;
use super::{Nvlist, Value};
use crate::decl::{FileArgsLimits, FileOp, OpenFlags, Source};

/// cap_fileargs.h's operations.
pub(crate) const FA_OPEN: u64 = 1;
pub(crate) const FA_LSTAT: u64 = 2;
pub(crate) const FA_REALPATH: u64 = 4;

/// sys/sys/syslimits.h's `MAXPATHLEN` (via sys/param.h): a longer name is
/// refused by `fileargs_create_limit` with `ENAMETOOLONG`.
pub(crate) const MAXPATHLEN: usize = 1024;

/// Open flags of sys/sys/fcntl.h (FreeBSD's values: `O_CREAT` is 0x200).
pub(crate) mod o {
    pub(crate) const RDONLY: u64 = 0x0000;
    pub(crate) const WRONLY: u64 = 0x0001;
    pub(crate) const RDWR: u64 = 0x0002;
    pub(crate) const APPEND: u64 = 0x0008;
    pub(crate) const CREAT: u64 = 0x0200;
    pub(crate) const TRUNC: u64 = 0x0400;
    pub(crate) const EXCL: u64 = 0x0800;
}

/// The open(2) flags of the declared flags.
pub(crate) fn open_flags(f: &OpenFlags) -> u64 {
    let mut flags = match (f.read, f.write || f.append) {
        (true, true) => o::RDWR,
        (false, true) => o::WRONLY,
        _ => o::RDONLY,
    };
    for (on, flag) in [
        (f.append, o::APPEND),
        (f.create, o::CREAT),
        (f.truncate, o::TRUNC),
        (f.exclusive, o::EXCL),
    ] {
        if on {
            flags |= flag;
        }
    }
    flags
}

/// The operations of a declaration: `open` alone when none is declared.
pub(crate) fn operations(ops: &[FileOp]) -> u64 {
    if ops.is_empty() {
        return FA_OPEN;
    }
    ops.iter().fold(0, |all, op| {
        all | match op {
            FileOp::Open => FA_OPEN,
            FileOp::Lstat => FA_LSTAT,
            FileOp::Realpath => FA_REALPATH,
        }
    })
}

/// The file names `source` gives, from the program's arguments and
/// environment.
pub(crate) fn names(
    source: &Source,
    args: &[OsString],
    env: impl Fn(&str) -> Option<OsString>,
) -> Result<Vec<OsString>, String> {
    Ok(match source {
        Source::Literal(p) => vec![OsString::from(p)],
        Source::Arg(n) => vec![args
            .get(*n)
            .cloned()
            .ok_or_else(|| format!("argv[{n}]: missing command-line argument"))?],
        Source::Args(from) => args.iter().skip(*from).cloned().collect(),
        Source::Env(var) => {
            vec![env(var).ok_or_else(|| format!("${var}: environment variable not set"))?]
        }
        Source::Expr { value, .. } => vec![value.clone()],
        Source::Exprs { values, .. } => values.clone(),
        Source::Absent { .. } => Vec::new(),
    })
}

/// The limits of a `fileargs(...)` declaration for `names`, as
/// `fileargs_create_limit` builds them: an `NV_FLAG_NO_UNIQUE` list of
/// `flags`, `operations`, `cap_rights` (the `cap_rights_t` bytes), `mode`
/// when the flags create, then each name as a null. `ENAMETOOLONG` for a
/// name of `MAXPATHLEN` bytes or more.
pub(crate) fn limits(l: &FileArgsLimits, names: &[OsString], rights: &[u8]) -> Result<Nvlist, i32> {
    let flags = open_flags(&l.flags);
    let mut nvl = Nvlist::no_unique()
        .with("flags", Value::Number(flags))
        .with("operations", Value::Number(operations(&l.operations)))
        .with("cap_rights", Value::Binary(rights.to_vec()));
    if flags & o::CREAT != 0 {
        nvl.add("mode", Value::Number(u64::from(l.flags.mode)));
    }
    for name in names {
        if name.len() >= MAXPATHLEN {
            return Err(ENAMETOOLONG);
        }
        nvl.add(name.clone(), Value::Null);
    }
    Ok(nvl)
}

/// What cap_fileargs.c's service does with limits and requests.
#[cfg(test)]
pub(crate) mod service {
    use std::ffi::OsStr;

    use super::super::errno::ENOTCAPABLE;
    use super::super::Nvlist;

    /// `fileargs_limit`: the limits are set once, at init.
    pub(crate) fn limit(old: Option<&Nvlist>, _new: &Nvlist) -> Result<(), i32> {
        match old {
            Some(_) => Err(ENOTCAPABLE),
            None => Ok(()),
        }
    }

    /// `fileargs_allowed`: the operation is allowed and the name is one of
    /// the limits' nulls. `Err(ENOTCAPABLE)` is what fileargs_open(3),
    /// _lstat(3) and _realpath(3) set.
    pub(crate) fn request(limits: Option<&Nvlist>, name: &OsStr, op: u64) -> Result<(), i32> {
        let Some(limits) = limits else {
            return Err(ENOTCAPABLE);
        };
        let ops = limits.number("operations").unwrap_or(0);
        if ops & op == 0 || !limits.exists_null(name) {
            return Err(ENOTCAPABLE);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::ffi::OsStr;

    use super::super::errno::ENOTCAPABLE;
    use super::*;
    use crate::rights::Limits;

    fn decl(ops: &[FileOp], flags: OpenFlags) -> FileArgsLimits {
        FileArgsLimits {
            source: Source::Args(1),
            flags,
            limits: Limits::default(),
            operations: ops.to_vec(),
        }
    }

    fn args(list: &[&str]) -> Vec<OsString> {
        list.iter().map(OsString::from).collect()
    }

    #[test]
    fn only_the_named_files_and_operations() {
        let names = names(&Source::Args(1), &args(&["prog", "a", "b"]), |_| None).unwrap();
        let l = limits(&decl(&[FileOp::Open], OpenFlags::READ), &names, &[0; 16]).unwrap();
        assert!(l.is_no_unique() && l.error().is_none());
        assert_eq!(service::limit(None, &l), Ok(()));
        let l = Some(&l);
        assert_eq!(service::request(l, OsStr::new("a"), FA_OPEN), Ok(()));
        assert_eq!(
            service::request(l, OsStr::new("c"), FA_OPEN),
            Err(ENOTCAPABLE)
        );
        assert_eq!(
            service::request(l, OsStr::new("a"), FA_LSTAT),
            Err(ENOTCAPABLE)
        );
        assert_eq!(service::limit(l, &Nvlist::new()), Err(ENOTCAPABLE));
    }

    #[test]
    fn flags_mode_and_long_names() {
        let create = OpenFlags {
            write: true,
            create: true,
            mode: 0o640,
            ..OpenFlags::READ
        };
        let l = limits(&decl(&[], create), &args(&["out"]), &[0; 16]).unwrap();
        assert_eq!(l.number("flags"), Some(o::RDWR | o::CREAT));
        assert_eq!(l.number("mode"), Some(0o640));
        assert_eq!(l.number("operations"), Some(FA_OPEN));
        let plain = limits(&decl(&[], OpenFlags::READ), &args(&["in"]), &[0; 16]).unwrap();
        assert!(!plain.exists("mode"));
        let long = OsString::from("x".repeat(MAXPATHLEN));
        assert_eq!(
            limits(&decl(&[], OpenFlags::READ), &[long], &[0; 16]),
            Err(ENAMETOOLONG)
        );
    }

    #[test]
    fn names_come_from_arguments_or_environment() {
        let a = args(&["prog", "x", "y"]);
        assert_eq!(names(&Source::Arg(2), &a, |_| None).unwrap(), args(&["y"]));
        assert!(names(&Source::Arg(5), &a, |_| None).is_err());
        let env = |v: &str| (v == "IN").then(|| OsString::from("/in"));
        assert_eq!(names(&Source::Env("IN"), &a, env).unwrap(), args(&["/in"]));
    }
}
