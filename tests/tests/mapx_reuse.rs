//! A file held with `mmap_x` at entry gives its `PROT_EXEC` to no other
//! file, not one that takes its inode number once it is closed and
//! unlinked (`mapx_reuse_probe`): enforced, mprotect(2) is refused; in
//! dry-run, the control, the number is taken again and the mapping
//! becomes executable.

use std::collections::HashMap;
use std::process::Command;

#[test]
fn a_file_taking_the_inode_of_one_held_with_mmap_x_is_not_executable() {
    if !cfg!(target_os = "linux") {
        println!("skipped: the Linux backend's supervisor");
        return;
    }
    let run = |trace: Option<&str>| {
        let dir = std::env::temp_dir().join(format!(
            "sandboxed-mapx-reuse-{}-{}",
            std::process::id(),
            trace.unwrap_or("enforced")
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let held = dir.join("held");
        std::fs::write(&held, b"held").unwrap();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_mapx_reuse_probe"));
        cmd.arg(&dir).arg(&held);
        let lines = sandboxed_tests::case_lines(cmd, trace);
        let _ = std::fs::remove_dir_all(&dir);
        lines.map(|l| l.into_iter().collect::<HashMap<_, _>>())
    };
    let control = run(Some("dry-run")).unwrap();
    if control.get("reused") != Some(&true) {
        println!("skipped: this file system did not hand the inode number out again: {control:?}");
        return;
    }
    assert_eq!(
        control.get("refused"),
        Some(&false),
        "control (dry-run): the mapping should become executable: {control:?}"
    );
    let enforced = match run(None) {
        Ok(c) => c,
        Err(e) if e.starts_with("skipped") => return println!("{e}"),
        Err(e) => panic!("{e}"),
    };
    assert_eq!(
        enforced.get("refused"),
        Some(&true),
        "enforced: {enforced:?}"
    );
}
