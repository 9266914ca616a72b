// An ioctl command given twice.
use sandboxed::sandboxed;

#[sandboxed(rights(stdin = [ioctls(fionread, fionread)]))]
fn main() {}
