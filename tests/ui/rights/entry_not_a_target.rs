// A rights entry that is not `NAME = [...]`.
use sandboxed::sandboxed;

#[sandboxed(rights("stdin"))]
fn main() {}
