use sandboxed::{sandboxed, Dir};

#[sandboxed(preopen(out = dir(env(OUT_DIR))))]
fn main(out: Dir) {
    let _ = out;
}
