//! The compiled programs against the table: a classic BPF interpreter runs
//! them as the kernel stacks them, over every row and every class of
//! argument the rows name, and the verdict must be the row's own
//! ([`judge`]) and the explanation must name what the row denies.

use std::collections::BTreeSet;
use std::ffi::CStr;

use super::super::judge::{closes_pool, judge, notifies, Context, Lacking, Verdict};
use super::super::rules::{Arg, Cond, Mode, Outside, Req, Syscall, Test};
use super::super::syscalls::TABLE;
use super::super::trace::explain::{explain, traced, Scene};
use super::consts::*;
use super::*;
use crate::rights::{Fcntl, Ioctl, Limits, Right, RightSet};
use crate::trace::{Object, Reason};

mod pinned;
mod shape;

/// A classic BPF interpreter for what the compiler emits (loads of
/// `seccomp_data`, `JA`, `JEQ`/`JGE`/`JGT`/`JSET` with constants, `AND`,
/// `RET`), run on `(nr, arch, args)`.
pub(super) fn run(prog: &BpfProgram, nr: u32, arch: u32, args: &[u64; 6]) -> u32 {
    let word = |off: u32| -> Option<u32> {
        Some(match off {
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
        })
    };
    emulate(prog, word).expect("every word is known")
}

/// Runs `prog`, the words of `seccomp_data` given by `word` (by offset;
/// `None`: unknown, and the run stops there, as the kernel's action-cache
/// emulation does at an argument).
pub(super) fn emulate(prog: &BpfProgram, word: impl Fn(u32) -> Option<u32>) -> Option<u32> {
    emulate_counting(prog, word).0
}

