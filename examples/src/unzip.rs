//! unzip(1) as Info-ZIP's UnZip 6.0 (Debian) behaves, into a preopened
//! directory with `*at()` calls only.
//!
//! What is kept from Info-ZIP: the options `-l -p -t -q -qq -o -n -d -x`,
//! member patterns (`*`, `?`, `[...]`, matched against whole names, `*`
//! crossing `/`), the `.zip`/`.ZIP` suffix search, the messages and exit
//! statuses (0, 1 warning, 2 error, 5 no password, 9 no archive, 10 bad
//! options, 11 no match, 12 overlapped components, 50 an output file not
//! created or written, 81 entries skipped unread), entries Info-ZIP skips
//! (a method or version it lacks, encryption without a password), bytes
//! before the archive (a warning), entry names stripped of a leading `/`
//! and of `..` components (with Info-ZIP's warnings), modes restored
//! exactly (fchmod(2), not through the umask; set-id and sticky bits
//! dropped as without `-K`), mtimes restored (the `UT` extra field, else
//! the DOS time as local time), symbolic links deferred to the end with a
//! placeholder file in their place meanwhile, directories' modes and times
//! set last, and the `replace NAME? [y]es, [n]o, [A]ll, [N]one, [r]ename:`
//! question for existing files (read from stdin; at end of input, `[N]one`).
//!
//! What is stricter, for the user's data: a file is written to a
//! temporary beside its name and renamed over it only when complete and
//! its CRC checked, so an existing file (the archive itself included) is
//! never truncated and a bad entry leaves nothing; no component of a path
//! is followed if it is a symbolic link (`O_NOFOLLOW` at every step), so
//! nothing is ever written through a link; overlapping entries (the
//! CVE-2019-13232 zip bomb) are refused before anything is written, and
//! an entry cannot produce more bytes than it declares, nor declare more
//! than its compression method can produce from its compressed size.

use std::ffi::{OsStr, OsString};
use std::io::{self, BufRead, Read, Seek, Write};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};

use sandboxed::rights::can;
use sandboxed::{Dir, File, OpenOptions};

use crate::replace::{replace, Replace};

const S_IFMT: u32 = 0o170000;
const S_IFLNK: u32 = 0o120000;
const S_IFDIR: u32 = 0o040000;

/// Exit statuses of unzip(1).
pub mod status {
    /// Success.
    pub const OK: i32 = 0;
    /// One or more warnings.
    pub const WARN: i32 = 1;
    /// A generic error in the archive (an entry could not be processed).
    pub const ERR: i32 = 2;
    /// A severe error (out of memory, I/O).
    pub const BAD: i32 = 3;
    /// The archive was not found, or is not a zip file.
    pub const NOZIP: i32 = 9;
    /// Invalid options.
    pub const PARAM: i32 = 10;
    /// No matching files.
    pub const FIND: i32 = 11;
    /// Overlapped components: a zip bomb.
    pub const BOMB: i32 = 12;
    /// Unable to obtain a tty to read a decryption password (`PK_MEM2`).
    pub const PASSWORD: i32 = 5;
    /// Disk full; also any output file that cannot be created
    /// (extract.c: `open_outfile` failing is `PK_DISK`).
    pub const DISK: i32 = 50;
    /// Entries skipped for an unsupported method or version (`IZ_UNSUP`).
    pub const UNSUP: i32 = 81;
}

/// What to do with an existing file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Overwrite {
    /// Ask (the default).
    #[default]
    Ask,
    /// `-o`: replace without asking.
    Always,
    /// `-n`: never replace.
    Never,
}

/// The command line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// `-l`: list.
    pub list: bool,
    /// `-p`: extract to stdout, no messages.
    pub pipe: bool,
    /// `-t`: test.
    pub test: bool,
    /// `-q` count.
    pub quiet: u8,
    /// `-o` / `-n`.
    pub overwrite: Overwrite,
    /// `-d DIR`.
    pub exdir: Option<OsString>,
    /// The archive as given.
    pub archive: OsString,
    /// Member patterns (empty: every member).
    pub patterns: Vec<Vec<u8>>,
    /// `-x` patterns.
    pub excludes: Vec<Vec<u8>>,
}

/// What the command line asks instead of an extraction.
#[derive(Debug, PartialEq, Eq)]
pub enum Exit {
    /// Print the usage on stdout and exit with this status (0 without
    /// arguments, 10 for a bad option).
    Usage(i32),
    /// Print this message on stderr and exit 10.
    Message(&'static str),
}

/// Info-ZIP's usage text (Debian's build), printed for no arguments and
/// for bad options.
pub const USAGE: &str = r#"UnZip 6.00 of 20 April 2009, by Debian. Original by Info-ZIP.

Usage: unzip [-Z] [-opts[modifiers]] file[.zip] [list] [-x xlist] [-d exdir]
  Default action is to extract files in list, except those in xlist, to exdir;
  file[.zip] may be a wildcard.  -Z => ZipInfo mode ("unzip -Z" for usage).

  -p  extract files to pipe, no messages     -l  list files (short format)
  -f  freshen existing files, create none    -t  test compressed archive data
  -u  update files, create if necessary      -z  display archive comment only
  -v  list verbosely/show version info       -T  timestamp archive to latest
  -x  exclude files that follow (in xlist)   -d  extract files into exdir
modifiers:
  -n  never overwrite existing files         -q  quiet mode (-qq => quieter)
  -o  overwrite files WITHOUT prompting      -a  auto-convert any text files
  -j  junk paths (do not make directories)   -aa treat ALL files as text
  -U  use escapes for all non-ASCII Unicode  -UU ignore any Unicode fields
  -C  match filenames case-insensitively     -L  make (some) names lowercase
  -X  restore UID/GID info                   -V  retain VMS version numbers
  -K  keep setuid/setgid/tacky permissions   -M  pipe through "more" pager
See "unzip -hh" or unzip.txt for more help.  Examples:
  unzip data1 -x joe   => extract all files except joe from zipfile data1.zip
  unzip -p foo | more  => send contents of foo.zip via pipe into program more
  unzip -fo foo ReadMe => quietly replace existing ReadMe if archive file newer
"#;

impl Options {
    /// Parses `args` (without the program name) as Info-ZIP does: options
    /// before the archive, then member patterns, `-x` patterns after
    /// `-x`, and `-d DIR` anywhere after the archive too.
    pub fn parse(args: impl IntoIterator<Item = OsString>) -> Result<Options, Exit> {
        let mut o = Options::default();
        let mut args = args.into_iter().peekable();
        let mut archive = None;
        let mut in_excludes = false;
        let mut any = false;
        while let Some(arg) = args.next() {
            any = true;
            let bytes = arg.as_bytes();
            if bytes.len() > 1 && bytes[0] == b'-' && !(in_excludes && bytes != b"-d") {
                if bytes == b"-x" && archive.is_some() {
                    in_excludes = true;
                    continue;
                }
                let flags = &bytes[1..];
                let mut i = 0;
                while i < flags.len() {
                    match flags[i] {
                        b'l' => o.list = true,
                        b'p' => o.pipe = true,
                        b't' => o.test = true,
                        b'q' => o.quiet += 1,
                        b'o' => o.overwrite = Overwrite::Always,
                        b'n' => o.overwrite = Overwrite::Never,
                        b'd' => {
                            let rest = &flags[i + 1..];
                            let dir = if rest.is_empty() {
                                args.next().ok_or(Exit::Message(
                                    "error:  must specify directory to which to extract with -d option",
                                ))?
                            } else {
                                OsString::from_vec(rest.to_vec())
                            };
                            o.exdir = Some(dir);
                            break;
                        }
                        b'x' if archive.is_some() => in_excludes = true,
                        _ => return Err(Exit::Usage(status::PARAM)),
                    }
                    i += 1;
                }
                continue;
            }
            if archive.is_none() {
                archive = Some(arg);
            } else if in_excludes {
                o.excludes.push(bytes.to_vec());
            } else {
                o.patterns.push(bytes.to_vec());
            }
        }
        match archive {
            Some(a) => {
                o.archive = a;
                Ok(o)
            }
            None if !any => Err(Exit::Usage(status::OK)),
            None => Err(Exit::Usage(status::PARAM)),
        }
    }

