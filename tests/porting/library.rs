//! Code in std that opens paths itself (the cgroup CPU quota).
#[sandboxed::sandboxed(rights(stdio))]
fn main() {
    println!("parallelism: {}", std::thread::available_parallelism().is_ok());
}
