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
        "narrow-file" => narrow_file(),
        "narrow-socket" => narrow_socket(),
        "narrow-dir" => narrow_dir(),
        "narrow-fileargs" => narrow_fileargs(),
        "narrow-max" => narrow_max(),
        "narrow-mmap" => narrow_mmap(),
        "narrow-mmapx" => narrow_mmapx(),
        "truncate-mmap" => truncate_mmap(),
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
    let line = answer_ping(&mut conn);
    conn.shutdown(Shutdown::Write).expect("shutdown");
    check("a connection accepted and answered", line == "ping");
    value("peer is the runner", peer.ip());
    // The runner listens on the port next to ours, as a target.
    let target = std::env::args().nth(3).map(|a| a.parse().expect("address"));
    no_new_endpoints(target);
}

/// Reads the runner's line on `conn` and answers `pong LINE`; the line.
fn answer_ping(mut conn: impl Read + Write) -> String {
    let mut line = String::new();
    std::io::BufReader::new(&mut conn)
        .read_line(&mut line)
        .expect("recv");
    conn.write_all(format!("pong {}", line.trim()).as_bytes())
        .expect("send");
    line.trim().to_owned()
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
    let line = answer_ping(&mut conn);
    check("a connection accepted and answered", line == "ping");
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

/// A raw system call's result as `io::Result`.
fn sys(r: libc::c_int) -> std::io::Result<libc::c_int> {
    if r < 0 {
        Err(std::io::Error::last_os_error())
    } else {
        Ok(r)
    }
}

/// write(2) of one byte on raw descriptor `fd`.
fn write_fd(fd: std::os::fd::RawFd) -> std::io::Result<libc::c_int> {
    // SAFETY: one byte from a valid buffer; `fd` is a number only.
    sys(unsafe { libc::write(fd, b"x".as_ptr().cast(), 1) } as libc::c_int)
}

/// A descriptor made after entry (outside every class): a pipe's write end.
fn fresh_pipe() -> (std::os::fd::OwnedFd, std::os::fd::OwnedFd) {
    rustix::pipe::pipe().expect("pipe")
}

/// A file opened read-write, limited after entry to `ReadOnly`: what was
/// dropped is refused, and every way to get it back too (rights only
/// shrink: limiting again to more, copying the descriptor, copying it
/// onto another number, closing it and opening the file again, a forked
/// child). A number of the set's range keeps the set's limits: a fresh
/// descriptor moved there gets them, never more.
#[sandboxed(
    preopen(f = file(arg(2), read, write)),
    rights(f = [read, write, seek, fstat], stdio),
    limits(ReadOnly = [read, seek, fstat], Both = [read, write, fstat]),
)]
fn narrow_file(f: File) {
    use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
    sandboxed_unless_control();
    let path = std::env::args().nth(2).expect("the file");
    check("write before limiting", write_fd(f.as_raw_fd()).is_ok());
    let mut r = f.limit::<ReadOnly>().expect("limit to ReadOnly");
    let n = r.as_raw_fd();
    let mut text = String::new();
    std::io::Seek::rewind(&mut r).expect("seek");
    r.read_to_string(&mut text).expect("read after limiting");
    check("read after limiting", text.ends_with('x'));
    check("fstat after limiting", r.metadata().is_ok());
    denied("write after limiting", write_fd(n));
    // A copy keeps the limits (dup(2): Capsicum copies the rights along;
    // the supervisor puts it into a pool of them): it cannot write.
    // SAFETY: dup(2), dup3(2) and fcntl(2) take numbers only.
    unsafe {
        for (what, copy) in [
            ("dup", sys(libc::dup(n))),
            ("F_DUPFD", sys(libc::fcntl(n, libc::F_DUPFD_CLOEXEC, 0))),
        ] {
            let copy =
                copy.unwrap_or_else(|e| panic!("failed: {what} of the limited descriptor: {e}"));
            check(&format!("{what} of the limited descriptor"), copy >= 0);
            denied(&format!("write through its {what} copy"), write_fd(copy));
            libc::close(copy);
        }
        denied(
            "dup3 onto a low free number",
            sys(libc::dup3(n, 200, libc::O_CLOEXEC)),
        );
    }
    // Limiting again to more is refused (the raw form, unchecked by the
    // types; the descriptor is consumed either way).
    let copy = r;
    denied(
        "limiting again to a set with `write`",
        sandboxed::rights::limit::<Both>(copy).map(drop),
    );
    // The number is not freed: it holds a placeholder again. A fresh
    // descriptor moved onto it (explicit narrowing) gets the range's
    // limits, never more (it cannot write).
    let (rd, wr) = fresh_pipe();
    // SAFETY: dup3 of a descriptor we own onto the closed number.
    match sys(unsafe { libc::dup3(wr.as_raw_fd(), n, libc::O_CLOEXEC) }) {
        Ok(_) => {
            // SAFETY: `n` now holds the copy, owned here.
            let moved = unsafe { OwnedFd::from_raw_fd(n) };
            denied(
                "write through a fresh descriptor moved onto the closed number",
                write_fd(moved.as_raw_fd()),
            );
        }
        Err(e) => panic!("failed: moving a fresh descriptor onto the closed number: {e}"),
    }
    // F_DUPFD from inside the range: every pool number is taken (by a
    // placeholder or a limited descriptor), so the copy finds no number
    // below the limited descriptors of setup (EMFILE); in the control run
    // nothing is reserved and it lands at the closed number.
    // SAFETY: fcntl(2) with a number.
    let copy = sys(unsafe { libc::fcntl(rd.as_raw_fd(), libc::F_DUPFD_CLOEXEC, n) });
    match copy {
        Ok(m) if control() => check("F_DUPFD lands at the closed number (control)", m == n),
        Err(e) if !control() => check(
            "F_DUPFD into the range finds no free number (EMFILE)",
            e.raw_os_error() == Some(libc::EMFILE),
        ),
        other => panic!("failed: F_DUPFD of a fresh descriptor into the range: {other:?}"),
    }
    denied(
        "opening the file again by path",
        std::fs::OpenOptions::new().write(true).open(&path),
    );
    // A forked child has the same numbers and the same limits. It writes
    // through the limited pipe and the parent reads what came (capability
    // mode refuses wait4(2): no reaping by pid).
    let both = sandboxed::rights::limit::<Both>(wr).expect("limit a fresh pipe to Both");
    let m = both.as_raw_fd();
    // SAFETY: fork(2); the child only writes and exits.
    match unsafe { libc::fork() } {
        0 => {
            let _ = write_fd(m);
            // SAFETY: ends the child at once, as fork(2) children should.
            unsafe { libc::_exit(0) }
        }
        pid if pid > 0 => {
            // The child's copy is the only writer left: EOF when it exits.
            drop(both);
            let mut got = [0u8; 1];
            // SAFETY: read(2) into a one-byte buffer.
            let n = sys(
                unsafe { libc::read(rd.as_raw_fd(), got.as_mut_ptr().cast(), 1) } as libc::c_int,
            );
            check(
                "a forked child keeps the limits it was given (write allowed by Both)",
                matches!(n, Ok(1)) && got == *b"x",
            );
        }
        _ => panic!("failed: fork"),
    }
}

