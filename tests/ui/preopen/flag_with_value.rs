// A flag other than `mode` or `backlog` takes no value.
use sandboxed::{sandboxed, File};

#[sandboxed(preopen(out = file(arg(1), write = true)))]
fn main(out: File) {
    let _ = out;
}
