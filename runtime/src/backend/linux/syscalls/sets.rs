//! The named pieces the table's rows share: numbers libc lacks, the
//! capability-mode alternatives and the sets of needs several rows use,
//! and the reasons. Part of the table (`syscalls.rs`); change them there
//! in mind.

// The table names calls by libc's `SYS_*` constants.
#![allow(non_upper_case_globals)]

use libc::*;

use crate::rights::Right::*;

use super::super::rules::Grant::*;
use super::super::rules::*;
use super::super::seccomp::consts::*;

// Numbers the `libc` crate does not export (syscall_64.tbl).
pub(super) const SYS_create_module: i64 = 174;
pub(super) const SYS_get_kernel_syms: i64 = 177;
pub(super) const SYS_query_module: i64 = 178;
pub(super) const SYS_io_pgetevents: i64 = 333;
pub(super) const SYS_uretprobe: i64 = 335;
pub(super) const SYS_uprobe: i64 = 336;
pub(super) const SYS_cachestat: i64 = 451;
pub(super) const SYS_map_shadow_stack: i64 = 453;
pub(super) const SYS_futex_wake: i64 = 454;
pub(super) const SYS_futex_wait: i64 = 455;
pub(super) const SYS_futex_requeue: i64 = 456;
pub(super) const SYS_statmount: i64 = 457;
pub(super) const SYS_listmount: i64 = 458;
pub(super) const SYS_lsm_get_self_attr: i64 = 459;
pub(super) const SYS_lsm_set_self_attr: i64 = 460;
pub(super) const SYS_lsm_list_modules: i64 = 461;
pub(super) const SYS_setxattrat: i64 = 463;
pub(super) const SYS_getxattrat: i64 = 464;
pub(super) const SYS_listxattrat: i64 = 465;
pub(super) const SYS_removexattrat: i64 = 466;
pub(super) const SYS_open_tree_attr: i64 = 467;
pub(super) const SYS_file_getattr: i64 = 468;
pub(super) const SYS_file_setattr: i64 = 469;
pub(super) const SYS_listns: i64 = 470;

pub(super) const ALLOW: Mode = Mode::Allow;
pub(super) const DENY: Mode = Mode::Deny;
pub(super) const ENOSYS: Mode = Mode::Enosys;

pub(super) const fn allow_if(alternatives: &'static [Allow]) -> Mode {
    Mode::AllowIf(alternatives)
}

// Alternatives shared by several rows.

