// A preopen without `NAME =`.
use sandboxed::sandboxed;

#[sandboxed(preopen(file(arg(1))))]
fn main() {}
