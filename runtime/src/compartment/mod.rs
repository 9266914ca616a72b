//! Compartments: dangerous code — a parser of untrusted input, say — run in
//! a forked child that enters the sandbox with nothing preopened, its
//! result sent back over a socket. The pattern of Capsicum's `tcpdump` and
//! `gzip` ports: a bug in the parser can take over the child, and the
//! child can do nothing but answer on its channel.
//!
//! ```no_run
//! use sandboxed::{compartment, CompartmentError};
//!
//! fn count_lines(untrusted: &[u8]) -> Result<usize, CompartmentError> {
//!     compartment(
//!         |input: &[u8]| -> Result<usize, std::str::Utf8Error> {
//!             Ok(std::str::from_utf8(input)?.lines().count())
//!         },
//!         untrusted,
//!     )
//! }
//! ```
//!
//! With limits, a handle, or a long-lived worker:
//!
//! ```no_run
//! use std::time::Duration;
//! use sandboxed::compartment::Compartment;
//!
//! fn words(text: &str) -> Result<Vec<String>, String> {
//!     Ok(text.split_whitespace().map(str::to_owned).collect())
//! }
//!
//! # fn main() -> Result<(), sandboxed::CompartmentError> {
//! let limits = Compartment::new()
//!     .timeout(Duration::from_secs(2))
//!     .cpu_time(Duration::from_secs(1))
//!     .memory(256 << 20)
//!     .result_limit(1 << 20);
//! let one: Vec<String> = limits.run(words, "a b c")?;
//! let mut worker = limits.worker(words);
//! for line in ["x y", "z"] {
//!     let w: Vec<String> = worker.call(line)?;
//! }
//! # Ok(()) }
//! ```
//!
//! # What the child is
//!
//! The closure is a function pointer (a `fn` item or a closure that
//! captures nothing): it runs in another process, which has only what
//! crosses the channel. Its input is encoded by the parent ([`Message`]:
//! raw bytes for `[u8]` and `str`, postcard for any serde type), and its
//! result is decoded by the parent as untrusted input, bounded by
//! [`Compartment::result_limit`].
//!
//! The child keeps only its channel and the handles given with
//! [`Compartment::hand`]: every other descriptor is closed, standard error
//! included (what the child prints to stderr travels on its channel and
//! the parent forwards it). Before its code runs it gets its resource
//! limits, drops every capability(7) on Linux, and enters the sandbox:
//! from an unsandboxed program with an empty plan (no preopens, no
//! services); from a sandboxed one it keeps the sandbox it inherited (the
//! handed descriptors keep the rights their numbers have there) and, on
//! Linux, enters a Landlock domain of its own that allows no path, no TCP
//! and, with ABI 6, no signal outside itself. A child that cannot enter the
//! sandbox does not run the closure.
//!
//! The child cannot act on its parent or on other compartments: signals,
//! scheduling, resource limits and the ptrace family towards them are
//! refused (the Linux table's row 2; capability mode on FreeBSD).
//!
//! # Threads
//!
//! fork(2) copies only the calling thread: a lock another thread holds at
//! that moment stays locked in the child, which can hang on its first
//! allocation or print. A compartment is therefore forked from the caller
//! only when the caller is the process's only thread. A threaded program
//! (tokio, a thread pool) calls [`prepare`] first, while still
//! single-threaded; compartments are then forked by the *zygote* it
//! starts, a single-threaded process that stays ready for the program's
//! lifetime. Without it, a compartment started from a threaded process
//! fails with [`CompartmentError::Threads`].

mod message;

use std::borrow::Borrow;
use std::fmt;
use std::io::{self, Write};
use std::os::fd::{AsRawFd, RawFd};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

pub use message::{DecodeError, EncodeError, Message, MAX_DEPTH};

use crate::backend::compartment::{
    single_threaded, Channel, Ended, Entry, Exit, Peer, Recv, Rlimits, Sent, Setup, Zygote,
    SETUP_TAG,
};
use crate::decl::Plan;
use crate::rights::{Limits, RightsMarker};
use crate::File;

