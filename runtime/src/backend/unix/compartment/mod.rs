//! The process primitives of compartments, the same on Linux and FreeBSD:
//! a `SOCK_SEQPACKET` socket pair between parent and child (unix(7):
//! message boundaries kept, so each frame is one send(2)); fork(2) with
//! every descriptor but the channel and the handed ones closed in the
//! child (the backend's `close_range`); resource limits set in the child
//! (setrlimit(2)) before any of its code runs. Children are forked with a
//! process descriptor where the backend has one (pdfork(2) on FreeBSD,
//! clone(2) `CLONE_PIDFD` on Linux) and reaped through it (`process::wait`,
//! waitid(2) `P_PIDFD` on Linux: capability mode refuses wait4(2)),
//! which gives the status and the CPU time.
//!
//! - `channel.rs`: the channel, a socket pair or two packet-mode pipes;
//! - `fork.rs`: the child's entry as function addresses, its setup, the
//!   fork;
//! - `peer.rs`: the program's side of a running child, forked here or by
//!   the zygote;
//! - `zygote.rs`: the process that forks compartments for threaded
//!   programs.
//!
//! A child's end is read here.

mod channel;
mod fork;
mod peer;
mod zygote;

use std::io;
use std::time::Duration;

use super::super::imp::process;

pub(crate) use super::super::{Ended, Exit};
pub(crate) use channel::{ready, Channel, Recv};
pub(crate) use fork::{close_all_but, run_child, spawn, Enter, Entry, Setup};
pub(crate) use peer::{Peer, Sent};
pub(crate) use process::{forbid_forks, isolate, single_threaded};
pub(crate) use zygote::Zygote;

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

/// A forked child, killed and reaped when dropped if not waited for.
#[derive(Debug)]
pub(crate) struct Child {
    forked: process::Forked,
    reaped: bool,
    /// It makes no process (`children_forkless` when it was forked).
    forkless: bool,
}

impl Child {
    /// SIGKILL (through its process descriptor on FreeBSD). The child is
    /// not reaped before `wait`, so the pid cannot name another process
    /// meanwhile.
    pub(crate) fn kill(&self) {
        process::kill(&self.forked);
    }

    /// What tells that it has ended while a process it forked could keep
    /// its end of the channel open: its process descriptor (pidfd,
    /// pdfork(2)'s), where the system has one. `None` for a child that
    /// makes no process (`forkless`): its end closes when it ends.
    pub(crate) fn ended_fd(&self) -> Option<std::os::fd::RawFd> {
        use std::os::fd::AsRawFd;
        if self.forkless {
            return None;
        }
        self.forked.1.as_ref().map(|pd| pd.as_raw_fd())
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
