// Open flags for a `fileargs` that cannot open.
use sandboxed::sandboxed;
use sandboxed::services::FileArgs;

#[sandboxed(services(fileargs(args(1..), write, operations = [lstat])))]
fn main(fileargs: FileArgs) {
    let _ = fileargs;
}
