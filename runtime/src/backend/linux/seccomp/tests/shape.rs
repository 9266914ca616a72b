//! The programs' shape: the compiler answers as its rules say whatever
//! their size (far jumps, shared loads, masks, 64-bit checks), the calls
//! answered whatever their arguments stop before any argument is loaded
//! (the kernel caches them), the ioctl allowlist, sizes within the kernel's
//! limits and flat in the number of descriptors.

use super::super::bpf::{program, Arena, BpfProgram, Call, Check, Op, Span, BPF_MAXINSNS};
use super::super::consts::*;
use super::super::*;
use super::{class, ctx, distinct_classes, emulate, realistic_classes, run, stdio_classes};
use crate::rights::Right;

/// A small deterministic generator (xorshift64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const VALUES: [u64; 8] = [0, 1, 2, 3, 0x20, 0xffff_ff9c, 1 << 32, 4095];

fn random_check(rng: &mut Rng) -> Check {
    let arg = rng.below(3) as u8;
    let value = VALUES[rng.below(VALUES.len() as u64) as usize];
    if rng.below(6) == 0 {
        let op = if rng.below(2) == 0 { Op::Eq } else { Op::Ne };
        return Check {
            arg,
            wide: true,
            high: false,
            op,
            value,
        };
    }
    if rng.below(8) == 0 {
        // The upper half of a 64-bit argument.
        let op = if rng.below(2) == 0 { Op::Eq } else { Op::Ne };
        return Check::upper(arg, op, (value >> 32) as u32);
    }
    let op = match rng.below(6) {
        0 => Op::Eq,
        1 => Op::Ne,
        2 => Op::Ge,
        3 => Op::Le,
        4 => Op::MaskedEq(0x20),
        _ => Op::MaskedEq(0x0f),
    };
    let value = match op {
        Op::MaskedEq(m) => value & u64::from(m),
        _ => value & 0xffff_ffff,
    };
    Check::narrow(arg, op, value as u32)
}

fn random_clauses(rng: &mut Rng, most: u64, arena: &mut Arena) -> Span {
    let start = arena.begin();
    let n = rng.below(most);
    // Shared prefixes, as the descriptor ranges of the rights make them.
    let prefix = (n > 2 && rng.below(2) == 0).then(|| random_check(rng));
    for i in 0..n {
        let mut clause: Vec<Check> = (0..1 + rng.below(3)).map(|_| random_check(rng)).collect();
        if let Some(p) = prefix.filter(|_| i % 2 == 0) {
            clause.insert(0, p);
        }
        arena.clause(clause);
    }
    arena.end(start)
}

/// What a call's rules answer, evaluated directly.
fn expected(arena: &Arena, call: &Call, args: &[u64; 6], r: &Returns) -> u32 {
    if let Some(m) = call.mode {
        if !arena.holds(m, args) {
            return r.mode;
        }
    }
    if arena.holds(call.rights, args) {
        return r.rights;
    }
    if arena.holds(call.lookups, args) {
        return if call.notify { r.notify } else { r.lookup };
    }
    if call.compat {
        libc::SECCOMP_RET_ERRNO | COMPAT_ERRNO as u32
    } else {
        libc::SECCOMP_RET_ALLOW
    }
}

#[test]
fn the_compiler_answers_as_the_rules_say() {
    let r = returns(Some(0xfff));
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for round in 0..40 {
        // Many calls with long bodies: far jumps and trampolines.
        let most = if round % 4 == 0 { 60 } else { 6 };
        let mut nr = 0;
        let mut arena = Arena::new();
        let calls: Vec<Call> = (0..1 + rng.below(40))
            .map(|_| {
                nr += 1 + rng.below(5) as u32;
                Call {
                    nr,
                    mode: (rng.below(3) != 0).then(|| random_clauses(&mut rng, most, &mut arena)),
                    rights: random_clauses(&mut rng, most, &mut arena),
                    lookups: random_clauses(&mut rng, 3, &mut arena),
                    notify: rng.below(4) == 0,
                    compat: rng.below(8) == 0,
                }
            })
            .collect();
        // Some of them beyond BPF_MAXINSNS: the interpreter does not mind.
        let prog = program(&arena, &calls, &r);
        for _ in 0..2000 {
            let args: [u64; 6] = std::array::from_fn(|_| {
                VALUES[rng.below(VALUES.len() as u64) as usize] | (rng.below(2) << 32)
            });
            let n = rng.below(u64::from(nr) + 3) as u32;
            let want = match calls.iter().find(|c| c.nr == n) {
                Some(call) => expected(&arena, call, &args, &r),
                None => r.other,
            };
            assert_eq!(
                run(&prog, n, AUDIT_ARCH_X86_64, &args),
                want,
                "{n} {args:x?}"
            );
        }
    }
}

