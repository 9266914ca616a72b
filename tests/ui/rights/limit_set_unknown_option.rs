// Only `max = N` may follow a rights set's list.
use sandboxed::sandboxed;

#[sandboxed(limits(Conn = ([recv, send], size = 8)))]
fn main() {}
