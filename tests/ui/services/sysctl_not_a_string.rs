// A sysctl name is a string.
use sandboxed::sandboxed;
use sandboxed::services::Sysctl;

#[sandboxed(services(sysctl(read = [kern])))]
fn main(sysctl: Sysctl) {
    let _ = sysctl;
}
