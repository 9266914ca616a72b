use sandboxed::net::TcpListener;
use sandboxed::sandboxed;

#[sandboxed(preopen(web = tcp_listener("localhost")))]
fn main(web: TcpListener) {
    let _ = web;
}
