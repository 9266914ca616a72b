use sandboxed::sandboxed;

#[sandboxed()]
const fn main() {}
