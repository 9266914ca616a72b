use sandboxed::sandboxed;

#[sandboxed(exit_code = 300)]
fn main() {}
