//! The seccomp-bpf filters that play Capsicum on Linux (seccomp(2),
//! Documentation/userspace-api/seccomp_filter.rst), built with the
//! `seccompiler` crate. Three filters are stacked (the rights filter split
//! over several programs when it exceeds `BPF_MAXINSNS`); the kernel runs
//! all of them and the most restrictive answer wins (for two `ERRNO`
//! answers, the newest filter's):
//!
//! 1. **capability mode**: an allowlist modelled on FreeBSD's
//!    `sys/kern/capabilities.conf`, with argument checks (`AT_FDCWD`, socket
//!    families, clone flags, signal targets, prctl options). Anything else
//!    fails with `EPERM`.
//! 2. **rights**: for each class of limited descriptors (a range of
//!    numbers, see `fds.rs`) the operations its rights do not include fail
//!    with `EACCES`, plus what no descriptor may do after entry (new
//!    executable memory; inode changes through descriptors opened after
//!    entry, beyond the directories' rights). read/write rules appear only
//!    for classes whose access mode is wider than their rights, so that
//!    in the common case read(2)/write(2) are allowed by every program and
//!    the kernel's action cache skips the filters for them. Everything else
//!    passes this filter.
//! 3. **compat**: `clone3` and `openat2` fail with `ENOSYS`: their arguments
//!    are behind a pointer seccomp cannot read, and libc falls back to
//!    `clone` / `openat` on `ENOSYS`, which the other filters can check.
//!
//! Foreign architectures (the i386 `int 0x80` entry) get `EPERM` from every
//! filter; x32 system calls (`nr | 0x40000000`) match no allowlist entry and
//! get `EPERM` from filter 1.

use std::collections::BTreeMap;

use seccompiler::{
    sock_filter, BpfProgram, SeccompAction, SeccompCmpArgLen, SeccompCmpOp, SeccompCondition,
    SeccompFilter, SeccompRule, TargetArch,
};

use crate::rights::{Fcntl, Ioctl, Limits, Right, RightSet};

/// errno of a call capability mode does not allow (Capsicum: `ECAPMODE`).
pub(crate) const MODE_ERRNO: i32 = libc::EPERM;
/// errno of an operation a descriptor's rights do not include (Capsicum:
/// `ENOTCAPABLE`). Landlock answers `EACCES` for directories' rights too.
pub(crate) const RIGHTS_ERRNO: i32 = libc::EACCES;
/// errno of the calls whose arguments seccomp cannot see; libc then falls
/// back to a call it can.
pub(crate) const COMPAT_ERRNO: i32 = libc::ENOSYS;

/// One class of limited descriptors: the numbers `lo..=hi` share `limits`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct FdClass {
    /// First descriptor number.
    pub lo: u32,
    /// Last descriptor number.
    pub hi: u32,
    /// What descriptors of the class may do.
    pub limits: Limits,
    /// Whether their access mode lets read(2) through (`O_RDONLY` or
    /// `O_RDWR`, not `O_PATH`). When it does not, the kernel answers
    /// `EBADF` and the filter need not look (read(2)).
    pub reads: bool,
    /// Whether their access mode lets write(2) through.
    pub writes: bool,
}

/// What the capability-mode filter lets through beyond capability mode
/// (for the service broker, which needs some global namespaces).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Grants {
    /// Path lookups from `AT_FDCWD` and absolute paths for reading (open,
    /// stat, access, readlink, getcwd); Landlock still decides what may be
    /// opened. Modifying calls keep needing a directory descriptor.
    pub global_paths: bool,
    /// `socket(AF_INET/AF_INET6)`, `connect`, `bind`, `sendto` with an
    /// address.
    pub inet: bool,
    /// `socket(AF_UNIX)` of any type and `connect` (syslog's `/dev/log`).
    pub unix_connect: bool,
    /// `sendmsg` and `sendmmsg`: the broker hands descriptors out with
    /// `SCM_RIGHTS`, and glibc's resolver sends its queries with
    /// `sendmmsg`. Never for the program: seccomp cannot read the
    /// `msghdr` (seccomp(2): arguments are compared as numbers, pointers
    /// are not followed), so its `msg_name` (an address) and
    /// `msg_control` (descriptors, which would arrive as new unlimited
    /// numbers) cannot be checked.
    pub send_descriptors: bool,
}

/// Inputs of the capability-mode filter.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Mode {
    /// The process id signals may be sent to (the process itself).
    pub pid: u32,
    /// Whether lookups beneath directory descriptors may be allowed: only
    /// when Landlock confines them (absolute paths and `..` ignore the
    /// directory descriptor). Without it every path lookup is denied.
    pub lookups: bool,
    /// Extra grants.
    pub grants: Grants,
}

fn cond(arg: u8, len: SeccompCmpArgLen, op: SeccompCmpOp, value: u64) -> SeccompCondition {
    SeccompCondition::new(arg, len, op, value).expect("argument index below 6")
}

/// A 32-bit comparison (descriptors, commands and flags are `int`s: the
/// kernel ignores the upper half of the register).
fn c32(arg: u8, op: SeccompCmpOp, value: u32) -> SeccompCondition {
    cond(arg, SeccompCmpArgLen::Dword, op, value.into())
}

/// A 64-bit comparison (pointers, offsets).
fn c64(arg: u8, op: SeccompCmpOp, value: u64) -> SeccompCondition {
    cond(arg, SeccompCmpArgLen::Qword, op, value)
}

fn eq(arg: u8, value: u32) -> SeccompCondition {
    c32(arg, SeccompCmpOp::Eq, value)
}

fn ne(arg: u8, value: u32) -> SeccompCondition {
    c32(arg, SeccompCmpOp::Ne, value)
}

/// `(arg & mask) == value`.
fn masked(arg: u8, mask: u32, value: u32) -> SeccompCondition {
    c32(arg, SeccompCmpOp::MaskedEq(mask.into()), value)
}

/// `arg` lies in `lo..=hi` (unsigned).
fn within(arg: u8, lo: u32, hi: u32) -> Vec<SeccompCondition> {
    if lo == hi {
        return vec![eq(arg, lo)];
    }
    let mut c = Vec::with_capacity(2);
    if lo > 0 {
        c.push(c32(arg, SeccompCmpOp::Ge, lo));
    }
    if hi < u32::MAX {
        c.push(c32(arg, SeccompCmpOp::Le, hi));
    }
    c
}

/// `AT_FDCWD` as the filter sees it (a 32-bit `int`).
const FDCWD: u32 = libc::AT_FDCWD as u32;

/// fcntl(2) commands libc does not export for x86_64
/// (include/uapi/asm-generic/fcntl.h).
const F_SETOWN_EX: u32 = 15;
const F_GETOWN_EX: u32 = 16;

/// The rules of one filter, by system call. `None`: allowed whatever the
/// arguments.
#[derive(Default)]
struct Rules(BTreeMap<i64, Option<Vec<SeccompRule>>>);

impl Rules {
    /// `nr` matches when all of `conds` hold (or always, if empty).
    fn add(&mut self, nr: i64, conds: Vec<SeccompCondition>) {
        let entry = self.0.entry(nr).or_insert_with(|| Some(Vec::new()));
        if conds.is_empty() {
            *entry = None;
        } else if let Some(rules) = entry {
            rules.push(SeccompRule::new(conds).expect("conditions are not empty"));
        }
    }

    fn all(&mut self, nrs: &[i64]) {
        for &nr in nrs {
            self.add(nr, Vec::new());
        }
    }

    /// One item per rule (`None`: the call matches whatever its arguments).
    fn into_items(self) -> Vec<(i64, Option<SeccompRule>)> {
        let mut items = Vec::new();
        for (nr, rules) in self.0 {
            match rules {
                None => items.push((nr, None)),
                Some(rules) => items.extend(rules.into_iter().map(|r| (nr, Some(r)))),
            }
        }
        items
    }

    fn from_items(items: &[(i64, Option<SeccompRule>)]) -> Rules {
        let mut rules = Rules::default();
        for (nr, rule) in items {
            let entry = rules.0.entry(*nr).or_insert_with(|| Some(Vec::new()));
            match rule {
                None => *entry = None,
                Some(rule) => {
                    if let Some(list) = entry {
                        list.push(rule.clone());
                    }
                }
            }
        }
        rules
    }

