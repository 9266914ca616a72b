//! One end of a parent–child channel, and waiting for several.

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::time::Instant;

use super::super::super::imp::process;

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
        // block. Its read end does: a worker's answer costs one read(2)
        // (the child makes no process that could keep the pipe open,
        // `forbid_forks`; where it could, the parent polls first).
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
    pub(super) fn tx(&self) -> RawFd {
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
            if let Some(got) = self.try_recv(buf)? {
                return Ok(got);
            }
        }
    }

    /// Receives one message already queued, without waiting (`None`:
    /// none is), but on a pipe's read end, which blocks (`fastest_pair`):
    /// the parent calls it there only once poll(2) said readable, and is
    /// the only reader. On a socket `MSG_DONTWAIT`.
    pub(crate) fn try_recv(&self, buf: &mut [u8]) -> io::Result<Option<Recv>> {
        loop {
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
                        libc::MSG_DONTWAIT,
                    )
                },
            };
            return match cvt(r) {
                Ok(0) => Ok(Some(Recv::Closed)),
                Ok(n) => Ok(Some(Recv::Message(n))),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => Ok(None),
                // The peer died with data unread (unix(7)).
                Err(e) if e.raw_os_error() == Some(libc::ECONNRESET) => Ok(Some(Recv::Closed)),
                Err(e) => Err(e),
            };
        }
    }

    /// The bytes queued on the read end now (ioctl(2) `FIONREAD`: unix(7)
    /// `SIOCINQ` on a socket, the bytes in the pipe on a pipe(7)); 0 if
    /// it cannot tell. What arrives later is not counted, so a reader
    /// that stops once it has read this many bytes reads nothing a
    /// process sends after this moment.
    pub(crate) fn queued(&self) -> usize {
        let mut n: libc::c_int = 0;
        // SAFETY: FIONREAD writes one int through a live pointer.
        let r = unsafe { libc::ioctl(self.rx.as_raw_fd(), libc::FIONREAD as _, &mut n) };
        if r == 0 {
            n.max(0) as usize
        } else {
            0
        }
    }

    /// Whether a read that returned 0 (`Recv::Closed`) met the end of
    /// file, and not a zero-length message, which a `SOCK_SEQPACKET`
    /// socket carries and recv(2) also returns as 0: the peer is gone
    /// (poll(2) `POLLHUP`) and nothing is left queued.
    pub(crate) fn hung_up(&self) -> bool {
        let mut polled = libc::pollfd {
            fd: self.rx.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: poll(2) of one live pollfd, without waiting.
        let r = unsafe { libc::poll(&mut polled, 1, 0) };
        // No event: the peer is there. A failed poll: taken for gone, so
        // that a descriptor that cannot be watched is not read again.
        r < 0
            || (polled.revents & (libc::POLLHUP | libc::POLLERR | libc::POLLNVAL) != 0
                && self.queued() == 0)
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

#[cfg(test)]
mod tests {
    use super::*;

    /// recv(2) returns 0 for a zero-length message and for the end of
    /// file alike; `hung_up` tells them apart (unix(7) `SOCK_SEQPACKET`).
    #[test]
    fn a_zero_length_message_is_not_the_end() {
        let (ours, theirs) = Channel::pair().unwrap();
        let mut buf = [0u8; 8];
        assert!(theirs.send(b"", None).unwrap());
        assert_eq!(ours.try_recv(&mut buf).unwrap(), Some(Recv::Closed));
        assert!(!ours.hung_up(), "a zero-length message, the peer there");
        assert!(theirs.send(b"", None).unwrap());
        assert!(theirs.send(b"abc", None).unwrap());
        drop(theirs);
        assert_eq!(ours.try_recv(&mut buf).unwrap(), Some(Recv::Closed));
        assert!(!ours.hung_up(), "the peer gone, a message still queued");
        assert_eq!(ours.try_recv(&mut buf).unwrap(), Some(Recv::Message(3)));
        assert_eq!(ours.try_recv(&mut buf).unwrap(), Some(Recv::Closed));
        assert!(ours.hung_up(), "the peer gone, nothing queued");
    }
}
