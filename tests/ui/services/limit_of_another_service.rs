use sandboxed::sandboxed;
use sandboxed::services::Dns;

#[sandboxed(services(dns(users = ["root"])))]
fn main(dns: Dns) {
    let _ = dns;
}
