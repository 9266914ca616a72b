use sandboxed::{sandboxed, Dir};

#[sandboxed(preopen(out = dir(arg(1))), rights(out = [lookup, read, fstat]))]
fn main(out: Dir) {
    let file = out.open("a").unwrap();
    let _ = file.set_times(std::fs::FileTimes::new().set_modified(std::time::UNIX_EPOCH));
}
