use sandboxed::sandboxed;
use sandboxed::services::Net;

#[sandboxed(services(net(connect = ["localhost:80"])))]
fn main(net: Net) {
    let _ = net;
}
