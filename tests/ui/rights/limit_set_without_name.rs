// A rights set of `limits(...)` needs a name: the marker type handles take.
use sandboxed::sandboxed;

#[sandboxed(limits([read]))]
fn main() {}
