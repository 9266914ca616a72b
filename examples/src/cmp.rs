//! cmp(1): compare two files byte by byte, as GNU diffutils' cmp does.
//!
//! Output and exit status follow GNU cmp 3.8: `FILE1 FILE2 differ: byte N,
//! line M` and status 1 at the first difference; on a prefix, `cmp: EOF on
//! FILE after byte N, in line M` (`, line M` when the shorter file ends with
//! a newline; no line with `-l`; `cmp: EOF on FILE which is empty` when it
//! had no byte to compare) on stderr, status 1; status 0 when equal, 2 on
//! trouble. `-b` prints the differing bytes, `-l` every difference (`N A B`
//! in octal, the offset right-aligned to the widest it can be), `-s`
//! nothing; `-i SKIP` / `SKIP1:SKIP2` and the SKIP operands skip bytes
//! first (the larger of both wins, as in GNU cmp), `-n LIMIT` compares at
//! most LIMIT bytes. Numbers take GNU's suffixes (`kB` = 1000, `K`/`KiB` =
//! 1024, up to `Y`) and C bases (`0x10`, `010`).

use std::ffi::{OsStr, OsString};
use std::io::{self, Read, Write};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

/// What to print.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Mode {
    /// The first difference.
    #[default]
    First,
    /// `-l`: every difference.
    List,
    /// `-s`: nothing; the status says it.
    Silent,
    /// Stdout is the null device: GNU cmp then stops at the first
    /// difference, counts no lines, and its EOF message has no line.
    NoStdout,
}

/// The command line of cmp.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// `-l` / `-s`.
    pub mode: Mode,
    /// `-b`: print the differing bytes.
    pub print_bytes: bool,
    /// Bytes skipped at the start of each file.
    pub skip: [u64; 2],
    /// `-n`: compare at most this many bytes.
    pub limit: Option<u64>,
    /// The two files (`-` is stdin).
    pub files: [OsString; 2],
}

/// What the command line asks for instead of a comparison.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Exit {
    /// A usage error: the message (printed `cmp: MESSAGE` plus GNU's "Try"
    /// line), status 2.
    Usage(String),
    /// `--help` or `--version`: print this on stdout, status 0.
    Info(&'static str),
}

const HELP: &str = "Usage: cmp [OPTION]... FILE1 [FILE2 [SKIP1 [SKIP2]]]
Compare two files byte by byte.

The optional SKIP1 and SKIP2 specify the number of bytes to skip
at the beginning of each file (zero by default).

  -b, --print-bytes          print differing bytes
  -i, --ignore-initial=SKIP         skip first SKIP bytes of both inputs
  -i, --ignore-initial=SKIP1:SKIP2  skip first SKIP1 bytes of FILE1 and
                                      first SKIP2 bytes of FILE2
  -l, --verbose              output byte numbers and differing byte values
  -n, --bytes=LIMIT          compare at most LIMIT bytes
  -s, --quiet, --silent      suppress all normal output
      --help                 display this help and exit
  -v, --version              output version information and exit

SKIP values may be followed by the following multiplicative suffixes:
kB 1000, K 1024, MB 1,000,000, M 1,048,576,
GB 1,000,000,000, G 1,073,741,824, and so on for T, P, E, Z, Y.

If a FILE is '-' or missing, read standard input.
Exit status is 0 if inputs are the same, 1 if different, 2 if trouble.
";

const VERSION: &str = "cmp (sandboxed-examples) 0.1\n";

/// The long options, for abbreviation (getopt_long(3) accepts any
/// unambiguous prefix), in the order of cmp.c's table; `print-chars` is
/// GNU's old name of `print-bytes`.
const LONG: &[&str] = &[
    "print-bytes",
    "print-chars",
    "ignore-initial",
    "verbose",
    "bytes",
    "quiet",
    "silent",
    "version",
    "help",
];

