//! Each service in a fresh process (`service_probe`), from both sides of
//! each limit: the declared operation works, anything outside the limits
//! fails with the capability error (`EPERM` on Linux).

#![cfg(target_os = "linux")]

use std::os::unix::net::UnixDatagram;
use std::process::{Command, Output};
use std::time::Duration;

const PROBE: &str = env!("CARGO_BIN_EXE_service_probe");

fn scratch(name: &str) -> std::path::PathBuf {
    let dir =
        std::env::temp_dir().join(format!("sandboxed-services-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn run(args: &[&str], env: &[(&str, &std::path::Path)]) -> Output {
    let mut cmd = Command::new(PROBE);
    cmd.args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run service_probe")
}

/// Runs a scenario and checks it passed every check it printed.
fn scenario(args: &[&str], env: &[(&str, &std::path::Path)]) -> String {
    let out = run(args, env);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    print!("{stdout}");
    assert!(
        out.status.success(),
        "scenario {args:?} failed ({}):\n{stdout}\n{stderr}",
        out.status
    );
    assert!(stdout.contains("ok: "), "no check ran:\n{stdout}");
    stdout
}

#[test]
fn dns_resolves_localhost_and_refuses_undeclared_types_and_families() {
    scenario(&["dns"], &[]);
}

#[test]
fn dns_reverse_lookup_and_narrowing() {
    scenario(&["dns-reverse"], &[]);
}

#[test]
fn pwd_looks_up_root_within_commands_fields_and_users() {
    scenario(&["pwd"], &[]);
}

#[test]
fn grp_looks_up_gid_0_within_its_limits() {
    scenario(&["grp"], &[]);
}

#[test]
fn sysctl_reads_declared_proc_sys_entries_only() {
    scenario(&["sysctl"], &[]);
}

#[test]
fn fileargs_opens_named_files_only() {
    let dir = scratch("fileargs");
    let a = dir.join("a.txt");
    let b = dir.join("b.txt");
    std::fs::write(&a, "first file\n").unwrap();
    std::fs::write(&b, "second\n").unwrap();
    scenario(&["fileargs", a.to_str().unwrap(), b.to_str().unwrap()], &[]);
}

#[test]
fn fileargs_missing_argument_is_a_startup_error_naming_the_service() {
    let out = run(&["fileargs-arg"], &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(sandboxed::SETUP_FAILURE_EXIT),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "sandboxed: service `system.fileargs`: fileargs_init: argv[2]: missing command-line argument"
        ),
        "{stderr}"
    );
}

#[test]
fn the_broker_dies_with_the_program() {
    let out = scenario(&["broker-pid"], &[]);
    let pid: u32 = out
        .lines()
        .find_map(|l| l.strip_prefix("broker: "))
        .expect("broker pid printed")
        .parse()
        .unwrap();
    let gone = (0..100).any(|_| {
        let alive =
            std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|s| !s.contains(") Z "));
        if alive {
            std::thread::sleep(Duration::from_millis(20));
        }
        !alive
    });
    assert!(gone, "broker {pid} outlived its program");
}

#[test]
fn net_connects_to_the_declared_address_only() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        let mut buf = [0; 2];
        std::io::Read::read_exact(&mut s, &mut buf).unwrap();
        buf
    });
    scenario(&["net", &port.to_string()], &[]);
    assert_eq!(&server.join().unwrap(), b"hi");
}

#[test]
fn syslog_writes_rfc3164_lines_to_the_configured_socket() {
    let dir = scratch("syslog");
    let path = dir.join("log");
    let sock = UnixDatagram::bind(&path).unwrap();
    sock.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    scenario(&["syslog"], &[("SANDBOXED_SYSLOG_SOCKET", &path)]);
    let mut buf = [0; 1024];
    let mut lines = Vec::new();
    while let Ok(n) = sock.recv(&mut buf) {
        lines.push(String::from_utf8_lossy(&buf[..n]).into_owned());
        sock.set_read_timeout(Some(Duration::from_millis(200)))
            .unwrap();
    }
    assert_eq!(lines.len(), 2, "{lines:?}");
    // <PRI>Mmm dd hh:mm:ss ident[pid]: message; PRI = LOG_DAEMON|LOG_NOTICE.
    let pri = libc::LOG_DAEMON | libc::LOG_NOTICE;
    let first = &lines[0];
    assert!(first.starts_with(&format!("<{pri}>")), "{first}");
    let rest = &first[first.find('>').unwrap() + 1..];
    assert_eq!(rest.as_bytes()[3], b' ', "{first}");
    assert_eq!(&rest[9..10], ":", "{first}");
    assert!(rest[16..].starts_with("probe["), "{first}");
    assert!(rest.ends_with("]: hello from the sandbox"), "{first}");
    // The masked LOG_INFO line never arrived; the LOG_ERR one did.
    assert!(lines[1].ends_with(": second"), "{lines:?}");
}

#[test]
fn services_refuse_to_start_in_a_multithreaded_process() {
    let out = run(&["threads"], &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(sandboxed::SETUP_FAILURE_EXIT),
        "{stderr}"
    );
    assert!(
        stderr.contains("sandboxed: service `system.dns`: fork: the process has 2 threads"),
        "{stderr}"
    );
    assert!(!String::from_utf8_lossy(&out.stdout).contains("unreachable"));
}
