//! The process primitives of compartments, the same on Linux and FreeBSD:
//! a `SOCK_SEQPACKET` socket pair between parent and child (unix(7):
//! message boundaries kept, so each frame is one send(2)); fork(2) with
//! every descriptor but the channel and the handed ones closed in the
//! child (the backend's `close_range`); resource limits set in the child
//! (setrlimit(2)) before any of its code runs. Children are forked with a
//! process descriptor where the backend has one (pdfork(2) on FreeBSD,
//! clone(2) `CLONE_PIDFD` on Linux) and reaped through it (`process::wait`,
//! waitid(2) `P_PIDFD` on Linux: capability mode refuses wait4(2)),
//! which gives the status and the CPU time. The zygote that forks
//! compartments for threaded programs is in `zygote.rs`.

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::{Duration, Instant};

use crate::rights::Limits;

use super::super::imp::process;

pub(crate) use super::zygote::Zygote;
pub(crate) use process::{isolate, single_threaded};

/// How a child ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Exit {
    /// `_exit(code)`.
    Code(i32),
    /// Killed by this signal.
    Signal(i32),
}

/// A child's end and the CPU time it used (`ru_utime + ru_stime` of its
/// `struct rusage`, getrusage(2)).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Ended {
    pub exit: Exit,
    pub cpu: Duration,
}

/// Exit status of a child whose setup (descriptors, limits, sandbox)
/// failed before its body ran; it wrote why on its channel.
pub(crate) const SETUP_FAILED: i32 = 102;
/// First byte of the message a child sends when its setup failed: not
/// UTF-8, so never the start of text it prints.
pub(crate) const SETUP_TAG: u8 = 0xfd;
/// Exit status of a child whose body unwound.
pub(crate) const BODY_PANICKED: i32 = 101;

/// Limits a child gets before its code runs (setrlimit(2)).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Rlimits {
    /// `RLIMIT_CPU` in seconds: `SIGXCPU` at the limit, `SIGKILL` one
    /// second later.
    pub cpu_seconds: Option<u64>,
    /// The backend's memory limit, in bytes.
    pub memory: Option<u64>,
}

/// One end of a parent–child channel: a `SOCK_SEQPACKET` socket (`tx`
/// `None`: it reads and writes), or on Linux two packet-mode pipes
/// (pipe(2) `O_DIRECT`: each write of at most `PIPE_BUF` bytes is read as
/// one message), which make a round trip cheaper. Frames are at most
/// `PIPE_BUF` (4096) bytes either way.
#[derive(Debug)]
pub(crate) struct Channel {
    rx: OwnedFd,
    tx: Option<OwnedFd>,
}

/// Whether this process ignores `SIGPIPE` (Rust's runtime sets it so):
/// then a write to a pipe whose reader is gone is `EPIPE`, not death.
fn sigpipe_ignored() -> bool {
    // SAFETY: `sigaction` is plain old data; the call only reads the
    // disposition into it.
    unsafe {
        let mut old: libc::sigaction = std::mem::zeroed();
        libc::sigaction(libc::SIGPIPE, std::ptr::null(), &mut old) == 0
            && old.sa_sigaction == libc::SIG_IGN
    }
}

/// What `Channel::recv` got.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Recv {
    /// One message of this many bytes.
    Message(usize),
    /// The peer closed its end (end of file).
    Closed,
    /// The deadline passed first.
    TimedOut,
}

fn cvt(r: isize) -> io::Result<usize> {
    if r < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(r as usize)
    }
}

/// Waits until one of `fds` is ready for its events or `deadline`
/// passes; which ones are ready (all false: the deadline passed).
pub(crate) fn ready(
    fds: &[(RawFd, libc::c_short)],
    deadline: Option<Instant>,
) -> io::Result<Vec<bool>> {
    let mut polled: Vec<libc::pollfd> = fds
        .iter()
        .map(|&(fd, events)| libc::pollfd {
            fd,
            events,
            revents: 0,
        })
        .collect();
    loop {
        let timeout = match deadline {
            None => -1,
            Some(d) => {
                let left = d.saturating_duration_since(Instant::now());
                // Round up so that a wait never ends before the deadline.
                left.as_micros().div_ceil(1000).min(i32::MAX as u128) as i32
            }
        };
        // SAFETY: `polled` is a live array of `fds.len()` pollfds.
        let r = unsafe { libc::poll(polled.as_mut_ptr(), polled.len() as libc::nfds_t, timeout) };
        if r < 0 {
            let e = io::Error::last_os_error();
            if e.kind() == io::ErrorKind::Interrupted {
                continue;
            }
            return Err(e);
        }
        if r == 0 && deadline.is_some_and(|d| Instant::now() < d) {
            continue;
        }
        return Ok(polled.iter().map(|p| p.revents != 0).collect());
    }
}

