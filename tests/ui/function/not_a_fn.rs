use sandboxed::sandboxed;

#[sandboxed()]
struct Tool;

fn main() {}
