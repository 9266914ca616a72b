// `exit_code` takes an integer.
use sandboxed::sandboxed;

#[sandboxed(exit_code = "2")]
fn main() {}
