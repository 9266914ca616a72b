//! The Linux backend's knowledge of system calls, as data: one row per
//! x86_64 system call (arch/x86/entry/syscalls/syscall_64.tbl, 0–336 and
//! 424–470), in number order. The seccomp programs are compiled from it
//! (`seccomp/`), and `SANDBOXED_TRACE` explains each denial from it
//! (`trace/explain.rs`); nothing else knows which calls exist, what their
//! arguments are or how the sandbox treats them. The words of a row are
//! defined in `rules.rs`.
//!
//! A row is `SYS_name [arguments] mode, needs, why;`:
//!
//! - **arguments**: how each argument is read, up to the last one that
//!   matters ([`Arg`]): `Fd` (a descriptor), `Dirfd` + `Path` (a lookup
//!   beneath a directory descriptor or `AT_FDCWD`), `Path` alone (a global
//!   path), `Pid`, `Family`, `Addr`... They name the denied call's object
//!   in a trace record, and `Dirfd` + `Path` pairs are what dry-run checks
//!   for lexical escapes.
//! - **mode**: how capability mode treats the call: `ALLOW`, `DENY`
//!   (`EPERM`), `ENOSYS`, or `allow_if(&[alternative, ...])`, an
//!   alternative being `when(&[conditions])`, `beneath(&[...])` (only
//!   when Landlock confines lookups) or `granted(Grant, &[...])` (only in
//!   the service broker with that grant).
//! - **needs**: what each descriptor argument must allow, else `EACCES`
//!   (`&[]`: nothing): `need(arg, Right)`, optionally `.when(&[conditions])`;
//!   `.reading()` / `.writing()` when the access mode already refuses the
//!   call (`EBADF`); `.places(access::..)` / `.denied_outside()` for
//!   descriptors outside every limited class (default: not limited;
//!   `places`: what every preopened directory where the call could act
//!   holds); `never(arg)` (no copies but the supervisor's, of a copied
//!   class), `into(fd, onto)` / `onto(fd)`
//!   (copies only into a pool within the descriptor's limits),
//!   `ioctl_command(fd, cmd)`, `fcntl_command(fd, cmd)`,
//!   `nobody(Right).when(..)` (no descriptor at all).
//! - **why**: the source of the treatment (capabilities.conf, a man page,
//!   a kernel doc), or what the call would reach beyond the sandbox.
//!
//! Conditions: `eq(arg, v)`, `ne(arg, v)`, `one_of(arg, &[..])`,
//! `masked(arg, mask, v)`, `masked_one_of(arg, mask, &[..])` (low 32 bits,
//! as the kernel reads an `int`),
//! `null(arg)` / `non_null(arg)`, `one_of_wide(arg, &[..])` (all 64
//! bits).
//!
//! # Adding or changing a rule
//!
//! Change the row (or the named set of needs or alternatives it uses, in
//! `syscalls/sets.rs`), and
//! nothing else: the filter and the explanation follow. Then run
//! `cargo test -p sandboxed --lib seccomp`: the agreement test runs the
//! compiled programs in a BPF interpreter over every row and every class
//! of argument the rows' conditions name, against the row's own verdict.
//! A new promise or difference from Capsicum also needs its escape case
//! (tests/tests/escape.rs) and its line in the "Linux vs Capsicum" table
//! (`mod.rs`).

// The table names calls by libc's `SYS_*` constants.
#![allow(non_upper_case_globals)]

use libc::*;

use crate::rights::Right::*;

use super::rules::Grant::*;
use super::rules::*;
use super::seccomp::consts::*;

mod packed;
mod sets;
use sets::*;
// The mode, not libc's errno of the same name.
use sets::ENOSYS;

/// Builds the rows: `SYS_name [args] mode, needs, why;` (see the module
/// docs); the name is the constant's without `SYS_`.
macro_rules! table {
    ($($sys:ident [$($arg:ident),*] $mode:expr, $needs:expr, $why:expr;)*) => {
        &[$(Row {
            nr: $sys as u32,
            name: stringify!($sys).split_at(4).1,
            args: &[$(Arg::$arg),*],
            mode: $mode,
            needs: $needs,
            why: $why,
        }),*]
    };
}

pub(crate) use packed::TABLE;

/// Each row's number and whether it is answered whatever the process and
/// the arguments, worked out when the crate is compiled: building the
/// filter reads only the rows that have rules (`seccomp/build.rs`).
pub(crate) static SHAPES: [(u32, Shape); ROWS.len()] = {
    let mut out = [(0, Shape::Deny); ROWS.len()];
    let mut i = 0;
    while i < ROWS.len() {
        out[i] = (ROWS[i].nr, ROWS[i].shape());
        i += 1;
    }
    out
};

