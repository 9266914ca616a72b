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
//! CPU affinity, resource limits and the ptrace family towards them are
//! refused (the Linux table's row 2; capability mode on FreeBSD). Changes
//! of priority and scheduling are the kernel's to judge, as in capability
//! mode (FreeBSD's `p_cansched` lets a process renice any of its user's),
//! and Linux refuses them towards a parent holding capabilities the child
//! dropped (security/commoncap.c `cap_safe_nice`). It dies
//! with the process that forked it, as a pdfork(2) child does (Linux:
//! `PR_SET_PDEATHSIG` with `SIGKILL`, which it cannot clear). On Linux a
//! child that enters the sandbox afresh (its program was not sandboxed)
//! makes no process: fork(2), vfork(2) and clone(2) but of a thread
//! answer `EPERM`, since such a process would keep its channel. Where it
//! can (its program is sandboxed, `dry-run`, FreeBSD), such a process
//! keeps only this compartment's own channel: every compartment gets a new
//! one, those the zygote forks included (the zygote relays between a slot
//! and each child's own channel, and closes that once the child ended), so
//! it reaches no later compartment (README "Compartments", "No processes
//! of its own").
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

mod child;
mod frames;
mod message;
mod parent;

use std::fmt;
use std::io;
use std::os::fd::{AsRawFd, RawFd};
use std::sync::OnceLock;
use std::time::Duration;

pub use message::{DecodeError, EncodeError, Message, MAX_DEPTH};

use child::{enter_child, serve};
use parent::{call, conclude, Answer, Scratch};

use crate::backend::compartment::{single_threaded, Entry, Peer, Rlimits, Setup, Zygote};
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
