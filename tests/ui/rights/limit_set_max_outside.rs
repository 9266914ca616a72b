// `max` is written with its set's rights, in parentheses; beside the set
// it reads as a set named `max`.
use sandboxed::sandboxed;

#[sandboxed(limits(Conn = [recv, send], max = 2))]
fn main() {}
