//! The Linux backend: Capsicum's promises kept with Landlock (landlock(7))
//! and seccomp-bpf (seccomp(2)), plus the kernel's own access modes.
//!
//! - `syscalls.rs`: every system call, what its arguments are, how
//!   capability mode treats it and what its descriptors need, and why: the
//!   one table the filter is compiled from and denials are explained from
//!   (its words in `rules.rs`);
//! - `seccomp/`: the programs compiled from the table (capability-mode
//!   allowlist, per-descriptor rights, `ENOSYS` compat);
//! - `fds.rs`: limited descriptors are reopened with the narrowest access
//!   mode (`/proc/self/fd`) and moved into blocks of high numbers, one range
//!   per class of limits; pools, ranges reserved for descriptors limited
//!   after entry (those `fileargs` opens, `limits(...)`);
//! - `slots.rs`: pool numbers are never free (a placeholder on each unused
//!   one; closes there emulated by the `SIGSYS` handler);
//! - `walk.rs`: the walk of `Dir` methods beneath their directory;
//! - `confine.rs`: a [`Policy`](confine::Policy) applied with
//!   no_new_privs + Landlock + seccomp, reused by the service broker;
//! - `kernel.rs`: what the running kernel has;
//! - `trace/`: `SANDBOXED_TRACE` (trapped denials, explained from the table);
//! - `broker/`: the service broker (forked before entry).
//!
//! Which call is allowed, denied or answered how is the table's business;
//! the table below is the promises and where Linux differs from Capsicum.
//! The conformance suite (`tests/tests/conformance.rs`, derived from
//! google/capsicum-test) checks every operation against Capsicum's answer;
//! each difference below is a `KNOWN DIFFERENCE` case there.
//!
//! # Linux vs Capsicum
//!
//! Denials answer **`EPERM`** where Capsicum answers `ECAPMODE` (the call is
//! not allowed in capability mode) and **`EACCES`** where it answers
//! `ENOTCAPABLE` (the descriptor lacks the right; Landlock answers `EACCES`
//! for the rights of directories too). [`is_violation`] recognizes both
//! inside the sandbox. `clone3` and `openat2` answer `ENOSYS` so libc falls
//! back to calls seccomp can check; that is not a violation.
//!
//! The differences are eleven kinds, each lettered within its row; the
//! conformance and escape suites name the kind of every case that differs
//! (`KNOWN DIFFERENCE`, failing under `--strict`) and count the kinds met.
//!
//! | promise | mechanism | errno | differences from Capsicum |
//! |---|---|---|---|
//! | 1. no global namespaces: no lookup from `AT_FDCWD` or absolute paths; beneath a preopened directory only | seccomp: path calls without a descriptor (`open`, `stat`, `access`, `readlink`, `unlink`, `mkdir`, `rename`, `link`, `truncate`, `utimes`, `chmod`, `chown`, `chdir`, `fchdir`, `getcwd`, xattrs by path, `inotify_add_watch`, `name_to_handle_at`, `open_by_handle_at`) are not in the allowlist, `*at` calls are allowed only with a descriptor other than `AT_FDCWD`, `openat2` → `ENOSYS`; the lookups Landlock does not mediate (fstatat(2), statx(2), faccessat(2), faccessat2, readlinkat(2), `O_PATH` opens) and the metadata of a descriptor (fstat(2), fstatfs(2), `""` with `AT_EMPTY_PATH`, how glibc and std call fstat) go to the *supervisor* (`supervise.rs`, seccomp_unotify(2)), a process outside the filter that reads the path the filter cannot and, once the filter has found the rights Capsicum asks (`lookup`, and `fstat` for stat and access), walks it beneath a copy of the caller's directory as Capsicum walks (openat2(2) `RESOLVE_BENEATH`: no absolute path, `..` never above the directory, symbolic links only within it), from a preopened directory or one beneath it (an `O_PATH` directory opened elsewhere is refused), then makes the call on what the walk resolved ; the raw calls that open (any flags, `O_PATH` included), create, remove, rename, link or execute beneath a directory (openat(2), mkdirat(2), mknodat(2), symlinkat(2), unlinkat(2), renameat(2), renameat2, linkat(2), execveat(2): `supervise/walked.rs`) go there too: each path walked the same way (of a path to make, its directory, and a final symbolic link that `O_CREAT` follows must lead beneath it too), then the call made by the caller (`SECCOMP_USER_NOTIF_FLAG_CONTINUE`: the supervisor cannot create or execute in the caller's Landlock domain or image), which Landlock checks by place as any other, but for an openat(2) through a directory whose rights set has a pool (row 5 (b)), which the supervisor makes itself on what it walked (`supervise/opened.rs`: openat2(2) `RESOLVE_BENEATH` beneath its copy of the directory, with the caller's credentials and umask) and installs at a number of that pool (`SECCOMP_IOCTL_NOTIF_ADDFD`, seccomp_unotify(2)); an open with access mode 3 (`O_RDWR | O_WRONLY`, which Linux opens for neither reading nor writing, open(2), so Landlock's open check asks nothing of it, security/landlock/fs.c `get_required_file_open_access`, and a file a racing thread reached anywhere would be open for `fchmod`, `fchown`, `futimens`, `fsetxattr` and the inode-flag ioctls) answers `EINVAL` there, as FreeBSD's open(2) (sys/kern/vfs_syscalls.c `kern_openat`; attributes cases `accmode_3_*`), and so does an open whose flags Linux refuses before it looks anything up (`O_CREAT` with `O_DIRECTORY`, `O_TMPFILE` without write access: fs/open.c `build_open_flags`), before the walk, whose answer (`ENOENT`, `ENOTDIR`) would differ (escape cases `opens_*_einval`); it answers a descriptor's metadata where Capsicum would let the program hold it (any descriptor not `O_PATH`; an `O_PATH` one the program held at entry, that open file description itself (kcmp(2) `KCMP_FILE`), not another of the same file, or one of a place beneath a preopened directory); the path forms of chmod, chown and utimes (`fchmodat`, `fchmodat2`, `fchownat`, `futimesat`, `utimensat` with a path), which Landlock does not mediate either, go there too once the filter has found `fchmodat`, `fchownat` or `futimesat` (the change's right and `lookup`): walked the same way, and the change made on what the walk resolved; once a process under the filter changes its credentials (the set*id family, setgroups(2) and capset(2) are noted there, then made by the caller), it makes lookups and changes with the caller's (read from /proc/TID/status) (without Linux 6.9's thread pidfds there is no supervisor: a gap entry refuses by default); Landlock: opens and changes beneath the preopened directories only (absolute paths, `..` and symlinks resolved outside fail), each right mapped to the Landlock accesses it needs and no more (`mknodat`: by the node's type, never a device; renameat2(2) never with `RENAME_WHITEOUT`, which leaves a character device where the source was; `renameat_*`/`linkat_*`: the entries they make or remove); `Dir` methods walk beneath their directory as Capsicum does (`walk.rs`: no absolute path, `..` never above it, symlinks only within it, then the call on what the walk resolved with `O_NOFOLLOW`) | `EPERM` (seccomp), `EACCES` (Landlock, the walk), `EXDEV` (Landlock, rename/link across directories without the rights) | **(a) A racing thread reaches by place.** The supervisor walks each raw creation, removal, rename, link and exec, and each open it does not make itself (`O_PATH`, a FIFO, device or socket, a file on procfs, one beneath a directory with no pool: row 5 (b)), then lets the caller make it, and the kernel reads the path again: a program that rewrites the path from another thread between the walk and the call (or swaps a symbolic link it may write, or puts another directory at the descriptor's number) reaches what Landlock allows by place, a preopened directory holding the right, through `..`, an absolute path or a symlink (Capsicum: `ENOTCAPABLE` once the walk leaves the starting directory; escape case `racing_opath_other_preopen`; an open the supervisor makes is not raced: `racing_open_other_preopen`), never a place outside every preopened directory (`racing_open_outside`), except an `O_PATH` open, which Landlock does not mediate: it may land anywhere and tell that the place exists, nothing more (the supervisor answers no metadata, no change and no lookup through such a descriptor, nor through one of a file the program holds preopened without `fstat`; Landlock refuses opens beneath it and links from it: escape cases `opath_racing_*`); without the supervisor (`on_unsupported = "warn"` on a kernel that lacks it) every raw call is confined by place alone. **(b) What Landlock cannot grant exactly is refused** (fail closed): without the supervisor, no file is opened with access mode 3 (`O_RDWR \| O_WRONLY`, `EACCES`; the supervisor answers `EINVAL` as FreeBSD's open(2) does, after the filter has checked the directory's `lookup`); no device node can be made (`mknodat` with `S_IFCHR`/`S_IFBLK`, whatever the rights: Landlock's `make_char`/`make_block` are never granted, since a node made on Linux opens the device while FreeBSD serves devices from devfs alone); a program beneath a directory holding `fexecve` and `lookup` runs only if the directory holds `read` too (the exec's open needs Landlock's `read_file`), and so does a program file preopened with `fexecve` (Capsicum: `fexecve` alone; the file's own `read_file` rule would let any open of it by path, its own or /proc/self/fd/N through a directory descriptor, read it); without Landlock (kernel < 5.13) every lookup is denied, and without the supervisor (run with `on_unsupported = "warn"`) the path forms of chmod, chown and utimes are denied even beneath a directory holding the right (`EACCES`): open the file beneath it and use `fchmod`/`fchown`/`futimens`. **(c) `fileargs` names keep what they named at start**: the broker hands out only what each name resolved to when the service started and the files it created itself (a file to create is opened `O_EXCL` first; a file to truncate is truncated once known), so a name replaced (rename over it), created by another process or redirected after start (a symlink the program makes where it may) answers `EACCES` (libcasper's fileargs opens whatever the name resolves to, `open_file` in cap_fileargs.c), and a descriptor opened ahead (before entry, or the spare sent with an answer) is of what the name named when it was opened (libcasper caches only the *other* names, when the first request comes): the broker's Landlock rules for a named directory and for the directory of a file to create hold beneath them, and would otherwise open or truncate what nobody named. |
//! | 2. no new process images, no foreign processes | seccomp: no `execve`, and `execveat` only of a descriptor holding `fexecve` (fexecve(3)) or beneath a directory holding `fexecve` and `lookup` (Linux Capsicum's execveat), where Landlock checks `execute`; only a static program runs, as in Capsicum (a dynamically linked one's loader, its `PT_INTERP` path, lies outside every preopen and execveat(2) answers `EACCES`; FreeBSD refuses to load an interpreter in capability mode, `load_file` in sys/kern/imgact_elf.c, past the exec's point of no return, so the process ends there: conformance `fx_dynamic`); the image keeps the filter and the domain, `PR_SET_NO_NEW_PRIVS` keeps set-id bits off; no `ptrace`, `process_vm_*`, `pidfd_open`, `pidfd_getfd`, `kcmp`, `migrate_pages`, `move_pages`, `process_madvise`, `setpgid`, `capget`, `clone(CLONE_PARENT)`; prctl(2) `PR_SET_PDEATHSIG` only with `SIGKILL` (a compartment, which gets it before its code runs, dies with its parent as a pdfork(2) child does and cannot clear it; capability mode refuses procctl(2), `PROC_PDEATHSIG_CTL` included: capabilities.conf does not list it); `wait4`, and `waitid` but `waitid(P_PIDFD)`, as capability mode refuses `wait4`: a child is reaped through its process descriptor, as `pdwait` reaps a `pdfork` child (compartments are forked with `clone(CLONE_PIDFD)`, FreeBSD's with `pdfork`); priority and scheduling (`setpriority` of a process, group or user, `sched_setparam`, `sched_setscheduler`) of any process, as FreeBSD changes them for any process the caller may schedule (sys/kern/kern_resource.c `kern_setpriority`, sys/kern/p1003_1b.c: `p_cansched`): the kernel's own check decides (kernel/sys.c `set_one_prio`, kernel/sched/syscalls.c `user_check_sched_setscheduler`: the same user or `CAP_SYS_NICE`, and a target holding capabilities the caller lacks needs `CAP_SYS_NICE` too, security/commoncap.c `cap_safe_nice`), which Landlock does not scope; the queries capabilities.conf lists (`getpgid`, `getsid`, `getpriority`, `sched_getparam`, `sched_getscheduler`, `sched_rr_get_interval`) and a process's CPU clock (`clock_gettime`, `clock_getres`; not a device's, `CLOCKFD`) of any process, as FreeBSD answers them for any process the caller may see (`p_cansee`; sys/kern/kern_time.c `get_cputime`; Linux: any in its pid namespace, a thread's CPU clock only in the caller's thread group, kernel/time/posix-cpu-timers.c `lookup_task`); CPU affinity (`sched_setaffinity`, `sched_getaffinity`) only of the calling thread or its process, as capability mode takes only those (sys/kern/kern_cpuset.c `cpuset_check_capabilities`): 0 by the filter, a thread or process id by the supervisor (row 1), which tells the caller's own thread and process (`PIDFD_GET_INFO`, Linux 6.13) and lets the call through for those alone; the Linux-only calls (`prlimit`, `sched_setattr`/`sched_getattr`, `ioprio_get`/`ioprio_set`, `get_robust_list`, a timer or sleep on a CPU clock, which FreeBSD has not: `kern_ktimer_create`, `kern_clock_nanosleep` answer `EINVAL`) only of the caller, as 0, where they are no difference from Capsicum; signals (`kill`, `tkill`, `tgkill`, `rt_*sigqueueinfo`, `pidfd_send_signal`, `F_SETOWN`) only to a process id (never 0, -1 or a process group) and only with Landlock's signal scope (ABI 6), which refuses a target outside the caller's domain: every child forked after entry (`pthread_atfork`) and every compartment gets a domain of its own, so none can signal or trace its parent or its siblings; without ABI 6 no signal at all; then `kill`, `tkill`, `tgkill` and `rt_*sigqueueinfo` go to the supervisor (row 1), which tells the caller's process by a pidfd of its thread (`PIDFD_GET_INFO`, Linux 6.13) and lets the call through only when it names that process (tgkill's, rt_tgsigqueueinfo's thread group, tkill's thread's group; tkill(2) of a thread outside it answers `ESRCH`, as FreeBSD's thr_kill(2), which finds the caller's own threads only, sys/kern/kern_thr.c), as sys_kill lets a process in capability mode signal only itself (sys/kern/kern_sig.c; capmode.cc `SelfKill`): each process, a compartment or a child forked after entry too, signals itself (`raise`, `abort`, `pthread_kill` of its own threads) and no other by its id, its children included; children are signalled through their pidfd (`CLONE_PIDFD`), like `pdkill` | `EPERM` | **(a) Signals through descriptors follow Landlock domains.** `F_SETOWN`: FreeBSD accepts any process or group of the caller's session and delivers its `SIGIO` there (`fsetown`, sys/kern/kern_descrip.c); here a group is refused (`EPERM` by the filter, before the descriptor's `fcntl` right is looked at, where Capsicum answers `ENOTCAPABLE` without it; conformance `fcntl(setown_group)`) and another process accepted, its `SIGIO` dropped at delivery (Landlock checks the delivery). `pidfd_send_signal` reaches the caller's domain and those nested in it, not a process outside them whose pidfd was handed in (pdkill(2): any process descriptor holding `CAP_PDKILL`). A child that cannot get a domain of its own (Landlock allows 16 layers) exits at once with status 125. A signal by id answers `EPERM` where FreeBSD lets it through: rt_sigqueueinfo(2) to another process (sigqueue(2), which capabilities.conf lists, checks only `p_cansignal` in `kern_sigqueue`, sys/kern/kern_sig.c, so Capsicum lets it reach any process the caller may signal: refused here as kill(2) is, fail closed). A thread tkill(2) names is the caller's when judged; should it end and its number be reused before the call is made, the signal goes to the new thread, within the domains Landlock's signal scope allows (`supervise.rs`, Limits). Without `PIDFD_GET_INFO` (Linux < 6.13) signals by id keep to the domains: a child made with the raw `clone(2)` system call (not fork(3), nor a compartment) shares its parent's domain and can signal it, and a process can signal the children it forks after entry (Landlock lets a domain signal the domains nested in it; Capsicum: only through a process descriptor). Each signal by id waits for the supervisor's answer, as every call it answers does (a handler without `SA_RESTART` run before the supervisor has received the call makes it fail with `EINTR`, seccomp_unotify(2); once received, only a fatal signal interrupts it, `SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV`). **(b) CPU affinity by id needs Linux 6.13**: without `PIDFD_GET_INFO` the supervisor cannot tell the caller's own thread or process from another, so affinity takes the caller only as 0: `sched_getaffinity(getpid())` and `sched_setaffinity(gettid())` answer `EPERM` (FreeBSD's cpuset_getaffinity(2) and cpuset_setaffinity(2) take the caller's own thread or process id too, `cpuset_check_capabilities`), glibc's pthread_getattr_np(3), which std calls as each thread starts, among them. |
//! | 3. no new network endpoints | seccomp: `socket`/`socketpair` only `AF_UNIX` stream/seqpacket, no `connect`, `bind`; `sendto` only without an address (`send`, `write`, `writev` remain); `sendmsg`/`sendmmsg` only without an address: their `msg_name` is behind a pointer seccomp cannot read, so the supervisor reads the message once and makes the call itself on its copy of the socket (`supervise/sent.rs`: a thread rewriting the message meanwhile changes nothing sent; a `msg_name` of length 0 is no address, as net/socket.c `__copy_msghdr` takes it), refusing an address (Capsicum: `kern_sendit` in sys/kern/uipc_syscalls.c, `ECAPMODE`), `MSG_FASTOPEN` (a connect), `SCM_CREDENTIALS` and the control messages other than `IP_TTL`, `IP_TOS`, `IPV6_HOPLIMIT`, `IPV6_TCLASS` (`IP_RETOPTS` can source-route to another first hop, net/ipv4/udp.c `udp_sendmsg`; `SO_MARK` and `SO_PRIORITY` are checked against the sender's capabilities, net/core/sock.c `__sock_cmsg_send`), and `MSG_ZEROCOPY`; without a supervisor they are denied; Landlock: TCP bind/connect handled with no rule (ABI 4), abstract unix sockets scoped (ABI 6) | `EPERM` (seccomp, the supervisor), `EACCES` (Landlock) | Without a supervisor `sendmsg`/`sendmmsg` are denied even without an address. With one: `SCM_CREDENTIALS` is refused even with the caller's own credentials (the kernel checks them against the sender's, net/core/scm.c `scm_check_creds`, and the sender is the supervisor), and so are IP options and the other control messages above (Capsicum passes them); a receiver asking for the sender's credentials (`SO_PASSCRED`, `SO_PASSPIDFD`) gets the supervisor's process id (its user and groups are the program's at entry); once a process under the filter has changed its credentials every `sendmsg`/`sendmmsg` is refused (the supervisor's would be sent); a send that waits is made by a child of the supervisor, and a handled signal does not interrupt it (seccomp_unotify(2)); at most 4 MiB of a message is read (a stream's send is then partial, a larger datagram `EMSGSIZE`) and 128 KiB of control data (`ENOBUFS`); `SCM_RIGHTS` of a limited descriptor is refused: row 5 (a). |
//! | 4. no kernel surface that bypasses the filter | seccomp allowlist: `io_uring_*`, `bpf`, `perf_event_open`, `userfaultfd`, `keyctl`/`add_key`/`request_key`, mount family, `unshare` (but `CLONE_THREAD` alone, which unshares nothing)/`setns`, `clone` with `CLONE_NEW*`, `chroot`/`pivot_root`, SysV IPC, `mq_*`, `reboot`, module loading, clock setting, `personality`, `seccomp` are absent (`landlock_*` are allowed: a nested domain only takes access away); `madvise` but its memory-failure injection (`MADV_HWPOISON`, `MADV_SOFT_OFFLINE`, which poison or take offline the physical pages behind a range, shared page cache included; FreeBSD's madvise(2) has no such advice); timers and sleeps on the alarm clocks (`CLOCK_REALTIME_ALARM`, `CLOCK_BOOTTIME_ALARM`: `timer_create`, `timerfd_create`, `clock_nanosleep`), which program the real-time clock to wake the system (FreeBSD has no such clock; reading them stays allowed); `ioctl` only with a command from a fixed allowlist, on any descriptor: what `ioctls(...)` can declare (`FIONREAD`, `FIONBIO`, `FIOASYNC`, `FIOCLEX`, `FIONCLEX`, `TCGETS`/`TCSETS*`, `TIOCGWINSZ`, `TIOCSWINSZ`, `TIOCGPGRP`), `TIOCOUTQ`, `FIOQSIZE` and the inode flags (`FS_IOC_[GS]ETFLAGS`, `FS_IOC_FS[GS]ETXATTR`), so no network configuration (`SIOCS*`, wireless, tun, bridge), no filesystem-wide ioctls (`FIFREEZE`/`FITHAW`/`FITRIM`, `FICLONE`/`FIDEDUPERANGE`), no `TIOCSTI`, no `FIOSETOWN`; the i386 entry answers `EPERM` (arch check), x32 numbers match nothing; `memfd_create` allowed, its descriptor never executed (FreeBSD cannot `fexecve` an anonymous shared memory object either: no vnode) | `EPERM`; `clone3` → `ENOSYS` | **(a) A memfd made after entry is made executable, not mapped so; and a racing thread**: seccomp cannot see which mapping `mprotect` changes, so `mprotect`/`pkey_mprotect` adding `PROT_EXEC` go to the supervisor (`supervise/protected.rs`), which reads the caller's mappings (/proc/TID/maps) and lets the call through where each mapping in the range (its address untagged as the kernel untags it: arm64's top byte, x86_64 LAM's bits) may be executable, as Capsicum allows it within the mapping's maximum protection (vm_map_protect; vn_mmap fixes a file's from the descriptor's rights): anonymous memory (private, and shared, which Linux backs with its internal `/dev/zero`, named by the program or not), the image and libraries mapped before entry, a memfd no descriptor held at entry limits (made after entry, in no class, where Capsicum gives it every right), and a file the program holds with `mmap_x` (a descriptor held at entry and still held at its number, not narrowed since with `limits(...)`, whose inode the supervisor holds so that its number names no other file once the program closes and unlinks it, or beneath a preopened directory holding it; Capsicum asks it of the descriptor the mapping was made through: a file mapped through a descriptor without `mmap_x` that the program also holds with it is let through), `EACCES` otherwise; `mmap` with `PROT_EXEC` maps anonymous memory, and a file only through a descriptor with `mmap_x`. A memfd made after entry may be made executable (escape case `memfd_mprotect_exec`) but not mapped so: mmap(2) with `PROT_EXEC` of a descriptor in no class is refused, the filter telling no memfd from a file opened in no class without `mmap_x` (escape case `memfd_mmap_exec`: map it, then mprotect(2) it); a thread that maps a file over the range (`MAP_FIXED`) between the supervisor's look and the call makes that mapping executable (no case: a race; what it executes the program could read and copy into anonymous memory); without a supervisor every `PROT_EXEC` change is refused (`EACCES`). JITs work inside. **(b) ioctl commands only from the allowlist**: Capsicum allows every ioctl on a descriptor with `CAP_IOCTL` (narrowed by `cap_ioctls_limit`); on Linux ioctls reach beyond the descriptor (interfaces, whole filesystems), so commands off the allowlist answer `EPERM` even when `ioctl` is granted without a list, device ioctls beneath a directory with `ioctl` included. |
//! | 5. per-descriptor rights | access mode reopened to the narrowest (`O_RDONLY`/`O_WRONLY`/`O_PATH`, read-write when a right needs it: `mmap_w`, `seek` and `fcntl` alone on an open file) for regular files and directories, and for standard streams that are pipes, FIFOs, terminals or memory devices (`/dev/null`...; regular files and sockets among them keep their mode and are limited by the filter); seccomp rights rules per class of descriptor numbers (in the one program, or, when they make it longer than `BPF_MAXINSNS`, in as many deny-only programs stacked before it as needed; about 30 instructions per class of distinct rights, so several hundred distinct rights sets fit the kernel's 32768): read/write/seek/pread/fstat/ftruncate/fsync/fchmod/fchown/futimes/flock/mmap prot/ioctl list/fcntl list and the commands with rights of their own (`F_SETSIG`, leases, `F_NOTIFY`, pipe sizes, seals)/lookup-family/sockets/event and `epoll_ctl`; an explicit offset in `splice`, `sendfile`, `copy_file_range` needs `pread`/`pwrite`, `fallocate` `pwrite` (as FreeBSD's `posix_fallocate`); `fileargs` descriptors arrive in a pool of numbers reserved at setup whose class holds the declared rights (as `cap_rights_limit` in `fileargs_open`); `dup`, `F_DUPFD` of a limited descriptor made by the supervisor into a pool of its limits (below), `dup2`/`dup3` onto one denied, `dup2`/`dup3` only into a pool within its limits; a descriptor opened beneath a directory holding `lookup` holds the directory's rights (below); `sendmsg`/`sendmmsg` (`SCM_RIGHTS`) of a descriptor in a class refused by the supervisor (row 3) | `EACCES`; `EBADF` for read/write against the access mode, which the filter leaves to the kernel (so that read/write stay in the kernel's seccomp action cache); [`is_violation`] cannot tell that `EBADF` from a closed descriptor's, `is_violation_on(fd, ..)` can, and `File` handles answer it as `EACCES` | **(a) Rights live with the descriptor *number*, fixed at entry**, and the filter reads no memory: a copy of a limited descriptor (`dup`, `F_DUPFD`, `F_DUPFD_CLOEXEC`; Capsicum copies the rights along, dup(2)) is made by the supervisor at a number of a pool of its limits (a standard stream's, a `fileargs` descriptor's and one narrowed after entry too; `supervise/copied.rs`; `F_DUPFD` with a minimum above the pool answers `EMFILE`; the pool of a directory's rights set, 256 numbers, or one of 64 for another set, fewer where the descriptor table is short of room; `EMFILE` beyond), not the lowest free number, its limits cut as that pool's are (row 5 (b)), and a copy of a descriptor narrowed to `O_PATH` (rights that read, write or map nothing) is a new open file description of its file, opened for reading with the caller's credentials (`SECCOMP_IOCTL_NOTIF_ADDFD` takes the supervisor's descriptor with fget(), which skips `O_PATH` files: fs/file.c `__fget`; the filter lets nothing use what it is opened for), so a copy of one whose file the caller may not read (a directory it may search but not list) is refused, and so is a copy of an `O_PATH` descriptor the program moved into a pool whose rights need an open file (Capsicum: an `O_PATH` copy), and that open is seen outside as an open of the file: it breaks a write lease another process holds on it (fcntl(2) `F_SETLEASE`: its holder gets `SIGIO`, break_lease in fs/locks.c) and raises inotify and fanotify open events, where Capsicum's dup(2) opens nothing; a limited descriptor cannot be copied onto a number of the program's choosing (`dup2`, `dup3`: only into a pool within its limits) nor passed over a Unix socket: the supervisor, which makes `sendmsg`/`sendmmsg` (row 3), refuses an `SCM_RIGHTS` descriptor at a number of a class (a preopened or `limits(...)` descriptor, a pool's, a standard stream's, a placeholder: `EACCES`; its receiver would hold it without its limits, where Capsicum passes it with its rights, rights(4)) and passes the others (pipes, sockets, memfds made after entry, in no class: Capsicum gives them every right), taking each from the caller (pidfd_getfd(2)) when it reads the message, so a thread putting a limited descriptor in the message meanwhile passes nothing (escape cases `socketpair_scm_rights_ro`, `racing_sendmsg_rights`); without a supervisor `sendmsg`/`sendmmsg` are denied; receiving descriptors (from a service) works; rights are narrowed after entry (`limits(...)`: `sandboxed::rights::limit`, the handles' `limit`) by moving the descriptor into the pool of numbers reserved for its set at setup (`max` numbers, 64 by default; `EMFILE` beyond, the descriptor closed), not at its own number: a pool number keeps its set's limits for the life of the process and is never free, so no descriptor made after entry inherits or loses rights there (Capsicum: a new descriptor has its own rights): at setup each number holds a *placeholder* (a copy of one eventfd(2), `slots.rs`: nothing to read, nothing looked up, executed or mapped through it), limiting replaces one (dup3(2), atomic: no other thread's open(2) takes the number in between), and closing a pooled descriptor (its handle dropped, close(2), close_range(2) over it) puts the placeholder back: the filter traps those calls (`SECCOMP_RET_TRAP`) and the `SIGSYS` handler emulates them (the old open file description is closed, the call answers 0), so open(2) and dup(2) give `EMFILE` rather than a pool number and `F_DUPFD` from inside a pool lands above it or gives `EMFILE`; the `SIGSYS` action cannot be changed after entry (rt_sigaction(2): `EPERM`) and a `SIGSYS` the program blocked kills it when a close traps (fail closed); only an explicit `dup2`/`dup3` of a descriptor onto a pool number within its limits puts it there (narrowing it, as cap_rights_limit(2) of a copy), and a later `limit` leaves it alone (placeholders are told apart by poll(2) readiness in step with their source: a program driving a descriptor's readiness in step with it could have it replaced, by one with the same limits); close_range(2) keeps the placeholders' source (a number above the pools); across fexecve(2) the new image inherits the placeholders (no `FD_CLOEXEC`) but neither the pooled descriptors (`FD_CLOEXEC`), nor the placeholders the program marked `FD_CLOEXEC` (`F_SETFD`, close_range(2) with `CLOSE_RANGE_CLOEXEC`), nor the handler: there a pool number closed on exec is free again (a descriptor landing on it when every lower number is taken gets the pool's limits: fewer rights, never more) and close(2) of a pool number kills the image with `SIGSYS`; meanwhile the numbers of the descriptors limited at setup lie above `RLIMIT_NOFILE`, fixed at entry (soft and hard) to the lowest of them, so that no descriptor made after entry lands on one when they are closed (open(2) and dup(2) allocate below it, `F_DUPFD` answers `EINVAL`, dup2(2) `EBADF`; `setrlimit`/`prlimit64` of `RLIMIT_NOFILE` answer `EPERM`, where Capsicum lets a program change its limits); a standard stream's number cannot be put there, so entry refuses a stream declared with a right beyond `stdio`'s limits that a descriptor opened after entry lacks (it would pass to the next descriptor opened once the stream is closed), and a directory limited after entry to a set holding `lookup` gives what is opened beneath it that set's rights (its pool, row 5 (b); Capsicum: the narrowed directory's rights), to a set without `lookup` nothing is opened beneath it; and since the filter cannot tie mprotect(2) to a descriptor, mprotect(2) adding `PROT_WRITE` goes to the supervisor wherever a class open for writing (or a pool, whose access mode the filter does not trust) holds `mmap` without `mmap_w` (`judge::writes_judged`), which lets a shared mapping of a file become writable only where the program holds the file with `mmap_w` (held at entry and still at its number, not narrowed since, or beneath a preopened directory holding `mmap_w` and `write`), where it was mapped shared before entry through a descriptor open for writing (a mapping made again at that place and offset passes for it: test `mprotect_before`), or where it is a memfd no descriptor held at entry limits (`supervise/protected.rs`; Capsicum bounds the mapping's maximum protection by the rights of the descriptor it was made through, vn_mmap in sys/kern/vfs_vnops.c: here a file mapped through a descriptor without `mmap_w` that the program also holds with it, or a memfd made after entry and moved into a pool, may become writable, and a thread mapping a file over the range between the supervisor's look and the call makes that mapping writable, as row 4 (a) says of executable memory; conformance `mprotect(w)`), so `mmap_r` suffices to map it shared, as there; without a supervisor a shared mapping of such a descriptor needs `mmap_w` even to read. **(b) Descriptors opened beneath a directory hold its rights, cut as a pool's**: each rights set of a directory holding `lookup` gets a pool at entry (`inherited.rs`, 256 numbers, fewer where the descriptor table is short of room; no placeholder is put there), the supervisor opens beneath such a directory and installs the descriptor there (row 1; Capsicum: rights(4), the new descriptor takes the directory's rights, `kern_openat` in sys/kern/vfs_syscalls.c), and the filter limits it from its first use on, a directory opened beneath included (and, through it, what is opened beneath that). A pool's limits are cut to what a descriptor outside every class may use (a descriptor in no class may be moved into a pool with dup2(2); a close of these pools is not trapped, so a number freed may take the kernel's next descriptor once every lower number is in use, and one the kernel gives out there while the supervisor installs a descriptor at it is replaced), but for the rights a need asks of the places where a call could act (the changes of a file's metadata that Landlock does not mediate, `fchmod`, `fchown`, `futimens`, `fsetxattr`, `fremovexattr`, the inode-flag ioctl(2) setters, and with them `ioctl` for every other command of the pool's list, their forms through such a directory, fchmodat(2), fchownat(2), utimensat(2), futimesat(2), `fstat` for a lookup through it, and the creations, renames and links Landlock grants by place, `renameat_*`, `linkat_*`), which a descriptor outside every class may use only where *every* preopened directory where the call could act holds them, and `fexecve`, which it may never use, asked only in a call the supervisor answers (execveat(2)): those the pool keeps (`judge::checkable`), and each call needing one goes to the supervisor (`checked_rights` in `supervise.rs`; `supervise/changed.rs` makes the metadata changes on its copy of the descriptor), which answers it only where the descriptor's file (for a path form, the directory walked beneath) is, or lies beneath, a preopened directory holding the right, found by its name (the program could open it with that right there), or is the file the supervisor opened beneath such a directory and installed at that number, whose inode it holds (`State::installed`: the descriptor keeps the directory's rights wherever the file goes, unlinked or renamed out of every such directory, as rights(4) has it; escape cases `beneath_opened_unlinked_*`; not an `O_PATH` descriptor of the file put at that number, which holds the rights of the directory it was opened beneath: test `record_opath`), and `EACCES` otherwise (escape cases `beneath_opened_fchmod`, `opens_opath_rodir_on_dir_pool_*`; conformance families `inherit::ix_two`, `inherit::ix_make`, `fexecve@file:prog`): the record of a number is its last install, so a file renamed out of every such directory or unlinked is refused through a number another process under the filter (a child forked after entry) has installed at since, or through a copy at another number; and while the record lasts (until the number is installed at again) the inode's space, its file unlinked and closed, is not freed; an inode-flag setter must be in the list of that directory's `ioctls(...)` too (conformance family `inherit::ix_two`). An attribute named `system.` (an access control list, acl(5): `system.posix_acl_access`, which sets the mode too, fs/posix_acl.c `posix_acl_update_mode`, `system.posix_acl_default`) is set or removed only through a descriptor that holds `acl_set` or `acl_delete` as well as `extattr_set` or `extattr_delete` (Capsicum: `__acl_set_fd` and `__acl_delete_fd` need `CAP_ACL_SET` and `CAP_ACL_DELETE`, sys/kern/vfs_acl.c): where a descriptor may hold the attribute's right without the ACL's, every fsetxattr(2) and fremovexattr(2) goes to the supervisor, which reads the name (`judge::acl_unheld`, `supervise/changed.rs`; escape cases `changed_dir_posix_acl*`, `changed_dir_pool_posix_acl`); without a supervisor, `extattr_set` sets an ACL too; and an ACL is read (fgetxattr(2) of a `system.` name) only through a descriptor that holds `acl_get` as well as `extattr_get`, and listed (flistxattr(2): the `system.` names are left out of the list otherwise) only through one holding `acl_get` as well as `extattr_list` (Capsicum: `__acl_get_fd` needs `CAP_ACL_GET`; FreeBSD keeps ACLs apart from extended attributes: conformance case `fo_extattr_get::xattr(acl_get)`). Such a descriptor takes a number of the pool, not the lowest free one (open(2)), and at most that many are open at once per rights set (`EMFILE` beyond, found before anything is made). An open through a directory in no class (an `O_PATH` one, which the caller opens itself) that lies beneath preopened directories goes into the pool of the narrowest of them, its flags judged against that pool's rights (Capsicum: the rights of the directory it came from, at least those; where none of them is the narrowest, the caller opens it; a preopened directory narrowed after entry with `limits(...)` counts with the rights it had at entry). An open that would wait for a lease to be broken (fcntl(2) `F_SETLEASE`) waits as the kernel's does: the supervisor, which opens `O_NONBLOCK` and must never wait, hands it to a child of its own that tries it again every 100 ms until the lease is given up or broken (proc(5) `lease-break-time`), installs the descriptor at a number it keeps for it, and answers the call (`supervise/opened.rs`; test `leases`); a handled signal does not interrupt that wait (seccomp_unotify(2)), and the supervisor does not record that file as installed, so its metadata changes are found by its name alone. The opens the supervisor leaves to the caller (`O_PATH`, FIFOs, devices, sockets, files on procfs, beneath a directory neither preopened nor beneath one; a program that may make FIFOs and rename beneath a directory can swap a regular file in after the supervisor found a FIFO there, `supervise/opened.rs`), and every descriptor without a supervisor (`on_unsupported = "warn"` on a kernel without one), are in no class: files opened beneath a directory then get its Landlock rights (read, write, truncate, device ioctl), the calls above what every place holds, the `*at` calls through a directory opened beneath one what every preopened directory where the call could act holds, and their other rights (fstat, seek, mmap, fcntl...) are not limited; memfds, pipes and sockets made after entry are in no class either (Capsicum gives them every right). A `fileargs` descriptor is one of them while the program holds it before the library moves it into its pool, and a program that receives it itself (recvmsg(2) on the service's channel) keeps it there (libcasper limits it in the service, `open_file` in cap_fileargs.c): for the calls Landlock does not mediate (`fchmod`, `fchown`, `futimens`, `fsetxattr`, `fremovexattr`, the inode-flag ioctls, `fstatat` through it) every `fileargs` declaration counts among those places, so a right it lacks is denied outside every class (fail closed), and its other rights are not limited (seek, fstat, fcntl; `ftruncate` and writes at any offset when it is opened for writing). **(c) A thread racing a poll's check polls by number**: the descriptors of poll(2), ppoll(2), select(2) and pselect6 lie in memory the filter cannot read, so where a class lacks `event` the supervisor reads them (`supervise/polled.rs`): a descriptor without `event` answers `POLLNVAL` in a poll answered at once, the others polled without waiting, as FreeBSD's pollscan does, and fails a select with `EACCES` (selscan: `ENOTCAPABLE`), after the timeout and signal mask are checked as both kernels check them (a poll answered there does not apply ppoll's or pselect6's signal mask: a signal it would unblock is delivered later, where FreeBSD delivers it on return); when every descriptor holds `event` the caller makes the call, which may block, and the kernel reads the array again, so a thread rewriting it meanwhile polls a descriptor without `event` and learns its readiness, nothing more (escape case `racing_poll_event`). **(d)** `fpathconf(3)` is `fstatfs(2)` on Linux: it needs `fstatfs`. |
//! | 6. every thread and child | entry refused unless single-threaded (`unshare(CLONE_THREAD)` answers `EINVAL` while other threads exist); Landlock domain and seccomp filters (TSYNC) are inherited across `clone`/`fork` and cannot be removed; `PR_SET_NO_NEW_PRIVS` | — | — |

