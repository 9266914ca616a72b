//! The broker's loop: wait for a request on any channel, answer it, repeat
//! until every channel is closed. Every message is hostile: a truncated,
//! oversized or malformed one, or one that carries descriptors, gets an
//! error answer; received descriptors are closed at once (the ancillary
//! buffer has room for `SCM_MAX_FD` of them and drops them all; on
//! `MSG_CTRUNC` the kernel has closed the ones that did not fit — unix(7)).

use std::io::{IoSlice, IoSliceMut};
use std::mem::MaybeUninit;
use std::os::fd::{AsFd, OwnedFd};

use rustix::event::{poll, PollFd, PollFlags};
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
use super::wire::{encode_answer, Reply, Request, MAX_MESSAGE};

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
    /// The answer to one well-formed request, and the descriptor it hands over.
    pub(crate) fn handle(&mut self, request: Request) -> (Result<Reply, i32>, Option<OwnedFd>) {
        let plain = |r: Result<Reply, i32>| (r, None);
        match self {
            State::Dns(s) => plain(s.handle(request)),
            State::Db(s) => plain(s.handle(request)),
            State::Sysctl(s) => plain(s.handle(request)),
            State::Syslog(s) => plain(s.handle(request)),
            State::Net(s) => match s.handle(request) {
                Ok((reply, fd)) => (Ok(reply), fd),
                Err(e) => (Err(e), None),
            },
            State::FileArgs(s) => match s.handle(request) {
                Ok((reply, fd)) => (Ok(reply), fd),
                Err(e) => (Err(e), None),
            },
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
) -> (Result<Reply, i32>, Option<OwnedFd>) {
    if flags.contains(ReturnFlags::TRUNC) || len > MAX_MESSAGE {
        return (Err(libc::EMSGSIZE), None);
    }
    if flags.contains(ReturnFlags::CTRUNC) || had_fds {
        return (Err(libc::EINVAL), None);
    }
    match Request::decode(&message[..len]) {
        Ok(request) => state.handle(request),
        Err(_) => (Err(libc::EINVAL), None),
    }
}

/// Whether to keep serving a channel.
#[derive(Debug, PartialEq, Eq)]
enum Next {
    Keep,
    Close,
}

/// Reads one message from `fd` and answers it.
fn serve_one(
    fd: &OwnedFd,
    state: &mut State,
    buf: &mut [u8],
    space: &mut [MaybeUninit<u8>],
    hangup: bool,
) -> Next {
    let mut control = RecvAncillaryBuffer::new(space);
    let received = recvmsg(
        fd,
        &mut [IoSliceMut::new(buf)],
        &mut control,
        RecvFlags::DONTWAIT | RecvFlags::CMSG_CLOEXEC | RecvFlags::TRUNC,
    );
    let msg = match received {
        Ok(msg) => msg,
        Err(Errno::AGAIN | Errno::INTR) => return Next::Keep,
        Err(_) => return Next::Close,
    };
    // Close every descriptor that came with it, whatever the message.
    let had_fds = control.drain().count() > 0;
    drop(control);
    if msg.bytes == 0 && !had_fds && hangup {
        return Next::Close;
    }
    let len = msg.bytes.min(buf.len());
    let (answer, passed) = answer(state, &buf[..len], msg.bytes, msg.flags, had_fds);
    send_answer(fd, &answer, passed)
}

/// Sends an answer without blocking: a client that leaves its answers
/// unread until the socket is full loses its channel rather than stalling
/// every other service.
fn send_answer(fd: &OwnedFd, answer: &Result<Reply, i32>, passed: Option<OwnedFd>) -> Next {
    let mut message = encode_answer(answer);
    if message.len() > MAX_MESSAGE {
        message = encode_answer(&Err(libc::EOVERFLOW));
    }
    let mut space = [MaybeUninit::uninit(); rustix::cmsg_space!(ScmRights(1))];
    let mut control = SendAncillaryBuffer::new(&mut space);
    let fds;
    if let Some(f) = &passed {
        fds = [f.as_fd()];
        control.push(SendAncillaryMessage::ScmRights(&fds));
    }
    match sendmsg(
        fd,
        &[IoSlice::new(&message)],
        &mut control,
        SendFlags::NOSIGNAL | SendFlags::DONTWAIT,
    ) {
        Ok(_) => Next::Keep,
        Err(_) => Next::Close,
    }
    // `passed` is closed here: the client has its own copy.
}

/// Serves `channels` until all are closed, then returns.
pub(crate) fn serve(mut channels: Vec<(OwnedFd, State)>) {
    let mut buf = vec![0u8; MAX_MESSAGE + 1];
    let mut space = vec![MaybeUninit::uninit(); rustix::cmsg_space!(ScmRights(SCM_MAX_FD))];
    while !channels.is_empty() {
        let ready: Vec<PollFlags> = {
            let mut fds: Vec<PollFd<'_>> = channels
                .iter()
                .map(|(fd, _)| PollFd::new(fd, PollFlags::IN))
                .collect();
            match poll(&mut fds, None) {
                Ok(_) => {}
                Err(Errno::INTR) => continue,
                Err(_) => return,
            }
            fds.iter().map(|p| p.revents()).collect()
        };
        let mut closed = Vec::new();
        for (i, revents) in ready.into_iter().enumerate() {
            if revents.is_empty() {
                continue;
            }
            let (fd, state) = &mut channels[i];
            let hangup = revents.intersects(PollFlags::HUP | PollFlags::ERR);
            let next = if revents.contains(PollFlags::IN) || hangup {
                serve_one(fd, state, &mut buf, &mut space, hangup)
            } else {
                Next::Close
            };
            if next == Next::Close {
                closed.push(i);
            }
        }
        for i in closed.into_iter().rev() {
            channels.remove(i);
        }
    }
}