/// The limit a compartment exceeded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Resource {
    /// [`Compartment::timeout`]: wall-clock time.
    WallClock,
    /// [`Compartment::cpu_time`]: CPU time (`RLIMIT_CPU`).
    CpuTime,
    /// [`Compartment::memory`]: memory (`RLIMIT_DATA` on Linux,
    /// `RLIMIT_AS` on FreeBSD).
    Memory,
    /// [`Compartment::result_limit`]: the size of the encoded result.
    ResultSize,
}

impl fmt::Display for Resource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Resource::WallClock => "wall-clock time",
            Resource::CpuTime => "CPU time",
            Resource::Memory => "memory",
            Resource::ResultSize => "result size",
        })
    }
}

/// Why a compartment gave no result.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CompartmentError {
    /// fork(2) or socketpair(2) failed, or this system has no sandbox.
    #[error("starting the compartment: {0}")]
    Spawn(#[source] io::Error),
    /// The program runs more than one thread and [`prepare`] did not start
    /// a zygote.
    #[error("the program runs more than one thread: call sandboxed::compartment::prepare() while it is single-threaded")]
    Threads,
    /// A handle given to [`Compartment::hand`] is not one the zygote holds.
    #[error("descriptor {0} was not handed to sandboxed::compartment::prepare()")]
    NotPrepared(RawFd),
    /// The input could not be encoded.
    #[error(transparent)]
    Encode(#[from] EncodeError),
    /// The child could not enter the sandbox; the closure did not run.
    #[error("the compartment could not enter the sandbox: {0}")]
    Sandbox(String),
    /// The closure returned an error (its `Display`).
    #[error("{0}")]
    Failed(String),
    /// The closure panicked (the panic message).
    #[error("the compartment panicked: {0}")]
    Panicked(String),
    /// The child exceeded a limit and was killed.
    #[error("the compartment exceeded its {0} limit and was killed")]
    Exceeded(Resource),
    /// The child was killed by a signal (a crash, or the sandbox).
    #[error("the compartment was killed by signal {signal} ({})", signal_name(*.signal))]
    Killed {
        /// The signal number.
        signal: i32,
    },
    /// The child exited without sending a result.
    #[error("the compartment exited with status {0} without a result")]
    Exited(i32),
    /// What the child sent is not a result of the expected type.
    #[error("the compartment sent a malformed result: {0}")]
    Malformed(#[source] DecodeError),
    /// Talking to or waiting for the compartment failed.
    #[error("waiting for the compartment: {0}")]
    Wait(#[source] io::Error),
}

fn signal_name(signal: i32) -> &'static str {
    match signal {
        libc::SIGSEGV => "SIGSEGV",
        libc::SIGBUS => "SIGBUS",
        libc::SIGABRT => "SIGABRT",
        libc::SIGKILL => "SIGKILL",
        libc::SIGSYS => "SIGSYS",
        libc::SIGILL => "SIGILL",
        libc::SIGFPE => "SIGFPE",
        libc::SIGTERM => "SIGTERM",
        libc::SIGPIPE => "SIGPIPE",
        libc::SIGXCPU => "SIGXCPU",
        _ => "signal",
    }
}

// Frames on the channel (one SOCK_SEQPACKET message each). Their first
// byte is never the first byte of UTF-8 text, so what the child prints
// on stderr (the same channel) cannot be taken for a frame by accident.
/// Part of a value: appended to the bytes so far.
const CHUNK: u8 = 0xfe;
/// The end of a value: a status byte, then the value's last part (the
/// whole of a small one: one message per call each way, as in a raw
/// round trip) or the error text.
const END: u8 = 0xff;
/// Largest payload of one message: a frame fits `PIPE_BUF` (4096), the
/// most a packet-mode pipe keeps in one message.
const CHUNK_BYTES: usize = 4096 - 2;
/// Statuses after `END`.
const OK: u8 = 0;
const FAILED: u8 = 1;
const PANICKED: u8 = 2;
const BAD_INPUT: u8 = 3;
const BAD_OUTPUT: u8 = 4;
/// Most error text kept from the child (its `Display`, a panic message).
const TEXT_BYTES: usize = CHUNK_BYTES;
/// Most stderr output of one call forwarded to the parent's stderr.
const STDERR_BYTES: usize = 64 * 1024;

/// The default [`Compartment::result_limit`]: 64 MiB.
pub const DEFAULT_RESULT_LIMIT: usize = 64 << 20;

/// The slots of a zygote: how many compartments and workers can run at
/// once through it; more wait for a free one.
pub const ZYGOTE_SLOTS: usize = 32;

static ZYGOTE: OnceLock<Zygote> = OnceLock::new();

/// A handle that can be given to a compartment: a descriptor with the
/// rights it keeps there.
pub trait Handle {
    /// The descriptor and its rights.
    fn handed(&self) -> (RawFd, Limits);
}

impl<R: RightsMarker> Handle for File<R> {
    fn handed(&self) -> (RawFd, Limits) {
        (
            self.as_raw_fd(),
            Limits {
                rights: R::RIGHTS,
                ..Limits::default()
            },
        )
    }
}

/// Starts the zygote that forks compartments for a threaded program. Call
/// it while the process is single-threaded (at the start of `main`, before
/// a tokio runtime or a thread pool starts); `handles` are the handles
/// compartments may be given later, which the zygote keeps open (at the
/// same numbers, so a sandboxed program's rights hold for them).
///
/// The zygote is a fork of the program at this moment: code loaded later
/// (`dlopen`) cannot run in its compartments. It ends with the program.
/// Calling it again does nothing.
///
/// # Errors
///
/// `ErrorKind::Unsupported` when the process is threaded already (or the
/// sandbox cannot tell), the fork(2) error otherwise.
pub fn prepare(handles: &[&dyn Handle]) -> io::Result<()> {
    if ZYGOTE.get().is_some() {
        return Ok(());
    }
    if single_threaded() != Some(true) {
        return Err(io::Error::new(
            io::ErrorKind::Unsupported,
            "the zygote must be started while the process is single-threaded",
        ));
    }
    let handable: Vec<(RawFd, Limits)> = handles.iter().map(|h| h.handed()).collect();
    let zygote = Zygote::start(ZYGOTE_SLOTS, &handable, enter_child)?;
    let _ = ZYGOTE.set(zygote);
    Ok(())
}

/// How a compartment is started and limited: `Compartment::new()`, then
/// the limits, then [`run`](Compartment::run) or
/// [`worker`](Compartment::worker).
#[derive(Clone, Debug)]
pub struct Compartment<'h> {
    timeout: Option<Duration>,
    cpu_time: Option<Duration>,
    memory: Option<u64>,
    result_limit: usize,
    handed: Vec<(RawFd, Limits)>,
    _handles: std::marker::PhantomData<&'h ()>,
}

impl Default for Compartment<'static> {
    fn default() -> Self {
        Compartment::new()
    }
}

