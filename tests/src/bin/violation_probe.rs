//! The corpus of `sandboxed::is_violation`: real denials and ordinary
//! errors met inside the sandbox, one line each:
//! `case NAME ERRNO VIOLATION KIND`, KIND one of `denial` (the sandbox
//! refused), `ordinary` (the kernel's own answer or the program's mistake)
//! and `raw` (a call on a raw descriptor whose errno cannot say which;
//! the README documents what `is_violation` answers there). Run by
//! tests/tests/violations.rs as root and as `nobody`, enforced and in
//! dry-run (where nothing is a denial).
//!
//! argv: `violation_probe DIR` with `DIR/secret` (mode 000), `DIR/plain`,
//! `DIR/out_link` (a symlink to `/etc/hostname`), and `DIR/../outside`.

#[cfg(target_os = "linux")]
mod linux {
    use std::io::{self, Write};
    use std::os::fd::AsRawFd;
    use std::sync::atomic::{AtomicBool, Ordering};

    use sandboxed::{sandboxed, Dir, File};

    static BEFORE: AtomicBool = AtomicBool::new(true);

    /// Evaluated before entry: an EPERM made up by the program.
    fn before_entry() -> &'static str {
        let made_up = io::Error::from_raw_os_error(libc::EPERM);
        BEFORE.store(sandboxed::is_violation(&made_up), Ordering::SeqCst);
        "/dev/null"
    }

    fn line(name: &str, kind: &str, result: io::Result<()>) {
        answered(name, kind, result, sandboxed::is_violation);
    }

    /// As [`line`], answered by `is_violation_on(fd, ..)`.
    fn line_on(name: &str, kind: &str, fd: libc::c_int, result: io::Result<()>) {
        answered(name, kind, result, |e| sandboxed::is_violation_on(fd, e));
    }

    /// One `case` line: the errno of `result` and what `violation` says.
    fn answered(
        name: &str,
        kind: &str,
        result: io::Result<()>,
        violation: impl Fn(&io::Error) -> bool,
    ) {
        match result {
            Ok(()) => println!("case {name} ok - {kind}"),
            Err(e) => println!(
                "case {name} {} {} {kind}",
                sandboxed::os_error(&e).unwrap_or(0),
                u8::from(violation(&e))
            ),
        }
    }

    /// A rights marker that claims `write`, for a handle whose declared
    /// rights (and so its access mode) lack it: `File::assume` is a promise
    /// about the types only.
    enum ClaimsWrite {}
    impl sandboxed::rights::RightsMarker for ClaimsWrite {
        const RIGHTS: sandboxed::RightSet =
            sandboxed::RightSet::of(&[sandboxed::Right::Read, sandboxed::Right::Write]);
        const NAME: &'static str = "claims_write";
    }
    impl sandboxed::rights::can::Write for ClaimsWrite {}

    /// write(2) of one byte on the raw descriptor `fd`.
    fn raw_write(fd: libc::c_int) -> io::Result<()> {
        // SAFETY: one byte from a valid buffer; `fd` may be closed (EBADF).
        sys(unsafe { libc::write(fd, b"x".as_ptr().cast(), 1) } as libc::c_int)
    }

    fn sys(r: libc::c_int) -> io::Result<()> {
        if r < 0 {
            Err(io::Error::last_os_error())
        } else {
            Ok(())
        }
    }

    #[sandboxed(
        preopen(dir = dir(arg(1)), plain = file({ plain_path() }), null = file({ before_entry() })),
        rights(dir = [lookup, read, fstat, fchmodat], plain = [read], stdio),
    )]
    pub fn main(dir: Dir, plain: File, null: File) {
        let _ = null;
        let denied = sandboxed::is_sandboxed();
        let d = if denied { "denial" } else { "ordinary" };
        // Denials (in dry-run: nothing is refused, all ordinary).
        line(
            "open_global_path",
            d,
            std::fs::File::open("/etc/hostname").map(drop),
        );
        line(
            "tcp_connect",
            d,
            std::net::TcpStream::connect("127.0.0.1:9").map(drop),
        );
        // SAFETY: signal 0 to pid 1 only asks whether it may be signalled.
        line("kill_other_process", d, sys(unsafe { libc::kill(1, 0) }));
        line("dir_dotdot", d, dir.open("../outside").map(drop));
        line("dir_absolute", d, dir.open("/etc/hostname").map(drop));
        line("dir_symlink_out", d, dir.open("out_link").map(drop));
        line(
            "dir_create_without_right",
            d,
            dir.open_with(
                "new",
                sandboxed::OpenOptions::new().write(true).create(true),
            )
            .map(drop),
        );
        // The path form of fchmod(2), which Landlock does not mediate: the
        // supervisor walks it, and `..` leaves the directory.
        line(
            "dir_chmod_path_dotdot",
            d,
            // SAFETY: fchmodat(2) with a NUL-terminated path.
            sys(unsafe { libc::fchmodat(dir.as_raw_fd(), c"../outside".as_ptr(), 0o755, 0) }),
        );
        line("fstat_without_right", d, {
            let mut st = std::mem::MaybeUninit::<libc::stat>::uninit();
            // SAFETY: a valid out-pointer.
            sys(unsafe { libc::fstat(plain.as_raw_fd(), st.as_mut_ptr()) })
        });
        // Ordinary errors, whatever the mode.
        line(
            "dir_missing_file",
            "ordinary",
            dir.open("missing").map(drop),
        );
        line(
            "dir_not_a_directory",
            "ordinary",
            dir.open_dir("plain").map(drop),
        );
        line("dir_mode_000", "ordinary", dir.open("secret").map(drop));
        // SAFETY: closing a descriptor number nobody holds.
        line(
            "closed_descriptor",
            "ordinary",
            sys(unsafe { libc::close(9999) }),
        );
        println!(
            "case made_up_eperm_before_entry {} {} ordinary",
            libc::EPERM,
            u8::from(BEFORE.load(Ordering::SeqCst))
        );
        // What the errno of a raw call cannot tell.
        line("raw_openat_mode_000", "raw", {
            // SAFETY: a NUL-terminated name beneath a descriptor we hold.
            let fd = unsafe { libc::openat(dir.as_raw_fd(), c"secret".as_ptr(), libc::O_RDONLY) };
            sys(fd)
        });
        line("raw_write_read_only", "raw", raw_write(plain.as_raw_fd()));
        // The same write, asked with the descriptor: the sandbox narrowed
        // its access mode (a denial), a closed one or one the program
        // made read-only itself (ordinary: a pipe's read end).
        line_on(
            "raw_write_read_only_on",
            d,
            plain.as_raw_fd(),
            raw_write(plain.as_raw_fd()),
        );
        line_on("raw_write_closed_on", "ordinary", 9999, raw_write(9999));
        match rustix::pipe::pipe() {
            Ok((own, _write_end)) => line_on(
                "raw_write_own_read_only_on",
                "ordinary",
                own.as_raw_fd(),
                raw_write(own.as_raw_fd()),
            ),
            Err(e) => line("raw_write_own_read_only_on", "ordinary", Err(e.into())),
        }
        // A file the program opened beneath `dir`, which lacks `write`:
        // it holds the directory's rights (rights(4)), so the write is
        // refused (Capsicum: ENOTCAPABLE), though it was opened read-only.
        match dir.open("plain") {
            Ok(own) => line_on(
                "raw_write_beneath_without_write_on",
                d,
                own.as_raw_fd(),
                raw_write(own.as_raw_fd()),
            ),
            Err(e) => line("raw_write_beneath_without_write_on", d, Err(e)),
        }
        // Through a handle that claims `write`: the handle answers the
        // sandbox's errno for a missing right.
        line("handle_write_read_only", d, {
            let mut lying = plain.erase().assume::<ClaimsWrite>();
            lying.write_all(b"x")
        });
    }

    fn plain_path() -> std::path::PathBuf {
        std::path::Path::new(&std::env::args_os().nth(1).unwrap_or_default()).join("plain")
    }
}

#[cfg(target_os = "linux")]
fn main() {
    linux::main()
}

#[cfg(not(target_os = "linux"))]
fn main() {
    println!("skipped: the corpus runs the Linux backend");
}
