//! `..` out of a preopened directory: no declaration allows it.
#[sandboxed::sandboxed(
    preopen(work = dir(arg(2))),
    rights(work = [lookup, read, fstat], stdio),
)]
fn main(work: sandboxed::Dir) {
    println!("open ../secret.txt: {:?}", work.open("../secret.txt").map(drop).map_err(|e| e.kind()));
}
