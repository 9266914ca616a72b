//! Service round trips against their floors, printed in one run:
//!
//! - a service round trip (`syslog.set_mask(0)`, which does no work in the
//!   broker) vs a raw `SOCK_SEQPACKET` round trip between two processes;
//! - a repeated `fileargs` open of one name vs a raw `SCM_RIGHTS`
//!   descriptor round trip plus a direct open(2): the broker answers each
//!   open with a spare descriptor that the next open of the name takes, so
//!   this is one round trip per two opens, averaged;
//! - a `fileargs` open of a name pre-opened before entry (no round trip).
//!
//! Each figure is the fastest of 15 interleaved batches of 2000, so that a
//! busy machine slows floor and service alike. Goal: each ratio ≤ 1.2. Run with `cargo bench -p sandboxed-tests --bench
//! services`.

use std::io::{IoSlice, IoSliceMut};
use std::mem::MaybeUninit;
use std::os::fd::{AsFd, OwnedFd};
use std::time::{Duration, Instant};

use rustix::net::{
    recvmsg, sendmsg, AddressFamily, RecvAncillaryBuffer, RecvFlags, SendAncillaryBuffer,
    SendAncillaryMessage, SendFlags, SocketAddrUnix, SocketType,
};
use sandboxed::__private::{enter, service, OnUnsupported, Plan};
use sandboxed::decl::{FileArgsLimits, FileOp, OpenFlags, ServiceDecl, Source};
use sandboxed::services::{FileArgs, Syslog};

const ECHO_VAR: &str = "SANDBOXED_BENCH_ECHO";
const ROUNDS: usize = 15;
const PER_ROUND: usize = 2000;

/// The echo peer: answers `e` with the same bytes and `f` with a
/// descriptor, until end of file.
fn echo(path: &str) {
    let sock = rustix::net::socket(AddressFamily::UNIX, SocketType::SEQPACKET, None).unwrap();
    rustix::net::connect(&sock, &SocketAddrUnix::new(path).unwrap()).unwrap();
    let file = std::fs::File::open("/dev/null").unwrap();
    let mut buf = [0u8; 256];
    loop {
        let n = rustix::net::recv(&sock, &mut buf, RecvFlags::empty())
            .unwrap()
            .0;
        if n == 0 {
            return;
        }
        let mut space = [MaybeUninit::uninit(); rustix::cmsg_space!(ScmRights(1))];
        let mut control = SendAncillaryBuffer::new(&mut space);
        let fds = [file.as_fd()];
        if buf[0] == b'f' {
            control.push(SendAncillaryMessage::ScmRights(&fds));
        }
        sendmsg(
            &sock,
            &[IoSlice::new(&buf[..n])],
            &mut control,
            SendFlags::empty(),
        )
        .unwrap();
    }
}

/// Time per operation of one batch.
fn batch(op: &mut dyn FnMut()) -> Duration {
    let start = Instant::now();
    for _ in 0..PER_ROUND {
        op();
    }
    start.elapsed() / PER_ROUND as u32
}

/// The fastest batch of each operation, batches interleaved round by round
/// so that every operation sees the same machine load (2 shared cores).
fn time_interleaved(ops: &mut [&mut dyn FnMut()]) -> Vec<Duration> {
    for op in ops.iter_mut() {
        for _ in 0..PER_ROUND / 4 {
            op();
        }
    }
    let mut best = vec![Duration::MAX; ops.len()];
    for _ in 0..ROUNDS {
        for (i, op) in ops.iter_mut().enumerate() {
            best[i] = best[i].min(batch(*op));
        }
    }
    best
}

