//! A file's page mapped before entry and mapped again at the same place
//! after entry, shared, through a descriptor holding `mmap_r` without
//! `mmap_w` (`mprotect_before_probe`): the new mapping is not writable
//! (Capsicum: vn_mmap bounds its maximum protection by the rights,
//! sys/kern/vfs_vnops.c; mprotect(2) beyond it answers `EACCES`); one
//! mapped before entry through a descriptor open for writing and kept
//! may become writable. In
//! dry-run, the control, each mapping becomes writable and the file
//! changes.

use std::collections::HashMap;
use std::process::Command;

#[test]
fn a_mapping_made_again_where_one_lay_before_entry_is_not_writable() {
    if !cfg!(target_os = "linux") {
        println!("skipped: the Linux backend's supervisor");
        return;
    }
    let run = |trace: Option<&str>| {
        let dir = std::env::temp_dir().join(format!(
            "sandboxed-mprotect-before-{}-{}",
            std::process::id(),
            trace.unwrap_or("enforced")
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("file");
        std::fs::write(&file, vec![b'.'; 4096]).unwrap();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_mprotect_before_probe"));
        cmd.arg(&file);
        let lines = sandboxed_tests::case_lines(cmd, trace);
        let first: [u8; 6] = std::fs::read(&file).unwrap()[..6].try_into().unwrap();
        let _ = std::fs::remove_dir_all(&dir);
        lines.map(|l| (l.into_iter().collect::<HashMap<_, _>>(), first))
    };
    let (control, first) = run(Some("dry-run")).unwrap();
    for case in [
        "private",
        "shared_read",
        "fresh",
        "kept",
        "spanning",
        "pkey",
    ] {
        assert_eq!(
            (control.get(case), control.get(&format!("{case}_written"))),
            (Some(&false), Some(&true)),
            "control (dry-run) {case}: the mapping should become writable: {control:?}"
        );
    }
    assert_eq!(
        &first, b"WWWWWW",
        "control (dry-run): the file should change"
    );
    let (enforced, first) = match run(None) {
        Ok(c) => c,
        Err(e) if e.starts_with("skipped") => return println!("{e}"),
        Err(e) => panic!("{e}"),
    };
    for case in ["private", "shared_read", "fresh", "spanning", "pkey"] {
        assert_eq!(
            (enforced.get(case), enforced.get(&format!("{case}_written"))),
            (Some(&true), Some(&false)),
            "enforced {case}: {enforced:?}"
        );
    }
    // Made before entry through a descriptor open for writing, kept: it
    // may become writable (its maximum protection fixed outside).
    assert_eq!(
        (enforced.get("kept"), enforced.get("kept_written")),
        (Some(&false), Some(&true)),
        "enforced kept: {enforced:?}"
    );
    assert_eq!(&first, b"...W..", "enforced: only the kept mapping writes");
}