mod broker;
mod caches;
pub(crate) use super::unix::compartment;
pub(crate) mod confine;
mod fds;
mod inherited;
mod judge;
mod kernel;
mod narrow;
pub(crate) mod process;
mod rules;
mod seccomp;
mod slots;
mod supervise;
mod syscalls;
mod trace;
mod walk;

pub(crate) use trace::{beneath, park, thread_id, unpark};

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::sync::atomic::{AtomicBool, Ordering};

use landlock::{AccessFs, BitFlags};

use crate::decl::{Plan, ServiceDecl, Stdio};
use crate::error::{Error, Failure};
use crate::rights::{Limits, RightSet};
use crate::steps::{times, Backend};
use crate::trace::Mode;

pub(crate) use broker::Channel;
use kernel::{Gap, Kernel};
pub(crate) use narrow::limit_after;

/// Numbers of a `fileargs` pool: how many of the program's descriptors
/// may be open at once (those the channel opened ahead, before entry or as
/// spares, give their numbers up to the program's opens: `Channel`).
const FILEARGS_POOL: u32 = 64;

/// Set once the confinement is applied; inherited by forked children.
static ENTERED: AtomicBool = AtomicBool::new(false);

/// The Linux backend.
#[derive(Debug)]
pub(crate) struct Native {
    /// What `SANDBOXED_TRACE` asked for.
    trace: Mode,
    fds: fds::Table,
    beneath: Vec<(OwnedFd, BitFlags<AccessFs>)>,
    /// The limits of each directory placed (`inherited.rs`).
    dirs: Vec<Limits>,
    /// The limits of each other descriptor placed, and of the standard
    /// streams (their copies get a pool too).
    files: Vec<Limits>,
    /// The pool of each `limits(...)` set and of each `fileargs`
    /// declaration.
    limit_pools: Vec<(Limits, fds::Pool)>,
    /// The service broker, preparing itself while the program enters.
    broker: Option<broker::Starting>,
}

