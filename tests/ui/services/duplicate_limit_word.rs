// A lookup type given twice.
use sandboxed::sandboxed;
use sandboxed::services::Dns;

#[sandboxed(services(dns(types = [name2addr, name2addr])))]
fn main(dns: Dns) {
    let _ = dns;
}
