// `families` limits lookups, which the modes deny.
use sandboxed::sandboxed;
use sandboxed::services::Net;

#[sandboxed(services(net(modes = [connect], families = [inet])))]
fn main(net: Net) {
    let _ = net;
}