impl Native {
    /// The backend with tracing off.
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) fn new() -> Self {
        Native::with_trace(Mode::Off)
    }

    /// The backend for `SANDBOXED_TRACE` mode `trace`.
    pub(crate) fn with_trace(trace: Mode) -> Self {
        Native {
            trace,
            fds: fds::Table::default(),
            beneath: Vec::new(),
            dirs: Vec::new(),
            files: Vec::new(),
            limit_pools: Vec::new(),
            broker: None,
        }
    }
}

impl Native {
    /// Limits `fd` to `limits` at its number (a descriptor handed to a
    /// compartment, which its code knows by that number): the access mode
    /// reopened to the narrowest over it, and a class of its own in the
    /// rights filter, as a standard stream gets.
    pub(crate) fn limit_at(&mut self, fd: RawFd, limits: &Limits) -> Result<(), Failure> {
        if self.trace.enforces() {
            // SAFETY: F_DUPFD_CLOEXEC of a descriptor the caller owns.
            let copy = unsafe { libc::fcntl(fd, libc::F_DUPFD_CLOEXEC, 0) };
            if copy < 0 {
                return Err(Failure::last_os_error("fcntl(F_DUPFD_CLOEXEC)"));
            }
            // SAFETY: `copy` is a new descriptor owned by nothing else.
            let copy = unsafe { OwnedFd::from_raw_fd(copy) };
            let prepared = fds::prepare(copy, limits, true)?;
            if prepared.dir {
                // What is opened beneath it holds its rights
                // (`inherited.rs`), as beneath a preopened directory.
                self.dirs.push(*limits);
            }
            let narrowed = prepared.fd;
            // SAFETY: dup3 of the narrowed description over `fd`, which
            // the caller owns and wants replaced.
            if unsafe { libc::dup3(narrowed.as_raw_fd(), fd, libc::O_CLOEXEC) } < 0 {
                return Err(Failure::last_os_error("dup3"));
            }
        }
        self.fds.stdio(fd, limits);
        Ok(())
    }

