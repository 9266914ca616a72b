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
//! counted. The columns are as wide as GNU wc makes them, which it decides
//! from the inputs' fstat(2) before reading (hence `fstat`).

use std::io::{self, Read};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::LazyLock;

use clap::Parser;
use sandboxed::rights::can;
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
    rights(inputs = [read, fstat], stdio),
)]
fn main(inputs: Vec<Operand>) -> ExitCode {
    let width = column_width(&inputs);
    let mut status = ExitCode::SUCCESS;
    let mut total = [0; 3];
    for Operand { path, file } in inputs {
        let (mut counts, opened) = ([0; 3], file.is_ok());
        if let Err(e) = file.and_then(|file| count(file, &mut counts)) {
            eprintln!("wc: {}: {}", path.display(), os_words(&e));
            status = ExitCode::FAILURE;
            // A file that could not be opened has no row; one that could
            // not be read (a directory) has what was read before the error.
            if !opened {
                continue;
            }
        }
        total = [0, 1, 2].map(|i| total[i] + counts[i]);
        // Standard input read for want of operands has no name.
        let name = match CLI.files.is_empty() {
            true => String::new(),
            false => format!(" {}", path.display()),
        };
        print_row(counts, &name, width);
    }
    if CLI.files.len() > 1 {
        print_row(total, " total", width);
    }
    status
}

fn print_row([lines, words, bytes]: [u64; 3], name: &str, width: usize) {
    println!("{lines:>width$} {words:>width$} {bytes:>width$}{name}");
}

/// GNU wc's column width, fixed before any input is read: the digits of
/// the total size of the regular files among the inputs, and at least 7
/// when one is something else (a pipe, a terminal, a directory), whose
/// size says nothing of its counts.
fn column_width(inputs: &[Operand<impl can::Fstat>]) -> usize {
    let (mut size, mut least) = (0u64, 1);
    for meta in inputs
        .iter()
        .filter_map(|input| input.file.as_ref().ok()?.metadata().ok())
    {
        match meta.is_file() {
            true => size = size.saturating_add(meta.len()),
            false => least = 7,
        }
    }
    size.to_string().len().max(least)
}

/// Adds the lines (newlines), words and bytes of `input` to `counts`,
/// up to the end or a read error.
fn count(mut input: impl Read, counts: &mut [u64; 3]) -> io::Result<()> {
    let mut buf = vec![0; 64 * 1024];
    let mut in_word = false;
    loop {
        let n = match input.read(&mut buf) {
            Ok(0) => return Ok(()),
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
