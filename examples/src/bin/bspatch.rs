//! `bspatch OLD NEW PATCH`: applies a BSDIFF40 patch, sandboxed.
//!
//! Pattern: the classic Capsicum example, made safe for the user's data.
//! OLD and PATCH are read-only (`read`, `seek`, `fstat`); NEW is never
//! opened for writing: the patched bytes go to a temporary file in NEW's
//! directory, renamed over NEW only once they are complete and checked
//! (the directory's rights are exactly what that takes). So `bspatch f f
//! p` patches `f` in place, and a corrupt patch leaves no NEW (and an
//! existing NEW untouched). The patch, the untrusted input, is parsed
//! after the sandbox is entered. Messages and statuses are Debian's
//! bspatch's (`bspatch: Corrupt patch`, status 1).

use std::ffi::OsString;
use std::io::Read;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::LazyLock;

use sandboxed::rights::{can, RightsMarker};
use sandboxed::{sandboxed, Dir, File};
use sandboxed_examples::{bspatch, os_error, replace};

/// `OLD NEW PATCH`, and NEW split into its directory and name.
struct Args {
    old: OsString,
    new: PathBuf,
    patch: OsString,
    new_dir: PathBuf,
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
    let new_dir = match new.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    Args {
        old,
        new,
        patch,
        new_dir,
    }
});

/// Debian's wording of the open failures: `fopen(PATCH)`, `open(NEW)`.
fn setup_failed(e: &sandboxed::Error) -> i32 {
    match e.preopen() {
        Some("patch") => eprintln!("bspatch: fopen({}): {}", show(&ARGS.patch), e.reason()),
        Some("old") => eprintln!("bspatch: open({}): {}", show(&ARGS.old), e.reason()),
        // Debian's words when NEW's directory is missing.
        Some("new_dir") => eprintln!("bspatch: open {}: {}", ARGS.new.display(), e.reason()),
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
        // In Debian's order: the patch, OLD, then NEW's directory.
        patch = file({ &ARGS.patch }),
        old = file({ &ARGS.old }),
        new_dir = dir({ &ARGS.new_dir }),
    ),
    rights(
        old = [read, seek, fstat],
        patch = [read, seek, fstat],
        // A temporary created, written, given NEW's mode, renamed over NEW
        // (or removed on failure); `fstatat` to see what NEW is now;
        // `seek`: a write-only open without O_APPEND needs it (rights(4)).
        new_dir = [lookup, create, write, seek, fchmod, fstatat, renameat_source, renameat_target, unlinkat],
        stdio,
    ),
    on_setup_error = setup_failed,
)]
fn main(old: File, new_dir: Dir, patch: File) -> ExitCode {
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
    let Some(name) = ARGS.new.file_name().map(Path::new) else {
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
