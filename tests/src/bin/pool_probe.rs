//! Numbers of descriptors limited after entry (`limits(...)`, a pool of
//! numbers per set) stay occupied once those descriptors are closed: by
//! dropping the handle, by a raw close(2) or close_range(2) (up to ~0U, over
//! the placeholders' source too), by a `SIGSYS` the program forges with
//! close(2) in it. No descriptor
//! made after entry lands on one (open(2) until `EMFILE`, dup(2),
//! `F_DUPFD` with a minimum inside the pool), so a fresh descriptor keeps
//! every right a fresh descriptor has; a raw close(2) of a pooled
//! descriptor answers 0 and really closes its open file description. Prints
//! `case NAME PASS` per case (`PASS` `1` when the guarantee held). Run by
//! tests/tests/pools.rs, enforced and in dry-run (the control, where the
//! closed numbers are free and most cases fail).
//!
//! argv: `pool_probe` (the cases), `pool_probe blocked` (a close with
//! `SIGSYS` blocked).

#[cfg(all(target_os = "linux", target_arch = "x86_64"))]
mod linux {
    use std::os::fd::{AsRawFd, IntoRawFd, OwnedFd, RawFd};

    use sandboxed::rights::limit;
    use sandboxed::sandboxed;

    fn line(name: &str, pass: bool) {
        println!("case {name} {}", u8::from(pass));
    }

    fn memfd() -> Option<OwnedFd> {
        rustix::fs::memfd_create("pool", rustix::fs::MemfdFlags::CLOEXEC).ok()
    }

    fn open(fd: RawFd) -> bool {
        // SAFETY: F_GETFD takes a number only.
        unsafe { libc::fcntl(fd, libc::F_GETFD) >= 0 }
    }

    /// Fills the pool of `Four` (its `max` numbers) with fresh memfds:
    /// their numbers (in the control run, where nothing is reserved, the
    /// numbers they had).
    fn fill() -> Vec<sandboxed::rights::Limited<Four>> {
        (0..4)
            .map(|_| limit::<Four>(memfd().expect("memfd")).expect("limit"))
            .collect()
    }

