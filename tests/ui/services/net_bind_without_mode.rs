// `bind` addresses with modes that deny binding.
use sandboxed::sandboxed;
use sandboxed::services::Net;

#[sandboxed(services(net(modes = [connect], bind = ["127.0.0.1:8080"])))]
fn main(net: Net) {
    let _ = net;
}
