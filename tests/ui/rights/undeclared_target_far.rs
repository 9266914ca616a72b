// Rights for a name not declared, with no close one.
use sandboxed::{sandboxed, File};

#[sandboxed(preopen(input = file(arg(1))), rights(configuration = [read]))]
fn main(input: File) {
    let _ = input;
}
