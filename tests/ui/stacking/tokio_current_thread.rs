use sandboxed::sandboxed;

#[sandboxed(rights(stdio), on_unsupported = "warn")]
#[tokio::main(flavor = "current_thread")]
async fn main() {
    let answer = tokio::spawn(async { 6 * 7 }).await.expect("the task ran");
    assert_eq!(answer, 42);
}