impl Compartment<'static> {
    /// No limit but the default result limit ([`DEFAULT_RESULT_LIMIT`]),
    /// no handle.
    pub fn new() -> Self {
        Compartment {
            timeout: None,
            cpu_time: None,
            memory: None,
            result_limit: DEFAULT_RESULT_LIMIT,
            handed: Vec::new(),
            _handles: std::marker::PhantomData,
        }
    }
}

impl<'h> Compartment<'h> {
    /// Wall-clock time for one call (a worker's: each call): past it the
    /// child is killed ([`Resource::WallClock`]).
    pub fn timeout(mut self, limit: Duration) -> Self {
        self.timeout = Some(limit);
        self
    }

    /// CPU time of the child process (a worker's: all its calls), rounded
    /// up to whole seconds (`RLIMIT_CPU`, setrlimit(2)): `SIGXCPU` at the
    /// limit, `SIGKILL` a second later ([`Resource::CpuTime`]).
    pub fn cpu_time(mut self, limit: Duration) -> Self {
        self.cpu_time = Some(limit);
        self
    }

    /// Bytes the child may allocate (`RLIMIT_DATA` on Linux: heap and
    /// private writable mappings, the parent's included since the child
    /// starts as its copy; `RLIMIT_AS` on FreeBSD). An allocation past it
    /// fails, Rust's allocator aborts, and the error says
    /// [`Resource::Memory`].
    pub fn memory(mut self, bytes: u64) -> Self {
        self.memory = Some(bytes);
        self
    }

