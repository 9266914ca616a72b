//! Differential testing: each case runs the reference tool and ours side
//! by side, each in a fresh copy of the same generated scene, through
//! `bash -c` (so that cases can redirect, close or fill the standard
//! streams and pipe into `head`), and compares what a user sees: stdout,
//! the exit status (or the signal), stderr, and the files left behind.

use std::collections::BTreeMap;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Command, Stdio};

/// One case: a scene, a command line with `{tool}` where the tool goes.
pub struct Case {
    /// Shown in failures.
    pub name: String,
    /// Builds the scene in an empty directory (once per test; each run
    /// gets a copy).
    pub scene: fn(&Path),
    /// A bash command line; `{tool}` is replaced by the tool's name (the
    /// reference, found on `PATH`) or our binary's path.
    pub command: String,
    /// Compare modification times of regular files (unzip restores them).
    pub times: bool,
    /// A documented difference from the reference (examples/README.md):
    /// the case runs, its outcome is shown, but a mismatch is expected.
    pub known: Option<&'static str>,
}

impl Case {
    /// A case without times or known difference.
    pub fn new(name: impl Into<String>, scene: fn(&Path), command: impl Into<String>) -> Case {
        Case {
            name: name.into(),
            scene,
            command: command.into(),
            times: false,
            known: None,
        }
    }
}

/// What a run left to see.
#[derive(Debug, PartialEq, Eq)]
pub struct Seen {
    /// Exit status, or `signal N`.
    pub status: String,
    /// Stdout.
    pub stdout: String,
    /// Stderr.
    pub stderr: String,
    /// Every path beneath the scene: kind, mode, size, content digest,
    /// link target (and time when asked).
    pub tree: BTreeMap<String, String>,
}

/// FNV-1a, to keep file contents short in a report.
fn digest(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf29ce484222325u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x100000001b3)
    })
}

fn tree(root: &Path, times: bool) -> BTreeMap<String, String> {
    let mut all = BTreeMap::new();
    let mut todo = vec![root.to_path_buf()];
    while let Some(dir) = todo.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let path = e.path();
            let rel = path.strip_prefix(root).unwrap().display().to_string();
            let Ok(m) = std::fs::symlink_metadata(&path) else {
                continue;
            };
            let mode = m.permissions().mode() & 0o7777;
            let what = if m.file_type().is_symlink() {
                format!("link -> {}", std::fs::read_link(&path).unwrap().display())
            } else if m.is_dir() {
                todo.push(path.clone());
                format!("dir {mode:o}")
            } else if !m.is_file() {
                // A FIFO left behind would block a read; a device has no
                // content of its own.
                format!("special {mode:o}")
            } else {
                let data = std::fs::read(&path).unwrap_or_default();
                let time = if times {
                    // A time of this run (a file the row's script wrote,
                    // a fixture made at start) is "recent": the two
                    // tools' runs may fall in different seconds. Stored
                    // times (an entry's, restored) are years older.
                    let now = std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .map_or(0, |d| d.as_secs() as i64);
                    if m.mtime() > now - 600 {
                        " mtime recent".to_string()
                    } else {
                        format!(" mtime {}", m.mtime())
                    }
                } else {
                    String::new()
                };
                format!(
                    "file {mode:o} {} bytes {:016x}{time}",
                    data.len(),
                    digest(&data)
                )
            };
            all.insert(rel, what);
        }
    }
    all
}

/// Copies `from` into `to` (existing): files with their modes and times,
/// directories, links as links.
fn copy_tree(from: &Path, to: &Path) {
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let (src, dst) = (e.path(), to.join(e.file_name()));
        let m = std::fs::symlink_metadata(&src).unwrap();
        if m.file_type().is_symlink() {
            std::os::unix::fs::symlink(std::fs::read_link(&src).unwrap(), &dst).unwrap();
            continue;
        }
        if m.is_dir() {
            std::fs::create_dir(&dst).unwrap();
            copy_tree(&src, &dst);
        } else {
            std::fs::copy(&src, &dst).unwrap();
        }
        let times = std::fs::FileTimes::new().set_modified(m.modified().unwrap());
        std::fs::File::open(&dst).unwrap().set_times(times).unwrap();
        std::fs::set_permissions(&dst, m.permissions()).unwrap();
    }
}

thread_local! {
    /// Scenes built so far, by builder.
    static SCENES: std::cell::RefCell<Vec<(usize, tempfile::TempDir)>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Runs `case` with `tool` (a name on `PATH` or a path) in a fresh copy of
/// its scene.
pub fn run(case: &Case, tool: &str) -> Seen {
    let dir = tempfile::tempdir().unwrap();
    SCENES.with(|scenes| {
        let mut scenes = scenes.borrow_mut();
        let key = case.scene as usize;
        if !scenes.iter().any(|(k, _)| *k == key) {
            let built = tempfile::tempdir().unwrap();
            (case.scene)(built.path());
            scenes.push((key, built));
        }
        let (_, built) = scenes.iter().find(|(k, _)| *k == key).unwrap();
        copy_tree(built.path(), dir.path());
    });
    let command = case.command.replace("{tool}", tool);
    let out = Command::new("bash")
        .args(["-c", &command])
        .current_dir(dir.path())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let status = match (out.status.code(), out.status.signal()) {
        (Some(c), _) => c.to_string(),
        (None, Some(s)) => format!("signal {s}"),
        _ => "?".into(),
    };
    Seen {
        status,
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        tree: tree(dir.path(), case.times),
    }
}

/// Whether `tool` is installed (as `bash` finds it).
pub fn installed(tool: &str) -> bool {
    let found = Command::new("bash")
        .args(["-c", &format!("command -v {tool}")])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !found {
        eprintln!("skipped: {tool} not installed");
    }
    found
}

/// Runs every case with the reference `reference` and our `ours`; fails
/// listing each mismatch not marked `known`, and each `known` case that
/// no longer differs (its note would be stale). Prints a summary.
pub fn compare(tool: &str, reference: &str, ours: &str, cases: &[Case]) {
    let mut failures = Vec::new();
    let mut known = 0;
    for case in cases {
        let ours_seen = run(case, ours);
        if ours_seen
            .stderr
            .contains("this system cannot enforce the sandbox")
        {
            eprintln!("skipped: {}", ours_seen.stderr.trim());
            return;
        }
        let reference_seen = run(case, reference);
        let same = ours_seen == reference_seen;
        match (same, case.known) {
            (true, None) => {}
            (false, Some(_)) => known += 1,
            (true, Some(why)) => failures.push(format!(
                "{}: `{}` is marked as a known difference ({why}) but matches the reference",
                case.name, case.command
            )),
            (false, None) => failures.push(format!(
                "{}: `{}`\n  reference: {reference_seen:?}\n  ours:      {ours_seen:?}",
                case.name, case.command
            )),
        }
    }
    eprintln!(
        "parity {tool}: {} cases against {reference}, {} known differences",
        cases.len(),
        known
    );
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
