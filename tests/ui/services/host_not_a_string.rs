// A host is a string or `_`.
use sandboxed::sandboxed;
use sandboxed::services::Net;

#[sandboxed(services(net(modes = [name2addr], hosts = [(1, "80")])))]
fn main(net: Net) {
    let _ = net;
}
