//! Running cases and other items, each in a fresh process, with
//! libtest-like output.

use std::io::{self, Write};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use super::{differences, errno_name, landlock_abi, Case, Expect, Report, World};

/// Runs one case in a fresh world and a fresh probe process.
pub fn run_case(probe: &Path, case: &Case) -> Result<Report, String> {
    let mut world = World::new().map_err(|e| format!("building the world: {e}"))?;
    let mut cmd = world
        .command(probe, case.name)
        .map_err(|e| format!("preparing the probe: {e}"))?;
    let report = Report::of(probe, &mut cmd)?;
    if let Some(reason) = refused_for_lack(&report) {
        // It failed closed: the body never ran, nothing may have changed.
        world
            .intact(&[])
            .map_err(|e| format!("outside changed: {e}"))?;
        if report.outcome.is_some() {
            return Err(format!("the body ran although entry failed: {reason}"));
        }
        let abi = landlock_abi();
        if abi >= 6 {
            return Err(format!(
                "the backend refused to run although the kernel has Landlock ABI {abi}: {reason}"
            ));
        }
        return Ok(Report {
            skipped: Some(reason),
            ..report
        });
    }
    let mut failures = Vec::new();
    if let Err(e) = case.expect.verify(&report) {
        failures.push(e);
    }
    if let Err(e) = world.intact(case.changes) {
        failures.push(format!("outside changed: {e}"));
    }
    if let Some(check) = case.check {
        if let Err(e) = check(&mut world, &report) {
            failures.push(e);
        }
    }
    if failures.is_empty() {
        Ok(report)
    } else {
        Err(failures.join("\n    "))
    }
}

/// The backend's one-line refusal when the kernel lacks what the sandbox
/// needs (`on_unsupported = "deny"`, exit 71), if that is how the probe
/// ended.
fn refused_for_lack(report: &Report) -> Option<String> {
    (report.code == Some(sandboxed::SETUP_FAILURE_EXIT)
        && report.stderr.contains("cannot enforce the sandbox"))
    .then(|| report.stderr.trim().to_owned())
}

/// Runs one denial case WITHOUT the sandbox (`baseline_probe`) and checks
/// that the kernel alone does not give the documented denial: otherwise the
/// case could not fail.
pub fn run_baseline(baseline: &Path, case: &Case) -> Result<String, String> {
    let (Expect::Denied(want) | Expect::Refused(want)) = case.expect else {
        return Ok("not a denial".into());
    };
    let mut world = World::new().map_err(|e| format!("building the world: {e}"))?;
    let output = world
        .command(baseline, case.name)
        .map_err(|e| format!("preparing the probe: {e}"))?
        .output()
        .map_err(|e| format!("starting {}: {e}", baseline.display()))?;
    // Cleans up (unmounts) what a case left; differences are expected.
    let _ = world.intact(case.changes);
    let stdout = String::from_utf8_lossy(&output.stdout);
    match stdout.lines().find_map(|l| l.strip_prefix("outcome: ")) {
        None => Ok(format!(
            "unsandboxed: no outcome (exit {:?})",
            output.status.code()
        )),
        Some(line) => {
            let errno = line
                .strip_prefix("err ")
                .and_then(|r| r.split(' ').next())
                .and_then(|e| e.parse::<i32>().ok());
            match errno {
                Some(e) if want.contains(&e) => Err(format!(
                    "unsandboxed, the kernel answers {} too: the case cannot fail ({line})",
                    errno_name(e)
                )),
                _ => Ok(format!("unsandboxed: {line}")),
            }
        }
    }
}

/// Runs `cases` (filtered by the command-line arguments that are not
/// flags) and prints one libtest-like line each, then a summary. Returns
/// whether all passed.
pub fn run_all(suite: &str, probe: &Path, baseline: Option<&Path>, cases: &[Case]) -> bool {
    run_items(&case_items(suite, probe, baseline, cases))
}

/// The items of [`run_all`], to run with others in one [`run_items`].
pub fn case_items<'a>(
    suite: &'a str,
    probe: &'a Path,
    baseline: Option<&'a Path>,
    cases: &'a [Case],
) -> Vec<Item<'a>> {
    cases
        .iter()
        .map(|case| Item {
            name: format!("{suite}::{}::{}", case.promise.tag(), case.name),
            documented: case.documented,
            run: Box::new(move || {
                if let Some(reason) = case.skip.and_then(|f| f()) {
                    return Ok(Outcome::Skipped(reason));
                }
                match baseline {
                    None => run_case(probe, case).map(|r| match r.skipped {
                        Some(reason) => Outcome::Skipped(reason),
                        None => Outcome::Passed(String::new()),
                    }),
                    Some(b) => {
                        run_baseline(b, case).map(|seen| Outcome::Passed(format!(" ({seen})")))
                    }
                }
            }),
        })
        .collect()
}