/// Reads a number at the start of `text` as gnulib's `xstrtoimax` reads
/// cmp's (valid suffixes `kKMGTPEZY0`): strtoimax(3) in base 0 (leading
/// white space, a sign, `0x` and `0` prefixes; a suffix with no digits
/// before it counts 1), then an optional multiplier `k`/`K`, `M`, ...,
/// `Y`: powers of 1024, of 1000 with `B` (or `D`) after it, `iB` for 1024.
/// Returns the value and what follows it; `None` when `text` does not
/// start with a number, or when it is negative (cmp refuses those) or
/// beyond `intmax_t`.
fn scan_number(text: &str) -> Option<(u64, &str)> {
    let bytes = text.as_bytes();
    let mut at = bytes
        .iter()
        .take_while(|b| matches!(b, b' ' | b'\t'..=b'\r'))
        .count();
    let negative = bytes.get(at) == Some(&b'-');
    if matches!(bytes.get(at), Some(b'-' | b'+')) {
        at += 1;
    }
    let hex = matches!(&bytes[at..], [b'0', b'x' | b'X', d, ..] if d.is_ascii_hexdigit());
    let (radix, start) = match (hex, bytes.get(at)) {
        (true, _) => (16, at + 2),
        (false, Some(b'0')) => (8, at),
        _ => (10, at),
    };
    let end = start
        + bytes[start..]
            .iter()
            .take_while(|b| char::from(**b).is_digit(radix))
            .count();
    let (value, rest) = if end == start {
        // strtoimax read nothing: xstrtol takes a suffix alone for 1.
        (1, text)
    } else {
        let value = u64::from_str_radix(&text[start..end], radix).ok()?;
        if negative && value != 0 {
            return None;
        }
        (value, &text[end..])
    };
    let power = match rest.bytes().next() {
        Some(b'k' | b'K') => 1,
        Some(b'M') => 2,
        Some(b'G') => 3,
        Some(b'T') => 4,
        Some(b'P') => 5,
        Some(b'E') => 6,
        Some(b'Z') => 7,
        Some(b'Y') => 8,
        _ if end == start => return None,
        _ => return (value <= i64::MAX as u64).then_some((value, rest)),
    };
    let (base, len) = match rest.as_bytes().get(1..3) {
        Some(b"iB") => (1024u64, 3),
        _ if matches!(rest.as_bytes().get(1), Some(b'B' | b'D')) => (1000, 2),
        _ => (1024, 1),
    };
    let value = base
        .checked_pow(power)
        .and_then(|scale| value.checked_mul(scale))
        .filter(|v| *v <= i64::MAX as u64)?;
    Some((value, &rest[len..]))
}

/// A whole argument as a number (see [`scan_number`]), as GNU cmp reads
/// `-n LIMIT` and the SKIP operands.
pub fn parse_number(text: &str) -> Option<u64> {
    scan_number(text).and_then(|(value, rest)| rest.is_empty().then_some(value))
}

/// `SKIP` or `SKIP1:SKIP2`; `Err` is the text GNU cmp names: all of it
/// when the first number is bad, what follows the `:` when the second is.
fn skips(text: &str) -> Result<(u64, u64), &str> {
    match scan_number(text) {
        Some((a, "")) => Ok((a, a)),
        Some((a, rest)) => match rest.strip_prefix(':') {
            Some(second) => parse_number(second).map(|b| (a, b)).ok_or(second),
            None => Err(text),
        },
        None => Err(text),
    }
}

