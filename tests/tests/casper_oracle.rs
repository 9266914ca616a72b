//! The services against libcasper's own rules: each scenario of
//! `casper_probe` runs the real broker in a fresh process behind
//! `#[sandboxed(services(..))]` and expects what libcasper's service
//! (lib/libcasper/services/cap_*/cap_*.c in freebsd-src) answers the same
//! request. The FreeBSD backend's translation of the limits is checked
//! against models of the same functions in
//! `runtime/src/backend/freebsd/casper/limits/`.

#![cfg(target_os = "linux")]

use std::os::unix::net::UnixDatagram;
use std::process::{Command, Output};
use std::time::Duration;

const PROBE: &str = env!("CARGO_BIN_EXE_casper_probe");

fn run(scenario: &str, env: &[(&str, &std::path::Path)]) -> Output {
    let mut cmd = Command::new(PROBE);
    cmd.arg(scenario);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run casper_probe");
    let stdout = String::from_utf8_lossy(&out.stdout);
    print!("{stdout}");
    assert!(
        out.status.success(),
        "scenario {scenario} failed ({}):\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("ok: "), "no check ran:\n{stdout}");
    out
}

/// cap_pwd.c `pwd_getpwnam`, `pwd_pack`, `pwd_allowed_user`,
/// `pwd_command`.
#[test]
fn pwd_answers_as_cap_pwd() {
    run("pwd", &[]);
}

/// cap_pwd.c `pwd_command`: `getpwnam_r` is `getpwnam`'s twin.
#[test]
fn pwd_reentrant_command_allows_its_lookup() {
    run("pwd-reentrant", &[]);
}

/// cap_grp.c `grp_getgrnam`, `grp_pack` (gr_mem), `grp_getgrent`.
#[test]
fn grp_answers_as_cap_grp() {
    run("grp", &[]);
}

/// cap_sysctl.c `sysctl_allowed`, `sysctl_valid`, `sysctl_limit`,
/// `sysctl_command`.
#[test]
fn sysctl_answers_as_cap_sysctl() {
    run("sysctl", &[]);
}

/// cap_dns.c `dns_getaddrinfo`.
#[test]
fn dns_looks_up_any_host_as_cap_dns() {
    run("dns", &[]);
}

fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("sandboxed-casper-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The lines a scenario sent to a socket of the test's own.
fn syslog_lines(sock: &UnixDatagram) -> Vec<String> {
    sock.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut buf = vec![0; 8192];
    let mut lines = Vec::new();
    while let Ok(n) = sock.recv(&mut buf) {
        lines.push(String::from_utf8_lossy(&buf[..n]).into_owned());
        sock.set_read_timeout(Some(Duration::from_millis(300)))
            .unwrap();
    }
    lines
}

/// The message of an RFC 3164 line `<PRI>Mmm dd hh:mm:ss ident: message`.
fn message(line: &str) -> &str {
    line.split_once(": ").map_or("", |(_, m)| m)
}

/// cap_syslog.c `cap_vsyslog` (2048-byte buffer), `slog_openlog`; FreeBSD
/// lib/libc/gen/syslog.c `openlog_unlocked` (a facility with bits outside
/// LOG_FACMASK is ignored) and `vsyslog1` (invalid priority bits reported
/// at INTERNALLOG and dropped); lib/libcasper/libcasper/service.c
/// `service_clean` (the service's stderr is /dev/null, so LOG_PERROR
/// prints nothing).
#[test]
fn syslog_answers_as_cap_syslog() {
    let dir = scratch("syslog");
    let path = dir.join("log");
    let sock = UnixDatagram::bind(&path).unwrap();
    let out = run("syslog", &[("SANDBOXED_SYSLOG_SOCKET", &path)]);
    let lines = syslog_lines(&sock);
    assert_eq!(lines.len(), 4, "{lines:?}");
    let user_notice = libc::LOG_USER | libc::LOG_NOTICE;
    assert!(
        lines[0].starts_with(&format!("<{user_notice}>")),
        "{}",
        lines[0]
    );
    assert_eq!(message(&lines[0]), "kept facility");
    assert_eq!(message(&lines[1]), "m".repeat(2047));
    // INTERNALLOG = LOG_ERR|LOG_CONS|LOG_PERROR|LOG_PID: 35.
    assert!(lines[2].starts_with("<35>"), "{}", lines[2]);
    assert_eq!(
        message(&lines[2]),
        format!(
            "syslog: unknown facility/priority: {:x}",
            (1 << 20) | libc::LOG_NOTICE
        )
    );
    assert!(
        lines[3].starts_with(&format!("<{user_notice}>")),
        "{}",
        lines[3]
    );
    assert_eq!(message(&lines[3]), "masked priority");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("kept facility"),
        "LOG_PERROR printed: {stderr}"
    );
}

/// cap_syslog(3) reports nothing: with no syslogd listening every call
/// still succeeds.
#[test]
fn syslog_without_a_listener_answers_every_call() {
    let dir = scratch("syslog-none");
    run(
        "syslog",
        &[("SANDBOXED_SYSLOG_SOCKET", &dir.join("nobody"))],
    );
}
