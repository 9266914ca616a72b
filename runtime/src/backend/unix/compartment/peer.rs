//! The program's side of a running compartment: its channel and its
//! process, forked here or by the zygote; sends and receives that also
//! watch for the child's end.

use std::io;
use std::os::fd::RawFd;
use std::time::Instant;

use super::{ready, spawn, Channel, Child, Ended, Entry, Recv, Rlimits, Setup};

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
    /// The child is known to have ended: the bytes its channel held at
    /// that moment, still to read. Nothing sent after that moment (by a
    /// process it left behind) is read.
    left: Option<usize>,
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
            left: None,
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
            left: None,
        })
    }

    fn channel(&self) -> &Channel {
        match &self.channel {
            PeerChannel::Own(c) => c,
            PeerChannel::Slot(c) => c,
        }
    }

    /// The descriptor that becomes readable when the child has ended: its
    /// process descriptor (pidfd, pdfork(2)'s), or the slot's control end
    /// the zygote reports its end on. Its channel alone does not tell: a
    /// process the child forked keeps the child's end open.
    fn ended_fd(&self) -> Option<RawFd> {
        match &self.process {
            _ if self.left.is_some() => None,
            Some(Process::Direct(c)) => c.ended_fd(),
            Some(Process::Remote(r)) => Some(r.ended_fd()),
            None => None,
        }
    }

    /// The child has ended: from now on only what its channel holds at
    /// this moment is read (FIONREAD), however fast a process it left
    /// behind writes on it.
    fn ended(&mut self) {
        if self.left.is_none() {
            self.left = Some(self.channel().queued());
        }
    }

    /// Sends one message to the child.
    pub(crate) fn send(&mut self, msg: &[u8], deadline: Option<Instant>) -> io::Result<Sent> {
        loop {
            if self.left.is_some() {
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
                self.ended();
            }
        }
    }

    /// Receives one message from the child, or `Closed` once it has
    /// ended and everything it sent before has been read; `TimedOut` once
    /// `deadline` has passed, checked before each message, so that a child
    /// that keeps its channel full cannot hold the call past it.
    pub(crate) fn recv(&mut self, buf: &mut [u8], deadline: Option<Instant>) -> io::Result<Recv> {
        if deadline.is_none() && self.ended_fd().is_none() && self.left.is_none() {
            // A child of ours that makes no process: its end closes when
            // it ends, so one blocking read waits for either.
            return self.channel().recv(buf, None);
        }
        loop {
            if let Some(left) = self.left {
                return self.recv_left(buf, left);
            }
            let mut fds = [(self.channel().raw(), libc::POLLIN); 2];
            let watched = match self.ended_fd() {
                Some(fd) => {
                    fds[1] = (fd, libc::POLLIN);
                    2
                }
                None => 1,
            };
            let r = ready(&fds[..watched], deadline)?;
            if r.get(1) == Some(&true) {
                self.ended();
                continue;
            }
            if !r[0] {
                return Ok(Recv::TimedOut);
            }
            if deadline.is_some_and(|d| Instant::now() >= d) {
                return Ok(Recv::TimedOut);
            }
            // Readable, and this is its only reader: no wait.
            if let Some(got) = self.channel().try_recv(buf)? {
                return Ok(got);
            }
        }
    }

    /// One of the `left` bytes the channel held when the child ended,
    /// read without waiting (a pipe's read end blocks, and a process the
    /// child forked may hold the other end; those bytes are there), or
    /// `Closed` once they are read. A message that fills `buf` may have
    /// been cut, its rest dropped unread: then nothing more is read,
    /// since the count would leave room for what came later.
    fn recv_left(&mut self, buf: &mut [u8], left: usize) -> io::Result<Recv> {
        if left == 0 {
            return Ok(Recv::Closed);
        }
        let room = buf.len().min(left);
        let got = self.channel().try_recv(&mut buf[..room])?;
        self.left = Some(match got {
            Some(Recv::Message(n)) if n < room => left - n,
            _ => 0,
        });
        Ok(got.unwrap_or(Recv::Closed))
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
                if self.left.is_none() {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Both kinds of channel: a socket pair, and the packet-mode pipes
    /// where the system has them. The program's end first.
    fn pairs() -> Vec<(Channel, Channel)> {
        vec![Channel::pair().unwrap(), Channel::fastest_pair().unwrap()]
    }

    fn peer(channel: Channel) -> Peer<'static> {
        Peer {
            channel: PeerChannel::Own(channel),
            process: None,
            left: None,
        }
    }

    /// A child that keeps its channel full is still cut off at its
    /// deadline: the deadline is checked before each message, not only
    /// when the channel is empty.
    #[test]
    fn the_deadline_holds_while_messages_keep_coming() {
        for (ours, child) in pairs() {
            for _ in 0..8 {
                assert!(child.send(b"chatter", None).unwrap());
            }
            let mut peer = peer(ours);
            let mut buf = [0u8; 64];
            let now = Instant::now();
            assert_eq!(peer.recv(&mut buf, Some(now)).unwrap(), Recv::TimedOut);
            // Before it, the messages are read.
            let later = Some(now + std::time::Duration::from_secs(60));
            assert_eq!(peer.recv(&mut buf, later).unwrap(), Recv::Message(7));
        }
    }

    /// Once the child has ended, what its channel held then is read, and
    /// nothing a process it left behind writes after.
    #[test]
    fn after_the_end_only_what_was_queued_is_read() {
        for (ours, child) in pairs() {
            let now = Some(Instant::now());
            assert!(child.send(b"first", now).unwrap());
            assert!(child.send(b"second", now).unwrap());
            let mut peer = peer(ours);
            peer.ended();
            assert!(child.send(b"late", now).unwrap());
            let mut buf = [0u8; 64];
            assert_eq!(peer.recv(&mut buf, None).unwrap(), Recv::Message(5));
            assert_eq!(peer.recv(&mut buf, None).unwrap(), Recv::Message(6));
            assert_eq!(&buf[..6], b"second");
            assert_eq!(peer.recv(&mut buf, None).unwrap(), Recv::Closed);
            assert_eq!(peer.recv(&mut buf, None).unwrap(), Recv::Closed);
        }
    }

    /// A message that fills the buffer may have been cut: after the end
    /// nothing follows it, whatever the count still says.
    #[test]
    fn after_the_end_a_cut_message_is_the_last() {
        let (ours, child) = Channel::pair().unwrap();
        let now = Some(Instant::now());
        assert!(child.send(&[b'x'; 1000], now).unwrap());
        let mut peer = peer(ours);
        peer.ended();
        assert!(child.send(b"late", now).unwrap());
        let mut buf = [0u8; 100];
        assert_eq!(peer.recv(&mut buf, None).unwrap(), Recv::Message(100));
        assert_eq!(peer.recv(&mut buf, None).unwrap(), Recv::Closed);
    }
}
