//! The declaration forms of real programs at run time, each in a fresh
//! `declarations_probe` process entering the real sandbox: an `Option`
//! source, the tool's own words for a missing argument, `before_entry`,
//! local time inside (chrono and libc, against date(1) outside), and the
//! socket preopens (the declared socket works, new endpoints are refused),
//! served by std and by tokio. Each denial is also run as a control,
//! `SANDBOXED_TRACE=dry-run` (nothing enforced), where it must succeed:
//! the test of each denial can fail.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Output, Stdio};

const PROBE: &str = env!("CARGO_BIN_EXE_declarations_probe");

fn probe(args: &[&str]) -> Command {
    let mut c = Command::new(PROBE);
    // A panic's backtrace is not wanted (and symbolizing one under
    // SANDBOXED_TRACE=dry-run does not return).
    c.args(args)
        .env_remove("SANDBOXED_TRACE")
        .env("RUST_BACKTRACE", "0");
    c
}

/// Whether the system cannot enforce the sandbox (then the test is
/// skipped, saying so).
fn unsupported(out: &Output) -> bool {
    let stderr = String::from_utf8_lossy(&out.stderr);
    if stderr.contains("this system cannot enforce the sandbox") {
        eprintln!("skipped: {}", stderr.trim());
        return true;
    }
    false
}

/// The `value: NAME = VALUE` lines of a probe's output.
fn values(out: &Output) -> BTreeMap<String, String> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.strip_prefix("value: "))
        .filter_map(|l| l.split_once(" = "))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

