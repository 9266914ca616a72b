//! unzip(1) into a preopened directory, with `*at()` calls only.
//!
//! Every entry name is checked before anything is created: absolute names,
//! `..` components, drive prefixes and NUL bytes are refused (the classic
//! "zip slip"). Symbolic links are created only when their target is
//! relative and has no `..` component, so a chain of links can only lead
//! deeper into DIR. These checks are the program's own; the sandbox is the
//! second wall: the directory handle is the only way to the file system
//! (Capsicum's `openat(2)` refuses `..` above it and absolute paths with
//! `ENOTCAPABLE`; on Linux, Landlock allows nothing outside it).

use std::ffi::OsString;
use std::fmt;
use std::io::{self, Read, Seek, Write};
use std::os::unix::ffi::OsStringExt;

use sandboxed::rights::can;
use sandboxed::rights::RightsMarker;
use sandboxed::{Dir, OpenOptions};

const S_IFMT: u32 = 0o170000;
const S_IFLNK: u32 = 0o120000;

/// The command line: `unzip ARCHIVE [-d DIR]` (`-d` may come first).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// The archive.
    pub archive: OsString,
    /// Where to extract (`.` without `-d`).
    pub dir: OsString,
}

impl Options {
    /// Parses `args` (without the program name).
    pub fn parse(args: impl IntoIterator<Item = OsString>) -> Result<Options, String> {
        let (mut archive, mut dir) = (None, None);
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            if arg == "-d" {
                let value = args.next().ok_or("option -d needs a directory")?;
                if dir.replace(value).is_some() {
                    return Err("option -d given twice".into());
                }
            } else if arg.to_str().is_some_and(|a| a.starts_with('-') && a != "-") {
                return Err(format!("unknown option {}", arg.to_string_lossy()));
            } else if archive.replace(arg).is_some() {
                return Err("more than one archive".into());
            }
        }
        Ok(Options {
            archive: archive.ok_or("missing archive")?,
            dir: dir.unwrap_or_else(|| ".".into()),
        })
    }

    /// [`Options::parse`] of this process's arguments; on a usage error,
    /// prints it and exits with status 10 (unzip's "invalid options").
    pub fn from_env() -> Options {
        Options::parse(std::env::args_os().skip(1)).unwrap_or_else(|e| {
            eprintln!("unzip: {e}\nusage: unzip ARCHIVE [-d DIR]");
            std::process::exit(10)
        })
    }
}

/// Why an entry is not extracted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refused {
    /// An empty name.
    Empty,
    /// A name starting with `/` or a drive letter.
    Absolute,
    /// A `..` component.
    Parent,
    /// A NUL byte.
    Nul,
    /// A link whose target is absolute or climbs with `..`.
    LinkOutside(String),
}

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refused::Empty => f.write_str("empty name"),
            Refused::Absolute => f.write_str("absolute path"),
            Refused::Parent => f.write_str("path climbs out with `..`"),
            Refused::Nul => f.write_str("NUL byte in name"),
            Refused::LinkOutside(t) => {
                write!(f, "symbolic link to {t:?} could leave the directory")
            }
        }
    }
}

/// The components of an entry name, or why it is refused. Both `/` and `\`
/// separate components (archives made on Windows use `\`); `.` and empty
/// components are dropped.
pub fn components(name: &[u8]) -> Result<Vec<OsString>, Refused> {
    if name.contains(&0) {
        return Err(Refused::Nul);
    }
    if name.first().is_some_and(|c| *c == b'/' || *c == b'\\')
        || (name.len() >= 2 && name[1] == b':' && name[0].is_ascii_alphabetic())
    {
        return Err(Refused::Absolute);
    }
    let mut parts = Vec::new();
    for part in name.split(|c| *c == b'/' || *c == b'\\') {
        match part {
            b"" | b"." => {}
            b".." => return Err(Refused::Parent),
            part => parts.push(OsString::from_vec(part.to_vec())),
        }
    }
    if parts.is_empty() {
        return Err(Refused::Empty);
    }
    Ok(parts)
}

/// Checks a symbolic link's target: relative, no `..`.
pub fn link_target(target: &[u8]) -> Result<OsString, Refused> {
    let outside = || Refused::LinkOutside(String::from_utf8_lossy(target).into_owned());
    match components(target) {
        Ok(_) if !target.contains(&b'\\') => Ok(OsString::from_vec(target.to_vec())),
        Err(Refused::Nul) => Err(Refused::Nul),
        _ => Err(outside()),
    }
}

/// What an extraction did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Entries written (files, directories, links).
    pub extracted: usize,
    /// Entries refused, with the reason already reported.
    pub refused: usize,
}

/// The rights the extraction needs on the directory.
pub trait Target:
    RightsMarker + can::Lookup + can::Mkdirat + can::Symlinkat + can::Create + can::Write
{
}
impl<R: RightsMarker + can::Lookup + can::Mkdirat + can::Symlinkat + can::Create + can::Write>
    Target for R
{
}

fn mkdir<R: Target>(dir: &Dir<R>, name: &OsString) -> io::Result<()> {
    match dir.create_dir(name) {
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(()),
        other => other,
    }
}