/// The kernel's action-cache emulation (kernel/seccomp.c,
/// `seccomp_is_const_allow`): the answer to `nr` when it does not depend
/// on the arguments, `None` once the program would load one.
fn cached(prog: &BpfProgram, nr: u32) -> Option<u32> {
    emulate(prog, |off| match off {
        0 => Some(nr),
        4 => Some(AUDIT_ARCH_X86_64),
        _ => None,
    })
}

/// The bench's declaration: stdio and ten preopens, each open with the
/// access mode its rights need.
fn narrow_classes() -> Vec<FdClass> {
    let mut classes = stdio_classes();
    for (lo, hi, rights) in [
        (4094, 4095, Right::Read),
        (4093, 4093, Right::Write),
        (4086, 4092, Right::Read),
    ] {
        let mut c = class(lo, hi, &[rights]);
        c.reads = rights == Right::Read;
        c.writes = rights == Right::Write;
        classes.push(c);
    }
    classes
}

#[test]
fn calls_answered_whatever_their_arguments_are_cached() {
    let classes = narrow_classes();
    let prog = programs(&ctx(&classes), &returns(None), false)
        .pop()
        .unwrap();
    for nr in [
        libc::SYS_read,
        libc::SYS_write,
        libc::SYS_close,
        libc::SYS_futex,
    ] {
        assert_eq!(
            cached(&prog, nr as u32),
            Some(libc::SECCOMP_RET_ALLOW),
            "{nr}"
        );
    }
    let eperm = libc::SECCOMP_RET_ERRNO | MODE_ERRNO as u32;
    assert_eq!(cached(&prog, libc::SYS_execve as u32), Some(eperm));
    let constant = (0..471).filter(|&nr| cached(&prog, nr).is_some()).count();
    eprintln!(
        "{} instructions; {constant} of 471 numbers answered before any argument",
        prog.len()
    );
    assert!(constant > 350, "{constant}");
}

/// The inode-flag setters on a descriptor opened after entry (outside
/// every class) need `ioctl` on every preopened directory: seccomp cannot
/// tell which one it was opened beneath, and Capsicum gives it that one's
/// rights.
#[test]
fn inode_ioctls_need_every_directory() {
    let setflags = u64::from(INODE_IOCTLS[0]);
    let answer = |classes: &[FdClass]| {
        let prog = programs(&ctx(classes), &returns(None), false)
            .pop()
            .unwrap();
        run(
            &prog,
            libc::SYS_ioctl as u32,
            AUDIT_ARCH_X86_64,
            &[3, setflags, 0, 0, 0, 0],
        )
    };
    let with = [Right::Lookup, Right::Read, Right::Ioctl];
    let without = [Right::Lookup, Right::Read];
    let eacces = libc::SECCOMP_RET_ERRNO | RIGHTS_ERRNO as u32;
    assert_eq!(
        answer(&[class(100, 100, &with), class(101, 101, &with)]),
        libc::SECCOMP_RET_ALLOW
    );
    assert_eq!(
        answer(&[class(100, 100, &with), class(101, 101, &without)]),
        eacces
    );
}

/// Capability mode lets only the allowlisted ioctls through: interface
/// setters, filesystem-wide and clone ioctls, TIOCSTI and FIOSETOWN
/// answer `EPERM` on any descriptor.
#[test]
fn capability_mode_allows_only_listed_ioctls() {
    let prog = programs(&ctx(&[]), &returns(None), false).pop().unwrap();
    let eperm = libc::SECCOMP_RET_ERRNO | MODE_ERRNO as u32;
    let ioctl = |cmd: u64| {
        run(
            &prog,
            libc::SYS_ioctl as u32,
            AUDIT_ARCH_X86_64,
            &[3, cmd, 0, 0, 0, 0],
        )
    };
    // The inode-flag setters on a descriptor opened after entry need what
    // every preopened directory holds: with none, nothing was opened
    // beneath one (the directories' case: `inode_ioctls_need_every_directory`).
    for &cmd in IOCTL_ALLOWED {
        assert_eq!(ioctl(cmd.into()), libc::SECCOMP_RET_ALLOW, "{cmd:#x}");
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
        assert_eq!(ioctl(cmd.into()), eperm, "{cmd:#x}");
        // The upper half of the register is ignored by the kernel.
        assert_eq!(
            ioctl((1u64 << 32) | u64::from(cmd)),
            eperm,
            "{cmd:#x} with upper bits"
        );
    }
}

