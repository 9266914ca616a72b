use std::os::unix::fs::PermissionsExt;

use sandboxed::{sandboxed, Dir};

#[sandboxed(preopen(out = dir(arg(1))), rights(out = [lookup, read, fstat]))]
fn main(out: Dir) {
    let file = out.open("a").unwrap();
    let _ = file.set_permissions(std::fs::Permissions::from_mode(0o644));
}