/// The process itself, as 0: the kernel reads 0 as the caller
/// (`find_process_by_pid`, kernel/sched/syscalls.c; prlimit64,
/// kernel/sys.c). Its own id is refused like any other: a filter cannot
/// compare an argument with the caller's id, and a filter keyed on the id
/// it was built with names the parent in every child forked after entry.
/// sched_setaffinity(2), sched_getaffinity(2): the calling thread as 0,
/// or a positive thread id, sent to the supervisor where it tells the
/// caller's own (`judge::Supervised::OwnProcess`), which lets through the
/// calling thread and its process id alone.
pub(super) const OWN_THREAD: Mode = allow_if(&[
    when(&[eq(0, 0)]),
    own_process(&[masked(0, SIGN, 0), ne(0, 0)]),
]);
pub(super) const SELF: Mode = allow_if(&[when(&[eq(0, 0)])]);
/// setrlimit(2)/prlimit(2): capabilities.conf lists setrlimit and
/// prlimit64 of the caller only, but `RLIMIT_NOFILE` is fixed at entry to
/// the lowest number holding a limited descriptor, so that no descriptor
/// made after entry can land on a number whose rights the filter fixed
/// (open(2), dup(2), `F_DUPFD` and dup2(2) allocate or accept only numbers
/// below it: fs/file.c `alloc_fd`, `ksys_dup3`, `f_dupfd`).
pub(super) const NOFILE_FIXED: &str = "capabilities.conf lists setrlimit; prlimit64 only on the calling process; RLIMIT_NOFILE is fixed at entry below the numbers of the limited descriptors (a number keeps its rights: no new descriptor may land on one)";
/// The sign bit of an `int`.
pub(super) const SIGN: u32 = 0x8000_0000;
/// Signals to a process (or thread) id, positive as an `int`: 0 is the
/// caller's process group, -1 every process, other negatives a group
/// (kill(2)). Which process is Landlock's business: with
/// `LANDLOCK_SCOPE_SIGNAL` (ABI 6) a target outside the caller's domain is
/// refused (`EPERM`), so the parent and the siblings of a child forked
/// after entry (each in a domain of its own) are out of reach, and the
/// caller itself is not. Without it, no signal at all. Where a supervisor
/// tells thread groups, the call then goes to it
/// (`judge::Supervised::OwnProcess`), which lets it through to the caller's
/// own process alone, as capability mode does (sys_kill in FreeBSD's
/// sys/kern/kern_sig.c).
pub(super) const SIGNAL: Mode = allow_if(&[scoped(&[masked(0, SIGN, 0), ne(0, 0)])]);
/// pidfd_send_signal(2): the target is the descriptor's process; Landlock's
/// signal scope decides, so without it nothing.
pub(super) const SIGNAL_PIDFD: Mode = allow_if(&[scoped(&[])]);
/// The clock ids clock_gettime(2) and clock_getres(2) read: the static
/// clocks (non-negative), a thread's CPU clock (negative with
/// `CPUCLOCK_PERTHREAD_MASK`, which the kernel finds among the caller's
/// threads only, kernel/time/posix-cpu-timers.c `lookup_task`) and any
/// process's CPU clock (`MAKE_PROCESS_CPUCLOCK(pid, ...)`, `~pid << 3` and
/// the clock, 0 to 2, include/linux/posix-timers.h), as FreeBSD reads the
/// CPU time of any process the caller may see (sys/kern/kern_time.c
/// `get_cputime`: `pget(pid, PGET_CANSEE)`) and the resolution of any CPU
/// clock without looking it up (`kern_clock_getres`). Not a device's clock
/// (`CLOCKFD`, low bits 3: a PTP clock through a descriptor), which FreeBSD
/// has no counterpart of.
pub(super) const CLOCK_READ: Mode = allow_if(&[
    when(&[masked(0, SIGN, 0)]),
    when(&[masked(0, SIGN | 4, SIGN | 4)]),
    when(&[masked_one_of(0, SIGN | 7, &[SIGN, SIGN | 1, SIGN | 2])]),
]);
/// The clocks a timer or a sleep may run on: the static clocks but the
/// alarm clocks (`CLOCK_REALTIME_ALARM`, `CLOCK_BOOTTIME_ALARM`: a timer
/// or a sleep on one programs the machine's real-time clock to wake the
/// whole system from suspend, timer_create(2), timerfd_create(2):
/// `CAP_WAKE_ALARM`, which FreeBSD has no clock for; reading them stays
/// allowed), a thread's CPU clock and the caller's own process CPU clocks
/// (`MAKE_PROCESS_CPUCLOCK(0, ...)`: -8, -7, -6). FreeBSD has no timer or
/// sleep on a CPU clock at all (`kern_ktimer_create` and
/// `kern_clock_nanosleep`, sys/kern/kern_time.c: `EINVAL`), so one on
/// another process's CPU clock, which Linux has (posix_cpu_timer_create,
/// posix_cpu_nsleep), is Linux-only: the caller's only, as 0.
pub(super) const CLOCK_OWN_NO_ALARM: Mode = allow_if(&[
    when(&[
        masked(0, SIGN, 0),
        ne(0, CLOCK_REALTIME_ALARM as u32),
        ne(0, CLOCK_BOOTTIME_ALARM as u32),
    ]),
    when(&[masked(0, SIGN | 4, SIGN | 4)]),
    when(&[one_of(0, &[0xffff_fff8, 0xffff_fff9, 0xffff_fffa])]),
]);
pub(super) const NO_ALARM: Mode = allow_if(&[when(&[
    ne(0, CLOCK_REALTIME_ALARM as u32),
    ne(0, CLOCK_BOOTTIME_ALARM as u32),
])]);
/// unshare(2) with `CLONE_THREAD` alone: unshares nothing and fails with
/// `EINVAL` when other threads exist (kernel/fork.c
/// `check_unshare_flags`), the cheapest test of being single-threaded.
pub(super) const UNSHARE_NOTHING: Mode = allow_if(&[when(&[eq(0, CLONE_THREAD as u32)])]);
/// ioprio_get(2), ioprio_set(2): `IOPRIO_WHO_PROCESS` (1) of the calling
/// thread, as 0 (include/uapi/linux/ioprio.h; block/ioprio.c).
pub(super) const IOPRIO_SELF: Mode = allow_if(&[when(&[eq(0, 1), eq(1, 0)])]);
/// A lookup beneath a directory descriptor (argument 0).
pub(super) const BENEATH_0: Mode = allow_if(&[beneath(&[ne(0, FDCWD)])]);
/// Two lookups beneath directory descriptors (arguments 0 and 2).
pub(super) const BENEATH_0_2: Mode = allow_if(&[beneath(&[ne(0, FDCWD), ne(2, FDCWD)])]);
/// utimensat(2): futimens(3) (a NULL path), or the path form beneath a
/// directory, which its needs then deny.
pub(super) const UTIMENSAT: Mode =
    allow_if(&[when(&[null(1)]), beneath(&[ne(0, FDCWD), non_null(1)])]);
