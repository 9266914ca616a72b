// `before_entry` names a function.
use sandboxed::sandboxed;

#[sandboxed(before_entry = 1)]
fn main() {}