/// The parent-death signal can be set to `SIGKILL` only: a compartment
/// can neither clear it nor make it a signal it catches, so it dies with
/// its parent (pdfork(2)); reading it stays allowed.
#[test]
fn the_parent_death_signal_is_sigkill_or_nothing() {
    let prog = programs(&ctx(&[]), &returns(None), false).pop().unwrap();
    let eperm = libc::SECCOMP_RET_ERRNO | MODE_ERRNO as u32;
    let prctl = |option: i32, arg: u64| {
        run(
            &prog,
            libc::SYS_prctl as u32,
            AUDIT_ARCH_X86_64,
            &[option as u64, arg, 0, 0, 0, 0],
        )
    };
    let set = libc::PR_SET_PDEATHSIG;
    assert_eq!(prctl(set, libc::SIGKILL as u64), libc::SECCOMP_RET_ALLOW);
    for sig in [0, libc::SIGTERM, libc::SIGHUP, libc::SIGUSR1] {
        assert_eq!(prctl(set, sig as u64), eperm, "signal {sig}");
    }
    // The option's upper half is checked too (linux.cc CheckHighWord).
    let high = run(
        &prog,
        libc::SYS_prctl as u32,
        AUDIT_ARCH_X86_64,
        &[(1u64 << 32) | set as u64, libc::SIGKILL as u64, 0, 0, 0, 0],
    );
    assert_eq!(high, eperm);
    assert_eq!(
        prctl(libc::PR_GET_PDEATHSIG, 0x1000),
        libc::SECCOMP_RET_ALLOW
    );
}

#[test]
fn one_program_for_a_realistic_declaration() {
    for classes in [realistic_classes(), narrow_classes(), Vec::new()] {
        let programs = programs(&ctx(&classes), &returns(None), false);
        assert_eq!(programs.len(), 1);
        eprintln!(
            "{} classes: {} instructions",
            classes.len(),
            programs[0].len()
        );
    }
}

#[test]
fn any_number_of_classes_fits_the_kernel_limits() {
    for n in [82, 200] {
        let programs = programs(&ctx(&distinct_classes(n)), &returns(None), false);
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
fn the_program_does_not_grow_with_the_number_of_descriptors() {
    // One class holding 1, 10, 100 or 1000 descriptors: same program.
    let lengths: Vec<usize> = [1, 10, 100, 1000]
        .iter()
        .map(|n| {
            let classes = [class(4096 - n, 4095, &[Right::Read, Right::Fstat])];
            let programs = programs(&ctx(&classes), &returns(None), false);
            programs.iter().map(Vec::len).sum()
        })
        .collect();
    // A one-descriptor class compares for equality: shorter still.
    assert!(lengths[0] <= lengths[1], "{lengths:?}");
    assert!(lengths[1..].windows(2).all(|w| w[0] == w[1]), "{lengths:?}");
}

/// Why one system call costs the same with 1 or 1,000 limited
/// descriptors (the bench's `one 1-byte read with N limited descriptors`):
/// read(2) on them is answered before any argument is loaded, so the
/// kernel's action cache answers it without running the program, and a
/// call the program does run (fstat(2), lseek(2)) runs as many
/// instructions for the last descriptor of 10, 100 or 1,000 (a class is
/// one range, however many descriptors it holds), one fewer for a lone one
/// (compared for equality).
#[test]
fn a_call_costs_the_same_whatever_the_number_of_descriptors() {
    let r = returns(None);
    let steps: Vec<(usize, usize)> = [1u32, 10, 100, 1000]
        .iter()
        .map(|&n| {
            let mut limited = class(4096 - n, 4095, &[Right::Read]);
            limited.writes = false;
            let mut classes = stdio_classes();
            classes.push(limited);
            let prog = programs(&ctx(&classes), &r, false).pop().unwrap();
            assert_eq!(
                cached(&prog, libc::SYS_read as u32),
                Some(libc::SECCOMP_RET_ALLOW),
                "{n} descriptors"
            );
            let run = |nr: i64, fd: u32| {
                let word = |off| match off {
                    0 => Some(nr as u32),
                    4 => Some(AUDIT_ARCH_X86_64),
                    16 => Some(fd),
                    _ => Some(0),
                };
                super::emulate_counting(&prog, word)
            };
            let (fstat, fstat_steps) = run(libc::SYS_fstat, 4096 - n);
            assert_eq!(fstat, Some(r.rights), "{n} descriptors");
            let (lseek, lseek_steps) = run(libc::SYS_lseek, 4095);
            assert_eq!(lseek, Some(r.rights), "{n} descriptors");
            (fstat_steps, lseek_steps)
        })
        .collect();
    eprintln!("instructions run (fstat, lseek) for 1, 10, 100, 1000 descriptors: {steps:?}");
    assert!(steps[1..].windows(2).all(|w| w[0] == w[1]), "{steps:?}");
    assert!(
        steps[0].0 <= steps[1].0 && steps[0].1 <= steps[1].1,
        "{steps:?}"
    );
}

#[test]
fn adjacent_classes_lacking_a_right_share_one_range() {
    // fstat(2) on 1..=2 and 4090..=4095 (lacking fstat): two ranges, not four.
    let classes = [
        class(0, 0, &[Right::Fstat]),
        class(1, 1, &[Right::Read]),
        class(2, 2, &[Right::Write]),
        class(4090, 4095, &[Right::Write]),
    ];
    let mut arena = Arena::new();
    let calls = build::calls(&ctx(&classes), false, &mut arena);
    let fstat = calls
        .iter()
        .find(|c| c.nr == libc::SYS_fstat as u32)
        .unwrap();
    assert_eq!(fstat.rights.len(), 2, "{:?}", fstat.rights);
}
