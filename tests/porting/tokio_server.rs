//! A tokio server: the runtime starts clean; its listener is std's
//! socket and bind underneath.
#[sandboxed::sandboxed(rights(stdio))]
#[tokio::main]
async fn main() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await;
    println!("listen: {:?}", listener.map(drop).map_err(|e| e.kind()));
}
