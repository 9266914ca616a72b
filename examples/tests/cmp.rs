//! `cmp` run as a user would: real files, exit status, stdout and stderr.

mod common;

use common::*;

const CMP: &str = env!("CARGO_BIN_EXE_cmp");

fn files() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a"), "one\ntwo\nthree\n").unwrap();
    std::fs::write(dir.path().join("a2"), "one\ntwo\nthree\n").unwrap();
    std::fs::write(dir.path().join("b"), "one\ntwo\nthreE\n").unwrap();
    std::fs::write(dir.path().join("short"), "one\ntw").unwrap();
    dir
}

#[test]
fn equal_files_exit_0_silently() {
    let d = files();
    let Some(out) = run(CMP, &["a", "a2"], d.path()) else {
        return;
    };
    assert_eq!(
        (status(&out), stdout(&out), stderr(&out)),
        (0, "".into(), "".into())
    );
}

#[test]
fn the_first_difference_is_reported_with_byte_and_line() {
    let d = files();
    let Some(out) = run(CMP, &["a", "b"], d.path()) else {
        return;
    };
    assert_eq!(status(&out), 1);
    assert_eq!(stdout(&out), "a b differ: byte 13, line 3\n");
}

#[test]
fn eof_on_the_shorter_file() {
    let d = files();
    let Some(out) = run(CMP, &["short", "a"], d.path()) else {
        return;
    };
    assert_eq!(status(&out), 1);
    assert_eq!(stderr(&out), "cmp: EOF on short after byte 6, in line 2\n");
}

#[test]
fn options_shift_the_operands() {
    let d = files();
    let Some(out) = run(CMP, &["-s", "a", "b"], d.path()) else {
        return;
    };
    assert_eq!(
        (status(&out), stdout(&out), stderr(&out)),
        (1, "".into(), "".into())
    );
    let Some(out) = run(CMP, &["-l", "a", "b"], d.path()) else {
        return;
    };
    assert_eq!((status(&out), stdout(&out)), (1, "13 145 105\n".into()));
}

#[test]
fn trouble_exits_2_with_one_line() {
    let d = files();
    // A missing file is the operand's own error (`fallible`), worded as
    // GNU cmp words it.
    let Some(out) = run(CMP, &["a", "missing"], d.path()) else {
        return;
    };
    assert_eq!(status(&out), 2);
    assert_clean_error(&out, "cmp: missing: No such file or directory");
    assert!(
        stderr(&out).contains("No such file or directory"),
        "{}",
        stderr(&out)
    );
    // A usage error, before anything is opened.
    let out = std::process::Command::new(CMP)
        .args(["-x", "a", "b"])
        .current_dir(d.path())
        .output()
        .unwrap();
    assert_eq!(status(&out), 2);
    assert!(stderr(&out).starts_with("cmp: invalid option -- 'x'"));
}

#[test]
fn hostile_operands_are_trouble_not_a_crash() {
    let d = files();
    std::fs::create_dir(d.path().join("dir")).unwrap();
    let Some(out) = run(CMP, &["a", "dir"], d.path()) else {
        return;
    };
    assert_eq!(status(&out), 2);
    assert_clean_error(&out, "cmp: dir: Is a directory");
    // Binary contents, NUL bytes included, compare like any other.
    std::fs::write(d.path().join("bin1"), [0u8, 1, 2, 0xff, 0]).unwrap();
    std::fs::write(d.path().join("bin2"), [0u8, 1, 2, 0xfe, 0]).unwrap();
    let Some(out) = run(CMP, &["bin1", "bin2"], d.path()) else {
        return;
    };
    assert_eq!(
        (status(&out), stdout(&out)),
        (1, "bin1 bin2 differ: byte 4, line 1\n".into())
    );
}

#[test]
fn the_same_file_twice_is_equal_without_reading_it() {
    let d = files();
    // GNU cmp: same device and inode at the same position; an endless
    // device compares at once.
    let Some(out) = run(CMP, &["/dev/zero", "/dev/zero"], d.path()) else {
        return;
    };
    assert_eq!(
        (status(&out), stdout(&out), stderr(&out)),
        (0, "".into(), "".into())
    );
    let Some(out) = run_with_stdin(CMP, &["-", "a"], d.path(), b"one\ntwo\nthree\n") else {
        return;
    };
    assert_eq!(status(&out), 0, "{out:?}");
}

/// While cmp waits for FILE2 (a FIFO), `/proc` shows it confined and
/// holding no file open for writing.
#[cfg(target_os = "linux")]
#[test]
fn it_holds_no_file_for_writing() {
    let d = files();
    let ready = |files: &[String]| files.iter().any(|f| f.ends_with("/fifo"));
    let Some(seen) = seen_while_blocked(
        CMP,
        &["a", "fifo"],
        d.path(),
        "fifo",
        b"one\ntwo\nthree\n",
        ready,
    ) else {
        return;
    };
    assert_eq!(status(&seen.out), 0, "{:?}", seen.out);
    assert_eq!(seen.writable, Vec::<String>::new());
}
