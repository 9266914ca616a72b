// A bare `stdio` given twice.
use sandboxed::sandboxed;

#[sandboxed(rights(stdio, stdio))]
fn main() {}