    /// Compiles the rules: calls that match get `matched`, others
    /// `mismatch`. seccompiler tests the system call number against each
    /// call of a filter in turn; when the kernel attaches a program it
    /// emulates it for every system call number to fill its action cache
    /// (kernel/seccomp.c, `seccomp_cache_prepare`), so a long chain costs
    /// milliseconds at entry and tens of nanoseconds per uncached call.
    /// The calls are therefore split into groups of `GROUP`, each compiled
    /// by seccompiler, behind a binary search on the number (`dispatch`).
    fn compile(
        self,
        mismatch: SeccompAction,
        matched: SeccompAction,
    ) -> Result<BpfProgram, seccompiler::BackendError> {
        let filter = |entries: &[Entry]| {
            let rules = entries
                .iter()
                .map(|(nr, rules)| (*nr, rules.clone().unwrap_or_default()))
                .collect();
            SeccompFilter::new(rules, mismatch.clone(), matched.clone(), TargetArch::x86_64)
                .expect("distinct actions")
        };
        let entries: Vec<Entry> = self.0.into_iter().collect();
        if entries.len() <= GROUP {
            return compile(filter(&entries));
        }
        let groups: Vec<&[Entry]> = entries.chunks(GROUP).collect();
        let bodies = groups
            .iter()
            .map(|g| compile(filter(g)))
            .collect::<Result<Vec<_>, _>>()?;
        let firsts: Vec<u32> = groups.iter().map(|g| g[0].0 as u32).collect();
        Ok(dispatch(&firsts, bodies))
    }
}

/// A call and its rules (`None`: whatever the arguments).
type Entry = (i64, Option<Vec<SeccompRule>>);

/// Calls per group behind the binary search (see `Rules::compile`).
const GROUP: usize = 6;

/// Classic BPF opcodes (include/uapi/linux/bpf_common.h).
const BPF_LD_W_ABS: u16 = 0x20;
const BPF_JMP_JA: u16 = 0x05;
const BPF_JMP_JGE_K: u16 = 0x35;
const BPF_JMP_JEQ_K: u16 = 0x15;
const BPF_RET_K: u16 = 0x06;
/// `AUDIT_ARCH_X86_64` (include/uapi/linux/audit.h).
const AUDIT_ARCH_X86_64: u32 = 62 | 0x8000_0000 | 0x4000_0000;

fn insn(code: u16, jt: u8, jf: u8, k: u32) -> sock_filter {
    sock_filter { code, jt, jf, k }
}

/// One program from seccompiler-compiled `bodies`, body `i` handling the
/// calls from `firsts[i]` up to the next group's first: the architecture
/// check (foreign → `EPERM`), then a binary search on the call number
/// (`JGE`), whose leaves jump (`JA`, 32-bit offsets) to the bodies. Only
/// forward jumps, each body ends in returns, so the bodies run unchanged;
/// each still checks the architecture and number itself. Every
/// instruction is one the kernel's cache emulation understands.
fn dispatch(firsts: &[u32], bodies: Vec<BpfProgram>) -> BpfProgram {
    let mut prog: BpfProgram = vec![
        insn(BPF_LD_W_ABS, 0, 0, 4), // seccomp_data.arch
        insn(BPF_JMP_JEQ_K, 1, 0, AUDIT_ARCH_X86_64),
        insn(BPF_RET_K, 0, 0, libc::SECCOMP_RET_ERRNO | MODE_ERRNO as u32),
        insn(BPF_LD_W_ABS, 0, 0, 0), // seccomp_data.nr
    ];
    let mut leaves = Vec::with_capacity(firsts.len());
    fn search(
        firsts: &[u32],
        lo: usize,
        hi: usize,
        prog: &mut BpfProgram,
        leaves: &mut Vec<(usize, usize)>,
    ) {
        if hi - lo == 1 {
            leaves.push((prog.len(), lo));
            prog.push(insn(BPF_JMP_JA, 0, 0, 0));
            return;
        }
        let mid = (lo + hi) / 2;
        let node = prog.len();
        prog.push(insn(BPF_JMP_JGE_K, 0, 0, firsts[mid]));
        search(firsts, lo, mid, prog, leaves);
        // A subtree of n leaves is 2n - 1 instructions: with at most 4096
        // instructions in all, the left one stays within the 8-bit offset.
        prog[node].jt = u8::try_from(prog.len() - node - 1).expect("subtree within 255");
        search(firsts, mid, hi, prog, leaves);
    }
    search(firsts, 0, firsts.len(), &mut prog, &mut leaves);
    let mut starts = Vec::with_capacity(bodies.len());
    for body in bodies {
        starts.push(prog.len());
        prog.extend(body);
    }
    for (at, group) in leaves {
        prog[at].k = (starts[group] - at - 1) as u32;
    }
    prog
}

/// Compiles `filter` and makes its architecture check answer `EPERM`
/// instead of killing the process: seccompiler ends the check with
/// `SECCOMP_RET_KILL_PROCESS`; we want a foreign-architecture call to fail
/// like any other denied call (an errno the program can report, never a kill).
fn compile(filter: SeccompFilter) -> Result<BpfProgram, seccompiler::BackendError> {
    let mut prog: BpfProgram = filter.try_into()?;
    // seccompiler's `build_arch_validation_sequence`: load arch, jump if
    // equal, return KILL_PROCESS. Patch only that exact instruction; any
    // other shape keeps the (stricter) kill.
    if let Some(ret) = prog.get_mut(2) {
        if ret.code == BPF_RET_K && ret.k == libc::SECCOMP_RET_KILL_PROCESS {
            ret.k = libc::SECCOMP_RET_ERRNO | MODE_ERRNO as u32;
        }
    }
    Ok(prog)
}

/// The programs in installation order: compat, rights (when something is
/// limited), capability mode last, since it denies seccomp(2) itself.
pub(crate) fn programs(
    mode: &Mode,
    classes: &[FdClass],
) -> Result<Vec<BpfProgram>, seccompiler::BackendError> {
    let mut out = vec![compat()?];
    compile_split(&rights(classes).into_items(), &mut out)?;
    out.push(capability_mode(mode)?);
    Ok(out)
}

/// A BPF program's length limit (`BPF_MAXINSNS`,
/// include/uapi/linux/bpf_common.h).
pub(crate) const BPF_MAXINSNS: usize = 4096;

/// Compiles the rights filter's `items` into as few programs as fit
/// `BPF_MAXINSNS` each, halving until they do. The rights filter only
/// denies, so its rules may be spread over stacked programs: a call is
/// denied when any of them matches. (The whole stack must also stay under
/// `MAX_INSNS_PER_PATH`, 32768 instructions plus 4 per program,
/// kernel/seccomp.c; `seccomp(2)` answers `ENOMEM` beyond.)
fn compile_split(
    items: &[(i64, Option<SeccompRule>)],
    out: &mut Vec<BpfProgram>,
) -> Result<(), seccompiler::BackendError> {
    let program = Rules::from_items(items).compile(
        SeccompAction::Allow,
        SeccompAction::Errno(RIGHTS_ERRNO as u32),
    );
    match program {
        Ok(program) if program.len() <= BPF_MAXINSNS => {
            out.push(program);
            return Ok(());
        }
        Ok(_) | Err(seccompiler::BackendError::FilterTooLarge(_)) if items.len() >= 2 => {}
        Ok(program) => {
            out.push(program);
            return Ok(());
        }
        Err(e) => return Err(e),
    }
    let (first, second) = items.split_at(items.len() / 2);
    compile_split(first, out)?;
    compile_split(second, out)
}

/// Filter 3: `clone3` and `openat2` answer `ENOSYS`.
fn compat() -> Result<BpfProgram, seccompiler::BackendError> {
    let mut r = Rules::default();
    r.all(&[libc::SYS_clone3, libc::SYS_openat2]);
    r.compile(
        SeccompAction::Allow,
        SeccompAction::Errno(COMPAT_ERRNO as u32),
    )
}

