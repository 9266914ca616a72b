// A limit given twice.
use sandboxed::sandboxed;
use sandboxed::services::Dns;

#[sandboxed(services(dns(types = [name2addr], types = [addr2name])))]
fn main(dns: Dns) {
    let _ = dns;
}
