use sandboxed::sandboxed;
use sandboxed::services::Net;

#[sandboxed(services(dns))]
fn main(dns: Net) {
    let _ = dns;
}