    /// Bytes of encoded result the parent reads at most; past it the child
    /// is killed ([`Resource::ResultSize`]). Default
    /// [`DEFAULT_RESULT_LIMIT`].
    pub fn result_limit(mut self, bytes: usize) -> Self {
        self.result_limit = bytes;
        self
    }

    /// Gives the child `handle`, at its number, with its rights: on
    /// Linux, in a sandboxed program the descriptor keeps the rights the
    /// filter gives its number there (a preopen's declared rights); from
    /// an unsandboxed program the child limits it to the handle's rights
    /// (access mode reopened to the narrowest, rights filter) before it
    /// enters. Through the zygote only handles given to [`prepare`] can
    /// be handed.
    pub fn hand<'a>(mut self, handle: &'a dyn Handle) -> Compartment<'a>
    where
        'h: 'a,
    {
        self.handed.push(handle.handed());
        Compartment {
            timeout: self.timeout,
            cpu_time: self.cpu_time,
            memory: self.memory,
            result_limit: self.result_limit,
            handed: self.handed,
            _handles: std::marker::PhantomData,
        }
    }

    /// Runs `f(input)` in a new sandboxed child and returns its result.
    pub fn run<I, O, E>(&self, f: fn(&I) -> Result<O, E>, input: &I) -> Result<O, CompartmentError>
    where
        I: Message + ?Sized + 'static,
        O: Message<Owned = O> + 'static,
        E: fmt::Display + 'static,
    {
        let mut scratch = Scratch::default();
        input.encode(&mut scratch.input)?;
        let mut peer = self.start(Entry::new(serve::<I, O, E>, f), true)?;
        let result = call::<O>(&mut peer, &mut scratch, self);
        conclude(peer, result, self)
    }

    /// A long-lived worker serving `f`: one child, forked at the first
    /// call, answering every call until it crashes or exceeds a limit;
    /// the call after that starts a new one.
    pub fn worker<I, O, E>(&self, f: fn(&I) -> Result<O, E>) -> Worker<'h, I, O, E>
    where
        I: Message + ?Sized + 'static,
        O: Message<Owned = O> + 'static,
        E: fmt::Display + 'static,
    {
        Worker {
            limits: self.clone(),
            f,
            peer: None,
            spawned: 0,
            scratch: Scratch::default(),
        }
    }

    fn rlimits(&self) -> Rlimits {
        Rlimits {
            cpu_seconds: self
                .cpu_time
                .map(|d| d.as_secs() + u64::from(d.subsec_nanos() > 0)),
            memory: self.memory,
        }
    }

    /// Forks the child here (single-threaded) or through the zygote.
    fn start(&self, entry: Entry, once: bool) -> Result<Peer<'static>, CompartmentError> {
        if single_threaded() == Some(true) {
            let setup = Setup {
                handed: &self.handed,
                rlimits: self.rlimits(),
                enter: enter_child,
            };
            return Peer::direct(&setup, entry, once).map_err(CompartmentError::Spawn);
        }
        let zygote = ZYGOTE.get().ok_or(CompartmentError::Threads)?;
        let mut indexes = Vec::with_capacity(self.handed.len());
        for (fd, _) in &self.handed {
            match zygote.handable.iter().position(|(h, _)| h == fd) {
                Some(i) => indexes.push(i),
                None => return Err(CompartmentError::NotPrepared(*fd)),
            }
        }
        Peer::remote(zygote, entry, once, self.rlimits(), &indexes).map_err(CompartmentError::Spawn)
    }
}

/// Runs `f(input)` in a sandboxed child process and returns its result:
/// `Compartment::new().run(f, input)`.
///
/// `f` is a function pointer (a `fn` or a closure that captures nothing).
/// From a threaded program, call [`prepare`] first.
pub fn compartment<I, O, E>(f: fn(&I) -> Result<O, E>, input: &I) -> Result<O, CompartmentError>
where
    I: Message + ?Sized + 'static,
    O: Message<Owned = O> + 'static,
    E: fmt::Display + 'static,
{
    Compartment::new().run(f, input)
}

/// A long-lived compartment: see [`Compartment::worker`].
pub struct Worker<'h, I: ?Sized, O, E> {
    limits: Compartment<'h>,
    f: fn(&I) -> Result<O, E>,
    peer: Option<Peer<'static>>,
    spawned: u64,
    scratch: Scratch,
}

