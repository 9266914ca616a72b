// Compile-only: `arg(N)`, `env("VAR")` and `on_unsupported = "deny"` need a
// command line, an environment or a backend the trybuild run does not
// give, so the annotated function is type-checked but not called.
use sandboxed::{sandboxed, Dir, File};

#[sandboxed(
    preopen(
        old = file(arg(1)),
        new = file(arg(2), read, write, create, exclusive, mode = 0o644),
        log = file(env("LOG"), append, create),
        out = dir(env("OUT_DIR"), create, mode = 0o755),
    ),
    rights(out = [lookup, create, write, fstat, unlinkat]),
    exit_code = 2,
)]
fn run(old: File, new: File, log: File, out: Dir) {
    let _ = (old, new, log, out);
}

fn main() {
    let _ = run as fn();
}
