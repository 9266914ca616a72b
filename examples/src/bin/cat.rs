//! `cat [-u] [FILE...]`: concatenates files to stdout, sandboxed, as GNU
//! coreutils' cat does.
//!
//! Pattern: many operands through one preopen (`files({ .. }, dash,
//! fallible)` gives a `Vec<Operand>`): `-` is stdin, and a file that
//! cannot be opened is reported (`cat: missing: No such file or
//! directory`) while the others are printed, status 1. Inputs carry
//! `fstat` and `seek` so that cat refuses to copy a file into itself
//! (`cat f >> f`: "input file is output file"); stdio is limited with
//! `caph_limit_stdio`'s set. A closed pipe kills cat with `SIGPIPE`, as it
//! kills GNU cat.

use std::ffi::OsString;
use std::io::{self, Read, Seek, Write};
use std::os::fd::AsFd;
use std::os::unix::fs::MetadataExt;
use std::process::ExitCode;
use std::sync::LazyLock;

use sandboxed::{sandboxed, Operand};
use sandboxed_examples::{default_sigpipe, os_error, quote, was_closed};

/// The file operands (`-` when none); `-u` is accepted and ignored
/// (POSIX: output is unbuffered anyway); other options are refused as GNU
/// cat refuses unknown ones.
static FILES: LazyLock<Vec<OsString>> = LazyLock::new(|| {
    // Seen before the sandbox narrows the streams (see `was_closed`).
    LazyLock::force(&CLOSED);
    let mut files = Vec::new();
    let mut options_done = false;
    for arg in std::env::args_os().skip(1) {
        let text = arg.to_str().unwrap_or("");
        if options_done || !text.starts_with('-') || text == "-" {
            files.push(arg);
        } else if text == "--" {
            options_done = true;
        } else if let Some(bad) = text[1..]
            .chars()
            .find(|c| *c != 'u')
            .filter(|_| !text.starts_with("--"))
        {
            eprintln!("cat: invalid option -- '{bad}'\nTry 'cat --help' for more information.");
            std::process::exit(1);
        } else if text.starts_with("--") {
            eprintln!("cat: unrecognized option '{text}'\nTry 'cat --help' for more information.");
            std::process::exit(1);
        }
    }
    if files.is_empty() {
        files.push("-".into());
    }
    files
});

/// Whether stdin and stdout were closed when cat started.
static CLOSED: LazyLock<(bool, bool)> = LazyLock::new(|| {
    (
        was_closed(io::stdin().as_fd()),
        was_closed(io::stdout().as_fd()),
    )
});

fn setup_failed(e: &sandboxed::Error) -> i32 {
    eprintln!("cat: {e}");
    1
}

/// Reads are this large: few system calls per megabyte.
const BUFFER: usize = 128 * 1024;

#[sandboxed(
    preopen(inputs = files({ FILES.iter() }, dash, fallible)),
    rights(inputs = [read, seek, fstat], stdio),
    on_setup_error = setup_failed,
)]
fn main(inputs: Vec<Operand>) -> ExitCode {
    default_sigpipe();
    let stdout = io::stdout();
    // GNU cat stats its output first, and a closed stdout ends it there.
    let out_stat = match rustix::fs::fstat(stdout.as_fd()) {
        Ok(_) if CLOSED.1 => {
            eprintln!("cat: standard output: Bad file descriptor");
            return ExitCode::FAILURE;
        }
        Ok(st) => st,
        Err(e) => {
            eprintln!("cat: standard output: {}", os_error(&e.into()));
            return ExitCode::FAILURE;
        }
    };
    let stdin_closed = CLOSED.0;
    let out_regular = rustix::fs::FileType::from_raw_mode(out_stat.st_mode).is_file();
    let mut out = RawOut(stdout.as_fd());
    let mut status = ExitCode::SUCCESS;
    let mut buf = vec![0u8; BUFFER];
    for operand in inputs {
        let name = quote(&operand.path.to_string_lossy());
        let mut file = match operand.file {
            Ok(_) if operand.path.as_os_str() == "-" && stdin_closed => {
                eprintln!("cat: -: Bad file descriptor");
                status = ExitCode::FAILURE;
                continue;
            }
            Ok(file) => file,
            Err(e) => {
                eprintln!("cat: {name}: {}", os_error(&e));
                status = ExitCode::FAILURE;
                continue;
            }
        };
        let stat = match file.metadata() {
            Ok(m) => m,
            Err(e) => {
                eprintln!("cat: {name}: {}", os_error(&e));
                status = ExitCode::FAILURE;
                continue;
            }
        };
        // coreutils' cat.c: copying a regular output file into itself
        // would only grow it until the disk is full.
        if out_regular
            && (stat.dev(), stat.ino()) == (out_stat.st_dev as u64, out_stat.st_ino as u64)
            && file.stream_position().is_ok_and(|at| at < stat.len())
        {
            eprintln!("cat: {name}: input file is output file");
            status = ExitCode::FAILURE;
            continue;
        }
        loop {
            let n = match file.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    eprintln!("cat: {name}: {}", os_error(&e));
                    status = ExitCode::FAILURE;
                    break;
                }
            };
            if let Err(e) = out.write_all(&buf[..n]) {
                eprintln!("cat: write error: {}", os_error(&e));
                return ExitCode::FAILURE;
            }
        }
    }
    if stdin_closed && FILES.iter().any(|f| f == "-") {
        eprintln!("cat: closing standard input: Bad file descriptor");
        status = ExitCode::FAILURE;
    }
    status
}

/// Writes straight to descriptor 1 with write(2): std's `Stdout` would
/// treat a closed descriptor (`EBADF`) as success and add a line buffer.
struct RawOut<'a>(std::os::fd::BorrowedFd<'a>);

impl Write for RawOut<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        Ok(rustix::io::write(self.0, buf)?)
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
