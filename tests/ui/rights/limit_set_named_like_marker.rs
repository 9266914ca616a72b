// A rights set named like a preopen's marker type.
use sandboxed::{sandboxed, File};

#[sandboxed(preopen(input = file(arg(1))), limits(rights_of_input = [read]))]
fn main(input: File) {
    let _ = input;
}