impl Channel {
    /// A connected pair, close-on-exec.
    pub(crate) fn pair() -> io::Result<(Channel, Channel)> {
        let mut fds = [-1; 2];
        // SAFETY: `fds` is a valid array of two ints to fill.
        let r = unsafe {
            libc::socketpair(
                libc::AF_UNIX,
                libc::SOCK_SEQPACKET | libc::SOCK_CLOEXEC,
                0,
                fds.as_mut_ptr(),
            )
        };
        if r != 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: both descriptors were just created and are owned by
        // nothing else.
        Ok(unsafe {
            (
                Channel::from_fd(OwnedFd::from_raw_fd(fds[0])),
                Channel::from_fd(OwnedFd::from_raw_fd(fds[1])),
            )
        })
    }

    /// A pair of packet-mode pipes (parent end first), where the system has
    /// them and `SIGPIPE` is ignored; else a socket pair.
    pub(crate) fn fastest_pair() -> io::Result<(Channel, Channel)> {
        if !sigpipe_ignored() {
            return Channel::pair();
        }
        let Ok((down_r, down_w)) = process::packet_pipe() else {
            return Channel::pair();
        };
        let (up_r, up_w) = process::packet_pipe()?;
        // The parent waits for room with poll(2): its write end does not
        // block.
        // SAFETY: F_GETFL/F_SETFL with integers on a descriptor we own;
        // the flags it has (O_DIRECT) are kept.
        unsafe {
            let fl = libc::fcntl(down_w.as_raw_fd(), libc::F_GETFL);
            libc::fcntl(down_w.as_raw_fd(), libc::F_SETFL, fl | libc::O_NONBLOCK);
        }
        Ok((
            Channel {
                rx: up_r,
                tx: Some(down_w),
            },
            Channel {
                rx: down_r,
                tx: Some(up_w),
            },
        ))
    }

    /// The descriptor written to.
    fn tx(&self) -> RawFd {
        self.tx.as_ref().unwrap_or(&self.rx).as_raw_fd()
    }

    /// The descriptors of this end.
    pub(crate) fn fds(&self) -> Vec<RawFd> {
        std::iter::once(self.rx.as_raw_fd())
            .chain(self.tx.as_ref().map(|t| t.as_raw_fd()))
            .collect()
    }

