//! The raw records of denied calls, made inside the signal handler, and
//! the ring of fixed slots they wait in until they are explained outside
//! it. Everything the handler touches here is atomics and plain copies:
//! no lock, no allocation, no system call but the backend's
//! `park`/`unpark` (futex(2), _umtx_op(2)).

use std::cell::UnsafeCell;
use std::sync::atomic::{AtomicU32, AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use crate::backend::imp::{park, unpark};

/// Frames kept per record (the user's code is rarely deeper than this
/// below a denied call).
pub(crate) const MAX_FRAMES: usize = 64;
/// Bytes kept of one argument's memory (a path, a socket address).
pub(crate) const BLOB: usize = 1024;
/// Slots in the ring: records waiting to be explained.
const SLOTS: usize = 64;

/// Memory an argument pointed to, copied by the handler. (FreeBSD's trap
/// carries no arguments: there only the number, error and frames are set.)
#[derive(Clone, Copy, Debug)]
#[allow(dead_code)]
pub(crate) struct Blob {
    /// The argument it came from (`u8::MAX`: unused).
    pub arg: u8,
    /// Bytes copied.
    pub len: u16,
    /// Whether the memory went on past [`BLOB`] bytes (a string with no NUL
    /// within them).
    pub truncated: bool,
    /// Whether the pointer could not be read (the kernel would have said
    /// `EFAULT`).
    pub fault: bool,
    /// The bytes.
    pub bytes: [u8; BLOB],
}

impl Blob {
    const EMPTY: Blob = Blob {
        arg: u8::MAX,
        len: 0,
        truncated: false,
        fault: false,
        bytes: [0; BLOB],
    };

    /// The copied bytes.
    #[allow(dead_code)]
    pub(crate) fn data(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len)]
    }
}

/// What the handler records of one denied call: numbers and copies only.
#[derive(Clone, Copy, Debug)]
#[allow(dead_code)]
pub(crate) struct RawRecord {
    /// The system call number.
    pub nr: u32,
    /// The architecture (`AUDIT_ARCH_*` on Linux, 0 on FreeBSD).
    pub arch: u32,
    /// What the kernel said about the denial (Linux: the filter's data;
    /// FreeBSD: `si_errno`).
    pub data: u32,
    /// The errno the program was answered (0: the call was made and
    /// returned `result`).
    pub errno: u32,
    /// The call's result where it was made anyway (dry-run).
    pub result: i64,
    /// The file type (`S_IFMT` bits) of the descriptor a dry-run open
    /// returned, 0 when none.
    pub opened: u32,
    /// Arguments (registers), when the kernel gives them.
    pub args: [u64; 6],
    /// Memory behind pointer arguments.
    pub mem: [Blob; 2],
    /// Return addresses, innermost first, from the interrupted code on.
    pub frames: [usize; MAX_FRAMES],
    /// How many of `frames` are set.
    pub nframes: usize,
    /// The thread (gettid(2), thr_self(2)).
    pub tid: i64,
}

impl RawRecord {
    /// A record of call `nr`, nothing else known yet.
    pub(crate) const fn new(nr: u32, arch: u32, data: u32) -> RawRecord {
        RawRecord {
            nr,
            arch,
            data,
            errno: 0,
            result: 0,
            opened: 0,
            args: [0; 6],
            mem: [Blob::EMPTY; 2],
            frames: [0; MAX_FRAMES],
            nframes: 0,
            tid: 0,
        }
    }

    /// The memory copied for argument `arg`.
    #[allow(dead_code)]
    pub(crate) fn blob(&self, arg: usize) -> Option<&Blob> {
        self.mem.iter().find(|b| usize::from(b.arg) == arg)
    }

    /// The frames recorded.
    pub(crate) fn frames(&self) -> &[usize] {
        &self.frames[..self.nframes.min(MAX_FRAMES)]
    }
}

const FREE: u32 = 0;
const WRITING: u32 = 1;
const READY: u32 = 2;
const TAKEN: u32 = 3;
/// Explained and printed; the handler that waits frees the slot.
const DONE: u32 = 4;

struct Slot {
    state: AtomicU32,
    /// Whether the handler waits for [`DONE`] (else the reader frees it).
    waited: AtomicU32,
    seq: AtomicU64,
    record: UnsafeCell<RawRecord>,
}

/// The ring: slots claimed by handlers, read by one reader at a time.
pub(crate) struct Ring {
    slots: [Slot; SLOTS],
    next: AtomicUsize,
    seq: AtomicU64,
    /// Bumped on each new record: what the reader parks on.
    pending: AtomicU32,
    /// Records dropped because every slot was taken.
    lost: AtomicU64,
}

// SAFETY: a slot's record is written only by the handler that moved its
// state FREE → WRITING, and read only by the reader that moved it
// READY → TAKEN; the state's acquire/release orders the accesses.
unsafe impl Sync for Ring {}

/// A claimed slot, being written by the handler.
pub(crate) struct Claim {
    index: usize,
}

impl Ring {
    pub(crate) const fn new() -> Ring {
        Ring {
            slots: [const {
                Slot {
                    state: AtomicU32::new(FREE),
                    waited: AtomicU32::new(0),
                    seq: AtomicU64::new(0),
                    record: UnsafeCell::new(RawRecord::new(0, 0, 0)),
                }
            }; SLOTS],
            next: AtomicUsize::new(0),
            seq: AtomicU64::new(0),
            pending: AtomicU32::new(0),
            lost: AtomicU64::new(0),
        }
    }

