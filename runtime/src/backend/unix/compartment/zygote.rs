//! The zygote: a process forked while the program is still single-threaded
//! that forks compartments on request, so that a threaded program never
//! forks itself. fork(2) copies only the calling thread; a lock another
//! thread held at that moment (an allocator's, stderr's, the program's
//! own) stays locked forever in the child. The zygote is single-threaded
//! by construction, and so is every child it forks.
//!
//! The zygote and the program share a fixed number of *slots*, each two
//! `SOCK_SEQPACKET` pairs made before the zygote was forked (descriptors
//! cannot be passed later: the Linux sandbox denies `sendmsg`):
//!
//! - *control*, program ↔ zygote: `SPAWN` (the entry addresses, limits and
//!   handed descriptors), `KILL`; answers `SPAWNED`, `FAILED`, and
//!   `EXITED` once the child has been reaped (`SIGCHLD` through a
//!   self-pipe, or its process descriptor polling readable);
//! - *data*, program ↔ the slot's child: the compartment's frames. The
//!   zygote keeps its end for the next child of the slot and empties it
//!   before each fork, as the program does with its own end.
//!
//! The child never holds a control end, so it cannot speak for the
//! zygote. The zygote exits when the program closes its ends.

use std::io;
use std::os::fd::RawFd;
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::{Condvar, Mutex};
use std::time::Duration;

use crate::rights::Limits;

use super::super::super::imp::process::{self, Forked};
use super::{
    close_all_but, ready, run_child, wait_child, Channel, Ended, Enter, Entry, Exit, Recv, Rlimits,
    Setup,
};

const SPAWN: u8 = 1;
const KILL: u8 = 2;
const SPAWNED: u8 = 1;
const EXITED: u8 = 2;
const FAILED: u8 = 3;

/// Most descriptors one request may hand.
pub(crate) const MAX_HANDED: usize = 64;

/// The program's side of the zygote.
#[derive(Debug)]
pub(crate) struct Zygote {
    process: Forked,
    /// Descriptors the zygote holds and may hand, with their rights.
    pub handable: Vec<(RawFd, Limits)>,
    slots: Vec<Slot>,
    free: Mutex<Vec<usize>>,
    freed: Condvar,
}

#[derive(Debug)]
struct Slot {
    control: Channel,
    data: Channel,
}

/// A compartment child forked by the zygote, seen from the program.
#[derive(Debug)]
pub(crate) struct Remote<'z> {
    zygote: &'z Zygote,
    slot: usize,
    ended: bool,
}

impl Zygote {
    /// Forks the zygote with `slots` slots, keeping `handable` open in it
    /// and entering children into the sandbox with `enter`. Call it while
    /// single-threaded (checked by the caller).
    pub(crate) fn start(
        slots: usize,
        handable: &[(RawFd, Limits)],
        enter: Enter,
    ) -> io::Result<Zygote> {
        let mut ours = Vec::with_capacity(slots);
        let mut theirs = Vec::with_capacity(slots);
        for _ in 0..slots {
            let (control, zc) = Channel::pair()?;
            let (data, zd) = Channel::pair()?;
            ours.push(Slot { control, data });
            theirs.push(Slot {
                control: zc,
                data: zd,
            });
        }
        // SAFETY: fork(2) while single-threaded (the caller checked).
        let process = unsafe { process::fork() }?;
        if process.0 == 0 {
            drop(ours);
            // The SIGCHLD self-pipe, made while the standard streams are
            // still open so that it lands on no number a sandboxed
            // program's filter limits (0 and 1 are), non-blocking from
            // the start (fcntl(F_SETFL) may be refused on such numbers).
            let mut pipe = [-1; 2];
            // SAFETY: `pipe` is a valid array of two ints.
            let made =
                unsafe { libc::pipe2(pipe.as_mut_ptr(), libc::O_NONBLOCK | libc::O_CLOEXEC) };
            // Nothing of the program stays open in the zygote but its
            // slots, stderr, the self-pipe and the handles it may hand.
            let keep: Vec<RawFd> = theirs
                .iter()
                .flat_map(|s| [s.control.raw(), s.data.raw()])
                .chain(handable.iter().map(|(fd, _)| *fd))
                .chain([2, pipe[0], pipe[1]])
                .collect();
            if made != 0 || close_all_but(&keep).is_err() {
                // SAFETY: _exit(2) in the freshly forked zygote.
                unsafe { libc::_exit(1) };
            }
            serve(theirs, handable, enter, pipe)
        }
        drop(theirs);
        Ok(Zygote {
            process,
            handable: handable.to_vec(),
            slots: ours,
            free: Mutex::new((0..slots).rev().collect()),
            freed: Condvar::new(),
        })
    }