    /// Where to extract.
    pub fn exdir(&self) -> &OsStr {
        self.exdir.as_deref().unwrap_or(OsStr::new("."))
    }

    /// The directory to open for this run: `-d`'s, unless `-l`, `-t` or
    /// `-p` extract nothing, when Info-ZIP ignores `-d` (and neither
    /// creates nor needs it): then the current directory, left untouched.
    pub fn extraction_dir(&self) -> &OsStr {
        if self.ignores_exdir() {
            OsStr::new(".")
        } else {
            self.exdir()
        }
    }

    /// `-d` given with `-l`, `-t` or `-p`: `caution:  not extracting; -d
    /// ignored` (unzip.c).
    fn ignores_exdir(&self) -> bool {
        self.exdir.is_some() && (self.list || self.test || self.pipe)
    }
}

/// The archive to open: `name`, else `name.zip`, else `name.ZIP`, as
/// Info-ZIP searches; `Err` with Info-ZIP's message when none exists.
pub fn find_archive(name: &OsStr) -> Result<PathBuf, String> {
    let candidates = [
        PathBuf::from(name),
        PathBuf::from(with_suffix(name, ".zip")),
        PathBuf::from(with_suffix(name, ".ZIP")),
    ];
    for c in &candidates {
        if std::fs::metadata(c).is_ok_and(|m| !m.is_dir()) {
            return Ok(c.clone());
        }
    }
    let shown = name.to_string_lossy();
    Err(format!(
        "unzip:  cannot find or open {shown}, {shown}.zip or {shown}.ZIP."
    ))
}

fn with_suffix(name: &OsStr, suffix: &str) -> OsString {
    let mut s = name.to_owned();
    s.push(suffix);
    s
}

/// Info-ZIP's messages for a file that is not a zip archive.
pub fn not_a_zip(name: &OsStr) -> String {
    let n = name.to_string_lossy();
    format!(
        "  End-of-central-directory signature not found.  Either this file is not\n  \
         a zipfile, or it constitutes one disk of a multi-part archive.  In the\n  \
         latter case the central directory and zipfile comment will be found on\n  \
         the last disk(s) of this archive.\n\
         unzip:  cannot find zipfile directory in one of {n} or\n        \
         {n}.zip, and cannot find {n}.ZIP, period."
    )
}

/// Info-ZIP's wildcard match (match.c): `*` any run of bytes (`/`
/// included), `?` one byte, `[...]` a set (`!` or `^` negates, `a-z`
/// ranges), `\` escapes; the whole name must match.
pub fn matches(pattern: &[u8], name: &[u8]) -> bool {
    match pattern.split_first() {
        None => name.is_empty(),
        Some((b'*', rest)) => (0..=name.len()).any(|i| matches(rest, &name[i..])),
        Some((b'?', rest)) => !name.is_empty() && matches(rest, &name[1..]),
        Some((b'[', rest)) => {
            let Some(end) = rest.iter().skip(1).position(|c| *c == b']').map(|p| p + 1) else {
                return name.first() == Some(&b'[') && matches(rest, &name[1..]);
            };
            let Some((&c, tail)) = name.split_first() else {
                return false;
            };
            let (negate, set) = match rest[0] {
                b'!' | b'^' => (true, &rest[1..end]),
                _ => (false, &rest[..end]),
            };
            let mut hit = false;
            let mut i = 0;
            while i < set.len() {
                if i + 2 < set.len() && set[i + 1] == b'-' {
                    hit |= set[i] <= c && c <= set[i + 2];
                    i += 3;
                } else {
                    hit |= set[i] == c;
                    i += 1;
                }
            }
            hit != negate && matches(&rest[end + 1..], tail)
        }
        Some((b'\\', rest)) if !rest.is_empty() => {
            name.first() == Some(&rest[0]) && matches(&rest[1..], &name[1..])
        }
        Some((c, rest)) => name.first() == Some(c) && matches(rest, &name[1..]),
    }
}

/// An entry name made safe as Info-ZIP makes it: a leading `/` stripped,
/// `..` and `.` components dropped (`\` is a plain byte, as on Unix).
/// The warnings Info-ZIP prints, if any: (on stdout, on stderr).
#[derive(Debug, PartialEq, Eq)]
pub struct Cleaned {
    /// The components kept.
    pub parts: Vec<OsString>,
    /// `warning:  skipped "../" path component(s) in NAME` (stdout).
    pub skipped_parent: bool,
    /// `warning:  stripped absolute path spec from NAME` (stderr).
    pub stripped_absolute: bool,
    /// The name ended with `/`.
    pub trailing_slash: bool,
    /// Nothing was left of a name that had something once its control
    /// characters were dropped: `mapname:  conversion of NAME failed`.
    pub unconvertible: bool,
}

/// See [`Cleaned`].
pub fn clean_name(name: &[u8]) -> Cleaned {
    let stripped_absolute = name.first() == Some(&b'/');
    let mut parts = Vec::new();
    let (mut skipped_parent, mut stripped, mut emptied_last) = (false, false, false);
    let trailing_slash = name.last() == Some(&b'/');
    let count = name.split(|c| *c == b'/').count();
    for (i, part) in name.split(|c| *c == b'/').enumerate() {
        // Info-ZIP's mapname (unix/unix.c) drops control characters (and
        // DEL) from the names it creates; `..` is looked for after, so
        // that no dropped byte can make one.
        let kept: Vec<u8> = part
            .iter()
            .copied()
            .filter(|&c| c >= b' ' && c != 0x7f)
            .collect();
        stripped |= kept.len() != part.len();
        // A file's own name is never dropped (that would make `d/..` or
        // `d/\x01` the file `d`): mapname fails on one emptied by the
        // dropped bytes, and writes `.` and `..` as `_` and `__`.
        if i + 1 == count && !trailing_slash {
            match kept.as_slice() {
                b"" if !part.is_empty() => emptied_last = true,
                b"" => {}
                b"." => parts.push(OsString::from("_")),
                b".." => parts.push(OsString::from("__")),
                _ => parts.push(OsString::from_vec(kept)),
            }
            continue;
        }
        match kept.as_slice() {
            b"" | b"." => {}
            b".." => skipped_parent = true,
            _ => parts.push(OsString::from_vec(kept)),
        }
    }
    Cleaned {
        unconvertible: emptied_last || stripped && parts.is_empty(),
        parts,
        skipped_parent,
        stripped_absolute,
        trailing_slash,
    }
}

/// `name` padded to 22 bytes, as C's printf pads `%-22s` (by bytes, not
/// characters: a name with multibyte characters gets fewer spaces).
fn pad(name: &str) -> String {
    format!("{name}{}", " ".repeat(22usize.saturating_sub(name.len())))
}

/// A name as Info-ZIP shows it (`fnfilter` in extract.c): each control
/// character as `^` and its letter (`^[` for ESC, `^J` for a newline), so
/// that a name cannot move the cursor or rewrite a terminal; other bytes
/// as they are (invalid UTF-8 replaced).
pub fn shown_name(raw: &[u8]) -> String {
    let mut out = Vec::with_capacity(raw.len());
    for &c in raw {
        if c < b' ' {
            out.extend_from_slice(&[b'^', c + b'@']);
        } else {
            out.push(c);
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The rights the extraction needs on the directory.
pub trait Target:
    Replace + can::Read + can::Fstatat + can::Mkdirat + can::Symlinkat + can::Futimes
{
}
impl<R: Replace + can::Read + can::Fstatat + can::Mkdirat + can::Symlinkat + can::Futimes> Target
    for R
{
}

/// One entry, as read from the central directory.
struct Entry {
    index: usize,
    raw: Vec<u8>,
    mode: Option<u32>,
    is_dir: bool,
    is_link: bool,
    size: u64,
    compressed: u64,
    crc32: u32,
    method: zip::CompressionMethod,
    mtime: Option<i64>,
    dos: Option<zip::DateTime>,
    central: Central,
    /// Why Info-ZIP would skip the entry unread, if it would.
    skip: Option<String>,
    span: (u64, u64),
}

/// Seconds since the epoch of a DOS date and time, read as local time
/// (mktime(3): the time zone data is loaded before the sandbox is entered).
fn dos_to_unix(t: &zip::DateTime) -> Option<i64> {
    // SAFETY: an all-zero `tm` is a valid value (every field an integer
    // or a null pointer).
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    tm.tm_year = i32::from(t.year()) - 1900;
    tm.tm_mon = i32::from(t.month()) - 1;
    tm.tm_mday = i32::from(t.day());
    tm.tm_hour = i32::from(t.hour());
    tm.tm_min = i32::from(t.minute());
    tm.tm_sec = i32::from(t.second());
    tm.tm_isdst = -1;
    // SAFETY: `tm` is a valid, initialized `struct tm`; mktime only
    // normalizes it and reads the process's time zone.
    let t = unsafe { libc::mktime(&mut tm) };
    // time_t is not i64 everywhere.
    #[allow(clippy::useless_conversion)]
    (t != -1).then_some(i64::from(t))
}

/// A local time as `YYYY-MM-DD HH:MM` (localtime_r(3)), as `unzip -l`
/// shows it.
fn local_minute(secs: i64) -> String {
    // SAFETY: an all-zero `tm` is a valid out-value for localtime_r.
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    let t = secs as libc::time_t;
    // SAFETY: both pointers are valid for the call.
    if unsafe { libc::localtime_r(&t, &mut tm) }.is_null() {
        return "1980-00-00 00:00".into();
    }
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}",
        tm.tm_year + 1900,
        tm.tm_mon + 1,
        tm.tm_mday,
        tm.tm_hour,
        tm.tm_min
    )
}

/// The most a compression method can expand: deflate's limit is 1032:1
/// (RFC 1951: a 258-byte match per 2 bits at best), stored is 1:1.
fn can_hold(method: zip::CompressionMethod, compressed: u64) -> Option<u64> {
    match method {
        zip::CompressionMethod::Stored => Some(compressed),
        zip::CompressionMethod::Deflated => {
            Some(compressed.saturating_mul(1032).saturating_add(1024))
        }
        _ => None,
    }
}

/// What Info-ZIP reads from a central directory record that the zip
/// crate does not keep (APPNOTE.TXT 4.3.12).
#[derive(Clone, Copy, Debug)]
struct Central {
    /// Version needed to extract, its low byte (the PKZIP version times 10).
    needs: u8,
    /// General purpose bit 0: the entry is encrypted.
    encrypted: bool,
    /// The compression method's number (APPNOTE.TXT 4.4.5).
    method: u16,
}

/// The central directory records (`PK\x01\x02`) that follow one another
/// from `start`, reading no further than one past `names`.
fn central_headers(
    reader: &mut (impl Read + Seek),
    start: u64,
    names: usize,
) -> io::Result<Vec<Central>> {
    reader.seek(io::SeekFrom::Start(start))?;
    let mut found = Vec::with_capacity(names);
    let mut header = [0u8; 46];
    while found.len() <= names {
        match reader.read_exact(&mut header) {
            Ok(()) if header[..4] == *b"PK\x01\x02" => {}
            Ok(()) => break,
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => break,
            Err(e) => return Err(e),
        }
        let field = |at: usize| u16::from_le_bytes([header[at], header[at + 1]]);
        found.push(Central {
            needs: header[6],
            encrypted: field(8) & 1 != 0,
            method: field(10),
        });
        // File name, extra field and comment lengths.
        let skip = i64::from(field(28)) + i64::from(field(30)) + i64::from(field(32));
        reader.seek(io::SeekFrom::Current(skip))?;
    }
    Ok(found)
}

/// Reads the central directory and checks that no two entries' local
/// data overlap (CVE-2019-13232).
fn entries<R: Read + Seek>(
    zip: &mut zip::ZipArchive<R>,
    central: &[Central],
) -> zip::result::ZipResult<(Vec<Entry>, bool)> {
    let mut list = Vec::with_capacity(zip.len());
    for index in 0..zip.len() {
        let e = zip.by_index_raw(index)?;
        // The records were counted against the names before: one each.
        let central = central.get(index).copied().unwrap_or(Central {
            needs: 0,
            encrypted: e.encrypted(),
            method: 0,
        });
        let mode = e.unix_mode();
        let mtime = e.extra_data_fields().find_map(|f| match f {
            zip::extra_fields::ExtraField::ExtendedTimestamp(ts) => ts.mod_time().map(i64::from),
            _ => None,
        });
        list.push(Entry {
            index,
            raw: e.name_raw().to_vec(),
            mode,
            is_dir: e.is_dir(),
            is_link: mode.is_some_and(|m| m & S_IFMT == S_IFLNK),
            size: e.size(),
            compressed: e.compressed_size(),
            crc32: e.crc32(),
            method: e.compression(),
            mtime,
            dos: e.last_modified(),
            central,
            skip: None,
            span: (
                e.header_start(),
                e.data_start().saturating_add(e.compressed_size()),
            ),
        });
    }
    let mut spans: Vec<(u64, u64)> = list.iter().map(|e| e.span).collect();
    spans.sort_unstable();
    let overlapped = spans.windows(2).any(|w| w[1].0 < w[0].1);
    Ok((list, overlapped))
}

/// A read buffer over a seekable input that survives seeks inside it.
/// The zip crate seeks to every local header and reads it in small
/// pieces; std's `BufReader` drops its buffer on every absolute seek, so
/// each piece would be a system call (each checked by the sandbox).
pub struct SeekBuf<R> {
    inner: R,
    buf: Vec<u8>,
    /// Offset in `inner` of `buf[0]`.
    start: u64,
    /// Valid bytes in `buf`.
    len: usize,
    /// Read position within `buf` (may be past `len`: then `inner` is
    /// repositioned on the next read).
    at: u64,
}

impl<R> std::fmt::Debug for SeekBuf<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SeekBuf")
            .field("start", &self.start)
            .field("len", &self.len)
            .field("at", &self.at)
            .finish()
    }
}

