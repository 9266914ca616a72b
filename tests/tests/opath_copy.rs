//! Copies of descriptors narrowed to `O_PATH`, which the supervisor opens
//! again for reading, give nothing the rights do not hold
//! (`opath_copy_probe`): enforced, every call is refused and fstat(2)
//! works; in dry-run, the control, every call works.

use std::process::Command;

#[test]
fn copies_of_opath_descriptors_use_only_their_rights() {
    if !cfg!(target_os = "linux") {
        println!("skipped: the Linux backend's supervisor");
        return;
    }
    let dir = std::env::temp_dir().join(format!("sandboxed-opath-copy-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("f"), b"secret bytes").unwrap();
    let Some((enforced, control)) = sandboxed_tests::enforced_and_control(|| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_opath_copy_probe"));
        cmd.arg(&dir).arg(dir.join("f"));
        cmd
    }) else {
        return;
    };
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(enforced.len(), 21, "{enforced:?}");
    for (name, pass) in &enforced {
        assert!(pass, "enforced: {name} failed: {enforced:?}");
    }
    assert_eq!(control.len(), 21, "{control:?}");
    for (name, pass) in &control {
        assert_eq!(
            *pass,
            name.starts_with("ok_"),
            "control (dry-run): {name} should work: {control:?}"
        );
    }
}
