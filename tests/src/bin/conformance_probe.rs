//! The conformance suite's probe: enters the sandbox through the
//! `#[sandboxed(...)]` function of the profile named by `argv[1]` (one per
//! entry of `sandboxed_tests::conformance::profiles`), then tries the ONE
//! operation `argv[2..]` spells and prints one `outcome:` line. With
//! `CONFORMANCE_BASELINE=1` it opens the same descriptors without the
//! sandbox (the control run). Run by tests/tests/conformance.rs, one fresh
//! process per case.
//!
//! argv: `conformance_probe PROFILE OP TARGET TARGET2 VIA ARG` (`-` for
//! none); the world's root in `$CONFORMANCE_ROOT`.

#[cfg(target_os = "linux")]
mod linux {
    use std::os::fd::AsRawFd;
    use std::process::ExitCode;

    use sandboxed::{sandboxed, Dir, File};
    use sandboxed_tests::conformance::ops::{self, Fds, Spec};
    use sandboxed_tests::conformance::{profiles, role_path};
    use sandboxed_tests::sys::outcome_line;

    /// Hands a directory to the `Dir` method cases of `@methods` profiles.
    macro_rules! register {
        (Dir, $fds:ident, $role:ident, [methods]) => {
            $fds.methods.push((stringify!($role), &$role));
        };
        ($ty:ident, $fds:ident, $role:ident, $methods:tt) => {};
    }

    /// One `#[sandboxed]` function per profile.
    macro_rules! probe_one {
        ($name:ident { $($role:ident : $ty:ident = $kind:ident ( $($flag:ident),* ) [ $($r:tt)* ]),* $(,)? }
         [$($stdin:tt)*] $methods:tt) => {
            #[sandboxed(
                preopen($( $role = $kind({ role_path(stringify!($role)) } $(, $flag)*), )*),
                rights($( $role = [$($r)*], )* $($stdin)*),
            )]
            fn $name($($role: $ty),*) -> ExitCode {
                let mut fds = Fds::default();
                $( fds.roles.push((stringify!($role), $role.as_raw_fd())); )*
                $( register!($ty, fds, $role, $methods); )*
                if !sandboxed::is_sandboxed() {
                    println!("outcome: unsandboxed the body runs outside the sandbox");
                    return ExitCode::FAILURE;
                }
                finish(&fds)
            }
        };
    }

    macro_rules! probe_fns {
        ($( $name:ident $body:tt $(stdin [ $($s:tt)* ])? $(@ $m:ident)? ; )*) => {
            $( probe_one!($name $body [$(stdin = [$($s)*],)?] [$($m)?]); )*

            /// The profile function named `name`.
            fn dispatch(name: &str) -> Option<fn() -> ExitCode> {
                match name {
                    $( stringify!($name) => Some($name as fn() -> ExitCode), )*
                    _ => None,
                }
            }
        };
    }

    sandboxed_tests::conformance_profiles!(probe_fns);

    fn spec() -> Option<Spec> {
        let words: Vec<String> = std::env::args().skip(2).collect();
        Spec::parse(&words)
    }

    /// Runs the case's operation and prints its outcome.
    fn finish(fds: &Fds<'_>) -> ExitCode {
        let Some(spec) = spec() else {
            println!(
                "outcome: bad arguments {:?}",
                std::env::args().collect::<Vec<_>>()
            );
            return ExitCode::FAILURE;
        };
        if let Some((_, top)) = fds.roles.iter().find(|(r, _)| *r == "top") {
            ops::set_top(*top);
        }
        println!("{}", outcome_line(&ops::run(&spec, fds)));
        ExitCode::SUCCESS
    }

    /// The control run: the profile's descriptors opened as the attribute
    /// opens them, without the sandbox.
    fn baseline(profile: &profiles::Profile) -> ExitCode {
        let mut kept = Vec::new();
        let mut fds = Fds::default();
        for (role, kind, _) in profile.roles {
            let path = role_path(role);
            let file = match *kind {
                "dir" => std::fs::File::open(&path),
                // A program is opened read-only: one open for writing
                // cannot be executed (ETXTBSY, execve(2)).
                _ => std::fs::OpenOptions::new()
                    .read(true)
                    .write(!role.starts_with('x'))
                    .open(&path),
            };
            let file = file.expect("the runner built the world");
            fds.roles.push((role, file.as_raw_fd()));
            kept.push(file);
        }
        let Some(spec) = spec() else {
            return ExitCode::FAILURE;
        };
        if let Some((_, top)) = fds.roles.iter().find(|(r, _)| *r == "top") {
            ops::set_top(*top);
        }
        // `Dir` methods need the sandbox's handles: the control run makes
        // the raw call the method makes.
        let spec = match spec.op.strip_prefix("m_") {
            Some("open") | Some("open_dir") => Spec {
                op: "openat".into(),
                arg: format!("{}:rdonly", spec.arg),
                ..spec
            },
            Some("stat") => Spec {
                op: "fstatat".into(),
                arg: format!("{}:nofollow", spec.arg),
                ..spec
            },
            Some("readlink") => Spec {
                op: "readlinkat".into(),
                ..spec
            },
            _ => spec,
        };
        let spec = if spec.via == "sub_method" {
            Spec {
                via: "sub".into(),
                ..spec
            }
        } else {
            spec
        };
        println!("{}", outcome_line(&ops::run(&spec, &fds)));
        drop(kept);
        ExitCode::SUCCESS
    }

    pub fn main() -> ExitCode {
        let name = std::env::args().nth(1).unwrap_or_default();
        let Some(profile) = profiles::profile(&name) else {
            println!("outcome: unknown profile {name:?}");
            return ExitCode::FAILURE;
        };
        if std::env::var_os("CONFORMANCE_BASELINE").is_some() {
            return baseline(profile);
        }
        match dispatch(&name) {
            Some(run) => run(),
            None => {
                println!("outcome: the probe has no function for profile {name:?}");
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
    println!("skipped: the conformance suite checks the Linux backend");
}
