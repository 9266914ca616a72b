//! The escape suite's probe: enters the sandbox through the real attribute,
//! then tries the ONE case named by `argv[1]` and prints one `outcome:` line
//! (see `sandboxed_tests::escapes`). Run by tests/tests/escape.rs, one fresh
//! process per case; never run it by hand outside the harness's world.
//!
//! argv: `escape_probe CASE DIR RODIR RO WO RW NARROWED`

#[cfg(target_os = "linux")]
mod linux {
    use std::os::fd::{AsRawFd, OwnedFd};
    use std::process::ExitCode;

    use sandboxed::{sandboxed, Dir, File};
    use sandboxed_tests::escapes::{self, Fds, Set};

    fn limit_to(fd: OwnedFd, set: Set) -> std::io::Result<OwnedFd> {
        match set {
            Set::Reading => sandboxed::rights::limit::<Reading>(fd).map(OwnedFd::from),
            Set::Wider => sandboxed::rights::limit::<Wider>(fd).map(OwnedFd::from),
        }
    }

    #[sandboxed(
        preopen(
            dir = dir(arg(2)),
            rodir = dir(arg(3)),
            ro = file(arg(4)),
            wo = file(arg(5), write),
            rw = file(arg(6), read, write),
            narrowed = file(arg(7), read, write),
        ),
        rights(
            dir = [lookup, read, write, create, seek, fstat, fstatat, fchmodat, fchownat,
                   futimesat, mkdirat, unlinkat, renameat_source, renameat_target,
                   linkat_source, linkat_target, symlinkat, extattr_set, extattr_delete,
                   ioctl],
            rodir = [lookup, read, fstat],
            ro = [read],
            wo = [write],
            rw = [read, write, seek, fstat, mmap_r, ioctls(fionread), fcntls(getfl)],
            narrowed = [read],
            stdio,
        ),
        limits(Reading = [read], Wider = [read, write, seek, fstat]),
    )]
    pub fn main(dir: Dir, rodir: Dir, ro: File, wo: File, rw: File, narrowed: File) -> ExitCode {
        let fds = Fds {
            dir: dir.as_raw_fd(),
            rodir: rodir.as_raw_fd(),
            ro: ro.as_raw_fd(),
            wo: wo.as_raw_fd(),
            rw: rw.as_raw_fd(),
            narrowed: narrowed.as_raw_fd(),
            limit: limit_to,
        };
        let case = std::env::args().nth(1).unwrap_or_default();
        if !sandboxed::is_sandboxed() {
            println!("outcome: unsandboxed the body runs outside the sandbox");
            return ExitCode::FAILURE;
        }
        match escapes::run(&case, &fds) {
            Some(attempt) => {
                println!("{}", escapes::outcome_line(&attempt));
                ExitCode::SUCCESS
            }
            None => {
                println!("outcome: unknown case {case:?}");
                ExitCode::FAILURE
            }
        }
    }
}

#[cfg(target_os = "linux")]
fn main() -> std::process::ExitCode {
    linux::main()
}

#[cfg(not(target_os = "linux"))]
fn main() {
    println!("skipped: the escape suite attacks the Linux backend");
}
