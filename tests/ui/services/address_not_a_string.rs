// A socket address is a string.
use sandboxed::sandboxed;
use sandboxed::services::Net;

#[sandboxed(services(net(modes = [bind], bind = [8080])))]
fn main(net: Net) {
    let _ = net;
}
