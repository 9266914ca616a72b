// Run by trybuild: the source resolves without arguments, and "warn" lets
// it run where the platform has no sandbox yet.
use std::io::Read;

use sandboxed::{sandboxed, File};

#[sandboxed(preopen(input = file("/dev/null")), on_unsupported = "warn")]
fn main(mut input: File) {
    let mut text = String::new();
    input.read_to_string(&mut text).unwrap();
    assert!(text.is_empty());
}
