// `files({ expr }, dash, fallible)`: any iterator of paths; each operand
// is opened on its own, a missing one is its own error, `-` is stdin.
use std::io::Read;

use sandboxed::{sandboxed, Operand};

fn operands() -> Vec<std::path::PathBuf> {
    vec!["Cargo.toml".into(), "/nonexistent/sandboxed-pass".into(), "-".into()]
}

#[sandboxed(
    preopen(inputs = files({ operands() }, dash, fallible)),
    rights(inputs = [read, fstat]),
    on_unsupported = "warn",
)]
fn main(inputs: Vec<Operand>) {
    assert_eq!(inputs.len(), 3);
    assert!(inputs[0].file.is_ok());
    let missing = inputs[1].file.as_ref().unwrap_err();
    assert_eq!(missing.kind(), std::io::ErrorKind::NotFound);
    assert!(inputs[2].is_stdio() && !inputs[0].is_stdio());
    for operand in inputs {
        if let Ok(mut file) = operand.file {
            let mut text = Vec::new();
            file.read_to_end(&mut text).unwrap();
            let _ = file.metadata().unwrap();
        }
    }
}
