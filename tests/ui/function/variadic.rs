// A C-variadic function.
use sandboxed::sandboxed;

#[sandboxed()]
fn main(args: ...) {}