/// `futimes`; the path form also `lookup`, then walked by the supervisor
/// (`Supervised::Attributes`) or, without one, denied (`EACCES`, as a
/// missing right would be).
pub(super) const UTIMENSAT_NEEDS: &[Need] = &[
    need(0, Futimes).places(access::UNMEDIATED),
    need(0, Lookup).when(&[non_null(1), masked(3, AT_EMPTY_PATH as u32, 0)]),
    unmediated(0).when(&[non_null(1)]),
];
/// fchmodat(2): `fchmodat` (`fchmod` and `lookup`); the path form
/// Landlock does not mediate, walked by the supervisor
/// (`Supervised::Attributes`) or denied.
pub(super) const FCHMODAT_NEEDS: &[Need] = &[
    need(0, Fchmod).places(access::UNMEDIATED),
    need(0, Lookup),
    unmediated(0),
];
/// fchmodat2: as fchmodat(2); with `AT_EMPTY_PATH` and `""`, fchmod of
/// the descriptor (`lookup` not needed; the supervisor asks it of a
/// path that is not empty).
pub(super) const FCHMODAT2_NEEDS: &[Need] = &[
    need(0, Fchmod).places(access::UNMEDIATED),
    need(0, Lookup).when(&[masked(3, AT_EMPTY_PATH as u32, 0)]),
    unmediated(0),
];
/// fchownat(2): `fchownat` (`fchown` and `lookup`), as fchmodat2.
pub(super) const FCHOWNAT_NEEDS: &[Need] = &[
    need(0, Fchown).places(access::UNMEDIATED),
    need(0, Lookup).when(&[masked(4, AT_EMPTY_PATH as u32, 0)]),
    unmediated(0),
];
/// futimesat(2): `futimesat` (`futimes` and `lookup`); a `NULL` path is
/// `EFAULT`, as FreeBSD's.
pub(super) const FUTIMESAT_NEEDS: &[Need] = &[
    need(0, Futimes).places(access::UNMEDIATED),
    need(0, Lookup).when(&[non_null(1)]),
    unmediated(0),
];
/// A read-only lookup: beneath a directory, or (broker) from `AT_FDCWD`.
pub(super) const LOOKUP: Mode = allow_if(&[
    beneath(&[ne(0, FDCWD)]),
    granted(GlobalPaths, &[eq(0, FDCWD)]),
]);
/// A global read-only path: the broker with `global_paths` only.
pub(super) const GLOBAL_READ: Mode = allow_if(&[granted(GlobalPaths, &[])]);
/// sendmsg/sendmmsg: the broker, which sends descriptors itself, or a
/// supervisor, which makes the call for the caller on what it read of the
/// message once (`judge::Supervised::Sent`: no address, no limited
/// descriptor); without one, denied (the message is behind a pointer).
pub(super) const SEND_DESCRIPTORS: Mode =
    allow_if(&[granted(SendDescriptors, &[]), supervisor(&[])]);
/// Unix stream and seqpacket sockets.
pub(super) const UNIX_SOCKET: Allow = when(&[
    eq(0, AF_UNIX as u32),
    masked_one_of(1, 0xf, UNIX_SOCKET_TYPES),
]);
/// An IPv4 or IPv6 UDP socket (capmode.cc AllowedSocketSyscalls creates
/// one in capability mode): unbound, it reaches nobody, since bind(2),
/// connect(2), sendmsg(2) and sendto(2) with an address are denied, and
/// nothing binds a UDP socket implicitly but those. TCP is not: listen(2)
/// binds it to a new port.
pub(super) const INET_DATAGRAM: Allow = when(&[
    one_of(0, INET_FAMILIES),
    masked(1, 0xf, SOCK_DGRAM as u32),
    one_of(2, &[0, IPPROTO_UDP as u32]),
]);