/// How a case that did not fail ended.
#[derive(Debug)]
pub enum Outcome {
    /// It passed; the note is printed after `ok`.
    Passed(String),
    /// It could not run here, for this reason.
    Skipped(String),
}

/// One line of a suite run: the case's full name, the "Linux vs Capsicum"
/// row that documents its failure as a known difference (if one does), and
/// how to run it (`Err`: why it failed).
pub struct Item<'a> {
    /// `suite::group::case`.
    pub name: String,
    /// The documented difference a failure stands for.
    pub documented: Option<&'a str>,
    /// Runs the case.
    #[allow(clippy::type_complexity)]
    pub run: Box<dyn Fn() -> Result<Outcome, String> + Send + Sync + 'a>,
}

impl std::fmt::Debug for Item<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Item")
            .field("name", &self.name)
            .field("documented", &self.documented)
            .finish()
    }
}

/// Runs `items` (filtered by the command-line arguments that are not
/// flags, as substrings of their names), a few at a time, and prints one
/// libtest-like line each, then a summary. A failure of an item with a
/// documented difference is a `KNOWN DIFFERENCE` unless `--strict` is
/// given. Returns whether all passed.
pub fn run_items(items: &[Item<'_>]) -> bool {
    let filters: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let selected: Vec<&Item<'_>> = items
        .iter()
        .filter(|i| filters.is_empty() || filters.iter().any(|f| i.name.contains(f.as_str())))
        .collect();
    // A documented case names one of the table's kinds, so that a run
    // counts kinds, not spellings.
    let strays: Vec<&str> = items
        .iter()
        .filter(|i| i.documented.is_some_and(|d| !differences::ALL.contains(&d)))
        .map(|i| i.name.as_str())
        .collect();
    if !strays.is_empty() {
        println!("test documented_kinds ... FAILED: not a kind of the table: {strays:?}");
        return false;
    }
    println!("\nrunning {} tests", selected.len());
    let strict = std::env::args().any(|a| a == "--strict");
    // Cases are independent (each has its own world), so run a few at a
    // time; `ESCAPE_JOBS=1` runs them one by one.
    let jobs = std::env::var("ESCAPE_JOBS")
        .ok()
        .and_then(|j| j.parse().ok())
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get().min(4)))
        .max(1);
    let next = AtomicUsize::new(0);
    let tally = std::sync::Mutex::new((0usize, Vec::new(), 0usize, Vec::new()));
    let start = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            scope.spawn(|| {
                while let Some(item) = selected.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let full = &item.name;
                    let result = (item.run)();
                    let mut t = tally.lock().expect("tally");
                    let line = match result {
                        Ok(Outcome::Skipped(reason)) => {
                            t.2 += 1;
                            format!("test {full} ... skipped: {reason}")
                        }
                        Ok(Outcome::Passed(note)) => {
                            t.0 += 1;
                            format!("test {full} ... ok{note}")
                        }
                        Err(why) => match item.documented {
                            Some(row) if !strict => {
                                t.3.push((full.clone(), row));
                                format!("test {full} ... KNOWN DIFFERENCE ({row})\n    {why}")
                            }
                            _ => {
                                t.1.push(full.clone());
                                format!("test {full} ... FAILED\n    {why}")
                            }
                        },
                    };
                    drop(t);
                    let mut out = io::stdout().lock();
                    let _ = writeln!(out, "{line}");
                    let _ = out.flush();
                }
            });
        }
    });
    let (passed, failed, skipped, known) = tally.into_inner().expect("tally");
    let ok = failed.is_empty();
    if !known.is_empty() {
        println!("\nknown differences (documented in the Linux table; `--strict` fails on them):");
        for (f, _) in &known {
            println!("    {f}");
        }
        let mut kinds = std::collections::BTreeMap::new();
        for (_, row) in &known {
            *kinds.entry(*row).or_insert(0usize) += 1;
        }
        println!(
            "\n{} known differences of {} kinds (the table documents {}):",
            known.len(),
            kinds.len(),
            differences::ALL.len()
        );
        for (row, n) in &kinds {
            println!("    {n:>4}  {row}");
        }
    }
    if !ok {
        println!("\nfailures:");
        for f in &failed {
            println!("    {f}");
        }
    }
    println!(
        "\ntest result: {}. {passed} passed; {} failed; {} known differences; {skipped} skipped; finished in {:.2}s\n",
        if ok { "ok" } else { "FAILED" },
        failed.len(),
        known.len(),
        start.elapsed().as_secs_f64()
    );
    ok
}
