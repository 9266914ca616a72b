use sandboxed::{sandboxed, File};

#[sandboxed(preopen(input = file(arg(1))))]
fn main((input, _): (File, u8)) {
    let _ = input;
}
