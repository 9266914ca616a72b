// A host entry is a string or a pair.
use sandboxed::sandboxed;
use sandboxed::services::Net;

#[sandboxed(services(net(modes = [name2addr], hosts = [1])))]
fn main(net: Net) {
    let _ = net;
}
