use sandboxed::{sandboxed, File};

#[sandboxed(
    preopen(cfg = file("/nonexistent/sandboxed-pass.conf", optional)),
    on_unsupported = "warn"
)]
fn main(cfg: Option<File>) {
    assert!(cfg.is_none());
}
