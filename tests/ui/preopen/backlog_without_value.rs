// `backlog` needs its value.
use sandboxed::net::TcpListener;
use sandboxed::sandboxed;

#[sandboxed(preopen(l = tcp_listener("127.0.0.1:0", backlog)))]
fn main(l: TcpListener) {
    let _ = l;
}
