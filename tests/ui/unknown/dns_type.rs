use sandboxed::sandboxed;
use sandboxed::services::Dns;

#[sandboxed(services(dns(types = [name2adr])))]
fn main(dns: Dns) {
    let _ = dns;
}
