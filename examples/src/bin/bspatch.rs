//! `bspatch OLD NEW PATCH`: applies a BSDIFF40 patch, sandboxed.
//!
//! Pattern: the classic Capsicum example, made safe for the user's data.
//! OLD and PATCH are read-only (`read`, `seek`, `fstat`); NEW is never
//! opened for writing: the patched bytes go to a temporary file in NEW's
//! directory, renamed over NEW only once they are complete and checked
//! (the directory's rights are exactly what that takes). So `bspatch f f
//! p` patches `f` in place, and a corrupt patch leaves no NEW (and an
//! existing NEW untouched). NEW's symbolic links are followed first, so
//! the file they lead to is replaced and the link stays; a NEW that is no
//! file to replace (`/dev/null`, a FIFO, `/dev/stdout` on a pipe) is
//! opened for writing and written once the result is complete. The patch, the untrusted input, is parsed
//! after the sandbox is entered. Messages and statuses are Debian's
//! bspatch's (`bspatch: Corrupt patch`, status 1).

use std::ffi::OsString;
use std::io::{Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::LazyLock;

use sandboxed::rights::{can, RightsMarker};
use sandboxed::{sandboxed, Dir, File};
use sandboxed_examples::{bspatch, os_error, replace};

/// `OLD NEW PATCH`, and where NEW goes.
struct Args {
    old: OsString,
    new: PathBuf,
    patch: OsString,
    /// NEW with its symbolic links followed, when the patched bytes
    /// replace a file there: its directory gets the temporary, its name
    /// the rename. `None` when NEW is written through instead.
    replaced: Option<PathBuf>,
    /// The directory of `replaced`.
    new_dir: Option<PathBuf>,
    /// NEW when it names no file to replace but a device, a FIFO or a
    /// socket (`/dev/null`, `/dev/stdout` on a pipe): opened for writing
    /// as Debian's bspatch opens it and written once the patched bytes
    /// are complete; renaming over it would replace the node itself.
    through: Option<PathBuf>,
    /// Why NEW can be neither replaced nor written through.
    refused: Option<String>,
}

/// bspatch(1) takes exactly three operands; anything else is its usage
/// line and status 1.
static ARGS: LazyLock<Args> = LazyLock::new(|| {
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    let [old, new, patch] = <[OsString; 3]>::try_from(args).unwrap_or_else(|_| {
        eprintln!("usage: bspatch oldfile newfile patchfile");
        std::process::exit(1)
    });
    let new = PathBuf::from(new);
    let mut args = Args {
        old,
        new: new.clone(),
        patch,
        replaced: None,
        new_dir: None,
        through: None,
        refused: None,
    };
    match std::fs::metadata(&new) {
        Ok(m) if !m.is_file() && !m.is_dir() => args.through = Some(new),
        seen => match follow_links(&new) {
            // A link to a regular file must lead to that very file (a
            // descriptor's link in /proc names a deleted file by a path
            // that no longer leads to it).
            Ok(target)
                if seen.as_ref().is_ok_and(|m| m.is_file())
                    && !std::fs::metadata(&target).is_ok_and(|t| {
                        sandboxed_examples::same_file(seen.as_ref().unwrap(), &t)
                    }) =>
            {
                args.refused = Some(format!(
                    "open({}): {} names no path to replace",
                    new.display(),
                    target.display()
                ))
            }
            Ok(target) => {
                args.new_dir = Some(match target.parent() {
                    Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
                    _ => PathBuf::from("."),
                });
                args.replaced = Some(target);
            }
            Err(e) => args.refused = Some(format!("open({}): {}", new.display(), os_error(&e))),
        },
    }
    args
});

/// `path` with its symbolic links followed, as open(2) follows them, up
/// to the name that is not a link (which may not exist: a dangling link
/// leads to the file it would create). The patched bytes replace that
/// name, never the link: `/dev/stdout` stays a link, and a link to OLD
/// leads to OLD, read in full before it is replaced.
fn follow_links(path: &Path) -> std::io::Result<PathBuf> {
    let mut path = path.to_owned();
    // Linux's limit on links followed in one lookup (path_resolution(7)).
    for _ in 0..40 {
        match std::fs::symlink_metadata(&path) {
            Ok(m) if m.file_type().is_symlink() => {
                let target = std::fs::read_link(&path)?;
                path = match path.parent() {
                    Some(dir) => dir.join(target),
                    None => target,
                };
            }
            _ => return Ok(path),
        }
    }
    Err(std::io::Error::from_raw_os_error(libc::ELOOP))
}

/// Debian's wording of the open failures: `fopen(PATCH)`, `open(NEW)`.
fn setup_failed(e: &sandboxed::Error) -> i32 {
    match e.preopen() {
        Some("patch") => eprintln!("bspatch: fopen({}): {}", show(&ARGS.patch), e.reason()),
        Some("old") => eprintln!("bspatch: open({}): {}", show(&ARGS.old), e.reason()),
        // Debian's opens the directory NEW names ("open NEW" when that
        // fails), then NEW in it ("open(NEW)"): a link leading into a
        // missing directory fails there.
        Some("new_dir") if ARGS.new.is_symlink() => {
            eprintln!("bspatch: open({}): {}", ARGS.new.display(), e.reason())
        }
        Some("new_dir") => eprintln!("bspatch: open {}: {}", ARGS.new.display(), e.reason()),
        Some("new_stream") => eprintln!("bspatch: open({}): {}", ARGS.new.display(), e.reason()),
        _ => eprintln!("bspatch: {e}"),
    }
    1
}

fn show(s: &OsString) -> String {
    s.to_string_lossy().into_owned()
}

/// Reads all of `file`, sized by fstat(2): one allocation, each page
/// touched once (reading to the end of an exactly-sized `Vec` would grow
/// it to probe for EOF).
fn slurp<R: RightsMarker + can::Read + can::Fstat>(mut file: File<R>) -> std::io::Result<Vec<u8>> {
    let len = usize::try_from(file.metadata()?.len())
        .map_err(|_| std::io::Error::from(std::io::ErrorKind::OutOfMemory))?;
    let mut data = Vec::new();
    data.try_reserve_exact(len)
        .map_err(|_| std::io::Error::from(std::io::ErrorKind::OutOfMemory))?;
    data.resize(len, 0);
    let mut filled = 0;
    while filled < len {
        match file.read(&mut data[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    data.truncate(filled);
    // The file may have grown since fstat: read the rest.
    file.read_to_end(&mut data)?;
    Ok(data)
}

#[sandboxed(
    preopen(
        // In Debian's order: the patch, OLD, then NEW's directory (or NEW
        // itself, when it is written through).
        patch = file({ &ARGS.patch }),
        old = file({ &ARGS.old }),
        new_dir = dir({ &ARGS.new_dir }),
        new_stream = file({ &ARGS.through }, write, truncate),
    ),
    rights(
        old = [read, seek, fstat],
        patch = [read, seek, fstat],
        // A temporary created, written, given NEW's mode, renamed over NEW
        // (or removed on failure); `fstatat` to see what NEW is now;
        // `seek`: a write-only open without O_APPEND needs it (rights(4)).
        new_dir = [lookup, create, write, seek, fchmod, fstatat, renameat_source, renameat_target, unlinkat],
        new_stream = [write, seek, fstat],
        stdio,
    ),
    on_setup_error = setup_failed,
)]
fn main(old: File, new_dir: Option<Dir>, new_stream: Option<File>, patch: File) -> ExitCode {
    sandboxed_examples::default_sigpipe();
    let fail = |message: String| {
        eprintln!("bspatch: {message}");
        ExitCode::FAILURE
    };
    let patch = match slurp(patch) {
        Ok(data) => data,
        Err(e) => return fail(format!("fread({}): {}", show(&ARGS.patch), os_error(&e))),
    };
    if bspatch::parse_header(&patch).is_err() {
        return fail("Corrupt patch".into());
    }
    let old = match slurp(old) {
        Ok(data) => data,
        Err(e) => return fail(format!("open({}): {}", show(&ARGS.old), os_error(&e))),
    };
    if let Some(why) = &ARGS.refused {
        return fail(why.clone());
    }
    let (new_dir, replaced) = match (new_dir, new_stream, &ARGS.replaced) {
        (Some(dir), _, Some(replaced)) => (dir, replaced),
        (_, Some(mut stream), _) => {
            // A stream cannot take bytes back: the whole of NEW is made
            // and checked before the first is written.
            let mut new = Vec::new();
            return match bspatch::apply(&old, &patch, &mut new) {
                Ok(_) => match stream.write_all(&new) {
                    Ok(()) => ExitCode::SUCCESS,
                    Err(e) => fail(format!("{}: {}", ARGS.new.display(), os_error(&e))),
                },
                Err(_) => fail("Corrupt patch".into()),
            };
        }
        _ => unreachable!("NEW is replaced, written through or refused"),
    };
    let Some(name) = replaced.file_name().map(Path::new) else {
        return fail(format!("open({}): Is a directory", ARGS.new.display()));
    };
    // An existing NEW keeps its permission bits, as open(2) with O_TRUNC
    // would keep them; a directory cannot be replaced.
    let mode = match new_dir.metadata(name) {
        Ok(m) if m.is_dir() => {
            return fail(format!("open({}): Is a directory", ARGS.new.display()))
        }
        Ok(m) => Some(m.permissions().mode() & 0o7777),
        Err(_) => None,
    };
    let mut corrupt = false;
    let written = replace::replace(
        &new_dir,
        name,
        mode,
        |new| {
            bspatch::apply(&old, &patch, &*new).map_err(|e| match e {
                bspatch::PatchError::Write(e) => e,
                _ => {
                    corrupt = true;
                    std::io::Error::other("corrupt patch")
                }
            })
        },
        |_| Ok(()),
    );
    match written {
        Ok(_) => ExitCode::SUCCESS,
        Err(_) if corrupt => fail("Corrupt patch".into()),
        Err(e) => fail(format!("write({}): {}", ARGS.new.display(), os_error(&e))),
    }
}
