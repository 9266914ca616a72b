use sandboxed::sandboxed;

#[sandboxed(rights(stdin = [read, ioctl(fionread)]))]
fn main() {}
