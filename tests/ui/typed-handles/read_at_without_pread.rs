use sandboxed::{sandboxed, File};

#[sandboxed(preopen(log = file(arg(1), append)))]
fn main(log: File) {
    let mut buf = [0; 8];
    let _ = log.read_at(&mut buf, 0);
}