impl<I: ?Sized, O, E> fmt::Debug for Worker<'_, I, O, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Worker")
            .field("limits", &self.limits)
            .field("running", &self.peer.is_some())
            .field("spawned", &self.spawned)
            .finish()
    }
}

impl<I, O, E> Worker<'_, I, O, E>
where
    I: Message + ?Sized + 'static,
    O: Message<Owned = O> + 'static,
    E: fmt::Display + 'static,
{
    /// Sends `input` to the worker and returns its answer. An error of the
    /// closure ([`CompartmentError::Failed`]) leaves the worker running;
    /// any other error ends it, and the next call starts a new one.
    pub fn call(&mut self, input: &I) -> Result<O, CompartmentError> {
        self.scratch.input.clear();
        input.encode(&mut self.scratch.input)?;
        let mut peer = match self.peer.take() {
            Some(peer) => peer,
            None => {
                let entry = Entry::new(serve::<I, O, E>, self.f);
                let peer = self.limits.start(entry, false)?;
                self.spawned += 1;
                peer
            }
        };
        match call::<O>(&mut peer, &mut self.scratch, &self.limits) {
            Answer::Value(v) => {
                self.peer = Some(peer);
                Ok(v)
            }
            Answer::Failed(text) => {
                self.peer = Some(peer);
                Err(CompartmentError::Failed(text))
            }
            other => conclude(peer, other, &self.limits),
        }
    }

    /// How many child processes this worker has started (1 while the
    /// first one lives).
    pub fn spawned(&self) -> u64 {
        self.spawned
    }
}

/// The end of one call, before the child's status is known.
#[derive(Debug)]
enum Answer<O> {
    Value(O),
    Failed(String),
    Panicked(String),
    /// The child ended without a result; what it said when its setup
    /// failed, if it did.
    NoResult(Option<String>),
    Exceeded(Resource),
    Malformed(DecodeError),
    Io(io::Error),
}

/// Sends `bytes` as frames through `send` (false: stop): every full
/// chunk but the last as `CHUNK`, the rest in the `END` frame with
/// `status`.
fn send_frames(
    bytes: &[u8],
    status: u8,
    frame: &mut Vec<u8>,
    mut send: impl FnMut(&[u8]) -> bool,
) -> bool {
    let mut rest = bytes;
    while rest.len() > CHUNK_BYTES {
        let (head, tail) = rest.split_at(CHUNK_BYTES);
        frame.clear();
        frame.push(CHUNK);
        frame.extend_from_slice(head);
        if !send(frame) {
            return false;
        }
        rest = tail;
    }
    frame.clear();
    frame.extend_from_slice(&[END, status]);
    frame.extend_from_slice(rest);
    send(frame)
}

/// Buffers reused across the calls of a worker.
#[derive(Debug, Default)]
struct Scratch {
    frame: Vec<u8>,
    recv: Vec<u8>,
    input: Vec<u8>,
}

/// Sends `input` (encoded in `scratch.input`) and reads one answer.
fn call<O: Message<Owned = O>>(
    peer: &mut Peer<'_>,
    scratch: &mut Scratch,
    limits: &Compartment<'_>,
) -> Answer<O> {
    let deadline = limits.timeout.map(|t| Instant::now() + t);
    let mut sent = Ok(Sent::Done);
    let Scratch { frame, recv, input } = scratch;
    send_frames(input, OK, frame, |f| {
        sent = peer.send(f, deadline);
        matches!(sent, Ok(Sent::Done))
    });
    match sent {
        Ok(Sent::Done) => {}
        Ok(Sent::TimedOut) => return Answer::Exceeded(Resource::WallClock),
        // It ended: what it said before, if anything, is still to be read.
        Ok(Sent::Gone) => {}
        Err(e) => return Answer::Io(e),
    }
    if recv.len() != CHUNK_BYTES + 3 {
        *recv = vec![0u8; CHUNK_BYTES + 3];
    }
    read_answer(peer, recv, limits.result_limit, deadline)
}

