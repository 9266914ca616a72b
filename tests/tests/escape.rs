//! The escape suite: every promise of the Linux backend, attacked from a
//! fresh sandboxed process per case (`escape_probe`, entered through the
//! real `#[sandboxed]` attribute), each denial with its positive twin.
//! The runner itself never enters a sandbox. `harness = false`: the output
//! is libtest-like, one line per case; arguments filter by substring
//! (`cargo test -p sandboxed-tests --test escape -- p3_network`).
//!
//! Each case asserts the errno the runtime docs' Linux table documents,
//! that `sandboxed::is_violation` agrees, and that nothing changed outside
//! (files, modes, owners, times, xattrs, mounts, connections, the victim).
//!
//! `p7_reported` holds faults found in the backend, each whole kind: device
//! nodes, directories derived from a preopen, the walk and rights held
//! alone as conformance cases (`conformance_probe`, Capsicum's answers),
//! then the `fileargs` rights, `net` hosts and `fileargs` mode scenarios
//! (`service_probe`).

#![cfg_attr(not(target_os = "linux"), allow(unused))]

#[cfg(not(target_os = "linux"))]
fn main() {
    println!("skipped: the escape suite attacks the Linux backend");
}

#[cfg(target_os = "linux")]
use linux::main;

#[cfg(target_os = "linux")]
mod linux {
    use std::io::Read;
    use std::path::{Path, PathBuf};

    use sandboxed_tests::conformance::{cases, run};
    use sandboxed_tests::harness::{self, differences, Case, Expect, Promise, Report, World};

    use Expect::{Allowed, Denied, DeniedOrRefused, Fails, Ordinary, Panics, Refused};
    use Promise::{Inherited, Kernel, Namespaces, Narrowing, Network, Processes, Rights};

    /// Not allowed in capability mode (seccomp; Capsicum's `ECAPMODE`).
    const MODE: &[i32] = &[libc::EPERM];
    /// A descriptor's rights do not include it (seccomp per-descriptor rules
    /// and Landlock; Capsicum's `ENOTCAPABLE`).
    const NOTCAP: &[i32] = &[libc::EACCES];
    /// tkill(2) of a thread outside the caller's process, where the
    /// supervisor tells thread groups: FreeBSD's thr_kill(2) finds the
    /// caller's own threads only (sys/kern/kern_thr.c); without it,
    /// Landlock's signal scope answers `EPERM`.
    const NO_SUCH_THREAD: &[i32] = &[libc::ESRCH];
    /// Landlock: the path is not beneath a preopened directory.
    const BENEATH: &[i32] = &[libc::EACCES];
    /// Path forms of metadata changes (`fchmodat`, `fchownat`, `utimensat`
    /// with a path) that leave the directory: Landlock does not mediate
    /// them; the supervisor walks them as Capsicum does and refuses what
    /// leaves (`ENOTCAPABLE` there).
    const NOPATH: &[i32] = &[libc::EACCES];
    /// Landlock on rename/link: a move across rule boundaries is `EXDEV`.
    const REFER: &[i32] = &[libc::EXDEV, libc::EACCES];
    /// Landlock refusing to link a file from beneath no rule into a
    /// preopened directory: its source hierarchy restricts less than the
    /// destination, so the reparenting check answers `EXDEV` (Linux
    /// commit b91c3e4ea756, "landlock: Add support for file reparenting
    /// with LANDLOCK_ACCESS_FS_REFER"; security/landlock/fs.c). Nothing is
    /// linked, but `is_violation` does not report it (Capsicum:
    /// `ENOTCAPABLE`).
    const REFER_XDEV: &[i32] = &[libc::EXDEV];
    /// Calls whose arguments seccomp cannot read (`openat2`, `clone3`):
    /// `ENOSYS`, so libc falls back to the checkable form.
    const COMPAT: &[i32] = &[libc::ENOSYS];
    /// The kernel's own answer for the narrowed access mode (reopened
    /// `O_RDONLY` / `O_WRONLY` before entry): read/write rules are left out
    /// of the filter where the mode already denies, so the calls stay in
    /// the kernel's action cache. Not reported by `is_violation` (an EBADF
    /// cannot be told from a closed descriptor).
    const ACCMODE: &[i32] = &[libc::EBADF];