    /// `pool_probe blocked`: with `SIGSYS` blocked, a close of a pooled
    /// descriptor cannot be emulated: the kernel kills the process with
    /// `SIGSYS` (kernel/signal.c `force_sig_info_to_task`) rather than
    /// free the number. Prints `survived` if the close returns.
    fn blocked() {
        let fd = limit::<Four>(memfd().expect("memfd"))
            .expect("limit")
            .into_fd()
            .into_raw_fd();
        // SAFETY: a sigset with SIGSYS, blocked on this thread; close(2)
        // of a number this code owns.
        unsafe {
            let mut set: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut set);
            libc::sigaddset(&mut set, libc::SIGSYS);
            libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
            libc::close(fd);
        }
        println!("survived: {}", open(fd));
    }

    #[sandboxed(rights(stdio), limits(Four = ([read, write, fstat], max = 4)))]
    pub fn main() {
        if std::env::args().nth(1).as_deref() == Some("blocked") {
            return blocked();
        }
        // Made first: its numbers are none of the pool's, in the control
        // run too.
        let own_pipe = rustix::pipe::pipe().expect("pipe");
        // Closed by dropping the handles, by close(2), by close_range(2).
        let mut held = fill();
        let numbers: Vec<RawFd> = held.iter().map(AsRawFd::as_raw_fd).collect();
        let raw_close = held.pop().expect("four").into_fd().into_raw_fd();
        let ranged = held.pop().expect("four").into_fd().into_raw_fd();
        drop(held);
        line(
            "drop_keeps_the_numbers_occupied",
            numbers[..2].iter().all(|&n| open(n)),
        );
        // SAFETY: close(2) of a number this code owns.
        let r = unsafe { libc::close(raw_close) };
        line("raw_close_answers_0", r == 0);
        line("raw_close_keeps_the_number_occupied", open(raw_close));
        // An unclassed descriptor just above and below in one range: those
        // are closed for real.
        let m = memfd().expect("memfd");
        let min = *numbers.iter().min().expect("four");
        // SAFETY: fcntl(2) with numbers: a copy just below the pool.
        let below = unsafe { libc::fcntl(m.as_raw_fd(), libc::F_DUPFD_CLOEXEC, min - 1) };
        drop(m);
        // In the control run nothing is reserved and the numbers between
        // are the probe's own: there the range is the one number.
        let control = std::env::var_os("SANDBOXED_TRACE").is_some_and(|v| v == "dry-run");
        let (lo, hi) = match control {
            true => (ranged, ranged),
            false => (below.min(ranged), below.max(ranged)),
        };
        // SAFETY: close_range(2) of numbers this code owns (the copy and
        // the pooled descriptor) and of what lies between (pool numbers).
        let r = unsafe { libc::syscall(libc::SYS_close_range, lo, hi, 0) };
        line("close_range_answers_0", r == 0);
        line(
            "close_range_keeps_the_pool_number_occupied",
            open(ranged) && !open(below),
        );
        // SAFETY: as above, with CLOSE_RANGE_CLOEXEC (marks only).
        let r = unsafe {
            libc::syscall(
                libc::SYS_close_range,
                ranged,
                ranged,
                libc::CLOSE_RANGE_CLOEXEC,
            )
        };
        line("close_range_cloexec_answers_0", r == 0 && open(ranged));
        // SAFETY: as above, unsharing the table first.
        let r = unsafe {
            libc::syscall(
                libc::SYS_close_range,
                ranged,
                ranged,
                libc::CLOSE_RANGE_UNSHARE,
            )
        };
        line(
            "close_range_unshare_keeps_the_number_occupied",
            r == 0 && open(ranged),
        );

        // F_DUPFD with a minimum inside the pool: not onto a pool number.
        let fresh = memfd().expect("memfd");
        // SAFETY: fcntl(2) with numbers.
        let d = unsafe { libc::fcntl(fresh.as_raw_fd(), libc::F_DUPFD_CLOEXEC, min) };
        line("f_dupfd_lands_on_no_pool_number", !numbers.contains(&d));
        // open(2) until EMFILE: never onto a pool number; the last fresh
        // descriptor keeps a fresh descriptor's rights (fstat, lseek).
        let mut kept = Vec::new();
        let mut landed = false;
        let mut last = None;
        while let Some(fd) = memfd() {
            landed |= numbers.contains(&fd.as_raw_fd());
            last = Some(fd.as_raw_fd());
            kept.push(fd);
            if landed || kept.len() > 30_000 {
                break;
            }
        }
        line("open_until_emfile_lands_on_no_pool_number", !landed);
        let last = last.expect("one memfd");
        let mut st = std::mem::MaybeUninit::<libc::stat>::uninit();
        // SAFETY: fstat(2) into a valid buffer; lseek(2) with a number.
        let rights = unsafe {
            libc::fstat(last, st.as_mut_ptr()) == 0 && libc::lseek(last, 0, libc::SEEK_END) == 0
        };
        line("the_last_fresh_descriptor_has_its_rights", rights);
        // dup(2) when full: EMFILE, not a pool number.
        // SAFETY: dup(2) of a descriptor held.
        let d = unsafe { libc::dup(fresh.as_raw_fd()) };
        line(
            "dup_when_full_lands_on_no_pool_number",
            !numbers.contains(&d),
        );
        drop(kept);

        // The four numbers are free again for limiting.
        let again = fill();
        let mut renumbered: Vec<RawFd> = again.iter().map(AsRawFd::as_raw_fd).collect();
        let mut before = numbers.clone();
        renumbered.sort_unstable();
        before.sort_unstable();
        line(
            "the_closed_numbers_take_limited_descriptors_again",
            renumbered == before,
        );
        drop(again);

        // A descriptor the program moves onto a pool number itself
        // (explicit narrowing: dup3(2) of an unlimited descriptor) stays
        // there: limiting takes only the other numbers, then EMFILE.
        if control {
            // Nothing is reserved: the number may hold one of the probe's
            // own descriptors by now.
            line(
                "limiting_leaves_a_descriptor_the_program_put_on_a_pool_number",
                false,
            );
        } else {
            let (rd, wr) = own_pipe;
            let own = numbers[0];
            // SAFETY: dup3 onto a pool number that holds a placeholder.
            let moved = unsafe { libc::dup3(wr.as_raw_fd(), own, libc::O_CLOEXEC) } == own;
            drop(wr);
            let others: Vec<_> = (0..3)
                .filter_map(|_| limit::<Four>(memfd()?).ok())
                .collect();
            let fourth = limit::<Four>(memfd().expect("memfd"));
            let refused =
                fourth.as_ref().err().and_then(std::io::Error::raw_os_error) == Some(libc::EMFILE);
            // SAFETY: write(2) of one byte through the program's own number.
            let wrote = unsafe { libc::write(own, b"k".as_ptr().cast(), 1) } == 1;
            let mut got = [0u8; 1];
            // SAFETY: read(2) into a one-byte buffer.
            let read = unsafe { libc::read(rd.as_raw_fd(), got.as_mut_ptr().cast(), 1) } == 1;
            line(
                "limiting_leaves_a_descriptor_the_program_put_on_a_pool_number",
                moved && others.len() == 3 && refused && wrote && read && got == *b"k",
            );
            drop((others, fourth));
            // SAFETY: close(2) of the program's own number.
            unsafe { libc::close(own) };
        }

        // A raw close of a pooled pipe end closes its open file
        // description: the peer sees EOF at once.
        let (rd, wr) = rustix::pipe::pipe().expect("pipe");
        let wr = limit::<Four>(wr).expect("limit").into_fd().into_raw_fd();
        // SAFETY: close(2) of a number this code owns.
        let r = unsafe { libc::close(wr) };
        let mut pfd = libc::pollfd {
            fd: rd.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one valid pollfd; 2 s at most.
        let ready = unsafe { libc::poll(&mut pfd, 1, 2000) };
        line(
            "raw_close_closes_the_open_file_description",
            r == 0 && ready == 1 && pfd.revents & libc::POLLHUP != 0,
        );

        // A SIGSYS the program forges: rt_tgsigqueueinfo(2) to its own
        // thread may carry any si_code, SYS_SECCOMP included, and name
        // close(2); queued while SIGSYS is blocked, it is delivered as
        // pselect6(2) with `nfds` a pooled number opens the mask, so the
        // call's first argument register names that number. The handler
        // acts as for a trapped close: the number keeps the placeholder.
        let (rd, wr) = rustix::pipe::pipe().expect("pipe");
        let n = limit::<Four>(rd).expect("limit").into_fd().into_raw_fd();
        // SAFETY: sigsets and a siginfo on the stack (a zeroed siginfo is
        // valid; a seccomp SIGSYS's fields at their x86_64 offsets,
        // include/uapi/asm-generic/siginfo.h); pselect6(2) with no sets,
        // no timeout and a mask that lets the queued SIGSYS in.
        let forged = unsafe {
            let mut sys: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut sys);
            libc::sigaddset(&mut sys, libc::SIGSYS);
            libc::pthread_sigmask(libc::SIG_BLOCK, &sys, std::ptr::null_mut());
            let mut info: libc::siginfo_t = std::mem::zeroed();
            let p = (&raw mut info).cast::<u8>();
            *p.cast::<i32>() = libc::SIGSYS;
            *p.add(8).cast::<i32>() = 1; // SYS_SECCOMP
            *p.add(24).cast::<i32>() = libc::SYS_close as i32;
            *p.add(28).cast::<u32>() = 0xc000_003e; // AUDIT_ARCH_X86_64
            let sent = libc::syscall(
                libc::SYS_rt_tgsigqueueinfo,
                libc::getpid(),
                libc::gettid(),
                libc::SIGSYS,
                &raw const info,
            ) == 0;
            let mut none: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut none);
            let mask: [usize; 2] = [(&raw const none) as usize, 8];
            let null = std::ptr::null::<u8>();
            libc::syscall(
                libc::SYS_pselect6,
                n,
                null,
                null,
                null,
                null,
                &raw const mask,
            );
            libc::pthread_sigmask(libc::SIG_UNBLOCK, &sys, std::ptr::null_mut());
            sent
        };
        // The handler did act: the pipe's read end is closed (its writer
        // sees POLLERR); the trace's handler emulates only what its filter
        // marked, and reports the forged call as a denial instead.
        let mut pfd = libc::pollfd {
            fd: wr.as_raw_fd(),
            events: libc::POLLOUT,
            revents: 0,
        };
        // SAFETY: one valid pollfd; no wait.
        let acted = unsafe { libc::poll(&mut pfd, 1, 0) } == 1 && pfd.revents & libc::POLLERR != 0;
        line(
            "a_forged_sigsys_frees_no_pool_number",
            forged
                && (acted || std::env::var_os("SANDBOXED_TRACE").is_some_and(|v| v == "1"))
                && open(n),
        );

        // The SIGSYS action is the sandbox's: it may be read, not changed.
        // SAFETY: a zeroed sigaction is valid; the query writes into `old`.
        let (query, change) = unsafe {
            let mut old: libc::sigaction = std::mem::zeroed();
            let query = libc::sigaction(libc::SIGSYS, std::ptr::null(), &mut old) == 0;
            let mut sa: libc::sigaction = std::mem::zeroed();
            sa.sa_sigaction = libc::SIG_IGN;
            let change = libc::sigaction(libc::SIGSYS, &sa, std::ptr::null_mut());
            (query, change)
        };
        line(
            "sigsys_action_cannot_be_changed",
            query
                && change == -1
                && std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM),
        );

        // close_range(2) up to ~0U from above stdio: everything else is
        // closed, the pools and the placeholders' source (the highest
        // number, in the block) are kept.
        let top = (0..1 << 17).rev().find(|&n| open(n)).expect("a descriptor");
        // SAFETY: close_range(2) of this probe's own numbers.
        let r = unsafe { libc::syscall(libc::SYS_close_range, 3, u32::MAX, 0) };
        line(
            "close_range_to_the_top_keeps_the_pools_and_the_source",
            r == 0 && numbers.iter().all(|&n| open(n)) && open(top),
        );
        // The handles of the descriptors it closed are not dropped.
        std::process::exit(0);
    }
}

#[cfg(all(target_os = "linux", target_arch = "x86_64"))]
fn main() {
    linux::main()
}

#[cfg(not(all(target_os = "linux", target_arch = "x86_64")))]
fn main() {
    println!("skipped: the Linux backend's descriptor numbers");
}
