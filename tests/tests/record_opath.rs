//! The record of a file the supervisor installed at a pool number gives
//! its directory's rights to that descriptor alone, not to an `O_PATH`
//! descriptor of the same file, renamed into another directory, opened
//! beneath it and put at that number (`record_opath_probe`): enforced, fchmodat2(2)
//! answers `EACCES` as Capsicum's `ENOTCAPABLE`; in dry-run, the control,
//! the mode changes.

use std::collections::HashMap;
use std::process::Command;

#[test]
fn an_opath_descriptor_at_a_recorded_number_keeps_its_own_rights() {
    if !cfg!(target_os = "linux") {
        println!("skipped: the Linux backend's supervisor");
        return;
    }
    let run = |trace: Option<&str>| {
        let dir = std::env::temp_dir().join(format!(
            "sandboxed-record-opath-{}-{}",
            std::process::id(),
            trace.unwrap_or("enforced")
        ));
        let (a, b) = (dir.join("a"), dir.join("b"));
        std::fs::create_dir_all(&a).unwrap();
        std::fs::create_dir_all(&b).unwrap();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_record_opath_probe"));
        cmd.arg(&a).arg(&b);
        let lines = sandboxed_tests::case_lines(cmd, trace);
        let _ = std::fs::remove_dir_all(&dir);
        lines.map(|l| l.into_iter().collect::<HashMap<_, _>>())
    };
    let control = run(Some("dry-run")).unwrap();
    for (case, want) in [
        ("kept_changed", true),
        ("landed_refused", false),
        ("landed_changed", true),
    ] {
        assert_eq!(
            control.get(case),
            Some(&want),
            "control (dry-run) {case}: {control:?}"
        );
    }
    let enforced = match run(None) {
        Ok(c) => c,
        Err(e) if e.starts_with("skipped") => return println!("{e}"),
        Err(e) => panic!("{e}"),
    };
    for (case, want) in [
        ("kept_changed", true),
        ("landed_refused", true),
        ("landed_changed", false),
    ] {
        assert_eq!(
            enforced.get(case),
            Some(&want),
            "enforced {case}: {enforced:?}"
        );
    }
}