impl<R: Read + Seek> SeekBuf<R> {
    /// `inner` read through a buffer of `capacity` bytes.
    pub fn new(inner: R, capacity: usize) -> Self {
        SeekBuf {
            inner,
            buf: vec![0; capacity],
            start: 0,
            len: 0,
            at: 0,
        }
    }
}

impl<R: Read + Seek> Read for SeekBuf<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let end = self.start + self.len as u64;
        if self.at < self.start || self.at >= end {
            // Large reads bypass the buffer.
            self.inner.seek(io::SeekFrom::Start(self.at))?;
            if out.len() >= self.buf.len() {
                let n = self.inner.read(out)?;
                self.at += n as u64;
                self.len = 0;
                return Ok(n);
            }
            self.start = self.at;
            self.len = self.inner.read(&mut self.buf)?;
            if self.len == 0 {
                return Ok(0);
            }
        }
        let from = (self.at - self.start) as usize;
        let n = out.len().min(self.len - from);
        out[..n].copy_from_slice(&self.buf[from..from + n]);
        self.at += n as u64;
        Ok(n)
    }
}

impl<R: Read + Seek> Seek for SeekBuf<R> {
    fn seek(&mut self, to: io::SeekFrom) -> io::Result<u64> {
        self.at = match to {
            io::SeekFrom::Start(p) => p,
            io::SeekFrom::Current(d) => self
                .at
                .checked_add_signed(d)
                .ok_or_else(|| io::Error::from(io::ErrorKind::InvalidInput))?,
            io::SeekFrom::End(_) => {
                let p = self.inner.seek(to)?;
                self.len = 0;
                p
            }
        };
        Ok(self.at)
    }
}

