//! The programs' shape: the binary search answers as seccompiler's plain
//! chain, the ioctl allowlist, sizes within the kernel's limits and flat in
//! the number of descriptors.

use seccompiler::{BpfProgram, SeccompAction, SeccompFilter, TargetArch};

use super::super::bpf::{compile, Check, Rules, BPF_MAXINSNS};
use super::super::consts::*;
use super::super::*;
use super::{candidates, class, combinations, ctx, distinct_classes, realistic_classes, run};
use crate::backend::linux::syscalls::TABLE;
use crate::rights::Right;

/// The rules compiled by seccompiler alone, as before the binary search.
fn plain(rules: &Rules, mismatch: SeccompAction, matched: SeccompAction) -> BpfProgram {
    let map = rules
        .0
        .iter()
        .map(|(nr, clauses)| {
            let rules = clauses
                .iter()
                .flatten()
                .map(|c| seccompiler::SeccompRule::new(c.iter().map(Check::condition).collect()))
                .collect::<Result<_, _>>()
                .unwrap();
            (i64::from(*nr), rules)
        })
        .collect();
    compile(SeccompFilter::new(map, mismatch, matched, TargetArch::x86_64).unwrap()).unwrap()
}

#[test]
fn the_binary_search_answers_as_the_plain_chain() {
    let classes = distinct_classes(12);
    let c = ctx(&classes);
    let cases: [(Rules, SeccompAction, SeccompAction); 2] = [
        (
            build::rights(&c),
            SeccompAction::Allow,
            SeccompAction::Errno(RIGHTS_ERRNO as u32),
        ),
        (
            build::capability_mode(&c),
            SeccompAction::Errno(MODE_ERRNO as u32),
            SeccompAction::Allow,
        ),
    ];
    for (rules, mismatch, matched) in cases {
        let reference = plain(&rules, mismatch.clone(), matched.clone());
        let searched = rules.clone().compile(mismatch, matched).unwrap();
        assert!(searched.len() > reference.len(), "the search is in place");
        for row in TABLE {
            let per_arg: Vec<Vec<u64>> = (0..6).map(|a| candidates(row, a, &c)).collect();
            for args in combinations(&per_arg, 200) {
                for arch in [AUDIT_ARCH_X86_64, 0x4000_0003] {
                    assert_eq!(
                        run(&searched, row.nr, arch, &args),
                        run(&reference, row.nr, arch, &args),
                        "{} arch {arch:#x} args {args:?}",
                        row.name
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
    let prog = programs(&ctx(&[])).unwrap().pop().unwrap();
    let eperm = libc::SECCOMP_RET_ERRNO | MODE_ERRNO as u32;
    let ioctl = |cmd: u64| {
        run(
            &prog,
            libc::SYS_ioctl as u32,
            AUDIT_ARCH_X86_64,
            &[3, cmd, 0, 0, 0, 0],
        )
    };
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

#[test]
fn programs_fit_the_kernel_limit() {
    for program in programs(&ctx(&realistic_classes())).unwrap() {
        assert!(
            program.len() <= BPF_MAXINSNS,
            "{} instructions",
            program.len()
        );
    }
}

#[test]
fn any_number_of_classes_fits_the_kernel_limits() {
    for n in [82, 200] {
        let programs = programs(&ctx(&distinct_classes(n))).unwrap();
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
            programs(&ctx(&classes)).unwrap().iter().map(Vec::len).sum()
        })
        .collect();
    // A one-descriptor class compares for equality: shorter still.
    assert!(lengths[0] <= lengths[1], "{lengths:?}");
    assert!(lengths[1..].windows(2).all(|w| w[0] == w[1]), "{lengths:?}");
}

#[test]
fn the_arch_check_answers_eperm_instead_of_killing() {
    for program in programs(&ctx(&[])).unwrap() {
        assert_eq!(program[2].k, libc::SECCOMP_RET_ERRNO | libc::EPERM as u32);
    }
}

#[test]
fn the_rights_program_is_there_when_nothing_is_limited() {
    // It still denies executable mappings and inode changes through
    // descriptors opened after entry.
    assert_eq!(programs(&ctx(&[])).unwrap().len(), 3);
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
    let rules = build::rights(&ctx(&classes));
    let fstat = rules.0[&(libc::SYS_fstat as u32)].clone().unwrap();
    assert_eq!(fstat.len(), 2, "{fstat:?}");
}
