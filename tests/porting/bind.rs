//! A TCP listener bound with std.
#[sandboxed::sandboxed(rights(stdio))]
fn main() {
    println!("bind: {:?}", std::net::TcpListener::bind("127.0.0.1:0").map(drop).map_err(|e| e.kind()));
}
