// A user is a string or an id.
use sandboxed::sandboxed;
use sandboxed::services::Pwd;

#[sandboxed(services(pwd(users = [root])))]
fn main(pwd: Pwd) {
    let _ = pwd;
}
