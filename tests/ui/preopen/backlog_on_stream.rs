use sandboxed::net::TcpStream;
use sandboxed::sandboxed;

#[sandboxed(preopen(up = tcp_stream("127.0.0.1:80", backlog = 10)))]
fn main(up: TcpStream) {
    let _ = up;
}