#[rustfmt::skip]
pub(crate) const ROWS: &[Row] = table![
    SYS_read                 [Fd, Buf, Len]                ALLOW, &[need(0, Read).reading()], CONF_FD;
    SYS_write                [Fd, Buf, Len]                ALLOW, &[need(0, Write).writing()], CONF_FD;
    SYS_open                 [Path, OpenFlags]             GLOBAL_READ, &[], GLOBAL;
    SYS_close                [Fd]                          ALLOW, &[], "capabilities.conf lists it; a number of a `limits(...)` pool gets its placeholder back instead of being freed (the SIGSYS handler emulates it)";
    SYS_stat                 [Path]                        GLOBAL_READ, &[], GLOBAL;
    SYS_fstat                [Fd]                          ALLOW, &[need(0, Fstat)], CONF_FD;
    SYS_lstat                [Path]                        GLOBAL_READ, &[], GLOBAL;
    SYS_poll                 []                            ALLOW, &[], POLLED;
    SYS_lseek                [Fd, Num, Num]                ALLOW, LSEEK, CONF_FD;
    SYS_mmap                 [Num, Len, Num, Num, Fd]      ALLOW, MMAP, "capabilities.conf lists it; the `mmap_*` rights by protection (rights(4)); a file executable only with `mmap_x`";
    SYS_mprotect             [Buf, Len, Num]               ALLOW, PROTECTION, "capabilities.conf lists it; PROT_EXEC within the mapping's maximum protection, judged by the supervisor (seccomp does not see which mapping changes; without a supervisor, denied)";
    SYS_munmap               [Buf, Len]                    ALLOW, &[], CONF;
    SYS_brk                  []                            ALLOW, &[], CONF;
    SYS_rt_sigaction         [Num, Buf]                    allow_if(&[when(&[ne(0, SIGSYS as u32)]), when(&[null(1)]), own_sigsys(&[])]), &[], "capabilities.conf lists it; with a `limits(...)` or `fileargs` pool the SIGSYS action is the sandbox's (its handler keeps the pools' numbers occupied): it may be read, not changed";
    SYS_rt_sigprocmask       []                            ALLOW, &[], CONF;
    SYS_rt_sigreturn         []                            ALLOW, &[], CONF;
    SYS_ioctl                [Fd, Num]                     IOCTL, IOCTL_NEEDS, "capabilities.conf lists it with `ioctl` narrowed by cap_ioctls_limit(2); Linux ioctls reach beyond the descriptor (interfaces, whole file systems), so only a fixed list of commands";
    SYS_pread64              [Fd, Buf, Len, Num]           ALLOW, &[need(0, Pread).reading()], CONF_FD;
    SYS_pwrite64             [Fd, Buf, Len, Num]           ALLOW, &[need(0, Pwrite).writing()], CONF_FD;
    SYS_readv                [Fd]                          ALLOW, &[need(0, Read).reading()], CONF_FD;
    SYS_writev               [Fd]                          ALLOW, &[need(0, Write).writing()], CONF_FD;
    SYS_access               [Path, Num]                   GLOBAL_READ, &[], GLOBAL;
    SYS_pipe                 []                            ALLOW, &[], CONF;
    SYS_select               []                            ALLOW, &[], POLLED;
    SYS_sched_yield          []                            ALLOW, &[], CONF;
    SYS_mremap               [Buf, Len]                    ALLOW, &[], "Linux-only; moves or resizes the caller's own mapping, keeping its protection (mremap(2))";
    SYS_msync                [Buf, Len]                    ALLOW, &[], CONF;
    SYS_mincore              [Buf, Len]                    ALLOW, &[], CONF;
    SYS_madvise              [Buf, Len, Num]               allow_if(&[when(&[ne(2, MADV_HWPOISON as u32), ne(2, MADV_SOFT_OFFLINE as u32)])]), &[], "capabilities.conf lists it; but the memory-failure injection advice (MADV_HWPOISON, MADV_SOFT_OFFLINE: madvise(2), privileged, CONFIG_MEMORY_FAILURE), which poisons or takes offline the physical page behind the range, page cache shared with every process included";
    SYS_shmget               [Num]                         DENY, &[], SYSV;
    SYS_shmat                [Num]                         DENY, &[], SYSV;
    SYS_shmctl               [Num]                         DENY, &[], SYSV;
    SYS_dup                  [Fd]                          ALLOW, &[never(0)], DUP;
    SYS_dup2                 [Fd, Fd]                      ALLOW, &[into(0, 1), onto(1)], DUP;
    SYS_pause                []                            ALLOW, &[], CONF;
    SYS_nanosleep            []                            ALLOW, &[], CONF;
    SYS_getitimer            []                            ALLOW, &[], CONF;
    SYS_alarm                []                            ALLOW, &[], "the caller's own timer (alarm(2)), like setitimer in capabilities.conf";
    SYS_setitimer            []                            ALLOW, &[], CONF;
    SYS_getpid               []                            ALLOW, &[], CONF;
    SYS_sendfile             [Fd, Fd]                      ALLOW, &[need(0, Write), need(1, Read), need(1, Pread).when(&[non_null(2)])], "capabilities.conf lists it; an explicit offset makes the source a pread";
    SYS_socket               [Family, SockType, Num]       allow_if(&[UNIX_SOCKET, INET_DATAGRAM, granted(Inet, &[one_of(0, INET_FAMILIES)]), granted(UnixConnect, &[eq(0, AF_UNIX as u32)])]), &[], "capabilities.conf lists it (capmode.cc: an AF_INET datagram socket is allowed, bind/connect/an address are not); on Linux listen(2) binds a TCP socket to a new port, and raw, packet and netlink sockets reach beyond the process, so Unix stream and seqpacket sockets and unbound UDP ones only";
    SYS_connect              [Fd, Addr]                    allow_if(&[granted(Inet, &[]), granted(UnixConnect, &[])]), &[need(0, Connect)], "cap_enter(2): connect names a global address (only connectat(2) beneath a directory, which Linux lacks)";
    SYS_accept               [Fd]                          ALLOW, &[need(0, Accept)], CONF_FD;
    SYS_sendto               [Fd, Buf, Len, Num, Addr]     allow_if(&[when(&[null(4)]), granted(Inet, &[])]), &[need(0, Write)], "capabilities.conf lists it; an explicit address is refused in capability mode (cap_enter(2))";
    SYS_recvfrom             [Fd]                          ALLOW, &[need(0, Read)], CONF_FD;
    SYS_sendmsg              [Fd, Msg]                     SEND_DESCRIPTORS, &[need(0, Write)], SEND;
    SYS_recvmsg              [Fd]                          ALLOW, &[need(0, Read)], CONF_FD;
    SYS_shutdown             [Fd, Num]                     ALLOW, &[need(0, Shutdown)], CONF_FD;
    SYS_bind                 [Fd, Addr]                    allow_if(&[granted(Inet, &[])]), &[need(0, Bind)], "cap_enter(2): bind names a global address (only bindat(2) beneath a directory, which Linux lacks)";
    SYS_listen               [Fd, Num]                     ALLOW, &[need(0, Listen)], CONF_FD;
    SYS_getsockname          [Fd]                          ALLOW, &[need(0, Getsockname)], CONF_FD;
    SYS_getpeername          [Fd]                          ALLOW, &[need(0, Getpeername)], CONF_FD;
    SYS_socketpair           [Family, SockType, Num]       allow_if(&[UNIX_SOCKET]), &[], "capabilities.conf lists it; Unix stream and seqpacket pairs only";
    SYS_setsockopt           [Fd, Num, Num]                ALLOW, &[need(0, Setsockopt)], CONF_FD;
    SYS_getsockopt           [Fd, Num, Num]                ALLOW, &[need(0, Getsockopt)], CONF_FD;
    SYS_clone                [Num]                         allow_if(&[forking(&[masked(0, CLONE_NAMESPACES | CLONE_PARENT as u32, 0)]), not_forking(&[masked(0, CLONE_NAMESPACES | CLONE_PARENT as u32 | CLONE_THREAD as u32, CLONE_THREAD as u32)])]), &[], "capabilities.conf lists fork and threads; no new namespaces (CLONE_NEW*, clone(2)); no CLONE_PARENT, whose child would be the caller's parent's; in a compartment threads only (a process it forked would keep its channel)";
    SYS_fork                 []                            allow_if(&[forking(&[])]), &[], "capabilities.conf lists it; not in a compartment (a process it forked would keep its channel)";
    SYS_vfork                []                            allow_if(&[forking(&[])]), &[], "capabilities.conf lists it; not in a compartment (a process it forked would keep its channel)";
    SYS_execve               [Program]                     DENY, &[], EXEC_IMAGE;
    SYS_exit                 []                            ALLOW, &[], CONF;
    SYS_wait4                [Pid]                         DENY, &[], WAIT;
    SYS_kill                 [Pid, Num]                    SIGNAL, &[], SIGNALS;
    SYS_uname                []                            ALLOW, &[], "the system's name and release, read only (uname(2)); FreeBSD answers it through sysctl";
    SYS_semget               [Num]                         DENY, &[], SYSV;
    SYS_semop                [Num]                         DENY, &[], SYSV;
    SYS_semctl               [Num]                         DENY, &[], SYSV;
    SYS_shmdt                [Buf]                         DENY, &[], SYSV;
    SYS_msgget               [Num]                         DENY, &[], SYSV;
    SYS_msgsnd               [Num]                         DENY, &[], SYSV;
    SYS_msgrcv               [Num]                         DENY, &[], SYSV;
    SYS_msgctl               [Num]                         DENY, &[], SYSV;
    SYS_fcntl                [Fd, Num]                     FCNTL, &[fcntl_command(0, 1)], "capabilities.conf lists it; `fcntl` narrowed by cap_fcntls_limit(2), locks with `flock`, copies (F_DUPFD) made by the supervisor into a pool of the descriptor's limits; F_SETOWN only towards the process itself";
    SYS_flock                [Fd, Num]                     ALLOW, &[need(0, Flock)], CONF_FD;
    SYS_fsync                [Fd]                          ALLOW, &[need(0, Fsync)], CONF_FD;
    SYS_fdatasync            [Fd]                          ALLOW, &[need(0, Fsync)], CONF_FD;
    SYS_truncate             [Path, Num]                   DENY, &[], GLOBAL_CHANGE;
    SYS_ftruncate            [Fd, Num]                     ALLOW, &[need(0, Ftruncate)], CONF_FD;
    SYS_getdents             [Fd]                          ALLOW, &[need(0, Read)], CONF_FD;
    SYS_getcwd               []                            GLOBAL_READ, &[], "names the current directory: a global namespace (cap_enter(2)); the broker with `global_paths` only";
    SYS_chdir                [Path]                        DENY, &[], GLOBAL_CHANGE;
    SYS_fchdir               [Fd]                          DENY, &[], "the current directory is a global namespace; capmode.cc (DisallowedFileSyscalls) expects ECAPMODE";
    SYS_rename               [Path, Path]                  DENY, &[], GLOBAL_CHANGE;
    SYS_mkdir                [Path, Num]                   DENY, &[], GLOBAL_CHANGE;
    SYS_rmdir                [Path]                        DENY, &[], GLOBAL_CHANGE;
    SYS_creat                [Path]                        DENY, &[], GLOBAL_CHANGE;
    SYS_link                 [Path, Path]                  DENY, &[], GLOBAL_CHANGE;
    SYS_unlink               [Path]                        DENY, &[], GLOBAL_CHANGE;
    SYS_symlink              [Str, Path]                   DENY, &[], GLOBAL_CHANGE;
    SYS_readlink             [Path]                        GLOBAL_READ, &[], GLOBAL;
    SYS_chmod                [Path, Num]                   DENY, &[], GLOBAL_CHANGE;
    SYS_fchmod               [Fd, Num]                     ALLOW, &[need(0, Fchmod).places(access::UNMEDIATED)], CONF_FD;
    SYS_chown                [Path, Num, Num]              DENY, &[], GLOBAL_CHANGE;
    SYS_fchown               [Fd, Num, Num]                ALLOW, &[need(0, Fchown).places(access::UNMEDIATED)], CONF_FD;
    SYS_lchown               [Path, Num, Num]              DENY, &[], GLOBAL_CHANGE;
    SYS_umask                []                            ALLOW, &[], CONF;
    SYS_gettimeofday         []                            ALLOW, &[], CONF;
    SYS_getrlimit            []                            ALLOW, &[], CONF;
    SYS_getrusage            []                            ALLOW, &[], CONF;
    SYS_sysinfo              []                            ALLOW, &[], "system-wide memory and load figures, read only (sysinfo(2)); FreeBSD answers them through sysctl";
    SYS_times                []                            ALLOW, &[], OWN;
    SYS_ptrace               [Num, Pid]                    DENY, &[], "cap_enter(2): no ptrace";
    SYS_getuid               []                            ALLOW, &[], CONF;
    SYS_syslog               [Num]                         DENY, &[], "the kernel's log buffer (syslog(2)); not in capabilities.conf";
    SYS_getgid               []                            ALLOW, &[], CONF;
    SYS_setuid               []                            ALLOW, &[], "capabilities.conf lists the set*id family; still checked by privilege";
    SYS_setgid               []                            ALLOW, &[], "capabilities.conf lists the set*id family; still checked by privilege";
    SYS_geteuid              []                            ALLOW, &[], CONF;
    SYS_getegid              []                            ALLOW, &[], CONF;
    SYS_setpgid              [Pid, Pid]                    DENY, &[], OTHER;
    SYS_getppid              []                            ALLOW, &[], CONF;
    SYS_getpgrp              []                            ALLOW, &[], CONF;
    SYS_setsid               []                            ALLOW, &[], CONF;
    SYS_setreuid             []                            ALLOW, &[], "capabilities.conf lists the set*id family; still checked by privilege";
    SYS_setregid             []                            ALLOW, &[], "capabilities.conf lists the set*id family; still checked by privilege";
    SYS_getgroups            []                            ALLOW, &[], CONF;
    SYS_setgroups            []                            ALLOW, &[], "capabilities.conf lists the set*id family; still checked by privilege";
    SYS_setresuid            []                            ALLOW, &[], "capabilities.conf lists the set*id family; still checked by privilege";
    SYS_getresuid            []                            ALLOW, &[], CONF;
    SYS_setresgid            []                            ALLOW, &[], "capabilities.conf lists the set*id family; still checked by privilege";
    SYS_getresgid            []                            ALLOW, &[], CONF;
    SYS_getpgid              [Pid]                         ALLOW, &[], "capabilities.conf lists it; of any process, as FreeBSD answers for any the caller may see (sys/kern/kern_prot.c sys_getpgid: p_cansee); Linux looks in the caller's pid namespace (kernel/sys.c)";
    SYS_setfsuid             []                            ALLOW, &[], "the set*id family (capabilities.conf); still checked by privilege";
    SYS_setfsgid             []                            ALLOW, &[], "the set*id family (capabilities.conf); still checked by privilege";
    SYS_getsid               [Pid]                         ALLOW, &[], "capabilities.conf lists it; of any process, as FreeBSD answers for any the caller may see (sys/kern/kern_prot.c kern_getsid: p_cansee); Linux looks in the caller's pid namespace (kernel/sys.c)";
    SYS_capget               []                            DENY, &[], "reads the capabilities of any process named in a header behind a pointer (capget(2)); not in capabilities.conf";
    SYS_capset               []                            ALLOW, &[], "the caller's own Linux capabilities (capset(2)): never beyond its bounding set, and no_new_privs holds";
    SYS_rt_sigpending        []                            ALLOW, &[], CONF;
    SYS_rt_sigtimedwait      []                            ALLOW, &[], CONF;
    SYS_rt_sigqueueinfo      [Pid, Num]                    SIGNAL, &[], SIGNALS;
    SYS_rt_sigsuspend        []                            ALLOW, &[], CONF;
    SYS_sigaltstack          []                            ALLOW, &[], CONF;
    SYS_utime                [Path]                        DENY, &[], GLOBAL_CHANGE;
    SYS_mknod                [Path, Num]                   DENY, &[], GLOBAL_CHANGE;
    SYS_uselib               [Path]                        DENY, &[], "loads a library by path (uselib(2), obsolete): a global namespace";
    SYS_personality          [Num]                         DENY, &[], "changes the execution domain (personality(2)); not in capabilities.conf";
    SYS_ustat                [Num]                         DENY, &[], "file system statistics by device number: a global namespace";
    SYS_statfs               [Path]                        DENY, &[], GLOBAL_CHANGE;
    SYS_fstatfs              [Fd]                          ALLOW, &[need(0, Fstatfs)], CONF_FD;
    SYS_sysfs                [Num]                         DENY, &[], "the kernel's file system types (sysfs(2), obsolete); not in capabilities.conf";
    SYS_getpriority          [Num, Pid]                    ALLOW, &[], "capabilities.conf lists it; the nice value of any process, group or user, as FreeBSD answers for those the caller may see (sys/kern/kern_resource.c kern_getpriority: p_cansee)";
    SYS_setpriority          [Num, Pid, Num]               ALLOW, &[], SETPRIORITY;
    SYS_sched_setparam       [Pid]                         ALLOW, &[], SCHED_CHANGE;
    SYS_sched_getparam       [Pid]                         ALLOW, &[], SCHED_QUERY;
    SYS_sched_setscheduler   [Pid]                         ALLOW, &[], SCHED_CHANGE;
    SYS_sched_getscheduler   [Pid]                         ALLOW, &[], SCHED_QUERY;
    SYS_sched_get_priority_max []                          ALLOW, &[], CONF;
    SYS_sched_get_priority_min []                          ALLOW, &[], CONF;
    SYS_sched_rr_get_interval [Pid]                        ALLOW, &[], SCHED_QUERY;
    SYS_mlock                [Buf, Len]                    ALLOW, &[], CONF;
    SYS_munlock              [Buf, Len]                    ALLOW, &[], CONF;
    SYS_mlockall             []                            ALLOW, &[], CONF;
    SYS_munlockall           []                            ALLOW, &[], CONF;
    SYS_vhangup              []                            DENY, &[], "hangs up the controlling terminal for every process on it (vhangup(2))";
    SYS_modify_ldt           [Num]                         DENY, &[], "the local descriptor table (modify_ldt(2)): kernel surface no sandboxed program needs";
    SYS_pivot_root           [Path, Path]                  DENY, &[], MOUNT;
    SYS__sysctl              []                            DENY, &[], GONE;
    SYS_prctl                [Num]                         allow_if(&[when(&[one_of_wide(0, PRCTL_ALLOWED)]), when(&[one_of_wide(0, PRCTL_PDEATHSIG), eq(1, libc::SIGKILL as u32)])]), &[], "only options that concern the calling process or thread and cannot loosen the sandbox (prctl(2)), the whole register checked (linux.cc CheckHighWord); the parent-death signal only set to SIGKILL, so that a compartment cannot outlive its parent (pdfork(2)); capabilities.conf lists no procctl(2), so FreeBSD refuses PROC_PDEATHSIG_CTL altogether";
    SYS_arch_prctl           [Num]                         ALLOW, &[], "the thread's FS/GS base for thread-local storage (arch_prctl(2))";
    SYS_adjtimex             []                            DENY, &[], CLOCK;
    SYS_setrlimit            [Num]                         allow_if(&[when(&[ne(0, RLIMIT_NOFILE)])]), &[], NOFILE_FIXED;
    SYS_chroot               [Path]                        DENY, &[], MOUNT;
    SYS_sync                 []                            ALLOW, &[], "capmode.cc (AllowedMiscSyscalls): sync(2) works in capability mode";
    SYS_acct                 [Path]                        DENY, &[], ADMIN;
    SYS_settimeofday         []                            DENY, &[], CLOCK;
    SYS_mount                [Path, Path]                  DENY, &[], MOUNT;
    SYS_umount2              [Path]                        DENY, &[], MOUNT;
    SYS_swapon               [Path]                        DENY, &[], ADMIN;
    SYS_swapoff              [Path]                        DENY, &[], ADMIN;
    SYS_reboot               []                            DENY, &[], ADMIN;
    SYS_sethostname          []                            DENY, &[], ADMIN;
    SYS_setdomainname        []                            DENY, &[], ADMIN;
    SYS_iopl                 [Num]                         DENY, &[], "I/O port access (iopl(2)); not in capabilities.conf";
    SYS_ioperm               [Num]                         DENY, &[], "I/O port access (ioperm(2)); not in capabilities.conf";
    SYS_create_module        []                            DENY, &[], GONE;
    SYS_init_module          []                            DENY, &[], MODULE;
    SYS_delete_module        [Str]                         DENY, &[], MODULE;
    SYS_get_kernel_syms      []                            DENY, &[], GONE;
    SYS_query_module         []                            DENY, &[], GONE;
    SYS_quotactl             [Num, Path]                   DENY, &[], ADMIN;
    SYS_nfsservctl           []                            DENY, &[], GONE;
    SYS_getpmsg              []                            DENY, &[], GONE;
    SYS_putpmsg              []                            DENY, &[], GONE;
    SYS_afs_syscall          []                            DENY, &[], GONE;
    SYS_tuxcall              []                            DENY, &[], GONE;
    SYS_security             []                            DENY, &[], GONE;
    SYS_gettid               []                            ALLOW, &[], CONF;
    SYS_readahead            [Fd]                          ALLOW, &[need(0, Read)], "Linux-only; reads ahead into the page cache, as a read (`read`)";
    SYS_setxattr             [Path]                        DENY, &[], GLOBAL_CHANGE;
    SYS_lsetxattr            [Path]                        DENY, &[], GLOBAL_CHANGE;
    SYS_fsetxattr            [Fd]                          ALLOW, &[need(0, ExtattrSet).places(access::UNMEDIATED)], CONF_FD;
    SYS_getxattr             [Path]                        DENY, &[], GLOBAL_CHANGE;
    SYS_lgetxattr            [Path]                        DENY, &[], GLOBAL_CHANGE;
    SYS_fgetxattr            [Fd]                          ALLOW, &[need(0, ExtattrGet)], CONF_FD;
    SYS_listxattr            [Path]                        DENY, &[], GLOBAL_CHANGE;
    SYS_llistxattr           [Path]                        DENY, &[], GLOBAL_CHANGE;
    SYS_flistxattr           [Fd]                          ALLOW, &[need(0, ExtattrList)], CONF_FD;
    SYS_removexattr          [Path]                        DENY, &[], GLOBAL_CHANGE;
    SYS_lremovexattr         [Path]                        DENY, &[], GLOBAL_CHANGE;
    SYS_fremovexattr         [Fd]                          ALLOW, &[need(0, ExtattrDelete).places(access::UNMEDIATED)], CONF_FD;
    SYS_tkill                [Pid, Num]                    SIGNAL, &[], SIGNALS;
    SYS_time                 []                            ALLOW, &[], CONF;
    SYS_futex                []                            ALLOW, &[], "capabilities.conf lists _umtx_op, its FreeBSD counterpart";
    SYS_sched_setaffinity    [Pid]                         OWN_THREAD, &[], AFFINITY;
    SYS_sched_getaffinity    [Pid]                         OWN_THREAD, &[], AFFINITY;
    SYS_set_thread_area      []                            DENY, &[], GONE;
    SYS_io_setup             []                            DENY, &[], AIO;
    SYS_io_destroy           []                            DENY, &[], AIO;
    SYS_io_getevents         []                            DENY, &[], AIO;
    SYS_io_submit            []                            DENY, &[], AIO;
    SYS_io_cancel            []                            DENY, &[], AIO;
    SYS_get_thread_area      []                            DENY, &[], GONE;
    SYS_lookup_dcookie       []                            DENY, &[], GONE;
    SYS_epoll_create         []                            ALLOW, &[], "Linux's kqueue (capabilities.conf lists kqueue)";
    SYS_epoll_ctl_old        []                            DENY, &[], GONE;
    SYS_epoll_wait_old       []                            DENY, &[], GONE;
    SYS_remap_file_pages     []                            DENY, &[], "deprecated (remap_file_pages(2)); not needed";
    SYS_getdents64           [Fd]                          ALLOW, &[need(0, Read)], CONF_FD;
    SYS_set_tid_address      []                            ALLOW, &[], OWN;
    SYS_restart_syscall      []                            ALLOW, &[], "resumes an interrupted call of the caller (restart_syscall(2))";
    SYS_semtimedop           [Num]                         DENY, &[], SYSV;
    SYS_fadvise64            [Fd]                          ALLOW, &[need(0, Read)], "capabilities.conf lists posix_fadvise; advice about reading (`read`)";
    SYS_timer_create         [Num]                         CLOCK_OWN_NO_ALARM, &[], CPU_TIMERS;
    SYS_timer_settime        []                            ALLOW, &[], CONF;
    SYS_timer_gettime        []                            ALLOW, &[], CONF;
    SYS_timer_getoverrun     []                            ALLOW, &[], CONF;
    SYS_timer_delete         []                            ALLOW, &[], CONF;
    SYS_clock_settime        [Num]                         DENY, &[], CLOCK;
    SYS_clock_gettime        [Num]                         CLOCK_READ, &[], CLOCK_READS;
    SYS_clock_getres         [Num]                         CLOCK_READ, &[], CLOCK_READS;
    SYS_clock_nanosleep      [Num]                         CLOCK_OWN_NO_ALARM, &[], CPU_TIMERS;
    SYS_exit_group           []                            ALLOW, &[], CONF;
    SYS_epoll_wait           [Fd]                          ALLOW, &[need(0, Event)], "Linux's kevent (capabilities.conf lists kevent); waiting needs `event` on the epoll descriptor (linux.cc epoll)";
    SYS_epoll_ctl            [Fd, Num, Fd]                 ALLOW, &[need(0, EpollCtl), need(2, Event)], "Linux's kevent (capabilities.conf lists kevent); changing the set needs `epoll_ctl` (Linux Capsicum, linux.cc epoll), the watched descriptor `event`";
    SYS_tgkill               [Pid, Pid, Num]               SIGNAL, &[], SIGNALS;
    SYS_utimes               [Path]                        DENY, &[], GLOBAL_CHANGE;
    SYS_vserver              []                            DENY, &[], GONE;
    SYS_mbind                []                            ALLOW, &[], "NUMA policy of the caller's own memory (mbind(2))";
    SYS_set_mempolicy        []                            ALLOW, &[], "NUMA policy of the calling thread (set_mempolicy(2))";
    SYS_get_mempolicy        []                            ALLOW, &[], "NUMA policy of the calling thread (get_mempolicy(2))";
    SYS_mq_open              [Str, OpenFlags]              DENY, &[], MQUEUE;
    SYS_mq_unlink            [Str]                         DENY, &[], MQUEUE;
    SYS_mq_timedsend         [Fd]                          DENY, &[], MQUEUE;
    SYS_mq_timedreceive      [Fd]                          DENY, &[], MQUEUE;
    SYS_mq_notify            [Fd]                          DENY, &[], MQUEUE;
    SYS_mq_getsetattr        [Fd]                          DENY, &[], MQUEUE;
    SYS_kexec_load           []                            DENY, &[], ADMIN;
    SYS_waitid               [Num, Fd]                     allow_if(&[when(&[eq(0, P_PIDFD)])]), &[], WAIT_PIDFD;
    SYS_add_key              []                            DENY, &[], KEYS;
    SYS_request_key          []                            DENY, &[], KEYS;
    SYS_keyctl               [Num]                         DENY, &[], KEYS;
    SYS_ioprio_set           [Num, Pid]                    IOPRIO_SELF, &[], IOPRIO;
    SYS_ioprio_get           [Num, Pid]                    IOPRIO_SELF, &[], IOPRIO;
    SYS_inotify_init         []                            DENY, &[], "inotify watches global paths (inotify_add_watch(2)); not in capabilities.conf";
    SYS_inotify_add_watch    [Fd, Path, Num]               DENY, &[], "inotify watches global paths (inotify_add_watch(2)); not in capabilities.conf";
    SYS_inotify_rm_watch     [Fd]                          DENY, &[], "inotify watches global paths (inotify_add_watch(2)); not in capabilities.conf";
    SYS_migrate_pages        [Pid]                         DENY, &[], OTHER;
    SYS_openat               [Dirfd, Path, OpenFlags]      LOOKUP, OPENAT, "capabilities.conf lists it beneath a directory descriptor; walked by the supervisor, and made by it into the directory's pool where its rights set has one (the new descriptor holds the directory's rights, rights(4)); Landlock keeps `..`, absolute paths and symlinks inside; the flags imply rights (rights(4))";
    SYS_mkdirat              [Dirfd, Path, Num]            BENEATH_0, &[need(0, Mkdirat).places(access::MAKE_DIR)], CONF_FD;
    SYS_mknodat              [Dirfd, Path, Num]            BENEATH_0, MKNODAT, "capabilities.conf lists it; the right follows the mode (Linux Capsicum: `create` for regular files, `bind` for sockets, `mkfifoat` for FIFOs); no device node, whatever the rights: on Linux it would open the device, where FreeBSD serves devices from devfs alone";
    SYS_fchownat             [Dirfd, Path, Num, Num]       BENEATH_0, FCHOWNAT_NEEDS, CHMOD;
    SYS_futimesat            [Dirfd, Path]                 BENEATH_0, FUTIMESAT_NEEDS, CHMOD;
    SYS_newfstatat           [Dirfd, Path, Buf, AtFlags]   NEWFSTATAT, NEWFSTATAT_NEEDS, "capabilities.conf lists fstatat; with AT_EMPTY_PATH it is fstat (glibc's and std's)";
    SYS_unlinkat             [Dirfd, Path, Num]            BENEATH_0, &[need(0, Unlinkat).places(access::REMOVE)], CONF_FD;
    SYS_renameat             [Dirfd, Path, Dirfd, Path]    BENEATH_0_2, RENAMEAT, CONF_FD;
    SYS_linkat               [Dirfd, Path, Dirfd, Path]    BENEATH_0_2, LINKAT, CONF_FD;
    SYS_symlinkat            [Str, Dirfd, Path]            allow_if(&[beneath(&[ne(1, FDCWD)])]), &[need(1, Symlinkat).places(access::MAKE_SYM)], CONF_FD;
    SYS_readlinkat           [Dirfd, Path]                 LOOKUP, &[need(0, Lookup)], CONF_FD;
    SYS_fchmodat             [Dirfd, Path, Num]            BENEATH_0, FCHMODAT_NEEDS, CHMOD;
    SYS_faccessat            [Dirfd, Path, Num]            LOOKUP, FACCESSAT, "capabilities.conf lists it; `fstat` and `lookup` (sys/kern/vfs_syscalls.c kern_accessat)";
    SYS_pselect6             []                            ALLOW, &[], POLLED;
    SYS_ppoll                []                            ALLOW, &[], POLLED;
    SYS_unshare              [Num]                         UNSHARE_NOTHING, &[], "new namespaces (namespaces(7)) are denied; CLONE_THREAD alone unshares nothing and tells whether the process is single-threaded (compartments)";
    SYS_set_robust_list      []                            ALLOW, &[], OWN;
    SYS_get_robust_list      [Pid]                         SELF, &[], ROBUST_LIST;
    SYS_splice               [Fd, Num, Fd]                 ALLOW, COPY, "Linux-only; moves data between two descriptors: the source needs `read`, the destination `write`, an explicit offset `seek`";
    SYS_tee                  [Fd, Fd]                      ALLOW, &[need(0, Read), need(1, Write)], "Linux-only; copies between two pipes: `read` on the source, `write` on the destination";
    SYS_sync_file_range      [Fd]                          ALLOW, &[need(0, Fsync), need(0, Seek)], "Linux-only; an fsync of part of a file: `fsync` and `seek` (capability-fd.cc TryFileOps)";
    SYS_vmsplice             [Fd]                          ALLOW, &[need(0, Write)], "Linux-only; writes memory into a pipe (`write`)";
    SYS_move_pages           [Pid]                         DENY, &[], OTHER;
    SYS_utimensat            [Dirfd, Path]                 UTIMENSAT, UTIMENSAT_NEEDS, "futimens(3) is utimensat(fd, NULL): `futimes` (capabilities.conf); the path form needs `futimesat` and, as Landlock does not mediate utimes (landlock(7)), is walked by the supervisor (denied without one)";
    SYS_epoll_pwait          [Fd]                          ALLOW, &[need(0, Event)], "Linux's kevent (capabilities.conf lists kevent); waiting needs `event` on the epoll descriptor (linux.cc epoll)";
    SYS_signalfd             [Fd]                          ALLOW, SIGNALFD, "Linux-only; a new signalfd acts on the caller alone, changing one's mask needs `fsignal` (Linux Capsicum, linux.cc SignalFD)";
    SYS_timerfd_create       [Num]                         NO_ALARM, &[], "Linux-only; acts on the calling process alone, but an alarm clock, which wakes the system (timerfd_create(2), CAP_WAKE_ALARM)";
    SYS_eventfd              []                            ALLOW, &[], OWN;
    SYS_fallocate            [Fd]                          ALLOW, &[need(0, Pwrite)], "writes at an explicit offset: FreeBSD's posix_fallocate(2) and fspacectl(2) ask for CAP_PWRITE (sys/kern/vfs_syscalls.c)";
    SYS_timerfd_settime      [Fd]                          ALLOW, &[need(0, Write)], "Linux-only; arming a timerfd is writing it (Linux Capsicum, linux.cc TimerFD)";
    SYS_timerfd_gettime      [Fd]                          ALLOW, &[need(0, Read)], "Linux-only; reading a timerfd's setting is reading it (Linux Capsicum, linux.cc TimerFD)";
    SYS_accept4              [Fd]                          ALLOW, &[need(0, Accept)], CONF_FD;
    SYS_signalfd4            [Fd]                          ALLOW, SIGNALFD, "Linux-only; a new signalfd acts on the caller alone, changing one's mask needs `fsignal` (Linux Capsicum, linux.cc SignalFD)";
    SYS_eventfd2             []                            ALLOW, &[], OWN;
    SYS_epoll_create1        []                            ALLOW, &[], "Linux's kqueue (capabilities.conf lists kqueue)";
    SYS_dup3                 [Fd, Fd]                      ALLOW, &[into(0, 1), onto(1)], DUP;
    SYS_pipe2                []                            ALLOW, &[], CONF;
    SYS_inotify_init1        []                            DENY, &[], "inotify watches global paths (inotify_add_watch(2)); not in capabilities.conf";
    SYS_preadv               [Fd]                          ALLOW, &[need(0, Pread).reading()], CONF_FD;
    SYS_pwritev              [Fd]                          ALLOW, &[need(0, Pwrite).writing()], CONF_FD;
    SYS_rt_tgsigqueueinfo    [Pid, Pid, Num]               SIGNAL, &[], SIGNALS;
    SYS_perf_event_open      []                            DENY, &[], "performance counters of any process or CPU (perf_event_open(2))";
    SYS_recvmmsg             [Fd]                          ALLOW, &[need(0, Read)], CONF_FD;
    SYS_fanotify_init        []                            DENY, &[], "watches whole file systems (fanotify(7))";
    SYS_fanotify_mark        [Fd]                          DENY, &[], "watches whole file systems (fanotify(7))";
    SYS_prlimit64            [Pid, Num, Buf]               allow_if(&[when(&[eq(0, 0), ne(1, RLIMIT_NOFILE)]), when(&[eq(0, 0), null(2)])]), &[], NOFILE_FIXED;
    SYS_name_to_handle_at    [Dirfd, Path]                 DENY, &[], "file handles bypass path lookup (open_by_handle_at(2))";
    SYS_open_by_handle_at    [Fd]                          DENY, &[], "file handles bypass path lookup (open_by_handle_at(2))";
    SYS_clock_adjtime        [Num]                         DENY, &[], CLOCK;
    SYS_syncfs               [Fd]                          ALLOW, &[need(0, Fsync)], "Linux-only; flushes the file system of a descriptor (`fsync`)";
    SYS_sendmmsg             [Fd, Msg]                     SEND_DESCRIPTORS, &[need(0, Write)], SEND;
    SYS_setns                [Fd, Num]                     DENY, &[], NAMESPACE;
    SYS_getcpu               []                            ALLOW, &[], OWN;
    SYS_process_vm_readv     [Pid]                         DENY, &[], OTHER;
    SYS_process_vm_writev    [Pid]                         DENY, &[], OTHER;
    SYS_kcmp                 [Pid, Pid]                    DENY, &[], OTHER;
    SYS_finit_module         [Fd]                          DENY, &[], MODULE;
    SYS_sched_setattr        [Pid]                         SELF, &[], SCHED_ATTR;
    SYS_sched_getattr        [Pid]                         SELF, &[], SCHED_ATTR;
    SYS_renameat2            [Dirfd, Path, Dirfd, Path, Num] BENEATH_0_2, RENAMEAT2, "Linux's renameat(2) with flags (capabilities.conf lists renameat); `RENAME_WHITEOUT` makes a device node, which no right grants";
    SYS_seccomp              [Num]                         DENY, &[], "the filters are final; seccomp(2) also creates notification listeners; not in capabilities.conf";
    SYS_getrandom            []                            ALLOW, &[], CONF;
    SYS_memfd_create         [Str]                         ALLOW, &[], "anonymous memory as a descriptor, like shm_open(SHM_ANON) (capabilities.conf); it cannot be executed";
    SYS_kexec_file_load      []                            DENY, &[], ADMIN;
    SYS_bpf                  [Num]                         DENY, &[], "eBPF programs and maps: kernel surface beyond the filter (bpf(2))";
    SYS_execveat             [Dirfd, Path, Buf, Buf, AtFlags] allow_if(&[beneath(&[ne(0, FDCWD)])]), FEXECVE, "capabilities.conf lists fexecve: the image stays in capability mode (here it inherits the filter and the Landlock domain; no_new_privs keeps set-id bits and file capabilities off). A descriptor holding `fexecve` (fexecve.cc), or beneath a directory holding `fexecve` and `lookup` (Linux Capsicum's execveat), where Landlock then checks `execute` and `read_file`; not a descriptor made or opened after entry (a memfd: FreeBSD cannot execute an anonymous shared memory object either, _fgetvp: no vnode)";
    SYS_userfaultfd          [Num]                         DENY, &[], "page faults served in user space: kernel surface (userfaultfd(2))";
    SYS_membarrier           []                            ALLOW, &[], "memory barriers across the caller's threads (membarrier(2))";
    SYS_mlock2               [Buf, Len]                    ALLOW, &[], CONF;
    SYS_copy_file_range      [Fd, Num, Fd]                 ALLOW, COPY, "capabilities.conf lists it; the source needs `read`, the destination `write`, an explicit offset `seek`";
    SYS_preadv2              [Fd]                          ALLOW, &[need(0, Pread).reading()], CONF_FD;
    SYS_pwritev2             [Fd]                          ALLOW, &[need(0, Pwrite).writing()], CONF_FD;
    SYS_pkey_mprotect        [Buf, Len, Num]               ALLOW, PROTECTION, "memory protection keys of the caller's own mappings; PROT_EXEC as for mprotect";
    SYS_pkey_alloc           []                            ALLOW, &[], OWN;
    SYS_pkey_free            []                            ALLOW, &[], OWN;
    SYS_statx                [Dirfd, Path, AtFlags]        STATX, STATX_NEEDS, "Linux's fstatat; with AT_EMPTY_PATH it is fstat";
    SYS_io_pgetevents        []                            DENY, &[], AIO;
    SYS_rseq                 []                            ALLOW, &[], "restartable sequences of the calling thread (glibc registers one per thread)";
    SYS_uretprobe            []                            DENY, &[], "the kernel's uprobe trampolines (not for programs)";
    SYS_uprobe               []                            DENY, &[], "the kernel's uprobe trampolines (not for programs)";
    SYS_pidfd_send_signal    [Fd, Num]                     SIGNAL_PIDFD, &[], "a signal through a process descriptor the caller holds, like pdkill (capabilities.conf); Landlock scopes signals (ABI 6)";
    SYS_io_uring_setup       [Num]                         DENY, &[], IO_URING;
    SYS_io_uring_enter       [Fd]                          DENY, &[], IO_URING;
    SYS_io_uring_register    [Fd]                          DENY, &[], IO_URING;
    SYS_open_tree            [Dirfd, Path]                 DENY, &[], MOUNT;
    SYS_move_mount           [Dirfd, Path, Dirfd, Path]    DENY, &[], MOUNT;
    SYS_fsopen               [Str]                         DENY, &[], MOUNT;
    SYS_fsconfig             [Fd]                          DENY, &[], MOUNT;
    SYS_fsmount              [Fd]                          DENY, &[], MOUNT;
    SYS_fspick               [Dirfd, Path]                 DENY, &[], MOUNT;
    SYS_pidfd_open           [Pid]                         DENY, &[], OTHER;
    SYS_clone3               []                            ENOSYS, &[], "its arguments are behind a pointer seccomp cannot read: ENOSYS makes libc fall back to clone(2), which the filter checks";
    SYS_close_range          [Fd, Fd, Num]                 ALLOW, &[], "capabilities.conf lists closefrom; a number of a `limits(...)` pool in the range gets its placeholder back instead of being freed (the SIGSYS handler emulates it)";
    SYS_openat2              [Dirfd, Path]                 ENOSYS, &[], "its flags are behind a pointer seccomp cannot read: ENOSYS makes libc fall back to openat(2), which the filter checks";
    SYS_pidfd_getfd          [Fd, Num]                     DENY, &[], "copies a descriptor out of another process (pidfd_getfd(2))";
    SYS_faccessat2           [Dirfd, Path, Num, AtFlags]   LOOKUP, FACCESSAT, "Linux's faccessat with flags (capabilities.conf lists faccessat): `fstat` and `lookup`";
    SYS_process_madvise      [Fd]                          DENY, &[], OTHER;
    SYS_epoll_pwait2         [Fd]                          ALLOW, &[need(0, Event)], "Linux's kevent (capabilities.conf lists kevent); waiting needs `event` on the epoll descriptor (linux.cc epoll)";
    SYS_mount_setattr        [Dirfd, Path]                 DENY, &[], MOUNT;
    SYS_quotactl_fd          [Fd]                          DENY, &[], ADMIN;
    SYS_landlock_create_ruleset []                         ALLOW, &[], LANDLOCK_NEST;
    SYS_landlock_add_rule    [Fd]                          ALLOW, &[], LANDLOCK_NEST;
    SYS_landlock_restrict_self [Fd]                        ALLOW, &[], LANDLOCK_NEST;
    SYS_memfd_secret         []                            DENY, &[], "memory hidden from the kernel (memfd_secret(2)): not needed";
    SYS_process_mrelease     [Fd]                          DENY, &[], OTHER;
    SYS_futex_waitv          []                            ALLOW, &[], "capabilities.conf lists _umtx_op, its FreeBSD counterpart";
    SYS_set_mempolicy_home_node []                         DENY, &[], NEWER;
    SYS_cachestat            [Fd]                          DENY, &[], NEWER;
    SYS_fchmodat2            [Dirfd, Path, Num, AtFlags]   BENEATH_0, FCHMODAT2_NEEDS, CHMOD;
    SYS_map_shadow_stack     []                            DENY, &[], NEWER;
    SYS_futex_wake           []                            DENY, &[], NEWER;
    SYS_futex_wait           []                            DENY, &[], NEWER;
    SYS_futex_requeue        []                            DENY, &[], NEWER;
    SYS_statmount            []                            DENY, &[], MOUNT;
    SYS_listmount            []                            DENY, &[], MOUNT;
    SYS_lsm_get_self_attr    []                            DENY, &[], "security module attributes (lsm_get_self_attr(2)): not needed";
    SYS_lsm_set_self_attr    []                            DENY, &[], "security module attributes (lsm_set_self_attr(2)): not needed";
    SYS_lsm_list_modules     []                            DENY, &[], "security module attributes (lsm_list_modules(2)): not needed";
    SYS_mseal                [Buf, Len]                    DENY, &[], NEWER;
    SYS_setxattrat           [Dirfd, Path]                 DENY, &[], NO_LANDLOCK;
    SYS_getxattrat           [Dirfd, Path]                 DENY, &[], NO_LANDLOCK;
    SYS_listxattrat          [Dirfd, Path]                 DENY, &[], NO_LANDLOCK;
    SYS_removexattrat        [Dirfd, Path]                 DENY, &[], NO_LANDLOCK;
    SYS_open_tree_attr       [Dirfd, Path]                 DENY, &[], MOUNT;
    SYS_file_getattr         [Dirfd, Path]                 DENY, &[], NO_LANDLOCK;
    SYS_file_setattr         [Dirfd, Path]                 DENY, &[], NO_LANDLOCK;
    SYS_listns               []                            DENY, &[], NAMESPACE;
];

/// The row of call `nr`.
pub(crate) fn lookup(nr: u32) -> Option<&'static Syscall> {
    TABLE
        .binary_search_by_key(&nr, |s| s.nr)
        .ok()
        .map(|i| &TABLE[i])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_row_per_call_of_the_kernel_table_in_number_order() {
        let numbers: Vec<u32> = TABLE.iter().map(|s| s.nr).collect();
        let expected: Vec<u32> = (0..=336).chain(424..=470).collect();
        assert_eq!(numbers, expected);
        for s in &TABLE {
            assert_eq!(lookup(s.nr).map(|r| r.name()), Some(s.name()));
            assert!(!s.why().is_empty(), "{}", s.name());
        }
        for s in ROWS {
            assert!(s.args.len() <= 6, "{}", s.name);
        }
    }

    #[test]
    fn needs_name_descriptor_arguments() {
        for s in ROWS {
            for n in s.needs {
                if let Some(fd) = n.fd {
                    assert!(
                        matches!(s.args.get(usize::from(fd)), Some(Arg::Fd | Arg::Dirfd)),
                        "{}: need on argument {fd}, which is not a descriptor",
                        s.name
                    );
                }
            }
        }
    }
}
