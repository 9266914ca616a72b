//! Entry through the steps: end to end, panics, many classes.

use std::os::fd::{AsRawFd, OwnedFd, RawFd};

use super::*;

#[test]
fn end_to_end_through_the_steps() {
    if skip_without_landlock() {
        return;
    }
    let root = scratch("steps");
    std::fs::write(root.join("in"), b"input").unwrap();
    let dir: &'static str = Box::leak(root.to_str().unwrap().to_owned().into_boxed_str());
    let input: &'static str = Box::leak(
        root.join("in")
            .to_str()
            .unwrap()
            .to_owned()
            .into_boxed_str(),
    );
    in_child(move || {
        use crate::decl::{Kind, OpenFlags, Preopen, Source};
        let plan = Plan {
            preopens: vec![
                Preopen {
                    name: "input",
                    kind: Kind::File,
                    source: Source::Literal(input),
                    flags: OpenFlags::READ,
                    limits: limits(&[Right::Read]),
                },
                Preopen {
                    name: "out",
                    kind: Kind::Dir,
                    source: Source::Literal(dir),
                    flags: OpenFlags::READ,
                    limits: limits(&[Right::Lookup, Right::Create, Right::Write]),
                },
            ],
            stdio: vec![
                (Stdio::Stdin, Limits::STDIN),
                (Stdio::Stdout, Limits::STDOUT),
                (Stdio::Stderr, Limits::STDOUT),
            ],
            ..Plan::default()
        };
        let mut handles =
            crate::steps::run(&plan, &[], &mut Native::new()).map_err(|e| e.to_string())?;
        let file: crate::File = handles.file(0);
        let out: crate::Dir = handles.dir(1);
        let mut buf = [0u8; 5];
        // SAFETY: `buf` is valid for 5 bytes.
        let n = unsafe { libc::read(file.as_raw_fd(), buf.as_mut_ptr().cast(), 5) };
        if n != 5 || &buf != b"input" {
            return Err(format!("read {n}: {buf:?}"));
        }
        // O_APPEND: no `seek` needed (flags_to_rights, vfs_syscalls.c).
        let fd = ok(
            "create in out",
            openat(
                out.as_raw_fd(),
                "result",
                libc::O_WRONLY | libc::O_CREAT | libc::O_APPEND,
            ),
        )?;
        ok(
            "write result",
            // SAFETY: arguments are integers or pointers to live locals.
            unsafe { libc::write(fd as RawFd, buf.as_ptr().cast(), 5) } as i64,
        )?;
        let err = std::fs::read(input).unwrap_err();
        if !crate::is_violation(&err) {
            return Err(format!("reading by path: {err}"));
        }
        Ok(())
    });
    assert_eq!(std::fs::read(root.join("result")).unwrap(), b"input");
    std::fs::remove_dir_all(root).unwrap();
}

/// A function whose name must appear in a panic's backtrace.
#[inline(never)]
fn panicking_inside_the_sandbox() {
    panic!("deliberate panic inside the sandbox");
}

#[test]
fn panics_print_symbolized_backtraces() {
    const CHILD: &str = "SANDBOXED_TEST_PANIC_CHILD";
    if std::env::var_os(CHILD).is_some() {
        // Re-executed with --nocapture: the default panic hook writes to
        // the real stderr. The test thread forks so the grandchild is
        // single-threaded.
        in_child(|| {
            let mut n = Native::new();
            n.warm_caches().map_err(|e| e.to_string())?;
            enter(&mut n)?;
            let _ = std::panic::catch_unwind(panicking_inside_the_sandbox);
            Ok(())
        });
        return;
    }
    if skip_without_landlock() {
        return;
    }
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "backend::linux::tests::steps::panics_print_symbolized_backtraces",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD, "1")
        .env("RUST_BACKTRACE", "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("deliberate panic") && stderr.contains("panicking_inside_the_sandbox"),
        "backtrace without function names:\n{stderr}"
    );
}

#[test]
fn two_hundred_distinct_rights_classes_enter_and_hold() {
    if skip_without_landlock() {
        return;
    }
    in_child(|| {
        let mut n = Native::new();
        let all = Right::ALL;
        let mut kept = Vec::new();
        // 200 descriptors, each with a rights set of its own; every odd
        // one lacks `fstat` (and so is denied it), every even one has it.
        for i in 0..200usize {
            let mut picked: Vec<Right> = all
                .iter()
                .enumerate()
                .filter(|(k, _)| (i >> (k % 8)) & 1 == 1 || (i + k).is_multiple_of(5))
                .map(|(_, r)| *r)
                .filter(|r| !RightSet::of(&[*r]).allows(Right::Fstat))
                .collect();
            picked.push(Right::Read);
            if i.is_multiple_of(2) {
                picked.push(Right::Fstat);
            }
            let fd: OwnedFd = std::fs::File::open("/dev/null").unwrap().into();
            let fd = n
                .limit(fd, &limits(&picked))
                .map_err(|f| f.error.to_string())?;
            kept.push(fd);
        }
        enter(&mut n)?;
        for (i, fd) in kept.iter().enumerate() {
            let mut st = std::mem::MaybeUninit::<libc::stat>::uninit();
            // SAFETY: `st` is a valid out-pointer.
            let r = unsafe { libc::fstat(fd.as_raw_fd(), st.as_mut_ptr()) } as i64;
            if i.is_multiple_of(2) {
                ok(&format!("fstat of descriptor {i} (with fstat)"), r)?;
            } else {
                denied(
                    &format!("fstat of descriptor {i} (without)"),
                    r,
                    libc::EACCES,
                )?;
            }
        }
        Ok(())
    });
}
