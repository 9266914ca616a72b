//! cat(1) as GNU coreutils' cat behaves: its command line and its
//! formatting options (`-A -b -e -E -n -s -t -T -u -v` and their long
//! forms), applied as coreutils' cat.c applies them, with the line state
//! (numbering, blank-line squeezing, being inside a line) carried from one
//! file to the next.

use std::ffi::OsString;

/// The formatting options; all off is a plain copy.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Format {
    /// `-n`: number every output line.
    pub number: bool,
    /// `-b`: number nonempty lines (overrides `-n`).
    pub number_nonblank: bool,
    /// `-s`: squeeze repeated empty lines.
    pub squeeze_blank: bool,
    /// `-E`: `$` at each line's end.
    pub show_ends: bool,
    /// `-T`: TAB as `^I`.
    pub show_tabs: bool,
    /// `-v`: `^X` and `M-` notation, except for newline and TAB.
    pub show_nonprinting: bool,
}

impl Format {
    /// Whether any option changes the bytes.
    pub fn is_plain(&self) -> bool {
        *self == Format::default()
    }
}

/// The command line of cat.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// How to format.
    pub format: Format,
    /// The operands (`-` when none).
    pub files: Vec<OsString>,
}

/// What the command line asks instead of concatenating.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Exit {
    /// A usage error: `cat: MESSAGE` and GNU's "Try" line, status 1.
    Usage(String),
    /// `--help` or `--version`: this on stdout, status 0.
    Info(&'static str),
}

const HELP: &str = "Usage: cat [OPTION]... [FILE]...
Concatenate FILE(s) to standard output.

With no FILE, or when FILE is -, read standard input.

  -A, --show-all           equivalent to -vET
  -b, --number-nonblank    number nonempty output lines, overrides -n
  -e                       equivalent to -vE
  -E, --show-ends          display $ at end of each line
  -n, --number             number all output lines
  -s, --squeeze-blank      suppress repeated empty output lines
  -t                       equivalent to -vT
  -T, --show-tabs          display TAB characters as ^I
  -u                       (ignored)
  -v, --show-nonprinting   use ^ and M- notation, except for LFD and TAB
      --help        display this help and exit
      --version     output version information and exit
";

const VERSION: &str = "cat (sandboxed-examples) 0.1\n";

/// The long options in the order of cat.c's table (getopt_long lists the
/// possibilities of an ambiguous prefix in this order).
const LONG: &[&str] = &[
    "number-nonblank",
    "number",
    "squeeze-blank",
    "show-nonprinting",
    "show-ends",
    "show-tabs",
    "show-all",
    "help",
    "version",
];

impl Options {
    /// Parses `args` (without the program name) as GNU cat's getopt_long
    /// does: options anywhere before `--`, long options abbreviated.
    pub fn parse(args: impl IntoIterator<Item = OsString>) -> Result<Options, Exit> {
        let mut o = Options::default();
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            let Some(text) = arg.to_str().filter(|t| t.len() > 1 && t.starts_with('-')) else {
                o.files.push(arg);
                continue;
            };
            if text == "--" {
                o.files.extend(args.by_ref());
                break;
            }
            if let Some(long) = text.strip_prefix("--") {
                let (name, value) = match long.split_once('=') {
                    Some((n, _)) => (n, true),
                    None => (long, false),
                };
                let full = crate::long_option(name, text, LONG).map_err(Exit::Usage)?;
                if value {
                    return Err(Exit::Usage(format!(
                        "option '--{full}' doesn't allow an argument"
                    )));
                }
                let f = &mut o.format;
                match full {
                    "show-all" => {
                        (f.show_nonprinting, f.show_ends, f.show_tabs) = (true, true, true)
                    }
                    "number-nonblank" => (f.number, f.number_nonblank) = (true, true),
                    "show-ends" => f.show_ends = true,
                    "number" => f.number = true,
                    "squeeze-blank" => f.squeeze_blank = true,
                    "show-tabs" => f.show_tabs = true,
                    "show-nonprinting" => f.show_nonprinting = true,
                    "help" => return Err(Exit::Info(HELP)),
                    _ => return Err(Exit::Info(VERSION)),
                }
                continue;
            }
            let f = &mut o.format;
            for flag in text[1..].chars() {
                match flag {
                    'A' => (f.show_nonprinting, f.show_ends, f.show_tabs) = (true, true, true),
                    'b' => (f.number, f.number_nonblank) = (true, true),
                    'e' => (f.show_nonprinting, f.show_ends) = (true, true),
                    'E' => f.show_ends = true,
                    'n' => f.number = true,
                    's' => f.squeeze_blank = true,
                    't' => (f.show_nonprinting, f.show_tabs) = (true, true),
                    'T' => f.show_tabs = true,
                    'u' => {}
                    'v' => f.show_nonprinting = true,
                    other => return Err(Exit::Usage(format!("invalid option -- '{other}'"))),
                }
            }
        }
        if o.files.is_empty() {
            o.files.push("-".into());
        }
        Ok(o)
    }
}