/// Where messages go, and what the run found.
pub struct Report<'a> {
    /// Stdout.
    pub out: &'a mut dyn Write,
    /// Stderr.
    pub err: &'a mut dyn Write,
    /// Answers to the overwrite question (stdin).
    pub answers: &'a mut dyn BufRead,
    /// The highest status so far.
    pub status: i32,
}

impl std::fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Report")
            .field("status", &self.status)
            .finish()
    }
}

impl Report<'_> {
    fn raise(&mut self, status: i32) {
        self.status = self.status.max(status);
    }
}

/// Runs unzip on `archive` (opened from `archive_name`): list, test, pipe
/// or extract into `dir` (`shown_dir` is `-d`'s value, for messages).
pub fn run<R: Target>(
    options: &Options,
    archive: impl Read + Seek,
    archive_name: &OsStr,
    dir: &Dir<R>,
    umask: u32,
    report: &mut Report<'_>,
) -> io::Result<i32> {
    let quiet = options.quiet > 0 || options.pipe;
    if options.ignores_exdir() {
        diagnostic(report, options, "caution:  not extracting; -d ignored")?;
    }
    let zip = match zip::ZipArchive::new(SeekBuf::new(archive, 64 * 1024)) {
        Ok(z) => z,
        Err(zip::result::ZipError::Io(e)) if e.kind() != io::ErrorKind::UnexpectedEof => {
            writeln!(
                report.err,
                "unzip:  cannot read {}: {}",
                archive_name.to_string_lossy(),
                crate::os_error(&e)
            )?;
            return Ok(status::NOZIP);
        }
        Err(_) => {
            if !quiet {
                writeln!(report.out, "Archive:  {}", archive_name.to_string_lossy())?;
            }
            report.out.flush()?;
            writeln!(report.err, "{}", not_a_zip(&options.archive))?;
            return Ok(status::NOZIP);
        }
    };
    if !quiet {
        writeln!(report.out, "Archive:  {}", archive_name.to_string_lossy())?;
    }
    // Info-ZIP (process.c) compares where the end record is with where the
    // directory says it should be: bytes before the archive (a
    // self-extractor's stub, say) shift every offset, which it tells.
    let extra = zip.offset();
    if extra > 0 {
        let s = if extra == 1 { "" } else { "s" };
        let line = format!(
            "warning [{}]:  {extra} extra byte{s} at beginning or within zipfile\n  (attempting to process anyway)",
            archive_name.to_string_lossy()
        );
        diagnostic(report, options, &line)?;
        report.raise(status::WARN);
    }
    // The zip crate keeps one entry per name (the last), so an archive
    // with two entries of one name would show and extract only one:
    // count the central directory's records to see any it hid.
    let (start, shown) = (zip.central_directory_start(), zip.len());
    let mut reader = zip.into_inner();
    let central = central_headers(&mut reader, start, shown)?;
    let records = central.len();
    if records > shown {
        report.out.flush()?;
        writeln!(
            report.err,
            "error: invalid zip file with {records} entries under {shown} distinct names (an entry would hide another)"
        )?;
        return Ok(status::BAD);
    }
    let mut zip = zip::ZipArchive::new(reader).map_err(zip_io)?;
    let (all, overlapped) = entries(&mut zip, &central).map_err(zip_io)?;
    if overlapped && !options.list {
        report.out.flush()?;
        writeln!(
            report.err,
            "error: invalid zip file with overlapped components (possible zip bomb)"
        )?;
        return Ok(status::BOMB);
    }
    let mut matched = vec![false; options.patterns.len()];
    let mut selected: Vec<Entry> = all
        .into_iter()
        .filter(|e| {
            let mut wanted = options.patterns.is_empty();
            for (i, p) in options.patterns.iter().enumerate() {
                if matches(p, &e.raw) {
                    matched[i] = true;
                    wanted = true;
                }
            }
            wanted && !options.excludes.iter().any(|x| matches(x, &e.raw))
        })
        .collect();
    let mut skipped = 0;
    if !options.list {
        for e in &mut selected {
            e.skip = unsupported(e);
            skipped += usize::from(e.skip.is_some());
        }
        selected = in_info_zip_order(selected);
    }
    let result = if options.list {
        list(&selected, report)
    } else if options.test {
        test(&mut zip, &selected, archive_name, options, report)
    } else if options.pipe {
        pipe(&mut zip, &selected, options, report)
    } else {
        extract(&mut zip, &selected, options, dir, umask, report)
    };
    result?;
    for (i, p) in options.patterns.iter().enumerate() {
        if !matched[i] {
            report.out.flush()?;
            writeln!(
                report.err,
                "caution: filename not matched:  {}",
                String::from_utf8_lossy(p)
            )?;
            report.raise(status::FIND);
        }
    }
    // extract.c: entries skipped unread make the status 81 unless it is
    // already an error.
    if skipped > 0 && report.status <= status::WARN {
        report.status = status::UNSUP;
    }
    Ok(report.status)
}

/// The newest PKZIP version Info-ZIP's UnZip 6.0 extracts, with bzip2
/// (unzpriv.h: `UNZIP_BZ2VERS`, 4.6).
const CAN_DO: u8 = 46;

/// Why Info-ZIP would skip `e` without reading it (extract.c's
/// `store_info`): a version needed to extract above 4.6, else a method it
/// (or this program) does not undo; the words after `skipping: NAME`.
fn unsupported(e: &Entry) -> Option<String> {
    let needs = e.central.needs;
    if needs > CAN_DO {
        return Some(format!(
            "need PK compat. v{}.{} (can do v{}.{})",
            needs / 10,
            needs % 10,
            CAN_DO / 10,
            CAN_DO % 10
        ));
    }
    use zip::CompressionMethod as M;
    if [M::STORE, M::DEFLATE, M::DEFLATE64, M::BZIP2].contains(&e.method) {
        return None;
    }
    // extract.c's ComprNames, by APPNOTE.TXT 4.4.5's numbers.
    let name = match e.central.method {
        0 => "store",
        1 => "shrink",
        2..=5 => "reduce",
        6 => "implode",
        7 => "tokenize",
        8 => "deflate",
        9 => "deflate64",
        10 => "DCL implode",
        12 => "bzip2",
        14 => "LZMA",
        18 => "IBM/Terse",
        19 => "IBM LZ77",
        97 => "WavPack",
        98 => "PPMd",
        n => return Some(format!("unsupported compression method {n}")),
    };
    Some(format!("`{name}' method not supported"))
}

