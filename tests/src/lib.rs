//! Helpers shared by the integration tests: the escape suite's probe cases
//! (run inside the sandbox by `escape_probe`) and the process-per-case
//! harness that runs them.

// The escape suite attacks the Linux backend with Linux system calls; on
// other systems its binaries only say so.
#[cfg(target_os = "linux")]
pub mod harness;
#[cfg(target_os = "linux")]
pub mod parent;
#[cfg(target_os = "linux")]
pub mod probe;
