//! One test per row of the "Linux vs Capsicum" table in the runtime docs
//! (runtime/src/backend/linux/mod.rs): each row's mechanism, errno AND
//! documented differences are checked in fresh sandboxed processes
//! (`escape_probe`, entered through the real attribute). When the backend
//! changes a difference, the table and this file change together.
//!
//! The escape suite (tests/tests/escape.rs) holds the backend to Capsicum's
//! promises; this file holds the table to what the backend does.

#![cfg(target_os = "linux")]

use std::path::Path;

use sandboxed_tests::harness::{run_case, Case, Expect, Promise};

use Expect::{Allowed, Denied, DeniedOrRefused, Ordinary, Refused};

const PROBE: &str = env!("CARGO_BIN_EXE_escape_probe");
const EPERM: &[i32] = &[libc::EPERM];
const EACCES: &[i32] = &[libc::EACCES];

/// Runs each `(case, expectation)` with the row's promise; collects every
/// mismatch so one run shows all of a row.
fn row(promise: Promise, cases: &[(&'static str, Expect)]) {
    let cases: Vec<Case> = cases
        .iter()
        .map(|(name, expect)| Case::new(name, promise, *expect))
        .collect();
    row_of(&cases);
}

/// As [`row`], with cases that may change the world (documented
/// differences that work).
fn row_of(cases: &[Case]) {
    let mut failures = Vec::new();
    for case in cases {
        if let Err(why) = run_case(Path::new(PROBE), case) {
            failures.push(format!("{}: {why}", case.name));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// Row 1: seccomp answers `EPERM` for lookups without a descriptor,
/// Landlock `EACCES` beneath the directories and `EXDEV` across them;
/// `openat2` answers `ENOSYS`. Landlock does not mediate
/// `stat`/`access`/`readlink` lookups, `O_PATH` opens nor
/// chmod/chown/utimes: the supervisor walks them beneath the directory as
/// Capsicum does (`..` out: `EACCES`; beneath a directory holding the
/// right: allowed); raw `*at()` opens are walked and made there (beneath
/// a directory with a pool), changes walked there, then made by the caller
/// (`..` into another preopened directory: `EACCES`). Differences: no
/// device node can be made; a thread racing the walk of a call the caller
/// makes reaches by place (escape case `racing_opath_other_preopen`,
/// which only a won race shows, so it is not run here).
#[test]
fn row1_no_global_namespaces() {
    row(
        Promise::Namespaces,
        &[
            ("open_absolute", Denied(EPERM)),
            ("openat_cwd_relative", Denied(EPERM)),
            ("stat_absolute", Denied(EPERM)),
            ("inotify_add_watch_path", Denied(EPERM)),
            ("open_by_handle_at", Denied(EPERM)),
            ("openat_dotdot", Denied(EACCES)),
            ("openat_symlink_out", Denied(EACCES)),
            ("renameat_dotdot", Denied(&[libc::EXDEV, libc::EACCES])),
            ("openat2_absolute", Refused(&[libc::ENOSYS])),
            ("openat_beneath", Allowed),
            ("openat_beneath_enoent", Ordinary(libc::ENOENT)),
            // Walked by the supervisor as Capsicum walks.
            ("fstatat_dotdot", Denied(EACCES)),
            ("readlinkat_dotdot", Denied(EACCES)),
            ("faccessat_dotdot", Denied(EACCES)),
            ("openat_dotdot_opath", Denied(EACCES)),
            ("fchmodat_dotdot", Denied(EACCES)),
            ("utimensat_dotdot", Denied(EACCES)),
            // No device node, whatever the rights.
            ("mknodat_device", Denied(EACCES)),
            // Walked, then made by the caller: never above the starting
            // directory, even into another preopened one.
            ("openat_dotdot_other_preopen", Denied(EACCES)),
            ("racing_open_outside", Denied(EACCES)),
        ],
    );
    // Beneath a directory holding `fchmodat`: the change is made.
    row_of(&[
        Case::new("fchmodat_beneath", Promise::Namespaces, Allowed).changes(&["dir/inside.txt"])
    ]);
}

/// Row 2: `EPERM` for exec, tracing and other processes; signals to
/// ourselves work, from the process and from its children (each child
/// forked after entry and each compartment has a Landlock domain of its
/// own, so its parent and siblings are outside its signal scope). Priority
/// and scheduling of any process the kernel lets the caller schedule, as
/// FreeBSD's p_cansched (a child may renice its parent); affinity only of
/// the calling thread or its process (the supervisor tells them, Linux
/// 6.13); limits and the Linux-only calls (`sched_*attr`, I/O priority,
/// robust lists, CPU-clock timers) only of the caller. Our
/// own children can be signalled through a pidfd from `clone(CLONE_PIDFD)`,
/// like `pdkill`, and reaped through it with `waitid(P_PIDFD)`, like
/// `pdwait`; `wait4`/`waitpid` are refused as in capability mode. Queries
/// (`getsid`, `getpgid`, `getpriority`, `sched_get*`, a process's CPU
/// clock) name any process, as FreeBSD answers them; `sched_getattr`/
/// `prlimit` (reading more) only the caller. Differences: before Linux
/// 6.13 affinity takes the caller only as 0 (FreeBSD: its own id too);
/// `F_SETOWN` towards
/// another process is accepted and its `SIGIO` dropped at delivery.
#[test]
fn row2_no_new_images_no_foreign_processes() {
    row(
        Promise::Processes,
        &[
            ("execve", Denied(EPERM)),
            ("ptrace_attach", Denied(EPERM)),
            ("process_vm_readv", Denied(EPERM)),
            ("pidfd_open_other", Denied(EPERM)),
            ("pidfd_getfd_self", Denied(EPERM)),
            ("kill_other", Denied(EPERM)),
            ("kcmp_other", Denied(EPERM)),
            ("sched_setaffinity_other", Denied(EPERM)),
            ("sched_setaffinity_sibling_thread", Denied(EPERM)),
            ("kill_self", Allowed),
            ("tkill_self", Allowed),
            // FreeBSD's thr_kill(2) finds the caller's threads only:
            // ESRCH where the supervisor tells thread groups.
            ("tkill_other", DeniedOrRefused(EPERM, &[libc::ESRCH])),
            ("pidfd_own_child_signal", Allowed),
            ("pidfd_waitid_child", Allowed),
            ("wait4_child", Denied(EPERM)),
            ("waitid_all", Denied(EPERM)),
            ("compartment_getsid", Allowed),
            ("compartment_sched_getparam", Allowed),
            ("compartment_sched_getattr", Denied(EPERM)),
            // Children against their parent, and the parent unharmed.
            ("fork_child_kill_self", Allowed),
            ("fork_child_kill_parent", Denied(EPERM)),
            ("forked_prlimit", Denied(EPERM)),
            ("forked_sched_setaffinity", Denied(EPERM)),
            ("forked_abort", Allowed),
            ("compartment_kill", Denied(EPERM)),
            ("compartment_kill_own_group", Denied(EPERM)),
            ("compartment_prlimit", Denied(EPERM)),
            ("compartment_sched_setscheduler", Allowed),
            ("compartment_setpriority", Allowed),
            ("setpriority_other", Allowed),
            ("clock_gettime_other_cputime", Allowed),
            ("timer_create_other_cputime", Denied(EPERM)),
            ("caller_only_self", Allowed),
            ("compartment_ptrace", Denied(EPERM)),
            ("compartment_kill_sibling", Denied(EPERM)),
            ("compartment_kill_self", Allowed),
            ("compartment_abort", Allowed),
        ],
    );
    // Affinity by the caller's own ids: the supervisor tells them where
    // the kernel has PIDFD_GET_INFO (Linux 6.13); before, the documented
    // difference (b): only 0.
    if sandboxed_tests::harness::tells_thread_groups() {
        row(Promise::Processes, &[("sched_affinity_own_ids", Allowed)]);
    } else {
        row(
            Promise::Processes,
            &[("sched_affinity_own_ids", Denied(EPERM))],
        );
    }
    // FIOSETOWN is off capability mode's ioctl allowlist (row 4); the
    // victim must survive either way (run_case checks it).
    row(Promise::Processes, &[("sigio_to_victim", Denied(EPERM))]);
    // What seccomp cannot see, Landlock's signal scope (ABI 6) stops: a
    // handed-in pidfd.
    if sandboxed_tests::harness::landlock_abi() >= 6 {
        row(
            Promise::Processes,
            &[("handed_pidfd_signal", Denied(EPERM))],
        );
    } else {
        println!("skipped: Landlock ABI < 6 has no signal scope");
    }
}

/// Row 3: no `connect`/`bind`, `socket` only `AF_UNIX` stream/seqpacket,
/// `sendto`, `sendmsg` and `sendmmsg` only without an address (the
/// supervisor reads their `msg_name`): `EPERM`. `send`/`write` remain.
#[test]
fn row3_no_new_network_endpoints() {
    row(
        Promise::Network,
        &[
            ("tcp_connect", Denied(EPERM)),
            ("tcp_bind", Denied(EPERM)),
            ("udp_sendto", Denied(EPERM)),
            ("netlink_socket", Denied(EPERM)),
            ("socketpair_dgram_sendmsg_name", Denied(EPERM)),
            ("handed_udp_sendto", Denied(EPERM)),
            ("handed_udp_sendmsg_name", Denied(EPERM)),
            ("handed_udp_sendmmsg_name", Denied(EPERM)),
            ("socketpair_sendmsg", Allowed),
            ("socketpair_stream", Allowed),
            ("socketpair_send", Allowed),
            ("handed_tcp_write", Allowed),
        ],
    );
}

/// Row 4: the kernel surface is absent from the allowlist (`EPERM`), the
/// i386 entry fails the architecture check (`EPERM`), `clone3` answers
/// `ENOSYS`. `memfd_create` is allowed; executing one is refused (`EACCES`:
/// only a descriptor holding `fexecve` may be executed, and FreeBSD cannot
/// execute an anonymous shared memory object either). Anonymous memory
/// may be made executable (mprotect(2) judged by the supervisor against
/// the mapping); a memfd made after entry may not (row 5's test).
#[test]
fn row4_no_kernel_surface() {
    row(
        Promise::Kernel,
        &[
            ("io_uring_setup", Denied(EPERM)),
            ("bpf", Denied(EPERM)),
            ("mount_tmpfs", Denied(EPERM)),
            ("unshare_user", Denied(EPERM)),
            ("reboot_bad_magic", Denied(EPERM)),
            ("int80_getpid", Denied(EPERM)),
            ("x32_getpid", Denied(EPERM)),
            ("personality", Denied(EPERM)),
            ("clone3", Refused(&[libc::ENOSYS])),
            ("memfd_create", Allowed),
            ("memfd_execveat", Denied(EACCES)),
            ("anon_mmap_exec", Allowed),
            ("anon_mprotect_exec", Allowed),
            // ioctl only from a fixed allowlist: no interface changes, no
            // filesystem-wide ioctls (FreeBSD's ifioctl refuses the former
            // in capability mode).
            ("socket_ioctl_set_mtu", Denied(EPERM)),
            ("beneath_opened_fithaw", Denied(EPERM)),
        ],
    );
}

/// Row 5: the access mode is reopened to the narrowest (`EBADF` from the
/// kernel), other rights are the filter's (`EACCES`), a dup of a limited
/// descriptor holds its limits (the supervisor places it in a pool of
/// them: `ro_dup`'s copy cannot fstat, as `ro` cannot), dup2 onto an
/// unclassed number is denied, and so is passing one over a unix socket
/// (`sendmsg`: the copy would not be limited; the supervisor refuses it). A file opened beneath a
/// directory holds its rights, the metadata changes included, which the
/// supervisor makes while the file lies beneath a directory holding them
/// (`dir` has `fchmod`, `rodir` not) or is the one it installed at that
/// number (unlinked since, too). A file mapping becomes executable only
/// with `mmap_x` (`mprotect`), a memfd made after entry too (in no class,
/// every right). Differences: a FIFO opened beneath a directory is in no
/// class (`rodir` lacks `fcntl`); a memfd made after entry is not mapped
/// executable by mmap(2).
#[test]
fn row5_per_descriptor_rights() {
    row(
        Promise::Rights,
        &[
            ("narrowed_write", Refused(&[libc::EBADF])),
            ("wo_fallocate", Denied(EACCES)),
            ("ro_splice_offset", Denied(EACCES)),
            ("rw_mprotect_exec", Denied(EACCES)),
            ("rodir_opened_setflags", Denied(EACCES)),
            ("ro_fstat", Denied(EACCES)),
            ("ro_lseek", Denied(EACCES)),
            ("ro_mmap_read", Denied(EACCES)),
            ("rw_ioctl_not_listed", Denied(EACCES)),
            ("rw_fcntl_setfl", Denied(EACCES)),
            ("ro_dup", Denied(EACCES)),
            ("dup2_onto_ro", Denied(EACCES)),
            ("rodir_write", Denied(EACCES)),
            ("rw_seek_fstat", Allowed),
            ("rw_ioctl_listed", Allowed),
            // Passing a limited descriptor (SCM_RIGHTS) would copy it to
            // an unlimited number: the supervisor refuses it.
            ("ro_scm_rights_copy", Denied(EACCES)),
            ("narrowed_scm_rights_copy_write", Denied(EACCES)),
        ],
    );
    row(Promise::Rights, &[("rodir_opened_fchmod", Denied(EACCES))]);
    row_of(&[
        Case::new("beneath_opened_fchmod", Promise::Rights, Allowed).changes(&["dir/inside.txt"])
    ]);
    row(
        Promise::Rights,
        &[
            ("beneath_opened_unlinked_fchmod", Allowed),
            ("memfd_mprotect_exec", Allowed),
        ],
    );
    // The documented differences.
    row(
        Promise::Rights,
        &[
            ("rodir_opened_fifo_setfl", Allowed),
            ("memfd_mmap_exec", Denied(EACCES)),
        ],
    );
}

/// Row 6: threads and children inherit the confinement; entry is refused
/// in a multithreaded process.
#[test]
fn row6_every_thread_and_child() {
    row(
        Promise::Inherited,
        &[
            ("thread_open_absolute", Denied(EPERM)),
            ("fork_child_open_absolute", Denied(EPERM)),
            ("clone_newuser", Denied(EPERM)),
            ("thread_works", Allowed),
            ("fork_child_works", Allowed),
        ],
    );
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_threaded_probe"))
        .output()
        .expect("threaded_probe starts");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(sandboxed::SETUP_FAILURE_EXIT),
        "{stderr}"
    );
    assert!(stderr.contains("thread"), "{stderr}");
    assert!(!String::from_utf8_lossy(&out.stdout).contains("body ran"));
}