fn succeeded(out: &Output) {
    assert!(
        out.status.success(),
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn an_option_source_gives_an_option() {
    let out = probe(&["option-source"]).output().unwrap();
    if unsupported(&out) {
        return;
    }
    succeeded(&out);
    assert_eq!(values(&out)["config"], "none");
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("tool.conf");
    std::fs::write(&config, "verbose = true\n").unwrap();
    let out = probe(&["option-source", config.to_str().unwrap()])
        .output()
        .unwrap();
    succeeded(&out);
    assert_eq!(values(&out)["config"], "verbose = true");
    // Given but missing: an error naming the path, before the body.
    let out = probe(&["option-source", "/nonexistent/tool.conf"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(sandboxed::SETUP_FAILURE_EXIT));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "declarations_probe: /nonexistent/tool.conf: No such file or directory (preopen `config`)\n"
    );
}

/// Without `on_setup_error`, a missing argument names the program, the
/// argument and the declaration.
#[test]
fn a_missing_argument_is_worded_after_the_program_by_default() {
    let out = probe(&["narrow-file"]).output().unwrap();
    assert_eq!(out.status.code(), Some(sandboxed::SETUP_FAILURE_EXIT));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "declarations_probe: missing command-line argument: argv[2] (for `f`)\n"
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn a_missing_argument_is_worded_by_the_tool() {
    let out = probe(&["missing-argument"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "usage: declarations_probe missing-argument FILE\n"
    );
    assert!(out.stdout.is_empty());
    let out = probe(&["missing-argument", "/nonexistent/input"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "declarations_probe: /nonexistent/input: No such file or directory\n"
    );
}

#[test]
fn before_entry_runs_before_the_sandbox_and_its_failure_stops_the_setup() {
    let dir = tempfile::tempdir().unwrap();
    let greeting = dir.path().join("greeting");
    std::fs::write(&greeting, "hello\n").unwrap();
    let path = greeting.to_str().unwrap();
    let out = probe(&["before-entry", path]).output().unwrap();
    if unsupported(&out) {
        return;
    }
    succeeded(&out);
    assert_eq!(values(&out)["greeting"], "hello");
    let control = probe(&["before-entry", path])
        .env("SANDBOXED_TRACE", "dry-run")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&control.stdout);
    assert!(
        text.contains("ok: allowed in the control run: the same read after entry"),
        "{control:?}"
    );

    let out = probe(&["before-entry-fails"]).output().unwrap();
    assert_eq!(out.status.code(), Some(sandboxed::SETUP_FAILURE_EXIT));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "sandboxed: before entry: no configuration\n"
    );
    assert!(out.stdout.is_empty());
}

/// date(1)'s UTC offset (`%z`, `+0900`) at `at` (`@SECONDS`, or `now`)
/// under `tz`, in seconds: the outside oracle.
fn date_offset(tz: Option<&str>, at: &str) -> Option<i64> {
    let mut c = Command::new("date");
    match tz {
        Some(tz) => c.env("TZ", tz),
        None => c.env_remove("TZ"),
    };
    let out = c.args(["-d", at, "+%z"]).output().ok()?;
    let z = String::from_utf8(out.stdout).ok()?;
    let z = z.trim();
    let sign = if z.starts_with('-') { -1 } else { 1 };
    let hours: i64 = z.get(1..3)?.parse().ok()?;
    let minutes: i64 = z.get(3..5)?.parse().ok()?;
    Some(sign * (hours * 3600 + minutes * 60))
}

#[test]
fn local_time_inside_is_the_zone_outside() {
    // 2024-07-01 12:00 UTC, the probe's fixed time.
    let summer = "@1719835200";
    for tz in [
        Some("Asia/Tokyo"),
        Some("America/New_York"),
        Some("Europe/Berlin"),
        None,
    ] {
        let (Some(now), Some(then)) = (date_offset(tz, "now"), date_offset(tz, summer)) else {
            eprintln!("skipped: no date(1) or no zone {tz:?}");
            continue;
        };
        let mut c = probe(&["local-time"]);
        match tz {
            Some(tz) => c.env("TZ", tz),
            None => c.env_remove("TZ"),
        };
        let out = c.output().unwrap();
        if unsupported(&out) {
            return;
        }
        succeeded(&out);
        let v = values(&out);
        for name in [
            "chrono main",
            "chrono thread",
            "chrono later",
            "chrono later thread",
            "libc now",
        ] {
            assert_eq!(v[name], now.to_string(), "{name} under {tz:?}: {v:?}");
        }
        for name in ["chrono summer", "libc"] {
            assert_eq!(v[name], then.to_string(), "{name} under {tz:?}: {v:?}");
        }
        // Nothing reads the zone files again after entry: with the zone
        // in `TZ`, chrono's check every second looks only at `TZ` (its
        // first use on a thread looks for a file named by the rule
        // first, which the sandbox denies without effect).
        let traced = probe(&["local-time"])
            .envs(tz.map(|tz| ("TZ", tz)))
            .env("SANDBOXED_TRACE", "1")
            .output()
            .unwrap();
        succeeded(&traced);
        let records = String::from_utf8_lossy(&traced.stderr);
        assert!(!records.contains("/etc/localtime"), "{records}");
        assert_eq!(values(&traced), v);
    }
}

/// The probe's lines up to `listening: ADDRESS`, and the address.
fn listening(reader: &mut impl BufRead) -> (String, Option<String>) {
    let mut head = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap() == 0 {
            return (head, None);
        }
        head.push_str(&line);
        if let Some(addr) = line.trim().strip_prefix("listening: ") {
            return (head, Some(addr.to_owned()));
        }
    }
}

/// Runs a listener case: `talk` plays the client at the address the probe
/// prints; returns the probe's whole output (`None`: unsupported here).
fn serve_with(args: &[&str], trace: Option<&str>, talk: impl FnOnce(&str)) -> Option<Output> {
    let mut c = probe(args);
    if let Some(t) = trace {
        c.env("SANDBOXED_TRACE", t);
    }
    let mut child = c
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut reader = BufReader::new(stdout);
    let (head, addr) = listening(&mut reader);
    let Some(addr) = addr else {
        let out = child.wait_with_output().unwrap();
        if unsupported(&out) {
            return None;
        }
        panic!("expected `listening: ADDRESS`, got {head:?}: {out:?}");
    };
    talk(&addr);
    let mut rest = String::new();
    reader.read_to_string(&mut rest).unwrap();
    let mut out = child.wait_with_output().unwrap();
    out.stdout = format!("{head}{rest}").into_bytes();
    Some(out)
}

/// Sends `ping` on `s` and returns all it answers.
fn ping(mut s: impl Read + Write) -> String {
    s.write_all(b"ping\n").unwrap();
    let mut a = String::new();
    s.read_to_string(&mut a).unwrap();
    a
}

/// [`serve_with`] a client that sends `ping` and expects `pong ping`.
fn serve_once(args: &[&str], trace: Option<&str>) -> Option<Output> {
    let unix = args[0].starts_with("unix");
    serve_with(args, trace, |addr| {
        let answer = match unix {
            true => ping(std::os::unix::net::UnixStream::connect(addr).unwrap()),
            false => ping(std::net::TcpStream::connect(addr).unwrap()),
        };
        assert_eq!(answer, "pong ping");
    })
}

/// The lines of `out` that report denials, and those of the control run.
fn denials(out: &Output) -> (usize, usize) {
    let text = String::from_utf8_lossy(&out.stdout);
    (
        text.lines()
            .filter(|l| l.starts_with("ok: denied:"))
            .count(),
        text.lines()
            .filter(|l| l.starts_with("ok: allowed in the control run:"))
            .count(),
    )
}

#[test]
fn a_declared_tcp_listener_serves_and_nothing_new_can_be_reached() {
    let target = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let target = target.local_addr().unwrap().to_string();
    let Some(out) = serve_once(&["tcp-listener", "127.0.0.1:0", &target], None) else {
        return;
    };
    succeeded(&out);
    assert_eq!(values(&out)["peer is the runner"], "127.0.0.1");
    assert_eq!(denials(&out), (3, 0), "{out:?}");
    let control = serve_once(&["tcp-listener", "127.0.0.1:0", &target], Some("dry-run")).unwrap();
    succeeded(&control);
    assert_eq!(denials(&control), (0, 3), "{control:?}");
}

/// The runner's end of a connected-stream case: a TCP or Unix listener.
trait Peer {
    type Conn: Read + Write;
    fn take(&self) -> Self::Conn;
    fn set_nonblocking(&self, on: bool);
    fn try_take(&self) -> bool;
}

macro_rules! peer {
    ($listener:ty, $conn:ty) => {
        impl Peer for $listener {
            type Conn = $conn;
            fn take(&self) -> $conn {
                self.accept().unwrap().0
            }
            fn set_nonblocking(&self, on: bool) {
                <$listener>::set_nonblocking(self, on).unwrap()
            }
            fn try_take(&self) -> bool {
                self.accept().is_ok()
            }
        }
    };
}
peer!(std::net::TcpListener, std::net::TcpStream);
peer!(
    std::os::unix::net::UnixListener,
    std::os::unix::net::UnixStream
);

/// Runs a declared-stream case (`tcp-stream`, `unix-stream`) against
/// `server`, sandboxed then as the control run: the probe says hello, the
/// runner answers, and each of its `n` denials holds only sandboxed.
fn talks_to_its_peer_only(server: &impl Peer, case: &str, target: &str, n: usize) {
    for (trace, expected) in [(None, (n, 0)), (Some("dry-run"), (0, n))] {
        let mut c = probe(&[case, target]);
        if let Some(t) = trace {
            c.env("SANDBOXED_TRACE", t);
        }
        let child = c
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut conn = server.take();
        let mut got = String::new();
        BufReader::new(&mut conn).read_line(&mut got).unwrap();
        conn.write_all(format!("hi {}", got.trim()).as_bytes())
            .unwrap();
        drop(conn);
        // The control run reaches the runner again: take and drop it.
        server.set_nonblocking(true);
        let out = child.wait_with_output().unwrap();
        while server.try_take() {}
        server.set_nonblocking(false);
        if unsupported(&out) {
            return;
        }
        succeeded(&out);
        assert_eq!(values(&out)["answer"], "hi hello");
        assert_eq!(denials(&out), expected, "{out:?}");
    }
}

#[test]
fn a_declared_tcp_stream_talks_to_its_peer_only() {
    let server = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = server.local_addr().unwrap().to_string();
    talks_to_its_peer_only(&server, "tcp-stream", &addr, 3);
}

#[test]
fn a_declared_unix_listener_serves_and_nothing_new_can_be_reached() {
    let dir = tempfile::tempdir().unwrap();
    let other = dir.path().join("other.sock");
    let _other = std::os::unix::net::UnixListener::bind(&other).unwrap();
    for (i, (trace, expected)) in [(None, (2, 0)), (Some("dry-run"), (0, 2))]
        .into_iter()
        .enumerate()
    {
        let path = dir.path().join(format!("server{i}.sock"));
        let Some(out) = serve_once(
            &[
                "unix-listener",
                path.to_str().unwrap(),
                other.to_str().unwrap(),
            ],
            trace,
        ) else {
            return;
        };
        succeeded(&out);
        assert_eq!(denials(&out), expected, "{out:?}");
    }
}

#[test]
fn a_declared_unix_stream_talks_to_its_peer_only() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("peer.sock");
    let server = std::os::unix::net::UnixListener::bind(&path).unwrap();
    talks_to_its_peer_only(&server, "unix-stream", path.to_str().unwrap(), 1);
}

#[test]
fn a_declared_listener_serves_under_tokio() {
    let Some(out) = serve_with(&["tokio-listener", "127.0.0.1:0"], None, |addr| {
        for _ in 0..2 {
            let mut s = std::net::TcpStream::connect(addr).unwrap();
            s.write_all(b"ping").unwrap();
            let mut a = [0; 4];
            s.read_exact(&mut a).unwrap();
            assert_eq!(&a, b"pong");
        }
    }) else {
        return;
    };
    succeeded(&out);
}

/// Runs a narrowing case inside the sandbox and as the control run, and
/// checks that each denial holds inside and fails in the control.
fn narrowing(args: &[&str], denials_expected: usize) {
    let out = probe(args).output().unwrap();
    if unsupported(&out) {
        return;
    }
    succeeded(&out);
    assert_eq!(denials(&out), (denials_expected, 0), "{out:?}");
    let control = probe(args)
        .env("SANDBOXED_TRACE", "dry-run")
        .output()
        .unwrap();
    succeeded(&control);
    assert_eq!(denials(&control), (0, denials_expected), "{control:?}");
}

#[test]
fn a_file_limited_after_entry_stays_limited() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("data");
    std::fs::write(&file, "").unwrap();
    narrowing(&["narrow-file", file.to_str().unwrap()], 7);
}

