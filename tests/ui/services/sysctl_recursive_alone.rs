use sandboxed::sandboxed;
use sandboxed::services::Sysctl;

#[sandboxed(services(sysctl(recursive = ["kern"])))]
fn main(sysctl: Sysctl) {
    let _ = sysctl;
}
