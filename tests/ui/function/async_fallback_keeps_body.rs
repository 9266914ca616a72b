// An error in the attribute keeps the `async` body compiling: only the
// attribute's error is reported.
use sandboxed::{sandboxed, File};

async fn step() {}

#[sandboxed(preopen(input = file(arg(0))))]
#[tokio::main]
async fn main(input: File) {
    step().await;
    let _ = input;
}
