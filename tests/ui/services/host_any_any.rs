// `(_, _)` limits nothing.
use sandboxed::sandboxed;
use sandboxed::services::Net;

#[sandboxed(services(net(modes = [name2addr], hosts = [(_, _)])))]
fn main(net: Net) {
    let _ = net;
}
