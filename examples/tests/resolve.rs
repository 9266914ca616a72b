//! `resolve` run as a user would: names resolve through the `dns` service
//! (`localhost`, from the service's `/etc/hosts`); what the declared limits
//! do not allow (IPv6 here) is refused by the service.

mod common;

use common::*;

const RESOLVE: &str = env!("CARGO_BIN_EXE_resolve");

#[test]
fn localhost_resolves_through_the_service() {
    let d = tempfile::tempdir().unwrap();
    let Some(out) = run(RESOLVE, &["localhost"], d.path()) else {
        return;
    };
    assert_eq!(status(&out), 0, "{out:?}");
    assert!(
        stdout(&out).contains("localhost\t127.0.0.1\n"),
        "{}",
        stdout(&out)
    );
    assert!(!stdout(&out).contains("::1"), "only the declared family");
}

#[test]
fn a_family_the_limits_do_not_allow_is_refused() {
    let d = tempfile::tempdir().unwrap();
    let Some(out) = run(RESOLVE, &["-6", "localhost"], d.path()) else {
        return;
    };
    assert_eq!(status(&out), 1, "{out:?}");
    assert_eq!(stdout(&out), "");
    assert_clean_error(
        &out,
        "resolve: localhost: refused by the sandbox's dns limits",
    );
}

#[test]
fn hostile_names_are_errors_not_crashes() {
    let d = tempfile::tempdir().unwrap();
    let long = "a".repeat(5000);
    for name in [
        long.as_str(),
        "no-such-host.invalid",
        "\u{202e}evil",
        "..",
        "",
    ] {
        let Some(out) = run(RESOLVE, &[name], d.path()) else {
            return;
        };
        let shown: String = name.chars().take(20).collect();
        assert_eq!(status(&out), 1, "{shown:?}: {}", stderr(&out));
        assert_clean_error(&out, "resolve: ");
    }
}
