// A lookup type is a word.
use sandboxed::sandboxed;
use sandboxed::services::Dns;

#[sandboxed(services(dns(types = ["name2addr"])))]
fn main(dns: Dns) {
    let _ = dns;
}
