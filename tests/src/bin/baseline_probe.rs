//! The control group of the escape suite: the same cases as
//! `escape_probe`, on descriptors opened the same way, but WITHOUT the
//! sandbox. `cargo test -p sandboxed-tests --test escape -- --baseline`
//! runs every denial case here too and fails a case whose denial the
//! unsandboxed kernel gives anyway (a test that cannot fail). Every case is
//! harmless when it works (that is how the cases are written), so running
//! them unconfined is safe; the harness cleans up what they leave.
//!
//! argv: as `escape_probe`.

#[cfg(target_os = "linux")]
mod linux {
    use std::fs::{File, OpenOptions};
    use std::os::fd::AsRawFd;
    use std::process::ExitCode;

    use sandboxed_tests::escapes::{self, Fds};

    pub fn main() -> ExitCode {
        let args: Vec<String> = std::env::args().collect();
        let open = |i: usize, write: bool, read: bool| {
            OpenOptions::new()
                .read(read)
                .write(write)
                .open(&args[i])
                .expect("the harness built the world")
        };
        let dir = File::open(&args[2]).expect("dir");
        let rodir = File::open(&args[3]).expect("rodir");
        let (ro, wo, rw, narrowed) = (
            open(4, false, true),
            open(5, true, false),
            open(6, true, true),
            open(7, true, true),
        );
        let fds = Fds {
            dir: dir.as_raw_fd(),
            rodir: rodir.as_raw_fd(),
            ro: ro.as_raw_fd(),
            wo: wo.as_raw_fd(),
            rw: rw.as_raw_fd(),
            narrowed: narrowed.as_raw_fd(),
            // Unsandboxed: nothing is limited.
            limit: |fd, _| Ok(fd),
        };
        match escapes::run(&args[1], &fds) {
            Some(attempt) => {
                println!("{}", escapes::outcome_line(&attempt));
                ExitCode::SUCCESS
            }
            None => ExitCode::FAILURE,
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
