use sandboxed::sandboxed;

#[sandboxed(rights(stdin = [read, ioctls(fionraed)]))]
fn main() {}
