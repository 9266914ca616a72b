// `on_unsupported` takes a string.
use sandboxed::sandboxed;

#[sandboxed(on_unsupported = warn)]
fn main() {}
