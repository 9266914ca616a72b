// A `pwd` command is a word or a string.
use sandboxed::sandboxed;
use sandboxed::services::Pwd;

#[sandboxed(services(pwd(cmds = [1])))]
fn main(pwd: Pwd) {
    let _ = pwd;
}
