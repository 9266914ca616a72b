//! `cat [-AbeEnstTuv] [FILE...]`: concatenates files to stdout, sandboxed,
//! as GNU coreutils' cat does (its formatting options included).
//!
//! Pattern: many operands through one preopen (`files({ .. }, dash,
//! fallible)` gives a `Vec<Operand>`): `-` is stdin, and a file that
//! cannot be opened is reported (`cat: missing: No such file or
//! directory`) while the others are printed, status 1. Inputs carry
//! `fstat` and `seek` so that cat refuses to copy a file into itself
//! (`cat f >> f`: "input file is output file"); stdio is limited with
//! `caph_limit_stdio`'s set. A closed pipe kills cat with `SIGPIPE`, as it
//! kills GNU cat.

use std::io::{self, Read, Seek, Write};
use std::os::fd::AsFd;
use std::os::unix::fs::MetadataExt;
use std::process::ExitCode;
use std::sync::LazyLock;

use sandboxed::{sandboxed, Operand};
use sandboxed_examples::cat::{Exit, Formatter, Options};
use sandboxed_examples::{default_sigpipe, os_error, quote, was_closed};

/// The command line, parsed before the sandbox; a usage error exits 1
/// there, as GNU cat does.
static OPTIONS: LazyLock<Options> = LazyLock::new(|| {
    // Seen before the sandbox narrows the streams (see `was_closed`).
    LazyLock::force(&CLOSED);
    match Options::parse(std::env::args_os().skip(1)) {
        Ok(o) => o,
        Err(Exit::Usage(m)) => {
            eprintln!("cat: {m}\nTry 'cat --help' for more information.");
            std::process::exit(1)
        }
        Err(Exit::Info(text)) => {
            print!("{text}");
            std::process::exit(0)
        }
    }
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
    preopen(inputs = files({ OPTIONS.files.iter() }, dash, fallible)),
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
    // With formatting options, the line state goes on across files.
    let mut formatter = (!OPTIONS.format.is_plain()).then(|| Formatter::new(OPTIONS.format));
    let mut formatted = Vec::new();
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
            let bytes = match formatter.as_mut() {
                Some(f) => {
                    formatted.clear();
                    f.feed(&buf[..n], &mut formatted);
                    &formatted[..]
                }
                None => &buf[..n],
            };
            if let Err(e) = out.write_all(bytes) {
                eprintln!("cat: write error: {}", os_error(&e));
                return ExitCode::FAILURE;
            }
        }
    }
    if stdin_closed && OPTIONS.files.iter().any(|f| f == "-") {
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