    /// Reserves a pool for each rights set of the directories placed and
    /// of the `limits(...)` sets that hold `lookup` (descriptors opened
    /// beneath them, and copies), and a smaller one for each other set
    /// of the descriptors placed (copies alone), and records which
    /// descriptors' pool each is (`inherited.rs`), where a supervisor
    /// opens and copies for them (without one, the kernel's opens give
    /// descriptors in no class, as Landlock confines them by place, and
    /// copies are refused).
    fn reserve_inherited(&mut self) {
        let kernel = Kernel::running();
        if !(kernel.seccomp && kernel.notify) {
            return;
        }
        let beneath = inherited::sets(
            self.dirs
                .iter()
                .chain(self.limit_pools.iter().map(|(l, _)| l)),
        );
        let mut copies: Vec<Limits> = Vec::new();
        let others = self
            .files
            .iter()
            .chain(self.limit_pools.iter().map(|(l, _)| l));
        for l in others {
            if !beneath.contains(l) && !copies.contains(l) {
                copies.push(*l);
            }
        }
        let (beneath_size, copies_size) =
            inherited::sizes(beneath.len(), copies.len(), self.fds.room());
        let sizes = beneath
            .iter()
            .map(|l| (l, beneath_size))
            .chain(copies.iter().map(|l| (l, copies_size)));
        let mut pools = Vec::with_capacity(beneath.len() + copies.len());
        for (limits, size) in sizes {
            // No room: descriptors opened beneath such a directory are in
            // no class, and its copies are refused, as without a
            // supervisor.
            let Some(pool) = self.fds.inherited_pool(limits, size) else {
                continue;
            };
            inherited::register(pool.lo as u32, pool.hi as u32, pool, *limits);
            pools.push((*limits, pool));
        }
        let pool_of = |l: &Limits| pools.iter().find(|(p, _)| p == l).map(|(_, p)| *p);
        for c in self.fds.classes().iter().filter(|c| !c.pool) {
            if let Some(pool) = pool_of(&c.limits) {
                inherited::register(c.lo, c.hi, pool, c.limits);
                self.fds.mark_copied(c.lo, c.hi);
            }
        }
        for (limits, from) in &self.limit_pools {
            if let Some(pool) = pool_of(limits) {
                inherited::register(from.lo as u32, from.hi as u32, pool, *limits);
                self.fds.mark_copied(from.lo as u32, from.hi as u32);
            }
        }
    }
}

