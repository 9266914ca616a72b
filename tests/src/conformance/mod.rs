//! The conformance suite: Capsicum's rules, as Google's capsicum-test
//! encodes them (and rights(4) and FreeBSD's `sys/kern/vfs_syscalls.c`
//! where the tests leave a rule implicit), checked against the Linux
//! backend one fresh process per case.
//!
//! - [`profiles`]: the declarations a probe can enter with, one
//!   `#[sandboxed(...)]` function each (`conformance_probe` builds them
//!   from the same list, so every case enters through the real attribute);
//! - [`ops`]: the operations a probe tries, run inside the sandbox, and
//!   [`processes`] those naming a process by its id;
//! - [`model`]: what Capsicum answers for an operation: the rights it
//!   needs, capability mode, strict-relative lookups, and how Linux
//!   spells that answer (the "Linux vs Capsicum" table's errno column);
//! - [`cases`]: the cases, generated as data (operation × rights held or
//!   not × descriptor kind), each naming the capsicum-test file and TEST
//!   it derives from;
//! - [`run`]: a fresh world and a fresh probe per case, the checks, and
//!   the control run (`--baseline`).
//!
//! Expected values come from Capsicum's rules, never from what the backend
//! does: a case whose answer differs is a mismatch, unless the Linux table
//! (runtime/src/backend/linux/mod.rs) documents the difference, in which
//! case it reports `KNOWN DIFFERENCE` (and fails under `--strict`).

pub mod cases;
pub mod model;
pub mod ops;
pub mod processes;
pub mod profiles;
pub mod run;

/// Environment variable holding the world's root for the probe.
pub const ROOT_ENV: &str = "CONFORMANCE_ROOT";

/// The path of role `role` in the world (`$CONFORMANCE_ROOT/...`): what a
/// profile's `{ expr }` source opens.
pub fn role_path(role: &str) -> std::path::PathBuf {
    let root = std::path::PathBuf::from(std::env::var_os(ROOT_ENV).unwrap_or_default());
    root.join(run::role_relative(role))
}
