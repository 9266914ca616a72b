//! Compile-fail cases of `#[sandboxed]`, one mistake per file, and the pass
//! cases (run by trybuild: each is its own process). Bless with
//! `TRYBUILD=overwrite cargo test -p sandboxed-tests --test ui`.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    for category in [
        "unknown",
        "preopen",
        "rights",
        "services",
        "function",
        "typed-handles",
    ] {
        t.compile_fail(format!("ui/{category}/*.rs"));
    }
    t.pass("ui/pass/*.rs");
}