/// Extracts `archive` into `dir`, reporting each entry on `log` as unzip
/// does (`  inflating: a/b`) and each refusal on `warn`. A refused entry is
/// skipped; a failing one stops the extraction.
pub fn extract<R: Target>(
    archive: impl Read + Seek,
    dir: &Dir<R>,
    log: &mut impl Write,
    warn: &mut impl Write,
) -> zip::result::ZipResult<Summary> {
    let mut zip = zip::ZipArchive::new(archive)?;
    let mut summary = Summary::default();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i)?;
        let shown = String::from_utf8_lossy(entry.name_raw()).into_owned();
        let mode = entry.unix_mode().unwrap_or(0);
        let is_link = mode & S_IFMT == S_IFLNK;
        let checked = components(entry.name_raw()).and_then(|parts| {
            if !is_link {
                return Ok((parts, None));
            }
            let mut target = Vec::new();
            // A link's target is its content; 4 KiB is PATH_MAX.
            (&mut entry)
                .take(4096)
                .read_to_end(&mut target)
                .map_err(|_| Refused::Empty)?;
            Ok((parts, Some(link_target(&target)?)))
        });
        let (mut parts, link) = match checked {
            Ok(ok) => ok,
            Err(why) => {
                writeln!(warn, "unzip: skipping {shown:?}: {why}")?;
                summary.refused += 1;
                continue;
            }
        };
        let last = parts.pop().expect("at least one component");
        // Walk down, creating each parent, with openat(2) beneath `dir`.
        let mut parent: Option<Dir<R>> = None;
        for part in &parts {
            let here = parent.as_ref().unwrap_or(dir);
            mkdir(here, part)?;
            parent = Some(here.open_dir(part)?);
        }
        let here = parent.as_ref().unwrap_or(dir);
        if let Some(target) = link {
            writeln!(log, "    linking: {shown} -> {}", target.to_string_lossy())?;
            here.symlink(&target, &last)?;
        } else if entry.is_dir() {
            writeln!(log, "   creating: {shown}")?;
            mkdir(here, &last)?;
        } else {
            writeln!(log, "  inflating: {shown}")?;
            // Permission bits only: set-id and sticky bits are dropped,
            // as unzip does without -K.
            let perm = if mode & 0o777 != 0 {
                mode & 0o777
            } else {
                0o644
            };
            let mut file = here.open_with(
                &last,
                OpenOptions::new()
                    .write(true)
                    .create(true)
                    .truncate(true)
                    .mode(perm),
            )?;
            io::copy(&mut entry, &mut file)?;
        }
        summary.extracted += 1;
    }
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(name: &str) -> Result<Vec<String>, Refused> {
        components(name.as_bytes())
            .map(|v| v.into_iter().map(|s| s.into_string().unwrap()).collect())
    }

    #[test]
    fn options_in_either_order() {
        let parse = |s: &str| Options::parse(s.split_whitespace().map(OsString::from));
        let o = parse("a.zip -d out").unwrap();
        assert_eq!(
            (o.archive.to_str(), o.dir.to_str()),
            (Some("a.zip"), Some("out"))
        );
        let o = parse("-d out a.zip").unwrap();
        assert_eq!(
            (o.archive.to_str(), o.dir.to_str()),
            (Some("a.zip"), Some("out"))
        );
        assert_eq!(parse("a.zip").unwrap().dir, ".");
        assert!(parse("-d out").is_err());
        assert!(parse("a.zip -d").is_err());
        assert!(parse("a.zip b.zip").is_err());
        assert!(parse("-x a.zip").is_err());
    }

    #[test]
    fn ordinary_names_split_into_components() {
        assert_eq!(parts("a/b/c.txt").unwrap(), ["a", "b", "c.txt"]);
        assert_eq!(parts("./a//b/").unwrap(), ["a", "b"]);
        assert_eq!(parts("dir\\file").unwrap(), ["dir", "file"]);
        assert_eq!(parts("..foo/bar..").unwrap(), ["..foo", "bar.."]);
    }

    #[test]
    fn escaping_names_are_refused() {
        assert_eq!(parts("../evil"), Err(Refused::Parent));
        assert_eq!(parts("a/../../evil"), Err(Refused::Parent));
        assert_eq!(parts("a\\..\\..\\evil"), Err(Refused::Parent));
        assert_eq!(parts("/etc/passwd"), Err(Refused::Absolute));
        assert_eq!(parts("\\evil"), Err(Refused::Absolute));
        assert_eq!(parts("C:/evil"), Err(Refused::Absolute));
        assert_eq!(parts("a\0b"), Err(Refused::Nul));
        assert_eq!(parts(""), Err(Refused::Empty));
        assert_eq!(parts("./"), Err(Refused::Empty));
    }

    #[test]
    fn links_may_only_point_down() {
        assert!(link_target(b"sub/file").is_ok());
        assert!(link_target(b"file").is_ok());
        for bad in [&b"../x"[..], b"/etc", b"a/../../x", b"..", b"", b"a\\..\\x"] {
            assert!(
                matches!(link_target(bad), Err(Refused::LinkOutside(_))),
                "{bad:?}"
            );
        }
    }
}
