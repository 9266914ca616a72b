use sandboxed::sandboxed;
use sandboxed::services::FileArgs;

#[sandboxed(services(fileargs(args(1..), operations = [opne])))]
fn main(fileargs: FileArgs) {
    let _ = fileargs;
}
