//! Runs `service_probe` scenarios and looks at the probe and its broker
//! from outside: inside the sandbox /proc is out of reach.

#![allow(dead_code)] // each test file uses part of it

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};

pub const PROBE: &str = env!("CARGO_BIN_EXE_service_probe");

/// What a scenario printed, and how it ended.
pub struct Run {
    pub stdout: String,
    pub stderr: String,
    pub status: std::process::ExitStatus,
}

/// Runs `service_probe ARGS` with `env`; at each `pause: LABEL` line calls
/// `at_pause(LABEL, probe pid)` and then lets the probe go on.
pub fn run_with(
    args: &[&str],
    env: &[(&str, &std::path::Path)],
    mut at_pause: impl FnMut(&str, u32),
) -> Run {
    let mut cmd = Command::new(PROBE);
    cmd.args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("run service_probe");
    let pid = child.id();
    let mut stdin = child.stdin.take();
    let mut err = child.stderr.take().unwrap();
    let stderr = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err.read_to_string(&mut s);
        s
    });
    let mut stdout = String::new();
    for line in BufReader::new(child.stdout.take().unwrap()).lines() {
        let line = line.expect("probe output");
        println!("{line}");
        if let Some(label) = line.strip_prefix("pause: ") {
            at_pause(label, pid);
            if let Some(s) = stdin.as_mut() {
                s.write_all(b"\n").expect("resume the probe");
            }
        }
        stdout.push_str(&line);
        stdout.push('\n');
    }
    drop(stdin);
    let status = child.wait().unwrap();
    Run {
        stdout,
        stderr: stderr.join().unwrap(),
        status,
    }
}

/// Runs a scenario and checks it passed every check it printed.
pub fn scenario_with(
    args: &[&str],
    env: &[(&str, &std::path::Path)],
    at_pause: impl FnMut(&str, u32),
) -> String {
    let run = run_with(args, env, at_pause);
    assert!(
        run.status.success(),
        "scenario {args:?} failed ({}):\n{}\n{}",
        run.status,
        run.stdout,
        run.stderr
    );
    assert!(run.stdout.contains("ok: "), "no check ran:\n{}", run.stdout);
    run.stdout
}

/// The children of `parent` (its broker and its supervisor), from
/// /proc.
pub fn children_of(parent: u32) -> Vec<u32> {
    std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|s| {
                s.rsplit_once(')')
                    .and_then(|(_, rest)| rest.split_whitespace().nth(1)?.parse::<u32>().ok())
                    == Some(parent)
            })
        })
        .collect()
}

/// The pid of the first child of `parent` (its broker), from /proc.
pub fn broker_of(parent: u32) -> u32 {
    let children = std::fs::read_to_string(format!("/proc/{parent}/task/{parent}/children"))
        .ok()
        .and_then(|c| c.split_whitespace().next()?.parse().ok());
    if let Some(pid) = children {
        return pid;
    }
    // Without CONFIG_PROC_CHILDREN: the first process whose ppid is
    // `parent` (the broker is forked before the supervisor).
    children_of(parent)
        .into_iter()
        .min()
        .expect("the probe has a broker child")
}

/// The targets of a process's open descriptors, sorted.
pub fn fds(pid: u32) -> Vec<String> {
    let mut fds: Vec<String> = std::fs::read_dir(format!("/proc/{pid}/fd"))
        .unwrap()
        .filter_map(|e| {
            let e = e.ok()?;
            let target = std::fs::read_link(e.path()).ok()?;
            Some(format!(
                "{} -> {}",
                e.file_name().to_string_lossy(),
                target.display()
            ))
        })
        .collect();
    fds.sort();
    fds
}
