//! The handle operations of `Dir` and `File` inside the real sandbox:
//! `handles_probe DIR` enters it with DIR preopened, then creates a
//! temporary with `create_new`, sets its mode and times on the handle
//! (fchmod(2), futimens(2)), renames it over an existing file, reads the
//! result's metadata as std's `Metadata` (`symlink_metadata`), walks with
//! `O_NOFOLLOW`, and the path forms `set_times_at` and
//! `set_permissions_at`. Prints one `name: ok` or `name: ERRNO` line each.

use std::io::Write;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::time::{Duration, UNIX_EPOCH};

use sandboxed::{sandboxed, Dir};

fn show<T>(what: &str, r: std::io::Result<T>) -> Option<T> {
    match r {
        Ok(v) => {
            println!("{what}: ok");
            Some(v)
        }
        Err(e) => {
            println!("{what}: {}", e.raw_os_error().unwrap_or(-1));
            None
        }
    }
}

#[sandboxed(
    preopen(dir = dir(arg(1))),
    rights(
        dir = [lookup, read, write, seek, create, fstatat, fchmod, futimes, futimesat, fchmodat,
               renameat_source, renameat_target, unlinkat],
        stdio,
    ),
)]
fn main(dir: Dir) {
    let when = UNIX_EPOCH + Duration::from_secs(1_000_000_000);
    if let Some(mut tmp) = show("create_new", dir.create_new("new.tmp")) {
        show("write", tmp.write_all(b"new\n"));
        show(
            "set_permissions",
            tmp.set_permissions(std::fs::Permissions::from_mode(0o640)),
        );
        show(
            "set_times",
            tmp.set_times(std::fs::FileTimes::new().set_modified(when)),
        );
    }
    show("create_new existing", dir.create_new("target"));
    show("rename", dir.rename("new.tmp", &dir, "target"));
    if let Some(m) = show("symlink_metadata", dir.symlink_metadata("target")) {
        println!(
            "mode {:o} mtime {} len {}",
            m.mode() & 0o7777,
            m.mtime(),
            m.len()
        );
    }
    if let Some(m) = show("symlink_metadata link", dir.symlink_metadata("link")) {
        println!("link is symlink {}", m.file_type().is_symlink());
    }
    show("open_dir_nofollow sub", dir.open_dir_nofollow("sub"));
    show("open_dir_nofollow link", dir.open_dir_nofollow("link"));
    show(
        "set_times_at",
        dir.set_times_at("target", None, Some(when), true),
    );
    show(
        "set_permissions_at",
        dir.set_permissions_at("target", std::fs::Permissions::from_mode(0o600)),
    );
    if let Some(sub) = show("open_dir sub", dir.open_dir("sub")) {
        show(
            "dir set_times",
            sub.set_times(std::fs::FileTimes::new().set_modified(when)),
        );
        show(
            "dir set_permissions",
            sub.set_permissions(std::fs::Permissions::from_mode(0o700)),
        );
    }
}
