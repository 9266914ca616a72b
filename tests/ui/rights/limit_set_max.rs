use sandboxed::sandboxed;

#[sandboxed(limits(Conn = ([recv, send], max = 0)))]
fn main() {}