impl Options {
    /// Parses `args` (without the program name) as GNU cmp's getopt_long
    /// does: options may follow operands, `--` ends them, long options
    /// may be abbreviated and take `=VALUE` or the next argument.
    pub fn parse(args: impl IntoIterator<Item = OsString>) -> Result<Options, Exit> {
        let mut args = args.into_iter();
        let mut mode = Mode::First;
        let mut print_bytes = false;
        let mut skip = [0u64; 2];
        let mut limit = None;
        let mut operands: Vec<OsString> = Vec::new();
        let mut list = false;
        let mut silent = false;
        let usage = |m: String| Err(Exit::Usage(m));
        while let Some(arg) = args.next() {
            let Some(text) = arg.to_str().map(str::to_owned) else {
                operands.push(arg);
                continue;
            };
            if text == "--" {
                operands.extend(args.by_ref());
                break;
            }
            if let Some(long) = text.strip_prefix("--") {
                let (name, inline) = match long.split_once('=') {
                    Some((n, v)) => (n, Some(v.to_owned())),
                    None => (long, None),
                };
                let full = crate::long_option(name, &text, LONG).map_err(Exit::Usage)?;
                let takes_value = matches!(full, "ignore-initial" | "bytes");
                let value = match (takes_value, inline) {
                    (true, Some(v)) => Some(v),
                    (true, None) => match args.next() {
                        Some(v) => Some(v.to_string_lossy().into_owned()),
                        None => return usage(format!("option '--{full}' requires an argument")),
                    },
                    (false, Some(_)) => {
                        return usage(format!("option '--{full}' doesn't allow an argument"))
                    }
                    (false, None) => None,
                };
                match (full, value) {
                    ("print-bytes" | "print-chars", _) => print_bytes = true,
                    ("verbose", _) => list = true,
                    ("quiet" | "silent", _) => silent = true,
                    ("help", _) => return Err(Exit::Info(HELP)),
                    ("version", _) => return Err(Exit::Info(VERSION)),
                    ("ignore-initial", Some(v)) => ignore_initial(&mut skip, &v)?,
                    ("bytes", Some(v)) => limit = Some(bytes_limit(&v)?),
                    _ => unreachable!("every long option is handled"),
                }
                continue;
            }
            if text.len() < 2 || !text.starts_with('-') {
                operands.push(arg);
                continue;
            }
            let flags = text[1..].char_indices();
            for (i, flag) in flags {
                match flag {
                    'b' => print_bytes = true,
                    'l' => list = true,
                    's' => silent = true,
                    'v' => return Err(Exit::Info(VERSION)),
                    'i' | 'n' => {
                        let rest = &text[1 + i + 1..];
                        let value = if rest.is_empty() {
                            match args.next() {
                                Some(v) => v.to_string_lossy().into_owned(),
                                None => {
                                    return usage(format!(
                                        "option requires an argument -- '{flag}'"
                                    ))
                                }
                            }
                        } else {
                            rest.to_owned()
                        };
                        if flag == 'i' {
                            ignore_initial(&mut skip, &value)?;
                        } else {
                            limit = Some(bytes_limit(&value)?);
                        }
                        break;
                    }
                    other => return usage(format!("invalid option -- '{other}'")),
                }
            }
        }
        if list && silent {
            return usage("options -l and -s are incompatible".into());
        }
        if list {
            mode = Mode::List;
        } else if silent {
            mode = Mode::Silent;
        }
        let mut operands = operands.into_iter();
        let Some(file1) = operands.next() else {
            return usage("missing operand after 'cmp'".into());
        };
        let file2 = operands.next().unwrap_or_else(|| "-".into());
        for slot in &mut skip {
            if let Some(operand) = operands.next() {
                let text = operand.to_string_lossy();
                let n = parse_number(&text).ok_or_else(|| {
                    Exit::Usage(format!("invalid --ignore-initial value '{text}'"))
                })?;
                *slot = (*slot).max(n);
            }
        }
        if let Some(extra) = operands.next() {
            return usage(format!("extra operand '{}'", extra.to_string_lossy()));
        }
        Ok(Options {
            mode,
            print_bytes,
            skip,
            limit,
            files: [file1, file2],
        })
    }

    /// [`Options::parse`] of this process's arguments; a usage error is
    /// printed as GNU cmp prints it and exits 2, `--help` and `--version`
    /// print and exit 0 (before any file is opened).
    pub fn from_env() -> Options {
        match Options::parse(std::env::args_os().skip(1)) {
            Ok(o) => o,
            Err(Exit::Usage(m)) => {
                eprintln!("cmp: {m}\ncmp: Try 'cmp --help' for more information.");
                std::process::exit(2)
            }
            Err(Exit::Info(text)) => {
                print!("{text}");
                std::process::exit(0)
            }
        }
    }
}

fn ignore_initial(skip: &mut [u64; 2], value: &str) -> Result<(), Exit> {
    let (a, b) = skips(value)
        .map_err(|bad| Exit::Usage(format!("invalid --ignore-initial value '{bad}'")))?;
    skip[0] = skip[0].max(a);
    skip[1] = skip[1].max(b);
    Ok(())
}

