//! `cmp [-l | -s] FILE1 FILE2`: cmp(1), sandboxed.
//!
//! Pattern: options parsed before the sandbox, the file operands taken
//! from the parsed command line (`{ expr }` sources), a setup failure
//! reported with cmp's own "trouble" status 2 (`exit_code = 2`).

use std::process::ExitCode;
use std::sync::LazyLock;

use sandboxed::{sandboxed, File};
use sandboxed_examples::cmp::{compare, Options};

/// Parsed once, when the sources are resolved (before the sandbox); a
/// usage error exits 2 there.
static OPTIONS: LazyLock<Options> = LazyLock::new(Options::from_env);

#[sandboxed(
    preopen(
        file1 = file({ &OPTIONS.file1 }),
        file2 = file({ &OPTIONS.file2 }),
    ),
    rights(
        file1 = [read],
        file2 = [read],
        stdout = [write, fstat, ioctls(tiocgeta)],
        stderr = [write, fstat, ioctls(tiocgeta)],
    ),
    exit_code = 2,
)]
fn main(file1: File, file2: File) -> ExitCode {
    let names = (
        OPTIONS.file1.to_string_lossy(),
        OPTIONS.file2.to_string_lossy(),
    );
    let mut out = std::io::stdout().lock();
    let mut err = std::io::stderr().lock();
    match compare(
        file1,
        file2,
        (&names.0, &names.1),
        OPTIONS.mode,
        &mut out,
        &mut err,
    ) {
        Ok(outcome) => ExitCode::from(outcome.status() as u8),
        Err(e) => {
            eprintln!("cmp: {e}");
            ExitCode::from(2)
        }
    }
}
