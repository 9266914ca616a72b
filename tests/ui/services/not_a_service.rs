// A service is a word or a call.
use sandboxed::sandboxed;

#[sandboxed(services("dns"))]
fn main() {}