    fn xattrs_unsupported() -> Option<String> {
        // One file per call: the cases run in parallel, and one removing
        // another's file would skip it.
        static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("sandboxed-xattr-{}-{n}", std::process::id()));
        std::fs::write(&path, "x").ok()?;
        let c = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).ok()?;
        // SAFETY: live C strings and a live 1-byte value.
        let r =
            unsafe { libc::setxattr(c.as_ptr(), c"user.t".as_ptr(), c"1".as_ptr().cast(), 1, 0) };
        let err = std::io::Error::last_os_error();
        let _ = std::fs::remove_file(&path);
        (r != 0).then(|| format!("the temp directory's filesystem has no user xattrs ({err})"))
    }

    fn no_landlock_scoping() -> Option<String> {
        (harness::landlock_abi() < 6)
            .then(|| "Landlock ABI < 6 cannot scope abstract unix sockets".to_owned())
    }

    fn no_own_signals() -> Option<String> {
        (!harness::tells_thread_groups()).then(|| {
            "no PIDFD_GET_INFO (Linux 6.13): signals keep to Landlock's signal scope".to_owned()
        })
    }

    fn handed_peer_got_text(w: &mut World, _: &Report) -> Result<(), String> {
        harness::peer_received(&mut w.handed_peer, "through the handed socket")
    }

    fn waiting_client_accepted(w: &mut World, _: &Report) -> Result<(), String> {
        harness::peer_received(&mut w.waiting_client, "accepted")
    }

    fn created_beneath(w: &mut World, _: &Report) -> Result<(), String> {
        match std::fs::read_to_string(w.path("dir/created.txt")) {
            Ok(text) if text == "created" => Ok(()),
            other => Err(format!("dir/created.txt: {other:?}")),
        }
    }

    fn mkdir_beneath(w: &mut World, _: &Report) -> Result<(), String> {
        w.path("dir/newdir")
            .is_dir()
            .then_some(())
            .ok_or_else(|| "dir/newdir was not created".into())
    }

    fn renamed_beneath(w: &mut World, _: &Report) -> Result<(), String> {
        (w.path("dir/sub/moved.txt").is_file() && !w.path("dir/inside.txt").exists())
            .then_some(())
            .ok_or_else(|| "dir/inside.txt was not moved to dir/sub/moved.txt".into())
    }

    fn wo_written(w: &mut World, _: &Report) -> Result<(), String> {
        let text = std::fs::read_to_string(w.path("wo.txt")).map_err(|e| e.to_string())?;
        text.starts_with("written")
            .then_some(())
            .ok_or_else(|| format!("wo.txt holds {text:?}"))
    }

    /// `setpriority_other` set the victim's nice value to 5.
    fn victim_reniced(w: &mut World, _: &Report) -> Result<(), String> {
        // SAFETY: errno location is thread-local and always valid.
        unsafe { *libc::__errno_location() = 0 };
        // SAFETY: integers only.
        let nice = unsafe { libc::getpriority(libc::PRIO_PROCESS, w.victim.id()) };
        (nice == 5)
            .then_some(())
            .ok_or_else(|| format!("the victim's nice value is {nice}, not 5"))
    }

    fn stdout_seen(_: &mut World, r: &Report) -> Result<(), String> {
        r.stdout
            .contains("stdout works")
            .then_some(())
            .ok_or_else(|| format!("stdout: {:?}", r.stdout))
    }

    fn no_stray(_: &mut World, r: &Report) -> Result<(), String> {
        match r.answer()? {
            harness::Answer::Ok(detail) if detail == "none" => Ok(()),
            other => Err(format!("{other:?}")),
        }
    }

    fn stdin_peer_silent(w: &mut World, _: &Report) -> Result<(), String> {
        let mut buf = [0u8; 16];
        match w.stdin_peer.read(&mut buf) {
            Ok(n) if n > 0 => Err(format!("{n} bytes arrived through stdin")),
            _ => Ok(()),
        }
    }

    /// Every case. Names are the probe's (`sandboxed_tests::escapes::all()`).
    const CASES: &[Case] = &[
        // ---- 1. no global namespaces ----------------------------------------
        Case::new("open_absolute", Namespaces, Denied(MODE)),
        Case::new("openat_cwd_relative", Namespaces, Denied(MODE)),
        Case::new("creat_absolute", Namespaces, Denied(MODE)),
        Case::new("openat_dotdot", Namespaces, Denied(BENEATH)),
        // Capsicum: `..` never above the starting directory, even into
        // another preopened one (p7_reported item 3): the supervisor walks
        // raw opens as Capsicum walks (supervise/walked.rs).
        Case::new("openat_dotdot_other_preopen", Namespaces, Denied(BENEATH)),
        Case::new("openat_sub_dotdot_out", Namespaces, Denied(BENEATH)),
        Case::new("openat_dotdot_create", Namespaces, Denied(BENEATH)),
        Case::new("openat_absolute_from_dir", Namespaces, Denied(BENEATH)),
        Case::new("openat_symlink_out", Namespaces, Denied(BENEATH)),
        // O_PATH opens and the lookups Landlock does not mediate: the
        // supervisor walks them as Capsicum walks (supervise/lookup.rs).
        Case::new("openat_dotdot_opath", Namespaces, Denied(BENEATH)),
        Case::new("opath_absolute_outside", Namespaces, Denied(BENEATH)),
        Case::new("opath_dotdot_other_preopen", Namespaces, Denied(BENEATH)),
        // What a racing thread wins of an O_PATH open (escapes/raced.rs):
        // a descriptor through which nothing is answered.
        Case::new("opath_racing_thread_metadata", Namespaces, Denied(NOTCAP)),
        Case::new(
            "opath_racing_preopened_file_metadata",
            Namespaces,
            Denied(NOTCAP),
        ),
        Case::new(
            "opath_racing_preopened_file_fchmod",
            Namespaces,
            Denied(NOTCAP),
        ),
        Case::new(
            "opath_racing_preopened_file_fchown",
            Namespaces,
            Denied(NOTCAP),
        ),
        Case::new(
            "opath_racing_preopened_file_utimes",
            Namespaces,
            Denied(NOTCAP),
        ),
        Case::new("opath_racing_parent_metadata", Namespaces, Denied(NOTCAP)),
        Case::new("opath_racing_fstatfs", Namespaces, Denied(NOTCAP)),
        Case::new("opath_racing_statx_null", Namespaces, Denied(NOTCAP)),
        Case::new("opath_racing_fstatat_null", Namespaces, Denied(NOTCAP)),
        Case::new("opath_racing_faccessat2", Namespaces, Denied(NOTCAP)),
        Case::new("opath_racing_readlinkat", Namespaces, Denied(NOTCAP)),
        Case::new(
            "opath_racing_linkat_into_dir",
            Namespaces,
            Refused(REFER_XDEV),
        ),
        Case::new(
            "opath_racing_dir_fstatat_beneath",
            Namespaces,
            Denied(NOTCAP),
        ),
        Case::new(
            "opath_racing_dir_readlinkat_beneath",
            Namespaces,
            Denied(NOTCAP),
        ),
        Case::new("opath_racing_dir_opath_beneath", Namespaces, Denied(NOTCAP)),
        Case::new("opath_racing_dir_open_beneath", Namespaces, Denied(BENEATH)),
        Case::new("racing_open_outside", Namespaces, Denied(BENEATH)),
        // An open through `dir` is made by the supervisor on what it
        // walked: a racing thread reaches nothing.
        Case::new("racing_open_other_preopen", Namespaces, Denied(BENEATH)),
        // The walk's residue (row 1 (a)): an `O_PATH` open is made by the
        // caller, and a racing thread may reach a preopened directory by
        // place; when the race is not won in 3,000 tries, the case
        // answers as Capsicum does.
        Case::new("racing_opath_other_preopen", Namespaces, Denied(BENEATH))
            .documented(differences::RAW_LOOKUPS_BY_PLACE),
        // Raw calls walked by the supervisor (supervise/walked.rs) through
        // links the program makes, with the flags that change the last
        // component: each refused where the walk leaves `dir`.
        Case::new("creat_dangling_link_out", Namespaces, Denied(NOPATH)).changes(&["dir/dangle"]),
        Case::new("creat_dangling_chain_out", Namespaces, Denied(NOPATH))
            .changes(&["dir/a", "dir/sub/b"]),
        Case::new("creat_dangling_link_absolute", Namespaces, Denied(NOPATH)).changes(&["dir/abs"]),
        Case::new(
            "creat_through_dir_link_trailing_slash",
            Namespaces,
            Denied(NOPATH),
        )
        .changes(&["dir/out"]),
        Case::new(
            "opendir_link_out_trailing_slash",
            Namespaces,
            Denied(NOPATH),
        )
        .changes(&["dir/out"]),
        Case::new(
            "open_through_link_other_preopen",
            Namespaces,
            Denied(NOPATH),
        )
        .changes(&["dir/ro"]),
        Case::new(
            "creat_flag_existing_link_other_preopen",
            Namespaces,
            Denied(NOPATH),
        )
        .changes(&["dir/keep"]),
        Case::new("opath_creat_link_other_preopen", Namespaces, Denied(NOPATH))
            .changes(&["dir/keep"]),
        Case::new("linkat_symlink_follow_out", Namespaces, Denied(NOPATH)),
        Case::new(
            "linkat_empty_path_flag_with_path_out",
            Namespaces,
            Denied(NOPATH),
        ),
        Case::new(
            "renameat2_noreplace_through_link_out",
            Namespaces,
            Denied(NOPATH),
        )
        .changes(&["dir/out"]),
        Case::new(
            "renameat2_exchange_through_link_out",
            Namespaces,
            Denied(NOPATH),
        )
        .changes(&["dir/out"]),
        Case::new(
            "unlinkat_removedir_through_link_out",
            Namespaces,
            Denied(NOPATH),
        )
        .changes(&["dir/out"]),
        Case::new("unlinkat_through_link_out", Namespaces, Denied(NOPATH)).changes(&["dir/out"]),
        Case::new("symlinkat_through_link_out", Namespaces, Denied(NOPATH)).changes(&["dir/out"]),
        Case::new("mknodat_fifo_through_link_out", Namespaces, Denied(NOPATH))
            .changes(&["dir/out"]),
        Case::new("fstatat_dotdot", Namespaces, Denied(BENEATH)),
        Case::new("fstatat_symlink_out", Namespaces, Denied(BENEATH)),
        Case::new("faccessat_dotdot", Namespaces, Denied(BENEATH)),
        Case::new("readlinkat_dotdot", Namespaces, Denied(BENEATH)),
        // AT_EMPTY_PATH with a path is a lookup: `lookup` is needed
        // (Capsicum: ENOTCAPABLE). The filter cannot read the path; the
        // supervisor does (supervise.rs).
        Case::new("empty_path_fstatat_absolute", Namespaces, Denied(NOTCAP)),
        Case::new("empty_path_fstatat_relative", Namespaces, Denied(NOTCAP)),
        Case::new("empty_path_statx_absolute", Namespaces, Denied(NOTCAP)),
        // Through a file opened beneath `dir` (which holds `lookup`): an
        // absolute path is walked, and refused, as any lookup.
        Case::new(
            "empty_path_fstatat_opened_beneath",
            Namespaces,
            Denied(BENEATH),
        ),
        Case::new(
            "empty_path_page_boundary_absolute",
            Namespaces,
            Denied(NOTCAP),
        ),
        Case::new("empty_path_long_absolute", Namespaces, Denied(NOTCAP)),
        Case::new("empty_path_racing_thread", Namespaces, Denied(NOTCAP)),
        Case::new("empty_path_fstatat_readonly_buffer", Namespaces, Allowed),
        Case::new(
            "empty_path_statx_buffer_across_unmapped",
            Namespaces,
            Allowed,
        ),
        Case::new("empty_path_at_page_end", Namespaces, Allowed),
        Case::new("empty_path_statx_reserved_mask", Namespaces, Allowed),
        Case::new("empty_path_statx_both_syncs", Namespaces, Allowed),
        Case::new("empty_path_fstatat_closed", Namespaces, Allowed),
        Case::new("empty_path_fstatat_itself", Namespaces, Allowed),
        Case::new("empty_path_statx_itself", Namespaces, Allowed),
        Case::new("empty_path_fstatat_null_itself", Namespaces, Allowed),
        Case::new("empty_path_statx_null_itself", Namespaces, Allowed),
        Case::new("empty_path_fstatat_thread", Namespaces, Allowed),
        Case::new("empty_path_fstatat_efault", Namespaces, Allowed),
        Case::new("fchmodat_dotdot", Namespaces, Denied(NOPATH)),
        Case::new("fchmodat_symlink_out", Namespaces, Denied(NOPATH)),
        Case::new("fchownat_dotdot", Namespaces, Denied(NOPATH)),
        Case::new("utimensat_dotdot", Namespaces, Denied(NOPATH)),
        Case::new("setxattrat_dotdot", Namespaces, Denied(MODE)),
        Case::new("stat_absolute", Namespaces, Denied(MODE)),
        Case::new("access_absolute", Namespaces, Denied(MODE)),
        Case::new("readlink_absolute", Namespaces, Denied(MODE)),
        Case::new("statfs_absolute", Namespaces, Denied(MODE)),
        Case::new("unlink_absolute", Namespaces, Denied(MODE)),
        Case::new("unlinkat_dotdot", Namespaces, Denied(BENEATH)),
        Case::new("mkdir_absolute", Namespaces, Denied(MODE)),
        Case::new("mkdirat_dotdot", Namespaces, Denied(BENEATH)),
        Case::new("rename_absolute", Namespaces, Denied(MODE)),
        Case::new("renameat_dotdot", Namespaces, Denied(REFER)),
        Case::new("renameat_exchange_out", Namespaces, Denied(REFER)),
        Case::new("linkat_dotdot", Namespaces, Denied(REFER)),
        Case::new("linkat_fd_into_dir", Namespaces, Denied(REFER)),
        Case::new("truncate_absolute", Namespaces, Denied(MODE)),
        Case::new("chmod_absolute", Namespaces, Denied(MODE)),
        Case::new("chown_absolute", Namespaces, Denied(MODE)),
        Case::new("utimes_absolute", Namespaces, Denied(MODE)),
        Case::new("openat2_absolute", Namespaces, Refused(COMPAT)),
        Case::new("openat2_dotdot", Namespaces, Refused(COMPAT)),
        Case::new("open_by_handle_at", Namespaces, Denied(MODE)),
        Case::new("inotify_add_watch_path", Namespaces, Denied(MODE)),
        Case::new("fanotify_init", Namespaces, Denied(MODE)),
        // fexecve needs `fexecve`, which no descriptor made after entry
        // holds here (FreeBSD cannot fexecve an anonymous shared memory
        // object at all: EINVAL, _fgetvp finds no vnode).
        Case::new("memfd_execveat", Namespaces, Denied(NOTCAP)),
        Case::new("chdir_absolute", Namespaces, Denied(MODE)),
        // capmode.cc (DisallowedFileSyscalls): fchdir is ECAPMODE.
        Case::new("fchdir_then_open", Namespaces, Denied(MODE)),
        Case::new("mknodat_device", Namespaces, Denied(BENEATH)),
        Case::new("proc_self_fd_reopen", Namespaces, Denied(MODE)),
        Case::new("getxattr_absolute", Namespaces, Denied(MODE)),
        Case::new("rodir_create", Namespaces, Denied(NOTCAP)),
        Case::new("rodir_write", Namespaces, Denied(NOTCAP)),
        Case::new("rodir_tmpfile", Namespaces, Denied(NOTCAP)),
        Case::new("rodir_unlink", Namespaces, Denied(NOTCAP)),
        Case::new("rodir_opened_fchmod", Namespaces, Denied(NOTCAP)),
        Case::new("rodir_opened_fsetxattr", Namespaces, Denied(NOTCAP)).skip(xattrs_unsupported),
        Case::new("rodir_opened_futimens", Namespaces, Denied(NOTCAP)),
        Case::new("rodir_opened_lseek", Namespaces, Denied(NOTCAP)),
        Case::new("rodir_opened_mmap", Namespaces, Denied(NOTCAP)),
        Case::new("rodir_opened_copy_lseek", Namespaces, Denied(NOTCAP)),
        Case::new("rodir_opened_in_child_lseek", Namespaces, Denied(NOTCAP)),
        Case::new("opath_dotdot_fchownat_empty", Namespaces, Denied(NOPATH)),
        Case::new("opath_dotdot_fchmodat2_empty", Namespaces, Denied(NOPATH)),
        Case::new("rodir_opath_fchmodat_out", Namespaces, Denied(NOPATH)),
        Case::new("name_to_handle_at_dotdot", Namespaces, Denied(MODE)),
        Case::new("getcwd", Namespaces, Denied(MODE)),
        Case::new("openat_beneath_trunc", Namespaces, Denied(NOTCAP)),
        Case::new("mkfifoat_beneath", Namespaces, Denied(NOTCAP)),
        Case::new("beneath_opened_ftruncate", Namespaces, Denied(NOTCAP)),
        Case::new("rodir_opened_setflags", Namespaces, Denied(NOTCAP)),
        Case::new("rodir_link_into_dir", Namespaces, Denied(REFER)),
        Case::new("rodir_rename_into_dir", Namespaces, Denied(REFER)),
        Case::new("symlink_into_rodir_write", Namespaces, Denied(NOTCAP)).changes(&["dir/to_keep"]),
        Case::new("symlinkat_then_follow", Namespaces, Denied(BENEATH)).changes(&["dir/mylink"]),
        Case::new("openat_beneath", Namespaces, Allowed),
        Case::new("openat_beneath_dotdot_inside", Namespaces, Allowed),
        Case::new("openat_beneath_create", Namespaces, Allowed)
            .changes(&["dir/created.txt"])
            .check(created_beneath),
        Case::new("mkdirat_beneath", Namespaces, Allowed)
            .changes(&["dir/newdir"])
            .check(mkdir_beneath),
        Case::new("fstatat_beneath", Namespaces, Allowed),
        // Beneath a directory holding `fchmodat`: Landlock does not
        // mediate it, the supervisor walks it as Capsicum does (row 1).
        Case::new("fchmodat_beneath", Namespaces, Allowed).changes(&["dir/inside.txt"]),
        // A file opened beneath `dir` holds `dir`'s `fchmod`, though
        // `rodir` lacks it: the supervisor makes the change where the file
        // lies beneath a directory holding the right
        // (supervise/changed.rs), and so for the other metadata changes.
        Case::new("beneath_opened_fchmod", Namespaces, Allowed).changes(&["dir/inside.txt"]),
        Case::new("beneath_opened_fchown", Namespaces, Allowed),
        Case::new("beneath_opened_futimens", Namespaces, Allowed).changes(&["dir/inside.txt"]),
        Case::new("beneath_opened_fchmodat_empty", Namespaces, Allowed)
            .changes(&["dir/inside.txt"]),
        // Unlinked since it was opened: the descriptor keeps `dir`'s
        // rights (rights(4)), the supervisor having recorded what it
        // installed at that number (`State::installed`).
        Case::new("beneath_opened_unlinked_fchmod", Namespaces, Allowed),
        Case::new("beneath_opened_unlinked_fchown", Namespaces, Allowed),
        Case::new("beneath_opened_unlinked_futimens", Namespaces, Allowed),
        Case::new("beneath_opened_unlinked_setflags", Namespaces, Allowed),
        // A FIFO opened beneath a directory is the caller's own open (the
        // supervisor cannot open it without waiting for a writer): in no
        // class, its rights beyond Landlock's not limited (row 5 (b)).
        Case::new("rodir_opened_fifo_setfl", Namespaces, Denied(NOTCAP))
            .documented(differences::OPENED_AFTER_ENTRY),
        // No device node, whatever the rights (row 1 (b)): not the
        // whiteout rename(2) leaves either.
        Case::new("renameat2_whiteout", Namespaces, Denied(NOTCAP)),
        Case::new("renameat_beneath", Namespaces, Allowed)
            .changes(&["dir/inside.txt", "dir/sub/moved.txt"])
            .check(renamed_beneath),
        Case::new("openat_beneath_enoent", Namespaces, Ordinary(libc::ENOENT)),
        Case::new("rodir_read", Namespaces, Allowed),
        Case::new("rodir_list", Namespaces, Allowed),
        // ---- 2. no new process images, no foreign processes ------------------
        Case::new("execve", Processes, Denied(MODE)),
        Case::new("execveat_absolute", Processes, Denied(MODE)),
        Case::new("ptrace_attach", Processes, Denied(MODE)),
        Case::new("ptrace_traceme", Processes, Denied(MODE)),
        Case::new("process_vm_readv", Processes, Denied(MODE)),
        Case::new("process_vm_writev", Processes, Denied(MODE)),
        Case::new("pidfd_open_other", Processes, Denied(MODE)),
        Case::new("pidfd_getfd_self", Processes, Denied(MODE)),
        Case::new("kill_other", Processes, Denied(MODE)),
        Case::new("tgkill_other", Processes, Denied(MODE)),
        Case::new("sigqueue_other", Processes, Denied(MODE)),
        Case::new("kill_parent_probe", Processes, Denied(MODE)),
        Case::new("kill_all_probe", Processes, Denied(MODE)),
        // Capsicum changes the priority and scheduling of any process the
        // caller may schedule (kern_setpriority, p1003_1b.c: p_cansched),
        // the victim of the same user included.
        Case::new("setpriority_other", Processes, Allowed).check(victim_reniced),
        Case::new("sched_setaffinity_other", Processes, Denied(MODE)),
        Case::new("prlimit_other", Processes, Denied(MODE)),
        Case::new("kcmp_other", Processes, Denied(MODE)),
        Case::new("kill_pgrp_probe", Processes, Denied(MODE)),
        Case::new("ioprio_set_other", Processes, Denied(MODE)),
        Case::new("sched_setscheduler_other", Processes, Allowed),
        Case::new("get_robust_list_other", Processes, Denied(MODE)),
        Case::new("move_pages_other", Processes, Denied(MODE)),
        Case::new("sched_getaffinity_other", Processes, Denied(MODE)),
        // The calling thread or its process alone (cpuset_check_capabilities),
        // told by the supervisor (PIDFD_GET_INFO, Linux 6.13).
        Case::new("sched_setaffinity_sibling_thread", Processes, Denied(MODE)),
        Case::new("sched_setaffinity_child_to_parent", Processes, Denied(MODE))
            .skip(no_own_signals),
        Case::new("sched_setaffinity_parent_to_child", Processes, Denied(MODE))
            .skip(no_own_signals),
        Case::new("sched_affinity_own_ids", Processes, Allowed).skip(no_own_signals),
        Case::new(
            "tkill_other",
            Processes,
            DeniedOrRefused(MODE, NO_SUCH_THREAD),
        ),
        // The CPU time of any process the caller may see (get_cputime);
        // Linux-only calls on another process (CPU-clock timers and
        // sleeps, I/O priority, sched_*attr): the caller's alone.
        Case::new("clock_gettime_other_cputime", Processes, Allowed),
        Case::new("timer_create_other_cputime", Processes, Denied(MODE)),
        Case::new("clock_nanosleep_other_cputime", Processes, Denied(MODE)),
        Case::new("ioprio_get_other", Processes, Denied(MODE)),
        Case::new("ioprio_set_group", Processes, Denied(MODE)),
        Case::new("sched_getattr_other", Processes, Denied(MODE)),
        Case::new("sched_setattr_other", Processes, Denied(MODE)),
        Case::new("caller_only_self", Processes, Allowed),
        Case::new("handed_pidfd_signal", Processes, Denied(MODE)),
        // FIOSETOWN is not on capability mode's ioctl allowlist (its
        // target is behind a pointer); the victim must be alive either way.
        Case::new("sigio_to_victim", Processes, Denied(MODE)),
        // Landlock's signal scope: the child of a sandboxed process has a
        // domain of its own; its parent is outside it.
        Case::new("fork_child_kill_parent", Processes, Denied(MODE)),
        Case::new("kill_self", Processes, Allowed),
        Case::new("tkill_self", Processes, Allowed),
        Case::new("fork_child_kill_self", Processes, Allowed),
        // capmode.cc AllowedMiscSyscalls: no waitpid in capability mode;
        // a child is reaped through its process descriptor (pdwait).
        Case::new("wait4_child", Processes, Denied(MODE)),
        Case::new("wait4_any", Processes, Denied(MODE)),
        Case::new("waitid_pid_child", Processes, Denied(MODE)),
        Case::new("waitid_all", Processes, Denied(MODE)),
        Case::new("pidfd_waitid_child", Processes, Allowed),
        Case::new("pidfd_own_child_signal", Processes, Allowed),
        Case::new("sched_self", Processes, Allowed),
        // ---- 2b. a compartment, or a child forked after entry, against its parent ----
        // One system call each; the parent checks it is unharmed (its limits,
        // affinity, scheduling, priority; alive, since it answers).
        Case::new("compartment_kill", Processes, Denied(MODE)),
        Case::new("forked_kill", Processes, Denied(MODE)),
        Case::new("compartment_kill_own_group", Processes, Denied(MODE)),
        Case::new("forked_kill_own_group", Processes, Denied(MODE)),
        Case::new("compartment_kill_group", Processes, Denied(MODE)),
        Case::new("forked_kill_group", Processes, Denied(MODE)),
        Case::new("compartment_tgkill", Processes, Denied(MODE)),
        Case::new("forked_tgkill", Processes, Denied(MODE)),
        Case::new(
            "compartment_tkill",
            Processes,
            DeniedOrRefused(MODE, NO_SUCH_THREAD),
        ),
        Case::new(
            "forked_tkill",
            Processes,
            DeniedOrRefused(MODE, NO_SUCH_THREAD),
        ),
        Case::new("compartment_rt_sigqueueinfo", Processes, Denied(MODE)),
        Case::new("forked_rt_sigqueueinfo", Processes, Denied(MODE)),
        Case::new("compartment_rt_tgsigqueueinfo", Processes, Denied(MODE)),
        Case::new("forked_rt_tgsigqueueinfo", Processes, Denied(MODE)),
        Case::new("compartment_pidfd_open", Processes, Denied(MODE)),
        Case::new("forked_pidfd_open", Processes, Denied(MODE)),
        Case::new("compartment_fcntl_setown_group", Processes, Denied(MODE)),
        Case::new("forked_fcntl_setown_group", Processes, Denied(MODE)),
        Case::new("compartment_prlimit", Processes, Denied(MODE)),
        Case::new("forked_prlimit", Processes, Denied(MODE)),
        Case::new("compartment_sched_setaffinity", Processes, Denied(MODE)),
        Case::new("forked_sched_setaffinity", Processes, Denied(MODE)),
        // Priority and scheduling: Capsicum changes them for any process
        // the caller may schedule (p_cansched), the parent included.
        Case::new("compartment_setpriority", Processes, Allowed),
        Case::new("forked_setpriority", Processes, Allowed),
        // The filter lets it through (forked_setpriority_group), the
        // kernel refuses: other members of the group (the runner, root)
        // hold capabilities the compartment dropped (security/commoncap.c
        // cap_safe_nice).
        Case::new("compartment_setpriority_group", Processes, Fails),
        Case::new("forked_setpriority_group", Processes, Allowed),
        Case::new("compartment_sched_setscheduler", Processes, Allowed),
        Case::new("forked_sched_setscheduler", Processes, Allowed),
        Case::new("compartment_sched_setparam", Processes, Allowed),
        Case::new("forked_sched_setparam", Processes, Allowed),
        Case::new("compartment_sched_setattr", Processes, Denied(MODE)),
        Case::new("forked_sched_setattr", Processes, Denied(MODE)),
        Case::new("compartment_ioprio_set", Processes, Denied(MODE)),
        Case::new("forked_ioprio_set", Processes, Denied(MODE)),
        Case::new("compartment_ptrace", Processes, Denied(MODE)),
        Case::new("forked_ptrace", Processes, Denied(MODE)),
        Case::new("compartment_process_vm_readv", Processes, Denied(MODE)),
        Case::new("forked_process_vm_readv", Processes, Denied(MODE)),
        Case::new("compartment_process_vm_writev", Processes, Denied(MODE)),
        Case::new("forked_process_vm_writev", Processes, Denied(MODE)),
        Case::new("compartment_kcmp", Processes, Denied(MODE)),
        Case::new("forked_kcmp", Processes, Denied(MODE)),
        Case::new("compartment_migrate_pages", Processes, Denied(MODE)),
        Case::new("forked_migrate_pages", Processes, Denied(MODE)),
        Case::new("compartment_move_pages", Processes, Denied(MODE)),
        Case::new("forked_move_pages", Processes, Denied(MODE)),
        Case::new("compartment_get_robust_list", Processes, Denied(MODE)),
        Case::new("forked_get_robust_list", Processes, Denied(MODE)),
        // Queries: Capsicum answers them for any process the caller may
        // see (sys/kern/kern_prot.c, kern_resource.c, p1003_1b.c:
        // p_cansee), the parent included.
        Case::new("compartment_getpgid", Processes, Allowed),
        Case::new("forked_getpgid", Processes, Allowed),
        Case::new("compartment_getsid", Processes, Allowed),
        Case::new("forked_getsid", Processes, Allowed),
        Case::new("compartment_getpriority", Processes, Allowed),
        Case::new("forked_getpriority", Processes, Allowed),
        Case::new("compartment_sched_getparam", Processes, Allowed),
        Case::new("forked_sched_getparam", Processes, Allowed),
        Case::new("compartment_sched_getscheduler", Processes, Allowed),
        Case::new("forked_sched_getscheduler", Processes, Allowed),
        Case::new("compartment_sched_rr_get_interval", Processes, Allowed),
        Case::new("forked_sched_rr_get_interval", Processes, Allowed),
        Case::new("compartment_clock_gettime_cputime", Processes, Allowed),
        Case::new("forked_clock_gettime_cputime", Processes, Allowed),
        // Linux-only queries that read more than Capsicum shows.
        Case::new("compartment_sched_getattr", Processes, Denied(MODE)),
        Case::new("forked_sched_getattr", Processes, Denied(MODE)),
        Case::new("compartment_prlimit_read", Processes, Denied(MODE)),
        Case::new("forked_prlimit_read", Processes, Denied(MODE)),
        Case::new("compartment_capget", Processes, Denied(MODE)),
        Case::new("forked_capget", Processes, Denied(MODE)),
        Case::new("compartment_clone_parent", Processes, Denied(MODE)),
        Case::new("forked_clone_parent", Processes, Denied(MODE)),
        Case::new("compartment_kill_sibling", Processes, Denied(MODE)),
        Case::new("forked_kill_sibling", Processes, Denied(MODE)),
        Case::new("compartment_kill_self", Processes, Allowed),
        Case::new("compartment_abort", Processes, Allowed),
        Case::new("forked_abort", Processes, Allowed),
        // Through the zygote of a sandboxed, then threaded, program.
        Case::new("zygote_compartment_kill_zygote", Processes, Denied(MODE)),
        Case::new("zygote_compartment_runs", Processes, Allowed),
        // ---- 2c. signals by id: to the caller's own process only ----------
        // sys_kill (FreeBSD sys/kern/kern_sig.c): ECAPMODE for any pid but
        // the caller's; capmode.cc TEST(Capmode, SelfKill). Every call of
        // the kind, to oneself from the program, a forked child, a raw
        // clone(2) child and a compartment...
        Case::new("kill_self_probe", Processes, Allowed),
        Case::new("tgkill_self", Processes, Allowed),
        Case::new("sigqueue_self", Processes, Allowed),
        Case::new("rt_tgsigqueueinfo_self", Processes, Allowed),
        Case::new("raise_handled", Processes, Allowed),
        Case::new("pthread_kill_own_thread", Processes, Allowed),
        Case::new("forked_signals_self", Processes, Allowed),
        Case::new("cloned_signals_self", Processes, Allowed),
        Case::new("compartment_signals_self", Processes, Allowed),
        // ... and to the processes Landlock's signal scope lets through: the
        // program's children by pid (a forked one has a nested domain, a
        // cloned one shares the program's), a cloned child's parent and
        // that parent's other thread.
        Case::new("forked_child_kill", Processes, Denied(MODE)).skip(no_own_signals),
        Case::new("forked_child_tkill", Processes, Refused(NO_SUCH_THREAD)).skip(no_own_signals),
        Case::new("forked_child_tgkill", Processes, Denied(MODE)).skip(no_own_signals),
        Case::new("forked_child_rt_sigqueueinfo", Processes, Denied(MODE)).skip(no_own_signals),
        Case::new("forked_child_rt_tgsigqueueinfo", Processes, Denied(MODE)).skip(no_own_signals),
        Case::new("cloned_child_kill", Processes, Denied(MODE)).skip(no_own_signals),
        Case::new("cloned_child_tkill", Processes, Refused(NO_SUCH_THREAD)).skip(no_own_signals),
        Case::new("cloned_child_tgkill", Processes, Denied(MODE)).skip(no_own_signals),
        Case::new("cloned_child_rt_sigqueueinfo", Processes, Denied(MODE)).skip(no_own_signals),
        Case::new("cloned_child_rt_tgsigqueueinfo", Processes, Denied(MODE)).skip(no_own_signals),
        Case::new("cloned_kill", Processes, Denied(MODE)).skip(no_own_signals),
        Case::new("cloned_tkill", Processes, Refused(NO_SUCH_THREAD)).skip(no_own_signals),
        Case::new("cloned_tgkill", Processes, Denied(MODE)).skip(no_own_signals),
        Case::new("cloned_rt_sigqueueinfo", Processes, Denied(MODE)).skip(no_own_signals),
        Case::new("cloned_rt_tgsigqueueinfo", Processes, Denied(MODE)).skip(no_own_signals),
        Case::new("cloned_tkill_thread", Processes, Refused(NO_SUCH_THREAD)).skip(no_own_signals),
        Case::new("cloned_tgkill_thread", Processes, Denied(MODE)).skip(no_own_signals),
        // ---- 3. no new network endpoints ------------------------------------
        Case::new("tcp_connect", Network, Denied(MODE)),
        Case::new("tcp_bind", Network, Denied(MODE)),
        Case::new("tcp_listen_autobind", Network, Denied(MODE)),
        Case::new("udp_sendto", Network, Denied(MODE)),
        Case::new("unix_connect_path", Network, Denied(MODE)),
        Case::new("unix_connect_abstract", Network, Denied(MODE)).skip(no_landlock_scoping),
        Case::new("unix_dgram_sendto_path", Network, Denied(MODE)),
        Case::new("socketpair_dgram_sendmsg_name", Network, Denied(MODE)),
        Case::new("netlink_socket", Network, Denied(MODE)),
        Case::new("packet_socket", Network, Denied(MODE)),
        Case::new("raw_inet_socket", Network, Denied(MODE)),
        Case::new("alg_socket", Network, Denied(MODE)),
        Case::new("handed_udp_sendto", Network, Denied(MODE)),
        // The supervisor reads msg_name once and refuses an address, as
        // capability mode does (kern_sendit in sys/kern/uipc_syscalls.c).
        Case::new("handed_udp_sendmsg_name", Network, Denied(MODE)),
        Case::new("handed_udp_connect", Network, Denied(MODE)),
        Case::new("handed_tcp_reconnect", Network, Denied(MODE)),
        Case::new("handed_tcp_write", Network, Allowed).check(handed_peer_got_text),
        Case::new("handed_listener_accept", Network, Allowed).check(waiting_client_accepted),
        Case::new("unix_bind_abstract", Network, Denied(MODE)),
        // FreeBSD's ifioctl() refuses interface changes in capability mode.
        Case::new("socket_ioctl_set_mtu", Network, Denied(MODE)),
        Case::new("socketpair_stream", Network, Allowed),
        // sendmsg(2) and sendmmsg(2) made by the supervisor on what it
        // read once (supervise/sent.rs).
        Case::new("socketpair_sendmsg", Network, Allowed),
        Case::new("socketpair_sendmsg_name_len_0", Network, Allowed),
        Case::new("socketpair_scm_rights_pipe", Network, Allowed),
        // Capsicum passes it with its rights; here its receiver would hold
        // it without them.
        Case::new("socketpair_scm_rights_ro", Network, Denied(NOTCAP)),
        Case::new("socketpair_scm_rights_stdout", Network, Denied(NOTCAP)),
        Case::new("socketpair_scm_credentials_other", Network, Denied(MODE)),
        Case::new("socketpair_sendmsg_ip_ttl", Network, Allowed),
        Case::new("socketpair_sendmsg_ip_retopts", Network, Denied(MODE)),
        Case::new("socketpair_sendmsg_fastopen", Network, Denied(MODE)),
        Case::new("socketpair_sendmmsg_mixed", Network, Allowed),
        Case::new("handed_udp_sendmmsg_name", Network, Denied(MODE)),
        Case::new("socketpair_sendmsg_blocking_full", Network, Allowed),
        Case::new("socketpair_sendmmsg_blocking_full", Network, Allowed),
        Case::new("socketpair_sendmsg_sndtimeo", Network, Allowed),
        Case::new("socketpair_sendmsg_epipe", Network, Allowed),
        Case::new("racing_sendmsg_rights", Network, Denied(NOTCAP)),
        Case::new("racing_udp_sendmsg_name", Network, Denied(MODE)),
        // Attacks on the supervisor's sends (supervise/sent.rs): its
        // identity lent to a receiver, control messages walked as the
        // kernel walks them, numbers read once, sendmmsg(2) answers, and
        // many sends waiting at once.
        Case::new("socketpair_passpidfd_signal_sender", Network, Denied(MODE)),
        Case::new(
            "socketpair_scm_rights_pipe_then_ro",
            Network,
            Denied(NOTCAP),
        ),
        Case::new(
            "socketpair_scm_rights_after_short_ttl",
            Network,
            Denied(NOTCAP),
        ),
        Case::new(
            "socketpair_scm_rights_last_unaligned",
            Network,
            Denied(NOTCAP),
        ),
        Case::new("socketpair_scm_rights_pipe_twice", Network, Allowed),
        Case::new("socketpair_sendmmsg_rights_last", Network, Allowed),
        Case::new("socketpair_sendmmsg_len_readonly", Network, Allowed),
        Case::new("handed_tcp_sendmsg_so_priority", Network, Denied(MODE)),
        Case::new("handed_udp_sendmsg_pktinfo", Network, Denied(MODE)),
        Case::new("socketpair_sendmsg_name_unmapped", Network, Denied(MODE)),
        Case::new("socketpair_sendmsg_name_huge_len", Network, Denied(MODE)),
        Case::new("racing_sendmsg_rights_number", Network, Denied(NOTCAP)),
        Case::new("many_blocked_senders", Network, Allowed),
        Case::new("socketpair_blocked_send_epipe_thread", Network, Allowed),
        Case::new("socketpair_sendmsg_iovlen_1025", Network, Allowed),
        Case::new("socketpair_scm_rights_254", Network, Allowed),
        Case::new("socketpair_sendmsg_zero_length", Network, Allowed),
        Case::new("socketpair_sendmsg_oob", Network, Allowed),
        Case::new("socketpair_send", Network, Allowed),
        // ---- 4. no kernel surface that bypasses the filter ----------------------
        Case::new("io_uring_setup", Kernel, Denied(MODE)),
        Case::new("bpf", Kernel, Denied(MODE)),
        Case::new("perf_event_open", Kernel, Denied(MODE)),
        Case::new("userfaultfd", Kernel, Denied(MODE)),
        Case::new("add_key", Kernel, Denied(MODE)),
        Case::new("keyctl", Kernel, Denied(MODE)),
        Case::new("mount_tmpfs", Kernel, Denied(MODE)),
        Case::new("fsopen", Kernel, Denied(MODE)),
        Case::new("open_tree", Kernel, Denied(MODE)),
        Case::new("umount", Kernel, Denied(MODE)),
        Case::new("unshare_user", Kernel, Denied(MODE)),
        Case::new("unshare_net", Kernel, Denied(MODE)),
        Case::new("setns", Kernel, Denied(MODE)),
        Case::new("chroot", Kernel, Denied(MODE)),
        Case::new("pivot_root", Kernel, Denied(MODE)),
        Case::new("sysv_shmget", Kernel, Denied(MODE)),
        Case::new("sysv_semget", Kernel, Denied(MODE)),
        Case::new("sysv_msgget", Kernel, Denied(MODE)),
        Case::new("mq_open", Kernel, Denied(MODE)),
        Case::new("reboot_bad_magic", Kernel, Denied(MODE)),
        Case::new("finit_module", Kernel, Denied(MODE)),
        Case::new("delete_module", Kernel, Denied(MODE)),
        Case::new("clock_settime", Kernel, Denied(MODE)),
        Case::new("settimeofday", Kernel, Denied(MODE)),
        Case::new("sethostname", Kernel, Denied(MODE)),
        Case::new("personality", Kernel, Denied(MODE)),
        Case::new("x32_getpid", Kernel, Denied(MODE)),
        Case::new("int80_getpid", Kernel, Denied(MODE)),
        Case::new("ioperm", Kernel, Denied(MODE)),
        Case::new("syslog_read", Kernel, Denied(MODE)),
        // A nested Landlock domain can only take access away.
        Case::new("landlock_after_entry", Kernel, Allowed),
        // Denied for every descriptor by the capability-mode filter (EPERM)
        // before stdin's ioctl list (EACCES) is looked at.
        Case::new(
            "tiocsti_stdin",
            Kernel,
            Denied(&[libc::EPERM, libc::EACCES]),
        ),
        Case::new("seccomp_new_filter", Kernel, Denied(MODE)),
        Case::new("quotactl_fd", Kernel, Denied(MODE)),
        Case::new("swapoff", Kernel, Denied(MODE)),
        // Memory-failure injection poisons physical pages, page cache
        // shared with other processes included; FreeBSD has no such advice.
        Case::new("madvise_hwpoison", Kernel, Denied(MODE)),
        Case::new("madvise_soft_offline", Kernel, Denied(MODE)),
        // The supervisor's own lookups (escapes/lookups.rs): flags, buffers,
        // paths and descriptors, each answered as the kernel answers, or
        // refused where the walk leaves dir (Capsicum: ENOTCAPABLE).
        Case::new("lookup_fstatat_force_sync", Namespaces, Allowed),
        Case::new("lookup_fstatat_both_syncs", Namespaces, Allowed),
        Case::new("lookup_fstat_empty_path_force_sync", Namespaces, Allowed),
        Case::new("lookup_statx_dont_sync_no_automount", Namespaces, Allowed),
        Case::new("lookup_statx_odd_mask", Namespaces, Allowed),
        Case::new("lookup_fstatat_unknown_flag", Namespaces, Allowed),
        Case::new("lookup_statx_unknown_flag", Namespaces, Allowed),
        Case::new("lookup_faccessat2_unknown_flag", Namespaces, Allowed),
        Case::new("lookup_statx_nofollow_link_out", Namespaces, Allowed),
        Case::new(
            "lookup_faccessat2_eaccess_after_setresuid",
            Namespaces,
            Allowed,
        ),
        Case::new("lookup_readlinkat_bufsiz_zero", Namespaces, Allowed),
        Case::new("lookup_readlinkat_bufsiz_one", Namespaces, Allowed),
        Case::new("lookup_readlinkat_bufsiz_huge", Namespaces, Allowed),
        Case::new("lookup_readlinkat_buffer_at_unmapped", Namespaces, Allowed),
        Case::new("lookup_readlinkat_readonly_buffer", Namespaces, Allowed),
        Case::new("lookup_fstatat_path_buffer_readonly", Namespaces, Allowed),
        Case::new("lookup_fstatat_path_max_minus_one", Namespaces, Allowed),
        Case::new("lookup_fstatat_path_max", Namespaces, Allowed),
        Case::new("lookup_statx_path_into_unmapped", Namespaces, Allowed),
        Case::new("lookup_fstatat_empty_without_flag", Namespaces, Allowed),
        Case::new("lookup_faccessat_empty", Namespaces, Allowed),
        Case::new("lookup_readlinkat_empty_not_link", Namespaces, Allowed),
        Case::new("lookup_fstatat_dot", Namespaces, Allowed),
        Case::new("lookup_fstatat_file_trailing_slash", Namespaces, Allowed),
        Case::new("lookup_fstat_anonymous_descriptors", Namespaces, Allowed),
        Case::new("lookup_opath_removed_dir_fstat", Namespaces, Allowed),
        Case::new("lookup_removed_dir_fstat", Namespaces, Allowed),
        Case::new("lookup_statx_symlink_loop", Namespaces, Allowed).changes(&["dir/loop"]),
        Case::new("lookup_statx_both_syncs_out", Namespaces, Allowed),
        Case::new("lookup_statx_reserved_mask_out", Namespaces, Allowed),
        Case::new("lookup_faccessat_real_nobody", Namespaces, Allowed),
        Case::new("lookup_faccessat2_eaccess_one_thread", Namespaces, Allowed),
        Case::new("lookup_readlinkat_bufsiz_high_bits", Namespaces, Allowed),
        Case::new("lookup_readlinkat_empty_opath_link", Namespaces, Allowed),
        Case::new("lookup_fstatat_sub_dotdot", Namespaces, Allowed),
        Case::new("lookup_faccessat_nofollow_link_out", Namespaces, Allowed),
        Case::new(
            "lookup_fstatat_nofollow_dir_link_slash",
            Namespaces,
            Allowed,
        )
        .changes(&["dir/sl"]),
        Case::new("lookup_readlinkat_dir_link_slash", Namespaces, Allowed).changes(&["dir/sl"]),
        Case::new("lookup_faccessat_caps_dropped", Namespaces, Allowed).changes(&["dir/n.txt"]),
        Case::new("lookup_fstatat_search_caps_dropped", Namespaces, Allowed)
            .changes(&["dir/locked", "dir/locked/f"]),
        Case::new("lookup_faccessat_link_out", Namespaces, Denied(BENEATH)),
        Case::new("lookup_readlinkat_longest_link", Namespaces, Allowed).changes(&["dir/long"]),
        Case::new("lookup_fstatat_component_too_long", Namespaces, Allowed),
        Case::new("lookup_statx_dangling_link_inside", Namespaces, Allowed)
            .changes(&["dir/dangle"]),
        Case::new(
            "lookup_statx_dangling_link_out",
            Namespaces,
            Denied(BENEATH),
        )
        .changes(&["dir/dangle"]),
        Case::new("lookup_ro_faccessat2_empty_path", Rights, Denied(NOTCAP)),
        Case::new("lookup_removed_dir_dotdot", Namespaces, Denied(BENEATH)),
        Case::new("lookup_removed_dir_name_beneath", Namespaces, Allowed),
        Case::new(
            "lookup_fstatat_empty_path_opath_link_out",
            Namespaces,
            Allowed,
        ),
        Case::new(
            "lookup_statx_empty_path_opath_link_out",
            Namespaces,
            Allowed,
        ),
        Case::new("lookup_fstat_opath_link_out", Namespaces, Allowed),
        Case::new(
            "lookup_fstatat_buffer_readonly_then_writable",
            Namespaces,
            Allowed,
        ),
        Case::new(
            "lookup_statx_buffer_readonly_then_writable",
            Namespaces,
            Allowed,
        ),
        Case::new(
            "lookup_readlinkat_buffer_readonly_then_writable",
            Namespaces,
            Allowed,
        ),
        Case::new("lookup_fstatat_flags_high_word", Namespaces, Allowed),
        Case::new(
            "lookup_faccessat2_mode_flags_high_word",
            Namespaces,
            Allowed,
        ),
        Case::new("lookup_statx_mask_high_word", Namespaces, Allowed),
        Case::new(
            "lookup_ro_empty_path_flags_high_word",
            Rights,
            Denied(NOTCAP),
        ),
        Case::new(
            "lookup_fstatat_flags_high_word_out",
            Namespaces,
            Denied(BENEATH),
        ),
        Case::new("lookup_child_after_setfsuid", Namespaces, Allowed).changes(&[
            "dir/locked",
            "dir/locked/f",
            "dir/rootonly",
        ]),
        Case::new("lookup_readlinkat_buffer_is_path", Namespaces, Allowed),
        Case::new("lookup_fstatat_fdcwd_empty_path", Namespaces, Denied(MODE)),
        Case::new("lookup_statx_fdcwd_null_path", Namespaces, Denied(MODE)),
        Case::new("lookup_readlinkat_fdcwd_empty", Namespaces, Denied(MODE)),
        Case::new("lookup_fstat_fdcwd", Namespaces, Allowed),
        Case::new("lookup_fstatfs_closed", Namespaces, Allowed),
        Case::new("lookup_fstatat_after_setfsuid", Namespaces, Allowed).changes(&[
            "dir/locked",
            "dir/locked/f",
            "dir/rootonly",
        ]),
        Case::new("lookup_after_setgroups", Namespaces, Allowed).changes(&[
            "dir/g.txt",
            "dir/gd",
            "dir/gd/f",
        ]),
        Case::new(
            "lookup_fstatat_fdcwd_high_word_clear",
            Namespaces,
            Denied(MODE),
        ),
        Case::new(
            "lookup_statx_fdcwd_high_word_clear",
            Namespaces,
            Denied(MODE),
        ),
        Case::new(
            "lookup_readlinkat_fdcwd_high_word_clear",
            Namespaces,
            Denied(MODE),
        ),
        Case::new(
            "lookup_faccessat_fdcwd_high_word_clear",
            Namespaces,
            Denied(MODE),
        ),
        Case::new("lookup_fstatat_dirfd_high_word", Namespaces, Allowed),
        Case::new("lookup_fstat_high_word", Namespaces, Allowed),
        Case::new(
            "lookup_fstatat_nofollow_link_out_slash",
            Namespaces,
            Denied(BENEATH),
        ),
        Case::new(
            "lookup_fstatat_nofollow_dotdot",
            Namespaces,
            Denied(BENEATH),
        ),
        Case::new("lookup_statx_root", Namespaces, Denied(BENEATH)),
        Case::new(
            "lookup_faccessat_dotdot_nofollow",
            Namespaces,
            Denied(BENEATH),
        ),
        Case::new("madvise_own_memory", Kernel, Allowed),
        // A timer or a sleep on an alarm clock programs the real-time
        // clock to wake the system; FreeBSD has no such clock.
        Case::new("timerfd_create_alarm", Kernel, Denied(MODE)),
        Case::new("timer_create_alarm", Kernel, Denied(MODE)),
        Case::new("clock_nanosleep_alarm", Kernel, Denied(MODE)),
        Case::new("timerfd_monotonic", Kernel, Allowed),
        Case::new(
            "beneath_opened_fithaw",
            Kernel,
            Denied(&[libc::EPERM, libc::EACCES]),
        ),
        Case::new("getrandom", Kernel, Allowed),
        Case::new("memfd_create", Kernel, Allowed),
        Case::new("time_and_sleep", Kernel, Allowed),
        Case::new("localtime", Kernel, Allowed),
        Case::new("pipe_eventfd_epoll", Kernel, Allowed),
        Case::new("mmap_anon", Kernel, Allowed),
        Case::new("uname", Kernel, Allowed),
        Case::new("panic_backtrace", Kernel, Panics("panic_here")),
        // ---- 5. per-descriptor rights -----------------------------------------
        Case::new("narrowed_write", Rights, Refused(ACCMODE)),
        Case::new(
            "narrowed_mmap_shared_write",
            Rights,
            Denied(&[libc::EACCES]),
        ),
        Case::new("ro_lseek", Rights, Denied(NOTCAP)),
        Case::new("ro_fstat", Rights, Denied(NOTCAP)),
        // `event` checked by the supervisor (supervise/polled.rs); a
        // thread rewriting the array meanwhile polls by number (row 5 (c)).
        // POLLNVAL, reported as EBADF: not an errno of the call.
        Case::new("ro_poll_event", Rights, Refused(&[libc::EBADF])),
        Case::new("ro_select_event", Rights, Denied(NOTCAP)),
        Case::new("racing_poll_event", Rights, Refused(&[libc::EBADF]))
            .documented(differences::POLL_EVENT),
        // select(2) with `nfds` past the descriptor table, the set's tail
        // unmapped: the kernel reads only the table's width.
        Case::new("ro_select_unreadable_tail", Rights, Denied(NOTCAP)),
        Case::new("ro_pselect6_unreadable_tail", Rights, Denied(NOTCAP)),
        Case::new("pipe_select_unreadable_tail", Rights, Allowed),
        // ppoll's timeout is checked before anything is polled.
        Case::new("ro_ppoll_invalid_timeout", Rights, Ordinary(libc::EINVAL)),
        Case::new(
            "ro_ppoll_unreadable_timeout",
            Rights,
            Ordinary(libc::EFAULT),
        ),
        Case::new(
            "ro_pselect6_invalid_timeout",
            Rights,
            Ordinary(libc::EINVAL),
        ),
        Case::new("ro_statx_empty", Rights, Denied(NOTCAP)),
        Case::new("ro_pread", Rights, Denied(NOTCAP)),
        Case::new("ro_preadv2_offset", Rights, Denied(NOTCAP)),
        Case::new("wo_ftruncate", Rights, Denied(NOTCAP)),
        Case::new("wo_fallocate", Rights, Denied(NOTCAP)),
        Case::new("wo_fchmod", Rights, Denied(NOTCAP)),
        Case::new("ro_fchown", Rights, Denied(NOTCAP)),
        Case::new("wo_futimens", Rights, Denied(NOTCAP)),
        Case::new("wo_fsetxattr", Rights, Denied(NOTCAP)).skip(xattrs_unsupported),
        Case::new("ro_mmap_read", Rights, Denied(NOTCAP)),
        // `mmap_w` is `mmap | seek | write` (capsicum.h): `rw` holds it through
        // `mmap_r` + `write`, as on FreeBSD, so these are positive twins.
        Case::new("rw_mmap_shared_write", Rights, Allowed),
        Case::new("rw_mmap_exec", Rights, Denied(NOTCAP)),
        Case::new("rw_mprotect_widen", Rights, Allowed).changes(&["rw.txt"]),
        Case::new("ro_ioctl", Rights, Denied(NOTCAP)),
        Case::new("rw_ioctl_not_listed", Rights, Denied(NOTCAP)),
        Case::new("ro_fcntl_getfl", Rights, Denied(NOTCAP)),
        Case::new("rw_fcntl_setfl", Rights, Denied(NOTCAP)),
        Case::new("ro_flock", Rights, Denied(NOTCAP)),
        Case::new("ro_fcntl_setlk", Rights, Denied(NOTCAP)),
        Case::new("wo_fsync", Rights, Denied(NOTCAP)),
        Case::new("ro_fstatfs", Rights, Denied(NOTCAP)),
        Case::new("rodir_ioctl", Rights, Denied(NOTCAP)),
        Case::new("ro_splice_offset", Rights, Denied(NOTCAP)),
        Case::new("ro_sendfile_offset", Rights, Denied(NOTCAP)),
        Case::new("ro_copy_file_range_offset", Rights, Denied(NOTCAP)).changes(&["wo.txt"]),
        Case::new("anon_mmap_exec", Rights, Allowed),
        Case::new("anon_mprotect_exec", Rights, Allowed),
        Case::new("anon_shared_named_mprotect_exec", Rights, Allowed),
        Case::new("own_text_mprotect_exec", Rights, Allowed),
        Case::new("anon_and_rw_mprotect_exec", Rights, Denied(NOTCAP)),
        // A memfd made after entry is in no class: every right, so it may
        // be made executable (the supervisor reads the mapping), but not
        // mapped so (the filter cannot tell it from a file in no class
        // without `mmap_x`, row 4 (a)).
        Case::new("memfd_mprotect_exec", Rights, Allowed),
        Case::new("memfd_mmap_exec", Rights, Allowed).documented(differences::NO_NEW_EXEC_MEMORY),
        Case::new("rw_mprotect_exec", Rights, Denied(NOTCAP)),
        Case::new("rw_pkey_mprotect_exec", Rights, Denied(NOTCAP)),
        Case::new("rw_mprotect_exec_one_byte", Rights, Denied(NOTCAP)),
        Case::new("rw_tagged_mprotect_exec", Rights, Denied(NOTCAP)),
        Case::new("rw_mprotect_exec_before_hole", Rights, Denied(NOTCAP)),
        Case::new("rw_mprotect_exec_from_thread", Rights, Denied(NOTCAP)),
        Case::new("rw_mprotect_exec_in_child", Rights, Denied(NOTCAP)),
        Case::new("anon_mmap_exec_naming_rw", Rights, Allowed),
        Case::new("ro_dup", Rights, Denied(NOTCAP)),
        Case::new("ro_dup2", Rights, Denied(NOTCAP)),
        Case::new("ro_dup3", Rights, Denied(NOTCAP)),
        Case::new("ro_fcntl_dupfd", Rights, Denied(NOTCAP)),
        Case::new("ro_dup2_onto_stdout", Rights, Denied(NOTCAP)),
        Case::new("dup2_onto_ro", Rights, Denied(NOTCAP)),
        Case::new("stdout_dup", Rights, Denied(NOTCAP)),
        Case::new("stdout_dup_write", Rights, Allowed),
        // Capsicum keeps the rights on the copy (ENOTCAPABLE at fchmod);
        // seccomp cannot, so the supervisor refuses to pass a limited
        // descriptor (sendmsg: supervise/sent.rs).
        Case::new("ro_scm_rights_copy", Rights, Denied(NOTCAP)),
        Case::new("narrowed_scm_rights_copy_write", Rights, Denied(NOTCAP)),
        Case::new("stdin_write", Rights, Denied(NOTCAP)).check(stdin_peer_silent),
        Case::new("ro_read", Rights, Allowed),
        Case::new("no_stray_descriptors", Rights, Allowed).check(no_stray),
        Case::new("narrowed_read", Rights, Allowed),
        Case::new("wo_write", Rights, Allowed)
            .changes(&["wo.txt"])
            .check(wo_written),
        Case::new("rw_seek_fstat", Rights, Allowed),
        Case::new("rw_pread", Rights, Allowed),
        Case::new("rw_ioctl_listed", Rights, Allowed),
        Case::new("rw_fcntl_getfl", Rights, Allowed),
        Case::new("rw_mmap_read", Rights, Allowed),
        Case::new("stdout_write", Rights, Allowed).check(stdout_seen),
        Case::new("isatty_stdout", Rights, Allowed),
        Case::new("fd_flags_any", Rights, Allowed),
        // ---- 6. every thread and child ---------------------------------------
        Case::new("thread_open_absolute", Inherited, Denied(MODE)),
        Case::new("fork_child_open_absolute", Inherited, Denied(MODE)),
        Case::new("fork_child_connect", Inherited, Denied(MODE)),
        Case::new("fork_child_narrowed_write", Inherited, Refused(ACCMODE)),
        Case::new("clone_newuser", Inherited, Denied(MODE)),
        Case::new("clone3", Inherited, Refused(COMPAT)),
        Case::new("vfork_execve", Inherited, Denied(MODE)),
        Case::new("thread_works", Inherited, Allowed),
        Case::new("fork_child_works", Inherited, Allowed),
        // ---- 8. narrowing after entry: rights only shrink, for good ------
        // The filter's `Into` rules (README "Linux vs Capsicum" 5 (a)): a
        // descriptor limited after entry is copied nowhere but into a pool
        // within its set; a closed pool number holds a placeholder with
        // the pool's limits (reading it answers EAGAIN: an eventfd).
        Case::new("narrowing_dup", Narrowing, Denied(NOTCAP)),
        Case::new("narrowing_f_dupfd", Narrowing, Denied(NOTCAP)),
        Case::new("narrowing_dup2_unclassed", Narrowing, Denied(NOTCAP)),
        Case::new("narrowing_dup3_wider_pool", Narrowing, Denied(NOTCAP)),
        Case::new("narrowing_limit_again_wider", Narrowing, Denied(NOTCAP)),
        Case::new("narrowing_write_beyond", Narrowing, Denied(NOTCAP)),
        Case::new("narrowing_fstat_beyond", Narrowing, Denied(NOTCAP)),
        Case::new("placeholder_write", Narrowing, Denied(NOTCAP)),
        Case::new("placeholder_lookup", Narrowing, Denied(NOTCAP)),
        Case::new("placeholder_fstat", Narrowing, Denied(NOTCAP)),
        Case::new("placeholder_read", Narrowing, Refused(&[libc::EAGAIN])),
        Case::new("narrowing_read_within", Narrowing, Allowed),
        Case::new("narrowing_again_within", Narrowing, Allowed),
        // The supervisor's opens and copies (escapes/opens.rs): no
        // descriptor opened beneath a directory with more than its rights,
        // and every answer the kernel's own.
        Case::new(
            "opens_opath_rodir_on_dir_pool_write",
            Rights,
            Denied(NOTCAP),
        ),
        Case::new("opens_rodir_dir_on_dir_pool_create", Rights, Denied(NOTCAP)),
        Case::new("opens_dir_sub_on_dir_pool_create", Rights, Allowed)
            .changes(&["dir/sub/made.txt"]),
        Case::new("opens_through_opath_rodir_seek", Rights, Denied(NOTCAP)),
        Case::new("opens_through_opath_rodir_mmap", Rights, Denied(NOTCAP)),
        Case::new("opens_through_opath_rodir_write", Rights, Denied(NOTCAP)),
        Case::new(
            "opens_through_opath_rodir_dir_then_seek",
            Rights,
            Denied(NOTCAP),
        ),
        Case::new("opens_through_opath_dir_creat_seek", Rights, Allowed)
            .changes(&["dir/sub/made.txt"]),
        Case::new("opens_creat_mode_umask", Rights, Allowed).changes(&["dir/um.txt"]),
        Case::new("opens_tmpfile_mode_umask", Rights, Allowed),
        Case::new("opens_excl_existing", Rights, Allowed),
        Case::new("opens_excl_dangling_link", Rights, Allowed).changes(&["dir/dl"]),
        Case::new("opens_creat_through_dangling_link", Rights, Allowed)
            .changes(&["dir/dl", "dir/target.txt"]),
        Case::new("opens_directory_on_file", Rights, Allowed),
        Case::new("opens_file_trailing_slash", Rights, Allowed),
        Case::new("opens_creat_trailing_slash", Rights, Allowed),
        Case::new("opens_creat_trailing_slash_existing", Rights, Allowed),
        Case::new("opens_nofollow_link", Rights, Allowed).changes(&["dir/ln"]),
        Case::new("opens_cloexec_as_asked", Rights, Allowed),
        Case::new("opens_append_kept", Rights, Allowed).changes(&["dir/inside.txt"]),
        Case::new("opens_trunc_without_ftruncate", Rights, Denied(NOTCAP)),
        Case::new("opens_dup_shares_offset", Rights, Allowed),
        Case::new("opens_dupfd_at_rlimit", Rights, Allowed),
        Case::new("opens_pool_full_creat_makes_nothing", Rights, Allowed),
        Case::new("opens_noatime_not_owner", Rights, Allowed),
        Case::new("opens_search_denied_nobody", Rights, Allowed)
            .changes(&["dir/locked", "dir/locked/f"]),
        Case::new("opens_copies_cloexec", Rights, Allowed),
        Case::new("opens_dupfd_at_least_min", Rights, Allowed),
        Case::new("opens_copy_of_dir_opens_beneath", Rights, Allowed)
            .changes(&["dir/sub/made.txt"]),
        Case::new("opens_copy_of_rodir_file_seek", Rights, Denied(NOTCAP)),
        Case::new(
            "opens_copy_of_opath_on_rodir_pool_read",
            Rights,
            Denied(NOTCAP),
        ),
        Case::new("opens_rodir_dir_on_dir_pool_fchmod", Rights, Denied(NOTCAP)),
        Case::new(
            "opens_opath_rodir_on_dir_pool_fchmodat_empty",
            Rights,
            Denied(NOTCAP),
        ),
        Case::new(
            "opens_opath_rodir_on_dir_pool_fchmod",
            Rights,
            Denied(NOTCAP),
        ),
        // `dir` holds `ioctl`, `rodir` not: a file opened beneath `dir`
        // holds it (an inode-flag setter made by the supervisor where the
        // file lies beneath a directory holding it), what sits on `dir`'s
        // pool number in `rodir`'s place does not.
        Case::new("beneath_opened_setflags", Rights, Allowed),
        Case::new(
            "opens_opath_rodir_on_dir_pool_setflags",
            Rights,
            Denied(NOTCAP),
        ),
        Case::new(
            "opens_opath_rodir_on_dir_pool_fchmodat_path",
            Rights,
            Denied(NOTCAP),
        ),
        Case::new(
            "opens_opath_rodir_on_dir_pool_futimesat",
            Rights,
            Denied(NOTCAP),
        ),
        Case::new(
            "opens_rodir_pool_dir_onto_dir_pool_creat",
            Rights,
            Denied(NOTCAP),
        ),
        Case::new("opens_dir_onto_rodir_pool_creat", Rights, Denied(NOTCAP)),
        Case::new(
            "opens_dir_onto_rodir_pool_then_seek",
            Rights,
            Denied(NOTCAP),
        ),
        Case::new("opens_dir_onto_rodir_pool_reads", Rights, Allowed),
        Case::new(
            "opens_link_into_rodir_relative_creat",
            Rights,
            Denied(NOTCAP),
        )
        .changes(&["dir/tr"]),
        Case::new(
            "opens_link_into_rodir_relative_seek",
            Rights,
            Denied(NOTCAP),
        )
        .changes(&["dir/tr"]),
        Case::new(
            "opens_link_into_rodir_absolute_write",
            Rights,
            Denied(NOTCAP),
        )
        .changes(&["dir/kl"]),
        Case::new(
            "opens_link_into_rodir_creat_existing",
            Rights,
            Denied(NOTCAP),
        )
        .changes(&["dir/kl"]),
        Case::new("opens_opath_removed_dir_creat", Rights, Allowed),
        Case::new("opens_opath_removed_dir_dotdot", Rights, Denied(NOTCAP)),
        Case::new("opens_removed_dir_creat", Rights, Allowed),
        Case::new("opens_dir_file_onto_ro_pool_write", Rights, Denied(NOTCAP)),
        Case::new("opens_dup_closed_pool_number", Rights, Allowed),
        Case::new("opens_dupfd_closed_bad_minimum", Rights, Allowed),
        Case::new("opens_close_range_pool_then_mmap", Rights, Denied(NOTCAP)),
        Case::new("opens_threads_all_pooled", Rights, Denied(NOTCAP)).changes(&[
            "dir/t0.txt",
            "dir/t1.txt",
            "dir/t2.txt",
            "dir/t3.txt",
            "dir/t4.txt",
            "dir/t5.txt",
            "dir/t6.txt",
            "dir/t7.txt",
        ]),
        Case::new("opens_creat_directory_einval", Rights, Allowed),
        Case::new("opens_tmpfile_flags_einval", Rights, Allowed),
        Case::new("opens_opath_sub_moved_into_rodir", Rights, Denied(NOTCAP)),
        Case::new("opens_link_rodir_file_into_dir", Rights, Denied(NOTCAP)),
        // Landlock's reparenting check refuses it (the `O_PATH` descriptor
        // is in no class: the filter leaves a mediated call to Landlock).
        Case::new(
            "opens_link_rodir_opath_into_dir",
            Rights,
            Refused(REFER_XDEV),
        ),
        Case::new("opens_through_pooled_file", Rights, Allowed),
        Case::new("opens_after_caps_dropped", Rights, Allowed).changes(&[
            "dir/n.txt",
            "dir/nd",
            "dir/nd/f",
        ]),
        Case::new("opens_creat_owner_after_setfsuid", Rights, Allowed).changes(&[
            "dir/nd",
            "dir/nd/f",
            "dir/nd/new.txt",
            "dir/rootonly",
        ]),
        Case::new("opens_after_setgroups", Rights, Allowed).changes(&["dir/g.txt"]),
        // ---- metadata changes through `dir`'s pool (supervise/changed.rs) --
        // Made with the calling thread's credentials: the kernel's answer.
        Case::new("changed_fchown_after_setresuid", Rights, Allowed),
        Case::new("changed_futimens_after_setresuid", Rights, Allowed),
        Case::new("changed_fchown_after_setfsuid", Rights, Allowed),
        Case::new("changed_fchown_after_caps_dropped", Rights, Allowed)
            .changes(&["dir/inside.txt"]),
        Case::new("changed_fchmod_thread_own_credentials", Rights, Allowed)
            .changes(&["dir/inside.txt"]),
        Case::new("changed_fchmod_forked_child", Rights, Allowed).changes(&["dir/inside.txt"]),
        // Walked beneath the pool's directory, not the preopened one.
        Case::new("changed_pool_dir_fchmodat_dotdot", Rights, Denied(NOPATH)),
        Case::new(
            "changed_pool_dir_utimensat_symlink_up",
            Rights,
            Denied(NOPATH),
        )
        .changes(&["dir/sub/up"]),
        Case::new("changed_pool_dir_fchownat_nofollow_link", Rights, Allowed)
            .changes(&["dir/sub/up"]),
        Case::new("changed_futimens_flags_einval", Rights, Allowed),
        // `dir` holds `extattr_set` and `extattr_delete`.
        Case::new("changed_dir_pool_fsetxattr", Rights, Allowed)
            .changes(&["dir/inside.txt"])
            .skip(xattrs_unsupported),
        Case::new("changed_dir_pool_fremovexattr", Rights, Allowed).skip(xattrs_unsupported),
        Case::new("changed_dir_pool_fsetxattr_errors", Rights, Allowed).skip(xattrs_unsupported),
        Case::new("changed_opath_on_dir_pool_fsetxattr", Rights, Allowed),
        Case::new("changed_limited_file_fchmod", Rights, Denied(NOTCAP)),
        Case::new(
            "changed_limited_file_onto_dir_pool_fchmod",
            Rights,
            Denied(NOTCAP),
        ),
        // An ACL is `acl_set`'s, which `dir` lacks, not `extattr_set`'s.
        Case::new("changed_dir_pool_posix_acl", Rights, Denied(NOTCAP)).skip(xattrs_unsupported),
        Case::new("changed_dir_posix_acl", Rights, Denied(NOTCAP)).skip(xattrs_unsupported),
        Case::new("changed_dir_posix_acl_default", Rights, Denied(NOTCAP)).skip(xattrs_unsupported),
        Case::new("changed_dir_fsetxattr_user", Rights, Allowed)
            .changes(&["dir"])
            .skip(xattrs_unsupported),
        Case::new("changed_trusted_xattr_after_caps_dropped", Rights, Allowed)
            .changes(&["dir/inside.txt"])
            .skip(xattrs_unsupported),
        Case::new(
            "changed_rodir_file_on_dir_pool_fsetxattr",
            Rights,
            Denied(NOTCAP),
        )
        .skip(xattrs_unsupported),
        // `rodir`'s file on `dir`'s pool keeps `rodir`'s rights.
        Case::new(
            "changed_rodir_file_on_dir_pool_fchmod",
            Rights,
            Denied(NOTCAP),
        ),
        Case::new(
            "changed_rodir_file_on_dir_pool_fchown",
            Rights,
            Denied(NOTCAP),
        ),
        Case::new(
            "changed_rodir_file_on_dir_pool_futimens",
            Rights,
            Denied(NOTCAP),
        ),
        Case::new("changed_fchmod_dir_renamed_within", Rights, Allowed)
            .changes(&["dir/sub", "dir/sub2"]),
        Case::new("changed_fchmod_owner_in_unsearchable_dir", Rights, Allowed)
            .changes(&["dir/locked", "dir/locked/f"]),
    ];

    /// A probe that starts a thread in a `{ expr }` source, before entry: the
    /// backend must refuse to enter (exit 71, one line naming threads).
    /// Conformance cases of the reported kinds, named
    /// `escape::p7_reported::KIND::FAMILY::CASE`.
    fn reported_items<'a>(
        probe: &'a Path,
        kinds: &[&str],
        cases: &'a [cases::Case],
        baseline: bool,
    ) -> Vec<harness::Item<'a>> {
        let mut items = run::items(probe, cases, baseline);
        for (item, kind) in items.iter_mut().zip(kinds) {
            let rest = item.name.trim_start_matches("conformance::").to_owned();
            item.name = format!("escape::p7_reported::{kind}::{rest}");
        }
        items
    }

    /// A directory for the service scenarios' files.
    fn reported_scratch() -> PathBuf {
        let dir = std::env::temp_dir().join(format!("sandboxed-escape-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("scratch directory");
        dir
    }

    /// The reported service faults, scenarios of `service_probe` (each
    /// prints `ok: ` per check and panics on the first failure):
    /// `fileargs` descriptors hold the declared rights and nothing else,
    /// `net` `hosts` limit the service half, `fileargs(.., create, mode)`
    /// creates with that mode.
    fn service_items(scratch: &Path) -> Vec<harness::Item<'static>> {
        let limited = scratch.join("limited.txt");
        std::fs::write(&limited, "limited\n").expect("fileargs file");
        let created = scratch.join("created.txt");
        let replaced_dir = scratch.join("replaced");
        std::fs::create_dir_all(&replaced_dir).expect("fileargs directory");
        let replaced = replaced_dir.join("name.txt");
        std::fs::write(&replaced, "original\n").expect("fileargs file");
        let scenarios: [(&str, &str, Vec<String>, Option<PathBuf>); 4] = [
            (
                "fileargs_rights",
                "fileargs-rights",
                vec![limited.display().to_string()],
                None,
            ),
            ("net_hosts_service", "net-hosts", vec![], None),
            (
                "fileargs_replaced_name",
                "fileargs-replaced",
                vec![
                    replaced_dir.display().to_string(),
                    replaced.display().to_string(),
                ],
                None,
            ),
            (
                "fileargs_create_mode",
                "fileargs-create",
                vec![created.display().to_string()],
                Some(created),
            ),
        ];
        scenarios
            .into_iter()
            .map(|(name, scenario, args, created)| harness::Item {
                name: format!("escape::p7_reported::{name}"),
                // A name replaced after start: Capsicum opens the new file,
                // the Linux broker refuses it (row 1 (c)).
                documented: (scenario == "fileargs-replaced")
                    .then_some(differences::FILEARGS_NAMES_AT_START),
                run: Box::new(move || {
                    let out = std::process::Command::new(env!("CARGO_BIN_EXE_service_probe"))
                        .arg(scenario)
                        .args(&args)
                        .stdin(std::process::Stdio::null())
                        .output()
                        .map_err(|e| format!("starting service_probe: {e}"))?;
                    let stdout = String::from_utf8_lossy(&out.stdout);
                    if !out.status.success() || !stdout.contains("ok: ") {
                        return Err(format!(
                            "{} ({}):\n{stdout}{}",
                            scenario,
                            out.status,
                            String::from_utf8_lossy(&out.stderr)
                        ));
                    }
                    if let Some(path) = &created {
                        use std::os::unix::fs::PermissionsExt;
                        let mode = std::fs::metadata(path)
                            .map_err(|e| format!("{}: {e}", path.display()))?
                            .permissions()
                            .mode();
                        // The umask may take bits away, never add them.
                        if mode & 0o7777 & !0o640 != 0 {
                            return Err(format!("created with mode {mode:o}, declared 0o640"));
                        }
                    }
                    Ok(harness::Outcome::Passed(String::new()))
                }),
            })
            .collect()
    }

    fn multithreaded_entry_is_refused(probe: &Path) -> Result<(), String> {
        let out = std::process::Command::new(probe)
            .output()
            .map_err(|e| e.to_string())?;
        let stderr = String::from_utf8_lossy(&out.stderr);
        let stdout = String::from_utf8_lossy(&out.stdout);
        if stdout.contains("body ran") {
            return Err(format!(
                "ESCAPED: the body ran in a multithreaded process: {stdout}"
            ));
        }
        if out.status.code() != Some(sandboxed::SETUP_FAILURE_EXIT) {
            return Err(format!("exit {:?}, stderr {stderr:?}", out.status.code()));
        }
        let line = stderr.trim();
        if line.lines().count() != 1 || !line.starts_with("sandboxed: ") || !line.contains("thread")
        {
            return Err(format!("expected one line naming threads, got {line:?}"));
        }
        Ok(())
    }

    pub fn main() {
        let probe = Path::new(env!("CARGO_BIN_EXE_escape_probe"));
        let mut ok = true;

        // The two tables must name the same cases, each once.
        let probe_names: Vec<&str> = sandboxed_tests::escapes::all().map(|(n, _)| *n).collect();
        for case in CASES {
            if !probe_names.contains(&case.name) {
                println!(
                    "test escape::cases_agree ... FAILED: the probe has no case {}",
                    case.name
                );
                ok = false;
            }
        }
        for name in &probe_names {
            if CASES.iter().filter(|c| c.name == *name).count() != 1 {
                println!(
                    "test escape::cases_agree ... FAILED: {name} is not in the table exactly once"
                );
                ok = false;
            }
        }
        // Every promise has denials and positive twins.
        for p in [
            Namespaces, Processes, Network, Kernel, Rights, Inherited, Narrowing,
        ] {
            let of = |allowed: bool| {
                CASES
                    .iter()
                    .filter(|c| c.promise == p && matches!(c.expect, Allowed) == allowed)
                    .count()
            };
            if of(true) == 0 || of(false) == 0 {
                println!(
                    "test escape::coverage ... FAILED: {} lacks a denial or a positive twin",
                    p.tag()
                );
                ok = false;
            }
        }

        // Faults found in the backend, each whole kind: cases of the
        // conformance suite (their own declarations), and service
        // scenarios.
        let conformance = Path::new(env!("CARGO_BIN_EXE_conformance_probe"));
        let (kinds, reported): (Vec<&str>, Vec<_>) = cases::reported().into_iter().unzip();
        let scratch = reported_scratch();

        // `-- --baseline`: run the denials unsandboxed instead, to show each
        // could fail (see tests/src/bin/baseline_probe.rs).
        if std::env::args().any(|a| a == "--baseline") {
            let baseline = Path::new(env!("CARGO_BIN_EXE_baseline_probe"));
            let mut items = harness::case_items("baseline", probe, Some(baseline), CASES);
            items.extend(reported_items(conformance, &kinds, &reported, true));
            ok &= harness::run_items(&items);
            std::process::exit(if ok { 0 } else { 101 });
        }
        let mut items = harness::case_items("escape", probe, None, CASES);
        items.extend(reported_items(conformance, &kinds, &reported, false));
        items.extend(service_items(&scratch));
        ok &= harness::run_items(&items);
        let _ = std::fs::remove_dir_all(&scratch);

        let filters: Vec<String> = std::env::args()
            .skip(1)
            .filter(|a| !a.starts_with('-'))
            .collect();
        if filters.is_empty()
            || filters.iter().any(|f| {
                "escape::p6_inherited::multithreaded_entry_is_refused".contains(f.as_str())
            })
        {
            let threaded = Path::new(env!("CARGO_BIN_EXE_threaded_probe"));
            match multithreaded_entry_is_refused(threaded) {
                Ok(()) => {
                    println!("test escape::p6_inherited::multithreaded_entry_is_refused ... ok")
                }
                Err(why) => {
                    println!("test escape::p6_inherited::multithreaded_entry_is_refused ... FAILED\n    {why}");
                    ok = false;
                }
            }
        }
        if !ok {
            std::process::exit(101);
        }
    }
}
