use sandboxed::net::TcpListener;
use sandboxed::sandboxed;

#[sandboxed(preopen(web = tcp_listener("127.0.0.1:80")), rights(web = [recv, send]))]
fn main(web: TcpListener) {
    let _ = web;
}
