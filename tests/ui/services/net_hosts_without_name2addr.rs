// `hosts` limits getaddrinfo, which the modes deny (cap_net.c).
use sandboxed::sandboxed;
use sandboxed::services::Net;

#[sandboxed(services(net(modes = [connect], hosts = ["example.org"])))]
fn main(net: Net) {
    let _ = net;
}