fn raw_round_trip(sock: &OwnedFd, message: &[u8]) -> Option<OwnedFd> {
    rustix::net::send(sock, message, SendFlags::empty()).unwrap();
    let mut buf = [0u8; 256];
    let mut space = [MaybeUninit::uninit(); rustix::cmsg_space!(ScmRights(1))];
    let mut control = RecvAncillaryBuffer::new(&mut space);
    recvmsg(
        sock,
        &mut [IoSliceMut::new(&mut buf)],
        &mut control,
        RecvFlags::CMSG_CLOEXEC,
    )
    .unwrap();
    let mut fd = None;
    for m in control.drain() {
        if let rustix::net::RecvAncillaryMessage::ScmRights(fds) = m {
            fd = fds.into_iter().next();
        }
    }
    fd
}

fn us(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

fn report(what: &str, measured: Duration, floor: Duration, floor_what: &str) {
    let ratio = measured.as_secs_f64() / floor.as_secs_f64();
    println!(
        "{what:<34} {:>7.2} µs   floor ({floor_what}) {:>7.2} µs   ratio {ratio:.2} (goal ≤ 1.20){}",
        us(measured),
        us(floor),
        if ratio <= 1.2 { "" } else { "  ABOVE GOAL" }
    );
}

fn main() {
    if let Ok(path) = std::env::var(ECHO_VAR) {
        echo(&path);
        return;
    }
    let dir = std::env::temp_dir().join(format!("sandboxed-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let named = dir.join("named.txt");
    std::fs::write(&named, "data\n").unwrap();

    // The echo peer and the direct open first: after entry the program may
    // no longer spawn or open; the connected socket stays usable.
    let path = dir.join("echo.sock");
    let listener = rustix::net::socket(AddressFamily::UNIX, SocketType::SEQPACKET, None).unwrap();
    rustix::net::bind(&listener, &SocketAddrUnix::new(&path).unwrap()).unwrap();
    rustix::net::listen(&listener, 1).unwrap();
    let mut child = std::process::Command::new(std::env::current_exe().unwrap())
        .env(ECHO_VAR, &path)
        .spawn()
        .unwrap();
    let peer = rustix::net::accept(&listener).unwrap();
    let direct_open = time_interleaved(&mut [&mut || {
        drop(std::fs::File::open(&named).unwrap());
    }])[0];

    let plan = Plan {
        services: vec![
            ServiceDecl::Syslog,
            ServiceDecl::FileArgs(FileArgsLimits {
                source: Source::Expr {
                    text: "named",
                    value: named.clone().into_os_string(),
                },
                flags: OpenFlags::READ,
                limits: Default::default(),
                operations: vec![FileOp::Open],
            }),
        ],
        on_unsupported: OnUnsupported::Deny,
        ..Plan::default()
    };
    let mut handles = enter(plan);
    let log: Syslog = service(&mut handles, 0);
    let files: FileArgs = service(&mut handles, 1);

    let start = Instant::now();
    drop(files.open(&named).unwrap());
    let preopened = start.elapsed();
    let times = time_interleaved(&mut [
        &mut || {
            raw_round_trip(&peer, b"e-twelve-byte");
        },
        &mut || {
            log.set_mask(0).unwrap();
        },
        &mut || {
            drop(raw_round_trip(&peer, b"f-twelve-byte").expect("a descriptor"));
        },
        &mut || {
            drop(files.open(&named).unwrap());
        },
    ]);
    let [raw, service_rt, raw_fd, fileargs_open] = times[..] else {
        unreachable!()
    };
    drop(peer);
    child.wait().unwrap();

    println!();
    report(
        "service round trip (set_mask(0))",
        service_rt,
        raw,
        "raw seqpacket round trip",
    );
    report(
        "fileargs open (repeated, averaged)",
        fileargs_open,
        raw_fd + direct_open,
        "SCM_RIGHTS round trip + open",
    );
    println!(
        "{:<34} {:>7.2} µs   (one sample: the descriptor opened before entry, no round trip)",
        "fileargs open (pre-opened)",
        us(preopened)
    );
    println!(
        "{:<34} {:>7.2} µs   raw SCM_RIGHTS round trip {:.2} µs, direct open {:.2} µs",
        "floors",
        us(raw),
        us(raw_fd),
        us(direct_open)
    );
    let _ = std::fs::remove_dir_all(&dir);
}
