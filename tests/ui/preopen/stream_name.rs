// A preopen named like a stream: `rights(stdin = [...])` would limit descriptor 0.
use sandboxed::{sandboxed, File};

#[sandboxed(preopen(stdin = file(arg(1))), rights(stdin = [read]))]
fn main(stdin: File) {
    let _ = stdin;
}
