use sandboxed::sandboxed;
use sandboxed::services::FileArgs;
use std::io::Write;

#[sandboxed(services(fileargs(args(1..), read, rights = [read, fstat])))]
fn main(fileargs: FileArgs) {
    let mut file = fileargs.open("out").unwrap();
    file.write_all(b"no").unwrap();
}
