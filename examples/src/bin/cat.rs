//! `cat [FILE...]`: concatenates files to stdout, sandboxed.
//!
//! Pattern: many inputs, one preopen (`files(args(1..))` gives a
//! `Vec<File>`), each read-only; stdio limited with `caph_limit_stdio`'s
//! set. With no file, copies stdin.

use std::io::{self, Write};
use std::process::ExitCode;

use sandboxed::{sandboxed, File};

#[sandboxed(
    preopen(files = files(args(1..))),
    rights(files = [read, fstat], stdio),
)]
fn main(files: Vec<File>) -> ExitCode {
    let mut out = io::stdout().lock();
    let mut status = ExitCode::SUCCESS;
    if files.is_empty() {
        if let Err(e) = io::copy(&mut io::stdin().lock(), &mut out) {
            eprintln!("cat: stdin: {e}");
            status = ExitCode::FAILURE;
        }
    }
    let names = std::env::args_os().skip(1);
    for (mut file, name) in files.into_iter().zip(names) {
        if let Err(e) = io::copy(&mut file, &mut out) {
            eprintln!("cat: {}: {e}", name.to_string_lossy());
            status = ExitCode::FAILURE;
        }
    }
    if let Err(e) = out.flush() {
        eprintln!("cat: stdout: {e}");
        status = ExitCode::FAILURE;
    }
    status
}
