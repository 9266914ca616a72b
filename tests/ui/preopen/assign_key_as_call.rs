// `on_unsupported` is written with `=`.
use sandboxed::sandboxed;

#[sandboxed(on_unsupported("warn"))]
fn main() {}
