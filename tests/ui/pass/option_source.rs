// A `{ expr }` of `file(...)` or `dir(...)` that is an `Option` (an
// optional `--config FILE`) gives `Option<File>` / `Option<Dir>`: `None`
// opens nothing; `Some(path)` is opened like any other source. Combined
// with `optional`, a given path that does not exist is `None` too.
use std::io::Read;
use std::path::PathBuf;
use std::sync::LazyLock;

use sandboxed::{sandboxed, Dir, File};

struct Cli {
    config: Option<PathBuf>,
    fallback: Option<PathBuf>,
    work: Option<String>,
    cache: Option<PathBuf>,
}

static CLI: LazyLock<Cli> = LazyLock::new(|| Cli {
    config: None,
    fallback: Some("/nonexistent/sandboxed-pass.conf".into()),
    work: Some(std::env::temp_dir().to_string_lossy().into_owned()),
    cache: Some("/dev/null".into()),
});

#[sandboxed(
    preopen(
        config = file({ &CLI.config }),
        fallback = file({ CLI.fallback.as_deref() }, optional),
        work = dir({ &CLI.work }),
        cache = file({ CLI.cache.clone() }),
    ),
    on_unsupported = "warn",
)]
fn main(config: Option<File>, fallback: Option<File>, work: Option<Dir>, cache: Option<File>) {
    assert!(config.is_none());
    assert!(fallback.is_none());
    assert!(work.is_some());
    let mut bytes = Vec::new();
    cache.expect("given").read_to_end(&mut bytes).unwrap();
    assert!(bytes.is_empty());
}
