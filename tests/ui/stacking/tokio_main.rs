// `#[sandboxed]` above `#[tokio::main]`: the generated `main` enters the
// sandbox while the process is single-threaded, then starts the runtime
// (the Linux backend refuses to enter a multithreaded process).
use std::io::Read;

use sandboxed::{sandboxed, File};

#[sandboxed(preopen(input = file("/dev/null")), on_unsupported = "warn")]
#[tokio::main]
async fn main(mut input: File) -> std::io::Result<()> {
    assert_eq!(
        tokio::runtime::Handle::current().runtime_flavor(),
        tokio::runtime::RuntimeFlavor::MultiThread
    );
    let read = tokio::task::spawn_blocking(move || {
        let mut text = String::new();
        input.read_to_string(&mut text).map(|_| text)
    })
    .await
    .expect("the blocking task ran")?;
    assert!(read.is_empty());
    Ok(())
}
