// One error of each kind in one attribute: unknown words (a kind, a
// right, a key, a service) and the checks that need every declaration
// (a rights target that is not declared, a parameter of the wrong type,
// a parameter with no declaration) are all reported by one compile.
use sandboxed::services::Dns;
use sandboxed::{sandboxed, Dir, File};

#[sandboxed(
    preopen(a = fiel(arg(1)), b = file(arg(2))),
    rights(d = [read], b = [raed]),
    servces(dsn),
)]
fn main(a: File, b: Dir, extra: File, dns: Dns) {
    let _ = (a, b, extra, dns);
}
