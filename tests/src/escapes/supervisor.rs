//! Attacks on the supervisor's newest answers (supervise/polled.rs,
//! supervise/walked.rs, `Supervised::OwnProcess`): forms of the calls the
//! supervisor reads otherwise than the kernel does, without a race.

use super::*;
use crate::sys::*;

pub(super) const CASES: &[(&str, Probe)] = &[
    // select(2) reads `nfds` bits of each set, but no more than the
    // caller's descriptor table holds (fs/select.c core_sys_select: `if
    // (n > max_fds) n = max_fds`). A set whose bytes past the table's end
    // are unmapped is read whole by the kernel; a reader that takes all
    // `nfds` bits fails there.
    ("ro_select_unreadable_tail", |f| {
        select_at_mapping_end(f.ro, libc::SYS_select)
    }),
    ("ro_pselect6_unreadable_tail", |f| {
        select_at_mapping_end(f.ro, libc::SYS_pselect6)
    }),
    // Its twin: a pipe holding `event`, through the same set, polled.
    ("pipe_select_unreadable_tail", |_| {
        let [r, w] = pipe()?;
        let written = write_text(w, "x");
        let seen = written.and_then(|_| select_at_mapping_end(r, libc::SYS_select));
        close(r);
        close(w);
        seen
    }),
];

/// select(2) or pselect6 of `fd` for reading, through a set that fills
/// one page followed by an unmapped one (32,768 bits: more than the
/// descriptor table holds), with `nfds` far above it (the kernel reads
/// only the table's width). `Ok` with the count when the call polled `fd`.
fn select_at_mapping_end(fd: RawFd, nr: libc::c_long) -> Attempt {
    const PAGE: usize = 4096;
    let base = sys!(libc::mmap(
        std::ptr::null_mut(),
        2 * PAGE,
        libc::PROT_READ | libc::PROT_WRITE,
        libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
        -1,
        0
    ))?;
    // The second page unmapped: a read of the set past 4,096 bytes faults.
    // SAFETY: the second page of the mapping just made.
    let unmapped = sys!(libc::munmap(base.cast::<u8>().add(PAGE).cast(), PAGE));
    let set = base.cast::<u64>();
    let fd_u = fd as usize;
    let result = unmapped.and_then(|_| {
        if fd_u >= PAGE * 8 {
            return Err(std::io::Error::other(
                "the descriptor lies past one page of bits",
            ));
        }
        // SAFETY: the word holding `fd`'s bit lies in the mapped page.
        unsafe { *set.add(fd_u / 64) |= 1 << (fd_u % 64) };
        let nfds: libc::c_long = 1 << 20;
        let tv = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        let mut tvu = libc::timeval {
            tv_sec: 0,
            tv_usec: 0,
        };
        let n = if nr == libc::SYS_pselect6 {
            sys!(libc::syscall(
                nr,
                nfds,
                set,
                std::ptr::null_mut::<u64>(),
                std::ptr::null_mut::<u64>(),
                &tv,
                std::ptr::null::<u64>()
            ))?
        } else {
            sys!(libc::syscall(
                nr,
                nfds,
                set,
                std::ptr::null_mut::<u64>(),
                std::ptr::null_mut::<u64>(),
                &mut tvu
            ))?
        };
        Ok(format!("{n} ready, the unreadable set's tail never read"))
    });
    // SAFETY: the first page of the mapping made above.
    let _ = sys!(libc::munmap(base, PAGE));
    result
}