impl Backend for Native {
    type Channel = Channel;
    type Gap = Gap;

    fn trace_mode(&self) -> Mode {
        self.trace
    }

    fn missing(&mut self, plan: &Plan) -> Vec<Gap> {
        Kernel::running().missing(plan)
    }

    fn limit(&mut self, fd: OwnedFd, limits: &Limits) -> Result<OwnedFd, Failure> {
        // SANDBOXED_TRACE=dry-run enforces nothing, access modes included.
        let ready = fds::prepare(fd, limits, self.trace.enforces())?;
        let fd = self.fds.place_with(ready.fd, limits, ready.access)?;
        if ready.dir {
            self.dirs.push(*limits);
        } else {
            self.files.push(*limits);
        }
        let access = if ready.dir {
            confine::dir_access(limits.rights)
        } else if limits.rights.allows(crate::rights::Right::Fexecve)
            && limits.rights.allows(crate::rights::Right::Read)
        {
            // fexecve(3): Landlock checks the exec's open of the file
            // itself, which needs `execute` and `read_file` (landlock(7)).
            // The rule holds for every open of the file, by its path or by
            // /proc/self/fd/N through any directory descriptor: without
            // `read` declared there is none (the exec is refused, as
            // beneath a directory without `read`).
            AccessFs::Execute | AccessFs::ReadFile
        } else {
            BitFlags::EMPTY
        };
        if !access.is_empty() {
            let copy = fd
                .try_clone()
                .map_err(|e| Failure::new("fcntl(F_DUPFD_CLOEXEC)", e))?;
            self.beneath.push((copy, access));
        }
        Ok(fd)
    }

