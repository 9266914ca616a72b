//! `sandboxed::is_violation` measured on a corpus of real denials and
//! ordinary errors (`violation_probe`), enforced and in dry-run, as root
//! and as the unprivileged `nobody` (the probe runs with setuid(2) to it
//! when the runner is root): no false positive, no false negative; and the
//! raw-descriptor cases whose errno cannot say who refused, answered as
//! `sandboxed::is_violation`'s docs say.

use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::Command;

const PROBE: &str = env!("CARGO_BIN_EXE_violation_probe");

/// `root/dir/{plain, secret (000), out_link → /etc/hostname}`, `root/outside`.
fn scene() -> PathBuf {
    let root = std::env::temp_dir().join(format!("sandboxed-is-violation-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let dir = root.join("dir");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("plain"), "plain").unwrap();
    std::fs::write(dir.join("secret"), "secret").unwrap();
    std::fs::write(root.join("outside"), "outside").unwrap();
    std::os::unix::fs::symlink("/etc/hostname", dir.join("out_link")).unwrap();
    for d in [&root, &dir] {
        std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    std::fs::set_permissions(dir.join("secret"), std::fs::Permissions::from_mode(0o000)).unwrap();
    root
}

struct Case {
    name: String,
    errno: Option<i32>,
    violation: bool,
    kind: String,
}

fn run(dir: &std::path::Path, trace: Option<&str>, nobody: bool) -> Result<Vec<Case>, String> {
    let mut cmd = Command::new(PROBE);
    cmd.arg(dir).env_remove("SANDBOXED_TRACE");
    if let Some(t) = trace {
        cmd.env("SANDBOXED_TRACE", t);
    }
    if nobody {
        cmd.uid(65534).gid(65534);
    }
    let out = cmd.output().map_err(|e| e.to_string())?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    if stderr.contains("cannot enforce") {
        return Err(format!("skipped: {}", stderr.trim()));
    }
    if !out.status.success() {
        return Err(format!("the probe failed: {stderr}"));
    }
    Ok(String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| {
            let mut w = l.strip_prefix("case ")?.split(' ');
            let name = w.next()?.to_owned();
            let errno = w.next()?;
            let violation = w.next()? == "1";
            let kind = w.next()?.to_owned();
            Some(Case {
                name,
                errno: errno.parse().ok(),
                violation,
                kind,
            })
        })
        .collect())
}

#[test]
fn is_violation_is_true_exactly_when_the_sandbox_refused() {
    if !cfg!(all(target_os = "linux", target_arch = "x86_64")) {
        println!("skipped: the corpus runs the Linux backend");
        return;
    }
    let root = scene();
    let dir = root.join("dir");
    // SAFETY: geteuid(2) cannot fail.
    let as_root = unsafe { libc::geteuid() } == 0;
    let users: &[(bool, &str)] = if as_root {
        &[(false, "root"), (true, "nobody")]
    } else {
        println!("note: not root: the corpus runs as this user only");
        &[(false, "this user")]
    };
    let (mut denials, mut ordinary, mut raw) = (0, 0, 0);
    let mut wrong = Vec::new();
    for &(nobody, who) in users {
        for trace in [None, Some("dry-run")] {
            let cases = match run(&dir, trace, nobody) {
                Ok(c) => c,
                Err(e) if e.starts_with("skipped") => {
                    println!("{e}");
                    let _ = std::fs::remove_dir_all(&root);
                    return;
                }
                Err(e) => panic!("{who}, {trace:?}: {e}"),
            };
            assert!(cases.len() >= 14, "{who}, {trace:?}: {} cases", cases.len());
            for c in cases {
                let Some(errno) = c.errno else { continue };
                let at = format!(
                    "{who}, SANDBOXED_TRACE={trace:?}: {} (errno {errno})",
                    c.name
                );
                match c.kind.as_str() {
                    "denial" => {
                        denials += 1;
                        if !c.violation {
                            wrong.push(format!("false negative: {at}"));
                        }
                    }
                    "ordinary" => {
                        ordinary += 1;
                        if c.violation {
                            wrong.push(format!("false positive: {at}"));
                        }
                    }
                    _ => {
                        // Documented: a raw EACCES/EPERM inside counts, a
                        // raw EBADF does not.
                        raw += 1;
                        let documented =
                            trace.is_none() && matches!(errno, libc::EACCES | libc::EPERM);
                        if c.violation != documented {
                            wrong.push(format!("not as documented: {at}: {}", c.violation));
                        }
                    }
                }
            }
        }
    }
    let _ = std::fs::remove_dir_all(&root);
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    println!(
        "is_violation corpus ({}): {denials} denials, {ordinary} ordinary errors: 0 false positives, 0 false negatives; {raw} raw-descriptor errors answered as documented",
        users.iter().map(|u| u.1).collect::<Vec<_>>().join(" and ")
    );
}
