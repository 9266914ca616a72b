use sandboxed::sandboxed;
use sandboxed::services::FileArgs;

#[sandboxed(services(fileargs(args(1..), read, dash)))]
fn main(fileargs: FileArgs) {
    let _ = fileargs;
}
