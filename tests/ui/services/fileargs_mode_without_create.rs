use sandboxed::sandboxed;
use sandboxed::services::FileArgs;

#[sandboxed(services(fileargs(args(1..), write, mode = 0o640)))]
fn main(fileargs: FileArgs) {
    let _ = fileargs;
}
