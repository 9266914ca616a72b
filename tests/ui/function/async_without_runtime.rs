use sandboxed::sandboxed;

#[sandboxed()]
async fn main() {}