/// fstatat(2) (`newfstatat`, flags in argument 3) and statx(2) (flags in
/// argument 2): fstat through `AT_EMPTY_PATH` (how glibc and std do
/// fstat), a lookup beneath a directory, or (broker) a global one. With
/// `AT_EMPTY_PATH` the path is not read (seccomp(2) compares no memory),
/// so a non-empty one is looked up with `fstat` alone: an absolute path
/// through any descriptor holding it (the "Linux vs Capsicum" table, row
/// 1 (a); `escape` `empty_path_*`).
pub(super) const NEWFSTATAT: Mode = allow_if(&[
    when(&[
        ne(0, FDCWD),
        masked(3, AT_EMPTY_PATH as u32, AT_EMPTY_PATH as u32),
    ]),
    beneath(&[ne(0, FDCWD)]),
    granted(GlobalPaths, &[eq(0, FDCWD)]),
]);
pub(super) const STATX: Mode = allow_if(&[
    when(&[
        ne(0, FDCWD),
        masked(2, AT_EMPTY_PATH as u32, AT_EMPTY_PATH as u32),
    ]),
    beneath(&[ne(0, FDCWD)]),
    granted(GlobalPaths, &[eq(0, FDCWD)]),
]);

/// fstatat's needs: `fstat`, and `lookup` unless `AT_EMPTY_PATH`.
/// Landlock does not mediate stat: a lookup through a directory opened
/// after entry needs `fstat` of every directory.
pub(super) const NEWFSTATAT_NEEDS: &[Need] = &[
    need(0, Fstat),
    need(0, Fstat)
        .when(&[masked(3, AT_EMPTY_PATH as u32, 0)])
        .places(access::UNMEDIATED),
    need(0, Lookup).when(&[masked(3, AT_EMPTY_PATH as u32, 0)]),
];
pub(super) const STATX_NEEDS: &[Need] = &[
    need(0, Fstat),
    need(0, Fstat)
        .when(&[masked(2, AT_EMPTY_PATH as u32, 0)])
        .places(access::UNMEDIATED),
    need(0, Lookup).when(&[masked(2, AT_EMPTY_PATH as u32, 0)]),
];
/// faccessat(2): `fstat` and `lookup` (sys/kern/vfs_syscalls.c
/// kern_accessat; capability-fd.cc TryDirOps); Landlock does not mediate
/// access(2), so through a directory opened after entry `fstat` of every
/// directory.
pub(super) const FACCESSAT: &[Need] =
    &[need(0, Fstatat), need(0, Fstat).places(access::UNMEDIATED)];

/// openat(2): the open flags imply rights as on FreeBSD (rights(4):
/// `O_CREAT` needs `create`, `O_TRUNC` `ftruncate`, `O_FSYNC` `fsync`,
/// the access mode `read`/`write`; `O_PATH` needs only `lookup`). Access
/// mode 3 (`O_RDWR | O_WRONLY`, without `O_PATH`) is refused whatever
/// the rights: Linux checks read and write permission and opens the file
/// for neither (open(2), "for device-specific ioctl(2) operations"), and
/// Landlock's open check asks only for what the file is opened for
/// (security/landlock/fs.c `get_required_file_open_access`: `f_mode`'s
/// `FMODE_READ`, `FMODE_WRITE`), so a file a racing thread reached
/// anywhere would be open for fchmod(2), fchown(2), futimens(3),
/// fsetxattr(2) and the inode-flag ioctls with what the directories hold.
/// FreeBSD's open(2) refuses the mode (`EINVAL`, sys/kern/vfs_syscalls.c
/// `kern_openat`), and so does the supervisor, where there is one
/// (`supervise/walked.rs`); without it the filter refuses it as a path
/// form it cannot walk (`EACCES`).
pub(super) const OPENAT: &[Need] = &[
    need(0, Lookup),
    unmediated(0).when(&[masked(2, (O_ACCMODE | O_PATH) as u32, O_ACCMODE as u32)]),
    need(0, Create)
        .when(&[masked(2, O_CREAT as u32, O_CREAT as u32)])
        .places(access::MAKE_REG),
    need(0, Create)
        .when(&[masked(2, TMPFILE, TMPFILE)])
        .places(access::MAKE_REG),
    need(0, Ftruncate).when(&[masked(2, O_TRUNC as u32, O_TRUNC as u32)]),
    need(0, Fsync).when(&[masked(2, O_DSYNC as u32, O_DSYNC as u32)]),
    need(0, Write).when(&[masked_one_of(
        2,
        O_ACCMODE as u32,
        &[O_WRONLY as u32, O_RDWR as u32],
    )]),
    // Writing without O_APPEND or O_TRUNC moves an offset: `seek` too
    // (flags_to_rights, sys/kern/vfs_syscalls.c).
    need(0, Seek).when(&[
        masked_one_of(2, O_ACCMODE as u32, &[O_WRONLY as u32, O_RDWR as u32]),
        masked(2, (O_APPEND | O_TRUNC) as u32, 0),
    ]),
    need(0, Read).when(&[masked(2, O_ACCMODE as u32, O_RDWR as u32)]),
    need(0, Read).when(&[
        masked(2, O_ACCMODE as u32, O_RDONLY as u32),
        masked(2, O_PATH as u32, 0),
    ]),
];
/// `O_TMPFILE` without the `O_DIRECTORY` bit it includes.
pub(super) const TMPFILE: u32 = (O_TMPFILE & !O_DIRECTORY) as u32;