/// `CLONE_NEW*` flags `clone` may not carry (`CLONE_NEWTIME` is only read by
/// `clone3`, which is refused).
const CLONE_NAMESPACES: u32 = (libc::CLONE_NEWNS
    | libc::CLONE_NEWCGROUP
    | libc::CLONE_NEWUTS
    | libc::CLONE_NEWIPC
    | libc::CLONE_NEWUSER
    | libc::CLONE_NEWPID
    | libc::CLONE_NEWNET) as u32;

/// prctl(2) options that only concern the calling process or thread and
/// cannot loosen the sandbox.
const PRCTL_ALLOWED: &[u32] = &[
    libc::PR_SET_PDEATHSIG as u32,
    libc::PR_GET_PDEATHSIG as u32,
    libc::PR_GET_DUMPABLE as u32,
    libc::PR_GET_KEEPCAPS as u32,
    libc::PR_SET_NAME as u32,
    libc::PR_GET_NAME as u32,
    libc::PR_GET_SECCOMP as u32,
    libc::PR_CAPBSET_READ as u32,
    libc::PR_SET_TIMERSLACK as u32,
    libc::PR_GET_TIMERSLACK as u32,
    libc::PR_SET_NO_NEW_PRIVS as u32,
    libc::PR_GET_NO_NEW_PRIVS as u32,
    libc::PR_GET_TID_ADDRESS as u32,
    libc::PR_GET_THP_DISABLE as u32,
    // PR_SET_VMA: glibc names its anonymous mappings.
    0x5356_4d41,
];

/// The only ioctl(2) commands capability mode lets through, on any
/// descriptor. Capsicum allows every ioctl on a descriptor with
/// `CAP_IOCTL`, but on Linux ioctls reach far beyond the descriptor: any
/// socket, even a Unix one made inside, configures network interfaces
/// (`SIOCS*`, 0x89xx; wireless 0x8Bxx; bridges, tun, VLANs), any regular
/// file freezes, thaws or trims its whole filesystem (`FIFREEZE`,
/// `FITHAW`, `FITRIM`, 'X' family), `FICLONE`/`FIDEDUPERANGE` read a
/// second descriptor the rights filter never sees, `TIOCSTI` pushes input
/// into the terminal, `FIOSETOWN` aims SIGIO at another process. So the
/// list fails closed: what `ioctls(...)` can declare (rights.rs), plus
/// reads of a descriptor's own state and the inode flags (whose setters
/// the rights filter narrows to the directories' `ioctl` right). Device
/// ioctls beneath a directory with `ioctl` (Landlock `IOCTL_DEV`) are
/// limited to this list as well.
const IOCTL_ALLOWED: &[u32] = &[
    // ioctls(fionread, fionbio, fioasync, fioclex, fionclex);
    // FIONREAD is also SIOCINQ and TIOCINQ.
    libc::FIONREAD as u32,
    libc::FIONBIO as u32,
    libc::FIOASYNC as u32,
    libc::FIOCLEX as u32,
    libc::FIONCLEX as u32,
    // ioctls(tiocgeta, tiocseta, tiocgwinsz, tiocswinsz, tiocgpgrp):
    // tcgetattr(3) (isatty), tcsetattr(3), the window size, tcgetpgrp(3).
    libc::TCGETS as u32,
    libc::TCGETS2 as u32,
    libc::TCSETS as u32,
    libc::TCSETSW as u32,
    libc::TCSETSF as u32,
    libc::TCSETS2 as u32,
    libc::TCSETSW2 as u32,
    libc::TCSETSF2 as u32,
    libc::TIOCGWINSZ as u32,
    libc::TIOCSWINSZ as u32,
    libc::TIOCGPGRP as u32,
    // Reads of the descriptor's own state: bytes queued for output
    // (TIOCOUTQ, also SIOCOUTQ), a file's size (FIOQSIZE).
    libc::TIOCOUTQ as u32,
    FIOQSIZE,
    // Inode flags and project attributes (ioctl_iflags(2)); the setters
    // are narrowed by the rights filter (`INODE_IOCTLS`).
    libc::FS_IOC_GETFLAGS as u32,
    libc::FS_IOC32_GETFLAGS as u32,
    FS_IOC_FSGETXATTR,
    libc::FS_IOC_SETFLAGS as u32,
    libc::FS_IOC32_SETFLAGS as u32,
    FS_IOC_FSSETXATTR,
];

/// `FIOQSIZE` on x86 (include/uapi/asm-generic/ioctls.h); not in `libc`.
const FIOQSIZE: u32 = 0x5460;
/// `FS_IOC_FSGETXATTR`, `_IOR('X', 31, struct fsxattr)`
/// (include/uapi/linux/fs.h); not in `libc`.
const FS_IOC_FSGETXATTR: u32 = 0x801c_581f;

/// Interface reads the service broker's resolver may need with `inet`
/// (if_nametoindex(3) for scoped IPv6 addresses, if_indextoname(3),
/// SIOCGIFCONF): netdevice(7). Never the `SIOCS*` setters.
const IOCTL_INET_READS: &[u32] = &[
    0x8933, // SIOCGIFINDEX
    0x8910, // SIOCGIFNAME
    0x8912, // SIOCGIFCONF
];

/// Filter 1: capability mode.
fn capability_mode(mode: &Mode) -> Result<BpfProgram, seccompiler::BackendError> {
    capability_mode_rules(mode).compile(
        SeccompAction::Errno(MODE_ERRNO as u32),
        SeccompAction::Allow,
    )
}