/// Info-ZIP reads the central directory in blocks (unzpriv.h:
/// `DIR_BLKSIZ`, 16384 entries), saying which entries it skips as it
/// reads them, then processes the block: the skipped entries of a block
/// come first.
fn in_info_zip_order(entries: Vec<Entry>) -> Vec<Entry> {
    const DIR_BLKSIZ: usize = 16384;
    let mut ordered = Vec::with_capacity(entries.len());
    let mut block = Vec::new();
    for e in entries {
        if e.skip.is_some() {
            ordered.push(e);
        } else {
            block.push(e);
            if block.len() == DIR_BLKSIZ {
                ordered.append(&mut block);
            }
        }
    }
    ordered.append(&mut block);
    ordered
}

/// A message Info-ZIP sends to stderr, or to stdout when testing (its
/// message function sends everything to stdout under `-t`).
fn diagnostic(report: &mut Report<'_>, options: &Options, line: &str) -> io::Result<()> {
    if options.test {
        writeln!(report.out, "{line}")
    } else {
        report.out.flush()?;
        writeln!(report.err, "{line}")
    }
}

/// Whether `e` is to be read: an entry Info-ZIP skips unread is said so
/// (unless quiet, `-p` being quiet), and an encrypted one is skipped with
/// status 5, since no password can be had: there is no `-P`, and the
/// sandbox opens no terminal (Info-ZIP's answer when it cannot open
/// `/dev/tty`).
fn readable(e: &Entry, options: &Options, report: &mut Report<'_>) -> io::Result<bool> {
    let name = shown_name(&e.raw);
    if let Some(why) = &e.skip {
        if options.quiet == 0 && !options.pipe {
            diagnostic(
                report,
                options,
                &format!("   skipping: {}  {why}", pad(&name)),
            )?;
        }
        return Ok(false);
    }
    if e.central.encrypted {
        let line = format!("   skipping: {}  unable to get password", pad(&name));
        diagnostic(report, options, &line)?;
        report.raise(status::PASSWORD);
        return Ok(false);
    }
    Ok(true)
}

fn zip_io(e: zip::result::ZipError) -> io::Error {
    match e {
        zip::result::ZipError::Io(e) => e,
        other => io::Error::new(io::ErrorKind::InvalidData, other.to_string()),
    }
}

fn entry_time(e: &Entry) -> Option<i64> {
    e.mtime.or_else(|| e.dos.as_ref().and_then(dos_to_unix))
}

fn list(entries: &[Entry], report: &mut Report<'_>) -> io::Result<()> {
    writeln!(report.out, "  Length      Date    Time    Name")?;
    writeln!(report.out, "---------  ---------- -----   ----")?;
    let mut total = 0u64;
    for e in entries {
        let when = entry_time(e).map_or_else(|| "1980-00-00 00:00".to_owned(), local_minute);
        writeln!(report.out, "{:>9}  {when}   {}", e.size, shown_name(&e.raw))?;
        total += e.size;
    }
    writeln!(report.out, "---------                     -------")?;
    let files = if entries.len() == 1 { "file" } else { "files" };
    writeln!(
        report.out,
        "{total:>9}                     {} {files}",
        entries.len()
    )?;
    Ok(())
}

/// Copies entry `index` into `sink`, at most its declared size (an entry
/// producing more is refused), checking its CRC (the zip crate's reader
/// fails at the end on a mismatch). Returns the bytes copied.
fn copy_entry<R: Read + Seek>(
    zip: &mut zip::ZipArchive<R>,
    e: &Entry,
    sink: &mut dyn Write,
) -> io::Result<u64> {
    if can_hold(e.method, e.compressed).is_some_and(|max| e.size > max) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "declared size {} exceeds what {} compressed bytes hold (possible zip bomb)",
                e.size, e.compressed
            ),
        ));
    }
    let bzip2 = e.method == zip::CompressionMethod::BZIP2;
    let entry = if bzip2 {
        zip.by_index_raw(e.index)
    } else {
        zip.by_index(e.index)
    };
    let entry = entry.map_err(zip_io)?;
    // The zip crate is built without its bzip2 feature (which would bring
    // a second bzip2 crate): its raw reader gives the compressed bytes and
    // the bzip2 crate decodes the one stream (APPNOTE.TXT 5.7).
    let mut reader: Box<dyn Read + '_> = if bzip2 {
        Box::new(bzip2::read::BzDecoder::new(entry))
    } else {
        Box::new(entry)
    };
    let mut sink = Crc {
        inner: sink,
        hasher: crc32fast::Hasher::new(),
    };
    let copied = io::copy(&mut (&mut reader).take(e.size), &mut sink).and_then(|n| {
        let mut probe = [0u8; 1];
        if reader.read(&mut probe)? != 0 {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "more data than the declared size",
            ));
        }
        // The raw reader checks no CRC: the zip crate's reader does.
        if bzip2 && sink.hasher.clone().finalize() != e.crc32 {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "Invalid checksum",
            ));
        }
        Ok(n)
    });
    // The zip crate's reader reports a CRC mismatch in these words
    // (zip's crc32.rs); Info-ZIP shows both values.
    match copied {
        Err(err) if err.to_string() == "Invalid checksum" => Err(io::Error::new(
            io::ErrorKind::InvalidData,
            BadCrc {
                actual: sink.hasher.finalize(),
                expected: e.crc32,
            },
        )),
        other => other,
    }
}

/// What Info-ZIP reports of a failed entry: ` bad CRC 363a3020  (should be
/// 363a3021)` or `  error:  invalid compressed data to inflate` (`bunzip`
/// for bzip2).
fn entry_problem(err: &io::Error, method: zip::CompressionMethod) -> Option<String> {
    if let Some(crc) = err.get_ref().and_then(|e| e.downcast_ref::<BadCrc>()) {
        return Some(format!(
            " bad CRC {:08x}  (should be {:08x})",
            crc.actual, crc.expected
        ));
    }
    // Not the system's error (a full disk, say): the data's.
    err.raw_os_error()
        .is_none()
        .then(|| format!("\n  error:  invalid compressed data to {}", undo(method)))
}

/// The CRC-32 of what an entry produced did not match its header's.
#[derive(Debug)]
struct BadCrc {
    actual: u32,
    expected: u32,
}

impl std::fmt::Display for BadCrc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "bad CRC {:08x} (should be {:08x})",
            self.actual, self.expected
        )
    }
}

impl std::error::Error for BadCrc {}

/// A writer that computes the CRC-32 of what passes through.
struct Crc<'a> {
    inner: &'a mut dyn Write,
    hasher: crc32fast::Hasher,
}

impl Write for Crc<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