    /// Sends `msg` as one message, waiting for room until `deadline`.
    /// `Ok(false)`: the deadline passed. `MSG_NOSIGNAL`: a closed peer is
    /// `EPIPE`, not `SIGPIPE`.
    pub(crate) fn send(&self, msg: &[u8], deadline: Option<Instant>) -> io::Result<bool> {
        loop {
            let r = match self.tx {
                // SAFETY: `msg` is a live buffer of its length; SIGPIPE is
                // ignored (`fastest_pair`).
                Some(_) => unsafe { libc::write(self.tx(), msg.as_ptr().cast(), msg.len()) },
                // SAFETY: `msg` is a live buffer of its length; send(2) is
                // sendto(2) without an address.
                None => unsafe {
                    libc::send(
                        self.rx.as_raw_fd(),
                        msg.as_ptr().cast(),
                        msg.len(),
                        libc::MSG_NOSIGNAL | libc::MSG_DONTWAIT,
                    )
                },
            };
            match cvt(r) {
                Ok(_) => return Ok(true),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    if !ready(&[(self.tx(), libc::POLLOUT)], deadline)?[0] {
                        return Ok(false);
                    }
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// Receives one message into `buf`, waiting until `deadline`. A
    /// message longer than `buf` is cut to its length (SOCK_SEQPACKET
    /// drops the rest), so callers give one byte more than they accept.
    pub(crate) fn recv(&self, buf: &mut [u8], deadline: Option<Instant>) -> io::Result<Recv> {
        // A pipe's read end blocks: with a deadline, wait first.
        let mut tried = self.tx.is_some() && deadline.is_some();
        loop {
            // With a deadline: try first, then wait.
            if tried && !ready(&[(self.rx.as_raw_fd(), libc::POLLIN)], deadline)?[0] {
                return Ok(Recv::TimedOut);
            }
            tried = true;
            let r = match self.tx {
                // SAFETY: `buf` is a live, writable buffer of its length.
                Some(_) => unsafe {
                    libc::read(self.rx.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len())
                },
                // SAFETY: `buf` is a live, writable buffer of its length.
                None => unsafe {
                    libc::recv(
                        self.rx.as_raw_fd(),
                        buf.as_mut_ptr().cast(),
                        buf.len(),
                        if deadline.is_some() {
                            libc::MSG_DONTWAIT
                        } else {
                            0
                        },
                    )
                },
            };
            match cvt(r) {
                Ok(0) => return Ok(Recv::Closed),
                Ok(n) => return Ok(Recv::Message(n)),
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::Interrupted | io::ErrorKind::WouldBlock
                    ) => {}
                // The peer died with data unread (unix(7)).
                Err(e) if e.raw_os_error() == Some(libc::ECONNRESET) => return Ok(Recv::Closed),
                Err(e) => return Err(e),
            }
        }
    }

    /// Discards every message already queued.
    pub(crate) fn drain(&self) {
        let mut buf = [0u8; 4097];
        let now = Some(Instant::now());
        while let Ok(Recv::Message(_)) = self.recv(&mut buf, now) {}
    }

    /// The descriptor read from (and, for a socket, written to).
    pub(crate) fn raw(&self) -> RawFd {
        self.rx.as_raw_fd()
    }

    /// A socket end.
    pub(crate) fn from_fd(fd: OwnedFd) -> Channel {
        Channel { rx: fd, tx: None }
    }
}

/// A forked child, killed and reaped when dropped if not waited for.
#[derive(Debug)]
pub(crate) struct Child {
    forked: process::Forked,
    reaped: bool,
}

impl Child {
    /// SIGKILL (through its process descriptor on FreeBSD). The child is
    /// not reaped before `wait`, so the pid cannot name another process
    /// meanwhile.
    pub(crate) fn kill(&self) {
        process::kill(&self.forked);
    }

    /// Waits until the child has ended and reaps it.
    pub(crate) fn wait(mut self) -> io::Result<Ended> {
        let ended = wait_child(&self.forked)?;
        self.reaped = true;
        Ok(ended)
    }
}

impl Drop for Child {
    fn drop(&mut self) {
        if !self.reaped {
            self.kill();
            let _ = wait_child(&self.forked);
        }
    }
}

/// Reaps `child` once it has ended (`process::wait`, which retries on
/// `EINTR`).
pub(crate) fn wait_child(child: &process::Forked) -> io::Result<Ended> {
    loop {
        if let Some(ended) = process::wait(child, false)? {
            return Ok(ended);
        }
    }
}

/// wait4(2) for `pid` (`flags`: 0 or `WNOHANG`, then `None` while it
/// runs), retried on `EINTR`: a child without a process descriptor.
pub(crate) fn wait4(pid: libc::pid_t, flags: libc::c_int) -> io::Result<Option<Ended>> {
    let mut status = 0;
    // SAFETY: `rusage` is plain old data; all zeroes is a valid value.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: `status` and `usage` are live out-pointers; `pid` is our
        // unreaped child.
        let r = unsafe { libc::wait4(pid, &mut status, flags, &mut usage) };
        if r == pid {
            break;
        }
        if r == 0 {
            return Ok(None);
        }
        let e = io::Error::last_os_error();
        if e.kind() != io::ErrorKind::Interrupted {
            return Err(e);
        }
    }
    let time = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec.max(0) as u64) + Duration::from_micros(t.tv_usec.max(0) as u64)
    };
    Ok(Some(Ended {
        exit: if libc::WIFSIGNALED(status) {
            Exit::Signal(libc::WTERMSIG(status))
        } else {
            Exit::Code(libc::WEXITSTATUS(status))
        },
        cpu: time(usage.ru_utime) + time(usage.ru_stime),
    }))
}

