// An ioctl command is a word.
use sandboxed::sandboxed;

#[sandboxed(rights(stdin = [ioctls("fionread")]))]
fn main() {}