/// The allowlist of filter 1.
fn capability_mode_rules(mode: &Mode) -> Rules {
    use libc::*;
    let mut r = Rules::default();

    // Descriptors (their rights are filter 2's business).
    r.all(&[
        SYS_read,
        SYS_write,
        SYS_readv,
        SYS_writev,
        SYS_pread64,
        SYS_pwrite64,
        SYS_preadv,
        SYS_pwritev,
        SYS_preadv2,
        SYS_pwritev2,
        SYS_close,
        SYS_close_range,
        SYS_fstat,
        SYS_lseek,
        SYS_getdents,
        SYS_getdents64,
        SYS_fsync,
        SYS_fdatasync,
        SYS_sync_file_range,
        SYS_syncfs,
        SYS_ftruncate,
        SYS_fallocate,
        SYS_fadvise64,
        SYS_readahead,
        SYS_fchmod,
        SYS_fchown,
        SYS_fchdir,
        SYS_flock,
        SYS_fstatfs,
        SYS_fgetxattr,
        SYS_flistxattr,
        SYS_fsetxattr,
        SYS_fremovexattr,
        SYS_copy_file_range,
        SYS_sendfile,
        SYS_splice,
        SYS_tee,
        SYS_vmsplice,
        SYS_dup,
        SYS_dup2,
        SYS_dup3,
    ]);
    // fcntl: F_SETOWN only towards ourselves (SIGIO is a signal); the
    // struct of F_SETOWN_EX is behind a pointer.
    r.add(SYS_fcntl, vec![ne(1, F_SETOWN as u32), ne(1, F_SETOWN_EX)]);
    r.add(SYS_fcntl, vec![eq(1, F_SETOWN as u32), eq(2, 0)]);
    r.add(SYS_fcntl, vec![eq(1, F_SETOWN as u32), eq(2, mode.pid)]);
    for &cmd in IOCTL_ALLOWED {
        r.add(SYS_ioctl, vec![eq(1, cmd)]);
    }

    // Memory.
    r.all(&[
        SYS_brk,
        SYS_mmap,
        SYS_munmap,
        SYS_mremap,
        SYS_mprotect,
        SYS_madvise,
        SYS_mincore,
        SYS_mlock,
        SYS_mlock2,
        SYS_munlock,
        SYS_mlockall,
        SYS_munlockall,
        SYS_msync,
        SYS_membarrier,
        SYS_pkey_alloc,
        SYS_pkey_free,
        SYS_pkey_mprotect,
        SYS_get_mempolicy,
        SYS_set_mempolicy,
        SYS_mbind,
        SYS_memfd_create,
    ]);

    // Events, pipes, anonymous descriptors.
    r.all(&[
        SYS_poll,
        SYS_ppoll,
        SYS_select,
        SYS_pselect6,
        SYS_epoll_create,
        SYS_epoll_create1,
        SYS_epoll_ctl,
        SYS_epoll_wait,
        SYS_epoll_pwait,
        SYS_epoll_pwait2,
        SYS_eventfd,
        SYS_eventfd2,
        SYS_pipe,
        SYS_pipe2,
        SYS_signalfd,
        SYS_signalfd4,
        SYS_timerfd_create,
        SYS_timerfd_settime,
        SYS_timerfd_gettime,
    ]);

    // Signals: handlers and masks; sending only to ourselves (Landlock's
    // signal scope covers what seccomp cannot see, such as pidfds).
    r.all(&[
        SYS_rt_sigaction,
        SYS_rt_sigprocmask,
        SYS_rt_sigreturn,
        SYS_rt_sigpending,
        SYS_rt_sigsuspend,
        SYS_rt_sigtimedwait,
        SYS_sigaltstack,
        SYS_pause,
        SYS_pidfd_send_signal,
    ]);
    for nr in [
        SYS_kill,
        SYS_tgkill,
        SYS_rt_sigqueueinfo,
        SYS_rt_tgsigqueueinfo,
    ] {
        r.add(nr, vec![eq(0, mode.pid)]);
    }

    // Time.
    r.all(&[
        SYS_clock_gettime,
        SYS_clock_getres,
        SYS_clock_nanosleep,
        SYS_gettimeofday,
        SYS_time,
        SYS_nanosleep,
        SYS_timer_create,
        SYS_timer_settime,
        SYS_timer_gettime,
        SYS_timer_getoverrun,
        SYS_timer_delete,
        SYS_alarm,
        SYS_getitimer,
        SYS_setitimer,
        SYS_times,
        SYS_getrandom,
    ]);

    // Processes and threads.
    r.all(&[
        SYS_exit,
        SYS_exit_group,
        SYS_wait4,
        SYS_waitid,
        SYS_fork,
        SYS_vfork,
        SYS_set_tid_address,
        SYS_set_robust_list,
        SYS_rseq,
        SYS_futex,
        SYS_futex_waitv,
        SYS_sched_yield,
        SYS_restart_syscall,
        SYS_arch_prctl,
        SYS_getcpu,
        SYS_getpid,
        SYS_gettid,
        SYS_getppid,
        SYS_getuid,
        SYS_geteuid,
        SYS_getgid,
        SYS_getegid,
        SYS_getgroups,
        SYS_getresuid,
        SYS_getresgid,
        SYS_getpgrp,
        SYS_setsid,
        SYS_setuid,
        SYS_setgid,
        SYS_setreuid,
        SYS_setregid,
        SYS_setresuid,
        SYS_setresgid,
        SYS_setgroups,
        SYS_setfsuid,
        SYS_setfsgid,
        SYS_capget,
        SYS_capset,
        SYS_umask,
        SYS_uname,
        SYS_sysinfo,
        SYS_getrusage,
        SYS_getrlimit,
        SYS_setrlimit,
        SYS_sched_get_priority_max,
        SYS_sched_get_priority_min,
        // clone3 and openat2 pass here; filter 3 answers ENOSYS.
        SYS_clone3,
        SYS_openat2,
    ]);
    r.add(SYS_clone, vec![masked(0, CLONE_NAMESPACES, 0)]);
    // Calls naming a process: only ourselves (0 or our pid).
    for nr in [
        SYS_sched_setaffinity,
        SYS_sched_getaffinity,
        SYS_sched_setscheduler,
        SYS_sched_getscheduler,
        SYS_sched_setparam,
        SYS_sched_getparam,
        SYS_sched_setattr,
        SYS_sched_getattr,
        SYS_sched_rr_get_interval,
        SYS_prlimit64,
        SYS_get_robust_list,
        SYS_getpgid,
        SYS_getsid,
    ] {
        r.add(nr, vec![eq(0, 0)]);
        r.add(nr, vec![eq(0, mode.pid)]);
    }
    for nr in [SYS_getpriority, SYS_setpriority] {
        r.add(nr, vec![eq(0, PRIO_PROCESS), eq(1, 0)]);
    }
    for &option in PRCTL_ALLOWED {
        r.add(SYS_prctl, vec![eq(0, option)]);
    }

    // Sockets: no new endpoints. Only Unix stream and seqpacket sockets may
    // be made; no connect, no bind; sendto only without an address. No
    // sendmsg/sendmmsg (unless granted): the filter cannot see the
    // msghdr behind the pointer (seccomp(2)), so a socket handed in could
    // name any address in msg_name (Capsicum refuses explicit addresses in
    // capability mode, cap_enter(2)), and SCM_RIGHTS (unix(7)) would copy
    // a limited descriptor to a new, unlimited number. send(2) is sendto
    // without an address; write/writev need no msghdr.
    let socket_types = [SOCK_STREAM as u32, SOCK_SEQPACKET as u32];
    for nr in [SYS_socket, SYS_socketpair] {
        for ty in socket_types {
            r.add(nr, vec![eq(0, AF_UNIX as u32), masked(1, 0xf, ty)]);
        }
    }
    r.all(&[
        SYS_listen,
        SYS_accept,
        SYS_accept4,
        SYS_getsockname,
        SYS_getpeername,
        SYS_getsockopt,
        SYS_setsockopt,
        SYS_shutdown,
        SYS_recvfrom,
        SYS_recvmsg,
        SYS_recvmmsg,
    ]);
    r.add(SYS_sendto, vec![c64(4, SeccompCmpOp::Eq, 0)]);
    if mode.grants.send_descriptors {
        r.all(&[SYS_sendmsg, SYS_sendmmsg]);
    }
    if mode.grants.inet {
        for family in [AF_INET as u32, AF_INET6 as u32] {
            r.add(SYS_socket, vec![eq(0, family)]);
        }
        r.all(&[SYS_connect, SYS_bind, SYS_sendto]);
        for &cmd in IOCTL_INET_READS {
            r.add(SYS_ioctl, vec![eq(1, cmd)]);
        }
    }
    if mode.grants.unix_connect {
        r.add(SYS_socket, vec![eq(0, AF_UNIX as u32)]);
        r.all(&[SYS_connect]);
    }

    // Path lookups: beneath a directory descriptor only (never AT_FDCWD);
    // Landlock keeps absolute paths, `..` and symlinks beneath the
    // preopened directories. Without Landlock, no lookup at all.
    //
    // Landlock does not mediate chmod, chown or utimes (landlock(7):
    // "Filesystem flags" has no right for them): the path forms
    // `fchmodat`, `fchmodat2`, `fchownat`, `futimesat` and `utimensat`
    // with a path would change files outside the directories (`..`,
    // symlinks, an `O_PATH` descriptor of a parent). They are denied;
    // `fchmod`, `fchown` and futimens(3) act on a descriptor instead.
    // utimensat(fd, NULL, ..) is futimens(2): no lookup.
    r.add(SYS_utimensat, vec![c64(1, SeccompCmpOp::Eq, 0)]);
    // newfstatat/statx with AT_EMPTY_PATH is how glibc and std do fstat.
    for (nr, flags) in [(SYS_newfstatat, 3), (SYS_statx, 2)] {
        r.add(
            nr,
            vec![
                ne(0, FDCWD),
                masked(flags, AT_EMPTY_PATH as u32, AT_EMPTY_PATH as u32),
            ],
        );
    }
    if mode.lookups || mode.grants.global_paths {
        for nr in [
            SYS_openat,
            SYS_newfstatat,
            SYS_statx,
            SYS_faccessat,
            SYS_faccessat2,
            SYS_readlinkat,
            SYS_mkdirat,
            SYS_mknodat,
            SYS_unlinkat,
        ] {
            r.add(nr, vec![ne(0, FDCWD)]);
        }
        r.add(SYS_symlinkat, vec![ne(1, FDCWD)]);
        for nr in [SYS_linkat, SYS_renameat, SYS_renameat2] {
            r.add(nr, vec![ne(0, FDCWD), ne(2, FDCWD)]);
        }
    }
    if mode.grants.global_paths {
        r.all(&[
            SYS_open,
            SYS_stat,
            SYS_lstat,
            SYS_access,
            SYS_readlink,
            SYS_getcwd,
        ]);
        for nr in [
            SYS_openat,
            SYS_newfstatat,
            SYS_statx,
            SYS_faccessat,
            SYS_faccessat2,
            SYS_readlinkat,
        ] {
            r.add(nr, vec![eq(0, FDCWD)]);
        }
    }

    r
}

