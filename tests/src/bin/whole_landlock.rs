//! The whole-process benchmark's Landlock-only peer: the `landlock` crate
//! (rust-landlock) denies every file-system access after the file is
//! opened, nothing else (tests/benches/enforcement.rs).

#[cfg(target_os = "linux")]
fn main() -> std::io::Result<()> {
    use landlock::{Access, AccessFs, Ruleset, RulesetAttr, ABI};
    let path = std::env::args_os().nth(1).expect("a file to copy");
    let input = std::fs::File::open(path)?;
    Ruleset::default()
        .handle_access(AccessFs::from_all(ABI::V5))
        .and_then(|r| r.create())
        .and_then(|r| r.restrict_self())
        .map_err(std::io::Error::other)?;
    sandboxed_tests::copy_to_stdout(input)
}

#[cfg(not(target_os = "linux"))]
fn main() {}
