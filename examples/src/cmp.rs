//! cmp(1): compare two files byte by byte.
//!
//! Output and exit status follow POSIX cmp: `FILE1 FILE2 differ: byte N,
//! line M` and status 1 at the first difference, `cmp: EOF on FILE after
//! byte N` on stderr (status 1) when one file is a prefix of the other,
//! status 0 when they are equal, 2 on trouble. `-l` lists every differing
//! byte (`N A B`, the bytes in octal), `-s` prints nothing.

use std::ffi::OsString;
use std::fmt;
use std::io::{self, BufRead, BufReader, Read, Write};

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
}

/// The command line of cmp.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// `-l` / `-s`.
    pub mode: Mode,
    /// The first file.
    pub file1: OsString,
    /// The second file.
    pub file2: OsString,
}

/// A command line cmp does not accept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Usage(pub String);

impl fmt::Display for Usage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}\nusage: cmp [-l | -s] FILE1 FILE2", self.0)
    }
}

impl Options {
    /// Parses `args` (without the program name). Options come first, as
    /// POSIX utilities take them; `--` ends them.
    pub fn parse(args: impl IntoIterator<Item = OsString>) -> Result<Options, Usage> {
        let mut mode = Mode::First;
        let mut files = Vec::new();
        let mut options_done = false;
        for arg in args {
            let text = arg.to_str().unwrap_or("");
            if options_done || !text.starts_with('-') || text == "-" {
                files.push(arg);
                continue;
            }
            if text == "--" {
                options_done = true;
                continue;
            }
            for flag in text[1..].chars() {
                mode = match (flag, mode) {
                    ('l', Mode::Silent) | ('s', Mode::List) => {
                        return Err(Usage("cmp: options -l and -s are incompatible".into()))
                    }
                    ('l', _) => Mode::List,
                    ('s', _) => Mode::Silent,
                    _ => return Err(Usage(format!("cmp: invalid option -- '{flag}'"))),
                };
            }
        }
        let mut files = files.into_iter();
        match (files.next(), files.next(), files.next()) {
            (Some(file1), Some(file2), None) => Ok(Options { mode, file1, file2 }),
            (_, _, Some(extra)) => Err(Usage(format!(
                "cmp: extra operand '{}'",
                extra.to_string_lossy()
            ))),
            _ => Err(Usage("cmp: missing operand".into())),
        }
    }

    /// [`Options::parse`] of this process's arguments; on a usage error,
    /// prints it and exits with status 2 (before any file is opened).
    pub fn from_env() -> Options {
        Options::parse(std::env::args_os().skip(1)).unwrap_or_else(|usage| {
            eprintln!("{usage}");
            std::process::exit(2)
        })
    }
}

/// What the comparison found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Same bytes, same length.
    Same,
    /// A byte differs (1-based byte and line of the first difference).
    Differ,
    /// One file ended first (which one: 1 or 2); the other goes on.
    Eof(u8),
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

