//! Each service in a fresh process (`service_probe`) inside the real
//! sandbox, declared with `#[sandboxed(services(..))]`, from both sides of
//! each limit: the declared operation works, anything outside the limits
//! fails with the capability error (`EPERM` on Linux), and the program
//! itself is denied what the service does for it.

#![cfg(target_os = "linux")]

use std::os::unix::net::UnixDatagram;
use std::time::Duration;

mod services_support;

use services_support::{broker_of, children_of, run_with, scenario_with};

fn scratch(name: &str) -> std::path::PathBuf {
    let dir =
        std::env::temp_dir().join(format!("sandboxed-services-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn run(args: &[&str], env: &[(&str, &std::path::Path)]) -> services_support::Run {
    run_with(args, env, |_, _| {})
}

/// Runs a scenario and checks it passed every check it printed.
fn scenario(args: &[&str], env: &[(&str, &std::path::Path)]) -> String {
    scenario_with(args, env, |label, _| panic!("unexpected pause {label}"))
}

/// A TCP server on 127.0.0.1 that reads two bytes from its first client.
fn server() -> (u16, std::thread::JoinHandle<[u8; 2]>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        let mut buf = [0; 2];
        std::io::Read::read_exact(&mut s, &mut buf).unwrap();
        buf
    });
    (port, server)
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
fn fileargs_descriptors_hold_the_declared_rights() {
    let dir = scratch("fileargs-rights");
    let f = dir.join("limited.txt");
    std::fs::write(&f, "limited\n").unwrap();
    scenario(&["fileargs-rights", f.to_str().unwrap()], &[]);
}

/// The descriptors a `fileargs` channel opens ahead never take the
/// numbers of the program's own opens: with 1, 40 and 100 names, each
/// opened once, 64 are held at once (before, 64, 56 and 1). In dry-run
/// no pool exists and the 65th open succeeds (the control).
#[cfg(target_os = "linux")]
#[test]
fn fileargs_holds_64_descriptors_whatever_was_opened_ahead() {
    let dir = scratch("fileargs-room");
    for count in [1, 40, 100] {
        let names: Vec<String> = (0..count)
            .map(|i| {
                let f = dir.join(format!("f{i}"));
                std::fs::write(&f, "x").unwrap();
                f.to_str().unwrap().to_owned()
            })
            .collect();
        let mut args = vec!["fileargs-room"];
        args.extend(names.iter().map(String::as_str));
        scenario(&args, &[]);
        if count == 100 {
            let out = run(
                &args,
                &[("SANDBOXED_TRACE", std::path::Path::new("dry-run"))],
            );
            assert!(
                out.stdout.contains("failed: more than 200 held")
                    || out.stderr.contains("failed: more than 200 held"),
                "dry-run holds more than 64: {}{}",
                out.stdout,
                out.stderr
            );
        }
    }
}

#[test]
fn fileargs_opens_a_named_directory_whose_read_answers_eisdir() {
    let dir = scratch("fileargs-dir");
    scenario(&["fileargs-dir", dir.to_str().unwrap()], &[]);
}

/// A name redirected after start (a symlink the program makes) into a
/// named directory opens neither the files nor the directories beneath
/// it: the broker's Landlock rule for a named directory lets that
/// directory alone open, and the broker hands out only the named
/// directories. The controls name the file, then the directory, too:
/// the redirected name opens it, and the probe's check fails.
#[test]
fn fileargs_redirected_name_opens_nothing_beneath_a_named_directory() {
    let root = scratch("fileargs-redirect");
    let (w, d) = (root.join("w"), root.join("d"));
    std::fs::create_dir_all(d.join("sub")).unwrap();
    std::fs::create_dir_all(&w).unwrap();
    std::fs::write(d.join("secret"), "secret\n").unwrap();
    let (file, dir) = (w.join("file"), w.join("dir"));
    let args = [
        "fileargs-redirect",
        w.to_str().unwrap(),
        d.to_str().unwrap(),
        file.to_str().unwrap(),
        dir.to_str().unwrap(),
    ];
    scenario(&args, &[]);
    for (named, failure) in [
        ("secret", "failed: a file beneath the named directory"),
        (
            "sub",
            "failed: a directory beneath the named directory through a redirected name should",
        ),
    ] {
        for link in [&file, &dir] {
            let _ = std::fs::remove_file(link);
        }
        let named = d.join(named);
        let mut control = args.to_vec();
        control.push(named.to_str().unwrap());
        let out = run(&control, &[]);
        assert!(
            (out.stdout.clone() + &out.stderr).contains(failure),
            "the redirected name opens a named {}: {}{}",
            named.display(),
            out.stdout,
            out.stderr
        );
    }
}

/// A name to create, redirected after start (a symlink the program
/// makes) to a file beside it, neither opens nor truncates that file,
/// though the broker's Landlock rule for the directory holds for every
/// file beneath it. The control names the file too: the redirected name
/// opens (and truncates) it, and the probe's check fails.
#[test]
fn fileargs_redirected_name_to_create_opens_nothing_beside_it() {
    let w = scratch("fileargs-redirect-create");
    let (new, precious) = (w.join("new"), w.join("precious"));
    let args = [
        "fileargs-redirect-create",
        w.to_str().unwrap(),
        new.to_str().unwrap(),
    ];
    std::fs::write(&precious, "precious\n").unwrap();
    scenario(&args, &[]);
    assert_eq!(std::fs::read_to_string(&precious).unwrap(), "precious\n");
    std::fs::remove_file(&new).unwrap();
    let mut control = args.to_vec();
    control.push(precious.to_str().unwrap());
    let out = run(&control, &[]);
    assert!(
        (out.stdout.clone() + &out.stderr)
            .contains("failed: a file beside a name to create, through the redirected name"),
        "the redirected name opens a named file: {}{}",
        out.stdout,
        out.stderr
    );
}

#[test]
fn fileargs_creates_with_the_declared_mode() {
    use std::os::unix::fs::PermissionsExt;
    let dir = scratch("fileargs-create");
    let new = dir.join("new.txt");
    scenario(&["fileargs-create", new.to_str().unwrap()], &[]);
    assert_eq!(std::fs::read_to_string(&new).unwrap(), "made");
    // SAFETY: umask(2) takes and returns an integer; set back at once.
    let umask = unsafe {
        let m = libc::umask(0);
        libc::umask(m);
        m
    };
    let mode = std::fs::metadata(&new).unwrap().permissions().mode() & 0o7777;
    assert_eq!(mode, 0o640 & !umask, "{mode:o}");
}

#[test]
fn fileargs_missing_argument_is_a_startup_error_worded_after_the_program() {
    let out = run(&["fileargs-arg"], &[]);
    let stderr = &out.stderr;
    assert_eq!(
        out.status.code(),
        Some(sandboxed::SETUP_FAILURE_EXIT),
        "{stderr}"
    );
    assert!(
        stderr
            .ends_with("service_probe: missing command-line argument: argv[2] (for `fileargs`)\n"),
        "{stderr}"
    );
}

/// The broker, seen from outside while the program runs: seccomp,
/// no_new_privs, only its standard streams and its socket; then the program
/// exits without closing anything and the broker follows.
#[test]
fn the_broker_is_confined_and_dies_with_the_program() {
    let mut broker = None;
    scenario_with(&["broker-pid"], &[], |label, probe| {
        assert_eq!(label, "broker");
        let pid = broker_of(probe);
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
        assert!(
            status.contains("Seccomp:\t2"),
            "broker {pid} not under seccomp:\n{status}"
        );
        assert!(status.contains("NoNewPrivs:\t1"), "{status}");
        let fds = services_support::fds(pid);
        // stdin, stdout, stderr and its one socket.
        assert_eq!(fds.len(), 4, "{fds:?}");
        assert!(fds[3].contains("socket:"), "{fds:?}");
        println!("ok: broker {pid} is under seccomp with no_new_privs and 4 descriptors");
        broker = Some(pid);
    });
    let pid = broker.expect("the probe paused");
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

/// Code that took the program over cannot harm its broker (signals,
/// ptrace, its memory, a pidfd, its limits, priority or affinity): each
/// refused in the probe, the broker it named is the probe's child, still
/// alive and unchanged, and this runner (unsandboxed, the control) can
/// signal it.
#[test]
#[cfg(target_os = "linux")]
fn the_program_cannot_act_on_its_broker() {
    let mut found = Vec::new();
    let out =
        scenario_with(&["attack-broker"], &[], |label, probe| {
            assert_eq!(label, "attacked");
            // The broker, and the supervisor of the filter (supervise.rs):
            // both children of the program, both attacked.
            found = children_of(probe);
            assert!(!found.is_empty(), "the probe has no broker");
            for &pid in &found {
                let status = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
                let fields: Vec<&str> = status
                    .rsplit_once(')')
                    .unwrap()
                    .1
                    .split_whitespace()
                    .collect();
                // state, then nice at field 19 (proc(5)), 17th after the name.
                assert_ne!(fields[0], "Z", "the broker died: {status}");
                assert_ne!(fields[0], "t", "the broker is traced: {status}");
                assert_eq!(fields[16], "0", "the broker's nice value changed: {status}");
                // Each helper runs under a seccomp filter of its own (proc(5):
                // `Seccomp: 2`, filter mode).
                let st = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
                assert!(
                    st.lines()
                        .any(|l| l.split_whitespace().collect::<Vec<_>>() == ["Seccomp:", "2"]),
                    "helper {pid} is not under a filter:\n{st}"
                );
                let limits = std::fs::read_to_string(format!("/proc/{pid}/limits")).unwrap();
                assert!(
                    !limits.lines().any(|l| l.starts_with("Max open files")
                        && l.split_whitespace().nth(3) == Some("3")),
                    "the broker's limits changed:\n{limits}"
                );
                // The control: unsandboxed, the same signal 0 reaches it.
                // SAFETY: kill(2) of signal 0 only checks that it may be sent.
                assert_eq!(unsafe { libc::kill(pid as i32, 0) }, 0);
                println!("ok: helper {pid} unharmed; the runner can signal it");
            }
        });
    let named: Vec<u32> = out
        .lines()
        .filter_map(|l| l.strip_prefix("broker: ")?.parse().ok())
        .collect();
    for pid in &found {
        assert!(
            named.contains(pid),
            "the probe did not attack its helper {pid}:\n{out}"
        );
    }
}

#[test]
fn net_connects_to_the_declared_address_only() {
    let (port, server) = server();
    scenario(&["net", &port.to_string()], &[]);
    assert_eq!(&server.join().unwrap(), b"hi");
}

#[test]
fn net_connectdns_connects_only_to_looked_up_addresses() {
    let (port, server) = server();
    scenario(&["net-connectdns", &port.to_string()], &[]);
    assert_eq!(&server.join().unwrap(), b"hi");
}

#[test]
fn net_connectdns_reaches_a_host_declared_with_a_service_on_its_port_only() {
    let (port, server) = server();
    scenario(&["net-connectdns-port", &port.to_string()], &[]);
    assert_eq!(&server.join().unwrap(), b"hi");
}

#[test]
fn net_without_modes_allows_what_its_lists_name_only() {
    let (port, server) = server();
    scenario(&["net-implied", &port.to_string()], &[]);
    assert_eq!(&server.join().unwrap(), b"hi");
}

#[test]
fn net_hosts_limit_the_host_and_the_service() {
    scenario(&["net-hosts"], &[]);
}

#[test]
fn net_binds_the_declared_address_only() {
    scenario(&["net-bind"], &[]);
}

#[test]
fn grp_enumerates_the_allowed_groups_only() {
    scenario(&["grp-ent"], &[]);
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
    let stderr = &out.stderr;
    assert_eq!(
        out.status.code(),
        Some(sandboxed::SETUP_FAILURE_EXIT),
        "{stderr}"
    );
    assert!(
        stderr.contains("sandboxed: service `system.dns`: fork: the process has 2 threads"),
        "{stderr}"
    );
    assert!(!out.stdout.contains("unreachable"));
}
