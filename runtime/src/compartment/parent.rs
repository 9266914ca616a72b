//! The program's side of a call: the input sent as frames, the answer
//! read back (frames, what the child printed on stderr, why its setup
//! failed), and the child's end turned into the result.

use std::io::{self, Write};
use std::time::{Duration, Instant};

use super::frames::{
    send_frames, BAD_INPUT, BAD_OUTPUT, CHUNK, CHUNK_BYTES, END, FAILED, OK, PANICKED,
    STDERR_BYTES, TEXT_BYTES,
};
use super::{Compartment, CompartmentError, DecodeError, Message, Resource};
use crate::backend::compartment::{Ended, Exit, Peer, Recv, Sent, SETUP_TAG};

/// The end of one call, before the child's status is known.
#[derive(Debug)]
pub(super) enum Answer<O> {
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

/// Buffers reused across the calls of a worker.
#[derive(Debug, Default)]
pub(super) struct Scratch {
    frame: Vec<u8>,
    recv: Vec<u8>,
    /// The input, encoded by the caller.
    pub(super) input: Vec<u8>,
}

/// Sends `input` (encoded in `scratch.input`) and reads one answer.
pub(super) fn call<O: Message<Owned = O>>(
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
pub(super) fn conclude<O>(
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
