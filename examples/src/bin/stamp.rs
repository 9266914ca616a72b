//! `stamp [--config FILE]`: copies standard input to standard output, each
//! line preceded by the local time. The configuration file, when given,
//! holds the time's strftime(3) format on its first line (default
//! `%Y-%m-%d %H:%M:%S %z`).
//!
//! Pattern (the guide's third program): an optional input and local time.
//! `file({ &CLI.config })` with an `Option<PathBuf>` gives an
//! `Option<File>`: `None` without `--config`, and a missing file named
//! after the program when given (`stamp: nope.conf: No such file or
//! directory (preopen `config`)`). chrono's `Local` is right inside: the
//! zone is pinned in `TZ` before entry, so no zone file is read after it.

use std::io::{self, BufRead, Read, Write};
use std::path::PathBuf;
use std::sync::LazyLock;

use clap::Parser;
use sandboxed::{sandboxed, File};

/// Copy standard input to standard output, each line preceded by the local time.
#[derive(Parser)]
#[command(name = "stamp")]
struct Cli {
    /// A file whose first line is the time's strftime format.
    #[arg(long)]
    config: Option<PathBuf>,
}

static CLI: LazyLock<Cli> = LazyLock::new(Cli::parse);

#[sandboxed(
    preopen(config = file({ &CLI.config })),
    rights(config = [read], stdio),
)]
fn main(config: Option<File>) -> io::Result<()> {
    let format = match config {
        Some(mut file) => {
            let mut text = String::new();
            file.read_to_string(&mut text)?;
            text.lines().next().unwrap_or_default().to_owned()
        }
        None => "%Y-%m-%d %H:%M:%S %z".to_owned(),
    };
    let mut out = io::stdout().lock();
    for line in io::stdin().lock().lines() {
        let now = chrono::Local::now().format(&format);
        writeln!(out, "{now} {}", line?)?;
    }
    Ok(())
}
