use sandboxed::sandboxed;

#[sandboxed()]
extern "C" fn main() {}
