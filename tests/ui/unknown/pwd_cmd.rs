use sandboxed::sandboxed;
use sandboxed::services::Pwd;

#[sandboxed(services(pwd(cmds = [getpwnma])))]
fn main(pwd: Pwd) {
    let _ = pwd;
}
