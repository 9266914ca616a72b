use std::io::Write;

use sandboxed::net::TcpStream;
use sandboxed::sandboxed;

#[sandboxed(preopen(up = tcp_stream("127.0.0.1:80")), rights(up = [recv]))]
fn main(mut up: TcpStream) {
    let _ = up.write_all(b"x");
}