/// A socket pair made after entry and an accepted connection, limited
/// to what serving needs: what was dropped is refused.
#[sandboxed(
    preopen(listener = tcp_listener({ bind_address() })),
    rights(stdio),
    limits(Conn = [recv, send, shutdown, event], RecvOnly = [recv]),
)]
fn narrow_socket(listener: TcpListener) {
    use std::os::fd::AsRawFd;
    sandboxed_unless_control();
    let addr = listener.local_addr().expect("getsockname");
    println!("listening: {addr}");
    std::io::stdout().flush().unwrap();
    let (conn, _) = listener.accept().expect("accept");
    let mut conn = conn.limit::<Conn>().expect("limit the connection");
    let mut line = String::new();
    std::io::BufReader::new(&conn)
        .read_line(&mut line)
        .expect("recv");
    conn.write_all(b"pong").expect("send");
    // SAFETY: getpeername(2) into a large enough buffer.
    let peer = unsafe {
        let mut addr: libc::sockaddr_storage = std::mem::zeroed();
        let mut len = std::mem::size_of_val(&addr) as libc::socklen_t;
        sys(libc::getpeername(
            conn.as_raw_fd(),
            (&mut addr as *mut libc::sockaddr_storage).cast(),
            &mut len,
        ))
    };
    denied("getpeername of the limited connection", peer);
    drop(conn);
    let (a, b) = std::os::unix::net::UnixStream::pair().expect("socketpair");
    let a: sandboxed::net::UnixStream<RecvOnly> = sandboxed::rights::limit::<RecvOnly>(a)
        .expect("limit one end")
        .into();
    let mut b = b;
    b.write_all(b"hi").expect("send on the other end");
    let mut got = [0; 2];
    (&a).read_exact(&mut got).expect("recv on the limited end");
    check("recv on the limited end", &got == b"hi");
    denied("send on the limited end", write_fd(a.as_raw_fd()));
}

