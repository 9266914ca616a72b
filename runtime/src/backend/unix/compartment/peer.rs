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

    /// The descriptor that becomes readable when the child has ended: its
    /// process descriptor (pidfd, pdfork(2)'s), or the slot's control end
    /// the zygote reports its end on. Its channel alone does not tell: a
    /// process the child forked keeps the child's end open.
    fn ended_fd(&self) -> Option<RawFd> {
        match &self.process {
            _ if self.ended => None,
            Some(Process::Direct(c)) => c.ended_fd(),
            Some(Process::Remote(r)) => Some(r.ended_fd()),
            None => None,
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

    /// Receives one message from the child, or `Closed` once it has
    /// ended and everything it sent before has been read.
    pub(crate) fn recv(&mut self, buf: &mut [u8], deadline: Option<Instant>) -> io::Result<Recv> {
        if deadline.is_none() && self.ended_fd().is_none() && !self.ended {
            // A child of ours that makes no process: its end closes when
            // it ends, so one blocking read waits for either.
            return self.channel().recv(buf, None);
        }
        loop {
            let mut fds = [(self.channel().raw(), libc::POLLIN); 2];
            let watched = match self.ended_fd() {
                Some(fd) => {
                    fds[1] = (fd, libc::POLLIN);
                    2
                }
                None => 1,
            };
            // Once the child has ended, only what it sent before is left:
            // look without waiting (a pipe's read end blocks, and a
            // process it forked may hold the other end).
            let until = if self.ended {
                Some(Instant::now())
            } else {
                deadline
            };
            let r = ready(&fds[..watched], until)?;
            if r.get(1) == Some(&true) {
                self.ended = true;
            }
            if !r[0] {
                if self.ended {
                    // Everything the child sent before it ended has been read.
                    return Ok(Recv::Closed);
                }
                if !r.iter().any(|&b| b) {
                    return Ok(Recv::TimedOut);
                }
                continue;
            }
            // Readable, and this is its only reader: no wait.
            if let Some(got) = self.channel().try_recv(buf)? {
                return Ok(got);
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
