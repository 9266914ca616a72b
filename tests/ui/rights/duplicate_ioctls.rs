// `ioctls(...)` given twice.
use sandboxed::sandboxed;

#[sandboxed(rights(stdin = [ioctls(fionread), ioctls(tiocgwinsz)]))]
fn main() {}
