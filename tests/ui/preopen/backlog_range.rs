// `backlog` is from 1 to 65535.
use sandboxed::net::TcpListener;
use sandboxed::sandboxed;

#[sandboxed(preopen(l = tcp_listener("127.0.0.1:0", backlog = 0)))]
fn main(l: TcpListener) {
    let _ = l;
}