/// The line state carried across files (cat.c's `newlines` and line
/// counter).
#[derive(Clone, Debug)]
pub struct Formatter {
    format: Format,
    /// -1: inside a line; 0: at a line's start; 1 and 2: after one or
    /// more empty lines (cat.c's `newlines`).
    newlines: i32,
    line: u64,
}

impl Formatter {
    /// A formatter at the start of the output.
    pub fn new(format: Format) -> Self {
        Formatter {
            format,
            newlines: 0,
            line: 0,
        }
    }

    fn number(&mut self, out: &mut Vec<u8>) {
        self.line += 1;
        out.extend_from_slice(format!("{:>6}\t", self.line).as_bytes());
    }

    /// Appends `input`, formatted, to `out`.
    pub fn feed(&mut self, input: &[u8], out: &mut Vec<u8>) {
        let f = self.format;
        for &ch in input {
            if ch == b'\n' {
                self.newlines += 1;
                if self.newlines > 0 {
                    if self.newlines >= 2 {
                        self.newlines = 2;
                        if f.squeeze_blank {
                            continue;
                        }
                    }
                    if f.number && !f.number_nonblank {
                        self.number(out);
                    }
                }
                if f.show_ends {
                    out.push(b'$');
                }
                out.push(b'\n');
                continue;
            }
            if self.newlines >= 0 && f.number {
                self.number(out);
            }
            self.newlines = -1;
            if f.show_nonprinting {
                let mut c = ch;
                if c >= 128 {
                    out.extend_from_slice(b"M-");
                    c -= 128;
                }
                match c {
                    b'\t' if ch == b'\t' && !f.show_tabs => out.push(b'\t'),
                    0..=31 => out.extend_from_slice(&[b'^', c + 64]),
                    127 => out.extend_from_slice(b"^?"),
                    _ => out.push(c),
                }
            } else if ch == b'\t' && f.show_tabs {
                out.extend_from_slice(b"^I");
            } else {
                out.push(ch);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn format(opts: &str, inputs: &[&[u8]]) -> String {
        let o = Options::parse(opts.split_whitespace().map(OsString::from)).unwrap();
        let mut f = Formatter::new(o.format);
        let mut out = Vec::new();
        for input in inputs {
            f.feed(input, &mut out);
        }
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn options_as_gnu_getopt_long_takes_them() {
        let parse = |s: &str| Options::parse(s.split_whitespace().map(OsString::from));
        assert_eq!(parse("").unwrap().files, ["-"]);
        assert!(parse("f -n").unwrap().format.number);
        assert_eq!(parse("-- -n").unwrap().files, ["-n"]);
        assert_eq!(
            parse("--num f"),
            Err(Exit::Usage(
                "option '--num' is ambiguous; possibilities: '--number-nonblank' '--number'".into()
            ))
        );
        assert!(parse("--number-n f").unwrap().format.number_nonblank);
        assert_eq!(
            parse("-x"),
            Err(Exit::Usage("invalid option -- 'x'".into()))
        );
        assert_eq!(
            parse("--bogus"),
            Err(Exit::Usage("unrecognized option '--bogus'".into()))
        );
        let all = parse("-A").unwrap().format;
        assert!(all.show_nonprinting && all.show_ends && all.show_tabs);
    }

    #[test]
    fn numbering_squeezing_and_ends_follow_cat_c() {
        assert_eq!(
            format("-n", &[b"a\n\nb\n"]),
            "     1\ta\n     2\t\n     3\tb\n"
        );
        assert_eq!(format("-b", &[b"a\n\nb\n"]), "     1\ta\n\n     2\tb\n");
        assert_eq!(format("-s", &[b"a\n\n\n\nb\n"]), "a\n\nb\n");
        assert_eq!(format("-sn", &[b"\n\n\nx"]), "     1\t\n     2\tx");
        assert_eq!(format("-E", &[b"a\nb"]), "a$\nb");
        // The state goes on from one file to the next.
        assert_eq!(
            format("-n", &[b"a\nb", b"c\nd\n"]),
            "     1\ta\n     2\tbc\n     3\td\n"
        );
    }

    #[test]
    fn nonprinting_bytes_in_caret_and_meta_notation() {
        assert_eq!(
            format("-v", &[&[1, b'\t', 127, 0x80, 0xff, 0xe9, b'\n']]),
            "^A\t^?M-^@M-^?M-i\n"
        );
        assert_eq!(format("-T", &[b"a\tb\n"]), "a^Ib\n");
        assert_eq!(format("-A", &[b"a\tb\n"]), "a^Ib$\n");
        assert_eq!(format("-t", &[&[b'\t', 0x89]]), "^IM-^I");
    }
}