/// A directory limited to lookups and reads: creating beneath it is
/// refused from then on.
#[sandboxed(
    preopen(d = dir(arg(2))),
    rights(d = [lookup, read, create, write, seek, fstat], stdio),
    limits(Browse = [lookup, read, fstat]),
)]
fn narrow_dir(d: sandboxed::Dir) {
    sandboxed_unless_control();
    let before = format!("before.{}", std::process::id());
    check("create before limiting", d.create_new(&before).is_ok());
    let d = d.limit::<Browse>().expect("limit the directory");
    let mut text = String::new();
    d.open(&before)
        .expect("open beneath")
        .read_to_string(&mut text)
        .expect("read");
    check("read beneath after limiting", text.is_empty());
    use std::os::fd::AsRawFd;
    let name = std::ffi::CString::new("after").unwrap();
    // SAFETY: openat(2) with a NUL-terminated name; the result is closed.
    let r = sys(unsafe {
        libc::openat(
            d.as_raw_fd(),
            name.as_ptr(),
            libc::O_WRONLY | libc::O_CREAT | libc::O_EXCL | libc::O_CLOEXEC,
            0o644,
        )
    });
    if let Ok(fd) = r {
        // SAFETY: closes the descriptor just made.
        unsafe { libc::close(fd) };
    }
    denied("creating beneath after limiting", r);
    let name = std::ffi::CString::new(before).unwrap();
    // SAFETY: openat(2) with a NUL-terminated name; the result is closed.
    let r = sys(unsafe {
        libc::openat(
            d.as_raw_fd(),
            name.as_ptr(),
            libc::O_WRONLY | libc::O_CLOEXEC,
        )
    });
    if let Ok(fd) = r {
        // SAFETY: closes the descriptor just made.
        unsafe { libc::close(fd) };
    }
    denied("opening beneath for writing after limiting", r);
}

/// A file from `fileargs`, limited further after entry.
#[sandboxed(
    services(fileargs(arg(2), read, rights = [read, fstat])),
    rights(stdio),
    limits(Stat = [fstat]),
)]
fn narrow_fileargs(fileargs: sandboxed::services::FileArgs) {
    use std::os::fd::AsRawFd;
    sandboxed_unless_control();
    let name = std::env::args().nth(2).expect("a file");
    let file = fileargs.open(&name).expect("fileargs open");
    let file = file.limit::<Stat>().expect("limit to fstat");
    check("fstat after limiting", file.metadata().is_ok());
    let mut byte = [0u8; 1];
    // SAFETY: read(2) into a one-byte buffer.
    let r =
        sys(unsafe { libc::read(file.as_raw_fd(), byte.as_mut_ptr().cast(), 1) } as libc::c_int);
    denied("read after limiting", r);
}

/// `max = 2`: two descriptors of the set at once; a third is refused with
/// `EMFILE` and closed (never handed back unlimited); once one is closed,
/// another fits. The control run reserves no numbers: all fit.
#[sandboxed(rights(stdio), limits(Two = ([read], max = 2)))]
fn narrow_max() {
    sandboxed_unless_control();
    let limit = || sandboxed::rights::limit::<Two>(fresh_pipe().0);
    let first = limit().expect("the first");
    let _second = limit().expect("the second");
    let third = limit();
    match control() {
        true => check("a third, in the control run", third.is_ok()),
        false => check(
            "a third is refused with EMFILE",
            third.as_ref().err().and_then(std::io::Error::raw_os_error) == Some(libc::EMFILE),
        ),
    }
    drop((third, first));
    check("once one is closed, another fits", limit().is_ok());
}

