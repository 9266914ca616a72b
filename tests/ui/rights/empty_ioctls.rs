use sandboxed::sandboxed;

#[sandboxed(rights(stdin = [read, ioctls()]))]
fn main() {}
