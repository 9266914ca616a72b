//! `#[sandboxed]` stacked with `#[tokio::main]` and with a clap-parsed
//! command line. Each case is built and run by trybuild as its own process
//! (without arguments: the clap cases use their defaults).

#[test]
fn stacking() {
    trybuild::TestCases::new().pass("ui/stacking/*.rs");
}
