use sandboxed::{sandboxed, File};

#[sandboxed(preopen(log = file(arg(1), write, append, truncate)))]
fn main(log: File) {
    let _ = log;
}
