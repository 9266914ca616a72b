//! The zygote: a process forked while the program is still single-threaded
//! that forks compartments on request, so that a threaded program never
//! forks itself. fork(2) copies only the calling thread; a lock another
//! thread held at that moment (an allocator's, stderr's, the program's
//! own) stays locked forever in the child. The zygote is single-threaded
//! by construction, and so is every child it forks.
//!
//! The zygote and the program share a fixed number of *slots*, each two
//! `SOCK_SEQPACKET` pairs made before the zygote was forked:
//!
//! - *control*, program ↔ zygote: `SPAWN` (the entry addresses, limits and
//!   handed descriptors), `KILL`; answers `SPAWNED`, `FAILED`, and
//!   `EXITED` once the child has been reaped (`SIGCHLD` through a
//!   self-pipe, or its process descriptor polling readable) and what it
//!   had sent has been relayed;
//! - *data*, program ↔ zygote: the compartment's frames, which the zygote
//!   relays to and from the child's own channel.
//!
//! Each child gets a channel of its own, a `SOCK_SEQPACKET` pair the
//! zygote makes for it alone; no child ever holds a slot's end. A
//! compartment that can make processes (one of a sandboxed program, which
//! cannot add the no-fork seccomp program; one under `dry-run`; any on
//! FreeBSD, where capability mode allows fork(2)) may leave one behind
//! holding its channel, and with it nothing: once the child is reaped,
//! the zygote relays only the bytes queued on its channel at that moment
//! (FIONREAD), then closes its end, and only then says `EXITED`. The next
//! child of the slot gets a new channel, which no process of an earlier
//! one holds: it cannot read that child's input nor answer for it.
//!
//! Why a relay, and not the child's channel passed to the program: that
//! takes sendmsg(2) with `SCM_RIGHTS` in the zygote, and the zygote of a
//! sandboxed program runs under the program's filter, which refuses
//! sendmsg(2) to every descriptor where no supervisor reads the message
//! (it is behind a pointer seccomp cannot read), and where one does,
//! passes only descriptors in no class; allowing it for the zygote's
//! control ends by number would allow it to whatever the program later
//! holds at those numbers. Nor by ending what a compartment left behind before the slot
//! is reused: such a process can leave its process group (setsid(2)), and
//! the zygote of a sandboxed program cannot signal a process it did not
//! fork with a process descriptor (the filter names no process id;
//! capability mode refuses kill(2)). The relay costs a hop each way
//! (README "Compartments" gives the figure).
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
            // The numbers of the standard streams closed here are taken by
            // a pipe that is never used, so that no channel made for a
            // child lands on them (a sandboxed program's filter limits 0
            // and 1, and the child makes its stderr from the lowest free
            // numbers).
            let mut placeholder = [-1; 2];
            let placed = made == 0
                && close_all_but(&keep).is_ok()
                // SAFETY: `placeholder` is a valid array of two ints.
                && unsafe { libc::pipe2(placeholder.as_mut_ptr(), libc::O_CLOEXEC) } == 0;
            if !placed {
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
        let data = &self.zygote.slots[self.slot].data;
        let mut buf = [0u8; 64];
        loop {
            // The zygote relays what the child had queued before it says
            // `EXITED`: read and drop it meanwhile, so that the zygote
            // never waits for room on the slot.
            let r = ready(
                &[
                    (self.control().raw(), libc::POLLIN),
                    (data.raw(), libc::POLLIN),
                ],
                None,
            )?;
            if r[1] {
                data.drain();
            }
            if !r[0] {
                continue;
            }
            let Some(got) = self.control().try_recv(&mut buf)? else {
                continue;
            };
            match got {
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

/// Largest message relayed: a frame (at most `PIPE_BUF`, 4096 bytes), and
/// one byte more so that a longer one reaches the program cut to a length
/// it refuses, as it would have read it itself.
const RELAYED_BYTES: usize = 4097;

/// A slot's child and the relay between the slot's data channel and the
/// child's own channel.
struct Running {
    child: Forked,
    /// The zygote's end of the child's channel, made for it alone.
    link: Channel,
    /// A message from the program waiting for room on `link`.
    down: Option<Vec<u8>>,
    /// A message from the child waiting for room on the slot's data end.
    up: Option<Vec<u8>>,
    /// `link` said end of file: no process holds the child's end.
    link_closed: bool,
    /// Reaped: how it ended, and how many bytes of what was queued on
    /// `link` then are still to relay. Nothing sent after that moment
    /// (by a process the child left behind) is relayed.
    ended: Option<(Ended, usize)>,
}

/// What a descriptor in the zygote's poll(2) set stands for.
#[derive(Clone, Copy)]
enum Event {
    /// The SIGCHLD self-pipe, or a child's process descriptor.
    Child,
    /// A slot's control end: a request, or the program gone.
    Control(usize),
    /// The slot's data end has a message from the program.
    FromProgram(usize),
    /// The child's channel has room for the waiting message.
    ToChild(usize),
    /// The child's channel has a message.
    FromChild(usize),
    /// The slot's data end has room for the waiting message.
    ToProgram(usize),
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
    let mut running: Vec<Option<Running>> = (0..slots.len()).map(|_| None).collect();
    let mut buf = vec![0u8; RELAYED_BYTES.max(64 + 8 * MAX_HANDED)];
    let mut fds = Vec::new();
    let mut events = Vec::new();
    loop {
        fds.clear();
        events.clear();
        let mut watch = |fd: RawFd, poll: libc::c_short, event: Event| {
            fds.push((fd, poll));
            events.push(event);
        };
        watch(pipe[0], libc::POLLIN, Event::Child);
        for (i, slot) in slots.iter().enumerate() {
            watch(slot.control.raw(), libc::POLLIN, Event::Control(i));
            let Some(r) = &running[i] else {
                continue;
            };
            // FreeBSD's children send no SIGCHLD: their process
            // descriptor polls readable once they ended.
            if let Some(pd) = r.child.1.as_ref().filter(|_| r.ended.is_none()) {
                watch(
                    std::os::fd::AsRawFd::as_raw_fd(pd),
                    libc::POLLIN,
                    Event::Child,
                );
            }
            if r.up.is_some() {
                watch(slot.data.tx(), libc::POLLOUT, Event::ToProgram(i));
            }
            if r.ended.is_some() {
                continue;
            }
            match r.down {
                None => watch(slot.data.raw(), libc::POLLIN, Event::FromProgram(i)),
                Some(_) => watch(r.link.tx(), libc::POLLOUT, Event::ToChild(i)),
            }
            if r.up.is_none() && !r.link_closed {
                watch(r.link.raw(), libc::POLLIN, Event::FromChild(i));
            }
        }
        let Ok(readable) = ready(&fds, None) else {
            continue;
        };
        let mut reaping = false;
        for (k, &event) in events.iter().enumerate() {
            if !readable[k] {
                continue;
            }
            match event {
                Event::Child => reaping = true,
                Event::Control(i) => match slots[i].control.recv(&mut buf, None) {
                    Ok(Recv::Message(n)) => {
                        let answer = handle(&buf[..n], i, &slots, &mut running, handable, enter);
                        if let Some(answer) = answer {
                            let _ = slots[i].control.send(&answer, None);
                        }
                    }
                    // The program closed its ends (or is gone).
                    _ => end_all(&running),
                },
                Event::FromProgram(i) => {
                    let Some(r) = running[i].as_mut() else {
                        continue;
                    };
                    match slots[i].data.try_recv(&mut buf[..RELAYED_BYTES]) {
                        Ok(Some(Recv::Message(n))) => r.down = relay(&buf[..n], &r.link),
                        Ok(None) => {}
                        _ => end_all(&running),
                    }
                }
                Event::ToChild(i) => {
                    if let Some(r) = running[i].as_mut() {
                        if let Some(msg) = r.down.take() {
                            r.down = relay(&msg, &r.link);
                        }
                    }
                }
                Event::FromChild(i) => {
                    let Some(r) = running[i].as_mut() else {
                        continue;
                    };
                    match r.link.try_recv(&mut buf[..RELAYED_BYTES]) {
                        Ok(Some(Recv::Message(n))) => r.up = relay(&buf[..n], &slots[i].data),
                        // A zero-length message: nothing, as a write of
                        // nothing on the pipes of a child forked
                        // directly (relayed, it would read as the end).
                        Ok(Some(Recv::Closed)) if !r.link.hung_up() => {}
                        Ok(None) => {}
                        _ => r.link_closed = true,
                    }
                }
                Event::ToProgram(i) => {
                    if let Some(r) = running[i].as_mut() {
                        if let Some(msg) = r.up.take() {
                            r.up = relay(&msg, &slots[i].data);
                        }
                    }
                }
            }
        }
        if reaping {
            let mut drained = [0u8; 64];
            // SAFETY: drains the non-blocking read end into a local buffer.
            while unsafe { libc::read(pipe[0], drained.as_mut_ptr().cast(), drained.len()) } > 0 {}
            reap(&mut running);
        }
        for (i, slot) in slots.iter().enumerate() {
            if running[i].as_ref().is_some_and(|r| r.ended.is_some())
                && wind_up(slot, running[i].as_mut().expect("running"), &mut buf)
            {
                let (ended, _) = running[i].take().expect("running").ended.expect("ended");
                let (kind, value) = match ended.exit {
                    Exit::Code(c) => (0u8, c),
                    Exit::Signal(s) => (1u8, s),
                };
                let mut msg = vec![EXITED, kind, 0, 0];
                msg.extend_from_slice(&value.to_le_bytes());
                msg.extend_from_slice(&(ended.cpu.as_micros() as u64).to_le_bytes());
                let _ = slot.control.send(&msg, None);
            }
        }
    }
}

/// Ends every child and the zygote: the program closed its ends.
fn end_all(running: &[Option<Running>]) -> ! {
    for r in running.iter().flatten() {
        process::kill(&r.child);
    }
    // SAFETY: _exit(2) without the program's atexit handlers.
    unsafe { libc::_exit(0) }
}

/// Sends `msg` on `to` if it has room now; else the message to keep
/// until it has. A peer that is gone loses it (the program learns of a
/// child's end from its control end; the child's channel is its own).
fn relay(msg: &[u8], to: &Channel) -> Option<Vec<u8>> {
    match to.send(msg, Some(std::time::Instant::now())) {
        Ok(false) => Some(msg.to_vec()),
        Ok(true) | Err(_) => None,
    }
}

/// Reaps every child that ended: from then on only what it had queued is
/// relayed to the program (`wind_up`), nothing more reaches it.
fn reap(running: &mut [Option<Running>]) {
    for r in running.iter_mut().flatten() {
        if r.ended.is_some() {
            continue;
        }
        let Ok(Some(ended)) = process::wait(&r.child, true) else {
            continue;
        };
        // What the program sent and the child did not take is for no one.
        r.down = None;
        let left = if r.link_closed { 0 } else { r.link.queued() };
        r.ended = Some((ended, left));
    }
}

/// Relays to the program what a child that ended had queued, as the slot's
/// data end has room; true once all of it has gone (then its channel is
/// closed: a process it left behind holding the other end reaches nothing).
fn wind_up(slot: &Slot, r: &mut Running, buf: &mut Vec<u8>) -> bool {
    let Some((_, left)) = r.ended.as_mut() else {
        return true;
    };
    relay_queued(&r.link, &slot.data, &mut r.up, left, buf)
}

/// Relays from `from` to `to` the `left` bytes that were queued on `from`
/// when its child was reaped, and nothing sent after (FIFO: those come
/// after them), as `to` has room: a message waits in `up`. True once
/// all of it has gone. Each message is read whole, into a buffer as
/// long as what is left (so no message counted is cut, which would leave
/// its uncounted rest as room for later ones), and relayed cut to
/// `RELAYED_BYTES`, as while the child ran; a zero-length message is
/// skipped, as while the child ran.
fn relay_queued(
    from: &Channel,
    to: &Channel,
    up: &mut Option<Vec<u8>>,
    left: &mut usize,
    buf: &mut Vec<u8>,
) -> bool {
    loop {
        if let Some(msg) = up.take() {
            *up = relay(&msg, to);
            if up.is_some() {
                return false;
            }
        }
        if *left == 0 {
            return true;
        }
        if buf.len() < *left {
            buf.resize(*left, 0);
        }
        match from.try_recv(&mut buf[..*left]) {
            Ok(Some(Recv::Message(n))) => {
                *left -= n;
                *up = Some(buf[..n.min(RELAYED_BYTES)].to_vec());
            }
            // A zero-length message (counted bytes are still queued
            // behind it): nothing, as while the child ran.
            Ok(Some(Recv::Closed)) if from.queued() > 0 => {}
            _ => return true,
        }
    }
}

/// One request from the program on slot `i`; the answer to send, if any.
fn handle(
    msg: &[u8],
    i: usize,
    slots: &[Slot],
    running: &mut [Option<Running>],
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
            if let Some(r) = running[i].as_ref().filter(|r| r.ended.is_none()) {
                process::kill(&r.child);
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
            if running[i].is_some() {
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
            // What the program sent for an earlier child of the slot is
            // for no one.
            slots[i].data.drain();
            // The child's own channel: no child runs on a channel another
            // one held (fail closed).
            let (link, theirs) = match Channel::pair() {
                Ok(pair) => pair,
                Err(e) => return failed(e.raw_os_error().unwrap_or(libc::EIO)),
            };
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
                // `run_child` closes every other descriptor: the slots',
                // the other children's channels, `link`.
                run_child(theirs, zygote, &setup, entry, once)
            }
            drop(theirs);
            running[i] = Some(Running {
                child: forked,
                link,
                down: None,
                up: None,
                link_closed: false,
                ended: None,
            });
            let mut m = vec![SPAWNED, 0, 0, 0];
            m.extend_from_slice(&pid.to_le_bytes());
            Some(m)
        }
        _ => failed(libc::EINVAL),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a reaped child had queued reaches the program, and nothing a
    /// process it left behind sends after the reap, even when what was
    /// queued holds a message longer than any frame (cut when relayed;
    /// counting only its cut length once left room for later ones) or a
    /// zero-length one.
    #[test]
    fn only_what_was_queued_at_the_reap_is_relayed() {
        let (link, leftover) = Channel::pair().unwrap();
        let (slot, program) = Channel::pair().unwrap();
        let long = vec![b'L'; 100_000];
        let now = Some(std::time::Instant::now());
        assert!(leftover.send(&long, now).unwrap());
        // Read as 0, as the end of file is: skipped, not the end.
        assert!(leftover.send(b"", now).unwrap());
        assert!(leftover.send(b"last", now).unwrap());
        let mut left = link.queued();
        assert_eq!(left, long.len() + 4, "FIONREAD counts the bytes queued");
        // Sent after the reap, by the process the child left behind.
        for _ in 0..8 {
            assert!(leftover.send(b"late", now).unwrap());
        }
        let mut up = None;
        let mut buf = vec![0u8; RELAYED_BYTES];
        assert!(relay_queued(&link, &slot, &mut up, &mut left, &mut buf));
        let mut got = Vec::new();
        let mut read = vec![0u8; 2 * RELAYED_BYTES];
        while let Some(Recv::Message(n)) = program.try_recv(&mut read).unwrap() {
            got.push(read[..n].to_vec());
        }
        assert_eq!(
            got.len(),
            2,
            "relayed: {:?}",
            got.iter().map(Vec::len).collect::<Vec<_>>()
        );
        assert_eq!(got[0], vec![b'L'; RELAYED_BYTES]);
        assert_eq!(got[1], b"last");
    }

    /// The relay waits for room on the program's side and goes on where
    /// it stopped, still counting.
    #[test]
    fn what_was_queued_waits_for_room() {
        let (link, leftover) = Channel::pair().unwrap();
        let (slot, program) = Channel::pair().unwrap();
        // Room for a few messages on the program's side (socket(7)
        // SO_SNDBUF; the kernel doubles it).
        let room: libc::c_int = 4096;
        // SAFETY: setsockopt(2) with a live int of its size.
        let r = unsafe {
            libc::setsockopt(
                slot.raw(),
                libc::SOL_SOCKET,
                libc::SO_SNDBUF,
                (&room as *const libc::c_int).cast(),
                std::mem::size_of::<libc::c_int>() as libc::socklen_t,
            )
        };
        assert_eq!(r, 0);
        let now = || Some(std::time::Instant::now());
        let queued = 100;
        for _ in 0..queued {
            assert!(leftover.send(&[b'q'; 100], now()).unwrap());
        }
        let mut left = link.queued();
        assert_eq!(left, 100 * queued);
        assert!(leftover.send(b"late", now()).unwrap());
        let (mut up, mut buf) = (None, vec![0u8; RELAYED_BYTES]);
        let (mut relayed, mut rounds) = (0, 0);
        let mut read = vec![0u8; RELAYED_BYTES];
        loop {
            let done = relay_queued(&link, &slot, &mut up, &mut left, &mut buf);
            while let Some(Recv::Message(n)) = program.try_recv(&mut read).unwrap() {
                assert_eq!(&read[..n], &[b'q'; 100][..]);
                relayed += 1;
            }
            if done {
                break;
            }
            rounds += 1;
        }
        assert_eq!(relayed, queued);
        assert!(rounds > 0, "the program's side never ran out of room");
    }
}
