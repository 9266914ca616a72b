// A `{ expr }` that is an `Option` may name nothing: its parameter is
// `Option<File>`.
use std::path::PathBuf;

use sandboxed::{sandboxed, File};

fn config() -> Option<PathBuf> {
    None
}

#[sandboxed(preopen(config = file({ config() })))]
fn main(config: File) {
    let _ = config;
}
