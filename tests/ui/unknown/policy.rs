use sandboxed::sandboxed;

#[sandboxed(on_unsupported = "allow")]
fn main() {}