    /// Asks for a child in a free slot (waiting for one), running `entry`
    /// with `handed` (indexes into `handable`) and `rlimits`. Returns the
    /// child and the program's end of its data channel.
    pub(crate) fn spawn(
        &self,
        entry: Entry,
        once: bool,
        rlimits: Rlimits,
        handed: &[usize],
    ) -> io::Result<(Remote<'_>, &Channel)> {
        if handed.len() > MAX_HANDED {
            return Err(io::Error::from_raw_os_error(libc::E2BIG));
        }
        let slot = {
            let mut free = self.free.lock().unwrap_or_else(|p| p.into_inner());
            loop {
                if let Some(s) = free.pop() {
                    break s;
                }
                free = self.freed.wait(free).unwrap_or_else(|p| p.into_inner());
            }
        };
        let answer = self.request_spawn(slot, entry, once, rlimits, handed);
        match answer {
            Ok(()) => Ok((
                Remote {
                    zygote: self,
                    slot,
                    ended: false,
                },
                &self.slots[slot].data,
            )),
            Err(e) => {
                self.release(slot);
                Err(e)
            }
        }
    }

    fn request_spawn(
        &self,
        slot: usize,
        entry: Entry,
        once: bool,
        rlimits: Rlimits,
        handed: &[usize],
    ) -> io::Result<()> {
        let s = &self.slots[slot];
        s.data.drain();
        let mut msg = vec![SPAWN, u8::from(once), 0, 0, 0, 0, 0, 0];
        let words = entry.to_words();
        for w in words
            .iter()
            .chain(&[
                rlimits.cpu_seconds.unwrap_or(0),
                rlimits.memory.unwrap_or(0),
                handed.len() as u64,
            ])
            .chain(&handed.iter().map(|&i| i as u64).collect::<Vec<_>>())
        {
            msg.extend_from_slice(&w.to_le_bytes());
        }
        s.control.send(&msg, None)?;
        let mut buf = [0u8; 512];
        match s.control.recv(&mut buf, None)? {
            Recv::Message(n) if n >= 8 && buf[0] == SPAWNED => Ok(()),
            Recv::Message(n) if n >= 8 && buf[0] == FAILED => {
                let errno = i32::from_le_bytes(buf[4..8].try_into().expect("4 bytes"));
                Err(io::Error::from_raw_os_error(errno))
            }
            _ => Err(io::Error::other("the zygote answered out of protocol")),
        }
    }

    /// Empties the slot's data channel and makes it free again.
    fn release(&self, slot: usize) {
        self.slots[slot].data.drain();
        let mut free = self.free.lock().unwrap_or_else(|p| p.into_inner());
        free.push(slot);
        self.freed.notify_one();
    }
}

impl Drop for Zygote {
    fn drop(&mut self) {
        // Closing the control ends tells the zygote to end its children
        // and exit.
        self.slots.clear();
        let _ = wait_child(&self.process);
    }
}

