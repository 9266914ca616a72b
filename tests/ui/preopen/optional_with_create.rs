use sandboxed::{sandboxed, File};

#[sandboxed(preopen(out = file(arg(1), write, create, optional)))]
fn main(out: Option<File>) {
    let _ = out;
}
