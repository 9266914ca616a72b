//! The porting loop, end to end, on small programs that each do one thing
//! their declaration forbids (`tests/porting/*.rs`: a file written through
//! its raw descriptor, a file created beneath a directory, `..`, a path
//! opened from the current directory, connect, bind, an ioctl, a tokio
//! server, std opening cgroup files): each runs with
//! `SANDBOXED_TRACE=dry-run`; the declaration the report proposes replaces
//! the program's attribute and `main`'s parameters verbatim; the programs
//! are built again, and run enforced with `SANDBOXED_TRACE=1`. Then every
//! program compiles, every denial the report says the declaration removes
//! alone is gone, and every denial left is one the report listed as
//! needing the code to change or as allowed by no declaration.
//!
//! The programs are built in a crate of their own under the target
//! directory (two `cargo build`s; the first also builds the dependencies,
//! about a minute on 2 cores, then seconds).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Instant;

const PROGRAMS: &[&str] = &[
    "file",
    "dir",
    "dotdot",
    "path",
    "connect",
    "bind",
    "ioctl",
    "tokio_server",
    "library",
];

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace")
        .to_path_buf()
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("porting")
}

/// Writes a crate with one binary per program.
fn write_crate(stage: &str, sources: &[(String, String)]) -> PathBuf {
    let dir = root().join(stage);
    std::fs::create_dir_all(dir.join("src")).unwrap();
    let mut manifest = format!(
        "[package]\nname = \"porting-{stage}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [dependencies]\nsandboxed = {{ path = {:?} }}\nlibc = \"0.2\"\n\
         tokio = {{ version = \"1\", default-features = false, features = [\"rt-multi-thread\", \"macros\", \"net\"] }}\n\n\
         [workspace]\n",
        workspace().join("runtime")
    );
    for (name, text) in sources {
        std::fs::write(dir.join("src").join(format!("{name}.rs")), text).unwrap();
        manifest.push_str(&format!(
            "\n[[bin]]\nname = \"{name}\"\npath = \"src/{name}.rs\"\n"
        ));
    }
    std::fs::write(dir.join("Cargo.toml"), manifest).unwrap();
    // The workspace's versions, so that nothing is fetched.
    std::fs::copy(workspace().join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    dir
}

fn build(dir: &Path) -> Result<(), String> {
    let out = Command::new(env!("CARGO"))
        .args(["build", "--offline", "--quiet"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", root().join("target"))
        .env_remove("RUSTFLAGS")
        .output()
        .expect("cargo runs");
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

/// A directory with what the programs open: `log.txt`, `data.txt`,
/// `work/`, `secret.txt`.
fn scene() -> PathBuf {
    let dir = root().join("scene");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("work")).unwrap();
    std::fs::write(dir.join("log.txt"), "").unwrap();
    std::fs::write(dir.join("data.txt"), "data").unwrap();
    std::fs::write(dir.join("secret.txt"), "secret").unwrap();
    dir
}

fn run(name: &str, trace: &str) -> Output {
    let bin = root().join("target/debug").join(name);
    Command::new(bin)
        .args(["log.txt", "work"])
        .current_dir(scene())
        .env("SANDBOXED_TRACE", trace)
        .env_remove("RUST_BACKTRACE")
        .env_remove("TOKIO_WORKER_THREADS")
        .output()
        .expect("the program starts")
}

/// Descriptor numbers the steps chose (high ones) as `N`.
fn normalize(call: &str) -> String {
    let mut out = String::new();
    let mut rest = call;
    while let Some(start) = rest.find(|c: char| c.is_ascii_digit()) {
        out.push_str(&rest[..start]);
        let end = rest[start..]
            .find(|c: char| !c.is_ascii_digit())
            .map_or(rest.len(), |e| start + e);
        let number = &rest[start..end];
        let high = number.parse::<u32>().is_ok_and(|n| n >= 512);
        out.push_str(if high { "N" } else { number });
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// What a dry-run report proposes.
#[derive(Debug, Default)]
struct Proposal {
    attribute: String,
    params: String,
    alone: Vec<String>,
    code: Vec<String>,
    none: Vec<String>,
}

fn proposal(stderr: &str) -> Proposal {
    let mut p = Proposal::default();
    let mut section = "";
    for line in stderr.lines() {
        if line.starts_with("sandboxed: dry-run: the declaration with") {
            section = "attribute";
            continue;
        }
        if let Some(title) = line.strip_prefix("sandboxed: dry-run: ") {
            section = if title.starts_with("removed by that declaration alone") {
                "alone"
            } else if title.starts_with("that declaration allows") {
                "code"
            } else if title.starts_with("no declaration allows") {
                "none"
            } else {
                ""
            };
            continue;
        }
        let call = |l: &str| normalize(l.trim().rsplit_once(" in ").map_or(l.trim(), |(c, _)| c));
        match section {
            "attribute" => {
                if let Some(params) = line.strip_prefix("fn main(") {
                    p.params = params.trim_end_matches(')').to_owned();
                    section = "";
                } else {
                    p.attribute.push_str(line);
                    p.attribute.push('\n');
                }
            }
            "alone" => p.alone.push(call(line)),
            "code" => p.code.push(call(line)),
            "none" => p.none.push(call(line)),
            _ => {}
        }
    }
    p
}

/// The denied calls of a `SANDBOXED_TRACE=1` run.
fn denials(stderr: &str) -> Vec<String> {
    stderr
        .lines()
        .filter_map(|l| l.strip_prefix("sandboxed: denied "))
        .map(|l| normalize(l.rsplit_once(" -> ").map_or(l, |(c, _)| c)))
        .collect()
}

/// `source` with its attribute and `main`'s parameters replaced.
fn paste(source: &str, p: &Proposal) -> String {
    let start = source
        .find("#[sandboxed::sandboxed(")
        .expect("an attribute");
    let end = start
        + source[start..].find("\n)]\n").map_or_else(
            || source[start..].find(")]\n").expect("its end") + 3,
            |i| i + 4,
        );
    let mut out = format!("{}{}{}", &source[..start], p.attribute, &source[end..]);
    let open = out.find("fn main(").expect("main") + "fn main(".len();
    let close = open + out[open..].find(')').expect("its parameters");
    out.replace_range(open..close, &p.params);
    out
}

#[test]
fn proposals_pasted_verbatim_compile_and_remove_what_they_claim() {
    if !cfg!(all(target_os = "linux", target_arch = "x86_64")) {
        println!("skipped: the round trip runs the Linux backend");
        return;
    }
    let started = Instant::now();
    let fixtures = workspace().join("tests/porting");
    let sources: Vec<(String, String)> = PROGRAMS
        .iter()
        .map(|n| {
            let text = std::fs::read_to_string(fixtures.join(format!("{n}.rs"))).unwrap();
            ((*n).to_owned(), text)
        })
        .collect();
    let before = write_crate("before", &sources);
    if let Err(e) = build(&before) {
        panic!("the programs do not build:\n{e}");
    }
    let probe = run("path", "1");
    if String::from_utf8_lossy(&probe.stderr).contains("cannot enforce") {
        println!("skipped: {}", String::from_utf8_lossy(&probe.stderr).trim());
        return;
    }
    let mut proposals = Vec::new();
    let mut pasted = Vec::new();
    for (name, text) in &sources {
        let out = run(name, "dry-run");
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(out.status.success(), "{name}: {stderr}");
        let p = proposal(&stderr);
        assert!(
            !(p.alone.is_empty() && p.code.is_empty() && p.none.is_empty()),
            "{name}: nothing reported:\n{stderr}"
        );
        // Where nothing can be declared, the program stays as it is.
        let text = if p.attribute.is_empty() {
            text.clone()
        } else {
            paste(text, &p)
        };
        pasted.push((name.clone(), text));
        proposals.push((name.clone(), p, stderr));
    }
    let after = write_crate("after", &pasted);
    if let Err(e) = build(&after) {
        let all: Vec<String> = pasted
            .iter()
            .map(|(n, t)| format!("--- {n}\n{t}"))
            .collect();
        panic!(
            "a pasted proposal does not compile:\n{e}\n{}",
            all.join("\n")
        );
    }
    let (mut removed, mut left) = (0, 0);
    for (name, p, report) in &proposals {
        let out = run(name, "1");
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        let seen = denials(&stderr);
        for call in &p.alone {
            assert!(
                !seen.contains(call),
                "{name}: {call} is said to be removed by the declaration alone, and is still denied:\n{stderr}\nreport:\n{report}"
            );
            removed += 1;
        }
        for call in &seen {
            assert!(
                p.code.contains(call) || p.none.contains(call),
                "{name}: {call} is denied after the paste, and the report did not say so:\n{stderr}\nreport:\n{report}"
            );
            left += 1;
        }
    }
    println!(
        "{} programs: {removed} denials removed by the pasted declarations alone, {left} left as the reports said (needing code changes or allowed by none); {:.0?}",
        PROGRAMS.len(),
        started.elapsed()
    );
}
