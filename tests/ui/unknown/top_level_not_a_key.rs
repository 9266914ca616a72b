// A top-level item that is not a key.
use sandboxed::sandboxed;

#[sandboxed("deny")]
fn main() {}
