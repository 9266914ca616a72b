//! `wc [FILE...]`: the lines, words and bytes of each file, as wc(1)
//! counts them (a word is a run of bytes that are not `isspace(3)` in the
//! C locale), and their total.
//!
//! Pattern (the guide's first program): a clap command line over many
//! files. `files({ CLI.operands() }, dash, fallible)` takes clap's
//! `Vec<PathBuf>` as it is, opens every path before entry, `-` as standard
//! input, and hands each to the body as an `Operand`: its path and the
//! `File` or the open error, so a missing file is reported as wc reports it
//! (`wc: missing: No such file or directory`, status 1) and the others are
//! counted.

use std::io::{self, Read};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::LazyLock;

use clap::Parser;
use sandboxed::{sandboxed, Operand};

/// Print the line, word and byte counts of each FILE, and their total.
#[derive(Parser)]
#[command(name = "wc")]
struct Cli {
    /// The files to count; `-` is standard input, as is no file at all.
    files: Vec<PathBuf>,
}

impl Cli {
    /// The operands, standard input when there are none.
    fn operands(&self) -> Vec<PathBuf> {
        match self.files.is_empty() {
            true => vec!["-".into()],
            false => self.files.clone(),
        }
    }
}

/// Parsed before the sandbox is entered (`--help` and usage errors exit
/// there, as clap does everywhere).
static CLI: LazyLock<Cli> = LazyLock::new(Cli::parse);

#[sandboxed(
    preopen(inputs = files({ CLI.operands() }, dash, fallible)),
    rights(inputs = [read], stdio),
)]
fn main(inputs: Vec<Operand>) -> ExitCode {
    let mut status = ExitCode::SUCCESS;
    let mut rows = Vec::new();
    for Operand { path, file } in inputs {
        match file.and_then(count) {
            Ok(counts) => rows.push((counts, path.display().to_string())),
            Err(e) => {
                eprintln!("wc: {}: {}", path.display(), os_words(&e));
                status = ExitCode::FAILURE;
            }
        }
    }
    if CLI.files.len() > 1 {
        let total = rows
            .iter()
            .fold([0; 3], |t, (c, _)| [t[0] + c[0], t[1] + c[1], t[2] + c[2]]);
        rows.push((total, "total".to_owned()));
    }
    let width = rows
        .iter()
        .flat_map(|(c, _)| c.iter())
        .map(|n| n.to_string().len())
        .max()
        .unwrap_or(1);
    for ([lines, words, bytes], name) in rows {
        // Standard input read for want of operands has no name.
        let name = match CLI.files.is_empty() {
            true => String::new(),
            false => format!(" {name}"),
        };
        println!("{lines:>width$} {words:>width$} {bytes:>width$}{name}");
    }
    status
}

/// Lines (newlines), words and bytes of `input`.
fn count(mut input: impl Read) -> io::Result<[u64; 3]> {
    let mut buf = vec![0; 64 * 1024];
    let (mut counts, mut in_word) = ([0u64; 3], false);
    loop {
        let n = match input.read(&mut buf) {
            Ok(0) => return Ok(counts),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        for &b in &buf[..n] {
            counts[0] += u64::from(b == b'\n');
            // isspace(3) in the C locale: ' ', \t, \n, \v, \f, \r.
            let space = b == b' ' || (b'\t'..=b'\r').contains(&b);
            counts[1] += u64::from(!space && !in_word);
            in_word = !space;
        }
        counts[2] += n as u64;
    }
}

/// The OS's words for an error ("No such file or directory"), without
/// std's " (os error 2)".
fn os_words(e: &io::Error) -> String {
    let text = e.to_string();
    text.split(" (os error").next().unwrap_or(&text).to_owned()
}
