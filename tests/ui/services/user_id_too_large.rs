// A user id is a `uid_t`.
use sandboxed::sandboxed;
use sandboxed::services::Pwd;

#[sandboxed(services(pwd(users = [99999999999])))]
fn main(pwd: Pwd) {
    let _ = pwd;
}