fn read_answer<O: Message<Owned = O>>(
    peer: &mut Peer<'_>,
    buf: &mut [u8],
    result_limit: usize,
    deadline: Option<Instant>,
) -> Answer<O> {
    let mut value = Vec::new();
    let mut setup_failure = None;
    let mut stderr = Stderr::default();
    loop {
        let n = match peer.recv(buf, deadline) {
            Ok(Recv::Message(n)) => n,
            Ok(Recv::Closed) => {
                stderr.flush();
                if stderr.out_of_memory {
                    return Answer::Exceeded(Resource::Memory);
                }
                return Answer::NoResult(setup_failure);
            }
            Ok(Recv::TimedOut) => return Answer::Exceeded(Resource::WallClock),
            Err(e) => return Answer::Io(e),
        };
        let msg = &buf[..n];
        if n == buf.len() {
            return Answer::Malformed(DecodeError::Invalid(format!(
                "a message of more than {} bytes",
                CHUNK_BYTES + 2
            )));
        }
        match msg[0] {
            CHUNK => {
                if value.len() + (n - 1) > result_limit {
                    return Answer::Exceeded(Resource::ResultSize);
                }
                value.extend_from_slice(&msg[1..]);
            }
            END => {
                stderr.flush();
                let text = || {
                    let t = &msg[2.min(n)..];
                    String::from_utf8_lossy(&t[..t.len().min(TEXT_BYTES)]).into_owned()
                };
                return match msg.get(1) {
                    Some(&OK) => {
                        let last = &msg[2.min(n)..];
                        if value.len() + last.len() > result_limit {
                            return Answer::Exceeded(Resource::ResultSize);
                        }
                        let decoded = if value.is_empty() {
                            O::decode(last)
                        } else {
                            value.extend_from_slice(last);
                            O::decode(&value)
                        };
                        match decoded {
                            Ok(v) => Answer::Value(v),
                            Err(e) => Answer::Malformed(e),
                        }
                    }
                    Some(&FAILED) => Answer::Failed(text()),
                    Some(&PANICKED) => Answer::Panicked(text()),
                    Some(&BAD_OUTPUT) => Answer::Failed(text()),
                    Some(&BAD_INPUT) => Answer::Malformed(DecodeError::Invalid(format!(
                        "the compartment could not decode its input: {}",
                        text()
                    ))),
                    _ => Answer::Malformed(DecodeError::Invalid("unknown end of result".into())),
                };
            }
            SETUP_TAG => {
                let t = &msg[1..];
                setup_failure =
                    Some(String::from_utf8_lossy(&t[..t.len().min(TEXT_BYTES)]).into_owned());
            }
            _ => stderr.push(msg),
        }
    }
}

/// What the child printed on stderr: forwarded to ours, bounded, and
/// watched for the Rust allocator's last words.
#[derive(Default)]
struct Stderr {
    forwarded: usize,
    out_of_memory: bool,
    tail: Vec<u8>,
}

impl Stderr {
    fn push(&mut self, text: &[u8]) {
        // std's handle_alloc_error: "memory allocation of N bytes failed".
        self.tail.extend_from_slice(text);
        if self
            .tail
            .windows(b"memory allocation of ".len())
            .any(|w| w == b"memory allocation of ")
        {
            self.out_of_memory = true;
        }
        let keep = self.tail.len().saturating_sub(64);
        self.tail.drain(..keep);
        let room = STDERR_BYTES.saturating_sub(self.forwarded);
        let part = &text[..text.len().min(room)];
        self.forwarded += part.len();
        let _ = io::stderr().write_all(part);
    }

    fn flush(&mut self) {
        let _ = io::stderr().flush();
    }
}

/// Ends the child of an answer that does not keep it and turns the answer
/// and its status into the result.
fn conclude<O>(
    peer: Peer<'_>,
    answer: Answer<O>,
    limits: &Compartment<'_>,
) -> Result<O, CompartmentError> {
    let ended: io::Result<Ended> = peer.finish();
    match answer {
        Answer::Value(v) => Ok(v),
        Answer::Failed(t) => Err(CompartmentError::Failed(t)),
        Answer::Panicked(t) => Err(CompartmentError::Panicked(t)),
        Answer::Exceeded(r) => Err(CompartmentError::Exceeded(r)),
        Answer::Malformed(e) => Err(CompartmentError::Malformed(e)),
        Answer::Io(e) => Err(CompartmentError::Wait(e)),
        Answer::NoResult(setup) => {
            let ended = ended.map_err(CompartmentError::Wait)?;
            Err(why_ended(ended, setup, limits))
        }
    }
}