#[test]
fn a_directory_limited_after_entry_stays_limited() {
    let dir = tempfile::tempdir().unwrap();
    narrowing(&["narrow-dir", dir.path().to_str().unwrap()], 2);
}

#[test]
fn a_file_from_fileargs_limited_after_entry_stays_limited() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("data");
    std::fs::write(&file, "x").unwrap();
    narrowing(&["narrow-fileargs", file.to_str().unwrap()], 1);
}

/// A file open for writing whose rights hold `mmap_r` but not `mmap_w`
/// (`case`): no shared mapping writes it, not even a read one made
/// writable with mprotect(2) (FreeBSD bounds a mapping's maximum
/// protection by the rights: vn_mmap in sys/kern/vfs_vnops.c).
fn read_mappings_only(case: &str, denials_expected: usize) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("data");
    std::fs::write(&file, "original").unwrap();
    let out = probe(&[case, file.to_str().unwrap()]).output().unwrap();
    if unsupported(&out) {
        return;
    }
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "original",
        "{out:?}"
    );
    narrowing(&[case, file.to_str().unwrap()], denials_expected);
}

#[test]
fn a_file_limited_after_entry_to_read_mappings_cannot_be_written_through_one() {
    read_mappings_only("narrow-mmap", 2);
}

#[test]
fn a_file_limited_after_entry_to_read_mappings_is_not_made_executable() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("data");
    std::fs::write(&file, "original").unwrap();
    narrowing(&["narrow-mmapx", file.to_str().unwrap()], 1);
}

