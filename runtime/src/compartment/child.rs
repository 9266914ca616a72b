//! The child's side: it enters the sandbox, then answers calls until its
//! channel closes (a worker) or once.

use std::borrow::Borrow;
use std::fmt;
use std::os::fd::RawFd;
use std::panic::{catch_unwind, AssertUnwindSafe};

use super::frames::{
    send_frames, BAD_INPUT, BAD_OUTPUT, CHUNK, CHUNK_BYTES, END, FAILED, OK, PANICKED, TEXT_BYTES,
};
use super::Message;
use crate::backend::compartment::{Channel, Recv};
use crate::decl::Plan;
use crate::rights::Limits;

/// The entry of a child forked here or by the zygote: enters the sandbox
/// with the handed descriptors limited.
pub(super) fn enter_child(handed: &[(RawFd, Limits)]) -> Result<(), String> {
    // No process of its own: one would keep the channel (README
    // "Compartments", Lifetime). Before entry, where it can be had (the
    // sandbox refuses seccomp(2)); elsewhere the parent watches the
    // child's process descriptor instead (`children_forkless`).
    crate::backend::compartment::forbid_forks().map_err(|e| format!("seccomp: {e}"))?;
    enter_sandbox(handed)
}

/// Enters the sandbox, or a domain of its own inside the inherited one.
fn enter_sandbox(handed: &[(RawFd, Limits)]) -> Result<(), String> {
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
pub(super) fn serve<I, O, E>(f: fn(&I) -> Result<O, E>, channel: Channel, once: bool) -> i32
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
