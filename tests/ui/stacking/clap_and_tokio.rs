use std::io::Read;
use std::path::PathBuf;
use std::sync::LazyLock;

use clap::Parser;
use sandboxed::{sandboxed, File};

#[derive(Parser)]
struct Cli {
    #[arg(long, default_value = "/dev/null")]
    input: PathBuf,
}

static CLI: LazyLock<Cli> = LazyLock::new(Cli::parse);

#[sandboxed(preopen(input = file({ &CLI.input })), on_unsupported = "warn")]
#[tokio::main]
async fn main(mut input: File) {
    let mut text = String::new();
    input.read_to_string(&mut text).expect("/dev/null reads");
    assert!(text.is_empty());
}
