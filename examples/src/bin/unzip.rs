//! `unzip ARCHIVE [-d DIR]`: extracts a zip archive into DIR, sandboxed.
//!
//! Pattern: output into a preopened directory with `*at()` calls only.
//! The archive is read-only and seekable (the zip crate needs `Read +
//! Seek`); DIR allows creating files, directories and links beneath it and
//! nothing else. A hostile entry (`../x`, `/etc/x`, a link out) is refused
//! by the program, and could not escape DIR if it were not.

use std::io;
use std::process::ExitCode;
use std::sync::LazyLock;

use sandboxed::{sandboxed, Dir, File};
use sandboxed_examples::unzip::{extract, Options};

static OPTIONS: LazyLock<Options> = LazyLock::new(Options::from_env);

#[sandboxed(
    preopen(
        archive = file({ &OPTIONS.archive }),
        out = dir({ &OPTIONS.dir }, create),
    ),
    rights(
        archive = [read, seek, fstat],
        out = [lookup, create, write, ftruncate, mkdirat, symlinkat, fstat],
        stdio,
    ),
    // unzip(1)'s status for "archive not found or unreadable".
    exit_code = 9,
)]
fn main(archive: File, out: Dir) -> ExitCode {
    let name = OPTIONS.archive.to_string_lossy();
    println!("Archive:  {name}");
    match extract(
        archive,
        &out,
        &mut io::stdout().lock(),
        &mut io::stderr().lock(),
    ) {
        Ok(summary) if summary.refused == 0 => ExitCode::SUCCESS,
        Ok(summary) => {
            eprintln!("unzip: {name}: {} entries refused", summary.refused);
            // unzip(1): "one or more warning errors were encountered".
            ExitCode::from(1)
        }
        Err(e) => {
            eprintln!("unzip: {name}: {e}");
            ExitCode::from(3)
        }
    }
}
