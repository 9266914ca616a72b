//! Panics inside the sandbox: `panic_probe main|thread` (see
//! `panicking/mod.rs`). Run by tests/tests/panics.rs in every
//! `SANDBOXED_TRACE` mode, with and without `RUST_BACKTRACE`; its twin
//! `panic_twin` panics the same way unsandboxed, with std's own hook, as
//! the oracle for the backtrace.

mod panicking;

#[sandboxed::sandboxed(rights(stdio), on_unsupported = "warn")]
fn main() {
    panicking::run();
}
