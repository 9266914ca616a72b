//! The guide's four programs (README "Guide"), run as a user would, each
//! against an outside oracle where there is one: GNU wc's counts and
//! messages, date(1)'s UTC offset.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Output, Stdio};

use common::*;

const WC: &str = env!("CARGO_BIN_EXE_wc");
const ECHO_SERVER: &str = env!("CARGO_BIN_EXE_echo_server");
const STAMP: &str = env!("CARGO_BIN_EXE_stamp");
const JOURNAL: &str = env!("CARGO_BIN_EXE_journal");

/// Each output line's fields, so that column widths do not matter.
fn fields(text: &str) -> Vec<Vec<String>> {
    text.lines()
        .map(|l| l.split_whitespace().map(str::to_owned).collect())
        .collect()
}

/// Where a run's standard input comes from.
#[derive(Clone, Copy)]
enum Input<'a> {
    /// A pipe carrying these bytes.
    Pipe(&'a [u8]),
    /// A regular file (`< name`), relative to the run's directory.
    File(&'a str),
}

/// Runs `bin` (ours, or GNU wc under `LC_ALL=C`) in `dir`.
fn run_wc(bin: &str, args: &[&str], dir: &std::path::Path, input: Input) -> Output {
    let mut c = Command::new(bin);
    c.args(args)
        .current_dir(dir)
        .env("LC_ALL", "C")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    match input {
        Input::Pipe(_) => c.stdin(Stdio::piped()),
        Input::File(name) => c.stdin(std::fs::File::open(dir.join(name)).unwrap()),
    };
    let mut child = c.spawn().unwrap_or_else(|e| panic!("{bin}: {e}"));
    if let (Input::Pipe(bytes), Some(mut pipe)) = (input, child.stdin.take()) {
        // A program that refuses to run does not read: a broken pipe.
        let _ = pipe.write_all(bytes);
    }
    child.wait_with_output().unwrap()
}

/// Our wc beside GNU wc: the same stdout byte for byte (columns included),
/// stderr and status. `None` when the sandbox cannot be enforced here.
fn wc_beside_gnu(args: &[&str], dir: &std::path::Path, input: Input) -> Option<Output> {
    let ours = run_wc(WC, args, dir, input);
    if stderr(&ours).contains("this system cannot enforce the sandbox") {
        eprintln!("skipped: {}", stderr(&ours).trim());
        return None;
    }
    let gnu = run_wc("wc", args, dir, input);
    assert_eq!(stdout(&ours), stdout(&gnu), "wc {args:?}: stdout");
    assert_eq!(stderr(&ours), stderr(&gnu), "wc {args:?}: stderr");
    assert_eq!(status(&ours), status(&gnu), "wc {args:?}: status");
    Some(ours)
}

#[test]
fn wc_counts_as_gnu_wc_and_reports_a_missing_file_without_stopping() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("a"), "one two\tthree\n\x0bfour  five\r\nsix").unwrap();
    std::fs::write(d.path().join("b"), "").unwrap();
    std::fs::write(d.path().join("c"), "  lead and trail  \n\n\n").unwrap();
    let stdin = Input::Pipe(b"from standard input\nsecond line\n");
    let Some(out) = wc_beside_gnu(&["a", "missing", "-", "b", "c"], d.path(), stdin) else {
        return;
    };
    assert_eq!(stderr(&out), "wc: missing: No such file or directory\n");
    assert_eq!(status(&out), 1);

    // No operand: standard input, no name.
    let Some(out) = wc_beside_gnu(&[], d.path(), stdin) else {
        return;
    };
    assert_eq!(stdout(&out), "      2       5      32\n");
    assert_eq!(status(&out), 0);
}

