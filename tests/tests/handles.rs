//! `Dir` and `File` operations in the real sandbox (`handles_probe`):
//! what is declared works, the path forms `set_times_at` /
//! `set_permissions_at` included (Capsicum allows them with `futimesat` /
//! `fchmodat`; on Linux, where Landlock does not mediate them, the
//! supervisor walks them).

use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;
use std::process::Command;

#[test]
fn handle_operations_inside_the_sandbox() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("target"), "old\n").unwrap();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    std::os::unix::fs::symlink("sub", dir.path().join("link")).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_handles_probe"))
        .arg(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    if stderr.contains("this system cannot enforce the sandbox") {
        eprintln!("skipped: {}", stderr.trim());
        return;
    }
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    let seen: BTreeMap<&str, &str> = text.lines().filter_map(|l| l.split_once(": ")).collect();
    for op in [
        "create_new",
        "write",
        "set_permissions",
        "set_times",
        "rename",
        "symlink_metadata",
        "symlink_metadata link",
        "open_dir_nofollow sub",
        "open_dir sub",
        "dir set_times",
        "dir set_permissions",
    ] {
        assert_eq!(seen.get(op), Some(&"ok"), "{op}: {text}");
    }
    let errno = |e: i32| e.to_string();
    assert_eq!(seen["create_new existing"], errno(libc::EEXIST));
    assert!(
        [errno(libc::ELOOP), errno(libc::ENOTDIR)]
            .contains(&seen["open_dir_nofollow link"].to_owned()),
        "{text}"
    );
    assert!(text.contains("mode 640 mtime 1000000000 len 4"), "{text}");
    assert!(text.contains("link is symlink true"), "{text}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("target")).unwrap(),
        "new\n"
    );
    assert!(!dir.path().join("new.tmp").exists());
    let sub = std::fs::metadata(dir.path().join("sub")).unwrap();
    assert_eq!(sub.permissions().mode() & 0o7777, 0o700);
    assert_eq!(seen["set_times_at"], "ok", "{text}");
    assert_eq!(seen["set_permissions_at"], "ok", "{text}");
    let target = std::fs::metadata(dir.path().join("target")).unwrap();
    assert_eq!(target.permissions().mode() & 0o7777, 0o600, "{text}");
}
