//! A number that held a limited descriptor passes its rights to nothing
//! made after entry (`reuse_probe`): enforced, every attempt to put a new
//! descriptor on it (`F_DUPFD`, dup2(2), dup(2) until the table is full)
//! or to raise `RLIMIT_NOFILE` back fails; in dry-run, the control, the
//! first two land, which shows the check can fail.

use std::process::Command;

const PROBE: &str = env!("CARGO_BIN_EXE_reuse_probe");

fn run(trace: Option<&str>) -> Result<Vec<(String, bool)>, String> {
    let file = std::env::temp_dir().join(format!("sandboxed-reuse-{}", std::process::id()));
    std::fs::write(&file, b"#!/bin/false\n").map_err(|e| e.to_string())?;
    let mut cmd = Command::new(PROBE);
    cmd.arg(&file);
    let cases = sandboxed_tests::case_lines(cmd, trace);
    let _ = std::fs::remove_file(&file);
    cases
}

#[test]
fn a_freed_number_of_a_limited_descriptor_takes_no_new_descriptor() {
    let Some(enforced) = sandboxed_tests::enforced_cases(run) else {
        return;
    };
    assert_eq!(enforced.len(), 5, "{enforced:?}");
    for (name, landed) in &enforced {
        assert!(
            !landed,
            "enforced: {name} put a descriptor on the freed number"
        );
    }
    let control = run(Some("dry-run")).unwrap();
    let landed: Vec<&str> = control
        .iter()
        .filter(|c| c.1)
        .map(|c| c.0.as_str())
        .collect();
    assert!(
        landed.contains(&"f_dupfd_onto_freed_number") && landed.contains(&"setrlimit_nofile"),
        "control (dry-run): {control:?}"
    );
}

/// The standard streams cannot be moved above `RLIMIT_NOFILE`: one
/// declared with a right that the next descriptor opened would lack is
/// refused at entry, before the program runs.
#[test]
fn a_standard_stream_with_more_rights_than_a_new_descriptor_is_refused() {
    if !cfg!(all(target_os = "linux", target_arch = "x86_64")) {
        println!("skipped: the Linux backend's descriptor numbers");
        return;
    }
    let out = Command::new(env!("CARGO_BIN_EXE_stream_rights_probe"))
        .env_remove("SANDBOXED_TRACE")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    if stderr.contains("cannot enforce") {
        return println!("skipped: {}", stderr.trim());
    }
    assert!(
        !String::from_utf8_lossy(&out.stdout).contains("entered"),
        "{stderr}"
    );
    assert_eq!(out.status.code(), Some(71), "{stderr}");
    assert!(
        stderr.contains("standard stream 1 is declared with `fchmod`"),
        "{stderr}"
    );
}