/// Compares `a` and `b` and reports on `out` (differences) and `err` (EOF),
/// as cmp does; `names` are the file names as given.
pub fn compare(
    a: impl Read,
    b: impl Read,
    names: (&str, &str),
    mode: Mode,
    out: &mut impl Write,
    err: &mut impl Write,
) -> io::Result<Outcome> {
    let mut a = BufReader::with_capacity(1 << 16, a);
    let mut b = BufReader::with_capacity(1 << 16, b);
    let (mut byte, mut line) = (0u64, 1u64);
    let mut differ = false;
    loop {
        let (ba, bb) = (a.fill_buf()?, b.fill_buf()?);
        let n = ba.len().min(bb.len());
        if n == 0 {
            let ended = match (ba.is_empty(), bb.is_empty()) {
                (true, true) => break,
                (true, false) => (1, names.0),
                (false, _) => (2, names.1),
            };
            if mode != Mode::Silent {
                out.flush()?;
                writeln!(err, "cmp: EOF on {} after byte {byte}", ended.1)?;
            }
            return Ok(Outcome::Eof(ended.0));
        }
        let (ca, cb) = (&ba[..n], &bb[..n]);
        match mode {
            Mode::First | Mode::Silent => {
                if let Some(i) = ca.iter().zip(cb).position(|(x, y)| x != y) {
                    if mode == Mode::First {
                        line += ca[..i].iter().filter(|c| **c == b'\n').count() as u64;
                        let at = byte + i as u64 + 1;
                        writeln!(
                            out,
                            "{} {} differ: byte {at}, line {line}",
                            names.0, names.1
                        )?;
                    }
                    return Ok(Outcome::Differ);
                }
                line += ca.iter().filter(|c| **c == b'\n').count() as u64;
            }
            Mode::List => {
                for (i, (x, y)) in ca.iter().zip(cb).enumerate() {
                    if x != y {
                        differ = true;
                        writeln!(out, "{:>6} {x:>3o} {y:>3o}", byte + i as u64 + 1)?;
                    }
                }
            }
        }
        byte += n as u64;
        a.consume(n);
        b.consume(n);
    }
    Ok(if differ {
        Outcome::Differ
    } else {
        Outcome::Same
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<OsString> {
        s.split_whitespace().map(OsString::from).collect()
    }

    fn run(a: &[u8], b: &[u8], mode: Mode) -> (Outcome, String, String) {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let o = compare(a, b, ("a", "b"), mode, &mut out, &mut err).unwrap();
        (
            o,
            String::from_utf8(out).unwrap(),
            String::from_utf8(err).unwrap(),
        )
    }

    #[test]
    fn options_shift_the_file_operands() {
        let o = Options::parse(args("x y")).unwrap();
        assert_eq!(
            (o.mode, o.file1.to_str(), o.file2.to_str()),
            (Mode::First, Some("x"), Some("y"))
        );
        let o = Options::parse(args("-l x y")).unwrap();
        assert_eq!((o.mode, o.file1.to_str()), (Mode::List, Some("x")));
        let o = Options::parse(args("-s -- -x y")).unwrap();
        assert_eq!((o.mode, o.file1.to_str()), (Mode::Silent, Some("-x")));
        assert!(Options::parse(args("-ls x y")).is_err());
        assert!(Options::parse(args("-q x y")).is_err());
        assert!(Options::parse(args("x")).is_err());
        assert!(Options::parse(args("x y z")).is_err());
    }

    #[test]
    fn first_difference_with_its_line() {
        let (o, out, _) = run(b"ab\ncd\nef", b"ab\ncd\neX", Mode::First);
        assert_eq!(
            (o, out.as_str()),
            (Outcome::Differ, "a b differ: byte 8, line 3\n")
        );
        assert_eq!(run(b"same", b"same", Mode::First).0, Outcome::Same);
        assert_eq!(run(b"", b"", Mode::First).0, Outcome::Same);
    }

    #[test]
    fn eof_on_the_shorter_file() {
        let (o, out, err) = run(b"abc", b"abcdef", Mode::First);
        assert_eq!(
            (o, out.as_str(), err.as_str()),
            (Outcome::Eof(1), "", "cmp: EOF on a after byte 3\n")
        );
        let (o, _, err) = run(b"abcd", b"", Mode::First);
        assert_eq!(
            (o, err.as_str()),
            (Outcome::Eof(2), "cmp: EOF on b after byte 0\n")
        );
    }

    #[test]
    fn list_and_silent() {
        let (o, out, _) = run(b"abcd", b"aXcY", Mode::List);
        assert_eq!(
            (o, out.as_str()),
            (Outcome::Differ, "     2 142 130\n     4 144 131\n")
        );
        let (o, out, err) = run(b"abcd", b"abcdX", Mode::Silent);
        assert_eq!((o, out.as_str(), err.as_str()), (Outcome::Eof(1), "", ""));
    }

    #[test]
    fn large_inputs_cross_buffer_boundaries() {
        let a = vec![b'\n'; 300_000];
        let mut b = a.clone();
        b[200_000] = b'x';
        let (_, out, _) = run(&a, &b, Mode::First);
        assert_eq!(out, "a b differ: byte 200001, line 200001\n");
    }
}
