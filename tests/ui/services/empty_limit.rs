// An empty limit list is no limit to libcasper: it would allow every type.
use sandboxed::sandboxed;
use sandboxed::services::Dns;

#[sandboxed(services(dns(types = [])))]
fn main(dns: Dns) {
    let _ = dns;
}
