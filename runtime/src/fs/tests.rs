//! The handle operations outside any sandbox (the kernel's answers,
//! compared with std's own functions); inside it, the example tools'
//! tests exercise them (unzip restores modes and times, bspatch and
//! unzip rename temporaries over their outputs).
use super::*;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

enum Every {}
impl RightsMarker for Every {
    const RIGHTS: RightSet = RightSet::EMPTY;
    const NAME: &'static str = "every";
}
macro_rules! grant {
    ($($can:ident)*) => { $(impl can::$can for Every {})* };
}
grant!(Read Write Seek Lookup Create Ftruncate Fstat Fstatat Futimes Futimesat Fchmod Fchmodat
    RenameatSource RenameatTarget Unlinkat Mkdirat Symlinkat);

fn dir(path: &Path) -> Dir<Every> {
    Dir::from_owned(std::fs::File::open(path).unwrap().into())
}

#[test]
fn rename_replaces_the_target_atomically_and_moves_across_directories() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("new.tmp"), "new").unwrap();
    std::fs::write(tmp.path().join("target"), "old").unwrap();
    let d = dir(tmp.path());
    d.rename("new.tmp", &d, "target").unwrap();
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("target")).unwrap(),
        "new"
    );
    assert!(!tmp.path().join("new.tmp").exists());
    std::fs::create_dir(tmp.path().join("sub")).unwrap();
    let sub = d.open_dir("sub").unwrap();
    d.rename("target", &sub, "moved").unwrap();
    assert!(tmp.path().join("sub/moved").exists());
    let e = d.rename("absent", &d, "x").unwrap_err();
    assert_eq!(e.kind(), io::ErrorKind::NotFound);
}

#[test]
fn times_and_permissions_on_handles_are_set_as_given_without_umask() {
    let tmp = tempfile::tempdir().unwrap();
    let d = dir(tmp.path());
    let f = d.create_new("f").unwrap();
    let when = UNIX_EPOCH + Duration::from_secs(1_000_000_000);
    f.set_times(
        std::fs::FileTimes::new()
            .set_modified(when)
            .set_accessed(when),
    )
    .unwrap();
    f.set_permissions(std::fs::Permissions::from_mode(0o777))
        .unwrap();
    let m = std::fs::metadata(tmp.path().join("f")).unwrap();
    assert_eq!(m.modified().unwrap(), when);
    assert_eq!(m.permissions().mode() & 0o7777, 0o777);
    assert_eq!(
        d.create_new("f").unwrap_err().kind(),
        io::ErrorKind::AlreadyExists
    );

    d.set_times(std::fs::FileTimes::new().set_modified(when))
        .unwrap();
    d.set_permissions(std::fs::Permissions::from_mode(0o750))
        .unwrap();
    let m = std::fs::metadata(tmp.path()).unwrap();
    assert_eq!((m.modified().unwrap(), m.mode() & 0o7777), (when, 0o750));
    d.set_permissions(std::fs::Permissions::from_mode(0o755))
        .unwrap();
}

#[test]
fn the_at_forms_set_times_and_modes_beneath_the_directory() {
    let tmp = file_and_link("x");
    let d = dir(tmp.path());
    let early = UNIX_EPOCH - Duration::from_millis(1500);
    d.set_times_at("f", None, Some(early), true).unwrap();
    assert_eq!(modified(&tmp.path().join("f")), early);
    let later = UNIX_EPOCH + Duration::from_secs(7);
    d.set_times_at("link", None, Some(later), false).unwrap();
    let link = std::fs::symlink_metadata(tmp.path().join("link")).unwrap();
    assert_eq!(link.modified().unwrap(), later);
    assert_eq!(modified(&tmp.path().join("f")), early);
    d.set_permissions_at("f", std::fs::Permissions::from_mode(0o604))
        .unwrap();
    let m = std::fs::metadata(tmp.path().join("f")).unwrap();
    assert_eq!(m.mode() & 0o7777, 0o604);
    let _ = SystemTime::now();
}

#[test]
fn symlink_metadata_is_std_metadata_of_the_link_itself() {
    let tmp = file_and_link("four");
    let d = dir(tmp.path());
    let link = d.symlink_metadata("link").unwrap();
    let want = std::fs::symlink_metadata(tmp.path().join("link")).unwrap();
    assert!(link.file_type().is_symlink());
    assert_eq!((link.ino(), link.dev()), (want.ino(), want.dev()));
    let followed = d.metadata("link").unwrap();
    assert!(followed.is_file());
    assert_eq!(followed.len(), 4);
    assert_eq!(
        d.symlink_metadata("absent").unwrap_err().kind(),
        io::ErrorKind::NotFound
    );
}

#[test]
fn nofollow_refuses_a_final_symbolic_link() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join("real")).unwrap();
    std::os::unix::fs::symlink("real", tmp.path().join("link")).unwrap();
    let d = dir(tmp.path());
    assert!(d.open_dir("link").is_ok());
    assert!(d.open_dir_nofollow("real").is_ok());
    assert!(d.open_dir_nofollow("link").is_err());
    std::os::unix::fs::symlink("real/../f", tmp.path().join("flink")).unwrap();
    let e = d
        .open_with(
            "flink",
            OpenOptions::new().write(true).create(true).nofollow(true),
        )
        .unwrap_err();
    assert_eq!(e.raw_os_error(), Some(libc::ELOOP));
    assert!(!tmp.path().join("f").exists());
}

/// A temporary directory holding the file `f` (`text`) and `link`, a
/// symlink to it.
fn file_and_link(text: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("f"), text).unwrap();
    std::os::unix::fs::symlink("f", tmp.path().join("link")).unwrap();
    tmp
}

/// The modification time of `path` (followed).
fn modified(path: &Path) -> SystemTime {
    std::fs::metadata(path).unwrap().modified().unwrap()
}
