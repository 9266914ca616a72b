//! An empty `#[tokio::main]` program in the sandbox: what tokio and std
//! do at start must not be reported in any `SANDBOXED_TRACE` mode
//! (tests/tests/quiet.rs).

#[sandboxed::sandboxed(rights(stdio), on_unsupported = "warn")]
#[tokio::main]
async fn main() {
    println!("first line");
}
