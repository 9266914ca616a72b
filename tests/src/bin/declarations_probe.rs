//! The declaration forms of real programs, one per run, each through the
//! real attribute in a fresh process: `declarations_probe CASE [ARGS...]`.
//! Prints `ok: <check>` per check, `value: <name> = <value>` for what the
//! runner compares with an outside oracle, and panics (status 101) on the
//! first failure.
//!
//! A check of a denial (`denied`) passes inside the sandbox when the
//! operation is refused with the sandbox's error; with
//! `SANDBOXED_TRACE=dry-run` (nothing enforced: the control run) it
//! passes when the operation succeeds, so that the runner sees each
//! denial test able to fail.

use std::io::{BufRead, Read, Write};
use std::net::{Shutdown, SocketAddr};
use std::path::PathBuf;
use std::sync::{LazyLock, OnceLock};

use sandboxed::net::{TcpListener, TcpStream, UnixListener, UnixStream};
use sandboxed::{sandboxed, File};

fn check(what: &str, ok: bool) {
    assert!(ok, "failed: {what}");
    println!("ok: {what}");
}

/// The control run: `SANDBOXED_TRACE=dry-run` enforces nothing.
fn control() -> bool {
    std::env::var_os("SANDBOXED_TRACE").is_some_and(|v| v == "dry-run")
}

/// `r` is refused by the sandbox (or, in the control run, allowed).
fn denied<T: std::fmt::Debug>(what: &str, r: std::io::Result<T>) {
    match r {
        Err(e) if !control() && sandboxed::is_violation(&e) => {
            println!("ok: denied: {what} ({e})")
        }
        Ok(_) if control() => println!("ok: allowed in the control run: {what}"),
        other => panic!("failed: {what}: {other:?}"),
    }
}

/// Inside the sandbox, unless this is the control run.
fn sandboxed_unless_control() {
    check(
        "sandboxed (unless the control run)",
        sandboxed::is_sandboxed() != control(),
    );
}

fn value(name: &str, v: impl std::fmt::Display) {
    println!("value: {name} = {v}");
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str).unwrap_or("") {
        "option-source" => option_source(),
        "missing-argument" => missing_argument(),
        "before-entry" => before_entry(),
        "before-entry-fails" => before_entry_fails(),
        "local-time" => local_time(),
        "tcp-listener" => tcp_listener(),
        "tcp-stream" => tcp_stream(),
        "unix-listener" => unix_listener(),
        "unix-stream" => unix_stream(),
        "tokio-listener" => tokio_listener(),
        other => panic!("unknown case {other:?}"),
    }
}

/// `--config FILE`, optional: `argv[2]` when given.
static CONFIG: LazyLock<Option<PathBuf>> =
    LazyLock::new(|| std::env::args_os().nth(2).map(PathBuf::from));

#[sandboxed(preopen(config = file({ &*CONFIG })), rights(config = [read, fstat]))]
fn option_source(config: Option<File>) {
    match config {
        Some(mut f) => {
            let mut text = String::new();
            f.read_to_string(&mut text).expect("read the config");
            value("config", text.trim());
        }
        None => value("config", "none"),
    }
    sandboxed_unless_control();
}

/// The tool's own usage line when its operand is missing.
fn usage(e: &sandboxed::Error) -> i32 {
    if e.is_missing_argument() {
        eprintln!("usage: declarations_probe missing-argument FILE");
        2
    } else {
        eprintln!(
            "declarations_probe: {}: {}",
            e.path()
                .map_or_else(String::new, |p| p.display().to_string()),
            e.reason()
        );
        1
    }
}

#[sandboxed(preopen(input = file(arg(2))), on_setup_error = usage)]
fn missing_argument(input: File) {
    let _ = input;
    println!("opened");
}

/// What `before_entry` read before entry, for the body to print.
static GREETING: OnceLock<String> = OnceLock::new();

/// Reads a file by path: allowed before entry, denied after.
fn warm_up() -> std::io::Result<()> {
    let path = std::env::args_os().nth(2).expect("a file to read");
    let text = std::fs::read_to_string(path)?;
    GREETING.set(text.trim().to_owned()).expect("once");
    check(
        "before_entry runs outside the sandbox",
        !sandboxed::is_sandboxed(),
    );
    Ok(())
}

#[sandboxed(before_entry = warm_up)]
fn before_entry() {
    sandboxed_unless_control();
    value("greeting", GREETING.get().expect("set before entry"));
    let path = std::env::args_os().nth(2).expect("a file to read");
    denied("the same read after entry", std::fs::read_to_string(path));
}

fn fails() -> Result<(), String> {
    Err("no configuration".into())
}

#[sandboxed(before_entry = fails)]
fn before_entry_fails() {
    println!("unreachable: the body ran");
}

/// The local time as chrono and libc see it: the UTC offset now, on the
/// main thread and on a thread started after entry, again after more
/// than a second (when chrono checks its zone again), and the offset of
/// a fixed time (2024-07-01 12:00 UTC, summer in the north).
#[sandboxed()]
fn local_time() {
    use chrono::{Local, Offset, TimeZone};
    sandboxed_unless_control();
    let now = || Local::now().offset().fix().local_minus_utc();
    value("chrono main", now());
    value(
        "chrono thread",
        std::thread::spawn(now).join().expect("thread"),
    );
    let summer = chrono::Utc.with_ymd_and_hms(2024, 7, 1, 12, 0, 0).unwrap();
    value(
        "chrono summer",
        summer
            .with_timezone(&Local)
            .offset()
            .fix()
            .local_minus_utc(),
    );
    std::thread::sleep(std::time::Duration::from_millis(1_100));
    value("chrono later", now());
    value(
        "chrono later thread",
        std::thread::spawn(now).join().expect("thread"),
    );
    value("libc", libc_offset(summer.timestamp()));
    value("libc now", libc_offset(chrono::Utc::now().timestamp()));
}