impl Remote<'_> {
    fn control(&self) -> &Channel {
        &self.zygote.slots[self.slot].control
    }

    /// The descriptor that becomes readable when the child has ended.
    pub(crate) fn ended_fd(&self) -> RawFd {
        self.control().raw()
    }

    /// Asks the zygote for SIGKILL; `EXITED` follows.
    pub(crate) fn kill(&self) {
        let _ = self.control().send(&[KILL], None);
    }

    /// Waits for `EXITED`.
    pub(crate) fn wait(mut self) -> io::Result<Ended> {
        let r = self.wait_exited();
        self.ended = true;
        r
    }

    fn wait_exited(&self) -> io::Result<Ended> {
        let mut buf = [0u8; 64];
        loop {
            match self.control().recv(&mut buf, None)? {
                Recv::Message(n) if n >= 16 && buf[0] == EXITED => {
                    let value = i32::from_le_bytes(buf[4..8].try_into().expect("4 bytes"));
                    let micros = u64::from_le_bytes(buf[8..16].try_into().expect("8 bytes"));
                    return Ok(Ended {
                        exit: if buf[1] == 1 {
                            Exit::Signal(value)
                        } else {
                            Exit::Code(value)
                        },
                        cpu: Duration::from_micros(micros),
                    });
                }
                Recv::Message(_) => continue,
                _ => return Err(io::Error::other("the zygote is gone")),
            }
        }
    }
}

impl Drop for Remote<'_> {
    fn drop(&mut self) {
        if !self.ended {
            self.kill();
            let _ = self.wait_exited();
        }
        self.zygote.release(self.slot);
    }
}

/// The write end of the zygote's self-pipe, for its SIGCHLD handler.
static SIGCHLD_PIPE: AtomicI32 = AtomicI32::new(-1);

extern "C" fn on_sigchld(_: libc::c_int) {
    let fd = SIGCHLD_PIPE.load(Ordering::Relaxed);
    // SAFETY: write(2) of one byte from a static to a non-blocking pipe:
    // async-signal-safe, no allocation, no lock.
    unsafe { libc::write(fd, b"c".as_ptr().cast(), 1) };
}

/// The zygote's loop; never returns.
fn serve(slots: Vec<Slot>, handable: &[(RawFd, Limits)], enter: Enter, pipe: [RawFd; 2]) -> ! {
    // SAFETY: the handler installed only writes one byte to the pipe's
    // (non-blocking) write end.
    unsafe {
        SIGCHLD_PIPE.store(pipe[1], Ordering::Relaxed);
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = on_sigchld as *const () as usize;
        action.sa_flags = libc::SA_RESTART | libc::SA_NOCLDSTOP;
        libc::sigaction(libc::SIGCHLD, &action, std::ptr::null_mut());
    }
    let mut children: Vec<Option<Forked>> = (0..slots.len()).map(|_| None).collect();
    loop {
        // SIGCHLD's pipe, the slots' control ends, and the children's
        // process descriptors (readable once the child ended; FreeBSD's
        // children send no SIGCHLD).
        let mut fds = vec![(pipe[0], libc::POLLIN)];
        fds.extend(slots.iter().map(|s| (s.control.raw(), libc::POLLIN)));
        fds.extend(
            children
                .iter()
                .flatten()
                .filter_map(|(_, pd)| pd.as_ref())
                .map(|pd| (std::os::fd::AsRawFd::as_raw_fd(pd), libc::POLLIN)),
        );
        let Ok(readable) = ready(&fds, None) else {
            continue;
        };
        if readable[0] || readable[1 + slots.len()..].iter().any(|&r| r) {
            let mut buf = [0u8; 64];
            // SAFETY: drains the non-blocking read end into a local buffer.
            while unsafe { libc::read(pipe[0], buf.as_mut_ptr().cast(), buf.len()) } > 0 {}
            reap(&slots, &mut children);
        }
        for (i, slot) in slots.iter().enumerate() {
            if !readable[i + 1] {
                continue;
            }
            let mut buf = [0u8; 64 + 8 * MAX_HANDED];
            match slot.control.recv(&mut buf, None) {
                Ok(Recv::Message(n)) => {
                    let answer = handle(&buf[..n], i, &slots, &mut children, handable, enter);
                    if let Some(answer) = answer {
                        let _ = slot.control.send(&answer, None);
                    }
                }
                // The program closed its ends (or is gone): end everything.
                _ => {
                    for child in children.iter().flatten() {
                        process::kill(child);
                    }
                    // SAFETY: _exit(2) without the program's atexit handlers.
                    unsafe { libc::_exit(0) }
                }
            }
        }
    }
}

