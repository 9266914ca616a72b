// `connectdns` connects to what a lookup returned; no lookup is allowed.
use sandboxed::sandboxed;
use sandboxed::services::Net;

#[sandboxed(services(net(modes = [connectdns])))]
fn main(net: Net) {
    let _ = net;
}