    fn limit_stream_copy(&mut self, fd: OwnedFd, limits: &Limits) -> Result<OwnedFd, Failure> {
        // A copy of a standard stream shares the parent's open file
        // description (a regular file's offset): it keeps its access mode,
        // as the streams themselves do, and the rights filter limits it.
        // Its copies keep its rights (`inherited.rs`).
        self.files.push(*limits);
        self.fds.place(fd, limits)
    }

    fn limit_stdio(&mut self, stream: Stdio, limits: &Limits) -> Result<(), Failure> {
        let fd = stream.fd();
        if self.trace.enforces() {
            // One F_GETFL for both narrowing and the class; a closed
            // stream is skipped (`CAPH_IGNORE_EBADF`).
            if let Some(flags) = fds::narrow_stdio(fd, limits) {
                self.fds.stdio_with(fd, limits, flags);
                // Its copies keep its rights (`inherited.rs`).
                self.files.push(*limits);
            }
        } else {
            self.fds.stdio(fd, limits);
        }
        Ok(())
    }

    fn reserve_limits(&mut self, sets: &[crate::decl::LimitSet]) -> Result<(), Failure> {
        // SANDBOXED_TRACE=dry-run enforces nothing: no pool, and `limit`
        // leaves descriptors as they are.
        if !self.trace.enforces() {
            return Ok(());
        }
        for set in sets {
            let pool = self.fds.pool(&set.limits, set.count(), false)?;
            narrow::register(set.limits, pool);
            self.limit_pools.push((set.limits, pool));
        }
        Ok(())
    }

