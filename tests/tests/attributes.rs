//! The supervisor's path forms of chmod, chown and utimes
//! (runtime/src/backend/linux/supervise.rs) attacked from inside, with
//! every preopened directory holding the rights the calls need, so that
//! the supervisor's own guards must hold: each case of
//! `sandboxed_tests::attributes` runs in a fresh `attributes_probe`
//! entered through the real attribute, and again unsandboxed (the
//! control: the kernel's own answer) in a fresh copy of the world; the
//! two answers and the two worlds after are compared. A denial whose
//! control changes nothing is a test that cannot fail, and fails.

#![cfg(target_os = "linux")]

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Stdio};

use sandboxed_tests::attributes::{self, diff, outside, Case, Expect, Snapshot, World};
use sandboxed_tests::harness::{errno_name, Answer, Report};

const PROBE: &str = env!("CARGO_BIN_EXE_attributes_probe");

/// One run of a case: what the probe answered, the world before and
/// after.
struct Run {
    answer: Answer,
    before: Snapshot,
    after: Snapshot,
}

/// Why the whole suite is skipped: the kernel cannot enforce the sandbox
/// (the backend failed closed).
struct Skipped(String);

/// Runs `case` in mode `mode` (`sandboxed`, `control`) in a fresh world
/// at `root`, `program` preopened for fexecve, `setup` applied to the
/// command.
fn run(
    mode: &str,
    case: &Case,
    root: &Path,
    program: &Path,
    setup: &dyn Fn(&mut Command),
) -> Result<Result<Run, String>, Skipped> {
    let world = match World::build(root) {
        Ok(w) => w,
        Err(e) => return Ok(Err(format!("building the world: {e}"))),
    };
    let before = world.snapshot();
    let mut cmd = Command::new(PROBE);
    cmd.arg(mode)
        .arg(case.name)
        .arg(&world.root)
        .arg(world.path("a"))
        .arg(world.path("b"))
        .arg(program)
        .current_dir(&world.root)
        .env_remove("SANDBOXED_TRACE")
        .stdin(Stdio::null());
    setup(&mut cmd);
    let report = match Report::of(Path::new(PROBE), &mut cmd) {
        Ok(r) => r,
        Err(e) => return Ok(Err(e)),
    };
    if report.stderr.contains("cannot enforce") {
        return Err(Skipped(report.stderr.trim().to_owned()));
    }
    let after = world.snapshot();
    let answer = match report.answer() {
        // An image started by fexecve(3) answers by its exit status.
        Err(_) if report.stdout.contains(attributes::EXEC_MARK) => match report.code {
            Some(0) => Ok(Answer::Ok("0".into())),
            Some(errno) => Ok(Answer::Err {
                errno,
                violation: errno == libc::EACCES,
                text: "the image's exit status".into(),
            }),
            None => Err(format!("the image was killed: {:?}", report.signal)),
        },
        other => other,
    };
    Ok(answer.map(|answer| Run {
        answer,
        before,
        after,
    }))
}

/// The answer as a comparable value: the detail, or the errno.
fn key(a: &Answer) -> Result<&str, i32> {
    match a {
        Answer::Ok(detail) => Ok(detail),
        Answer::Err { errno, .. } => Err(*errno),
    }
}

fn said(a: &Answer) -> String {
    match a {
        Answer::Ok(detail) => format!("ok ({detail})"),
        Answer::Err { errno, .. } => errno_name(*errno),
    }
}

