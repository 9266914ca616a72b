use sandboxed::sandboxed;
use sandboxed::services::FileArgs;

#[sandboxed(services(fileargs(operations = [open])))]
fn main(fileargs: FileArgs) {
    let _ = fileargs;
}