    fn warm_caches(&mut self) -> Result<(), Error> {
        caches::warm(self.trace)
    }

    fn open_services(&mut self, services: &[ServiceDecl]) -> Result<Vec<Channel>, Error> {
        // fileargs(3) limits each descriptor it opens to the declared
        // rights: here, a pool of numbers with those limits takes each
        // descriptor as it arrives (fds.rs). Not in dry-run, which
        // enforces nothing.
        let mut pools = Vec::with_capacity(services.len());
        for decl in services {
            pools.push(match decl {
                ServiceDecl::FileArgs(l) if self.trace.enforces() => {
                    let pool = self.fds.pool(&l.limits, FILEARGS_POOL, true).map_err(|f| {
                        Error::Service {
                            service: decl.service_name(),
                            syscall: f.syscall,
                            source: f.error,
                        }
                    })?;
                    // Its descriptors' copies keep their rights
                    // (`inherited.rs`).
                    self.limit_pools.push((l.limits, pool));
                    Some(pool)
                }
                _ => None,
            });
        }
        let (channels, starting) = broker::start(services, &pools)?;
        self.broker = starting;
        if !channels.is_empty() {
            SERVICES.store(true, Ordering::SeqCst);
        }
        Ok(channels)
    }

    fn enter(&mut self) -> Result<(), Error> {
        let enter_error = |f: Failure| Error::Enter {
            syscall: f.syscall,
            source: f.error,
        };
        single_threaded().map_err(enter_error)?;
        times::mark("thread check");
        if self.trace.enforces() {
            self.reserve_inherited();
            times::mark("inherited pools");
            if let Some(floor) = self.fds.block_floor() {
                fix_nofile(floor).map_err(enter_error)?;
            }
        }
        times::mark("descriptor limit");
        let classes = self.fds.classes();
        let outside = outside_rights(&classes);
        if let Some((fd, beyond)) = stream_beyond_outside(&classes, outside) {
            return Err(enter_error(Failure::new(
                "rights of the standard streams",
                io::Error::other(format!(
                    "standard stream {fd} is declared with `{beyond}`, which Linux cannot keep \
                     to it: once the stream is closed, the next descriptor opened takes its \
                     number and would get them; preopen the file with those rights instead"
                )),
            )));
        }
        let mut classes = pools_within_outside(classes, outside);
        if let Some(source) = self.fds.source() {
            // The placeholders' source is copied into every pool
            // (slots.rs): it holds what any pool may, and reads and
            // writes its own counter.
            let rights = outside.union(RightSet::of(&[
                crate::rights::Right::Read,
                crate::rights::Right::Write,
            ]));
            fds::set_source_limits(
                &mut classes,
                source,
                Limits {
                    rights,
                    ..Limits::default()
                },
            );
            slots::seal();
            if self.trace == Mode::Off && self.fds.traps_closes() {
                // The trace modes' handler emulates the closes too.
                slots::install_handler()
                    .map_err(|e| enter_error(Failure::new("sigaction(SIGSYS)", e)))?;
            }
        }
        // Before the filter: allocating may not be allowed after it.
        let _ = NARROWED.set(
            classes
                .iter()
                .filter(|c| !c.reads || !c.writes)
                .map(|c| (c.lo, c.hi))
                .collect(),
        );
        let policy = confine::Policy {
            classes,
            beneath: std::mem::take(&mut self.beneath),
            grants: confine::Grants::default(),
            tcp_bind: None,
            tcp_connect: None,
        };
        match self.trace {
            Mode::Off => confine::apply(policy, &Kernel::running()),
            // SANDBOXED_TRACE: the same confinement with denials trapped
            // (trace/).
            mode => trace::apply(policy, &Kernel::running(), mode),
        }?;
        if self.trace.enforces() {
            ENTERED.store(true, Ordering::SeqCst);
            // Children forked from now on get a signal scope of their own.
            process::scope_children_after_entry();
        }
        // The broker confined itself meanwhile; a failure there stops the
        // program before its body runs, as one before entry would.
        let ready = match self.broker.take() {
            Some(broker) => broker.ready(),
            None => Ok(()),
        };
        times::mark("broker ready");
        ready
    }
}

/// Fixes `RLIMIT_NOFILE` (soft and hard) to `floor`, the lowest number
/// holding a limited descriptor: the kernel then gives no descriptor made
/// after entry a number at or above it (open(2), dup(2), socket(2)...:
/// fs/file.c `alloc_fd`; `F_DUPFD` answers `EINVAL`, dup2(2) `EBADF`),
/// so a number closed after entry never passes its rights on, as a
/// Capsicum descriptor's rights never outlive it; the filter keeps the
/// limit fixed (`setrlimit`, `prlimit64` of `RLIMIT_NOFILE`: `EPERM`).
/// The limited descriptors above it keep working.
fn fix_nofile(floor: RawFd) -> Result<(), Failure> {
    let limit = floor as libc::rlim_t;
    let lim = libc::rlimit {
        rlim_cur: limit,
        rlim_max: limit,
    };
    // SAFETY: a valid `struct rlimit`, read by the kernel only.
    if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &lim) } != 0 {
        return Err(Failure::last_os_error("setrlimit(RLIMIT_NOFILE)"));
    }
    Ok(())
}

