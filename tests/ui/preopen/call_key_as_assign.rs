// `preopen` is written as a call.
use sandboxed::sandboxed;

#[sandboxed(preopen = 1)]
fn main() {}
