//! `cmp [OPTION]... FILE1 [FILE2 [SKIP1 [SKIP2]]]`: GNU cmp(1), sandboxed.
//!
//! Pattern: options parsed before the sandbox, the file operands taken
//! from the parsed command line (`{ expr }` sources), `-` as stdin
//! (`dash`), and each operand's open failure handed to the program
//! (`fallible`), so that cmp words it as GNU cmp does (`cmp: missing: No
//! such file or directory`, status 2). The inputs carry `fstat` and `seek`:
//! cmp sees that two operands are the same file (`cmp /dev/zero /dev/zero`
//! ends at once) and skips with lseek(2).

use std::io::{self, IsTerminal, Seek, SeekFrom, Write};
use std::os::fd::AsFd;
use std::process::ExitCode;
use std::sync::LazyLock;

use sandboxed::rights::{can, RightsMarker};
use sandboxed::{sandboxed, File, Operand};
use sandboxed_examples::cmp::{self, compare, offset_width, Mode, Options, StdioBuffer, Trouble};
use sandboxed_examples::{default_sigpipe, os_error};

/// Parsed once, when the sources are resolved (before the sandbox); a
/// usage error exits 2 there.
static OPTIONS: LazyLock<Options> = LazyLock::new(|| {
    // Seen before the sandbox narrows stdin (see `was_closed`).
    LazyLock::force(&STDIN_CLOSED);
    Options::from_env()
});

/// Whether stdin was closed when cmp started: GNU cmp's fstat of it
/// fails, `cmp: -: Bad file descriptor`, status 2 (even with `-s`).
static STDIN_CLOSED: LazyLock<bool> =
    LazyLock::new(|| sandboxed_examples::was_closed(io::stdin().as_fd()));

/// A setup failure other than opening an operand (those are the body's):
/// cmp's "trouble" status.
fn setup_failed(e: &sandboxed::Error) -> i32 {
    eprintln!("cmp: {e}");
    2
}

