use sandboxed::sandboxed;

#[sandboxed(limits(Reader = [read], Reader = [read, fstat]))]
fn main() {}