    /// Claims a free slot (async-signal-safe); `None` when all are taken
    /// (the record is counted as lost).
    pub(crate) fn claim(&self) -> Option<Claim> {
        let start = self.next.fetch_add(1, Ordering::Relaxed);
        for i in 0..SLOTS {
            let index = (start + i) % SLOTS;
            if self.slots[index]
                .state
                .compare_exchange(FREE, WRITING, Ordering::Acquire, Ordering::Relaxed)
                .is_ok()
            {
                return Some(Claim { index });
            }
        }
        self.lost.fetch_add(1, Ordering::Relaxed);
        None
    }

    /// The record of a claimed slot, to fill in.
    #[allow(clippy::mut_from_ref)]
    pub(crate) fn record(&self, claim: &Claim) -> &mut RawRecord {
        // SAFETY: the claim is the only owner of the slot while WRITING.
        unsafe { &mut *self.slots[claim.index].record.get() }
    }

    /// Hands a filled slot to the reader; `wait` says whether the caller
    /// will [`wait_done`](Ring::wait_done) for it.
    pub(crate) fn publish(&self, claim: &Claim, wait: bool) {
        let slot = &self.slots[claim.index];
        slot.waited.store(u32::from(wait), Ordering::Relaxed);
        slot.seq
            .store(self.seq.fetch_add(1, Ordering::Relaxed), Ordering::Relaxed);
        slot.state.store(READY, Ordering::Release);
        self.pending.fetch_add(1, Ordering::Release);
        unpark(&self.pending);
    }

    /// Waits until the reader is done with a published slot, at most
    /// `timeout`, and frees it. `false` on timeout (the slot is then left
    /// to the reader, which frees it when it gets to it).
    pub(crate) fn wait_done(&self, claim: Claim, timeout: Duration) -> bool {
        let slot = &self.slots[claim.index];
        let mut left = timeout;
        loop {
            let state = slot.state.load(Ordering::Acquire);
            if state == DONE {
                slot.state.store(FREE, Ordering::Release);
                return true;
            }
            if left.is_zero() {
                // Not waited for any more: the reader frees it.
                slot.waited.store(0, Ordering::Relaxed);
                if slot
                    .state
                    .compare_exchange(DONE, FREE, Ordering::AcqRel, Ordering::Relaxed)
                    .is_ok()
                {
                    return true;
                }
                return false;
            }
            let step = left.min(Duration::from_millis(50));
            park(&slot.state, state, step);
            left = left.saturating_sub(step);
        }
    }

    /// Takes the oldest ready record (reader side, not in a handler).
    pub(crate) fn take(&self) -> Option<(usize, RawRecord)> {
        let mut best: Option<(usize, u64)> = None;
        for (i, slot) in self.slots.iter().enumerate() {
            if slot.state.load(Ordering::Acquire) == READY {
                let seq = slot.seq.load(Ordering::Relaxed);
                if best.is_none_or(|(_, s)| seq < s) {
                    best = Some((i, seq));
                }
            }
        }
        let (index, _) = best?;
        let slot = &self.slots[index];
        slot.state
            .compare_exchange(READY, TAKEN, Ordering::Acquire, Ordering::Relaxed)
            .ok()?;
        // SAFETY: TAKEN: only this reader touches the record.
        let record = unsafe { *slot.record.get() };
        Some((index, record))
    }

    /// Marks a taken record done: wakes the handler waiting for it, or
    /// frees the slot.
    pub(crate) fn done(&self, index: usize) {
        let slot = &self.slots[index];
        if slot.waited.load(Ordering::Relaxed) != 0 {
            slot.state.store(DONE, Ordering::Release);
            unpark(&slot.state);
            // A handler that gave up meanwhile left the slot to us.
            if slot.waited.load(Ordering::Relaxed) == 0 {
                let _ =
                    slot.state
                        .compare_exchange(DONE, FREE, Ordering::AcqRel, Ordering::Relaxed);
            }
        } else {
            slot.state.store(FREE, Ordering::Release);
        }
    }

    /// Parks the reader until a record is published (or `timeout`).
    pub(crate) fn wait_pending(&self, seen: u32, timeout: Duration) {
        park(&self.pending, seen, timeout);
    }

    /// The publication counter, read before looking for records.
    pub(crate) fn pending(&self) -> u32 {
        self.pending.load(Ordering::Acquire)
    }

    /// Records dropped because the ring was full (dry-run's report; FreeBSD's
    /// dry-run is ktrace's).
    #[allow(dead_code)]
    pub(crate) fn lost(&self) -> u64 {
        self.lost.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_come_out_in_order_and_slots_are_reused() {
        let ring = Ring::new();
        for nr in 0..3 {
            let claim = ring.claim().unwrap();
            *ring.record(&claim) = RawRecord::new(nr, 0, 0);
            ring.publish(&claim, false);
        }
        let mut seen = Vec::new();
        while let Some((i, r)) = ring.take() {
            seen.push(r.nr);
            ring.done(i);
        }
        assert_eq!(seen, [0, 1, 2]);
        for _ in 0..SLOTS {
            let claim = ring.claim().unwrap();
            ring.publish(&claim, false);
        }
        assert!(ring.claim().is_none(), "all taken");
        assert_eq!(ring.lost(), 1);
    }

    #[test]
    fn a_waiting_handler_sees_its_record_done_or_times_out() {
        let ring = Ring::new();
        let claim = ring.claim().unwrap();
        ring.publish(&claim, true);
        let (i, _) = ring.take().unwrap();
        ring.done(i);
        assert!(ring.wait_done(claim, Duration::from_millis(10)));
        let claim = ring.claim().unwrap();
        ring.publish(&claim, true);
        assert!(!ring.wait_done(claim, Duration::from_millis(10)));
        // The reader frees it when it gets to it.
        let (i, _) = ring.take().unwrap();
        ring.done(i);
        assert!(ring.take().is_none());
    }
}