/// Whether the sandboxed run `s` and the control `c` show what `expect`
/// asks; the line to print.
fn check(expect: Expect, s: &Run, c: &Run) -> Result<String, String> {
    let changed = |r: &Run| diff(&r.before, &r.after);
    match expect {
        Expect::AsKernel => {
            if key(&s.answer) != key(&c.answer) {
                return Err(format!(
                    "sandboxed {}, the kernel {}",
                    said(&s.answer),
                    said(&c.answer)
                ));
            }
            let d = diff(&c.after, &s.after);
            if !d.is_empty() {
                return Err(format!("the world differs from the kernel's: {d}"));
            }
            Ok(format!("{} as the kernel", said(&s.answer)))
        }
        Expect::Denied(errnos) => {
            match &s.answer {
                Answer::Err {
                    errno, violation, ..
                } if errnos.contains(errno) => {
                    // Landlock's EXDEV is no errno is_violation claims.
                    let claimed = [libc::EACCES, libc::EPERM].contains(errno);
                    if claimed && !violation {
                        return Err(format!(
                            "{} but is_violation says the kernel refused",
                            errno_name(*errno)
                        ));
                    }
                }
                other => return Err(format!("not denied: {}", said(other))),
            }
            let d = changed(s);
            if !d.is_empty() {
                return Err(format!("denied, but it changed: {d}"));
            }
            let escaped = changed(c);
            if escaped.is_empty() {
                return Err(format!(
                    "the control changed nothing ({}): the case cannot fail",
                    said(&c.answer)
                ));
            }
            Ok(format!(
                "{}; unsandboxed it changes {escaped}",
                said(&s.answer)
            ))
        }
        Expect::Held => {
            if let Answer::Err { errno, text, .. } = &s.answer {
                return Err(format!(
                    "the race did not run: {} {text}",
                    errno_name(*errno)
                ));
            }
            let d = diff(&outside(&s.before), &outside(&s.after));
            if !d.is_empty() {
                return Err(format!("{}; outside changed: {d}", said(&s.answer)));
            }
            let escaped = diff(&outside(&c.before), &outside(&c.after));
            if escaped.is_empty() {
                return Err(format!(
                    "the control changed nothing outside ({}): the race cannot fail",
                    said(&c.answer)
                ));
            }
            Ok(format!(
                "{}; nothing outside changed (unsandboxed: {escaped})",
                said(&s.answer)
            ))
        }
        Expect::Refused => {
            let Answer::Err { errno: kernel, .. } = c.answer else {
                return Err(format!(
                    "the kernel allowed it ({}): the case shows no refusal",
                    said(&c.answer)
                ));
            };
            let d = changed(c);
            if !d.is_empty() {
                return Err(format!("the kernel refused but changed {d}"));
            }
            match s.answer {
                Answer::Err { errno, .. } if errno == kernel || errno == libc::EACCES => {}
                ref other => {
                    return Err(format!(
                        "the kernel refuses ({}), sandboxed {}",
                        errno_name(kernel),
                        said(other)
                    ))
                }
            }
            let d = changed(s);
            if !d.is_empty() {
                return Err(format!("refused, but it changed: {d}"));
            }
            Ok(format!(
                "{} (the kernel: {})",
                said(&s.answer),
                errno_name(kernel)
            ))
        }
        Expect::Limit(want) => {
            if key(&s.answer) != Err(want) {
                return Err(format!(
                    "the documented {} changed: sandboxed {}",
                    errno_name(want),
                    said(&s.answer)
                ));
            }
            let d = changed(s);
            if !d.is_empty() {
                return Err(format!("refused, but it changed: {d}"));
            }
            if key(&c.answer).is_err() {
                return Err(format!("the kernel refuses too ({})", said(&c.answer)));
            }
            Ok(format!(
                "{} where the kernel allows (documented)",
                said(&s.answer)
            ))
        }
    }
}

fn is_root() -> bool {
    // SAFETY: geteuid(2) cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// Runs `cases` with `expect` (each case's own if `None`), sandboxed and
/// as the control, `setup` applied to both commands; the failures.
fn run_cases(
    label: &str,
    cases: &[&Case],
    expect: Option<Expect>,
    setup: &dyn Fn(&mut Command),
) -> Result<Vec<String>, Skipped> {
    let base = std::env::temp_dir().join(format!(
        "sandboxed-attributes-{}-{label}",
        std::process::id()
    ));
    let program = base.join("image");
    std::fs::create_dir_all(&base).unwrap();
    std::fs::write(&program, attributes::chown_image()).unwrap();
    std::fs::set_permissions(&program, std::fs::Permissions::from_mode(0o755)).unwrap();
    let program = program.as_path();
    let mut failures = Vec::new();
    for case in cases {
        if case.root && !is_root() {
            println!(
                "{label} {}: skipped: changes of credentials need root",
                case.name
            );
            continue;
        }
        if case.x86_64 && !cfg!(target_arch = "x86_64") {
            println!("{label} {}: skipped: x86_64 only", case.name);
            continue;
        }
        let s = run("sandboxed", case, &base.join("s"), program, setup)?;
        let c = run("control", case, &base.join("c"), program, setup)?;
        let verdict = match (s, c) {
            (Ok(s), Ok(c)) => check(expect.unwrap_or(case.expect), &s, &c),
            (Err(e), _) => Err(format!("sandboxed run: {e}")),
            (_, Err(e)) => Err(format!("control run: {e}")),
        };
        match verdict {
            Ok(line) => println!("{label} {}: ok: {line}", case.name),
            Err(why) => {
                println!("{label} {}: FAILED: {why}", case.name);
                failures.push(format!("{}: {why}", case.name));
            }
        }
    }
    let _ = std::fs::remove_dir_all(&base);
    Ok(failures)
}

/// Every case answers as documented: as the kernel beneath, `EACCES`
/// where the walk leaves (each escaping in the control), nothing outside
/// changed by the races, never a change the kernel refuses the caller.
#[test]
fn path_forms_answer_as_the_kernel_beneath_and_never_leave() {
    let cases: Vec<&Case> = attributes::all().collect();
    match run_cases("case", &cases, None, &|_| {}) {
        Err(Skipped(why)) => println!("skipped: {why}"),
        Ok(failures) => assert!(
            failures.is_empty(),
            "{} of {} cases failed:\n{}",
            failures.len(),
            cases.len(),
            failures.join("\n")
        ),
    }
}