fn bytes_limit(value: &str) -> Result<u64, Exit> {
    parse_number(value).ok_or_else(|| Exit::Usage(format!("invalid --bytes value '{value}'")))
}

/// A byte as GNU cmp's `-b` shows it (`sprintc`): printable ASCII as is,
/// `^X` for control characters, `^?` for DEL, `M-` before bytes ≥ 128.
pub fn show_byte(c: u8) -> String {
    let mut s = String::new();
    let mut c = c;
    if c >= 128 {
        s.push_str("M-");
        c -= 128;
    }
    match c {
        0..=31 => {
            s.push('^');
            s.push((c + 64) as char);
        }
        127 => s.push_str("^?"),
        _ => s.push(c as char),
    }
    s
}

/// What the comparison found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Same bytes, same length (within the limit).
    Same,
    /// A byte differs.
    Differ,
    /// One file ended first (which one: 0 or 1); the other goes on.
    Eof(usize),
}

impl Outcome {
    /// The exit status cmp gives it.
    pub fn status(self) -> i32 {
        match self {
            Outcome::Same => 0,
            Outcome::Differ | Outcome::Eof(_) => 1,
        }
    }
}

/// Which side an error came from, so that the caller names the file.
#[derive(Debug)]
pub enum Trouble {
    /// Reading (or skipping in) file 0 or 1 failed.
    Read(usize, io::Error),
    /// Writing to stdout or stderr failed.
    Write(io::Error),
}

impl From<io::Error> for Trouble {
    fn from(e: io::Error) -> Self {
        Trouble::Write(e)
    }
}

/// stdout as glibc's stdio buffers it when it is not a terminal
/// (setvbuf(3) `_IOFBF`, the buffer sized by the file's `st_blksize`):
/// bytes are gathered until the buffer is full and the full buffer is
/// written, so GNU cmp's output reaches the file in the same blocks, its
/// messages on stderr fall between the same bytes, and a failing stdout
/// is met at the same point (during `-l`'s listing or only at exit).
#[derive(Debug)]
pub struct StdioBuffer<W: Write> {
    inner: W,
    buf: Vec<u8>,
    capacity: usize,
}

impl<W: Write> StdioBuffer<W> {
    /// A buffer of `capacity` bytes (at least one) in front of `inner`.
    pub fn new(capacity: usize, inner: W) -> Self {
        let capacity = capacity.max(1);
        StdioBuffer {
            inner,
            buf: Vec::with_capacity(capacity),
            capacity,
        }
    }

    fn write_buffered(&mut self) -> io::Result<()> {
        let result = self.inner.write_all(&self.buf);
        // stdio drops what it could not write (the stream is in error).
        self.buf.clear();
        result
    }
}

impl<W: Write> Write for StdioBuffer<W> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        let n = data.len().min(self.capacity - self.buf.len());
        self.buf.extend_from_slice(&data[..n]);
        if self.buf.len() == self.capacity {
            self.write_buffered()?;
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.write_buffered()?;
        self.inner.flush()
    }
}

/// Buffer size for each file: large reads keep the number of system
/// calls (each checked by the sandbox's filter) low.
const BUFFER: usize = 64 * 1024;

