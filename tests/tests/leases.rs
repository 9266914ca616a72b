//! An open that must wait for a lease to be broken waits inside the
//! sandbox as it does outside (`lease_probe`, `lease_holder`): the
//! supervisor, which makes the open beneath a preopened directory and
//! must never wait itself, hands it to a child that waits (runtime
//! supervise/opened.rs). The kernel is the oracle: the same probe run in
//! dry-run (nothing enforced) must give the same answers.

use std::collections::HashMap;
use std::process::Command;

/// Runs `lease_probe` against a file a `lease_holder` leases; the probe's
/// `case` lines and whether the holder saw its lease broken.
fn run(
    tag: &str,
    nonblock: bool,
    trace: Option<&str>,
) -> Result<(HashMap<String, bool>, bool), String> {
    let dir = std::env::temp_dir().join(format!("sandboxed-leases-{}-{tag}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("leased");
    std::fs::write(&file, b"leased").unwrap();
    let (mut holder, mut out) = sandboxed_tests::lease_holder(
        std::path::Path::new(env!("CARGO_BIN_EXE_lease_holder")),
        &file,
        None,
    );
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_lease_probe"));
    cmd.arg(&dir).arg("leased");
    if nonblock {
        cmd.arg("nonblock");
    }
    let lines = sandboxed_tests::case_lines(cmd, trace);
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut out, &mut rest).unwrap();
    holder.wait().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    Ok((lines?.into_iter().collect(), rest.contains("broken")))
}

#[test]
fn an_open_waits_for_a_lease_to_be_broken_as_the_kernel_does() {
    if !cfg!(target_os = "linux") {
        println!("skipped: the Linux backend's supervisor");
        return;
    }
    for nonblock in [false, true] {
        let tag = if nonblock { "nonblock" } else { "wait" };
        let control = run(&format!("{tag}-control"), nonblock, Some("dry-run")).unwrap();
        let enforced = match run(tag, nonblock, None) {
            Ok(e) => e,
            Err(e) if e.starts_with("skipped") => return println!("{e}"),
            Err(e) => panic!("{e}"),
        };
        println!("{tag}: kernel {control:?}, sandboxed {enforced:?}");
        // The kernel's answers: waits and opens, or EWOULDBLOCK at once;
        // the lease holder is told either way.
        assert_eq!(control.0.get("opened"), Some(&!nonblock), "{control:?}");
        assert_eq!(control.0.get("waited"), Some(&!nonblock), "{control:?}");
        assert!(control.1, "the holder was not told: {control:?}");
        assert_eq!(enforced, control, "{tag}: sandboxed and the kernel differ");
    }
}
