//! A file preopened with `fexecve` and without `read` cannot be read by
//! opening it again through a directory (`fexecve_probe`): enforced, every
//! case holds; in dry-run, the control, every open reads it.

use std::process::Command;

#[test]
fn a_file_held_for_fexecve_alone_is_not_read_by_path() {
    if !cfg!(target_os = "linux") {
        println!("skipped: the Linux backend's Landlock rules");
        return;
    }
    let dir = std::env::temp_dir().join(format!("sandboxed-fexecve-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("beneath")).unwrap();
    let program = dir.join("program");
    std::fs::write(&program, b"\x7fELF").unwrap();
    let Some((enforced, control)) = sandboxed_tests::enforced_and_control(|| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_fexecve_probe"));
        cmd.arg(dir.join("beneath")).arg(&program);
        cmd
    }) else {
        return;
    };
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(enforced.len(), 2, "{enforced:?}");
    for (name, pass) in &enforced {
        assert!(pass, "enforced: {name} failed: {enforced:?}");
    }
    assert_eq!(control.len(), 2, "{control:?}");
    for (name, pass) in &control {
        assert!(
            !pass,
            "control (dry-run): {name} should read the file: {control:?}"
        );
    }
}
