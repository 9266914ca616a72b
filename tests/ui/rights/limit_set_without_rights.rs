// A rights set with `max` still needs its list of rights first.
use sandboxed::sandboxed;

#[sandboxed(limits(Conn = (max = 8)))]
fn main() {}
