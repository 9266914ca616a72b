//! `cat` run as a user would.

mod common;

use common::*;

const CAT: &str = env!("CARGO_BIN_EXE_cat");

#[test]
fn files_are_concatenated_byte_for_byte() {
    let d = tempfile::tempdir().unwrap();
    let binary = noise(200_000, 3);
    std::fs::write(d.path().join("one"), "first\n").unwrap();
    std::fs::write(d.path().join("two"), &binary).unwrap();
    std::fs::write(d.path().join("empty"), "").unwrap();
    let Some(out) = run(CAT, &["one", "two", "empty", "one"], d.path()) else {
        return;
    };
    assert_eq!(status(&out), 0);
    let mut want = b"first\n".to_vec();
    want.extend(&binary);
    want.extend(b"first\n");
    assert!(out.stdout == want);
}

#[test]
fn without_files_stdin_is_copied() {
    let d = tempfile::tempdir().unwrap();
    let Some(out) = run_with_stdin(CAT, &[], d.path(), b"from stdin\n") else {
        return;
    };
    assert_eq!((status(&out), stdout(&out)), (0, "from stdin\n".into()));
}

#[test]
fn many_files() {
    let d = tempfile::tempdir().unwrap();
    let names: Vec<String> = (0..200).map(|i| format!("f{i}")).collect();
    for (i, n) in names.iter().enumerate() {
        std::fs::write(d.path().join(n), format!("{i}\n")).unwrap();
    }
    let args: Vec<&str> = names.iter().map(String::as_str).collect();
    let Some(out) = run(CAT, &args, d.path()) else {
        return;
    };
    let want: String = (0..200).map(|i| format!("{i}\n")).collect();
    assert_eq!((status(&out), stdout(&out)), (0, want));
}

#[test]
fn a_missing_file_or_a_directory_is_reported_and_the_rest_printed() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("one"), "first\n").unwrap();
    std::fs::create_dir(d.path().join("dir")).unwrap();
    let Some(out) = run(CAT, &["one", "nope", "one"], d.path()) else {
        return;
    };
    assert_eq!(status(&out), 1);
    assert_clean_error(&out, "cat: nope: No such file or directory");
    assert_eq!(stdout(&out), "first\nfirst\n");
    let Some(out) = run(CAT, &["one", "dir", "one"], d.path()) else {
        return;
    };
    assert_eq!(status(&out), 1);
    assert_clean_error(&out, "cat: dir: Is a directory");
    assert_eq!(stdout(&out), "first\nfirst\n");
}

#[test]
fn dash_is_stdin_and_a_file_is_never_copied_into_itself() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("f"), "data\n").unwrap();
    let Some(out) = run_with_stdin(CAT, &["f", "-", "f"], d.path(), b"in\n") else {
        return;
    };
    assert_eq!((status(&out), stdout(&out)), (0, "data\nin\ndata\n".into()));
    // `cat f >> f` would grow f until the disk is full.
    let cat = std::process::Command::new("sh")
        .args(["-c", &format!("exec {CAT} f >> f")])
        .current_dir(d.path())
        .output()
        .unwrap();
    if String::from_utf8_lossy(&cat.stderr).contains("cannot enforce") {
        return;
    }
    assert_eq!(status(&cat), 1);
    assert_clean_error(&cat, "cat: f: input file is output file");
    assert_eq!(
        std::fs::read_to_string(d.path().join("f")).unwrap(),
        "data\n"
    );
}

/// While cat waits on a FIFO, `/proc` shows it confined and holding no
/// file open for writing.
#[cfg(target_os = "linux")]
#[test]
fn it_holds_no_file_for_writing() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("one"), "first\n").unwrap();
    let ready = |files: &[String]| files.iter().any(|f| f.ends_with("/fifo"));
    let Some(seen) =
        seen_while_blocked(CAT, &["one", "fifo"], d.path(), "fifo", b"second\n", ready)
    else {
        return;
    };
    assert_eq!(
        (status(&seen.out), stdout(&seen.out)),
        (0, "first\nsecond\n".into())
    );
    assert_eq!(seen.writable, Vec::<String>::new());
}