/// The column width GNU wc takes from fstat(2) before reading: at least 7
/// for a pipe or a directory, the digits of the regular files' total size
/// otherwise; and a directory's `0 0 0` row after its read error.
#[test]
fn wc_columns_and_directory_rows_are_gnu_wcs() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("a"), "abc\n").unwrap();
    std::fs::write(d.path().join("big"), "word ".repeat(30_000) + "\n").unwrap();
    std::fs::write(d.path().join("empty"), "").unwrap();
    std::fs::write(d.path().join("no-newline"), "x y").unwrap();
    std::fs::create_dir(d.path().join("dir")).unwrap();
    let pipe = Input::Pipe(b"x\n");
    let scenes: &[(&[&str], Input)] = &[
        (&[], pipe),
        (&[], Input::File("a")),
        (&[], Input::File("big")),
        (&[], Input::File("empty")),
        (&["-"], Input::File("big")),
        (&["-", "-"], pipe),
        (&["-", "a"], pipe),
        (&["a"], pipe),
        (&["big", "a"], pipe),
        (&["empty", "no-newline"], pipe),
        (&["dir"], pipe),
        (&["a", "dir"], pipe),
        (&["dir", "big", "dir"], pipe),
        (&["missing", "a"], pipe),
        (&["missing", "dir"], pipe),
        (&["/dev/null", "a"], pipe),
    ];
    for &(args, input) in scenes {
        if wc_beside_gnu(args, d.path(), input).is_none() {
            return;
        }
    }
}

#[test]
fn echo_server_serves_its_declared_listener_under_tokio() {
    let mut child = Command::new(ECHO_SERVER)
        .arg("127.0.0.1:0")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let Some(addr) = first.trim().strip_prefix("listening on ") else {
        let _ = child.kill();
        let out = child.wait_with_output().unwrap();
        let err = stderr(&out);
        if err.contains("this system cannot enforce the sandbox") {
            eprintln!("skipped: {}", err.trim());
            return;
        }
        panic!("{first:?} {err}");
    };
    for client in ["hello", "second client"] {
        let mut conn = std::net::TcpStream::connect(addr).unwrap();
        conn.write_all(format!("{client}\nline two\n").as_bytes())
            .unwrap();
        conn.shutdown(std::net::Shutdown::Write).unwrap();
        let mut reply = String::new();
        conn.read_to_string(&mut reply).unwrap();
        assert_eq!(reply, format!("{}\nLINE TWO\n", client.to_uppercase()));
    }
    child.kill().unwrap();
    child.wait().unwrap();
}

/// date(1)'s UTC offset (`+0900`) now under `tz`: the oracle.
fn date_offset(tz: &str) -> String {
    let out = Command::new("date")
        .arg("+%z")
        .env("TZ", tz)
        .output()
        .expect("date(1)");
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

#[test]
fn stamp_reads_an_optional_config_and_gives_local_time_inside() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("offset.conf"), "%z\n").unwrap();
    for tz in ["Asia/Tokyo", "America/New_York", "UTC"] {
        let mut c = Command::new(STAMP);
        c.args(["--config", "offset.conf"])
            .current_dir(d.path())
            .env("TZ", tz)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = c.spawn().unwrap();
        child.stdin.take().unwrap().write_all(b"a\nb\n").unwrap();
        let out = child.wait_with_output().unwrap();
        if stderr(&out).contains("this system cannot enforce the sandbox") {
            eprintln!("skipped: {}", stderr(&out).trim());
            return;
        }
        let want = date_offset(tz);
        assert_eq!(stdout(&out), format!("{want} a\n{want} b\n"), "TZ={tz}");
        assert_eq!(status(&out), 0);
    }
    // Without --config: the default format, ending with the offset.
    let Some(out) = run_with_stdin(STAMP, &[], d.path(), b"line\n") else {
        return;
    };
    let text = stdout(&out);
    assert!(text.ends_with(" line\n"), "{text:?}");
    assert_eq!(fields(&text)[0].len(), 4, "{text:?}");
    // Given but missing: named after the program, before anything runs.
    let Some(out) = run(STAMP, &["--config", "nope.conf"], d.path()) else {
        return;
    };
    assert_eq!(status(&out), sandboxed::SETUP_FAILURE_EXIT);
    assert_eq!(
        stderr(&out),
        "stamp: nope.conf: No such file or directory (preopen `config`)\n"
    );
    assert_eq!(stdout(&out), "");
}

#[test]
fn journal_numbers_on_and_only_appends() {
    let d = tempfile::tempdir().unwrap();
    let Some(out) = run_with_stdin(JOURNAL, &["log"], d.path(), b"first\nsecond\n") else {
        return;
    };
    assert_eq!(status(&out), 0, "{out:?}");
    let Some(out) = run_with_stdin(JOURNAL, &["log"], d.path(), b"third\n") else {
        return;
    };
    assert_eq!(status(&out), 0, "{out:?}");
    assert_eq!(
        std::fs::read_to_string(d.path().join("log")).unwrap(),
        "1 first\n2 second\n3 third\n"
    );
}
