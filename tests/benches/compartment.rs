//! Compartments against their floors, printed in one run:
//!
//! - a worker call (`u64` in, `u64` out, a long-lived child answering) vs
//!   a raw round trip of 8 bytes between two processes over two pipes
//!   (and, for reference, over a `SOCK_SEQPACKET` socket pair, the
//!   channel compartments use);
//! - a one-shot compartment (fork, limits, sandbox entry, one call, exit,
//!   reap) vs fork(2) + `_exit` + waitpid(2), and the same through the
//!   zygote (from a threaded process).
//!
//! Each figure is the fastest of 15 interleaved batches, so that a busy
//! machine slows floor and compartment alike. Goal: worker call / raw
//! pipe round trip ≤ 1.2. Run with `cargo bench -p sandboxed-tests --bench
//! compartment`.

use std::os::fd::{AsRawFd, OwnedFd};
use std::time::{Duration, Instant};

use sandboxed::compartment::{prepare, Compartment};

const ROUNDS: usize = 15;
const CALLS: usize = 2000;
const SPAWNS: usize = 20;

fn echo(n: &u64) -> Result<u64, String> {
    Ok(*n + 1)
}

/// A raw round trip: 8 bytes to a forked child over `to`, 8 back over
/// `from`, with two pipes or one socket pair.
struct Raw {
    to: OwnedFd,
    from: OwnedFd,
    pid: libc::pid_t,
}

impl Raw {
    fn pipes() -> Raw {
        let (r1, w1) = rustix::pipe::pipe().unwrap();
        let (r2, w2) = rustix::pipe::pipe().unwrap();
        Raw::fork(w1, r2, r1, w2)
    }

    fn seqpacket() -> Raw {
        let (a, b) = rustix::net::socketpair(
            rustix::net::AddressFamily::UNIX,
            rustix::net::SocketType::SEQPACKET,
            rustix::net::SocketFlags::CLOEXEC,
            None,
        )
        .unwrap();
        let a2 = a.try_clone().unwrap();
        let b2 = b.try_clone().unwrap();
        Raw::fork(a, a2, b, b2)
    }

    fn fork(to: OwnedFd, from: OwnedFd, child_in: OwnedFd, child_out: OwnedFd) -> Raw {
        // SAFETY: fork(2) from this single-threaded bench; the child only
        // reads and writes its descriptors, then _exits.
        let pid = unsafe { libc::fork() };
        if pid == 0 {
            let mut buf = [0u8; 8];
            loop {
                // SAFETY: a live buffer of its length.
                let n = unsafe { libc::read(child_in.as_raw_fd(), buf.as_mut_ptr().cast(), 8) };
                if n <= 0 {
                    // SAFETY: _exit(2) in the forked child.
                    unsafe { libc::_exit(0) };
                }
                // SAFETY: as above.
                unsafe { libc::write(child_out.as_raw_fd(), buf.as_ptr().cast(), n as usize) };
            }
        }
        drop((child_in, child_out));
        Raw { to, from, pid }
    }

    fn round_trip(&self, n: u64) -> u64 {
        let mut buf = n.to_ne_bytes();
        // SAFETY: live buffers of their lengths.
        unsafe {
            libc::write(self.to.as_raw_fd(), buf.as_ptr().cast(), 8);
            libc::read(self.from.as_raw_fd(), buf.as_mut_ptr().cast(), 8);
        }
        u64::from_ne_bytes(buf)
    }
}

impl Drop for Raw {
    fn drop(&mut self) {
        // SAFETY: kill and reap our own child.
        unsafe {
            libc::kill(self.pid, libc::SIGKILL);
            libc::waitpid(self.pid, std::ptr::null_mut(), 0);
        }
    }
}

fn fork_exit() {
    // SAFETY: fork(2) + _exit(2) in the child + waitpid(2) of it.
    unsafe {
        let pid = libc::fork();
        if pid == 0 {
            libc::_exit(0);
        }
        libc::waitpid(pid, std::ptr::null_mut(), 0);
    }
}

fn per_op(start: Instant, ops: usize) -> Duration {
    start.elapsed() / ops as u32
}

fn us(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        println!("compartment: bench");
        return;
    }
    prepare(&[]).expect("the zygote starts while single-threaded");
    let mut worker = Compartment::new().worker(echo);
    worker.call(&0).expect("the worker answers");
    let pipes = Raw::pipes();
    let seqpacket = Raw::seqpacket();
    let compartment = Compartment::new();

    let (mut call, mut pipe, mut seq, mut shot, mut fork) = (
        Duration::MAX,
        Duration::MAX,
        Duration::MAX,
        Duration::MAX,
        Duration::MAX,
    );
    for _ in 0..ROUNDS {
        let t = Instant::now();
        for i in 0..CALLS as u64 {
            assert_eq!(worker.call(&i).unwrap(), i + 1);
        }
        call = call.min(per_op(t, CALLS));
        let t = Instant::now();
        for i in 0..CALLS as u64 {
            assert_eq!(pipes.round_trip(i), i);
        }
        pipe = pipe.min(per_op(t, CALLS));
        let t = Instant::now();
        for i in 0..CALLS as u64 {
            assert_eq!(seqpacket.round_trip(i), i);
        }
        seq = seq.min(per_op(t, CALLS));
        let t = Instant::now();
        for i in 0..SPAWNS as u64 {
            assert_eq!(compartment.run(echo, &i).unwrap(), i + 1);
        }
        shot = shot.min(per_op(t, SPAWNS));
        let t = Instant::now();
        for _ in 0..SPAWNS {
            fork_exit();
        }
        fork = fork.min(per_op(t, SPAWNS));
    }
    assert_eq!(worker.spawned(), 1);

    // From a threaded process: through the zygote.
    let parked = std::thread::spawn(|| std::thread::park_timeout(Duration::from_secs(600)));
    let mut zygote_shot = Duration::MAX;
    let mut zygote_call = Duration::MAX;
    let mut zworker = Compartment::new().worker(echo);
    zworker.call(&0).unwrap();
    for _ in 0..ROUNDS {
        let t = Instant::now();
        for i in 0..SPAWNS as u64 {
            assert_eq!(compartment.run(echo, &i).unwrap(), i + 1);
        }
        zygote_shot = zygote_shot.min(per_op(t, SPAWNS));
        let t = Instant::now();
        for i in 0..CALLS as u64 {
            assert_eq!(zworker.call(&i).unwrap(), i + 1);
        }
        zygote_call = zygote_call.min(per_op(t, CALLS));
    }
    parked.thread().unpark();
    let _ = parked.join();

    println!("compartment bench (fastest of {ROUNDS} interleaved batches)");
    println!(
        "  worker call (u64)           {:>9.2} us   raw pipe round trip {:>7.2} us   ratio {:.2} (goal <= 1.2)",
        us(call),
        us(pipe),
        us(call) / us(pipe)
    );
    println!(
        "                                           raw SEQPACKET round trip {:>7.2} us   ratio {:.2}",
        us(seq),
        us(call) / us(seq)
    );
    println!(
        "  one-shot compartment        {:>9.1} us   fork + _exit + wait {:>7.1} us   ratio {:.1}",
        us(shot),
        us(fork),
        us(shot) / us(fork)
    );
    println!(
        "  through the zygote: one-shot {:>8.1} us, worker call {:.2} us",
        us(zygote_shot),
        us(zygote_call)
    );
}