/// As [`emulate`], with the number of instructions it ran.
pub(super) fn emulate_counting(
    prog: &BpfProgram,
    word: impl Fn(u32) -> Option<u32>,
) -> (Option<u32>, usize) {
    let (mut pc, mut acc, mut steps) = (0usize, 0u32, 0);
    loop {
        let i = &prog[pc];
        pc += 1;
        steps += 1;
        match i.code {
            0x20 => match word(i.k) {
                Some(w) => acc = w,
                None => return (None, steps),
            },
            0x54 => acc &= i.k,
            0x06 => return (Some(i.k), steps),
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

/// The stack's answer as the kernel computes it (kernel/seccomp.c,
/// `seccomp_run_filters`): newest program first, a strictly more
/// restrictive action replaces the answer; `programs` in installation
/// order.
pub(super) fn stack(programs: &[BpfProgram], nr: u32, arch: u32, args: &[u64; 6]) -> u32 {
    let action = |r: u32| (r & libc::SECCOMP_RET_ACTION_FULL) as i32;
    let mut ret = libc::SECCOMP_RET_ALLOW;
    for p in programs.iter().rev() {
        let r = run(p, nr, arch, args);
        if action(r) < action(ret) {
            ret = r;
        }
    }
    ret
}

pub(super) fn class(lo: u32, hi: u32, rights: &[Right]) -> FdClass {
    FdClass {
        lo,
        hi,
        limits: Limits {
            rights: RightSet::of(rights),
            ..Limits::default()
        },
        reads: true,
        writes: true,
        pool: false,
        served: false,
        inherited: false,
        copied: false,
        checked: crate::rights::RightSet::EMPTY,
    }
}

pub(in crate::backend::linux) fn ctx(classes: &[FdClass]) -> Context<'_> {
    Context {
        signal_scope: true,
        lookups: true,
        grants: Grants::default(),
        forks: true,
        // As entry builds them where the kernel has a supervisor.
        notify: true,
        own_signals: true,
        classes,
    }
}

/// `n` one-descriptor classes with distinct rights sets, interleaved so
/// that few of them merge into ranges: the worst case for the filter.
pub(super) fn distinct_classes(n: u32) -> Vec<FdClass> {
    let all = Right::ALL;
    (0..n)
        .map(|i| {
            // Subsets of the rights picked by the bits of i (and a
            // rotation so every right appears), plus ioctl and fcntl
            // lists on some.
            let picked: Vec<Right> = all
                .iter()
                .enumerate()
                .filter(|(k, _)| (i as usize * 7 + k).is_multiple_of(3) || (i >> (k % 8)) & 1 == 1)
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

/// `stdio`: stdin read-only and stdout, stderr write-only by their mode.
pub(super) fn stdio_classes() -> Vec<FdClass> {
    vec![
        FdClass {
            lo: 0,
            hi: 0,
            limits: Limits::STDIN,
            reads: true,
            writes: false,
            pool: false,
            served: false,
            inherited: false,
            copied: false,
            checked: crate::rights::RightSet::EMPTY,
        },
        FdClass {
            lo: 1,
            hi: 2,
            limits: Limits::STDOUT,
            reads: false,
            writes: true,
            pool: false,
            served: false,
            inherited: false,
            copied: false,
            checked: crate::rights::RightSet::EMPTY,
        },
    ]
}

/// A declaration of realistic size: stdio (stdin read-only by its mode),
/// files, directories (one `O_PATH`), ioctl and fcntl lists, several
/// descriptors to a class.
pub(super) fn realistic_classes() -> Vec<FdClass> {
    let mut classes = stdio_classes();
    let sets: [&[Right]; 9] = [
        &[Right::Read],
        &[Right::Write],
        &[Right::Read, Right::Seek, Right::Fstat, Right::MmapR],
        &[Right::Lookup, Right::Read, Right::Fstat],
        &[
            Right::Lookup,
            Right::Create,
            Right::Write,
            Right::Ftruncate,
            Right::Mkdirat,
            Right::Unlinkat,
            Right::Fchmod,
        ],
        &[Right::MmapX, Right::SeekTell],
        &[Right::Fcntl, Right::Ioctl, Right::Flock],
        &[Right::Fcntl, Right::Ioctl],
        &[Right::Lookup],
    ];
    for (i, rights) in sets.iter().enumerate() {
        let hi = 4095 - 10 * i as u32;
        let mut c = class(hi - 2, hi, rights);
        match i {
            6 => c.limits.fcntls = Some(&[Fcntl::Getfl, Fcntl::Setown]),
            7 => c.limits.ioctls = Some(&[Ioctl::Fiodtype]),
            8 => (c.reads, c.writes) = (false, false),
            1 => c.reads = false,
            _ => {}
        }
        classes.push(c);
    }
    // Two pools (descriptors limited after entry): one within the read
    // class's limits, one within none.
    let mut within_read = class(3900, 3909, &[Right::Read]);
    within_read.pool = true;
    let mut wide = class(3910, 3919, &[Right::Read, Right::Fchown, Right::Fsync]);
    wide.pool = true;
    classes.extend([within_read, wide]);
    classes
}

static REL: &CStr = c"notes.txt";
static ABS: &CStr = c"/etc/passwd";
static UP: &CStr = c"../x";

/// Values worth trying for argument `arg` of `row` in `ctx`: the classes'
/// bounds and numbers outside them for descriptors, `AT_FDCWD`, the
/// values each condition names and their neighbours (and with the upper
/// half of the register set, which the kernel ignores for an `int`),
/// valid strings for the arguments the explainer reads.
pub(super) fn candidates(row: &Syscall, arg: usize, ctx: &Context) -> Vec<u64> {
    let kind = row.args().get(arg).copied();
    let pointer = matches!(kind, Some(Arg::Path | Arg::Str | Arg::Program));
    if pointer {
        return [
            0,
            REL.as_ptr() as u64,
            ABS.as_ptr() as u64,
            UP.as_ptr() as u64,
        ]
        .to_vec();
    }
    let mut v: BTreeSet<u64> = BTreeSet::from([0]);
    if matches!(kind, Some(Arg::Fd | Arg::Dirfd)) {
        for c in ctx.classes {
            v.extend([c.lo, c.hi].map(u64::from));
            v.extend([c.lo.wrapping_sub(1), c.hi.wrapping_add(1)].map(u64::from));
        }
        v.extend([3, 100, 4000, 5000, u32::MAX.into()]);
        v.insert(libc::AT_FDCWD as i64 as u64);
        v.insert(u64::MAX);
    }
    if row.name() == "close_range" && arg == 2 {
        // Only marking (`CLOSE_RANGE_CLOEXEC`) leaves pool numbers alone.
        v.extend([libc::CLOSE_RANGE_CLOEXEC, libc::CLOSE_RANGE_UNSHARE].map(u64::from));
    }
    let mut conds: Vec<&Cond> = Vec::new();
    if let Mode::AllowIf(alts) = row.mode() {
        conds.extend(alts.iter().flat_map(|a| a.when));
    }
    conds.extend(row.needs().iter().flat_map(|n| n.when));
    let narrow = |v: &mut BTreeSet<u64>, x: u32| {
        v.extend([x, x.wrapping_add(1), x ^ 1].map(u64::from));
        v.insert((1 << 32) | u64::from(x));
    };
    for c in conds.iter().filter(|c| usize::from(c.arg) == arg) {
        match c.test {
            Test::Eq(x) | Test::Ne(x) => narrow(&mut v, x),
            Test::OneOf(xs) => xs.iter().for_each(|&x| narrow(&mut v, x)),
            Test::Masked { mask, value } => {
                narrow(&mut v, value);
                v.insert(u64::from(value ^ (mask & mask.wrapping_neg())));
                v.insert(u64::from(value | !mask));
            }
            Test::MaskedOneOf { mask, values } => {
                for &x in values {
                    narrow(&mut v, x);
                    v.insert(u64::from(x | !mask));
                }
                v.insert(u64::from(mask));
            }
            Test::WideOneOf(xs) => xs.iter().for_each(|&x| narrow(&mut v, x)),
            Test::Null | Test::NonNull => v.extend([1, 1 << 32]),
        }
    }
    for n in row.needs() {
        let cmd = match n.req {
            Req::Ioctl { cmd } | Req::Fcntl { cmd } => usize::from(cmd),
            _ => continue,
        };
        if cmd != arg {
            continue;
        }
        let ioctls = Ioctl::ALL.iter().flat_map(|&i| ioctl_numbers(i).iter());
        let fcntls = Fcntl::ALL.iter().flat_map(|&f| fcntl_numbers(f).iter());
        let commands = ioctls
            .chain(fcntls)
            .chain(FCNTL_DUP)
            .chain(FCNTL_LOCKS)
            .chain(FCNTL_RIGHTS.iter().map(|(c, _)| c))
            .chain(IOCTL_ALLOWED)
            .chain(INODE_IOCTLS);
        v.extend(commands.map(|&c| u64::from(c)));
        v.extend([libc::F_GETFD, libc::F_SETFD, libc::F_SETPIPE_SZ].map(|c| c as u64));
    }
    v.into_iter().collect()
}

/// Every combination of the arguments' candidates (at most `limit`,
/// spread evenly when there are more).
pub(super) fn combinations(per_arg: &[Vec<u64>], limit: usize) -> Vec<[u64; 6]> {
    let total: usize = per_arg.iter().map(Vec::len).product();
    let step = total.div_ceil(limit).max(1);
    let mut out = Vec::new();
    let mut index = 0;
    while index < total {
        let mut rest = index;
        let mut args = [0u64; 6];
        for (a, values) in per_arg.iter().enumerate() {
            args[a] = values[rest % values.len()];
            rest /= values.len();
        }
        out.push(args);
        index += step;
    }
    out
}

/// Checks that the explanation of a denial names what the row denies.
fn check_explanation(row: &Syscall, args: &[u64; 6], ctx: &Context, verdict: Verdict) {
    let scene = Scene {
        ctx: *ctx,
        classes: ctx.classes,
        described: &[],
    };
    let data = match verdict {
        Verdict::Mode => MODE_ERRNO,
        Verdict::Rights(_) => RIGHTS_ERRNO,
        _ => return,
    } as u32;
    let record = explain(&scene, data, row.nr, AUDIT_ARCH_X86_64, args);
    let what = format!(
        "{}{args:x?}: {:?} {:?}",
        row.name(),
        record.reason,
        record.object
    );
    assert_eq!(record.syscall, row.name(), "{what}");
    match verdict {
        Verdict::Mode => {
            assert_eq!(record.errno, "EPERM", "{what}");
            assert!(
                matches!(
                    record.reason,
                    Reason::GlobalPath
                        | Reason::Endpoint
                        | Reason::OtherProcess
                        | Reason::NotAllowed(_)
                ),
                "{what}"
            );
        }
        Verdict::Rights(d) => {
            assert_eq!(record.errno, "EACCES", "{what}");
            match (record.reason, d.lacking) {
                (Reason::MissingRights(r, _), Lacking::Right(l)) => {
                    assert_eq!(r, l, "{what}");
                    let has = match d.fd.and_then(|fd| ctx.class_of(fd)) {
                        Some(c) => c.limits.rights.allows(r),
                        // Some directory where it could act lacks it.
                        None if d.fd.is_some() => match d.need.outside {
                            Outside::Places(a) => ctx.places(a).all(|c| c.limits.rights.allows(r)),
                            _ => false,
                        },
                        None => false,
                    };
                    assert!(!has, "{what}: the descriptor has {r:?}");
                }
                (Reason::NoCopies, Lacking::Copy)
                | (
                    Reason::Rights | Reason::MissingIoctl { .. } | Reason::MissingFcntl { .. },
                    Lacking::Command,
                )
                | (Reason::Unmediated(_), Lacking::Unmediated) => {}
                (Reason::Rights, _) if d.fd.is_none() => {}
                _ => panic!("{what}: the row says {d:?}"),
            }
            if let (Some(fd), Object::Descriptor { fd: named, .. }) = (d.fd, &record.object) {
                assert_eq!(*named, fd as i32, "{what}");
            }
        }
        _ => {}
    }
}

/// Dry-run's mark of a lookup beneath a directory, in these tests.
const MARK: u32 = TRAP_MARK;

/// Whether dry-run traps `row` with `args` as a lookup beneath a limited
/// directory.
fn looks_beneath(row: &Syscall, args: &[u64; 6], ctx: &Context) -> bool {
    row.looks_up_beneath()
        && row.lookups().any(|(dirfd, _)| {
            ctx.class_of(args[dirfd])
                .is_some_and(|c| c.limits.rights.allows(Right::Lookup))
        })
}

/// For every row and every class of argument: the stacked programs answer
/// what the row says, and (enforcing) a denial's explanation names why.
/// `dry`: the dry-run programs, traps instead of errnos.
fn agree(ctx: &Context, dry: bool) -> usize {
    let r = returns(dry.then_some(MARK));
    let programs = programs(ctx, &r, dry);
    let mut cases = 0;
    for row in &TABLE {
        let per_arg: Vec<Vec<u64>> = (0..6).map(|a| candidates(row, a, ctx)).collect();
        for args in combinations(&per_arg, 4000) {
            let verdict = judge(row, &args, ctx);
            let want = match verdict {
                Verdict::Allow if dry && looks_beneath(row, &args, ctx) => r.lookup,
                Verdict::Allow if closes_pool(row.nr, &args, ctx.classes) => r.lookup,
                Verdict::Allow if !dry && notifies(row.nr, &args, ctx) => r.notify,
                Verdict::Allow => libc::SECCOMP_RET_ALLOW,
                Verdict::Mode => r.mode,
                Verdict::Rights(_) => r.rights,
                Verdict::Enosys => libc::SECCOMP_RET_ERRNO | COMPAT_ERRNO as u32,
            };
            let got = stack(&programs, row.nr, AUDIT_ARCH_X86_64, &args);
            assert_eq!(
                got,
                want,
                "{}{args:x?}: the programs answer {got:#x}, the table {verdict:?}",
                row.name()
            );
            if !dry {
                check_explanation(row, &args, ctx, verdict);
            }
            cases += 1;
        }
        // A foreign architecture and the x32 numbers are denied.
        assert_eq!(stack(&programs, row.nr, 0x4000_0003, &[0; 6]), r.mode);
        assert_eq!(
            stack(&programs, row.nr | 0x4000_0000, AUDIT_ARCH_X86_64, &[0; 6]),
            r.mode
        );
    }
    cases
}

#[test]
fn the_programs_the_table_and_the_explanations_agree() {
    let realistic = realistic_classes();
    let distinct = distinct_classes(12);
    let everything = Grants {
        global_paths: true,
        inet: true,
        unix_connect: true,
        send_descriptors: true,
    };
    let contexts = [
        ctx(&realistic),
        Context {
            lookups: false,
            ..ctx(&realistic)
        },
        ctx(&distinct),
        Context {
            grants: everything,
            ..ctx(&[])
        },
        Context {
            grants: Grants {
                unix_connect: true,
                send_descriptors: true,
                ..Grants::default()
            },
            lookups: false,
            ..ctx(&realistic)
        },
        // A supervisor that cannot tell thread groups: the signals keep to
        // Landlock's signal scope, not sent to it.
        Context {
            own_signals: false,
            ..ctx(&realistic)
        },
    ];
    let mut cases = 0;
    for c in &contexts {
        cases += agree(c, false);
    }
    // Pools of descriptors opened beneath directories whose metadata
    // changes the supervisor checks (`FdClass::checked`), side by side.
    let mut inherited = realistic_classes();
    for (lo, checked) in [
        (3700, &[Right::Fchmod, Right::Futimes][..]),
        (
            3710,
            &[
                Right::Fchown,
                Right::ExtattrSet,
                Right::ExtattrDelete,
                Right::Ioctl,
            ][..],
        ),
    ] {
        let mut rights = vec![Right::Lookup, Right::Read];
        rights.extend_from_slice(checked);
        let mut c = class(lo, lo + 9, &rights);
        c.pool = true;
        c.inherited = true;
        c.checked = RightSet::of(checked);
        inherited.push(c);
    }
    cases += agree(&ctx(&inherited), false);
    // Dry-run: the trace classes (read/write rules everywhere), traps.
    let traced = traced(&realistic);
    cases += agree(&ctx(&traced), true);
    eprintln!("{cases} calls checked");
}

/// A right a pool keeps only for the supervisor to check
/// (`FdClass::checked`) is never granted by the filter alone: every call
/// the filter lets through with a need of such a right on a number of
/// such a pool goes to the supervisor (`supervise.rs` `checked_rights`).
#[test]
fn the_checked_rights_are_supervised() {
    let checkable = super::super::judge::checkable();
    let checks = |r: Right| !checkable.intersection(r.set()).is_empty();
    assert!(
        checks(Right::Fchmod) && checks(Right::RenameatTarget),
        "{checkable:?}"
    );
    let every: Vec<Right> = Right::ALL.to_vec();
    let mut pool = class(3700, 3709, &every);
    pool.pool = true;
    pool.inherited = true;
    pool.checked = checkable;
    let mut classes = realistic_classes();
    classes.push(pool);
    let ctx = ctx(&classes);
    let mut checked = 0;
    for row in &TABLE {
        let per_arg: Vec<Vec<u64>> = (0..6).map(|a| candidates(row, a, &ctx)).collect();
        for args in combinations(&per_arg, 4000) {
            let relies = row.needs().iter().any(|n| {
                matches!((n.req, n.outside), (Req::Right(r), Outside::Places(_) | Outside::Denied) if checks(r))
                    && n.when.iter().all(|c| c.holds(&args))
                    && n.fd
                        .is_some_and(|a| (3700..=3709).contains(&(args[usize::from(a)] as u32)))
            });
            if relies && matches!(judge(row, &args, &ctx), Verdict::Allow) {
                assert!(
                    notifies(row.nr, &args, &ctx),
                    "{}{args:x?}: a checked right granted without the supervisor",
                    row.name()
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 0);
    eprintln!("{checked} calls relying on a checked right, each sent to the supervisor");
}

#[test]
fn numbers_outside_the_table_are_denied() {
    let classes = realistic_classes();
    let r = returns(None);
    let programs = programs(&ctx(&classes), &r, false);
    for nr in (337..424).chain(471..1024).chain([u32::MAX]) {
        assert_eq!(
            stack(&programs, nr, AUDIT_ARCH_X86_64, &[0; 6]),
            r.mode,
            "{nr}"
        );
    }
}

#[test]
fn the_trace_programs_trap_where_the_enforcing_ones_deny() {
    let classes = realistic_classes();
    let traced = traced(&classes);
    let tctx = ctx(&traced);
    let trapping = programs(&tctx, &returns(Some(MARK)), false);
    let enforcing = programs(&tctx, &returns(None), false);
    let scene = Scene {
        ctx: tctx,
        classes: &classes,
        described: &[],
    };
    let rw = [
        "read", "write", "readv", "writev", "pread64", "pwrite64", "preadv", "pwritev", "preadv2",
        "pwritev2",
    ];
    for row in &TABLE {
        let per_arg: Vec<Vec<u64>> = (0..6).map(|a| candidates(row, a, &tctx)).collect();
        for args in combinations(&per_arg, 300) {
            let want = stack(&enforcing, row.nr, AUDIT_ARCH_X86_64, &args);
            let got = stack(&trapping, row.nr, AUDIT_ARCH_X86_64, &args);
            let errno = want & libc::SECCOMP_RET_DATA;
            if want & libc::SECCOMP_RET_ACTION_FULL == libc::SECCOMP_RET_ERRNO
                && errno != COMPAT_ERRNO as u32
            {
                assert_eq!(
                    got,
                    libc::SECCOMP_RET_TRAP | errno,
                    "{}{args:x?}",
                    row.name()
                );
                // read(2) and write(2) against the access mode answer EBADF.
                let record = explain(&scene, errno, row.nr, AUDIT_ARCH_X86_64, &args);
                if record.errno == "EBADF" {
                    assert!(rw.contains(&row.name()), "{}", row.name());
                }
            } else {
                assert_eq!(got, want, "{}{args:x?}", row.name());
            }
        }
    }
}

/// A compartment's added program refuses every call that makes a process
/// (fork(2), vfork(2), clone(2) but of a thread, whatever else its flags
/// say) with capability mode's answer, and lets everything else through to
/// the programs already installed; its answers are the table's, judged
/// with `Gate::Forks` closed.
#[test]
fn a_compartment_makes_no_process() {
    let r = returns(None);
    let p = no_forks(&r);
    let thread = (libc::CLONE_VM
        | libc::CLONE_FS
        | libc::CLONE_FILES
        | libc::CLONE_SIGHAND
        | libc::CLONE_THREAD
        | libc::CLONE_SYSVSEM
        | libc::CLONE_SETTLS
        | libc::CLONE_PARENT_SETTID
        | libc::CLONE_CHILD_CLEARTID) as u64;
    let fork = libc::SIGCHLD as u64;
    let closed = Context {
        forks: false,
        ..ctx(&[])
    };
    let cases: [(i64, u64, bool); 8] = [
        (libc::SYS_fork, 0, false),
        (libc::SYS_vfork, 0, false),
        (libc::SYS_clone, fork, false),
        (
            libc::SYS_clone,
            fork | libc::CLONE_VM as u64 | libc::CLONE_VFORK as u64,
            false,
        ),
        (libc::SYS_clone, thread, true),
        (libc::SYS_clone, thread | libc::CLONE_NEWUSER as u64, false),
        (libc::SYS_read, 0, true),
        (libc::SYS_getpid, 0, true),
    ];
    for (nr, flags, allowed) in cases {
        let args = [flags, 0, 0, 0, 0, 0];
        let got = run(&p, nr as u32, AUDIT_ARCH_X86_64, &args);
        let want = if allowed {
            libc::SECCOMP_RET_ALLOW
        } else {
            r.mode
        };
        assert_eq!(got, want, "call {nr} flags {flags:#x}");
        // The table says the same, where the row is one of them.
        if let Some(row) = super::super::syscalls::lookup(nr as u32) {
            if matches!(nr, libc::SYS_fork | libc::SYS_vfork | libc::SYS_clone) {
                let judged = matches!(judge(row, &args, &closed), Verdict::Allow);
                assert_eq!(judged, allowed, "table: call {nr} flags {flags:#x}");
            }
        }
    }
    // The program does not grow with anything: three rows.
    assert!(p.len() < 32, "{} instructions", p.len());
}
