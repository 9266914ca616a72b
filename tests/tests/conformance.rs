//! The conformance suite: Capsicum's rules as Google's capsicum-test
//! encodes them, checked against the Linux backend, one fresh sandboxed
//! process per case (`conformance_probe`, entered through the real
//! `#[sandboxed]` attribute). `harness = false`: the output is
//! libtest-like, one line per case; arguments filter by substring
//! (`cargo test -p sandboxed-tests --test conformance -- inherit`).
//!
//! - `-- --baseline`: the control run, every denial case without the
//!   sandbox: each must be able to fail;
//! - `-- --strict`: the differences the Linux table documents fail too;
//! - `-- --list`: every case with the capsicum-test file and TEST it
//!   derives from, and what Capsicum answers.
//!
//! The cases are generated in `sandboxed_tests::conformance::cases`.

#[cfg(not(target_os = "linux"))]
fn main() {
    println!("skipped: the conformance suite checks the Linux backend");
}

#[cfg(target_os = "linux")]
fn main() {
    use std::collections::BTreeMap;
    use std::path::Path;

    use sandboxed_tests::conformance::{cases, model, run};
    use sandboxed_tests::harness;

    let probe = Path::new(env!("CARGO_BIN_EXE_conformance_probe"));
    let cases = cases::all();
    let mut ok = true;

    // Names are unique, and every family draws on capsicum-test.
    let mut seen = BTreeMap::new();
    for c in &cases {
        if let Some(other) = seen.insert(c.full_name(), c.source) {
            println!(
                "test conformance::names_unique ... FAILED: {} twice ({other})",
                c.full_name()
            );
            ok = false;
        }
    }

    if std::env::args().any(|a| a == "--list") {
        for c in &cases {
            println!(
                "{}: {} -- Capsicum: {}",
                c.full_name(),
                c.source,
                model::describe(c.answer, c.held)
            );
        }
        println!("\n{} cases", cases.len());
        return;
    }
    let baseline = std::env::args().any(|a| a == "--baseline");
    ok &= harness::run_items(&run::items(probe, &cases, baseline));
    if !ok {
        std::process::exit(101);
    }
}
