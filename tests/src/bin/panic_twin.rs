//! `panic_probe` without the sandbox: std's default panic hook prints
//! what the sandboxed probe's backtrace is compared with.

#[path = "panicking/mod.rs"]
mod panicking;

fn main() {
    panicking::run();
}
