use sandboxed::sandboxed;

#[sandboxed(rights(stdin = [read, fcntls(gtfl)]))]
fn main() {}
