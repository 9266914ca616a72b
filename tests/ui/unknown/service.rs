use sandboxed::sandboxed;

#[sandboxed(services(dsn))]
fn main() {}
