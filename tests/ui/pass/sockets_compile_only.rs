// Every socket kind, its flags and its sources (compile only: the
// addresses are not served here).
use std::net::{Ipv4Addr, SocketAddr};

use sandboxed::net::{TcpListener, TcpStream, UnixListener, UnixStream};
use sandboxed::sandboxed;

fn address() -> SocketAddr {
    SocketAddr::from((Ipv4Addr::LOCALHOST, 8080))
}

#[sandboxed(
    preopen(
        web = tcp_listener("127.0.0.1:8080", nonblocking, backlog = 1024),
        admin = tcp_listener({ address() }),
        control = unix_listener(env("CONTROL_SOCKET")),
        upstream = tcp_stream(arg(1), nonblocking),
        peer = unix_stream({ "/run/peer.sock" }),
        local = tcp_stream({ (Ipv4Addr::LOCALHOST, 9) }),
    ),
    rights(
        web = [accept, recv, send, event, fcntls(getfl)],
        control = [accept, recv, send, shutdown],
        upstream = [sock_client, event],
    ),
)]
fn run(
    web: TcpListener,
    admin: TcpListener,
    control: UnixListener,
    upstream: TcpStream,
    peer: UnixStream,
    local: TcpStream,
) {
    let _ = (web, admin, control, upstream, peer, local);
}

fn main() {
    let _ = run as fn();
}