/// mknodat(2): the Linux port of Capsicum decides the right from the
/// mode (capability-fd.cc SyscallAt): a regular file needs `create`, a
/// socket `bind`, a FIFO `mkfifoat` (FreeBSD's kern_mknodat sends FIFOs
/// to mkfifoat). No character or block device is ever made: on Linux a
/// node made by root opens the device itself.
pub(super) const MKNODAT: &[Need] = &[
    need(0, Lookup),
    need(0, Mkfifoat)
        .when(&[masked(2, S_IFMT, S_IFIFO)])
        .places(access::MAKE_FIFO),
    need(0, Create)
        .when(&[masked_one_of(2, S_IFMT, &[0, S_IFREG])])
        .places(access::MAKE_REG),
    need(0, Bind)
        .when(&[masked(2, S_IFMT, S_IFSOCK)])
        .places(access::MAKE_SOCK),
    nobody(Mknodat).when(&[masked_one_of(2, S_IFMT, &[S_IFCHR, S_IFBLK])]),
];
/// renameat(2), renameat2(2): `renameat_source` on the source directory,
/// `renameat_target` on the destination (rights(4)). Landlock checks a
/// rename as a removal and a making, which `unlinkat`, `create`... give
/// too.
pub(super) const RENAMEAT: &[Need] = &[
    need(0, RenameatSource).places(access::REMOVE),
    need(2, RenameatTarget).places(access::MAKE_ANY),
];
/// renameat2(2): as renameat(2); `RENAME_WHITEOUT` leaves a whiteout, a
/// character device (0:0), where the source was (rename(2)), which no
/// right grants, as no right grants mknodat(2) of a device. FreeBSD's
/// renameat(2) has no flags.
pub(super) const RENAMEAT2: &[Need] = &[
    need(0, RenameatSource).places(access::REMOVE),
    need(2, RenameatTarget).places(access::MAKE_ANY),
    nobody(Mknodat).when(&[masked(4, libc::RENAME_WHITEOUT, libc::RENAME_WHITEOUT)]),
];
/// linkat(2): `linkat_source` on the source directory, `linkat_target` on
/// the destination. Landlock checks a link as a making, which `create`,
/// `symlinkat`... give too.
pub(super) const LINKAT: &[Need] = &[
    need(0, LinkatSource).places(access::MAKE_LINK),
    need(2, LinkatTarget).places(access::MAKE_LINK),
];
/// execveat(2), fexecve(3): `fexecve` on the descriptor (kern_execve's
/// `cap_fexecve_rights`), and `lookup` when a path is looked up beneath
/// it (no `AT_EMPTY_PATH`). Descriptors outside every class are refused:
/// seccomp cannot tell a file opened beneath a directory from a memfd,
/// which Landlock does not mediate.
pub(super) const FEXECVE: &[Need] = &[
    need(0, Fexecve).denied_outside(),
    need(0, Lookup).when(&[masked(4, AT_EMPTY_PATH as u32, 0)]),
];
/// signalfd(2), signalfd4(2) on an existing signalfd change its mask:
/// `fsignal` (Linux Capsicum); `-1` makes a new one.
pub(super) const SIGNALFD: &[Need] = &[need(0, Fsignal).when(&[ne(0, u32::MAX)])];

