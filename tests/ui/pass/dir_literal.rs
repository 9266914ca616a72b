use sandboxed::{sandboxed, Dir};

#[sandboxed(preopen(root = dir("/")), on_unsupported = "warn")]
fn main(root: Dir) {
    assert!(root.open_dir("dev").is_ok());
}