/// The classes with each pool's rights cut to what descriptors outside
/// every class may use: a pool takes any of them (fds.rs `Pool`), so it
/// may give none a right it lacked; but a pool of descriptors opened
/// beneath a directory keeps the rights the supervisor checks call by
/// call (`judge::checkable`, [`seccomp::FdClass::checked`]).
fn pools_within_outside(
    mut classes: Vec<seccomp::FdClass>,
    outside: RightSet,
) -> Vec<seccomp::FdClass> {
    let checkable = judge::checkable();
    for c in classes.iter_mut().filter(|c| c.pool) {
        let cut = c.limits.rights.intersection(outside);
        if c.inherited {
            // What the supervisor checks call by call instead
            // (`supervise.rs` `checked_rights`).
            c.checked = c.limits.rights.intersection(checkable).without(cut);
            c.limits.rights = cut.union(c.checked);
        } else {
            c.limits.rights = cut;
        }
    }
    classes
}

/// The rights a descriptor outside every class of `classes` may use (the
/// pools left out: they hold no fixed rights of their own; but those a
/// service hands in count as places, `judge::Context::places`).
fn outside_rights(classes: &[seccomp::FdClass]) -> RightSet {
    let fixed: Vec<seccomp::FdClass> = classes
        .iter()
        .filter(|c| !c.pool || c.served)
        .copied()
        .collect();
    let ctx = judge::Context {
        // Neither signals nor grants decide rights.
        signal_scope: false,
        lookups: true,
        grants: confine::Grants::default(),
        forks: true,
        notify: false,
        own_signals: false,
        classes: &fixed,
    };
    judge::outside_rights(&ctx)
}

/// A standard stream declared with a right that descriptors made after
/// entry lack, beyond the limits of `stdio` (capsicum_helpers(3)): its
/// number and those rights. The filter keeps a number's rights for good,
/// and a stream's number cannot be put above `RLIMIT_NOFILE` as a
/// preopen's is: once the program closes the stream, the next descriptor
/// it opens lands there (the lowest free number) and would get them
/// (`fexecve`, `mmap_x`, `fchmod`...), where Capsicum gives a new
/// descriptor its own rights. Entry refuses such a declaration.
fn stream_beyond_outside(
    classes: &[seccomp::FdClass],
    outside: RightSet,
) -> Option<(u32, RightSet)> {
    let allowed = outside
        .union(Limits::STDIN.rights)
        .union(Limits::STDOUT.rights);
    classes
        .iter()
        .filter(|c| !c.pool && c.hi <= 2)
        .find_map(|c| {
            let beyond: Vec<crate::rights::Right> = crate::rights::Right::ALL
                .iter()
                .copied()
                .filter(|&r| c.limits.rights.allows(r) && !allowed.allows(r))
                .collect();
            (!beyond.is_empty()).then(|| (c.lo, RightSet::of(&beyond)))
        })
}

/// Refuses to enter with more than one thread: Landlock would restrict only
/// the calling one.
fn single_threaded() -> Result<(), Failure> {
    match threads_besides_this_one() {
        Ok(0) => Ok(()),
        Ok(n) => Err(Failure::new(
            "thread check",
            io::Error::other(format!(
                "{} threads are running; the sandbox must be entered before any thread starts",
                n + 1
            )),
        )),
        Err(e) => Err(Failure::new("read /proc/self/status", e)),
    }
}

/// How many other threads this process has: none when
/// `unshare(CLONE_THREAD)` succeeds (it unshares nothing, and fails with
/// `EINVAL` while the thread group has other members, kernel/fork.c
/// `check_unshare_flags`): one system call where reading
/// `/proc/self/status` costs procfs building the whole file. Only when
/// it fails (or a filter refuses it) is the count read, for the message.
pub(crate) fn threads_besides_this_one() -> io::Result<usize> {
    if process::single_threaded() == Some(true) {
        return Ok(0);
    }
    Ok(thread_count()?.saturating_sub(1))
}

/// The number of threads of this process (`Threads:` of
/// proc_pid_status(5)). One read(2) into a buffer on the stack: procfs
/// builds the whole file for each read, and `Threads:` is among its first
/// lines; read_to_string would read it several times.
fn thread_count() -> io::Result<usize> {
    let mut buf = [0u8; 4096];
    let file = rustix::fs::open(
        "/proc/self/status",
        rustix::fs::OFlags::RDONLY | rustix::fs::OFlags::CLOEXEC,
        rustix::fs::Mode::empty(),
    )?;
    let n = rustix::io::read(&file, &mut buf)?;
    String::from_utf8_lossy(&buf[..n])
        .lines()
        .find_map(|l| l.strip_prefix("Threads:"))
        .and_then(|n| n.trim().parse().ok())
        .ok_or_else(|| io::Error::other("no Threads: line in /proc/self/status"))
}

/// Whether this process runs confined: the seccomp filter is in place
/// (`PR_GET_SECCOMP` answers 2) and we put it there.
pub(crate) fn is_sandboxed() -> bool {
    // SAFETY: PR_GET_SECCOMP takes no pointer.
    ENTERED.load(Ordering::SeqCst) && unsafe { libc::prctl(libc::PR_GET_SECCOMP, 0, 0, 0, 0) } == 2
}

/// The path a [`Dir`](crate::Dir) call names, walked beneath `dir` as
/// Capsicum walks a capability's lookups (`walk.rs`): Landlock keeps a
/// lookup beneath the preopened directories, not beneath the one it
/// started from, and lets `..`, absolute paths and symlinks land in
/// another of them. A refusal is `EACCES`, the rights errno. In
/// `SANDBOXED_TRACE=dry-run` nothing is enforced: `None`, the path as
/// written.
pub(crate) fn resolve_beneath(
    dir: std::os::fd::BorrowedFd<'_>,
    path: &std::path::Path,
    follow_last: bool,
) -> io::Result<Option<std::path::PathBuf>> {
    if !crate::trace::mode().enforces() {
        return Ok(None);
    }
    walk::resolve(dir, path, follow_last, || {
        trace::walked_out();
        io::Error::from_raw_os_error(seccomp::RIGHTS_ERRNO)
    })
    .map(Some)
}

/// Whether `error` is one of the sandbox's denials (`EPERM`: not allowed in
/// capability mode; `EACCES`: a right is missing), once the process has
/// entered the sandbox; a service request outside its limits (the broker's
/// errno) once a service runs. Refusals the `Dir` methods found to be the
/// kernel's own are [`OsRefusal`](crate::OsRefusal)s, not OS errors.
pub(crate) fn is_violation(error: &io::Error) -> bool {
    let errno = error.raw_os_error();
    (matches!(errno, Some(seccomp::MODE_ERRNO | seccomp::RIGHTS_ERRNO)) && is_sandboxed())
        || (errno == Some(broker::VIOLATION) && SERVICES.load(Ordering::SeqCst))
}

/// The numbers of the limited descriptors whose access mode lets read(2)
/// or write(2) through only in part (the classes' `reads`/`writes`), set
/// at entry.
static NARROWED: std::sync::OnceLock<Box<[(u32, u32)]>> = std::sync::OnceLock::new();

/// When `error`, met by a call on `fd`, is the kernel refusing a read or
/// write against the access mode the sandbox gave `fd` (`EBADF`, which the
/// filter leaves to the kernel), the sandbox's answer for a missing right
/// (`EACCES`): `fd` is open, among the descriptors whose access mode was
/// narrowed for their rights, and the process has entered. A closed
/// descriptor's `EBADF` is not.
pub(crate) fn access_mode_refusal(fd: RawFd, error: &io::Error) -> Option<io::Error> {
    let refused = error.raw_os_error() == Some(libc::EBADF)
        && is_sandboxed()
        && u32::try_from(fd).is_ok_and(|n| {
            NARROWED
                .get()
                .is_some_and(|ranges| ranges.iter().any(|&(lo, hi)| (lo..=hi).contains(&n)))
        })
        && fds::is_open(fd);
    refused.then(|| io::Error::from_raw_os_error(seccomp::RIGHTS_ERRNO))
}

/// Set when the broker runs services for this process.
static SERVICES: AtomicBool = AtomicBool::new(false);

#[cfg(test)]
mod tests;
