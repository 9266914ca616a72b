// `dash` on an output: `-` is a copy of stdout, limited to the declared
// rights, so writing it writes stdout; dropping it leaves stdout open.
use std::io::Write;

use sandboxed::{sandboxed, File};

#[sandboxed(
    preopen(out = file({ "-" }, write, create, truncate, dash)),
    rights(out = [write, fstat]),
    on_unsupported = "warn",
)]
fn main(mut out: File) -> std::io::Result<()> {
    out.write_all(b"")?;
    let stdout = out.metadata()?;
    drop(out);
    std::io::stdout().write_all(b"")?;
    let _ = stdout;
    Ok(())
}