fn test<R: Read + Seek>(
    zip: &mut zip::ZipArchive<R>,
    entries: &[Entry],
    archive_name: &OsStr,
    options: &Options,
    report: &mut Report<'_>,
) -> io::Result<()> {
    let mut errors = 0;
    let (mut tested_files, mut skipped) = (0, 0);
    for e in entries {
        skipped += usize::from(e.skip.is_some());
        if !readable(e, options, report)? {
            errors += usize::from(e.skip.is_none());
            continue;
        }
        tested_files += 1;
        let name = shown_name(&e.raw);
        let tested = copy_entry(zip, e, &mut io::sink());
        // Info-ZIP: `    testing: NAME   OK`, the CRC on the same line, an
        // inflating error on the next one.
        match &tested {
            Ok(_) if options.quiet == 0 => {
                writeln!(report.out, "    testing: {}   OK", pad(&name))?
            }
            Ok(_) => {}
            Err(err) => {
                errors += 1;
                write!(report.out, "    testing: {}  ", pad(&name))?;
                match entry_problem(err, e.method) {
                    Some(line) => writeln!(report.out, "{line}")?,
                    None => writeln!(report.out, "\n  error:  {}", crate::os_error(err))?,
                }
            }
        }
    }
    if errors > 0 {
        report.raise(status::ERR);
    }
    if options.quiet >= 2 {
        return Ok(());
    }
    // extract.c's summary: "compressed data of" when every entry of the
    // archive was tested.
    let archive = archive_name.to_string_lossy();
    let every = options.patterns.is_empty() && options.excludes.is_empty() && skipped == 0;
    if errors > 0 {
        writeln!(report.out, "At least one error was detected in {archive}.")?;
    } else if tested_files == 0 {
        writeln!(report.out, "Caution:  zero files tested in {archive}.")?;
    } else if every {
        writeln!(
            report.out,
            "No errors detected in compressed data of {archive}."
        )?;
    } else {
        let s = if tested_files == 1 { "" } else { "s" };
        writeln!(
            report.out,
            "No errors detected in {archive} for the {tested_files} file{s} tested."
        )?;
    }
    if skipped > 0 {
        let s = if skipped == 1 { "" } else { "s" };
        writeln!(
            report.out,
            "{skipped} file{s} skipped because of unsupported compression or encoding."
        )?;
    }
    Ok(())
}

fn pipe<R: Read + Seek>(
    zip: &mut zip::ZipArchive<R>,
    entries: &[Entry],
    options: &Options,
    report: &mut Report<'_>,
) -> io::Result<()> {
    for e in entries {
        if !readable(e, options, report)? || e.is_dir {
            continue;
        }
        if let Err(err) = copy_entry(zip, e, report.out) {
            report.out.flush()?;
            let name = shown_name(&e.raw);
            // Info-ZIP: the name, then a bad CRC; quiet (as -p is), the
            // data error on one line that ends with the name (extract.c's
            // ErrUnzipFile).
            let bad_crc = err.get_ref().is_some_and(|e| e.is::<BadCrc>());
            match entry_problem(&err, e.method) {
                Some(problem) if bad_crc => writeln!(report.err, "{} {problem}", pad(&name))?,
                Some(_) => writeln!(
                    report.err,
                    "  error:  invalid compressed data to {} {name}",
                    undo(e.method)
                )?,
                None => writeln!(report.err, "{}  {}", pad(&name), crate::os_error(&err))?,
            }
            report.raise(status::ERR);
        }
    }
    Ok(())
}

/// The name shown for an entry: `-d`'s directory, then the cleaned name.
fn shown(exdir: Option<&OsStr>, parts: &[OsString], dir: bool) -> String {
    let mut s = String::new();
    if let Some(d) = exdir {
        let d = d.to_string_lossy();
        s.push_str(d.trim_end_matches('/'));
        s.push('/');
    }
    let joined: Vec<String> = parts
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    s.push_str(&joined.join("/"));
    if dir {
        s.push('/');
    }
    s
}

/// Opens (creating as needed) the directories `parts` beneath `dir`,
/// never following a symbolic link. `Err` names the component that is in
/// the way.
fn walk<R: Target>(dir: &Dir<R>, parts: &[OsString]) -> Result<Option<Dir<R>>, (usize, io::Error)> {
    let mut here: Option<Dir<R>> = None;
    for (i, part) in parts.iter().enumerate() {
        let parent = here.as_ref().unwrap_or(dir);
        match parent.create_dir(part) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err((i, e)),
        }
        here = Some(parent.open_dir_nofollow(part).map_err(|e| (i, e))?);
    }
    Ok(here)
}

/// Opens the existing directories `parts` beneath `dir` (never following
/// a link); `None` if one is missing or in the way.
fn walk_existing<R: Target>(dir: &Dir<R>, parts: &[OsString]) -> Option<Option<Dir<R>>> {
    let mut here: Option<Dir<R>> = None;
    for part in parts {
        let parent = here.as_ref().unwrap_or(dir);
        here = Some(parent.open_dir_nofollow(part).ok()?);
    }
    Some(here)
}

/// The answer to "replace NAME?".
enum Answer {
    Yes,
    No,
    All,
    None,
    Rename(OsString),
}

fn ask(report: &mut Report<'_>, shown: &str) -> io::Result<Answer> {
    loop {
        report.out.flush()?;
        write!(
            report.err,
            "replace {shown}? [y]es, [n]o, [A]ll, [N]one, [r]ename: "
        )?;
        report.err.flush()?;
        let mut line = String::new();
        if report.answers.read_line(&mut line)? == 0 {
            writeln!(
                report.err,
                " NULL\n(EOF or read error, treating as \"[N]one\" ...)"
            )?;
            report.raise(status::WARN);
            return Ok(Answer::None);
        }
        match line.trim_end_matches('\n').chars().next() {
            Some('y') => return Ok(Answer::Yes),
            Some('n') => return Ok(Answer::No),
            Some('A') => return Ok(Answer::All),
            Some('N') => return Ok(Answer::None),
            Some('r') => {
                // An empty name is asked for again (extract.c's
                // `do ... while (G.filename[0] == '\0')`).
                loop {
                    write!(report.err, "new name: ")?;
                    report.err.flush()?;
                    let mut name = String::new();
                    if report.answers.read_line(&mut name)? == 0 {
                        return Ok(Answer::None);
                    }
                    let name = name.trim_end_matches('\n');
                    if !name.is_empty() {
                        return Ok(Answer::Rename(name.into()));
                    }
                }
            }
            _ => writeln!(report.err, "error:  invalid response [{}]", line.trim_end())?,
        }
    }
}

fn set_mtime<F: FnOnce(std::fs::FileTimes) -> io::Result<()>>(
    secs: Option<i64>,
    set: F,
) -> io::Result<()> {
    let Some(secs) = secs else {
        return Ok(());
    };
    let when = if secs >= 0 {
        std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs as u64)
    } else {
        std::time::UNIX_EPOCH - std::time::Duration::from_secs(secs.unsigned_abs())
    };
    set(std::fs::FileTimes::new()
        .set_modified(when)
        .set_accessed(when))
}

