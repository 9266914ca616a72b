//! Writing an output without ever losing the old one: the new content goes
//! to a temporary file beneath the output's directory, which is renamed
//! over the output (renameat(2), atomic) only once it is complete. On any
//! failure the temporary is removed and the output is as it was.

use std::hash::{BuildHasher, Hasher};
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use sandboxed::rights::{can, RightsMarker};
use sandboxed::{Dir, File, OpenOptions};

/// The rights [`replace`] needs on the directory: create and write the
/// temporary, set its mode, rename it over the output, remove it on failure.
pub trait Replace:
    RightsMarker
    + can::Lookup
    + can::Create
    + can::Write
    + can::Fchmod
    + can::RenameatSource
    + can::RenameatTarget
    + can::Unlinkat
{
}

impl<R> Replace for R where
    R: RightsMarker
        + can::Lookup
        + can::Create
        + can::Write
        + can::Fchmod
        + can::RenameatSource
        + can::RenameatTarget
        + can::Unlinkat
{
}

/// A name for a temporary beside `name` (in its directory, when `name`
/// has several components): hidden, random, unlikely to collide (and
/// `O_EXCL` refuses a collision anyway).
fn temporary_name(name: &Path) -> std::ffi::OsString {
    // std's RandomState is seeded from the OS's random source once per
    // process and differs per instance.
    let random = std::collections::hash_map::RandomState::new()
        .build_hasher()
        .finish();
    let suffix = format!(".{random:016x}.tmp");
    let bytes = name.as_os_str().as_bytes();
    let (parent, last) = match memchr::memrchr(b'/', bytes) {
        Some(i) => bytes.split_at(i + 1),
        None => (&bytes[..0], bytes),
    };
    // A name may be as long as NAME_MAX (255 bytes on Linux and FreeBSD);
    // the temporary keeps only as much of it as fits beside the dot and
    // the suffix, or replacing a long name would fail with ENAMETOOLONG.
    let kept = &last[..last.len().min(255 - 1 - suffix.len())];
    let mut tmp = std::ffi::OsString::from(std::ffi::OsStr::from_bytes(parent));
    tmp.push(".");
    tmp.push(std::ffi::OsStr::from_bytes(kept));
    tmp.push(suffix);
    tmp
}

/// Writes `name` beneath `dir` through `write`, replacing what is there
/// only if `write` succeeds. `mode` sets the permission bits exactly
/// (fchmod(2), no umask); `None` leaves those of a new file (`0o666` less
/// the umask, as open(2) with `O_CREAT` gives). `finish` runs on the
/// complete temporary before the rename (set times, say).
pub fn replace<R: Replace, T>(
    dir: &Dir<R>,
    name: &Path,
    mode: Option<u32>,
    write: impl FnOnce(&mut File<R>) -> io::Result<T>,
    finish: impl FnOnce(&File<R>) -> io::Result<()>,
) -> io::Result<T> {
    let (tmp, mut file) = loop {
        let tmp = temporary_name(name);
        match dir.open_with(
            &tmp,
            OpenOptions::new().write(true).create_new(true).mode(0o666),
        ) {
            Ok(file) => break (tmp, file),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    };
    let done = (|| {
        let value = write(&mut file)?;
        if let Some(mode) = mode {
            use std::os::unix::fs::PermissionsExt;
            file.set_permissions(std::fs::Permissions::from_mode(mode))?;
        }
        finish(&file)?;
        drop(file);
        dir.rename(&tmp, dir, name)?;
        Ok(value)
    })();
    if done.is_err() {
        let _ = dir.remove_file(&tmp);
    }
    done
}
