//! The compiler's output pinned for representative declarations: a
//! change meant to make building faster must leave every instruction as
//! it was (the interpreter tests check the verdicts; this checks that the
//! programs themselves did not move). The fingerprints were recorded from
//! the compiler whose programs those tests had checked against the table.

use super::super::super::trace::explain::traced;
use super::super::*;
use super::{ctx, distinct_classes, realistic_classes, stdio_classes, MARK};
use crate::rights::{Limits, Right, RightSet};

/// A class of `lo..=hi` with `limits`, read or written by its mode.
fn stream(lo: u32, hi: u32, limits: Limits, reads: bool, writes: bool) -> FdClass {
    FdClass {
        lo,
        hi,
        limits,
        reads,
        writes,
        pool: false,
        served: false,
        inherited: false,
        copied: false,
        checked: crate::rights::RightSet::EMPTY,
    }
}

/// The classes of `whole_sandboxed` (tests/src/bin): stdio, one file
/// `[read]`.
pub(in super::super) fn whole_classes() -> Vec<FdClass> {
    let read = Limits {
        rights: RightSet::of(&[Right::Read]),
        ..Limits::default()
    };
    vec![
        stream(0, 0, Limits::STDIN, true, false),
        stream(1, 1, Limits::STDOUT, false, true),
        stream(2, 2, Limits::STDOUT, false, true),
        stream(4095, 4095, read, true, false),
    ]
}

/// The classes of the enforcement bench's entry with 10 preopens
/// (`bench_probe entry`): stdio, files `[read]` and one `[write]`.
pub(in super::super) fn ten_classes() -> Vec<FdClass> {
    let only = |r: Right| Limits {
        rights: RightSet::of(&[r]),
        ..Limits::default()
    };
    let mut classes = whole_classes();
    classes.pop();
    classes.extend([
        stream(4094, 4095, only(Right::Read), true, false),
        stream(4093, 4093, only(Right::Write), false, true),
        stream(4086, 4092, only(Right::Read), true, false),
    ]);
    classes
}

/// FNV-1a of every instruction of `programs`, in order.
fn fingerprint(programs: &[BpfProgram]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut mix = |x: u64| h = (h ^ x).wrapping_mul(0x0100_0000_01b3);
    for p in programs {
        mix(p.len() as u64);
        for i in p {
            mix(u64::from(i.code) | u64::from(i.jt) << 16 | u64::from(i.jf) << 24);
            mix(u64::from(i.k));
        }
    }
    h
}

#[test]
fn the_programs_stay_as_recorded() {
    let whole = whole_classes();
    let ten = ten_classes();
    let realistic = realistic_classes();
    let stdio = stdio_classes();
    let distinct = distinct_classes(12);
    let many = distinct_classes(400);
    let traced = traced(&realistic);
    let mut served = realistic.clone();
    served.push(FdClass {
        served: true,
        inherited: false,
        copied: false,
        checked: crate::rights::RightSet::EMPTY,
        pool: true,
        ..stream(3800, 3863, Limits::default(), true, true)
    });
    let broker = Grants {
        global_paths: true,
        inet: true,
        unix_connect: true,
        send_descriptors: true,
    };
    let enforcing = returns(None);
    let trapping = returns(Some(MARK));
    let cases: [(&str, Context, &Returns, bool); 12] = [
        ("whole", ctx(&whole), &enforcing, false),
        ("ten", ctx(&ten), &enforcing, false),
        ("whole traced", ctx(&whole), &trapping, false),
        ("stdio", ctx(&stdio), &enforcing, false),
        ("none", ctx(&[]), &enforcing, false),
        ("realistic", ctx(&realistic), &enforcing, false),
        (
            "realistic, no landlock",
            Context {
                lookups: false,
                signal_scope: false,
                ..ctx(&realistic)
            },
            &enforcing,
            false,
        ),
        ("served", ctx(&served), &enforcing, false),
        (
            "broker",
            Context {
                grants: broker,
                // As `confine::context` builds the broker's.
                notify: false,
                own_signals: false,
                ..ctx(&[])
            },
            &enforcing,
            false,
        ),
        ("distinct", ctx(&distinct), &enforcing, false),
        ("many: split", ctx(&many), &enforcing, false),
        ("dry-run", ctx(&traced), &trapping, true),
    ];
    let mut got = Vec::new();
    for (name, c, r, lookups) in cases {
        let p = programs(&c, r, lookups);
        let lens: Vec<usize> = p.iter().map(|p| p.len()).collect();
        eprintln!("{name}: {lens:?} {:#018x}", fingerprint(&p));
        got.push((name, fingerprint(&p)));
    }
    let want: [(&str, u64); 12] = RECORDED;
    assert_eq!(got, want);
}