fn extract<R: Target, Z: Read + Seek>(
    zip: &mut zip::ZipArchive<Z>,
    entries: &[Entry],
    options: &Options,
    dir: &Dir<R>,
    umask: u32,
    report: &mut Report<'_>,
) -> io::Result<()> {
    let quiet = options.quiet > 0;
    let exdir = options.exdir.as_deref();
    let mut overwrite = options.overwrite;
    // Open handles of the directories files went into, by path: archives
    // list a directory's files together, or interleave a few directories.
    let mut parents: Vec<(Vec<OsString>, Option<Dir<R>>)> = Vec::new();
    // Links: (parts, target, shown), created at the end; placeholders meanwhile.
    let mut links: Vec<(Vec<OsString>, Vec<u8>, String)> = Vec::new();
    // Directories' attributes, set at the end: (parts, mode, mtime).
    let mut dirs: Vec<(Vec<OsString>, Option<u32>, Option<i64>)> = Vec::new();
    'entries: for e in entries {
        if !readable(e, options, report)? {
            continue;
        }
        let raw = shown_name(&e.raw);
        let cleaned = clean_name(&e.raw);
        if cleaned.unconvertible {
            report.out.flush()?;
            writeln!(report.err, "mapname:  conversion of {raw} failed")?;
            report.raise(status::ERR);
            continue;
        }
        if cleaned.skipped_parent {
            writeln!(
                report.out,
                "warning:  skipped \"../\" path component(s) in {raw}"
            )?;
            report.raise(status::WARN);
        }
        if cleaned.stripped_absolute {
            report.out.flush()?;
            writeln!(
                report.err,
                "warning:  stripped absolute path spec from {raw}"
            )?;
            report.raise(status::WARN);
        }
        let mut parts = cleaned.parts;
        if parts.is_empty() {
            continue;
        }
        let is_dir =
            e.is_dir || cleaned.trailing_slash || e.mode.is_some_and(|m| m & S_IFMT == S_IFDIR);
        let name = shown(exdir, &parts, is_dir);
        let perm = e.mode.filter(|m| m & 0o777 != 0).map(|m| m & 0o777);
        if is_dir {
            // Info-ZIP says nothing of, and leaves alone, a directory that
            // is already there.
            let existed = match parts.split_last() {
                Some((last, up)) => walk_existing(dir, up)
                    .is_some_and(|d| d.as_ref().unwrap_or(dir).symlink_metadata(last).is_ok()),
                None => true,
            };
            if !quiet && !existed {
                writeln!(report.out, "   creating: {name}")?;
            }
            match walk(dir, &parts) {
                Ok(_) if existed => {}
                Ok(_) => dirs.push((parts, perm, entry_time(e))),
                Err((i, err)) => checkdir(report, exdir, &parts[..=i], &name, &err)?,
            }
            continue;
        }
        let last = parts.pop().expect("a name");
        let known = match parents.iter().position(|(p, _)| *p == parts) {
            Some(i) => i,
            None => match walk(dir, &parts) {
                Ok(handle) => {
                    // A bounded number of descriptors: forget the oldest.
                    if parents.len() == PARENTS {
                        parents.remove(0);
                    }
                    parents.push((parts.clone(), handle));
                    parents.len() - 1
                }
                Err((i, err)) => {
                    parts.push(last);
                    checkdir(report, exdir, &parts[..=i], &name, &err)?;
                    continue;
                }
            },
        };
        let here = parents[known].1.as_ref().unwrap_or(dir);
        let mode = perm.unwrap_or(0o666 & !umask);
        let mtime = entry_time(e);
        if !e.is_link {
            // A new name: written in place, created exclusively (nothing
            // there can be lost); removed again if the entry fails.
            let created = here.open_with(
                &last,
                OpenOptions::new().write(true).create_new(true).mode(0o666),
            );
            match created {
                Ok(mut file) => {
                    if !quiet {
                        write!(report.out, "{}: {}  ", verb(e), pad(&name))?;
                    }
                    let done = (|| {
                        copy_entry(zip, e, &mut file)?;
                        use std::os::unix::fs::PermissionsExt;
                        file.set_permissions(std::fs::Permissions::from_mode(mode))?;
                        set_mtime(mtime, |t| file.set_times(t))
                    })();
                    if let Err(err) = done {
                        drop(file);
                        let _ = here.remove_file(&last);
                        bad_entry(report, quiet, &name, e.method, &err)?;
                    } else if !quiet {
                        writeln!(report.out)?;
                    }
                    continue;
                }
                Err(err) if err.kind() == io::ErrorKind::AlreadyExists => {}
                Err(err) => {
                    output_error(report, &name, &err)?;
                    continue;
                }
            }
        }
        // A name typed at `[r]ename` is asked about in turn when it exists
        // too, as Info-ZIP does (extract.c: `goto startover`), so that an
        // existing file is only replaced when a `y` or `A` says so.
        let mut target_name = last.clone();
        let mut asked_about = name.clone();
        while let Ok(meta) = here.symlink_metadata(&target_name) {
            let choice = match overwrite {
                Overwrite::Always => Answer::Yes,
                Overwrite::Never => Answer::No,
                Overwrite::Ask => ask(report, &asked_about)?,
            };
            match choice {
                Answer::Yes => {}
                Answer::All => overwrite = Overwrite::Always,
                Answer::No | Answer::None => {
                    if matches!(choice, Answer::None) {
                        overwrite = Overwrite::Never;
                    }
                    if e.is_link && meta.file_type().is_symlink() {
                        writeln!(report.out, "{asked_about} exists and is a symbolic link.")?;
                    }
                    continue 'entries;
                }
                Answer::Rename(new) => {
                    asked_about = new.to_string_lossy().into_owned();
                    target_name = new;
                    continue;
                }
            }
            if meta.is_dir() {
                checkdir(
                    report,
                    exdir,
                    &[],
                    &asked_about,
                    &io::Error::from_raw_os_error(libc::EISDIR),
                )?;
                continue 'entries;
            }
            break;
        }
        // Info-ZIP names the entry by the name it goes to from here on.
        let name = asked_about;
        if e.is_link {
            let mut target = Vec::new();
            if let Err(err) = copy_entry(zip, e, &mut target) {
                entry_error(report, &name, &err)?;
                continue;
            }
            if !quiet {
                writeln!(
                    report.out,
                    "    linking: {}  -> {} ",
                    pad(&name),
                    String::from_utf8_lossy(&target)
                )?;
            }
            // A placeholder holds the name until the end (Info-ZIP's
            // deferred links), so no later entry goes through the link.
            let placed = replace(
                here,
                Path::new(&target_name),
                Some(0o600),
                |_| Ok(()),
                |_| Ok(()),
            );
            if let Err(err) = placed {
                output_error(report, &name, &err)?;
                continue;
            }
            parts.push(target_name);
            links.push((parts, target, name));
            continue;
        }
        if !quiet {
            write!(report.out, "{}: {}  ", verb(e), pad(&name))?;
        }
        let written = replace(
            here,
            Path::new(&target_name),
            Some(mode),
            |file: &mut File<R>| copy_entry(zip, e, file),
            |file| set_mtime(mtime, |t| file.set_times(t)),
        );
        match written {
            Err(err) => bad_entry(report, quiet, &name, e.method, &err)?,
            Ok(_) if !quiet => writeln!(report.out)?,
            Ok(_) => {}
        }
    }
    if !links.is_empty() {
        if !quiet {
            writeln!(report.out, "finishing deferred symbolic links:")?;
        }
        for (mut parts, target, name) in links {
            let last = parts.pop().expect("a name");
            if !quiet {
                writeln!(
                    report.out,
                    "  {} -> {}",
                    pad(&name),
                    String::from_utf8_lossy(&target)
                )?;
            }
            let made = walk(dir, &parts).map_err(|(_, e)| e).and_then(|parent| {
                let here = parent.as_ref().unwrap_or(dir);
                here.remove_file(&last)?;
                here.symlink(OsStr::from_bytes(&target), &last)
            });
            if let Err(err) = made {
                entry_error(report, &name, &err)?;
            }
        }
    }
    // Deepest first, so that setting a parent's time comes last.
    dirs.sort_by_key(|(parts, ..)| std::cmp::Reverse(parts.len()));
    for (parts, perm, mtime) in dirs {
        let Ok(Some(d)) = walk(dir, &parts) else {
            continue;
        };
        let mode = perm.unwrap_or(0o777 & !umask);
        use std::os::unix::fs::PermissionsExt;
        let _ = d.set_permissions(std::fs::Permissions::from_mode(mode));
        let _ = set_mtime(mtime, |t| d.set_times(t));
    }
    Ok(())
}

