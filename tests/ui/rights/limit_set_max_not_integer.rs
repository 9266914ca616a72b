// `max` is a count.
use sandboxed::sandboxed;

#[sandboxed(limits(Conn = ([recv, send], max = "eight")))]
fn main() {}