#[test]
fn a_file_open_for_ftruncate_with_read_mappings_cannot_be_written_through_one() {
    read_mappings_only("truncate-mmap", 1);
}

#[test]
fn a_rights_set_holds_max_descriptors_at_once() {
    narrowing(&["narrow-max"], 0);
}

#[test]
fn sockets_limited_after_entry_stay_limited() {
    for (trace, expected) in [(None, (2, 0)), (Some("dry-run"), (0, 2))] {
        let Some(out) = serve_with(&["narrow-socket", "127.0.0.1:0"], trace, |addr| {
            let answer = ping(std::net::TcpStream::connect(addr).unwrap());
            assert_eq!(answer, "pong");
        }) else {
            return;
        };
        succeeded(&out);
        assert_eq!(denials(&out), expected, "{out:?}");
    }
}

/// `SANDBOXED_TRACE=1` names a descriptor limited after entry as one
/// (its set's rights), not as an undeclared descriptor.
#[test]
fn a_trace_names_a_descriptor_limited_after_entry() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("data");
    std::fs::write(&file, "").unwrap();
    let out = probe(&["narrow-file", file.to_str().unwrap()])
        .env("SANDBOXED_TRACE", "1")
        .output()
        .unwrap();
    if unsupported(&out) {
        return;
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("limited after entry: it has the rights of its `limits(...)` set"),
        "{stderr}"
    );
    assert!(!stderr.contains("(not a declared one)"), "{stderr}");
}