/// How many directory handles extraction keeps open.
const PARENTS: usize = 128;

/// Info-ZIP's word for extracting an entry.
fn verb(e: &Entry) -> &'static str {
    if e.method == zip::CompressionMethod::Stored {
        " extracting"
    } else if e.method == zip::CompressionMethod::BZIP2 {
        " bunzipping"
    } else {
        "  inflating"
    }
}

/// Info-ZIP's word for undoing a method, in its error messages.
fn undo(method: zip::CompressionMethod) -> &'static str {
    if method == zip::CompressionMethod::BZIP2 {
        "bunzip"
    } else {
        "inflate"
    }
}

fn checkdir(
    report: &mut Report<'_>,
    exdir: Option<&OsStr>,
    path: &[OsString],
    name: &str,
    err: &io::Error,
) -> io::Result<()> {
    report.out.flush()?;
    let blocking = shown(exdir, path, false);
    match err.raw_os_error() {
        Some(libc::ENOTDIR | libc::ELOOP) => {
            writeln!(report.err, "checkdir error:  {blocking} exists but is not directory\n                 unable to process {name}.")?
        }
        _ => writeln!(report.err, "checkdir error:  cannot create {blocking}\n                 {}\n                 unable to process {name}.", crate::os_error(err))?,
    }
    report.raise(status::ERR);
    Ok(())
}

/// An entry that failed while it was written: Info-ZIP's CRC or inflate
/// message on stderr after the unfinished `inflating:` line, or the OS
/// error.
fn bad_entry(
    report: &mut Report<'_>,
    quiet: bool,
    name: &str,
    method: zip::CompressionMethod,
    err: &io::Error,
) -> io::Result<()> {
    match entry_problem(err, method) {
        Some(line) => {
            report.out.flush()?;
            writeln!(report.err, "{line}")?;
            report.raise(status::ERR);
            Ok(())
        }
        None => {
            if !quiet {
                writeln!(report.out)?;
            }
            output_error(report, name, err)
        }
    }
}

/// An output file that could not be created or written (a name too long,
/// a read-only directory, a full disk): Info-ZIP's status is 50 for each,
/// not only for a full disk (extract.c: `open_outfile` failing returns
/// `PK_DISK`, as does a failed write).
fn output_error(report: &mut Report<'_>, name: &str, err: &io::Error) -> io::Result<()> {
    entry_error(report, name, err)?;
    report.raise(status::DISK);
    Ok(())
}

fn entry_error(report: &mut Report<'_>, name: &str, err: &io::Error) -> io::Result<()> {
    report.out.flush()?;
    writeln!(
        report.err,
        "error:  cannot create {name}\n        {}",
        crate::os_error(err)
    )?;
    report.raise(if err.raw_os_error() == Some(libc::ENOSPC) {
        status::DISK
    } else {
        status::ERR
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<Options, Exit> {
        Options::parse(s.split_whitespace().map(OsString::from))
    }

    #[test]
    fn options_as_info_zip_takes_them() {
        let o = parse("-o a.zip -d out").unwrap();
        assert_eq!(
            (o.archive.to_str(), o.exdir().to_str(), o.overwrite),
            (Some("a.zip"), Some("out"), Overwrite::Always)
        );
        let o = parse("-qq -n a.zip 'x*' y -x z -d o").unwrap();
        assert_eq!(o.quiet, 2);
        assert_eq!(o.patterns.len(), 2);
        assert_eq!(o.excludes, vec![b"z".to_vec()]);
        assert_eq!(
            parse("-lt a.zip").map(|o| (o.list, o.test)),
            Ok((true, true))
        );
        assert_eq!(parse(""), Err(Exit::Usage(0)));
        assert_eq!(parse("-k a.zip"), Err(Exit::Usage(10)));
        assert!(matches!(parse("-d"), Err(Exit::Message(_))));
        assert_eq!(parse("a.zip").unwrap().exdir(), ".");
    }

    #[test]
    fn the_seek_buffer_reads_what_the_file_holds() {
        let data: Vec<u8> = (0..10_000u32).map(|i| (i * 7 % 251) as u8).collect();
        let mut r = SeekBuf::new(io::Cursor::new(data.clone()), 64);
        let mut got = [0u8; 10];
        for at in [0u64, 5, 60, 63, 64, 9_990, 100, 3_000, 2_990] {
            r.seek(io::SeekFrom::Start(at)).unwrap();
            let n = r.read(&mut got).unwrap();
            assert_eq!(&got[..n], &data[at as usize..at as usize + n], "at {at}");
            assert!(n > 0);
        }
        r.seek(io::SeekFrom::Start(100)).unwrap();
        let mut all = Vec::new();
        r.read_to_end(&mut all).unwrap();
        assert_eq!(all, &data[100..]);
        assert_eq!(r.stream_position().unwrap(), 10_000);
        assert_eq!(r.seek(io::SeekFrom::End(-10)).unwrap(), 9_990);
        let mut big = vec![0u8; 500];
        r.seek(io::SeekFrom::Start(10)).unwrap();
        r.read_exact(&mut big).unwrap();
        assert_eq!(big, &data[10..510]);
    }

    #[test]
    fn wildcards_match_whole_names_across_slashes() {
        assert!(matches(b"d/*", b"d/e/f.txt"));
        assert!(matches(b"*.txt", b"a/b.txt"));
        assert!(matches(b"?.txt", b"a.txt"));
        assert!(!matches(b"?.txt", b"ab.txt"));
        assert!(matches(b"[ab].txt", b"b.txt"));
        assert!(!matches(b"[!ab].txt", b"b.txt"));
        assert!(matches(b"[a-c]x", b"bx"));
        assert!(!matches(b"a", b"ab"));
        assert!(matches(b"a\\*", b"a*"));
    }

    #[test]
    fn names_are_cleaned_as_info_zip_cleans_them() {
        let c = clean_name(b"../evil.txt");
        assert!(c.skipped_parent && !c.stripped_absolute);
        assert_eq!(c.parts, [OsString::from("evil.txt")]);
        let c = clean_name(b"/abs/x");
        assert!(c.stripped_absolute);
        assert_eq!(c.parts, [OsString::from("abs"), OsString::from("x")]);
        assert_eq!(
            clean_name(b"ok/../../e3.txt").parts,
            [OsString::from("ok"), OsString::from("e3.txt")]
        );
        assert!(clean_name(b"d/").trailing_slash);
        // Control characters are dropped before `..` is looked for: none
        // can hide one.
        let c = clean_name(b".\x01./x\x1b.txt");
        assert!(c.skipped_parent && !c.unconvertible);
        assert_eq!(c.parts, [OsString::from("x.txt")]);
        assert!(clean_name(b"\x01").unconvertible);
        // A file's own name stays one: `d/..` is not the file `d`.
        assert!(clean_name(b"d/\x02").unconvertible);
        for (name, last) in [(&b"d/.."[..], "__"), (b"d/.", "_"), (b"d/.\x01.", "__")] {
            let c = clean_name(name);
            assert_eq!(c.parts, [OsString::from("d"), OsString::from(last)]);
            assert!(!c.skipped_parent && !c.unconvertible);
        }
        assert_eq!(clean_name(b"../..").parts, [OsString::from("__")]);
        assert!(!clean_name(b"./").unconvertible);
    }

    #[test]
    fn control_characters_are_shown_as_info_zip_shows_them() {
        assert_eq!(shown_name(b"a\x1b[31m\nb\x7f"), "a^[[31m^Jb\x7f");
    }
}