/// The code a child runs, as addresses that stay valid in any process
/// forked from this one (the zygote included): a trampoline monomorphized
/// on the function's type, the caller's `run`, and the function `f` it
/// serves. Built only from function pointers, so no address names data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Entry {
    trampoline: usize,
    run: usize,
    f: usize,
}

/// Function pointer types (`fn(&I) -> R`), the only `f` an [`Entry`]
/// takes: code, not data, so their addresses mean the same in a forked
/// process.
pub(crate) trait FnPointer: Copy + 'static {}
impl<I: ?Sized + 'static, R: 'static> FnPointer for fn(&I) -> R {}

/// What a child body gets: its channel and whether to serve one call only.
pub(crate) type Run<A> = fn(A, Channel, bool) -> i32;

fn trampoline<A: FnPointer>(run: usize, f: usize, channel: Channel, once: bool) -> i32 {
    // SAFETY: `Entry::new::<A>` stored `run` from a `Run<A>` and `f` from an
    // `A` (a function pointer of the same size as usize), in this process
    // image or the one it was forked from.
    let (run, f) = unsafe {
        (
            std::mem::transmute::<usize, Run<A>>(run),
            std::mem::transmute_copy::<usize, A>(&f),
        )
    };
    run(f, channel, once)
}

impl Entry {
    /// `run(f, channel, once)`, as addresses.
    pub(crate) fn new<A: FnPointer>(run: Run<A>, f: A) -> Entry {
        assert_eq!(std::mem::size_of::<A>(), std::mem::size_of::<usize>());
        Entry {
            trampoline: trampoline::<A> as *const () as usize,
            run: run as *const () as usize,
            // SAFETY: `A` is a function pointer, as large as usize (checked).
            f: unsafe { std::mem::transmute_copy::<A, usize>(&f) },
        }
    }

    /// The three addresses, for the zygote's request.
    pub(crate) fn to_words(self) -> [u64; 3] {
        [self.trampoline as u64, self.run as u64, self.f as u64]
    }

    /// Back from `to_words`.
    ///
    /// # Safety
    ///
    /// The words must come from `to_words` in this process or in the one
    /// this process was forked from.
    pub(crate) unsafe fn from_words(words: [u64; 3]) -> Entry {
        Entry {
            trampoline: words[0] as usize,
            run: words[1] as usize,
            f: words[2] as usize,
        }
    }

    fn call(self, channel: Channel, once: bool) -> i32 {
        // SAFETY: `trampoline` is `trampoline::<A>` for the `A` of `new`.
        let t = unsafe {
            std::mem::transmute::<usize, fn(usize, usize, Channel, bool) -> i32>(self.trampoline)
        };
        t(self.run, self.f, channel, once)
    }
}

/// What a child keeps and gets before its code runs.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Setup<'a> {
    /// Descriptors handed to the child at their numbers, with their rights.
    pub handed: &'a [(RawFd, Limits)],
    /// Resource limits.
    pub rlimits: Rlimits,
    /// The entry into the sandbox, run after the limits: `Err(why)` stops
    /// the child before its body.
    pub enter: Enter,
}

/// How a child enters the sandbox, given its handed descriptors.
pub(crate) type Enter = fn(&[(RawFd, Limits)]) -> Result<(), String>;

/// Forks a child that runs `entry` on its end of a new channel, after
/// `child_setup`. The parent gets the child and its end.
pub(crate) fn spawn(setup: &Setup<'_>, entry: Entry, once: bool) -> io::Result<(Child, Channel)> {
    let (parent, child) = Channel::fastest_pair()?;
    // SAFETY: fork from a process that `compartment` checked is
    // single-threaded, so no lock is held by a thread the child lacks.
    let forked = unsafe { process::fork() }?;
    if forked.0 == 0 {
        drop(parent);
        run_child(child, setup, entry, once)
    }
    drop(child);
    Ok((
        Child {
            forked,
            reaped: false,
        },
        parent,
    ))
}

