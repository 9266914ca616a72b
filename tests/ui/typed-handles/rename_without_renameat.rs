use sandboxed::{sandboxed, Dir};

// Renaming needs `renameat_source` on the source directory and
// `renameat_target` on the target.
#[sandboxed(preopen(out = dir(arg(1))), rights(out = [lookup, create, write]))]
fn main(out: Dir) {
    let _ = out.rename("a.tmp", &out, "a");
}
