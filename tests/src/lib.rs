//! Helpers shared by the integration tests: the escape suite's probe cases
//! (run inside the sandbox by `escape_probe`), the conformance suite's
//! operations, profiles and cases (run by `conformance_probe`), and the
//! process-per-case harness that runs them.

// The escape and conformance suites attack the Linux backend with Linux
// system calls; on other systems their binaries only say so.
#[cfg(target_os = "linux")]
pub mod conformance;
#[cfg(target_os = "linux")]
pub mod harness;
#[cfg(target_os = "linux")]
pub mod parent;
#[cfg(target_os = "linux")]
pub mod probe;
#[cfg(target_os = "linux")]
pub mod sys;

/// Copies `input` to stdout with read(2) and write(2) alone: the work of
/// the whole-process benchmark's programs (`whole_*`,
/// tests/benches/enforcement.rs), the same in each of them.
pub fn copy_to_stdout(mut input: impl std::io::Read) -> std::io::Result<()> {
    use std::io::Write;
    let mut buf = [0u8; 4096];
    let mut out = std::io::stdout().lock();
    loop {
        let n = input.read(&mut buf)?;
        if n == 0 {
            return out.flush();
        }
        out.write_all(&buf[..n])?;
    }
}
