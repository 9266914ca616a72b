// A clap-parsed command line feeds `{ expr }` sources: the static is parsed
// on first use, before the sandbox is entered, and stays readable in the
// body. Run without arguments, so the defaults apply.
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use clap::Parser;
use sandboxed::{sandboxed, Dir, File};

#[derive(Parser)]
struct Cli {
    /// The file to read.
    #[arg(default_value = "/dev/null")]
    input: PathBuf,
    /// Where to look.
    #[arg(long, default_value = "/")]
    root: PathBuf,
}

static CLI: LazyLock<Cli> = LazyLock::new(Cli::parse);

#[sandboxed(
    preopen(input = file({ &CLI.input }), root = dir({ &CLI.root })),
    on_unsupported = "warn",
)]
fn main(input: File, root: Dir) {
    assert_eq!(CLI.input, Path::new("/dev/null"));
    assert!(root.open_dir("dev").is_ok());
    let _ = input;
}
