//! `compartment FILE`: parses S-expressions from an untrusted FILE in a
//! sandboxed child process and prints them back, one per line.
//!
//! Pattern: the parser — the code most likely to have a bug — runs in a
//! compartment (`sandboxed::compartment::Compartment`): a forked child
//! with no descriptor but its result channel, in the sandboxed parent's
//! capability mode and a Landlock domain of its own, so it cannot signal,
//! trace or reschedule its parent. It runs under limits: 10 s of wall-clock
//! time, 5 s of CPU, 1 GiB of memory, 64 MiB of output. A crash there (a
//! stack overflow on input nested too deep, say) or a limit exceeded is
//! reported, and the parent goes on.

use std::io::{Read, Write};
use std::process::ExitCode;
use std::time::Duration;

use sandboxed::compartment::Compartment;
use sandboxed::{sandboxed, File};
use sandboxed_examples::{os_error, sexp};

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
        eprintln!("compartment: {name}: {}", os_error(&e));
        return ExitCode::FAILURE;
    }
    let parser = Compartment::new()
        .timeout(Duration::from_secs(10))
        .cpu_time(Duration::from_secs(5))
        .memory(1 << 30)
        .result_limit(64 << 20);
    match parser.run(render, &data[..]) {
        Ok(text) => {
            let mut out = std::io::stdout().lock();
            match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("compartment: stdout: {}", os_error(&e));
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
