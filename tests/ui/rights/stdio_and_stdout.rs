use sandboxed::sandboxed;

#[sandboxed(rights(stdio, stdout = [write]))]
fn main() {}