/// The error of a child that ended without an answer.
fn why_ended(ended: Ended, setup: Option<String>, limits: &Compartment<'_>) -> CompartmentError {
    if let Some(why) = setup {
        return CompartmentError::Sandbox(why);
    }
    let cpu_limit = limits.rlimits().cpu_seconds.map(Duration::from_secs);
    match ended.exit {
        Exit::Signal(libc::SIGXCPU) if cpu_limit.is_some() => {
            CompartmentError::Exceeded(Resource::CpuTime)
        }
        Exit::Signal(libc::SIGKILL) if cpu_limit.is_some_and(|l| ended.cpu >= l) => {
            CompartmentError::Exceeded(Resource::CpuTime)
        }
        Exit::Signal(signal) => CompartmentError::Killed { signal },
        Exit::Code(code) => CompartmentError::Exited(code),
    }
}

/// The entry of a child forked here or by the zygote: enters the sandbox
/// with the handed descriptors limited.
fn enter_child(handed: &[(RawFd, Limits)]) -> Result<(), String> {
    if crate::is_sandboxed() {
        // The sandbox is inherited and cannot be left (cap_enter(2); on
        // Linux the filter and the Landlock domain). The handed
        // descriptors keep their numbers, hence their rights. A domain of
        // its own keeps the child off its parent and siblings.
        return crate::backend::compartment::isolate()
            .map_err(|e| format!("landlock_restrict_self: {e}"));
    }
    let mut backend = crate::backend::Native::with_trace(crate::trace::mode());
    for (fd, limits) in handed {
        backend
            .limit_at(*fd, limits)
            .map_err(|f| format!("handed descriptor {fd}: {}: {}", f.syscall, f.error))?;
    }
    // A fresh entry: its Landlock domain (every scope) is the child's
    // own, its parent outside it.
    crate::steps::run(&Plan::default(), &[], &mut backend)
        .map(drop)
        .map_err(|e| e.to_string())
}

fn panic_message(payload: Box<dyn std::any::Any + Send>) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a non-string panic payload".into())
}

/// The child's side: reads an input, answers, until end of file (a
/// worker) or once.
fn serve<I, O, E>(f: fn(&I) -> Result<O, E>, channel: Channel, once: bool) -> i32
where
    I: Message + ?Sized,
    O: Message<Owned = O>,
    E: fmt::Display,
{
    let mut buf = vec![0u8; CHUNK_BYTES + 3];
    let mut input = Vec::new();
    let mut frame = Vec::with_capacity(CHUNK_BYTES + 2);
    loop {
        input.clear();
        loop {
            match channel.recv(&mut buf, None) {
                Ok(Recv::Message(n)) if n > 0 && buf[0] == CHUNK => {
                    input.extend_from_slice(&buf[1..n])
                }
                Ok(Recv::Message(n)) if n > 1 && buf[0] == END => {
                    input.extend_from_slice(&buf[2..n]);
                    break;
                }
                Ok(Recv::Message(_)) => return 1,
                _ => return 0,
            }
        }
        let (status, payload) = match I::decode(&input) {
            Err(e) => (BAD_INPUT, e.to_string().into_bytes()),
            Ok(owned) => match catch_unwind(AssertUnwindSafe(|| f(owned.borrow()))) {
                Ok(Ok(value)) => {
                    let mut out = Vec::new();
                    match value.encode(&mut out) {
                        Ok(()) => (OK, out),
                        Err(e) => (BAD_OUTPUT, e.to_string().into_bytes()),
                    }
                }
                Ok(Err(e)) => (FAILED, e.to_string().into_bytes()),
                Err(panic) => (PANICKED, panic_message(panic).into_bytes()),
            },
        };
        let payload = if status == OK {
            &payload[..]
        } else {
            &payload[..payload.len().min(TEXT_BYTES)]
        };
        if !send_frames(payload, status, &mut frame, |f| {
            channel.send(f, None).is_ok()
        }) {
            return 1;
        }
        if once {
            return 0;
        }
    }
}