/// localtime_r(3)'s offset of `at`, in seconds east of UTC.
fn libc_offset(at: i64) -> i64 {
    let t: libc::time_t = at;
    let mut tm = std::mem::MaybeUninit::<libc::tm>::uninit();
    // SAFETY: valid pointers to a time_t and to a tm that localtime_r fills.
    let tm = unsafe {
        assert!(!libc::localtime_r(&t, tm.as_mut_ptr()).is_null());
        tm.assume_init()
    };
    tm.tm_gmtoff
}

/// The runner's address, as the declared listener's source.
fn bind_address() -> String {
    std::env::args()
        .nth(2)
        .unwrap_or_else(|| "127.0.0.1:0".into())
}

/// New endpoints are refused; the declared ones work.
fn no_new_endpoints(peer: Option<SocketAddr>) {
    denied(
        "binding a new TCP socket",
        std::net::TcpListener::bind("127.0.0.1:0"),
    );
    if let Some(peer) = peer {
        denied(
            "connecting a new TCP socket to the runner",
            std::net::TcpStream::connect(peer),
        );
    }
    denied("a UDP socket", std::net::UdpSocket::bind("127.0.0.1:0"));
}

#[sandboxed(
    preopen(listener = tcp_listener({ bind_address() })),
    rights(stdio),
)]
fn tcp_listener(listener: TcpListener) {
    sandboxed_unless_control();
    let addr = listener.local_addr().expect("getsockname");
    println!("listening: {addr}");
    std::io::stdout().flush().unwrap();
    let (mut conn, peer) = listener.accept().expect("accept");
    let mut line = String::new();
    std::io::BufReader::new(&conn)
        .read_line(&mut line)
        .expect("recv");
    conn.write_all(format!("pong {}", line.trim()).as_bytes())
        .expect("send");
    conn.shutdown(Shutdown::Write).expect("shutdown");
    check("a connection accepted and answered", line.trim() == "ping");
    value("peer is the runner", peer.ip());
    // The runner listens on the port next to ours, as a target.
    let target = std::env::args().nth(3).map(|a| a.parse().expect("address"));
    no_new_endpoints(target);
}

#[sandboxed(
    preopen(server = tcp_stream(arg(2))),
    rights(server = [recv, send, shutdown, getpeername], stdio),
)]
fn tcp_stream(mut server: TcpStream) {
    sandboxed_unless_control();
    let peer = server.peer_addr().expect("getpeername");
    server.write_all(b"hello\n").expect("send");
    server.shutdown(Shutdown::Write).expect("shutdown");
    let mut answer = String::new();
    server.read_to_string(&mut answer).expect("recv");
    value("answer", answer.trim());
    no_new_endpoints(Some(peer));
}

#[sandboxed(
    preopen(listener = unix_listener(arg(2))),
    rights(listener = [accept, recv, send, getsockname], stdio),
)]
fn unix_listener(listener: UnixListener) {
    sandboxed_unless_control();
    let path = listener.local_addr().expect("getsockname");
    println!(
        "listening: {}",
        path.as_pathname().expect("a path").display()
    );
    std::io::stdout().flush().unwrap();
    let (mut conn, _) = listener.accept().expect("accept");
    let mut line = String::new();
    std::io::BufReader::new(&conn)
        .read_line(&mut line)
        .expect("recv");
    conn.write_all(format!("pong {}", line.trim()).as_bytes())
        .expect("send");
    check("a connection accepted and answered", line.trim() == "ping");
    let other = std::env::args().nth(3).expect("another socket's path");
    denied(
        "connecting to another Unix socket",
        std::os::unix::net::UnixStream::connect(&other),
    );
    denied(
        "binding a new Unix socket",
        std::os::unix::net::UnixListener::bind(format!("{other}.new")),
    );
}

#[sandboxed(preopen(peer = unix_stream(arg(2))), rights(stdio))]
fn unix_stream(mut peer: UnixStream) {
    sandboxed_unless_control();
    peer.write_all(b"hello\n").expect("send");
    peer.shutdown(Shutdown::Write).expect("shutdown");
    let mut answer = String::new();
    peer.read_to_string(&mut answer).expect("recv");
    value("answer", answer.trim());
    let path = std::env::args().nth(2).expect("the socket's path");
    denied(
        "a second connection to the same path",
        std::os::unix::net::UnixStream::connect(path),
    );
}

/// The declared listener served by tokio's multi-threaded runtime, its
/// threads started after entry.
#[sandboxed(
    preopen(listener = tcp_listener({ bind_address() }, nonblocking)),
    rights(stdio),
)]
#[tokio::main]
async fn tokio_listener(listener: TcpListener) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    sandboxed_unless_control();
    let addr = listener.local_addr().expect("getsockname");
    let listener = tokio::net::TcpListener::from_std(listener.into_std()).expect("from_std");
    println!("listening: {addr}");
    std::io::stdout().flush().unwrap();
    for _ in 0..2 {
        let (mut conn, _) = listener.accept().await.expect("accept");
        tokio::spawn(async move {
            let mut buf = [0; 4];
            conn.read_exact(&mut buf).await.expect("recv");
            conn.write_all(b"pong").await.expect("send");
        })
        .await
        .expect("task");
    }
    check("two connections served", true);
}