/// In a freshly forked child: isolates it, limits it, enters the sandbox
/// and runs `entry`; never returns.
pub(crate) fn run_child(channel: Channel, setup: &Setup<'_>, entry: Entry, once: bool) -> ! {
    let code = match child_setup(&channel, setup) {
        Ok(()) => {
            catch_unwind(AssertUnwindSafe(|| entry.call(channel, once))).unwrap_or(BODY_PANICKED)
        }
        Err(why) => {
            // The parent reads this as the reason, then end of file.
            let mut msg = vec![SETUP_TAG];
            msg.extend_from_slice(why.as_bytes());
            let _ = channel.send(&msg, None);
            SETUP_FAILED
        }
    };
    // SAFETY: _exit(2) ends the child without running the parent's
    // atexit handlers or flushing its stdio buffers.
    unsafe { libc::_exit(code) }
}

fn child_setup(channel: &Channel, setup: &Setup<'_>) -> Result<(), String> {
    let keep: Vec<RawFd> = setup
        .handed
        .iter()
        .map(|(fd, _)| *fd)
        .chain(channel.fds())
        .collect();
    close_all_but(&keep).map_err(|e| format!("close_range: {e}"))?;
    // The child's stderr is its channel: what it prints (a panic, the
    // allocator's "memory allocation of N bytes failed") reaches the
    // parent, which forwards it.
    stderr_to(channel.tx()).map_err(|e| format!("dup: {e}"))?;
    let limit = |resource, value: u64| {
        let lim = libc::rlimit {
            rlim_cur: value as libc::rlim_t,
            rlim_max: value as libc::rlim_t,
        };
        // SAFETY: `lim` is a live rlimit.
        if unsafe { libc::setrlimit(resource, &lim) } == 0 {
            Ok(())
        } else {
            Err(io::Error::last_os_error())
        }
    };
    if let Some(secs) = setup.rlimits.cpu_seconds {
        // Soft limit: SIGXCPU; hard limit one second later: SIGKILL
        // (setrlimit(2)), for a child that ignores SIGXCPU.
        let lim = libc::rlimit {
            rlim_cur: secs as libc::rlim_t,
            rlim_max: secs.saturating_add(1) as libc::rlim_t,
        };
        // SAFETY: `lim` is a live rlimit.
        if unsafe { libc::setrlimit(libc::RLIMIT_CPU, &lim) } != 0 {
            return Err(format!(
                "setrlimit(RLIMIT_CPU): {}",
                io::Error::last_os_error()
            ));
        }
    }
    if let Some(bytes) = setup.rlimits.memory {
        process::limit_memory(bytes).map_err(|e| format!("setrlimit (memory): {e}"))?;
    }
    // No core files: a crash is reported, not dumped.
    limit(libc::RLIMIT_CORE, 0).map_err(|e| format!("setrlimit(RLIMIT_CORE): {e}"))?;
    process::drop_privileges().map_err(|e| format!("capset: {e}"))?;
    (setup.enter)(setup.handed)?;
    Ok(())
}

/// Closes every descriptor but `keep`.
pub(crate) fn close_all_but(keep: &[RawFd]) -> io::Result<()> {
    let mut kept: Vec<RawFd> = keep.to_vec();
    kept.sort_unstable();
    kept.dedup();
    let mut low = 0;
    for &fd in &kept {
        if fd > low {
            process::close_range(low, fd - 1)?;
        }
        low = fd + 1;
    }
    process::close_range(low, RawFd::MAX)
}

/// Makes descriptor 2 a copy of `channel`. With 0 and 1 closed, dup(2)
/// returns the lowest free numbers: the third copy lands on 2 without
/// dup2 (which the Linux filter refuses onto a limited number).
fn stderr_to(channel: RawFd) -> io::Result<()> {
    let mut copies = Vec::new();
    loop {
        // SAFETY: dup of a descriptor we own.
        let fd = unsafe { libc::dup(channel) };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        if fd >= 2 {
            if fd > 2 {
                // 2 was kept (handed): leave it.
                // SAFETY: closes the copy just made.
                unsafe { libc::close(fd) };
            }
            break;
        }
        copies.push(fd);
    }
    for fd in copies {
        // SAFETY: closes the copies made on 0 and 1.
        unsafe { libc::close(fd) };
    }
    Ok(())
}

/// A running compartment child, forked here or by the zygote.
#[derive(Debug)]
pub(crate) enum Process<'z> {
    /// Our own child.
    Direct(Child),
    /// The zygote's child.
    Remote(super::zygote::Remote<'z>),
}