/// Reaps every child that ended and tells its slot.
fn reap(slots: &[Slot], children: &mut [Option<Forked>]) {
    for (i, child) in children.iter_mut().enumerate() {
        let Some(forked) = child.as_ref() else {
            continue;
        };
        let Ok(Some(ended)) = process::wait(forked, true) else {
            continue;
        };
        *child = None;
        let (kind, value) = match ended.exit {
            Exit::Code(c) => (0u8, c),
            Exit::Signal(s) => (1u8, s),
        };
        let mut msg = vec![EXITED, kind, 0, 0];
        msg.extend_from_slice(&value.to_le_bytes());
        msg.extend_from_slice(&(ended.cpu.as_micros() as u64).to_le_bytes());
        let _ = slots[i].control.send(&msg, None);
    }
}

/// One request from the program on slot `i`; the answer to send, if any.
fn handle(
    msg: &[u8],
    i: usize,
    slots: &[Slot],
    children: &mut [Option<Forked>],
    handable: &[(RawFd, Limits)],
    enter: Enter,
) -> Option<Vec<u8>> {
    let failed = |errno: i32| {
        let mut m = vec![FAILED, 0, 0, 0];
        m.extend_from_slice(&errno.to_le_bytes());
        Some(m)
    };
    match msg.first() {
        Some(&KILL) => {
            if let Some(child) = &children[i] {
                process::kill(child);
            }
            None
        }
        Some(&SPAWN) => {
            let word = |k: usize| -> Option<u64> {
                let at = 8 + 8 * k;
                Some(u64::from_le_bytes(msg.get(at..at + 8)?.try_into().ok()?))
            };
            let (Some(t), Some(r), Some(f), Some(cpu), Some(mem), Some(n)) =
                (word(0), word(1), word(2), word(3), word(4), word(5))
            else {
                return failed(libc::EINVAL);
            };
            if children[i].is_some() {
                return failed(libc::EBUSY);
            }
            let n = n as usize;
            if n > MAX_HANDED {
                return failed(libc::E2BIG);
            }
            let mut keep = Vec::with_capacity(n);
            for k in 0..n {
                match word(6 + k).and_then(|x| handable.get(x as usize)) {
                    Some(&h) => keep.push(h),
                    None => return failed(libc::EBADF),
                }
            }
            let once = msg.get(1) == Some(&1);
            let rlimits = Rlimits {
                cpu_seconds: (cpu > 0).then_some(cpu),
                memory: (mem > 0).then_some(mem),
            };
            slots[i].data.drain();
            // SAFETY: getpid(2) cannot fail.
            let zygote = unsafe { libc::getpid() };
            // SAFETY: fork from the single-threaded zygote.
            let forked = match unsafe { process::fork() } {
                Ok(f) => f,
                Err(e) => return failed(e.raw_os_error().unwrap_or(libc::EIO)),
            };
            let pid = forked.0;
            if pid == 0 {
                // SAFETY: back to the default SIGCHLD disposition in the
                // child (its own children are its business).
                unsafe { libc::signal(libc::SIGCHLD, libc::SIG_DFL) };
                // SAFETY: the words come from `Entry::to_words` in the
                // program this zygote was forked from.
                let entry = unsafe { Entry::from_words([t, r, f]) };
                let setup = Setup {
                    handed: &keep,
                    rlimits,
                    enter,
                };
                let data = dup_channel(&slots[i].data);
                run_child(data, zygote, &setup, entry, once)
            }
            children[i] = Some(forked);
            let mut m = vec![SPAWNED, 0, 0, 0];
            m.extend_from_slice(&pid.to_le_bytes());
            Some(m)
        }
        _ => failed(libc::EINVAL),
    }
}

/// A new `Channel` on a copy of `channel`'s descriptor (the child's copy,
/// which `run_child` keeps while closing the rest).
fn dup_channel(channel: &Channel) -> Channel {
    // SAFETY: dup of a descriptor we own.
    let fd = unsafe { libc::fcntl(channel.raw(), libc::F_DUPFD_CLOEXEC, 3) };
    if fd < 0 {
        // SAFETY: _exit(2) in the freshly forked child.
        unsafe { libc::_exit(super::SETUP_FAILED) };
    }
    // SAFETY: `fd` is a new descriptor owned by nothing else.
    Channel::from_fd(unsafe { std::os::fd::FromRawFd::from_raw_fd(fd) })
}
