// Rights only shrink: a handle limited to `ReadOnly` cannot be limited to
// a set with `write`.
use sandboxed::{sandboxed, File};

#[sandboxed(
    preopen(f = file(arg(1), read, write)),
    rights(f = [read, write, fstat]),
    limits(ReadOnly = [read, fstat], Both = [read, write]),
)]
fn main(f: File) {
    let r = f.limit::<ReadOnly>().unwrap();
    let _ = r.limit::<Both>();
}