/// The program's side of a compartment: the child and its channel.
#[derive(Debug)]
pub(crate) struct Peer<'z> {
    channel: PeerChannel<'z>,
    process: Option<Process<'z>>,
    /// The child is known to have ended (the zygote said so).
    ended: bool,
}

#[derive(Debug)]
enum PeerChannel<'z> {
    Own(Channel),
    Slot(&'z Channel),
}

/// What a send to a compartment did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Sent {
    Done,
    TimedOut,
    /// The child is gone.
    Gone,
}

impl<'z> Peer<'z> {
    /// Forks a child here.
    pub(crate) fn direct(setup: &Setup<'_>, entry: Entry, once: bool) -> io::Result<Peer<'z>> {
        let (child, channel) = spawn(setup, entry, once)?;
        Ok(Peer {
            channel: PeerChannel::Own(channel),
            process: Some(Process::Direct(child)),
            ended: false,
        })
    }

    /// Has the zygote fork a child.
    pub(crate) fn remote(
        zygote: &'z super::zygote::Zygote,
        entry: Entry,
        once: bool,
        rlimits: Rlimits,
        handed: &[usize],
    ) -> io::Result<Peer<'z>> {
        let (remote, channel) = zygote.spawn(entry, once, rlimits, handed)?;
        Ok(Peer {
            channel: PeerChannel::Slot(channel),
            process: Some(Process::Remote(remote)),
            ended: false,
        })
    }

    fn channel(&self) -> &Channel {
        match &self.channel {
            PeerChannel::Own(c) => c,
            PeerChannel::Slot(c) => c,
        }
    }

    /// The descriptor the zygote reports the child's end on.
    fn ended_fd(&self) -> Option<RawFd> {
        match &self.process {
            Some(Process::Remote(r)) if !self.ended => Some(r.ended_fd()),
            _ => None,
        }
    }

    /// Sends one message to the child.
    pub(crate) fn send(&mut self, msg: &[u8], deadline: Option<Instant>) -> io::Result<Sent> {
        loop {
            if self.ended {
                return Ok(Sent::Gone);
            }
            match self.channel().send(msg, Some(Instant::now())) {
                Ok(true) => return Ok(Sent::Done),
                Ok(false) => {}
                Err(e) if matches!(e.raw_os_error(), Some(libc::EPIPE | libc::ECONNRESET)) => {
                    return Ok(Sent::Gone)
                }
                Err(e) => return Err(e),
            }
            let mut fds = vec![(self.channel().tx(), libc::POLLOUT)];
            if let Some(fd) = self.ended_fd() {
                fds.push((fd, libc::POLLIN));
            }
            let r = ready(&fds, deadline)?;
            if !r.iter().any(|&b| b) {
                return Ok(Sent::TimedOut);
            }
            if r.get(1) == Some(&true) {
                self.ended = true;
            }
        }
    }

    /// Receives one message from the child.
    pub(crate) fn recv(&mut self, buf: &mut [u8], deadline: Option<Instant>) -> io::Result<Recv> {
        if deadline.is_none() && self.ended_fd().is_none() && !self.ended {
            // A child of ours: its end closes when it ends.
            return self.channel().recv(buf, None);
        }
        loop {
            match self.channel().recv(buf, Some(Instant::now()))? {
                Recv::TimedOut => {}
                other => return Ok(other),
            }
            if self.ended {
                // Everything the child sent before it ended has been read.
                return Ok(Recv::Closed);
            }
            let mut fds = vec![(self.channel().raw(), libc::POLLIN)];
            if let Some(fd) = self.ended_fd() {
                fds.push((fd, libc::POLLIN));
            }
            let r = ready(&fds, deadline)?;
            if !r.iter().any(|&b| b) {
                return Ok(Recv::TimedOut);
            }
            if r.get(1) == Some(&true) {
                self.ended = true;
            }
        }
    }

    /// Ends the child (SIGKILL unless it already ended) and reaps it.
    pub(crate) fn finish(mut self) -> io::Result<Ended> {
        let process = self.process.take().expect("finished once");
        match process {
            Process::Direct(child) => {
                child.kill();
                child.wait()
            }
            Process::Remote(remote) => {
                if !self.ended {
                    remote.kill();
                }
                remote.wait()
            }
        }
    }
}

impl Drop for Peer<'_> {
    fn drop(&mut self) {
        // Dropping the process kills and reaps it.
        self.process.take();
    }
}
