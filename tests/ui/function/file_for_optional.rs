use sandboxed::{sandboxed, File};

#[sandboxed(preopen(cfg = file("/etc/tool.conf", optional)))]
fn main(cfg: File) {
    let _ = cfg;
}
