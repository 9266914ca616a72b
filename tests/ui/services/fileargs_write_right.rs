use sandboxed::sandboxed;
use sandboxed::services::FileArgs;

#[sandboxed(services(fileargs(args(1..), rights = [read, write])))]
fn main(fileargs: FileArgs) {
    let _ = fileargs;
}
