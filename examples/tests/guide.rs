//! The guide's four programs (README "Guide"), run as a user would, each
//! against an outside oracle where there is one: GNU wc's counts and
//! messages, date(1)'s UTC offset.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};

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

#[test]
fn wc_counts_as_gnu_wc_and_reports_a_missing_file_without_stopping() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("a"), "one two\tthree\n\x0bfour  five\r\nsix").unwrap();
    std::fs::write(d.path().join("b"), "").unwrap();
    std::fs::write(d.path().join("c"), "  lead and trail  \n\n\n").unwrap();
    let stdin = b"from standard input\nsecond line\n";
    let args = ["a", "missing", "-", "b", "c"];
    let Some(ours) = run_with_stdin(WC, &args, d.path(), stdin) else {
        return;
    };
    let mut gnu = Command::new("wc")
        .args(args)
        .current_dir(d.path())
        .env("LC_ALL", "C")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("wc(1)");
    gnu.stdin.take().unwrap().write_all(stdin).unwrap();
    let gnu = gnu.wait_with_output().unwrap();
    assert_eq!(fields(&stdout(&ours)), fields(&stdout(&gnu)), "{ours:?}");
    assert_eq!(stderr(&ours), stderr(&gnu));
    assert_eq!(stderr(&ours), "wc: missing: No such file or directory\n");
    assert_eq!((status(&ours), status(&gnu)), (1, 1));

    // No operand: standard input, no name.
    let Some(ours) = run_with_stdin(WC, &[], d.path(), stdin) else {
        return;
    };
    assert_eq!(fields(&stdout(&ours)), vec![vec!["2", "5", "32"]]);
    assert_eq!(status(&ours), 0);
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
