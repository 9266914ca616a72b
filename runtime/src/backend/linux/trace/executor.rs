//! Dry-run's executor: one unfiltered thread making the calls the
//! filtered threads are denied, one at a time, so that they really happen
//! (the `SIGSYS` handler hands each over with futex(2) and waits).

use std::io;
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicI64, AtomicU32, AtomicU64, Ordering};

use crate::backend::unix::write_stderr;
use crate::trace as report;

use super::super::confine::ConfineError;

static LOCK: AtomicBool = AtomicBool::new(false);
/// 0: idle, 1: a request is posted, 2: its result is ready.
static PHASE: AtomicU32 = AtomicU32::new(0);
static REQUEST: [AtomicU64; 7] = [const { AtomicU64::new(0) }; 7];
static RESULT: AtomicI64 = AtomicI64::new(0);
/// The process whose executor thread runs.
pub(super) static EXECUTOR_PID: AtomicI32 = AtomicI32::new(0);

fn futex_wait(word: &AtomicU32, expected: u32) {
    // SAFETY: FUTEX_WAIT on a live atomic; spurious wakeups are handled by
    // the callers' loops.
    unsafe {
        libc::syscall(
            libc::SYS_futex,
            word.as_ptr(),
            libc::FUTEX_WAIT | libc::FUTEX_PRIVATE_FLAG,
            expected,
            std::ptr::null::<libc::timespec>(),
        );
    }
}

fn futex_wake(word: &AtomicU32) {
    // SAFETY: FUTEX_WAKE on a live atomic.
    unsafe {
        libc::syscall(
            libc::SYS_futex,
            word.as_ptr(),
            libc::FUTEX_WAKE | libc::FUTEX_PRIVATE_FLAG,
            i32::MAX,
        );
    }
}

pub(super) fn start() -> Result<(), ConfineError> {
    // SAFETY: getpid(2) cannot fail.
    EXECUTOR_PID.store(unsafe { libc::getpid() }, Ordering::Relaxed);
    std::thread::Builder::new()
        .name("sandboxed-dry-run".into())
        .spawn(|| loop {
            let phase = PHASE.load(Ordering::Acquire);
            if phase != 1 {
                futex_wait(&PHASE, phase);
                continue;
            }
            let r: Vec<u64> = REQUEST.iter().map(|a| a.load(Ordering::Relaxed)).collect();
            // SAFETY: the call a filtered thread was about to make, with its
            // own arguments, in the same address space.
            let ret = unsafe { libc::syscall(r[0] as i64, r[1], r[2], r[3], r[4], r[5], r[6]) };
            let ret = if ret == -1 {
                -(io::Error::last_os_error()
                    .raw_os_error()
                    .unwrap_or(libc::EIO) as i64)
            } else {
                ret
            };
            RESULT.store(ret, Ordering::Relaxed);
            PHASE.store(2, Ordering::Release);
            futex_wake(&PHASE);
        })
        .map(drop)
        .map_err(|e| ConfineError::Os("pthread_create", e))
}

/// Has the executor make call `nr`; its raw result (`-errno` on failure).
pub(super) fn forward(nr: i64, args: &[u64; 6]) -> i64 {
    while LOCK
        .compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed)
        .is_err()
    {
        std::thread::yield_now();
    }
    REQUEST[0].store(nr as u64, Ordering::Relaxed);
    for (slot, a) in REQUEST[1..].iter().zip(args) {
        slot.store(*a, Ordering::Relaxed);
    }
    PHASE.store(1, Ordering::Release);
    futex_wake(&PHASE);
    loop {
        let phase = PHASE.load(Ordering::Acquire);
        if phase == 2 {
            break;
        }
        futex_wait(&PHASE, phase);
    }
    let ret = RESULT.load(Ordering::Relaxed);
    PHASE.store(0, Ordering::Release);
    LOCK.store(false, Ordering::Release);
    ret
}

pub(super) extern "C" fn print_report() {
    write_stderr(&report::report());
}
