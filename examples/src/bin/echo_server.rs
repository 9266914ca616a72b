//! `echo_server HOST:PORT`: a line server under tokio; each line a client
//! sends comes back in upper case.
//!
//! Pattern (the guide's second program): a server declares the socket it
//! listens on. `tcp_listener(arg(1), nonblocking)` binds and listens
//! before entry (capability mode refuses bind(2)); inside, the listener
//! accepts and nothing else can be bound or connected. `#[sandboxed]` goes
//! above `#[tokio::main]`, so the sandbox is entered while the process is
//! still single-threaded, and tokio takes the listener as it takes std's.

use sandboxed::net::TcpListener;
use sandboxed::sandboxed;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

#[sandboxed(
    preopen(listener = tcp_listener(arg(1), nonblocking)),
    rights(stdio),
)]
#[tokio::main]
async fn main(listener: TcpListener) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::from_std(listener.into_std())?;
    println!("listening on {}", listener.local_addr()?);
    loop {
        let (conn, _) = listener.accept().await?;
        tokio::spawn(async move {
            let (read, mut write) = conn.into_split();
            let mut lines = BufReader::new(read).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                let reply = format!("{}\n", line.to_uppercase());
                if write.write_all(reply.as_bytes()).await.is_err() {
                    break;
                }
            }
        });
    }
}
