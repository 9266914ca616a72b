//! `compartment` run as a user would: the parser runs in a sandboxed
//! child; its errors and its crashes are reported by the parent.

mod common;

use common::*;

const COMPARTMENT: &str = env!("CARGO_BIN_EXE_compartment");

#[test]
fn well_formed_input_is_printed_canonically() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("in.sexp"),
        "; a comment\n(define (square x)\n   (* x x))\n42\n",
    )
    .unwrap();
    let Some(out) = run(COMPARTMENT, &["in.sexp"], d.path()) else {
        return;
    };
    assert_eq!((status(&out), stderr(&out)), (0, String::new()));
    assert_eq!(stdout(&out), "(define (square x) (* x x))\n42\n");
}

#[test]
fn a_parse_error_comes_back_from_the_child() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("bad.sexp"), "(a (b c)").unwrap();
    let Some(out) = run(COMPARTMENT, &["bad.sexp"], d.path()) else {
        return;
    };
    assert_eq!(status(&out), 1);
    assert_eq!(
        stderr(&out),
        "compartment: bad.sexp: byte 8: unclosed `(`\n"
    );
}

#[test]
fn a_crash_in_the_child_is_reported_by_the_parent() {
    // Nested deeper than any stack: the recursive parser overflows. The
    // child dies of a signal; the parent reports it and exits 1.
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("deep.sexp"), "(".repeat(10_000_000)).unwrap();
    let Some(out) = run(COMPARTMENT, &["deep.sexp"], d.path()) else {
        return;
    };
    assert_eq!(status(&out), 1, "{out:?}");
    assert_eq!(stdout(&out), "");
    let last = stderr(&out).lines().last().unwrap_or_default().to_owned();
    assert!(
        last.starts_with("compartment: deep.sexp: the compartment was killed by signal"),
        "{}",
        stderr(&out)
    );
}
