//! The children the supervisor makes for calls that wait (runtime
//! supervise/sent.rs: a send waiting for room; supervise/opened.rs: an
//! open waiting for a lease to be broken) do not outlive their caller,
//! and the supervisor answers other calls while they wait
//! (`waiter_probe`). The program ends with its call still waiting:
//! every process below it (the supervisor and its children) must be gone
//! soon after (each child looks every 100 ms whether its caller still
//! waits, `SECCOMP_IOCTL_NOTIF_ID_VALID`, seccomp_unotify(2)), and for a
//! send the peer of the socket sees its end of file once the last copy
//! of the program's socket, the waiting child's, is closed. The kernel
//! is the control: the same probe run in dry-run.

#![cfg(target_os = "linux")]

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader, Read};
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::net::UnixStream;
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Every process's parent, from /proc/PID/stat.
fn parents() -> HashMap<u32, u32> {
    let mut out = HashMap::new();
    for e in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = e.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(e.path().join("stat")) else {
            continue;
        };
        // After the command's closing parenthesis: state, then ppid.
        let Some(rest) = stat.rsplit_once(')').map(|(_, r)| r) else {
            continue;
        };
        if let Some(ppid) = rest.split_whitespace().nth(1).and_then(|p| p.parse().ok()) {
            out.insert(pid, ppid);
        }
    }
    out
}

/// The processes below `pid` (its children, theirs, ...).
fn descendants(pid: u32) -> HashSet<u32> {
    let parents = parents();
    let mut found: HashSet<u32> = HashSet::new();
    let mut grew = true;
    while grew {
        grew = false;
        for (&p, &pp) in &parents {
            if (pp == pid || found.contains(&pp)) && found.insert(p) {
                grew = true;
            }
        }
    }
    found
}

/// Whether process `pid` still exists as one of the probe's (its command
/// name, so that a number reused by another program does not count).
fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/comm")).is_ok_and(|c| c.trim() == "waiter_probe")
}

/// What a run showed.
#[derive(Debug, PartialEq)]
struct Run {
    answered_meanwhile: bool,
    /// Processes below the probe while its call waited.
    below: usize,
    /// Those still there 2 s after the probe ended.
    left: Vec<u32>,
    /// For a send: whether the peer, drained after that, saw its end of
    /// file within 2 s.
    eof: Option<bool>,
}

/// Runs `waiter_probe DIR args...` (enforced, or under `trace`), with
/// `sock` as its descriptor 3 if given; `peer` is read for end of file.
fn run(args: &[&str], sock: Option<OwnedFd>, peer: Option<UnixStream>, trace: Option<&str>) -> Run {
    let dir = std::env::temp_dir().join(format!(
        "sandboxed-waiters-{}-{}-{}",
        std::process::id(),
        args[0],
        trace.unwrap_or("enforced")
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_waiter_probe"));
    cmd.arg(&dir)
        .args(args)
        .stdout(Stdio::piped())
        .env_remove("SANDBOXED_TRACE");
    if let Some(t) = trace {
        cmd.env("SANDBOXED_TRACE", t);
    }
    if let Some(s) = &sock {
        let raw = s.as_raw_fd();
        // SAFETY: between fork and exec only dup2(2), async-signal-safe;
        // nothing is allocated.
        unsafe {
            cmd.pre_exec(move || {
                if libc::dup2(raw, 3) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
    }
    let mut child = cmd.spawn().unwrap();
    drop(sock);
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut answered_meanwhile = false;
    let mut line = String::new();
    while out.read_line(&mut line).unwrap() > 0 {
        if line.trim() == "case answered_meanwhile 1" {
            answered_meanwhile = true;
        }
        if line.trim() == "ready" {
            break;
        }
        line.clear();
    }
    let below = descendants(child.id());
    let status = child.wait().unwrap();
    assert!(status.success(), "the probe failed: {status}");
    let start = Instant::now();
    let mut left: Vec<u32> = below.iter().copied().filter(|&p| alive(p)).collect();
    while !left.is_empty() && start.elapsed() < Duration::from_secs(2) {
        std::thread::sleep(Duration::from_millis(50));
        left.retain(|&p| alive(p));
    }
    // Only then drained: a child that outlived its caller would get room
    // from the drain, send, and end.
    let eof = peer.map(|mut p| {
        p.set_read_timeout(Some(Duration::from_millis(100)))
            .unwrap();
        let start = Instant::now();
        let mut buf = vec![0u8; 1 << 16];
        loop {
            match p.read(&mut buf) {
                Ok(0) => break true,
                Ok(_) => {}
                Err(_) if start.elapsed() > Duration::from_secs(2) => break false,
                Err(_) => {}
            }
        }
    });
    let _ = std::fs::remove_dir_all(&dir);
    Run {
        answered_meanwhile,
        below: below.len(),
        left,
        eof,
    }
}

#[test]
fn a_waiting_sends_child_ends_with_its_caller() {
    let go = |trace| {
        let (ours, theirs) = UnixStream::pair().unwrap();
        run(&["send"], Some(OwnedFd::from(theirs)), Some(ours), trace)
    };
    let control = go(Some("dry-run"));
    let enforced = go(None);
    println!("send: kernel {control:?}, sandboxed {enforced:?}");
    assert!(
        control.answered_meanwhile && control.eof == Some(true),
        "{control:?}"
    );
    // The supervisor and its waiting child at least.
    assert!(enforced.below >= 2, "no child waited: {enforced:?}");
    assert!(enforced.answered_meanwhile, "{enforced:?}");
    assert!(
        enforced.left.is_empty(),
        "outlived the program: {enforced:?}"
    );
    assert_eq!(
        enforced.eof,
        Some(true),
        "the socket outlived the program: {enforced:?}"
    );
}

#[test]
fn a_lease_waiting_opens_child_ends_with_its_caller() {
    let go = |trace: Option<&str>| {
        // The file lies beneath the probe's directory, made by `run`.
        let tag = trace.unwrap_or("enforced");
        let dir = std::env::temp_dir().join(format!(
            "sandboxed-waiters-{}-lease-{tag}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("leased");
        std::fs::write(&file, b"leased").unwrap();
        // Holds the lease well past the probe's end (at most 10 s for
        // the break to be asked, then 4 s).
        let (mut holder, _out) = sandboxed_tests::lease_holder(
            std::path::Path::new(env!("CARGO_BIN_EXE_lease_holder")),
            &file,
            Some(4000),
        );
        let r = run(&["lease", "leased"], None, None, trace);
        let _ = holder.kill();
        let _ = holder.wait();
        r
    };
    let control = go(Some("dry-run"));
    let enforced = go(None);
    println!("lease: kernel {control:?}, sandboxed {enforced:?}");
    assert!(control.answered_meanwhile, "{control:?}");
    assert!(enforced.below >= 2, "no child waited: {enforced:?}");
    assert!(enforced.answered_meanwhile, "{enforced:?}");
    assert!(
        enforced.left.is_empty(),
        "outlived the program: {enforced:?}"
    );
}
