//! Helpers shared by the integration tests: the escape suite's probe cases
//! (run inside the sandbox by `escape_probe`) and the process-per-case
//! harness that runs them.

pub mod harness;
pub mod probe;
