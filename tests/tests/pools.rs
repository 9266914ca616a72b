//! Numbers of descriptors limited after entry stay occupied once those
//! descriptors are closed (`pool_probe`): enforced, every case holds; in
//! dry-run, the control, nothing is reserved and the closed numbers are
//! free, so the cases that look for a freed number fail, which shows each
//! check can fail.

use std::process::Command;

const PROBE: &str = env!("CARGO_BIN_EXE_pool_probe");

fn run(trace: Option<&str>) -> Result<Vec<(String, bool)>, String> {
    sandboxed_tests::case_lines(Command::new(PROBE), trace)
}

/// The cases the control run must fail: a closed number is free there.
/// (Without pools the control cannot show that limiting leaves a
/// descriptor the program put on a pool number alone: the fds.rs unit test
/// shows the probe telling such a descriptor from a placeholder.)
const FREED_IN_CONTROL: &[&str] = &[
    "drop_keeps_the_numbers_occupied",
    "raw_close_keeps_the_number_occupied",
    "close_range_keeps_the_pool_number_occupied",
    "close_range_unshare_keeps_the_number_occupied",
    "f_dupfd_lands_on_no_pool_number",
    "open_until_emfile_lands_on_no_pool_number",
    "sigsys_action_cannot_be_changed",
    "a_forged_sigsys_frees_no_pool_number",
    "close_range_to_the_top_keeps_the_pools_and_the_source",
];

#[test]
fn closed_pool_numbers_stay_occupied_and_fresh_descriptors_keep_their_rights() {
    let Some(enforced) = sandboxed_tests::enforced_cases(run) else {
        return;
    };
    assert_eq!(enforced.len(), 17, "{enforced:?}");
    for (name, pass) in &enforced {
        assert!(pass, "enforced: {name} failed: {enforced:?}");
    }
    // SANDBOXED_TRACE=1: the trace handler emulates the closes too.
    let traced = run(Some("1")).unwrap();
    assert_eq!(traced, enforced, "traced");
    let control = run(Some("dry-run")).unwrap();
    for name in FREED_IN_CONTROL {
        assert!(
            control.iter().any(|(n, pass)| n == name && !pass),
            "control (dry-run): {name} should fail: {control:?}"
        );
    }
}

/// With `SIGSYS` blocked the close of a pooled descriptor cannot be
/// emulated: the kernel kills the process with `SIGSYS` (fail closed: the
/// number is not freed). In the control run the close is an ordinary one.
#[test]
fn a_close_with_sigsys_blocked_kills_the_process() {
    use std::os::unix::process::ExitStatusExt;
    if !cfg!(all(target_os = "linux", target_arch = "x86_64")) {
        println!("skipped: the Linux backend's descriptor numbers");
        return;
    }
    let out = Command::new(PROBE)
        .arg("blocked")
        .env_remove("SANDBOXED_TRACE")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    if stderr.contains("cannot enforce") {
        return println!("skipped: {}", stderr.trim());
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.signal(), Some(libc::SIGSYS), "{stdout} {stderr}");
    assert!(!stdout.contains("survived"), "{stdout}");
    let control = Command::new(PROBE)
        .arg("blocked")
        .env("SANDBOXED_TRACE", "dry-run")
        .output()
        .unwrap();
    assert!(control.status.success(), "{control:?}");
    assert!(
        String::from_utf8_lossy(&control.stdout).contains("survived: false"),
        "{control:?}"
    );
}

/// A `fileargs` descriptor the program receives itself (recvmsg(2) on the
/// service's channel, `service_probe fileargs-intercept`) lies outside
/// every class: the metadata calls Landlock does not mediate are denied
/// there unless the declaration holds their rights, as libcasper limits
/// the descriptor in the service. The file's mode is unchanged. In the
/// control run (dry-run) they work.
#[test]
fn a_fileargs_descriptor_received_by_the_program_gets_no_metadata_rights() {
    use std::os::unix::fs::PermissionsExt;
    if !cfg!(target_os = "linux") {
        println!("skipped: the Linux backend's descriptor classes");
        return;
    }
    let dir = std::env::temp_dir().join(format!("sandboxed-intercept-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("served.txt");
    let run = |trace: Option<&str>| {
        std::fs::write(&file, "served\n").unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_service_probe"));
        cmd.arg("fileargs-intercept").arg(&file);
        let cases = sandboxed_tests::case_lines(cmd, trace);
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o7777;
        cases.map(|c| (c, mode))
    };
    let (enforced, mode) = match run(None) {
        Ok(r) => r,
        Err(e) if e.starts_with("skipped") => return println!("{e}"),
        Err(e) => panic!("{e}"),
    };
    assert_eq!(enforced.len(), 7, "{enforced:?}");
    for (name, pass) in &enforced {
        assert!(pass, "enforced: {name} failed: {enforced:?}");
    }
    assert_eq!(mode, 0o600, "the file's mode changed");
    let (control, mode) = run(Some("dry-run")).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        control.contains(&("intercepted".to_owned(), true)),
        "{control:?}"
    );
    for name in ["fchmod", "fchown", "futimens"] {
        assert!(
            control.contains(&(name.to_owned(), false)),
            "control (dry-run): {name} should work: {control:?}"
        );
    }
    assert_eq!(mode, 0o666, "control (dry-run): fchmod changes the mode");
}