/// Reads until `buf` is full or the input ends (a pipe or terminal gives
/// short reads): both buffers then hold the same span of each file.
fn fill(input: &mut (impl Read + ?Sized), buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match input.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// Discards `n` bytes of `input` by reading (for inputs that cannot
/// seek); stops early at end of input.
pub fn skip_by_reading(input: &mut (impl Read + ?Sized), mut n: u64) -> io::Result<()> {
    let mut buf = vec![0u8; BUFFER.min(usize::try_from(n).unwrap_or(BUFFER)).max(1)];
    while n > 0 {
        let want = buf.len().min(usize::try_from(n).unwrap_or(usize::MAX));
        match input.read(&mut buf[..want]) {
            Ok(0) => break,
            Ok(k) => n -= k as u64,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// The width of the offsets `-l` prints: the digits of the largest offset
/// it can print, the limit or the smaller remaining size of a regular
/// file (`remaining`), as GNU cmp computes it.
pub fn offset_width(limit: Option<u64>, remaining: [Option<u64>; 2]) -> usize {
    let mut max = limit.unwrap_or(i64::MAX as u64).min(i64::MAX as u64);
    for r in remaining.into_iter().flatten() {
        max = max.min(r);
    }
    max.to_string().len()
}

/// Newlines in `bytes`. Written as a plain count over fixed-size chunks,
/// which the compiler turns into SIMD compares and sums (faster than
/// finding each newline when they are dense).
fn count_lines(bytes: &[u8]) -> u64 {
    let mut chunks = bytes.chunks_exact(255);
    let mut total = 0u64;
    for chunk in &mut chunks {
        let n: u8 = chunk.iter().fold(0u8, |n, b| n + u8::from(*b == b'\n'));
        total += u64::from(n);
    }
    total + chunks.remainder().iter().filter(|b| **b == b'\n').count() as u64
}

/// Compares `inputs` (already positioned after their skips) and reports on
/// `out` (differences) and `err` (EOF), as GNU cmp does; `names` are the
/// file names as given, `width` the `-l` offset width.
///
/// With `prefetch` (both inputs regular files, whose reads never wait),
/// a second thread reads the second file while this one reads the first
/// and compares: on two cores the copying out of the page cache, most of
/// cmp's work, is shared.
pub fn compare(
    inputs: [&mut (dyn Read + Send); 2],
    names: [&str; 2],
    options: &Options,
    width: usize,
    prefetch: bool,
    out: &mut impl Write,
    err: &mut impl Write,
) -> Result<Outcome, Trouble> {
    let [a, b] = inputs;
    if !prefetch {
        return compare_with(
            a,
            &mut Direct(b, vec![0u8; BUFFER]),
            names,
            options,
            width,
            out,
            err,
        );
    }
    std::thread::scope(|scope| {
        let (full_tx, full_rx) = sync_channel::<(Vec<u8>, io::Result<usize>)>(2);
        let (empty_tx, empty_rx) = sync_channel::<Vec<u8>>(4);
        let limit = options.limit;
        let reader = std::thread::Builder::new().spawn_scoped(scope, move || {
            let mut remaining = limit.unwrap_or(u64::MAX);
            let mut spare = Some(vec![0u8; BUFFER]);
            while remaining > 0 {
                let mut buf = match spare.take() {
                    Some(buf) => buf,
                    None => match empty_rx.recv() {
                        Ok(buf) => buf,
                        Err(_) => return,
                    },
                };
                let want = chunk(remaining);
                let read = fill(b, &mut buf[..want]);
                let stop = !matches!(read, Ok(n) if n == want);
                if full_tx.send((buf, read)).is_err() || stop {
                    return;
                }
                remaining -= want as u64;
            }
        });
        match reader {
            Ok(_) => {
                let mut source = Prefetched {
                    full: full_rx,
                    empty: empty_tx,
                    current: None,
                };
                compare_with(a, &mut source, names, options, width, out, err)
            }
            // No second thread: read both here.
            Err(_) => Err(Trouble::Read(
                1,
                io::Error::other("cannot start the reading thread"),
            )),
        }
    })
}

/// How much to read next, `remaining` bytes from the limit.
fn chunk(remaining: u64) -> usize {
    BUFFER.min(usize::try_from(remaining).unwrap_or(BUFFER))
}

/// Where the second file's bytes come from.
trait Second {
    /// The next `want` bytes (fewer at the end).
    fn next(&mut self, want: usize) -> io::Result<&[u8]>;
}

/// Read here, into one buffer.
struct Direct<'a>(&'a mut (dyn Read + Send), Vec<u8>);

impl Second for Direct<'_> {
    fn next(&mut self, want: usize) -> io::Result<&[u8]> {
        let n = fill(self.0, &mut self.1[..want])?;
        Ok(&self.1[..n])
    }
}

/// Read ahead by another thread, in the same chunks.
struct Prefetched {
    full: Receiver<(Vec<u8>, io::Result<usize>)>,
    empty: SyncSender<Vec<u8>>,
    current: Option<Vec<u8>>,
}

impl Second for Prefetched {
    fn next(&mut self, _want: usize) -> io::Result<&[u8]> {
        if let Some(done) = self.current.take() {
            let _ = self.empty.try_send(done);
        }
        let (buf, read) = self
            .full
            .recv()
            .map_err(|_| io::Error::other("the reading thread stopped"))?;
        let n = read?;
        Ok(&self.current.insert(buf)[..n])
    }
}

fn compare_with(
    a: &mut (dyn Read + Send),
    b: &mut dyn Second,
    names: [&str; 2],
    options: &Options,
    width: usize,
    out: &mut impl Write,
    err: &mut impl Write,
) -> Result<Outcome, Trouble> {
    let mut ba = vec![0u8; BUFFER];
    let (mut byte, mut lines) = (0u64, 0u64);
    let mut remaining = options.limit.unwrap_or(u64::MAX);
    let mut differ = false;
    let mut last_newline = false;
    let mode = options.mode;
    while remaining > 0 {
        let want = chunk(remaining);
        let na = fill(a, &mut ba[..want]).map_err(|e| Trouble::Read(0, e))?;
        let bb = b.next(want).map_err(|e| Trouble::Read(1, e))?;
        let nb = bb.len();
        let n = na.min(nb);
        let (ca, cb) = (&ba[..n], &bb[..n]);
        match mode {
            Mode::First | Mode::Silent | Mode::NoStdout => {
                if ca != cb {
                    let i = ca.iter().zip(cb).position(|(x, y)| x != y).expect("differ");
                    if mode == Mode::First {
                        let line = lines + count_lines(&ca[..i]) + 1;
                        let at = byte + i as u64 + 1;
                        write!(
                            out,
                            "{} {} differ: byte {at}, line {line}",
                            names[0], names[1]
                        )?;
                        if options.print_bytes {
                            let (x, y) = (ca[i], cb[i]);
                            write!(out, " is {x:3o} {} {y:3o} {}", show_byte(x), show_byte(y))?;
                        }
                        writeln!(out)?;
                    }
                    return Ok(Outcome::Differ);
                }
                if mode == Mode::First {
                    lines += count_lines(ca);
                }
            }
            Mode::List => {
                for (i, (x, y)) in ca.iter().zip(cb).enumerate() {
                    if x != y {
                        differ = true;
                        let at = byte + i as u64 + 1;
                        if options.print_bytes {
                            writeln!(
                                out,
                                "{at:>width$} {x:3o} {:<4} {y:3o} {}",
                                show_byte(*x),
                                show_byte(*y)
                            )?;
                        } else {
                            writeln!(out, "{at:>width$} {x:3o} {y:3o}")?;
                        }
                    }
                }
            }
        }
        if n > 0 {
            last_newline = ca[n - 1] == b'\n';
        }
        byte += n as u64;
        remaining -= n as u64;
        if na != nb {
            let ended = if na < nb { 0 } else { 1 };
            if mode != Mode::Silent {
                let name = names[ended];
                if byte == 0 {
                    writeln!(err, "cmp: EOF on {name} which is empty")?;
                } else if matches!(mode, Mode::List | Mode::NoStdout) {
                    writeln!(err, "cmp: EOF on {name} after byte {byte}")?;
                } else if last_newline {
                    writeln!(err, "cmp: EOF on {name} after byte {byte}, line {lines}")?;
                } else {
                    let line = lines + 1;
                    writeln!(err, "cmp: EOF on {name} after byte {byte}, in line {line}")?;
                }
            }
            return Ok(Outcome::Eof(ended));
        }
        if n < want {
            break;
        }
    }
    Ok(if differ {
        Outcome::Differ
    } else {
        Outcome::Same
    })
}

/// The name of an operand as cmp prints it.
pub fn shown(name: &OsStr) -> String {
    name.to_string_lossy().into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<OsString> {
        s.split_whitespace().map(OsString::from).collect()
    }

    fn options(s: &str) -> Options {
        Options::parse(args(s)).unwrap()
    }

    /// Compares with and without the reading thread; both must agree.
    fn run(a: &[u8], b: &[u8], opts: &str) -> (Outcome, String, String) {
        let o = options(&format!("{opts} x y"));
        let width = offset_width(o.limit, [Some(a.len() as u64), Some(b.len() as u64)]);
        let seen = [false, true].map(|prefetch| {
            let (mut out, mut err) = (Vec::new(), Vec::new());
            let (mut a, mut b) = (a, b);
            let outcome = compare(
                [&mut a, &mut b],
                ["a", "b"],
                &o,
                width,
                prefetch,
                &mut out,
                &mut err,
            )
            .map_err(|_| ())
            .unwrap();
            (
                outcome,
                String::from_utf8(out).unwrap(),
                String::from_utf8(err).unwrap(),
            )
        });
        let [direct, prefetched] = seen;
        assert_eq!(direct, prefetched, "with and without the reading thread");
        direct
    }

    #[test]
    fn options_as_gnu_getopt_long_takes_them() {
        let o = options("x y");
        assert_eq!(
            (o.mode, o.files[0].to_str(), o.files[1].to_str()),
            (Mode::First, Some("x"), Some("y"))
        );
        assert_eq!(options("-l x y").mode, Mode::List);
        assert_eq!(options("x y -l").mode, Mode::List, "options after operands");
        assert_eq!(options("-s -- -x y").files[0], "-x");
        assert_eq!(options("--verb x y").mode, Mode::List, "abbreviated");
        assert_eq!(options("--quiet x y").mode, Mode::Silent);
        assert!(options("-b x y").print_bytes);
        assert_eq!(options("x").files[1], "-", "FILE2 defaults to stdin");
        assert_eq!(options("-i 2 x y").skip, [2, 2]);
        assert_eq!(options("-i2:3 x y").skip, [2, 3]);
        assert_eq!(options("--ignore-initial=1K x y").skip, [1024, 1024]);
        assert_eq!(options("-i 3 x y 1 5").skip, [3, 5], "the larger skip wins");
        assert_eq!(options("-n 5 x y").limit, Some(5));
        assert_eq!(options("--bytes 1kB x y").limit, Some(1000));
        for (bad, message) in [
            ("-ls x y", "options -l and -s are incompatible"),
            ("-q x y", "invalid option -- 'q'"),
            ("", "missing operand after 'cmp'"),
            ("x y 1 2 3", "extra operand '3'"),
            ("x y z", "invalid --ignore-initial value 'z'"),
            ("-i x a b", "invalid --ignore-initial value 'x'"),
            ("-n -1 a b", "invalid --bytes value '-1'"),
            ("x y -i", "option requires an argument -- 'i'"),
            ("--bogus x y", "unrecognized option '--bogus'"),
        ] {
            assert_eq!(
                Options::parse(args(bad)),
                Err(Exit::Usage(message.into())),
                "{bad}"
            );
        }
    }

    #[test]
    fn numbers_take_gnu_suffixes_and_c_bases() {
        for (text, want) in [
            ("10", Some(10)),
            ("010", Some(8)),
            ("0x10", Some(16)),
            ("1k", Some(1024)),
            ("1K", Some(1024)),
            ("1kB", Some(1000)),
            ("1KiB", Some(1024)),
            ("2M", Some(2 << 20)),
            ("1GB", Some(1_000_000_000)),
            ("x", None),
            ("1q", None),
            ("18446744073709551616", None),
            ("1Y", None),
            // gnulib's xstrtoimax, as GNU cmp 3.8 answers each.
            ("k", Some(1024)),
            (" 1", Some(1)),
            ("+1", Some(1)),
            ("-0", Some(0)),
            ("-1", None),
            ("1kD", Some(1000)),
            ("1ki", None),
            ("08", None),
            ("0x", None),
            ("9223372036854775807", Some(i64::MAX as u64)),
            ("9223372036854775808", None),
            ("8E", None),
            ("15E", None),
        ] {
            assert_eq!(parse_number(text), want, "{text}");
        }
        for (text, want) in [
            ("1:2", Ok((1, 2))),
            ("k:k", Ok((1024, 1024))),
            ("1k:1", Ok((1024, 1))),
            (":1", Err(":1")),
            ("::", Err("::")),
            ("1x:2", Err("1x:2")),
            ("1 :1", Err("1 :1")),
            ("1:", Err("")),
            ("1:2x", Err("2x")),
            ("1: 1", Ok((1, 1))),
        ] {
            assert_eq!(skips(text), want, "{text}");
        }
    }

    #[test]
    fn first_difference_with_its_line_and_bytes() {
        let (o, out, _) = run(b"ab\ncd\nef", b"ab\ncd\neX", "");
        assert_eq!(
            (o, out.as_str()),
            (Outcome::Differ, "a b differ: byte 8, line 3\n")
        );
        let (_, out, _) = run(b"one\ntwo\nthree\n", b"one\ntwo\nthreE\n", "-b");
        assert_eq!(out, "a b differ: byte 13, line 3 is 145 e 105 E\n");
        assert_eq!(run(b"same", b"same", "").0, Outcome::Same);
        assert_eq!(run(b"", b"", "").0, Outcome::Same);
    }

    #[test]
    fn eof_messages_as_diffutils_3_8() {
        let (o, _, err) = run(b"one\ntw", b"one\ntwo\n", "");
        assert_eq!(
            (o, err.as_str()),
            (Outcome::Eof(0), "cmp: EOF on a after byte 6, in line 2\n")
        );
        let (_, _, err) = run(b"one\n", b"one\ntwo", "");
        assert_eq!(err, "cmp: EOF on a after byte 4, line 1\n");
        let (_, _, err) = run(b"one\ntw", b"one\ntwo\n", "-l");
        assert_eq!(err, "cmp: EOF on a after byte 6\n");
        let (o, _, err) = run(b"abcd", b"", "");
        assert_eq!(
            (o, err.as_str()),
            (Outcome::Eof(1), "cmp: EOF on b which is empty\n")
        );
        let (o, _, err) = run(b"abc", b"abcdef", "-n 3");
        assert_eq!((o, err.as_str()), (Outcome::Same, ""));
    }

    #[test]
    fn with_stdout_the_null_device_no_line_is_counted() {
        let o = Options {
            mode: Mode::NoStdout,
            ..options("x y")
        };
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let (mut a, mut b): (&[u8], &[u8]) = (b"one\ntw", b"one\ntwo\n");
        let outcome = compare(
            [&mut a, &mut b],
            ["a", "b"],
            &o,
            1,
            false,
            &mut out,
            &mut err,
        )
        .map_err(|_| ())
        .unwrap();
        assert_eq!(
            (outcome, out.as_slice(), err.as_slice()),
            (
                Outcome::Eof(0),
                &b""[..],
                &b"cmp: EOF on a after byte 6\n"[..]
            )
        );
    }

    #[test]
    fn list_and_silent() {
        let (o, out, _) = run(b"abcd", b"aXcY", "-l");
        assert_eq!(
            (o, out.as_str()),
            (Outcome::Differ, "2 142 130\n4 144 131\n")
        );
        let (_, out, _) = run(&[1, 0x7f, 0x80, 0xff, 0xe9, b'a'], b"ABCDEb", "-lb");
        assert_eq!(
            out,
            "1   1 ^A   101 A\n2 177 ^?   102 B\n3 200 M-^@ 103 C\n4 377 M-^? 104 D\n5 351 M-i  105 E\n6 141 a    142 b\n"
        );
        let (o, out, err) = run(b"abcd", b"abcdX", "-s");
        assert_eq!((o, out.as_str(), err.as_str()), (Outcome::Eof(0), "", ""));
    }

    #[test]
    fn offsets_are_as_wide_as_the_largest_one_possible() {
        assert_eq!(offset_width(None, [Some(14), Some(14)]), 2);
        assert_eq!(offset_width(Some(100), [Some(100_000), Some(100_000)]), 3);
        assert_eq!(offset_width(None, [None, None]), 19);
    }

    #[test]
    fn large_inputs_cross_buffer_boundaries() {
        let a = vec![b'\n'; 3 * BUFFER + 7];
        let mut b = a.clone();
        b[2 * BUFFER + 3] = b'x';
        let (_, out, _) = run(&a, &b, "");
        let at = 2 * BUFFER + 4;
        assert_eq!(out, format!("a b differ: byte {at}, line {at}\n"));
    }
}
