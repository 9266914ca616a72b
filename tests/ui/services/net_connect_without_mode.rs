use sandboxed::sandboxed;
use sandboxed::services::Net;

#[sandboxed(services(net(modes = [name2addr], connect = ["127.0.0.1:80"])))]
fn main(net: Net) {
    let _ = net;
}
