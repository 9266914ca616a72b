// `backlog` takes an integer.
use sandboxed::net::TcpListener;
use sandboxed::sandboxed;

#[sandboxed(preopen(l = tcp_listener("127.0.0.1:0", backlog = "8")))]
fn main(l: TcpListener) {
    let _ = l;
}
