use sandboxed::{sandboxed, Dir};

// `fstat` on the directory is not enough: `fstatat` is `fstat` + `lookup`
// for the names beneath it, and the declaration has no `lookup`-side
// `fstat`... it has `lookup` and `read` only.
#[sandboxed(preopen(out = dir(arg(1))), rights(out = [lookup, read]))]
fn main(out: Dir) {
    let _ = out.symlink_metadata("a");
}
