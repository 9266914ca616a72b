// Rights for the files of a `fileargs` that cannot open them.
use sandboxed::sandboxed;
use sandboxed::services::FileArgs;

#[sandboxed(services(fileargs(args(1..), rights = [read], operations = [realpath])))]
fn main(fileargs: FileArgs) {
    let _ = fileargs;
}
