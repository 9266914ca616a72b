// `fileargs` with no operation could not open its files.
use sandboxed::sandboxed;
use sandboxed::services::FileArgs;

#[sandboxed(services(fileargs(args(1..), operations = [])))]
fn main(fileargs: FileArgs) {
    let _ = fileargs;
}
