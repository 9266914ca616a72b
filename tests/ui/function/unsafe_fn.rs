use sandboxed::sandboxed;

#[sandboxed()]
unsafe fn main() {}
