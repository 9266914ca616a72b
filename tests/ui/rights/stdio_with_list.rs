use sandboxed::sandboxed;

#[sandboxed(rights(stdio = [read]))]
fn main() {}
