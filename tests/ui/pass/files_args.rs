// No arguments: `files(args(1..))` gives an empty list.
use sandboxed::{sandboxed, File};

#[sandboxed(preopen(inputs = files(args(1..))), on_unsupported = "warn")]
fn main(inputs: Vec<File>) {
    assert!(inputs.is_empty());
}
