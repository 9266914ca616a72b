// `{ expr }` is evaluated before the sandbox is entered; anything
// `AsRef<OsStr>` works.
use std::io::Write;

use sandboxed::{sandboxed, File};

fn scratch() -> std::path::PathBuf {
    std::env::temp_dir().join(format!("sandboxed-pass-{}", std::process::id()))
}

#[sandboxed(
    preopen(out = file({ scratch() }, write, create, truncate, mode = 0o600)),
    rights(out = [write, fstat]),
    on_unsupported = "warn",
)]
fn main(mut out: File) -> std::io::Result<()> {
    out.write_all(b"ok")?;
    assert_eq!(out.metadata()?.len(), 2);
    drop(out);
    let _ = std::fs::remove_file(scratch());
    Ok(())
}