/// A file opened read-write and limited after entry to reading and read
/// mappings: no shared mapping lets it be written, not even one mapped
/// for reading and made writable with mprotect(2), which the kernel allows
/// on a descriptor open for writing (FreeBSD: vn_mmap's `maxprot &=
/// cap_maxprot` in sys/kern/vfs_vnops.c keeps the mapping's maximum
/// protection within `mmap_r`, and mprotect beyond it is `EACCES`). A
/// private mapping is a copy: it may be read and made writable.
#[sandboxed(
    preopen(f = file(arg(2), read, write)),
    rights(f = [read, write, mmap_rw, fstat], stdio),
    limits(ReadMap = [read, mmap_r]),
)]
fn narrow_mmap(f: File) {
    use std::os::fd::AsRawFd;
    sandboxed_unless_control();
    let r = f.limit::<ReadMap>().expect("limit to ReadMap");
    shared_mappings_stay_read_only(r.as_raw_fd(), 2);
}

/// A file held with `mmap_x` and limited after entry to reading and read
/// mappings: a private mapping of it is no longer made executable with
/// mprotect(2) (vn_mmap bounds it by the narrowed descriptor's rights,
/// sys/kern/vfs_vnops.c; the supervisor knew the file held with
/// `mmap_x` at entry, and asks whether it still is).
#[sandboxed(
    preopen(f = file(arg(2))),
    rights(f = [read, mmap_rx, fstat], stdio),
    limits(ReadMapOnly = [read, mmap_r]),
)]
fn narrow_mmapx(f: File) {
    use std::os::fd::AsRawFd;
    sandboxed_unless_control();
    let r = f.limit::<ReadMapOnly>().expect("limit to ReadMapOnly");
    // SAFETY: a fresh private mapping of one page, checked below.
    let p = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            4096,
            libc::PROT_READ,
            libc::MAP_PRIVATE,
            r.as_raw_fd(),
            0,
        )
    };
    assert_ne!(p, libc::MAP_FAILED, "{}", std::io::Error::last_os_error());
    denied(
        "a private read mapping made executable with mprotect",
        // SAFETY: mprotect(2) of the page mapped above.
        sys(unsafe { libc::mprotect(p, 4096, libc::PROT_READ | libc::PROT_EXEC) }),
    );
}

/// A file kept open for writing for ftruncate(2) alone, with read
/// mappings: the same (its descriptor stays `O_RDWR`, as ftruncate needs).
#[sandboxed(
    preopen(f = file(arg(2), read, write)),
    rights(f = [read, ftruncate, mmap_r], stdio),
)]
fn truncate_mmap(f: File) {
    use std::os::fd::AsRawFd;
    sandboxed_unless_control();
    shared_mappings_stay_read_only(f.as_raw_fd(), 1);
}

/// `fd` holds `mmap_r` but not `mmap_w`: a private mapping may be made
/// writable (a copy), a shared one is refused writable, and made writable
/// later with mprotect(2) too; `checks` 2 also maps it writable at once.
fn shared_mappings_stay_read_only(fd: std::os::fd::RawFd, checks: usize) {
    let map = |prot, flags| {
        // SAFETY: a fresh mapping of one page of `fd`, checked below.
        let p = unsafe { libc::mmap(std::ptr::null_mut(), 4096, prot, flags, fd, 0) };
        match p == libc::MAP_FAILED {
            true => Err(std::io::Error::last_os_error()),
            false => Ok(p),
        }
    };
    let widen = |p: *mut libc::c_void| {
        // SAFETY: mprotect(2) of the page mapped above.
        sys(unsafe { libc::mprotect(p, 4096, libc::PROT_READ | libc::PROT_WRITE) })?;
        // SAFETY: the page is mapped and now writable; the file is not
        // empty, so its first byte is backed by it.
        unsafe { *p.cast::<u8>() = b'W' };
        // SAFETY: msync(2) of the page mapped above.
        sys(unsafe { libc::msync(p, 4096, libc::MS_SYNC) })
    };
    let private = map(libc::PROT_READ, libc::MAP_PRIVATE).expect("a private read mapping");
    check(
        "a private mapping made writable (a copy)",
        widen(private).is_ok(),
    );
    if checks == 2 {
        denied(
            "a shared writable mapping",
            map(libc::PROT_READ | libc::PROT_WRITE, libc::MAP_SHARED).map(drop),
        );
    }
    denied(
        "a shared read mapping made writable with mprotect",
        map(libc::PROT_READ, libc::MAP_SHARED).and_then(widen),
    );
}
