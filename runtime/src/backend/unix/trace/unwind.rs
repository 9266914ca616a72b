//! Return addresses of the current thread, from inside a signal handler:
//! `_Unwind_Backtrace` of the unwinder std itself links (libgcc_s), with a
//! callback that only stores numbers. It allocates nothing. It finds each
//! frame's unwind table with `_dl_find_object` (glibc 2.35 and later,
//! documented async-signal-safe, lock-free) where libgcc has it (GCC 12 and
//! later), or `dl_iterate_phdr`; neither lock is ever held across a system
//! call, so a denied call cannot happen while this thread holds one. Its
//! one-time initialization (`init_dwarf_reg_size_table`, a pthread_once) is
//! run before entry by [`warm`].

use std::ffi::{c_int, c_void};

#[allow(non_camel_case_types)]
type _Unwind_Reason_Code = c_int;
const URC_NO_REASON: _Unwind_Reason_Code = 0;
const URC_END_OF_STACK: _Unwind_Reason_Code = 5;

#[allow(non_camel_case_types)]
enum _Unwind_Context {}

extern "C" {
    fn _Unwind_Backtrace(
        trace: extern "C" fn(*mut _Unwind_Context, *mut c_void) -> _Unwind_Reason_Code,
        arg: *mut c_void,
    ) -> _Unwind_Reason_Code;
    fn _Unwind_GetIPInfo(ctx: *mut _Unwind_Context, ip_before_insn: *mut c_int) -> usize;
}

struct Sink<'a> {
    out: &'a mut [usize],
    n: usize,
}

extern "C" fn step(ctx: *mut _Unwind_Context, arg: *mut c_void) -> _Unwind_Reason_Code {
    // SAFETY: `arg` is the `Sink` `capture` passed, alive for the call.
    let sink = unsafe { &mut *arg.cast::<Sink>() };
    let mut before = 0;
    // SAFETY: `ctx` is the unwinder's context for this frame.
    let ip = unsafe { _Unwind_GetIPInfo(ctx, &mut before) };
    if ip == 0 || sink.n == sink.out.len() {
        return URC_END_OF_STACK;
    }
    // A return address points after the call: look the call itself up.
    // A signal frame's address is the interrupted instruction itself.
    sink.out[sink.n] = if before == 0 { ip - 1 } else { ip };
    sink.n += 1;
    URC_NO_REASON
}

/// Fills `out` with the addresses to look up (a call's own address for
/// return addresses), innermost first; returns how many. Async-signal-safe
/// once [`warm`] has run.
pub(crate) fn capture(out: &mut [usize]) -> usize {
    let mut sink = Sink { out, n: 0 };
    // SAFETY: `step` matches the callback's signature and `sink` outlives
    // the call.
    unsafe { _Unwind_Backtrace(step, (&mut sink as *mut Sink).cast()) };
    sink.n
}

/// Runs the unwinder's one-time initialization now, outside any handler.
pub(crate) fn warm() {
    let mut frames = [0; 4];
    capture(&mut frames);
}
