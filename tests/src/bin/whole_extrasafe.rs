//! The whole-process benchmark's seccomp-only peer: the `extrasafe` crate
//! allows reading and writing to stdout after the file is opened, nothing
//! else (tests/benches/enforcement.rs).

#[cfg(all(target_os = "linux", target_arch = "x86_64"))]
fn main() -> std::io::Result<()> {
    use extrasafe::builtins::SystemIO;
    use extrasafe::SafetyContext;
    let path = std::env::args_os().nth(1).expect("a file to copy");
    let input = std::fs::File::open(path)?;
    SafetyContext::new()
        .enable(SystemIO::nothing().allow_read().allow_stdout())
        .and_then(|c| c.apply_to_current_thread())
        .map_err(|e| std::io::Error::other(e.to_string()))?;
    sandboxed_tests::copy_to_stdout(input)
}

#[cfg(not(all(target_os = "linux", target_arch = "x86_64")))]
fn main() {}
