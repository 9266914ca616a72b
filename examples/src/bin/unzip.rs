//! `unzip [-l|-p|-t] [-q] [-o|-n] ARCHIVE[.zip] [MEMBER...] [-x XMEMBER...]
//! [-d DIR]`: Info-ZIP's unzip(1), sandboxed.
//!
//! Pattern: output into a preopened directory with `*at()` calls only.
//! The archive is read-only and seekable (the zip crate needs `Read +
//! Seek`); DIR allows creating files, directories and links beneath it,
//! renaming a complete temporary over an existing file (never truncating
//! one, the archive included), and setting the modes and times the archive
//! records, and nothing else. stdin answers the "replace?" question. A
//! hostile entry (`../x`, `/etc/x`, a link followed by a file through it,
//! overlapping entries) cannot write outside DIR nor through a link: the
//! program strips or refuses it, and the sandbox would contain it if it
//! did not.

use std::ffi::OsString;
use std::io;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::LazyLock;

use sandboxed::{sandboxed, Dir, File};
use sandboxed_examples::unzip::{find_archive, run, status, Exit, Options, Report, USAGE};
use sandboxed_examples::{default_sigpipe, os_error};

/// The command line, the archive found (`NAME`, `NAME.zip` or
/// `NAME.ZIP`) and the umask, all before the sandbox: a usage error or a
/// missing archive exits there, with Info-ZIP's words and status.
struct Setup {
    options: Options,
    archive: PathBuf,
    umask: u32,
}

static SETUP: LazyLock<Setup> = LazyLock::new(|| {
    let options = match Options::parse(std::env::args_os().skip(1)) {
        Ok(o) => o,
        // Info-ZIP prints its usage on stdout when asked (no arguments),
        // on stderr for a bad option.
        Err(Exit::Usage(0)) => {
            print!("{USAGE}");
            std::process::exit(0)
        }
        Err(Exit::Usage(code)) => {
            eprint!("{USAGE}");
            std::process::exit(code)
        }
        Err(Exit::Message(m)) => {
            eprintln!("{m}");
            std::process::exit(status::PARAM)
        }
    };
    let archive = find_archive(&options.archive).unwrap_or_else(|message| {
        eprintln!("{message}");
        std::process::exit(status::NOZIP)
    });
    pin_time_zone();
    // umask(2) can only be read by setting it: set it back at once.
    let umask = rustix::process::umask(rustix::fs::Mode::empty());
    rustix::process::umask(umask);
    // mode_t is u16 on FreeBSD, u32 on Linux.
    #[allow(clippy::useless_conversion)]
    let umask = u32::from(umask.bits());
    Setup {
        options,
        archive,
        umask,
    }
});

/// A writer whose errors are dropped unless `strict`.
struct Lenient<W> {
    inner: W,
    strict: bool,
}

impl<W: io::Write> io::Write for Lenient<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self.inner.write(buf) {
            Err(_) if !self.strict => Ok(buf.len()),
            other => other,
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match self.inner.flush() {
            Err(_) if !self.strict => Ok(()),
            other => other,
        }
    }
}

/// Loads the local time zone for good before the sandbox is entered.
/// With `TZ` unset, glibc's mktime(3) stats `/etc/localtime` again at every
/// call (tzset.c: only a set `TZ` that did not change is taken as
/// unchanged), which the sandbox denies, and falls back to UTC: DOS times
/// would be read as UTC. Naming the same file in `TZ` (`:/etc/localtime`,
/// tzset(3)'s implementation-defined form) and loading it now keeps the
/// zone the system has, and no lookup happens after entry.
fn pin_time_zone() {
    if std::env::var_os("TZ").is_none() {
        // Single-threaded: this runs while the sources are resolved,
        // before any thread starts.
        std::env::set_var("TZ", ":/etc/localtime");
    }
    extern "C" {
        // time.h; the libc crate does not bind it.
        fn tzset();
    }
    // SAFETY: tzset(3) takes no argument; it (re)loads the zone named by
    // TZ into libc's own state.
    unsafe { tzset() };
}

fn setup_failed(e: &sandboxed::Error) -> i32 {
    match e.preopen() {
        Some("out") => {
            eprintln!(
                "checkdir:  cannot create extraction directory: {}\n           {}",
                SETUP.options.exdir().to_string_lossy(),
                e.reason()
            );
            status::ERR
        }
        Some("archive") => {
            eprintln!(
                "unzip:  cannot find or open {}: {}",
                SETUP.archive.display(),
                e.reason()
            );
            status::NOZIP
        }
        _ => {
            eprintln!("unzip: {e}");
            status::BAD
        }
    }
}

fn exdir() -> OsString {
    SETUP.options.extraction_dir().to_owned()
}

#[sandboxed(
    preopen(
        archive = file({ &SETUP.archive }),
        out = dir({ exdir() }, create),
    ),
    rights(
        archive = [read, seek, fstat],
        // Walk and create beneath DIR (`read`: openat(2) of a subdirectory,
        // O_RDONLY), write temporaries and rename them into place (or
        // remove them), restore modes and times, make links; `seek`: a
        // write-only open without O_APPEND needs it (rights(4)).
        out = [lookup, read, create, write, seek, fstatat, mkdirat, symlinkat, unlinkat,
               renameat_source, renameat_target, fchmod, futimes],
        stdio,
    ),
    on_setup_error = setup_failed,
)]
fn main(archive: File, out: Dir) -> ExitCode {
    default_sigpipe();
    let stdout = io::stdout();
    // Info-ZIP does not check writes of its messages (`unzip a.zip >
    // /dev/full` succeeds); with -p, stdout carries the data and a failed
    // write is an error.
    let mut stdout = io::BufWriter::new(Lenient {
        inner: stdout.lock(),
        strict: SETUP.options.pipe,
    });
    let mut stderr = io::stderr().lock();
    let mut answers = io::stdin().lock();
    let mut report = Report {
        out: &mut stdout,
        err: &mut stderr,
        answers: &mut answers,
        status: status::OK,
    };
    let result = run(
        &SETUP.options,
        archive,
        SETUP.archive.as_os_str(),
        &out,
        SETUP.umask,
        &mut report,
    );
    let code = match result {
        Ok(code) => code,
        Err(e) => {
            let _ = io::Write::flush(report.out);
            eprintln!("unzip: {}: {}", SETUP.archive.display(), os_error(&e));
            status::BAD
        }
    };
    if let Err(e) = io::Write::flush(&mut stdout) {
        eprintln!("unzip: write error: {}", os_error(&e));
        return ExitCode::from(status::DISK as u8);
    }
    ExitCode::from(code as u8)
}
