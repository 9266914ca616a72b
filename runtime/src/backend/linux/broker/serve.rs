//! The broker's loops: one thread per channel waits for a request, answers
//! it, and repeats until its channel is closed. Every message is hostile: a truncated,
//! oversized or malformed one, or one that carries descriptors, gets an
//! error answer; received descriptors are closed at once (the ancillary
//! buffer has room for `SCM_MAX_FD` of them and drops them all; on
//! `MSG_CTRUNC` the kernel has closed the ones that did not fit — unix(7)).

use std::io::{IoSlice, IoSliceMut};
use std::mem::MaybeUninit;
use std::os::fd::{AsFd, OwnedFd};

use rustix::event::{poll, PollFd, PollFlags, Timespec};
use rustix::io::Errno;
use rustix::net::{
    recvmsg, sendmsg, RecvAncillaryBuffer, RecvFlags, ReturnFlags, SendAncillaryBuffer,
    SendAncillaryMessage, SendFlags,
};

use super::db::Database;
use super::dns::Dns;
use super::fileargs::FileArgs;
use super::net::Net;
use super::sysctl::Sysctl;
use super::syslog::Syslog;
use super::wire::{self, MAX_MESSAGE};
use crate::services::contract::{Reply, Request};

/// Most descriptors one message can carry (`SCM_MAX_FD`, unix(7)).
const SCM_MAX_FD: usize = 253;

/// What one channel serves, with its current limits.
#[derive(Debug)]
pub(crate) enum State {
    Dns(Dns),
    Net(Net),
    Db(Database),
    Sysctl(Sysctl),
    Syslog(Syslog),
    FileArgs(FileArgs),
}

impl State {
    /// The answer to one well-formed request: the service's file answers
    /// the requests of its service, and `EOPNOTSUPP` any other.
    pub(crate) fn handle(&mut self, request: Request<'_>) -> Result<Reply, i32> {
        match self {
            State::Dns(s) => s.handle(request),
            State::Net(s) => s.handle(request),
            State::Db(s) => s.handle(request),
            State::Sysctl(s) => s.handle(request),
            State::Syslog(s) => s.handle(request),
            State::FileArgs(s) => s.handle(request),
        }
    }

    /// A descriptor to send along with the answer just made.
    fn spare(&mut self) -> Option<OwnedFd> {
        match self {
            State::FileArgs(f) => f.spare.take(),
            _ => None,
        }
    }

    /// Work done between requests, after an answer is sent.
    fn idle(&mut self) {
        if let State::FileArgs(f) = self {
            f.idle();
        }
    }
}

/// The answer to one raw message (of `len` bytes as the kernel reported,
/// with what `recvmsg` said about truncation and descriptors).
pub(crate) fn answer(
    state: &mut State,
    message: &[u8],
    len: usize,
    flags: ReturnFlags,
    had_fds: bool,
) -> Result<Reply, i32> {
    if flags.contains(ReturnFlags::TRUNC) || len > MAX_MESSAGE {
        return Err(libc::EMSGSIZE);
    }
    if flags.contains(ReturnFlags::CTRUNC) || had_fds {
        return Err(libc::EINVAL);
    }
    match wire::decode::<Request<'_>>(&message[..len], Vec::new()) {
        Ok((request, _)) => state.handle(request),
        Err(_) => Err(libc::EINVAL),
    }
}

/// Whether to keep serving a channel.
#[derive(Debug, PartialEq, Eq)]
enum Next {
    Keep,
    Close,
}

/// Whether the peer of `fd` has closed its end (poll(2) `POLLHUP`), asked
/// only after a zero-length message, which is either end of file or an
/// empty (malformed) request.
fn hung_up(fd: &OwnedFd) -> bool {
    let mut fds = [PollFd::new(fd, PollFlags::IN)];
    match poll(&mut fds, Some(&Timespec::default())) {
        Ok(_) => fds[0].revents().intersects(PollFlags::HUP | PollFlags::ERR),
        Err(_) => true,
    }
}