/// mmap(2) of a descriptor (anonymous mappings ignore it): `mmap`, plus
/// `mmap_r` to read, `mmap_w` to write a shared mapping (a private one is
/// a copy), `mmap_x` to execute (rights(4)). Anonymous memory may be
/// executable (FreeBSD's vm_mmap gives it every protection); a file only
/// through a descriptor with `mmap_x` (not one in no class: a memfd made
/// after entry). FreeBSD bounds a mapping's maximum protection by the
/// rights (vn_mmap's `maxprot &= cap_maxprot`, sys/kern/vfs_vnops.c), so
/// mprotect(2) cannot make a shared mapping writable without `mmap_w`;
/// Linux lets it wherever the file is open for writing, and seccomp cannot
/// tie that call to the descriptor: the supervisor judges mprotect(2)
/// adding `PROT_WRITE` against the mapping's file
/// (`Supervised::Protection`), and without one a shared mapping of a
/// descriptor open for writing needs `mmap_w` whatever its protection.
pub(super) const MMAP: &[Need] = &[
    need(4, Mmap).when(&[FILE]),
    need(4, MmapR).when(&[FILE, masked(2, PROT_READ as u32, PROT_READ as u32)]),
    need(4, MmapW).when(&[
        FILE,
        masked(2, PROT_WRITE as u32, PROT_WRITE as u32),
        SHARED,
    ]),
    need(4, MmapW)
        .when(&[FILE, SHARED])
        .writing()
        .unless_supervised(),
    need(4, MmapX).when(&[FILE, EXEC]).denied_outside(),
];
pub(super) const FILE: Cond = masked(3, MAP_ANONYMOUS as u32, 0);
pub(super) const EXEC: Cond = masked(2, PROT_EXEC as u32, PROT_EXEC as u32);
const SHARED: Cond = masked_one_of(3, 0xf, &[MAP_SHARED as u32, MAP_SHARED_VALIDATE as u32]);

/// mprotect(2) adding `PROT_EXEC` (or `PROT_WRITE`, where a class open
/// for writing lacks `mmap_w`: `judge::writes_judged`): seccomp does not
/// see which mapping it changes, so the supervisor judges it
/// (`Supervised::Protection`: within the mapping's maximum protection, as
/// FreeBSD's vm_map_protect) and, without one, `PROT_EXEC` fails closed
/// (`EACCES`, as beyond a maximum protection; `PROT_WRITE` is then bounded
/// at mmap(2), [`MMAP`]).
pub(super) const PROTECTION: &[Need] = &[unsupervised().when(&[EXEC])];

/// copy_file_range(2), splice(2): source (0) and destination (2); an
/// explicit offset (a non-NULL `loff_t *`) makes them pread/pwrite.
pub(super) const COPY: &[Need] = &[
    need(0, Read),
    need(2, Write),
    need(0, Pread).when(&[non_null(1)]),
    need(2, Pwrite).when(&[non_null(3)]),
];

/// lseek(2): `seek`, or `seek_tell` alone for lseek(fd, 0, SEEK_CUR).
pub(super) const LSEEK: &[Need] = &[
    need(0, SeekTell),
    need(0, Seek).when(&[ne(2, SEEK_CUR as u32)]),
    need(0, Seek).when(&[non_null(1)]),
];

/// ioctl(2): the allowlist, and for the broker with `inet` interface reads.
pub(super) const IOCTL: Mode = allow_if(&[
    when(&[one_of(1, IOCTL_ALLOWED)]),
    granted(Inet, &[one_of(1, IOCTL_INET_READS)]),
]);
/// The descriptor's `ioctl` right and list; inode flags of descriptors
/// opened after entry with the directories' `ioctl`.
pub(super) const IOCTL_NEEDS: &[Need] = &[
    ioctl_command(0, 1),
    need(0, Ioctl)
        .when(&[one_of(1, INODE_IOCTLS)])
        .places(access::UNMEDIATED),
];

