//! Attacks on the supervisor's newest answers (supervise/polled.rs,
//! supervise/walked.rs, `Supervised::OwnProcess`): forms of the calls the
//! supervisor reads otherwise than the kernel does, without a race.

use super::calls::*;
use super::*;
use crate::sys::*;
use std::ffi::CStr;

/// select(2) where the architecture has it (x86_64), else pselect6, which
/// glibc's select(3) calls there.
#[cfg(target_arch = "x86_64")]
const SELECT: libc::c_long = libc::SYS_select;
#[cfg(not(target_arch = "x86_64"))]
const SELECT: libc::c_long = libc::SYS_pselect6;

pub(super) const CASES: &[(&str, Probe)] = &[
    // select(2) reads `nfds` bits of each set, but no more than the
    // caller's descriptor table holds (fs/select.c core_sys_select: `if
    // (n > max_fds) n = max_fds`). A set whose bytes past the table's end
    // are unmapped is read whole by the kernel; a reader that takes all
    // `nfds` bits fails there.
    ("ro_select_unreadable_tail", |f| {
        select_at_mapping_end(f.ro, SELECT)
    }),
    ("ro_pselect6_unreadable_tail", |f| {
        select_at_mapping_end(f.ro, libc::SYS_pselect6)
    }),
    // Its twin: a pipe holding `event`, through the same set, polled.
    ("pipe_select_unreadable_tail", |_| {
        let [r, w] = pipe()?;
        let written = write_text(w, "x");
        let seen = written.and_then(|_| select_at_mapping_end(r, SELECT));
        close(r);
        close(w);
        seen
    }),
    // ppoll(2) checks its timeout before it polls: EINVAL for one out of
    // range, EFAULT for one it cannot read, as FreeBSD's (sys_ppoll,
    // kern_poll_kfds in sys/kern/sys_generic.c) and Linux's
    // (fs/select.c do_sys_ppoll) do, whatever the descriptors.
    ("ro_ppoll_invalid_timeout", |f| {
        let ts = libc::timespec {
            tv_sec: 0,
            tv_nsec: 2_000_000_000,
        };
        ppoll_one(f.ro, &ts)
    }),
    ("ro_ppoll_unreadable_timeout", |f| {
        ppoll_one(f.ro, std::ptr::dangling::<libc::timespec>())
    }),
    // So does pselect6, before it looks at the descriptors (FreeBSD's
    // kern_select checks the timeout before selscan).
    ("ro_pselect6_invalid_timeout", |f| {
        let mut set = vec![0u64; f.ro as usize / 64 + 1];
        set[f.ro as usize / 64] |= 1 << (f.ro as usize % 64);
        let ts = libc::timespec {
            tv_sec: 0,
            tv_nsec: 2_000_000_000,
        };
        let n = sys!(libc::syscall(
            libc::SYS_pselect6,
            f.ro + 1,
            set.as_mut_ptr(),
            std::ptr::null_mut::<u64>(),
            std::ptr::null_mut::<u64>(),
            &ts,
            std::ptr::null::<u64>()
        ))?;
        Ok(format!("{n} ready"))
    }),
    // CPU affinity by id (`Supervised::OwnProcess`): the calling thread
    // or its process alone (cpuset_check_capabilities in
    // sys/kern/kern_cpuset.c), so neither a forked child's parent nor a
    // parent's child.
    ("sched_setaffinity_child_to_parent", |_| {
        // SAFETY: getpid(2) cannot fail; the child names its parent.
        let parent = unsafe { libc::getpid() };
        in_child(move || {
            super::processes::affinity_of(parent).map(|n| format!("pinned the parent ({n} CPUs)"))
        })
    }),
    ("sched_setaffinity_parent_to_child", |_| {
        crate::conformance::processes::with_child(|child| {
            super::processes::affinity_of(child).map(|n| format!("pinned the child ({n} CPUs)"))
        })
    }),
    // Raw calls walked beneath their directory (supervise/walked.rs),
    // through symbolic links the program makes itself, with the flags
    // that change what the last component means.
    ("creat_dangling_link_out", |f| {
        symlink(f.dir, "../outside/made.txt", "dangle")?;
        create_write(f.dir, c"dangle", libc::O_CREAT | libc::O_WRONLY)
    }),
    ("creat_dangling_chain_out", |f| {
        // dir/a -> sub/b -> ../../outside/made.txt: the second link,
        // relative to sub/, leaves dir.
        symlink(f.dir, "sub/b", "a")?;
        symlink(f.dir, "../../outside/made.txt", "sub/b")?;
        create_write(f.dir, c"a", libc::O_CREAT | libc::O_WRONLY)
    }),
    ("creat_dangling_link_absolute", |f| {
        let target = world("outside/made.txt");
        symlink(f.dir, &target.to_string_lossy(), "abs")?;
        create_write(
            f.dir,
            c"abs",
            libc::O_CREAT | libc::O_WRONLY | libc::O_TRUNC,
        )
    }),
    ("creat_through_dir_link_trailing_slash", |f| {
        // dir/out -> ../outside; "out/made.txt" crosses the link.
        symlink(f.dir, "../outside", "out")?;
        create_write(f.dir, c"out//made.txt", libc::O_CREAT | libc::O_WRONLY)
    }),
    ("opendir_link_out_trailing_slash", |f| {
        symlink(f.dir, "../outside", "out")?;
        let fd = openat(f.dir, c"out/", libc::O_RDONLY | libc::O_DIRECTORY)?;
        let seen = stat_at(fd, c"secret.txt", 0);
        close(fd);
        Ok(format!(
            "the outside directory opened; secret.txt: {seen:?}"
        ))
    }),
    // Into another preopened directory, whose place Landlock lets reads
    // through: only the walk refuses (Capsicum: ENOTCAPABLE).
    ("open_through_link_other_preopen", |f| {
        symlink(f.dir, "../rodir", "ro")?;
        open_read(f.dir, c"ro/keep.txt")
    }),
    ("creat_flag_existing_link_other_preopen", |f| {
        // O_CREAT without O_EXCL follows a final link to an existing file
        // and opens it (open(2)): here for reading.
        symlink(f.dir, "../rodir/keep.txt", "keep")?;
        let fd = openat(f.dir, c"keep", libc::O_CREAT | libc::O_RDONLY)?;
        let text = read_text(fd);
        close(fd);
        text
    }),
    ("opath_creat_link_other_preopen", |f| {
        // O_PATH drops O_CREAT (fs/open.c build_open_flags): an O_PATH
        // descriptor of rodir's file, through a link that leaves dir.
        symlink(f.dir, "../rodir/keep.txt", "keep")?;
        let fd = openat(f.dir, c"keep", libc::O_PATH | libc::O_CREAT)?;
        close(fd);
        Ok("an O_PATH descriptor of rodir/keep.txt".into())
    }),
    ("linkat_symlink_follow_out", |f| {
        // A hard link to what escape_link names (outside/secret.txt).
        sys!(libc::linkat(
            f.dir,
            c"escape_link".as_ptr(),
            f.dir,
            c"hard".as_ptr(),
            libc::AT_SYMLINK_FOLLOW
        ))?;
        open_read(f.dir, c"hard")
    }),
    ("linkat_empty_path_flag_with_path_out", |f| {
        // AT_EMPTY_PATH with a path that is not empty: the path is walked.
        sys!(libc::linkat(
            f.dir,
            c"../outside/secret.txt".as_ptr(),
            f.dir,
            c"hard".as_ptr(),
            libc::AT_EMPTY_PATH
        ))?;
        open_read(f.dir, c"hard")
    }),
    ("renameat2_noreplace_through_link_out", |f| {
        symlink(f.dir, "../outside", "out")?;
        sys!(libc::renameat2(
            f.dir,
            c"inside.txt".as_ptr(),
            f.dir,
            c"out/moved.txt".as_ptr(),
            libc::RENAME_NOREPLACE
        ))?;
        Ok("moved out".into())
    }),
    ("renameat2_exchange_through_link_out", |f| {
        symlink(f.dir, "../outside", "out")?;
        sys!(libc::renameat2(
            f.dir,
            c"inside.txt".as_ptr(),
            f.dir,
            c"out/victim.txt".as_ptr(),
            libc::RENAME_EXCHANGE
        ))?;
        Ok("exchanged".into())
    }),
    ("unlinkat_removedir_through_link_out", |f| {
        symlink(f.dir, "../outside", "out")?;
        sys!(libc::unlinkat(
            f.dir,
            c"out/mnt".as_ptr(),
            libc::AT_REMOVEDIR
        ))?;
        Ok("removed outside/mnt".into())
    }),
    ("unlinkat_through_link_out", |f| {
        symlink(f.dir, "../outside", "out")?;
        sys!(libc::unlinkat(f.dir, c"out/victim.txt".as_ptr(), 0))?;
        Ok("unlinked outside/victim.txt".into())
    }),
    ("symlinkat_through_link_out", |f| {
        symlink(f.dir, "../outside", "out")?;
        symlink(f.dir, "planted", "out/planted")?;
        Ok("planted a link outside".into())
    }),
    ("mknodat_fifo_through_link_out", |f| {
        symlink(f.dir, "../outside", "out")?;
        sys!(libc::mknodat(
            f.dir,
            c"out/fifo".as_ptr(),
            libc::S_IFIFO | 0o600,
            0
        ))?;
        Ok("made a FIFO outside".into())
    }),
];

/// ppoll(2) of `fd` for reading with timeout `ts` and no signal mask.
fn ppoll_one(fd: RawFd, ts: *const libc::timespec) -> Attempt {
    let mut p = libc::pollfd {
        fd,
        events: libc::POLLIN,
        revents: 0,
    };
    let n = sys!(libc::syscall(
        libc::SYS_ppoll,
        &mut p,
        1,
        ts,
        std::ptr::null::<libc::sigset_t>(),
        8
    ))?;
    Ok(format!("{n} ready, revents {:#x}", p.revents))
}

/// symlinkat(2): `name` beneath `dir`, holding `target`.
fn symlink(dir: RawFd, target: &str, name: &str) -> std::io::Result<()> {
    sys!(libc::symlinkat(c(target).as_ptr(), dir, c(name).as_ptr())).map(drop)
}

/// Opens `path` beneath `dir` with `flags` (creating) and writes to it.
fn create_write(dir: RawFd, path: &CStr, flags: i32) -> Attempt {
    let fd = openat(dir, path, flags)?;
    let written = write_text(fd, "escaped");
    close(fd);
    written
}

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