/// Recorded from the compiler before the build was made faster, and again
/// when far jumps came to share their `JA` and every return in reach (the
/// interpreter tests checked the verdicts of both), and when
/// prctl(`PR_SET_PDEATHSIG`) came to take `SIGKILL` only (two
/// instructions more), and when madvise(2) came to refuse the
/// memory-failure injection advice and timers to refuse the alarm clocks,
/// and when renameat2(2) came to refuse `RENAME_WHITEOUT`, and when
/// fstatat(2) and statx(2) with `AT_EMPTY_PATH` and a path came to go to
/// the supervisor, and when the path forms of chmod, chown and utimes, the
/// changes of credentials, every lookup Landlock does not mediate (the stat
/// family, access, readlink, fstat, fstatfs) and `O_PATH` opens came to go
/// there too, and then every raw open, creation, removal, rename, link and
/// exec beneath a directory, and the signals to a process or thread id
/// (kill, tkill, tgkill, the sigqueueinfo calls), and when openat(2) came
/// to refuse access mode 3, and when priority, scheduling and CPU clocks
/// of any process came to be the kernel's to judge, and CPU affinity by id
/// came to go to the supervisor, and polls and selects there where a class
/// lacks `event`, and access mode 3 came to be refused there (EINVAL) and
/// by the filter only without it, and when umask(2) came to go there
/// (noted, then made by the caller), and when mprotect(2) adding
/// `PROT_EXEC` came to go there (judged against the mapping) and anonymous
/// memory to be mapped executable, and when fsetxattr(2) and
/// fremovexattr(2) came to go there wherever a descriptor may hold the
/// attribute's right without the ACL's (`judge::acl_unheld`), and when
/// fgetxattr(2) and flistxattr(2) came to go there where a descriptor may
/// hold the attribute's right without `acl_get`, and when mprotect(2)
/// adding `PROT_WRITE` came to go there where a class open for writing
/// holds `mmap` without `mmap_w` (`judge::writes_judged`), the filter
/// then letting a shared mapping be made without `mmap_w`, and when
/// sendmsg(2) and sendmmsg(2) came to go there wherever a supervisor is
/// (made by it on what it read once: `supervise/sent.rs`).
const RECORDED: [(&str, u64); 12] = [
    ("whole", 0x207e_33d5_2508_41d0),
    ("ten", 0x32c7_d8bc_5c1c_4973),
    ("whole traced", 0x141a_b677_a600_41d0),
    ("stdio", 0xba0e_b937_d3e0_ea7d),
    ("none", 0x7181_176a_834b_2fad),
    ("realistic", 0x3403_3ec1_05e0_02da),
    ("realistic, no landlock", 0xf1fc_12e1_3d60_bde8),
    ("served", 0x73cd_421f_da79_cd1f),
    ("broker", 0x1a4f_31ba_1838_5851),
    ("distinct", 0xae64_a91f_2bdc_f2e6),
    ("many: split", 0x4062_b300_cc2d_8fab),
    ("dry-run", 0xea12_cf80_50bc_6b43),
];

/// How long building the programs of `whole_sandboxed` and of the bench's
/// 10 preopens takes, warm (`cargo test --release -p sandboxed --lib
/// build_time -- --ignored --nocapture`; the entry's own figure is the
/// enforcement bench's `build` step).
#[test]
#[ignore = "prints timings; run in release"]
fn build_time() {
    let whole = whole_classes();
    let ten = ten_classes();
    let r = returns(None);
    for (name, classes) in [("whole", &whole), ("ten", &ten)] {
        let c = ctx(classes);
        let t = std::time::Instant::now();
        std::hint::black_box(programs(std::hint::black_box(&c), &r, false));
        let first = t.elapsed().as_secs_f64() * 1e6;
        eprintln!("{name}: first build {first:.1} us");
        let rounds = 20_000;
        let mut best = f64::MAX;
        for _ in 0..5 {
            let t = std::time::Instant::now();
            for _ in 0..rounds / 5 {
                std::hint::black_box(programs(std::hint::black_box(&c), &r, false));
            }
            best = best.min(t.elapsed().as_secs_f64() * 1e6 / f64::from(rounds / 5));
        }
        eprintln!("{name}: {best:.1} us per build");
    }
}

/// The rights outside every class, worked out from the compile-time
/// summary, are those of a walk over every need of the table.
#[test]
fn outside_rights_are_the_tables() {
    use super::super::super::judge::outside_rights;
    use super::super::super::rules::{Outside, Req};
    use super::super::super::syscalls::TABLE;
    let walk = |ctx: &Context| {
        let mut allowed = RightSet::of(Right::ALL);
        for need in TABLE.iter().flat_map(|row| row.needs()) {
            let Req::Right(r) = need.req else { continue };
            let denied = match need.outside {
                Outside::Free => false,
                Outside::Denied => true,
                Outside::Places(access) => ctx.places(access).any(|c| !c.limits.rights.allows(r)),
            };
            if denied {
                // What lacking `r` takes away: its bits no smaller right has.
                let below = Right::ALL
                    .iter()
                    .filter(|x| x.set() != r.set() && r.set().contains(x.set()))
                    .fold(RightSet::EMPTY, |s, x| s.union(x.set()));
                allowed = allowed.without(r.set().without(below));
            }
        }
        allowed
    };
    let realistic = realistic_classes();
    let mut lookups = Vec::new();
    for i in 0..Right::ALL.len() {
        let rights: Vec<Right> = Right::ALL
            .iter()
            .copied()
            .enumerate()
            .filter(|(k, _)| (k + i) % 3 != 0)
            .map(|(_, r)| r)
            .chain([Right::Lookup])
            .collect();
        lookups.push(super::class(10 + i as u32, 10 + i as u32, &rights));
    }
    for classes in [
        whole_classes(),
        realistic,
        lookups,
        distinct_classes(40),
        Vec::new(),
    ] {
        let c = ctx(&classes);
        assert_eq!(outside_rights(&c), walk(&c));
    }
}
