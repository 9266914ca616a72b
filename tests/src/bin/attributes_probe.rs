//! The path forms of chmod, chown and utimes attacked from inside
//! (`sandboxed_tests::attributes`): enters the sandbox through the real
//! attribute, with every preopened directory holding what the calls need,
//! tries the ONE case named by `argv[2]` and prints one `outcome:` line.
//! `control` makes the same attempt on the same directories opened
//! without a sandbox (the kernel's answer). Run by
//! tests/tests/attributes.rs, one fresh process per case, in a world it
//! builds; never by hand.
//!
//! argv: `attributes_probe sandboxed|control CASE ROOT A B PROGRAM`.

#[cfg(target_os = "linux")]
mod linux {
    use std::os::fd::{AsRawFd, OwnedFd};
    use std::path::PathBuf;
    use std::process::ExitCode;

    use sandboxed::{sandboxed, Dir, File};
    use sandboxed_tests::attributes::{find, from_compartment, Fds};
    use sandboxed_tests::sys::{outcome_line, Attempt};

    fn arg(i: usize) -> String {
        std::env::args().nth(i).unwrap_or_default()
    }

    fn report(attempt: Option<Attempt>) -> ExitCode {
        match attempt {
            Some(a) => {
                println!("{}", outcome_line(&a));
                ExitCode::SUCCESS
            }
            None => {
                println!("outcome: unknown case {:?}", arg(2));
                ExitCode::FAILURE
            }
        }
    }

    /// A compartment's errno as an attempt's answer.
    fn answer(errno: i32) -> Attempt {
        match errno {
            0 => Ok("0".into()),
            e => Err(std::io::Error::from_raw_os_error(e)),
        }
    }

    fn run(fds: &Fds) -> ExitCode {
        report(find(&arg(2)).map(|case| (case.run)(fds)))
    }

    #[sandboxed(
        preopen(a = dir(arg(4)), b = dir(arg(5)), program = file(arg(6))),
        rights(
            a = [lookup, read, fstat, fchmodat, fchownat, futimesat, extattr_set, ioctl,
                 renameat_source, renameat_target, linkat_source, linkat_target],
            b = [lookup, read, fstat, fchmodat, fchownat, futimesat, extattr_set, ioctl,
                 renameat_source, renameat_target, linkat_source, linkat_target],
            program = [read, fexecve],
            stdio,
        ),
        limits(Changes = [lookup, fstat, fchmodat, fchownat, futimesat, extattr_set, ioctl]),
    )]
    pub fn entered(a: Dir, b: Dir, program: File) -> ExitCode {
        if !sandboxed::is_sandboxed() {
            println!("outcome: unsandboxed the body runs outside the sandbox");
            return ExitCode::FAILURE;
        }
        run(&Fds {
            a: a.as_raw_fd(),
            b: b.as_raw_fd(),
            program: program.as_raw_fd(),
            root: PathBuf::from(arg(3)),
            limit: |fd| sandboxed::rights::limit::<Changes>(fd).map(OwnedFd::from),
            compartment: |fd, root| {
                let handed = File::<Changes>::from(sandboxed::rights::limit::<Changes>(fd)?);
                let input = format!("{} {root}", handed.as_raw_fd());
                let errno = sandboxed::compartment::Compartment::new()
                    .hand(&handed)
                    .run(from_compartment, input.as_str())
                    .map_err(std::io::Error::other)?;
                answer(errno)
            },
        })
    }

    /// The control: the same directories opened without a sandbox.
    pub fn control() -> ExitCode {
        let open = |i: usize, flags: i32| {
            let path = sandboxed_tests::sys::c(&arg(i));
            sandboxed_tests::sys::openat(libc::AT_FDCWD, &path, flags)
                .expect("the harness built the world")
        };
        // Number 3 taken first, as the sandbox's own descriptors take it:
        // `exec_then_chown` puts `a` there.
        let _three = open(3, libc::O_PATH);
        run(&Fds {
            a: open(4, libc::O_RDONLY | libc::O_DIRECTORY),
            b: open(5, libc::O_RDONLY | libc::O_DIRECTORY),
            program: open(6, libc::O_PATH),
            root: PathBuf::from(arg(3)),
            limit: Ok,
            compartment: |fd, root| {
                let input = format!("{} {root}", fd.as_raw_fd());
                answer(from_compartment(&input).map_err(std::io::Error::other)?)
            },
        })
    }
}

#[cfg(target_os = "linux")]
fn main() -> std::process::ExitCode {
    // Root holds the supplementary group 0 in both runs (the supervisor
    // forks with it), so that a case dropping it (`setids_*`) shows
    // whether the supervisor takes on the caller's groups.
    // SAFETY: geteuid(2) cannot fail; setgroups(2) from a live list of one.
    if unsafe { libc::geteuid() } == 0 && unsafe { libc::setgroups(1, [0].as_ptr()) } != 0 {
        println!(
            "outcome: error setgroups: {}",
            std::io::Error::last_os_error()
        );
        return std::process::ExitCode::FAILURE;
    }
    match std::env::args().nth(1).as_deref() {
        Some("control") => linux::control(),
        _ => linux::entered(),
    }
}

#[cfg(not(target_os = "linux"))]
fn main() {
    println!("skipped: the path forms attack the Linux backend's supervisor");
}