#[sandboxed(
    preopen(
        file1 = file({ &OPTIONS.files[0] }, dash, fallible),
        file2 = file({ &OPTIONS.files[1] }, dash, fallible),
    ),
    rights(
        file1 = [read, seek, fstat],
        file2 = [read, seek, fstat],
        // cmp reads stdin only through `-` (a copy limited as above).
        stdin = [],
        stdout = [write, fstat, ioctls(tiocgeta)],
        stderr = [write, fstat, ioctls(tiocgeta)],
    ),
    on_setup_error = setup_failed,
)]
fn main(file1: Operand, file2: Operand) -> ExitCode {
    default_sigpipe();
    let names = OPTIONS.files.clone().map(|n| cmp::shown(&n));
    let silent = OPTIONS.mode == Mode::Silent;
    let trouble = |name: &str, e: &io::Error| {
        eprintln!("cmp: {name}: {}", os_error(e));
        ExitCode::from(2)
    };
    // As GNU cmp: the first operand that cannot be opened, not reported
    // with -s.
    let (mut a, mut b) = match (file1.file, file2.file) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) => {
            return if silent {
                ExitCode::from(2)
            } else {
                trouble(&names[0], &e)
            }
        }
        (_, Err(e)) => {
            return if silent {
                ExitCode::from(2)
            } else {
                trouble(&names[1], &e)
            }
        }
    };
    // GNU cmp opens both, then takes FILE2 first when it is `-`: a
    // closed stdin fails that fstat, reported even with -s; but two
    // operands of the same name and skip are equal before any fstat.
    let same_name = OPTIONS.files[0] == OPTIONS.files[1] && OPTIONS.skip[0] == OPTIONS.skip[1];
    let order = match OPTIONS.files[1] == "-" {
        true => [1, 0],
        false => [0, 1],
    };
    if let Some(&i) = order
        .iter()
        .find(|&&i| OPTIONS.files[i] == "-" && *STDIN_CLOSED && !same_name)
    {
        return trouble(&names[i], &io::Error::from_raw_os_error(libc::EBADF));
    }
    let stats = match (a.metadata(), b.metadata()) {
        (Ok(x), Ok(y)) => [x, y],
        (Err(e), _) => return trouble(&names[0], &e),
        (_, Err(e)) => return trouble(&names[1], &e),
    };
    // Skip by lseek(2) where the file can seek (its position is then
    // known), by reading where it cannot (a pipe).
    let positions = [
        seek_past(&mut a, OPTIONS.skip[0]),
        seek_past(&mut b, OPTIONS.skip[1]),
    ];
    // The same file at the same position: equal, without reading it (GNU
    // cmp; `cmp /dev/zero /dev/zero` ends at once).
    if sandboxed_examples::same_file(&stats[0], &stats[1]) && positions[0] == positions[1] {
        return ExitCode::SUCCESS;
    }
    let inputs: [&mut (dyn io::Read + Send); 2] = [&mut a, &mut b];
    for (i, file) in inputs.into_iter().enumerate() {
        if positions[i].is_none() {
            if let Err(e) = cmp::skip_by_reading(file, OPTIONS.skip[i]) {
                return trouble(&names[i], &e);
            }
        }
    }
    let remaining = [0, 1].map(|i| {
        let regular = stats[i].is_file();
        match (regular, positions[i]) {
            (true, Some(p)) => Some(stats[i].len().saturating_sub(p)),
            _ => None,
        }
    });
    // Only the status is wanted: regular files of different sizes differ
    // if more bytes would be compared than the smaller holds.
    if silent {
        if let [Some(x), Some(y)] = remaining {
            if x != y && x.min(y) < OPTIONS.limit.unwrap_or(u64::MAX) {
                return ExitCode::from(1);
            }
        }
    }
    let width = offset_width(OPTIONS.limit, remaining);
    // GNU cmp compares stdout with the null device and, if it is, does
    // only what the status and stderr need.
    let mut options = OPTIONS.clone();
    if options.mode != Mode::Silent && stdout_is_null() {
        options.mode = Mode::NoStdout;
    }
    // stdio's buffering, as GNU cmp's output meets its messages: lines as
    // they come on a terminal, else one write when the buffer (st_blksize
    // bytes, glibc's choice) is full or at the end (an EOF message on
    // stderr comes before the lines then).
    let mut out: Box<dyn Write> = match io::stdout().is_terminal() {
        true => Box::new(io::stdout().lock()),
        false => Box::new(StdioBuffer::new(stdout_block_size(), RawStdout)),
    };
    let mut err = io::stderr().lock();
    // Reads of regular files never wait: the second can be read ahead by
    // another thread (a pipe or terminal could block it after cmp is done).
    let prefetch = remaining.iter().all(Option::is_some);
    let outcome = compare(
        [&mut a, &mut b],
        [&names[0], &names[1]],
        &options,
        width,
        prefetch,
        &mut out,
        &mut err,
    );
    let flushed = out.flush();
    match (outcome, flushed) {
        (Ok(outcome), Ok(())) => ExitCode::from(outcome.status() as u8),
        (Err(Trouble::Read(i, e)), _) => trouble(&names[i], &e),
        // GNU cmp checks stdout after each line of `-l`: a block that
        // could not be written there is "write failed"; one written only
        // at exit is named with its error.
        (Err(Trouble::Write(_)), _) if options.mode == Mode::List => {
            eprintln!("cmp: write failed");
            ExitCode::from(2)
        }
        (Err(Trouble::Write(e)), _) | (Ok(_), Err(e)) => trouble("standard output", &e),
    }
}

/// Descriptor 1 written directly: std's `Stdout` would buffer again up
/// to the last newline, splitting stdio's blocks.
struct RawStdout;

impl Write for RawStdout {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        Ok(rustix::io::write(io::stdout(), buf)?)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The size glibc gives stdout's buffer: its `st_blksize`, or `BUFSIZ`
/// (8192) when fstat(2) does not say.
fn stdout_block_size() -> usize {
    rustix::fs::fstat(io::stdout().as_fd())
        .ok()
        .and_then(|st| usize::try_from(st.st_blksize).ok())
        .filter(|&n| n > 0)
        .unwrap_or(8192)
}

/// Whether stdout is the null device (character device 1:3, `/dev/null`
/// on Linux; FreeBSD's has other numbers and is simply not detected).
fn stdout_is_null() -> bool {
    rustix::fs::fstat(io::stdout().as_fd()).is_ok_and(|st| {
        rustix::fs::FileType::from_raw_mode(st.st_mode) == rustix::fs::FileType::CharacterDevice
            && rustix::fs::major(st.st_rdev) == 1
            && rustix::fs::minor(st.st_rdev) == 3
    })
}

/// Moves `file` `skip` bytes on from where it is (lseek(2) `SEEK_CUR`, as
/// GNU cmp does) and returns the new position; `None` for a file that
/// cannot seek.
fn seek_past<R: RightsMarker + can::Seek>(file: &mut File<R>, skip: u64) -> Option<u64> {
    let skip = i64::try_from(skip).ok()?;
    file.seek(SeekFrom::Current(skip)).ok()
}