/// Ranges (merged when adjacent) of the classes `deny` picks.
fn ranges(classes: &[FdClass], deny: impl Fn(&Limits) -> bool) -> Vec<(u32, u32)> {
    class_ranges(classes, |c| deny(&c.limits))
}

/// Ranges (merged when adjacent) of the classes `pick` picks.
fn class_ranges(classes: &[FdClass], pick: impl Fn(&FdClass) -> bool) -> Vec<(u32, u32)> {
    let mut picked: Vec<(u32, u32)> = classes
        .iter()
        .filter(|c| pick(c))
        .map(|c| (c.lo, c.hi))
        .collect();
    picked.sort_unstable();
    let mut merged: Vec<(u32, u32)> = Vec::with_capacity(picked.len());
    for (lo, hi) in picked {
        match merged.last_mut() {
            Some(last) if last.1.checked_add(1) == Some(lo) => last.1 = hi,
            _ => merged.push((lo, hi)),
        }
    }
    merged
}

/// The numbers outside `ranges` (sorted, disjoint), as ranges.
fn complement(ranges: &[(u32, u32)]) -> Vec<(u32, u32)> {
    let mut out = Vec::with_capacity(ranges.len() + 1);
    let mut next = Some(0u32);
    for &(lo, hi) in ranges {
        if let Some(n) = next {
            if n < lo {
                out.push((n, lo - 1));
            }
        }
        next = hi.checked_add(1);
    }
    if let Some(n) = next {
        out.push((n, u32::MAX));
    }
    out
}

/// Builder of filter 2: every rule describes a denial.
struct Deny<'a> {
    rules: Rules,
    classes: &'a [FdClass],
}

impl Deny<'_> {
    /// `nr` fails when descriptor argument `arg` belongs to a class that
    /// `deny` picks and all of `extra` hold.
    fn when(
        &mut self,
        nr: i64,
        arg: u8,
        deny: impl Fn(&Limits) -> bool,
        extra: &[SeccompCondition],
    ) {
        for (lo, hi) in ranges(self.classes, deny) {
            let mut conds = within(arg, lo, hi);
            conds.extend_from_slice(extra);
            self.rules.add(nr, conds);
        }
    }

    /// `nr` fails when descriptor argument `arg` belongs to a class that
    /// `deny` picks.
    fn when_class(&mut self, nr: i64, arg: u8, deny: impl Fn(&FdClass) -> bool) {
        for (lo, hi) in class_ranges(self.classes, deny) {
            self.rules.add(nr, within(arg, lo, hi));
        }
    }

    /// `nr` fails on a descriptor whose rights lack any atom of `need`.
    fn needs(&mut self, nrs: &[i64], arg: u8, need: RightSet) {
        for &nr in nrs {
            self.when(nr, arg, |l| !l.rights.contains(need), &[]);
        }
    }

    /// `nr` fails on any limited descriptor when `extra` holds.
    fn always(&mut self, nr: i64, arg: u8, extra: &[SeccompCondition]) {
        self.when(nr, arg, |_| true, extra);
    }

    /// Class by class: `nr` fails on descriptors of the class when one of
    /// the condition sets `per_class` returns holds.
    fn per_class(
        &mut self,
        nr: i64,
        arg: u8,
        per_class: impl Fn(&Limits) -> Vec<Vec<SeccompCondition>>,
    ) {
        for class in self.classes {
            for extra in per_class(&class.limits) {
                let mut conds = within(arg, class.lo, class.hi);
                conds.extend(extra);
                self.rules.add(nr, conds);
            }
        }
    }
}

fn set(rights: &[Right]) -> RightSet {
    RightSet::of(rights)
}

/// Linux numbers of an `ioctls(...)` entry (`Fiodtype` has none; nor has a
/// command not mapped here, which is then never allowed).
pub(crate) fn ioctl_numbers(ioctl: Ioctl) -> &'static [u32] {
    match ioctl {
        Ioctl::Fionread => &[libc::FIONREAD as u32],
        Ioctl::Fionbio => &[libc::FIONBIO as u32],
        Ioctl::Fioasync => &[libc::FIOASYNC as u32],
        Ioctl::Fioclex => &[libc::FIOCLEX as u32],
        Ioctl::Fionclex => &[libc::FIONCLEX as u32],
        // glibc reads terminal attributes with TCGETS (TCGETS2 since 2.42).
        Ioctl::Tiocgeta => &[libc::TCGETS as u32, libc::TCGETS2 as u32],
        Ioctl::Tiocseta => &[
            libc::TCSETS as u32,
            libc::TCSETSW as u32,
            libc::TCSETSF as u32,
            libc::TCSETS2 as u32,
            libc::TCSETSW2 as u32,
            libc::TCSETSF2 as u32,
        ],
        Ioctl::Tiocgwinsz => &[libc::TIOCGWINSZ as u32],
        Ioctl::Tiocswinsz => &[libc::TIOCSWINSZ as u32],
        Ioctl::Tiocgpgrp => &[libc::TIOCGPGRP as u32],
        Ioctl::Fiodtype => &[],
        _ => &[],
    }
}

/// fcntl(2) commands an `fcntls(...)` entry stands for.
fn fcntl_numbers(fcntl: Fcntl) -> &'static [u32] {
    match fcntl {
        Fcntl::Getfl => &[libc::F_GETFL as u32],
        Fcntl::Setfl => &[libc::F_SETFL as u32],
        Fcntl::Getown => &[libc::F_GETOWN as u32, F_GETOWN_EX],
        Fcntl::Setown => &[libc::F_SETOWN as u32, F_SETOWN_EX],
    }
}

const FCNTL_LOCKS: &[u32] = &[
    libc::F_GETLK as u32,
    libc::F_SETLK as u32,
    libc::F_SETLKW as u32,
    libc::F_OFD_GETLK as u32,
    libc::F_OFD_SETLK as u32,
    libc::F_OFD_SETLKW as u32,
];

/// `FS_IOC_FSSETXATTR`, `_IOW('X', 32, struct fsxattr)`
/// (include/uapi/linux/fs.h); not in the `libc` crate.
const FS_IOC_FSSETXATTR: u32 = 0x401c_5820;

/// ioctl(2) commands that change an inode's flags or attributes
/// (ioctl_iflags(2), ioctl_xfs_fsgetxattr(2)).
const INODE_IOCTLS: &[u32] = &[
    libc::FS_IOC_SETFLAGS as u32,
    libc::FS_IOC32_SETFLAGS as u32,
    FS_IOC_FSSETXATTR,
];

const FCNTL_DUP: &[u32] = &[libc::F_DUPFD as u32, libc::F_DUPFD_CLOEXEC as u32];

