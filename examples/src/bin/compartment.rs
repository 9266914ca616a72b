//! `compartment FILE`: parses S-expressions from an untrusted FILE in a
//! sandboxed child process and prints them back, one per line.
//!
//! Pattern: the parser — the code most likely to have a bug — runs in a
//! compartment (`sandboxed::compartment`): a forked child with no
//! descriptor but its result pipe, in capability mode. A crash there
//! (a stack overflow on input nested too deep, say) is reported, and the
//! parent, itself sandboxed, goes on.

use std::io::{Read, Write};
use std::process::ExitCode;

use sandboxed::{compartment, sandboxed, File};
use sandboxed_examples::sexp;

/// In the compartment: parse, then print canonically.
fn render(input: &[u8]) -> Result<String, sexp::ParseError> {
    let mut text = String::new();
    for e in sexp::parse(input)? {
        text.push_str(&e.to_string());
        text.push('\n');
    }
    Ok(text)
}

#[sandboxed(
    preopen(input = file(arg(1))),
    rights(input = [read, fstat], stdio),
)]
fn main(mut input: File) -> ExitCode {
    let name = std::env::args_os().nth(1).unwrap_or_default();
    let name = name.to_string_lossy();
    let mut data = Vec::new();
    if let Err(e) = input.read_to_end(&mut data) {
        eprintln!("compartment: {name}: {e}");
        return ExitCode::FAILURE;
    }
    match compartment(render, &data) {
        Ok(text) => {
            let mut out = std::io::stdout().lock();
            match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("compartment: stdout: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Err(e) => {
            eprintln!("compartment: {name}: {e}");
            ExitCode::FAILURE
        }
    }
}
