//! A TCP connection made with std.
#[sandboxed::sandboxed(rights(stdio))]
fn main() {
    println!("connect: {:?}", std::net::TcpStream::connect("127.0.0.1:9").map(drop).map_err(|e| e.kind()));
}