/// Filter 2: per-descriptor rights. Empty when nothing is limited.
fn rights(classes: &[FdClass]) -> Rules {
    use libc::*;
    use Right as R;
    let mut d = Deny {
        rules: Rules::default(),
        classes,
    };

    // read(2), write(2) and their vectored and positioned forms fail with
    // EBADF on a descriptor whose access mode lacks them: rules only for
    // classes whose access mode is wider than their rights (standard
    // streams that could not be reopened, sockets, devices). Without any,
    // these calls are allowed by every filter and the kernel's action
    // cache skips the filters for them (seccomp_cache_prepare, 5.11).
    let by_mode = |nrs: &[i64], need: Right, reads: bool, d: &mut Deny| {
        for &nr in nrs {
            d.when_class(nr, 0, |c| {
                (if reads { c.reads } else { c.writes }) && !c.limits.rights.allows(need)
            });
        }
    };
    by_mode(&[SYS_read, SYS_readv], R::Read, true, &mut d);
    by_mode(
        &[SYS_pread64, SYS_preadv, SYS_preadv2],
        R::Pread,
        true,
        &mut d,
    );
    by_mode(&[SYS_write, SYS_writev], R::Write, false, &mut d);
    by_mode(
        &[SYS_pwrite64, SYS_pwritev, SYS_pwritev2],
        R::Pwrite,
        false,
        &mut d,
    );
    d.needs(
        &[
            SYS_recvfrom,
            SYS_recvmsg,
            SYS_recvmmsg,
            SYS_getdents,
            SYS_getdents64,
            SYS_fadvise64,
            SYS_readahead,
        ],
        0,
        set(&[R::Read]),
    );
    d.needs(
        &[SYS_sendto, SYS_sendmsg, SYS_sendmmsg, SYS_vmsplice],
        0,
        set(&[R::Write]),
    );
    // fallocate(2) writes (zeroes, holes) at an explicit offset: FreeBSD's
    // posix_fallocate(2) and fspacectl(2) ask for CAP_PWRITE
    // (sys/kern/vfs_syscalls.c, kern_posix_fallocate).
    d.needs(&[SYS_fallocate], 0, set(&[R::Pwrite]));
    // Two descriptors: source needs read, destination write.
    d.needs(&[SYS_copy_file_range, SYS_splice], 0, set(&[R::Read]));
    d.needs(&[SYS_copy_file_range, SYS_splice], 2, set(&[R::Write]));
    d.needs(&[SYS_sendfile], 0, set(&[R::Write]));
    d.needs(&[SYS_sendfile], 1, set(&[R::Read]));
    // An explicit offset (a non-NULL `loff_t *`) makes them pread/pwrite:
    // the descriptor needs `pread` / `pwrite` (seek) as well.
    let no = |r: Right| move |l: &Limits| !l.rights.allows(r);
    let offset = |arg: u8| c64(arg, SeccompCmpOp::Ne, 0);
    for nr in [SYS_copy_file_range, SYS_splice] {
        d.when(nr, 0, no(R::Pread), &[offset(1)]);
        d.when(nr, 2, no(R::Pwrite), &[offset(3)]);
    }
    d.when(SYS_sendfile, 1, no(R::Pread), &[offset(2)]);
    d.needs(&[SYS_tee], 0, set(&[R::Read]));
    d.needs(&[SYS_tee], 1, set(&[R::Write]));

    // lseek: `seek`, or `seek_tell` for lseek(fd, 0, SEEK_CUR).
    d.when(SYS_lseek, 0, |l| !l.rights.allows(R::SeekTell), &[]);
    d.when(
        SYS_lseek,
        0,
        |l| l.rights.allows(R::SeekTell) && !l.rights.allows(R::Seek),
        &[ne(2, SEEK_CUR as u32)],
    );
    d.when(
        SYS_lseek,
        0,
        |l| l.rights.allows(R::SeekTell) && !l.rights.allows(R::Seek),
        &[c64(1, SeccompCmpOp::Ne, 0)],
    );

    d.needs(&[SYS_fstat], 0, set(&[R::Fstat]));
    for (nr, flags) in [(SYS_newfstatat, 3u8), (SYS_statx, 2u8)] {
        d.needs(&[nr], 0, set(&[R::Fstat]));
        d.when(
            nr,
            0,
            |l| !l.rights.allows(R::Lookup),
            &[masked(flags, AT_EMPTY_PATH as u32, 0)],
        );
    }
    d.needs(&[SYS_fstatfs], 0, set(&[R::Fstatfs]));
    d.needs(
        &[SYS_fsync, SYS_fdatasync, SYS_sync_file_range, SYS_syncfs],
        0,
        set(&[R::Fsync]),
    );
    d.needs(&[SYS_ftruncate], 0, set(&[R::Ftruncate]));
    // The path forms (fchmodat, fchownat, utimensat with a path,
    // futimesat) are denied by capability mode.
    d.needs(&[SYS_fchmod], 0, set(&[R::Fchmod]));
    d.needs(&[SYS_fchown], 0, set(&[R::Fchown]));
    d.needs(&[SYS_utimensat], 0, set(&[R::Futimes]));
    d.needs(&[SYS_fchdir], 0, set(&[R::Fchdir]));
    d.needs(&[SYS_flock], 0, set(&[R::Flock]));
    d.needs(&[SYS_fgetxattr], 0, set(&[R::ExtattrGet]));
    d.needs(&[SYS_flistxattr], 0, set(&[R::ExtattrList]));
    d.needs(&[SYS_fsetxattr], 0, set(&[R::ExtattrSet]));
    d.needs(&[SYS_fremovexattr], 0, set(&[R::ExtattrDelete]));

    // Lookups beneath a limited directory.
    d.needs(
        &[SYS_openat, SYS_faccessat, SYS_faccessat2, SYS_readlinkat],
        0,
        set(&[R::Lookup]),
    );
    // openat's flags imply rights as on FreeBSD (rights(4), openat(2)).
    let creat = O_CREAT as u32;
    let tmpfile = (O_TMPFILE & !O_DIRECTORY) as u32;
    d.when(SYS_openat, 0, no(R::Create), &[masked(2, creat, creat)]);
    d.when(SYS_openat, 0, no(R::Create), &[masked(2, tmpfile, tmpfile)]);
    let trunc = O_TRUNC as u32;
    d.when(SYS_openat, 0, no(R::Ftruncate), &[masked(2, trunc, trunc)]);
    let dsync = O_DSYNC as u32;
    d.when(SYS_openat, 0, no(R::Fsync), &[masked(2, dsync, dsync)]);
    let acc = O_ACCMODE as u32;
    d.when(
        SYS_openat,
        0,
        no(R::Write),
        &[masked(2, acc, O_WRONLY as u32)],
    );
    d.when(
        SYS_openat,
        0,
        no(R::Write),
        &[masked(2, acc, O_RDWR as u32)],
    );
    d.when(SYS_openat, 0, no(R::Read), &[masked(2, acc, O_RDWR as u32)]);
    let path = O_PATH as u32;
    d.when(
        SYS_openat,
        0,
        no(R::Read),
        &[masked(2, acc, O_RDONLY as u32), masked(2, path, 0)],
    );

    d.needs(&[SYS_mkdirat], 0, set(&[R::Mkdirat]));
    d.needs(&[SYS_unlinkat], 0, set(&[R::Unlinkat]));
    d.needs(&[SYS_symlinkat], 1, set(&[R::Symlinkat]));
    d.needs(&[SYS_linkat], 0, set(&[R::LinkatSource]));
    d.needs(&[SYS_linkat], 2, set(&[R::LinkatTarget]));
    d.needs(&[SYS_renameat, SYS_renameat2], 0, set(&[R::RenameatSource]));
    d.needs(&[SYS_renameat, SYS_renameat2], 2, set(&[R::RenameatTarget]));
    // mknodat: FIFOs need `mkfifoat`, everything else `mknodat`.
    let fmt = S_IFMT;
    d.when(SYS_mknodat, 0, no(R::Mkfifoat), &[masked(2, fmt, S_IFIFO)]);
    for kind in [0, S_IFREG, S_IFCHR, S_IFBLK, S_IFSOCK] {
        d.when(SYS_mknodat, 0, no(R::Mknodat), &[masked(2, fmt, kind)]);
    }

    // mmap of a limited descriptor (anonymous mappings ignore the fd).
    let anon = MAP_ANONYMOUS as u32;
    let file = masked(3, anon, 0);
    d.when(SYS_mmap, 4, no(R::Mmap), std::slice::from_ref(&file));
    let (pr, pw, px) = (PROT_READ as u32, PROT_WRITE as u32, PROT_EXEC as u32);
    d.when(
        SYS_mmap,
        4,
        no(R::MmapR),
        &[file.clone(), masked(2, pr, pr)],
    );
    // Executable mappings: only of a descriptor with `mmap_x`. Anonymous
    // memory and descriptors opened after entry (beneath a directory, a
    // memfd) cannot be mapped executable, and mprotect(2) cannot add
    // PROT_EXEC: seccomp does not see which mapping it changes, so it
    // fails closed (FreeBSD answers EACCES there too, from the mapping's
    // maximum protection, mprotect(2)).
    let exec = masked(2, px, px);
    d.rules
        .add(SYS_mmap, vec![masked(3, anon, anon), exec.clone()]);
    for (lo, hi) in complement(&ranges(classes, |l| l.rights.allows(R::MmapX))) {
        let mut conds = within(4, lo, hi);
        conds.push(exec.clone());
        d.rules.add(SYS_mmap, conds);
    }
    for nr in [SYS_mprotect, SYS_pkey_mprotect] {
        d.rules.add(nr, vec![exec.clone()]);
    }
    // PROT_WRITE matters only for shared mappings: private ones are copies.
    for shared in [MAP_SHARED as u32, MAP_SHARED_VALIDATE as u32] {
        d.when(
            SYS_mmap,
            4,
            no(R::MmapW),
            &[file.clone(), masked(2, pw, pw), masked(3, 0xf, shared)],
        );
    }

    // ioctl: the right, narrowed to the declared commands.
    d.per_class(SYS_ioctl, 0, |l| {
        if !l.rights.allows(R::Ioctl) {
            return vec![vec![]];
        }
        match l.ioctls {
            None => vec![],
            Some(list) => vec![list
                .iter()
                .flat_map(|&i| ioctl_numbers(i))
                .map(|&n| ne(1, n))
                .collect()],
        }
    });

    // fcntl: F_GETFD/F_SETFD always; locks with `flock`; the others with
    // `fcntl`, narrowed by `fcntls(...)`; F_DUPFD never (a copy would not be
    // limited).
    d.per_class(SYS_fcntl, 0, |l| {
        let locks = l.rights.allows(R::Flock);
        if l.rights.allows(R::Fcntl) && l.fcntls.is_none() {
            let mut denied: Vec<u32> = FCNTL_DUP.to_vec();
            if !locks {
                denied.extend_from_slice(FCNTL_LOCKS);
            }
            return denied.into_iter().map(|cmd| vec![eq(1, cmd)]).collect();
        }
        let mut allowed = vec![F_GETFD as u32, F_SETFD as u32];
        if locks {
            allowed.extend_from_slice(FCNTL_LOCKS);
        }
        if l.rights.allows(R::Fcntl) {
            for &f in l.fcntls.unwrap_or(Fcntl::ALL) {
                allowed.extend_from_slice(fcntl_numbers(f));
            }
        }
        vec![allowed.into_iter().map(|cmd| ne(1, cmd)).collect()]
    });

    // No copies of a limited descriptor, and nothing dup2'ed over one.
    d.always(SYS_dup, 0, &[]);
    for nr in [SYS_dup2, SYS_dup3] {
        d.always(nr, 0, &[]);
        d.always(nr, 1, &[]);
    }

    // Sockets.
    d.needs(&[SYS_accept, SYS_accept4], 0, set(&[R::Accept]));
    d.needs(&[SYS_listen], 0, set(&[R::Listen]));
    d.needs(&[SYS_getsockname], 0, set(&[R::Getsockname]));
    d.needs(&[SYS_getpeername], 0, set(&[R::Getpeername]));
    d.needs(&[SYS_getsockopt], 0, set(&[R::Getsockopt]));
    d.needs(&[SYS_setsockopt], 0, set(&[R::Setsockopt]));
    d.needs(&[SYS_shutdown], 0, set(&[R::Shutdown]));
    d.needs(&[SYS_connect], 0, set(&[R::Connect]));
    d.needs(&[SYS_bind], 0, set(&[R::Bind]));

    // Events (poll/select take arrays seccomp cannot read).
    d.needs(&[SYS_epoll_ctl], 2, set(&[R::Event]));

    // Descriptors outside every class (opened after entry: beneath a
    // directory, pipes, memfds...). Landlock gives files opened beneath a
    // directory its read, write and truncate rights, but it does not
    // mediate metadata changes; Capsicum gives them the directory's rights
    // (openat(2)). Seccomp cannot tell which directory a descriptor came
    // from, so they get the union of the directories' rights for those.
    let dirs = classes
        .iter()
        .filter(|c| c.limits.rights.allows(R::Lookup))
        .fold(RightSet::of(&[]), |u, c| u.union(c.limits.rights));
    let outside = complement(&ranges(classes, |_| true));
    let mut unclassified = |nr: i64, arg: u8, need: Right, extra: &[SeccompCondition]| {
        if !dirs.allows(need) {
            for &(lo, hi) in &outside {
                let mut conds = within(arg, lo, hi);
                conds.extend_from_slice(extra);
                d.rules.add(nr, conds);
            }
        }
    };
    unclassified(SYS_fchmod, 0, R::Fchmod, &[]);
    unclassified(SYS_fchown, 0, R::Fchown, &[]);
    unclassified(SYS_utimensat, 0, R::Futimes, &[]);
    unclassified(SYS_fsetxattr, 0, R::ExtattrSet, &[]);
    unclassified(SYS_fremovexattr, 0, R::ExtattrDelete, &[]);
    // Inode flags and project attributes (ioctl_iflags(2)); other ioctls
    // on pipes and sockets (FIONBIO...) stay allowed.
    for cmd in INODE_IOCTLS {
        unclassified(SYS_ioctl, 0, R::Ioctl, &[eq(1, *cmd)]);
    }

    d.rules
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rights::Limits;

    fn class(lo: u32, hi: u32, rights: &[Right]) -> FdClass {
        FdClass {
            lo,
            hi,
            limits: Limits {
                rights: RightSet::of(rights),
                ..Limits::default()
            },
            reads: true,
            writes: true,
        }
    }

    /// A classic BPF interpreter for what seccompiler and `dispatch` emit
    /// (loads of `seccomp_data`, `JA`, `JEQ`/`JGE`/`JGT`/`JSET` with
    /// constants, `AND`, `RET`), run on `(nr, arch, args)`.
    fn run(prog: &BpfProgram, nr: u32, arch: u32, args: [u64; 6]) -> u32 {
        let word = |off: u32| -> u32 {
            match off {
                0 => nr,
                4 => arch,
                16..=63 => {
                    let a = args[((off - 16) / 8) as usize];
                    if off.is_multiple_of(8) {
                        a as u32
                    } else {
                        (a >> 32) as u32
                    }
                }
                _ => panic!("load of offset {off}"),
            }
        };
        let (mut pc, mut acc) = (0usize, 0u32);
        loop {
            let i = &prog[pc];
            pc += 1;
            match i.code {
                0x20 => acc = word(i.k),
                0x54 => acc &= i.k,
                0x06 => return i.k,
                0x05 => pc += i.k as usize,
                0x15 | 0x35 | 0x25 | 0x45 => {
                    let taken = match i.code {
                        0x15 => acc == i.k,
                        0x35 => acc >= i.k,
                        0x25 => acc > i.k,
                        _ => acc & i.k != 0,
                    };
                    pc += if taken { i.jt } else { i.jf } as usize;
                }
                code => panic!("opcode {code:#x}"),
            }
        }
    }

    /// The rules of `rules` compiled by seccompiler alone, as before the
    /// binary search.
    fn plain(rules: &Rules, mismatch: SeccompAction, matched: SeccompAction) -> BpfProgram {
        let map = rules
            .0
            .iter()
            .map(|(nr, r)| (*nr, r.clone().unwrap_or_default()))
            .collect();
        compile(SeccompFilter::new(map, mismatch, matched, TargetArch::x86_64).unwrap()).unwrap()
    }

    #[test]
    fn the_binary_search_answers_as_the_plain_chain() {
        let classes = distinct_classes(12);
        let interesting: Vec<u64> = [0u64, 1, 2, 3, 100, 4083, 4084, 4090, 4095, 4096]
            .into_iter()
            .chain([
                libc::AT_FDCWD as u32 as u64,
                u64::MAX,
                libc::PROT_EXEC as u64,
                (libc::PROT_READ | libc::PROT_EXEC) as u64,
                libc::MAP_ANONYMOUS as u64,
                libc::O_CREAT as u64,
                libc::F_DUPFD as u64,
                libc::F_GETFL as u64,
                libc::AF_UNIX as u64,
                libc::AF_INET as u64,
                1234,
            ])
            .collect();
        let pick =
            |seed: usize, k: usize| interesting[(seed * 7 + k * 13 + seed / 3) % interesting.len()];
        let cases: [(Rules, SeccompAction, SeccompAction); 2] = [
            (
                rights(&classes),
                SeccompAction::Allow,
                SeccompAction::Errno(RIGHTS_ERRNO as u32),
            ),
            (
                capability_mode_rules(&mode()),
                SeccompAction::Errno(MODE_ERRNO as u32),
                SeccompAction::Allow,
            ),
        ];
        for (rules, mismatch, matched) in cases {
            let reference = plain(&rules, mismatch.clone(), matched.clone());
            let searched = Rules(rules.0.clone()).compile(mismatch, matched).unwrap();
            assert!(searched.len() > reference.len(), "the search is in place");
            for nr in (0..480).chain([0x4000_0000 | 39, u32::MAX]) {
                for seed in 0..40 {
                    let args: [u64; 6] = std::array::from_fn(|k| pick(seed, k));
                    for arch in [AUDIT_ARCH_X86_64, 0x4000_0003] {
                        assert_eq!(
                            run(&searched, nr, arch, args),
                            run(&reference, nr, arch, args),
                            "nr {nr} arch {arch:#x} args {args:?}"
                        );
                    }
                }
            }
        }
    }

    /// Capability mode lets only the allowlisted ioctls through: interface
    /// setters, filesystem-wide and clone ioctls, TIOCSTI and FIOSETOWN
    /// answer `EPERM` on any descriptor.
    #[test]
    fn capability_mode_allows_only_listed_ioctls() {
        let prog = capability_mode(&mode()).unwrap();
        let eperm = libc::SECCOMP_RET_ERRNO | MODE_ERRNO as u32;
        let ioctl = |cmd: u32| {
            run(
                &prog,
                libc::SYS_ioctl as u32,
                AUDIT_ARCH_X86_64,
                [3, cmd.into(), 0, 0, 0, 0],
            )
        };
        for &cmd in IOCTL_ALLOWED {
            assert_eq!(ioctl(cmd), libc::SECCOMP_RET_ALLOW, "{cmd:#x}");
        }
        let denied = [
            0x8922,     // SIOCSIFMTU
            0x8914,     // SIOCSIFFLAGS
            0x8b00,     // SIOCSIWCOMMIT
            0x400454ca, // TUNSETIFF
            0xc0045877, // FIFREEZE
            0xc0045878, // FITHAW
            0xc0185879, // FITRIM
            0x40049409, // FICLONE
            0xc0189436, // FIDEDUPERANGE
            0x8901,     // FIOSETOWN
            0x8933,     // SIOCGIFINDEX (only with the `inet` grant)
            libc::TIOCSTI as u32,
            libc::TIOCSPGRP as u32,
        ];
        for cmd in denied {
            assert_eq!(ioctl(cmd), eperm, "{cmd:#x}");
            // The upper half of the register is ignored by the kernel.
            let high = run(
                &prog,
                libc::SYS_ioctl as u32,
                AUDIT_ARCH_X86_64,
                [3, (1u64 << 32) | u64::from(cmd), 0, 0, 0, 0],
            );
            assert_eq!(high, eperm, "{cmd:#x} with upper bits");
        }
    }

    #[test]
    fn adjacent_classes_lacking_a_right_merge_into_one_range() {
        let classes = [
            class(0, 0, &[Right::Read]),
            class(1, 1, &[Right::Write]),
            class(2, 2, &[Right::Write]),
            class(4090, 4095, &[Right::Write]),
        ];
        let lacking_read = ranges(&classes, |l| !l.rights.allows(Right::Read));
        assert_eq!(lacking_read, [(1, 2), (4090, 4095)]);
    }

    fn mode() -> Mode {
        Mode {
            pid: 1234,
            lookups: true,
            grants: Grants::default(),
        }
    }

    #[test]
    fn filters_compile_and_fit_the_kernel_limit() {
        // A declaration of realistic size: stdio plus seven preopen classes.
        let mut classes = vec![
            FdClass {
                lo: 0,
                hi: 0,
                limits: Limits::STDIN,
                reads: true,
                writes: true,
            },
            FdClass {
                lo: 1,
                hi: 2,
                limits: Limits::STDOUT,
                reads: true,
                writes: true,
            },
        ];
        let sets: [&[Right]; 7] = [
            &[Right::Read],
            &[Right::Write],
            &[Right::Read, Right::Seek, Right::Fstat],
            &[Right::Lookup, Right::Read],
            &[Right::Lookup, Right::Create, Right::Write],
            &[Right::MmapR],
            &[Right::Fcntl, Right::Ioctl],
        ];
        for (i, rights) in sets.iter().enumerate() {
            let hi = 4095 - 10 * i as u32;
            classes.push(class(hi - 9, hi, rights));
        }
        for program in programs(&mode(), &classes).unwrap() {
            // BPF_MAXINSNS (include/uapi/linux/bpf_common.h).
            assert!(program.len() <= 4096, "{} instructions", program.len());
        }
    }

    /// `n` one-descriptor classes with distinct rights sets, interleaved so
    /// that few of them merge into ranges: the worst case for the filter.
    fn distinct_classes(n: u32) -> Vec<FdClass> {
        let all = Right::ALL;
        (0..n)
            .map(|i| {
                // Subsets of the rights picked by the bits of i (and a
                // rotation so every right appears), plus ioctl and fcntl
                // lists on some.
                let picked: Vec<Right> = all
                    .iter()
                    .enumerate()
                    .filter(|(k, _)| {
                        (i as usize * 7 + k).is_multiple_of(3) || (i >> (k % 8)) & 1 == 1
                    })
                    .map(|(_, r)| *r)
                    .collect();
                let mut c = class(4095 - i, 4095 - i, &picked);
                if i.is_multiple_of(2) {
                    c.limits.ioctls = Some(&[Ioctl::Fionread, Ioctl::Tiocgwinsz]);
                    c.limits.fcntls = Some(&[Fcntl::Getfl]);
                }
                c
            })
            .collect()
    }

    #[test]
    fn any_number_of_classes_fits_the_kernel_limits() {
        for n in [82, 200] {
            let programs = programs(&mode(), &distinct_classes(n)).unwrap();
            let total: usize = programs.iter().map(|p| p.len() + 4).sum();
            for p in &programs {
                assert!(
                    p.len() <= BPF_MAXINSNS,
                    "{n} classes: {} instructions",
                    p.len()
                );
            }
            // MAX_INSNS_PER_PATH (kernel/seccomp.c).
            assert!(total <= 32768, "{n} classes: {total} instructions in all");
            eprintln!(
                "{n} classes: {} programs, {total} instructions",
                programs.len()
            );
        }
    }

    #[test]
    fn filter_size_does_not_grow_with_the_number_of_descriptors() {
        // One class holding 1, 10, 100 or 1000 descriptors: same program.
        let lengths: Vec<usize> = [1, 10, 100, 1000]
            .iter()
            .map(|n| {
                let classes = [class(4096 - n, 4095, &[Right::Read, Right::Fstat])];
                programs(&mode(), &classes)
                    .unwrap()
                    .iter()
                    .map(Vec::len)
                    .sum()
            })
            .collect();
        // A one-descriptor class compares for equality: shorter still.
        assert!(lengths[0] <= lengths[1], "{lengths:?}");
        assert!(lengths[1..].windows(2).all(|w| w[0] == w[1]), "{lengths:?}");
    }

    #[test]
    fn the_arch_check_answers_eperm_instead_of_killing() {
        for program in programs(&mode(), &[]).unwrap() {
            assert_eq!(program[2].k, libc::SECCOMP_RET_ERRNO | libc::EPERM as u32);
        }
    }

    #[test]
    fn the_rights_filter_is_there_when_nothing_is_limited() {
        // It still denies executable mappings and inode changes through
        // descriptors opened after entry.
        assert_eq!(programs(&mode(), &[]).unwrap().len(), 3);
    }

    #[test]
    fn complement_covers_every_other_number() {
        assert_eq!(complement(&[]), [(0, u32::MAX)]);
        assert_eq!(
            complement(&[(0, 2), (10, 20), (4000, 4095)]),
            [(3, 9), (21, 3999), (4096, u32::MAX)]
        );
        assert_eq!(complement(&[(5, u32::MAX)]), [(0, 4)]);
    }
}