/// fcntl(2): `F_SETOWN` to nobody (0) or, when Landlock scopes signals, to
/// a process id (SIGIO is a signal: Landlock checks its delivery against
/// the domain of whoever set the owner); never a process group (negative).
/// `F_SETOWN_EX`'s target is behind a pointer.
pub(super) const FCNTL: Mode = allow_if(&[
    when(&[ne(1, F_SETOWN as u32), ne(1, F_SETOWN_EX)]),
    when(&[eq(1, F_SETOWN as u32), eq(2, 0)]),
    scoped(&[eq(1, F_SETOWN as u32), masked(2, SIGN, 0)]),
]);

// Reasons shared by several rows.
pub(super) const CONF: &str = "capabilities.conf lists it";
pub(super) const POLLED: &str = "capabilities.conf lists poll and select: each descriptor needs `event` (pollscan, selscan in sys/kern/sys_generic.c); they lie in memory seccomp cannot read, so the supervisor reads them where a class lacks `event` (supervise/polled.rs)";
pub(super) const CONF_FD: &str =
    "capabilities.conf lists it; the descriptor's rights decide (rights(4))";
pub(super) const SCHED_ATTR: &str = "Linux-only, beyond its FreeBSD counterparts (sched_setscheduler, sched_getparam: no utilization clamps, no deadline parameters): only the caller, as 0";
pub(super) const IOPRIO: &str = "Linux-only (FreeBSD has no I/O priority): a thread of the caller's, as 0 (ioprio_set(2): IOPRIO_WHO_PROCESS); not a process group nor a user's processes (IOPRIO_WHO_PGRP, IOPRIO_WHO_USER)";
pub(super) const ROBUST_LIST: &str = "Linux-only: where a thread keeps its robust futex list (get_robust_list(2), with ptrace read access to another); FreeBSD's _umtx_op(UMTX_OP_ROBUST_LISTS) only sets the caller's: only the caller, as 0";
pub(super) const SIGNALS: &str = "capabilities.conf lists it for the process itself only (sys_kill: ECAPMODE for any other pid); the supervisor lets it through to the caller's own process alone (PIDFD_GET_INFO, Linux 6.13), and Landlock's signal scope (ABI 6) keeps the target inside the caller's domain";
pub(super) const LANDLOCK_NEST: &str = "a Landlock domain inside the current one can only take access away (landlock(7)); children forked after entry and compartments each get one";
pub(super) const WAIT: &str = "names a process id: FreeBSD's capability mode denies wait4/wait6 (not CAPENABLED in sys/kern/syscalls.master; capmode.cc AllowedMiscSyscalls expects ECAPMODE from waitpid); a child is reaped through its process descriptor, waitid(P_PIDFD)";
pub(super) const WAIT_PIDFD: &str = "a child reaped through its process descriptor, as pdwait reaps a pdfork(2) child (clone(2) CLONE_PIDFD; waitid(2) P_PIDFD, Linux 5.4); other id types name processes or groups, denied as wait4 is";
pub(super) const SCHED_QUERY: &str = "capabilities.conf lists it; reads the scheduling of any process, as FreeBSD answers for any the caller may see (sys/kern/p1003_1b.c kern_sched_getparam, kern_sched_getscheduler, kern_sched_rr_get_interval_td: p_cansee); Linux looks in the caller's pid namespace (kernel/sched/syscalls.c)";
pub(super) const SCHED_CHANGE: &str = "capabilities.conf lists it: FreeBSD changes the scheduling of any process the caller may schedule (sys/kern/p1003_1b.c kern_sched_setparam, kern_sched_setscheduler: p_cansched; a policy only with PRIV_SCHED_SET), so the kernel decides (kernel/sched/syscalls.c user_check_sched_setscheduler: the same owner or CAP_SYS_NICE); Landlock does not scope it (landlock(7))";
pub(super) const SETPRIORITY: &str = "capabilities.conf lists it unscoped: FreeBSD changes the nice value of any process, group or user's processes the caller may see and schedule (sys/kern/kern_resource.c kern_setpriority: p_cansee, then donice: p_cansched), so the kernel decides (kernel/sys.c set_one_prio: the same user or CAP_SYS_NICE; a lower value needs CAP_SYS_NICE or RLIMIT_NICE); Landlock does not scope it (landlock(7))";
pub(super) const AFFINITY: &str = "the calling thread or its process only, as in capability mode FreeBSD's cpuset_getaffinity(2)/cpuset_setaffinity(2) take the calling thread or process alone, as -1 or by its own id (sys/kern/kern_cpuset.c cpuset_check_capabilities: ECAPMODE for any other): 0 here, or its own thread or process id, which the supervisor tells (PIDFD_GET_INFO, Linux 6.13; without it only 0)";
pub(super) const CLOCK_READS: &str = "capabilities.conf lists it: the static clocks, a thread's CPU clock (the kernel finds the caller's threads only) and any process's CPU clock, as FreeBSD reads the CPU time of any process the caller may see (sys/kern/kern_time.c get_cputime: pget PGET_CANSEE; kern_clock_getres: any CPU clock); Linux reads any in its pid namespace (kernel/time/posix-cpu-timers.c lookup_task); not a device's clock (CLOCKFD)";
pub(super) const CPU_TIMERS: &str = "a timer or sleep of the caller's (capabilities.conf lists ktimer_create, nanosleep); FreeBSD has none on a CPU clock (sys/kern/kern_time.c kern_ktimer_create, kern_clock_nanosleep: EINVAL), so one on another process's CPU clock is Linux-only: the caller's, as 0; no alarm clock, which wakes the system (CAP_WAKE_ALARM)";
pub(super) const OWN: &str = "Linux-only; acts on the calling process or thread alone";
pub(super) const GLOBAL: &str = "a path from the current directory or `/`: a global namespace (cap_enter(2)); the service broker may read with `global_paths`";
pub(super) const GLOBAL_CHANGE: &str = "a path from the current directory or `/`: a global namespace (cap_enter(2)); use the `*at` call beneath a preopened directory";
pub(super) const NO_LANDLOCK: &str = "Landlock does not mediate this change by path (landlock(7)), so `..` or a symlink could reach outside the directories; act on a descriptor opened beneath one";
pub(super) const SYSV: &str = "System V IPC is a global namespace (cap_enter(2), svipc(7))";
pub(super) const MQUEUE: &str =
    "named POSIX message queues are a global namespace (mq_overview(7))";
