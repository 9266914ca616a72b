// A `{ expr }` that is a path always names a file: its parameter is
// `File` (or `Option<File>` with `optional`, for a file that may not
// exist).
use sandboxed::{sandboxed, File};

fn config() -> &'static str {
    "/etc/tool.conf"
}

#[sandboxed(preopen(config = file({ config() })))]
fn main(config: Option<File>) {
    let _ = config;
}