/// Reads one message from `fd` (blocking) and answers it.
fn serve_one(
    fd: &OwnedFd,
    state: &mut State,
    buf: &mut [u8],
    space: &mut [MaybeUninit<u8>],
) -> Next {
    let mut control = RecvAncillaryBuffer::new(space);
    let flags = RecvFlags::CMSG_CLOEXEC | RecvFlags::TRUNC;
    let received = recvmsg(fd, &mut [IoSliceMut::new(buf)], &mut control, flags);
    let msg = match received {
        Ok(msg) => msg,
        Err(Errno::AGAIN | Errno::INTR) => return Next::Keep,
        Err(_) => return Next::Close,
    };
    // Close every descriptor that came with it, whatever the message.
    let had_fds = control.drain().count() > 0;
    drop(control);
    if msg.bytes == 0 && !had_fds && hung_up(fd) {
        return Next::Close;
    }
    let len = msg.bytes.min(buf.len());
    let answer = answer(state, &buf[..len], msg.bytes, msg.flags, had_fds);
    let spare = state.spare();
    let next = send_answer(fd, answer, spare);
    state.idle();
    next
}

/// Sends an answer (and the descriptor it hands over, then a spare)
/// without blocking: a client that leaves its answers unread until the
/// socket is full loses its channel.
fn send_answer(fd: &OwnedFd, answer: Result<Reply, i32>, spare: Option<OwnedFd>) -> Next {
    const OVERFLOW: Result<Reply, i32> = Err(libc::EOVERFLOW);
    let mut message = wire::encode(&answer);
    if message.bytes.len() > MAX_MESSAGE {
        message = wire::encode(&OVERFLOW);
    }
    message.fds.extend(spare.as_ref().map(AsFd::as_fd));
    let mut space = [MaybeUninit::uninit(); rustix::cmsg_space!(ScmRights(2))];
    let mut control = SendAncillaryBuffer::new(&mut space);
    if !message.fds.is_empty() {
        control.push(SendAncillaryMessage::ScmRights(&message.fds));
    }
    match sendmsg(
        fd,
        &[IoSlice::new(&message.bytes)],
        &mut control,
        SendFlags::NOSIGNAL | SendFlags::DONTWAIT,
    ) {
        Ok(_) => Next::Keep,
        Err(_) => Next::Close,
    }
    // The answer's descriptor and the spare are closed when dropped: the
    // client has its own copies.
}

/// Serves one channel until it is closed: blocking `recvmsg`, answer,
/// repeat — two system calls per request, as a raw round trip.
fn serve_channel(fd: OwnedFd, mut state: State) {
    let mut buf = vec![0u8; MAX_MESSAGE + 1];
    let mut space = vec![MaybeUninit::uninit(); rustix::cmsg_space!(ScmRights(SCM_MAX_FD))];
    while serve_one(&fd, &mut state, &mut buf, &mut space) == Next::Keep {}
}

/// Stack of each channel's thread: getaddrinfo(3) and NSS modules need
/// more than the smallest stacks; 256 KiB is glibc's order of magnitude for
/// name lookups and far below the 8 MiB default.
const THREAD_STACK: usize = 256 * 1024;

/// Channels being served by their threads, and the one the calling thread
/// serves.
pub(crate) struct Serving {
    threads: Vec<std::thread::JoinHandle<()>>,
    last: Option<(OwnedFd, State)>,
}

/// Starts serving `channels`: one thread per channel but the last, which
/// the calling thread serves in [`Serving::run`]. Called after the broker
/// is confined (Landlock and seccomp apply to the threads) and before it
/// reports ready, so that a thread that cannot be created is a start-up
/// error. One thread per channel: no `poll(2)` on the path of a request,
/// and a slow lookup on one service does not delay the others.
///
/// The error is the index of the channel and the errno.
pub(crate) fn start(mut channels: Vec<(OwnedFd, State)>) -> Result<Serving, (usize, i32)> {
    let last = channels.pop();
    let mut threads = Vec::with_capacity(channels.len());
    for (i, (fd, state)) in channels.into_iter().enumerate() {
        let t = std::thread::Builder::new()
            .stack_size(THREAD_STACK)
            .spawn(move || serve_channel(fd, state))
            .map_err(|e| (i, e.raw_os_error().unwrap_or(libc::EAGAIN)))?;
        threads.push(t);
    }
    Ok(Serving { threads, last })
}

impl Serving {
    /// Serves until every channel is closed.
    pub(crate) fn run(self) {
        if let Some((fd, state)) = self.last {
            serve_channel(fd, state);
        }
        for t in self.threads {
            let _ = t.join();
        }
    }
}