pub(super) const AIO: &str =
    "Linux AIO reads its requests from memory the filter never sees (io_submit(2))";
pub(super) const IO_URING: &str = "io_uring makes system calls the filter never sees (io_uring(7))";
pub(super) const MOUNT: &str =
    "the mount namespace is global (mount_namespaces(7)); not in capabilities.conf";
pub(super) const NAMESPACE: &str =
    "new or other namespaces (namespaces(7)); not in capabilities.conf";
pub(super) const ADMIN: &str =
    "system administration (CAP_SYS_ADMIN and friends); not in capabilities.conf";
pub(super) const CLOCK: &str = "sets the system clock; not in capabilities.conf";
pub(super) const MODULE: &str = "loads or removes kernel modules; not in capabilities.conf";
pub(super) const OTHER: &str = "acts on another process (cap_enter(2): only the process itself)";
pub(super) const GONE: &str = "not implemented by this kernel (sys_ni_syscall, syscall_64.tbl)";
pub(super) const KEYS: &str = "the kernel keyrings are shared beyond the process (keyrings(7))";
pub(super) const NEWER: &str = "newer than the allowlist; not needed by libc or std";
pub(super) const DUP: &str = "capabilities.conf lists dup/dup2; rights follow descriptor numbers here, so a copy of a limited descriptor is made by the supervisor into a pool of its limits (dup, F_DUPFD: supervise/copied.rs), and nothing is placed over one but into a pool within its limits (descriptors limited after entry, fds.rs)";
pub(super) const SEND: &str = "the msghdr is behind a pointer seccomp cannot read (seccomp(2)): the supervisor reads it once and makes the call itself, refusing an address (cap_enter(2)) and limited SCM_RIGHTS descriptors; without a supervisor it is denied (use send(2) or write(2)). The broker sends descriptors with it";
pub(super) const EXEC_IMAGE: &str = "a program named by a global path (cap_enter(2); fexecve.cc ExecveFailure expects ECAPMODE): fexecve(3) of a descriptor holding `fexecve` instead";
pub(super) const CHMOD: &str = "capabilities.conf lists it beneath a directory descriptor (the change's right and `lookup`); Landlock does not mediate chmod, chown or utimes (landlock(7)): the supervisor walks the path as Capsicum does, and without one the path form is denied (fchmod/fchown/futimens on a descriptor opened beneath the directory instead)";
