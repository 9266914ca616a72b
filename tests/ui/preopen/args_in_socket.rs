// A socket takes one address.
use sandboxed::net::TcpStream;
use sandboxed::sandboxed;

#[sandboxed(preopen(s = tcp_stream(args(1..))))]
fn main(s: TcpStream) {
    let _ = s;
}
