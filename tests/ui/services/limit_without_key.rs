// A limit is `KEY = [...]`.
use sandboxed::sandboxed;
use sandboxed::services::Dns;

#[sandboxed(services(dns(name2addr)))]
fn main(dns: Dns) {
    let _ = dns;
}
