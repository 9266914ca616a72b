//! The cases, generated as data: operation × rights held or not ×
//! descriptor kind, each naming the capsicum-test file and TEST it derives
//! from. Capsicum's answer comes from the operation's needs
//! ([`super::model`]) and the profile's rights, never from the backend.

use super::model::{self, Capsicum, Held, Need, Spelling};
use super::ops::Spec;
use super::profiles::{profile, PROFILES};
use super::run::Stdin;
use crate::harness::Expect;

/// One case.
#[derive(Clone, Debug)]
pub struct Case {
    /// The group (`fileops`, `dirops`, `inherit`, `walk`, ...).
    pub family: &'static str,
    /// Unique within the family.
    pub name: String,
    /// The capsicum-test file and TEST (or the man page) it derives from.
    pub source: &'static str,
    /// The profile the probe enters with.
    pub profile: &'static str,
    /// The operation.
    pub spec: Spec,
    /// What the runner hands in as standard input.
    pub stdin: Stdin,
    /// Capsicum's answer.
    pub answer: Capsicum,
    /// Whether the rights the operation needs are held.
    pub held: bool,
    /// The Linux expectation.
    pub expect: Expect,
    /// The "Linux vs Capsicum" row that documents a different Linux
    /// answer.
    pub documented: Option<&'static str>,
}

impl Case {
    /// `conformance::FAMILY::NAME`.
    pub fn full_name(&self) -> String {
        format!("conformance::{}::{}", self.family, self.name)
    }
}

const R: &[&str] = &["read"];

/// A builder for the cases of one family.
struct Gen {
    family: &'static str,
    source: &'static str,
    out: Vec<Case>,
}

/// One operation and what it needs.
#[derive(Clone, Copy)]
struct Op {
    op: &'static str,
    arg: &'static str,
    /// On the descriptor it acts on (the target), and on the second one.
    need: Capsicum,
    spelling: Spelling,
    /// A held operation may fail for a reason of its own (sockets).
    may_fail: bool,
}

const fn op(op: &'static str, arg: &'static str, rights: &'static [&'static str]) -> Op {
    Op {
        op,
        arg,
        need: Capsicum::Needs(Need::of(rights), None),
        spelling: Spelling::Plain,
        may_fail: false,
    }
}

const fn op2(
    op: &'static str,
    arg: &'static str,
    rights: &'static [&'static str],
    rights2: &'static [&'static str],
) -> Op {
    Op {
        op,
        arg,
        need: Capsicum::Needs(Need::of(rights), Some(Need::of(rights2))),
        spelling: Spelling::Plain,
        may_fail: false,
    }
}

const fn fcntl_op(
    arg: &'static str,
    rights: &'static [&'static str],
    sub: Option<&'static str>,
) -> Op {
    Op {
        op: "fcntl",
        arg,
        need: Capsicum::Needs(
            Need {
                rights,
                fcntl: sub,
                ioctl: None,
            },
            None,
        ),
        spelling: Spelling::Plain,
        may_fail: false,
    }
}

const fn ioctl_op(arg: &'static str) -> Op {
    Op {
        op: "ioctl",
        arg,
        need: Capsicum::Needs(
            Need {
                rights: &["ioctl"],
                fcntl: None,
                ioctl: Some(arg),
            },
            None,
        ),
        spelling: Spelling::Plain,
        may_fail: false,
    }
}

impl Op {
    const fn spelled(mut self, s: Spelling) -> Op {
        self.spelling = s;
        self
    }
    const fn may_fail(mut self) -> Op {
        self.may_fail = true;
        self
    }
    const fn answer(mut self, a: Capsicum) -> Op {
        self.need = a;
        self
    }
}

/// Where an operation acts.
#[derive(Clone, Copy, Default)]
struct At {
    target: &'static str,
    target2: &'static str,
    via: &'static str,
    stdin: Stdin,
}

impl Gen {
    fn new(family: &'static str, source: &'static str) -> Gen {
        Gen {
            family,
            source,
            out: Vec::new(),
        }
    }

    fn from(&mut self, source: &'static str) -> &mut Gen {
        self.source = source;
        self
    }

    fn add(&mut self, profile_name: &'static str, at: At, o: Op) {
        let p = profile(profile_name).unwrap_or_else(|| panic!("no profile {profile_name}"));
        let held = p.rights_of(at.target).map(Held::parse);
        let held2 = (!at.target2.is_empty())
            .then(|| p.rights_of(at.target2).map(Held::parse))
            .flatten();
        // The second descriptor's needs fall on the target when there is
        // no second role (a link or rename within one directory).
        let (answer, h2) = match o.need {
            Capsicum::Needs(n, Some(n2)) if at.target2.is_empty() => {
                let both: &'static [&'static str] =
                    Box::leak([n.rights, n2.rights].concat().into_boxed_slice());
                (Capsicum::Needs(Need::of(both), None), None)
            }
            other => (other, held2.as_ref()),
        };
        let is_held = match answer {
            Capsicum::Needs(n, n2) => {
                held.as_ref().is_some_and(|h| h.has(&n))
                    && n2.is_none_or(|n2| h2.is_some_and(|h| h.has(&n2)))
            }
            _ => true,
        };
        let expect = model::expect(answer, held.as_ref(), h2, o.spelling, o.may_fail);
        let mut name = format!("{profile_name}::{}", o.op);
        if !o.arg.is_empty() {
            name.push_str(&format!("({})", o.arg));
        }
        if !at.via.is_empty() {
            name.push_str(&format!("@{}", at.via));
        }
        if at.target != "f" && at.target != "d" && at.target != "cap" && !at.target.is_empty() {
            name.push_str(&format!(
                "[{}{}]",
                at.target,
                if at.target2.is_empty() {
                    String::new()
                } else {
                    format!(",{}", at.target2)
                }
            ));
        }
        if at.stdin != Stdin::Null {
            name.push_str(&format!("<{:?}>", at.stdin).to_lowercase());
        }
        self.out.push(Case {
            family: self.family,
            name,
            source: self.source,
            profile: profile_name,
            spec: Spec {
                op: o.op.into(),
                target: at.target.into(),
                target2: at.target2.into(),
                via: at.via.into(),
                arg: o.arg.into(),
            },
            stdin: at.stdin,
            answer,
            held: is_held,
            expect,
            documented: None,
        });
    }
}

fn on(target: &'static str) -> At {
    At {
        target,
        ..At::default()
    }
}

// ---- capability-fd.cc TEST(Capability, Operations): TryFileOps ----------

/// TryFileOps' operations on a file opened `O_RDWR`, with the rights each
/// needs (`CHECK_RIGHT_RESULT`, `CHECK_RIGHT_MMAP_RESULT`), plus the
/// single-descriptor calls of linux.cc, ioctl.cc and fcntl.cc.
const FILE_OPS: &[Op] = &[
    op("read", "", R).spelled(Spelling::AccessMode),
    op("pread", "", &["pread"]).spelled(Spelling::AccessMode),
    op("write", "", &["write"]).spelled(Spelling::AccessMode),
    op("pwrite", "", &["pwrite"]).spelled(Spelling::AccessMode),
    op("lseek", "", &["seek"]),
    // rights(4): CAP_SEEK_TELL for lseek(fd, 0, SEEK_CUR).
    op("lseek_tell", "", &["seek_tell"]),
    op("mmap", "none", &["mmap"]),
    op("mmap", "r", &["mmap_r"]),
    op("mmap", "w", &["mmap_w"]),
    op("mmap", "x", &["mmap_x"]),
    op("mmap", "rw", &["mmap_rw"]),
    op("mmap", "rx", &["mmap_rx"]),
    op("mmap", "wx", &["mmap_wx"]),
    op("mmap", "rwx", &["mmap_rwx"]),
    // A private read-only mapping made executable with mprotect(2):
    // within the maximum protection the rights fix when it is made
    // (sys/vm/vm_mmap.c `kern_mmap`: `CAP_MMAP_X` for `VM_PROT_EXECUTE`).
    op("mprotect", "x", &["mmap_r", "mmap_x"]),
    // A shared read-only mapping made writable with mprotect(2): within
    // the maximum protection likewise (sys/vm/vm_mmap.c `kern_mmap`:
    // `CAP_MMAP_W` for a shared mapping's `VM_PROT_WRITE`).
    op("mprotect", "w", &["mmap_r", "mmap_w"]),
    // The same through a copy (dup(2), which keeps the rights, rights(4)):
    // on Linux the supervisor puts it into a pool, whose access mode the
    // filter does not trust.
    op("dup_mprotect", "w", &["mmap_r", "mmap_w"]),
    op("fsync", "", &["fsync"]),
    op("sync_file_range", "", &["fsync", "seek"]),
    fcntl_op("getfl", &["fcntl"], Some("getfl")),
    fcntl_op("setfl", &["fcntl"], Some("setfl")),
    fcntl_op("getown", &["fcntl"], Some("getown")),
    fcntl_op("setown", &["fcntl"], Some("setown")),
    op("fchown", "", &["fchown"]),
    op("fchmod", "", &["fchmod"]),
    op("flock", "sh", &["flock"]),
    op("flock", "un", &["flock"]),
    op("ftruncate", "", &["ftruncate"]),
    op("fstat", "", &["fstat"]),
    op("fstatfs", "", &["fstatfs"]),
    op("fpathconf", "", &["fpathconf"]),
    op("futimes", "", &["futimes"]),
    op("poll", "", &["event"]).spelled(Spelling::PollNval),
    op("select", "", &["event"]),
    // linux.cc TEST(Linux, fstatat): AT_EMPTY_PATH needs CAP_FSTAT.
    op("fstatat_empty", "", &["fstat"]),
    // ioctl.cc TEST(Ioctl, Basic) and TEST(Ioctl, SubRights).
    ioctl_op("fionread"),
    ioctl_op("fioclex"),
];

fn fileops() -> Vec<Case> {
    let mut g = Gen::new("fileops", "capability-fd.cc TEST(Capability, Operations)");
    for p in PROFILES.iter().filter(|p| p.name.starts_with("fo_")) {
        for o in FILE_OPS {
            g.add(p.name, on("f"), *o);
        }
    }
    // ioctl.cc TEST(Ioctl, Basic): with CAP_IOCTL and no list, every
    // command works (cap_ioctls_get: CAP_IOCTLS_ALL); here a command off
    // the fixed allowlist.
    g.from("ioctl.cc TEST(Ioctl, Basic)");
    g.add("fo_ioctl", on("f"), ioctl_op("figetbsz"));
    // fsetown (sys/kern/kern_descrip.c): any process group of the
    // caller's session, its own included, once the right is held; Linux
    // refuses a group before it looks at the right (row 2 (a)).
    g.from("fcntl.cc TEST(Fcntl, OWNSubRights)");
    for p in ["fo_fcntl", "fo_fcntls_setown", "fo_read"] {
        g.add(
            p,
            on("f"),
            fcntl_op("setown_group", &["fcntl"], Some("setown")),
        );
    }
    g.out
}

// ---- capability-fd.cc TEST(Capability, CapNew): "dup/dup2 should preserve
// rights" --------------------------------------------------------------------

/// TryFileOps' calls named in `ops`, with `fcntl(F_GETFL)` and a shared
/// read-only mapping.
fn tried(ops: &'static [&'static str]) -> impl Iterator<Item = &'static Op> {
    FILE_OPS.iter().filter(move |o| {
        ops.contains(&o.op)
            || (o.op == "fcntl" && o.arg == "getfl")
            || (o.op == "mmap" && o.arg == "r")
    })
}

/// Profiles of one file: rights that need an open file, and rights that
/// need none (the descriptor narrowed to `O_PATH`, whose copy is a new
/// open file description: `supervise/copied.rs`).
const COPIED_PROFILES: &[&str] = &[
    "fo_none",
    "fo_fstat",
    "fo_fstatfs",
    "fo_read",
    "fo_write",
    "fo_read_write",
    "fo_seek",
    "fo_mmap_r",
    "fo_ftruncate_mmap_r",
    "fo_fchmod",
    "fo_ftruncate",
    "fo_flock",
    "fo_fsync",
    "fo_fcntl",
    "fo_read_fstat",
    "fo_read_seek_fstat",
    "fo_read_write_seek_fstat_fsync",
    "fo_read_write_flock_fcntl",
];

/// A copy (dup(2), fcntl(2) `F_DUPFD_CLOEXEC`) of a limited file holds
/// its rights, no more, no fewer: TryFileOps' calls through it answer as
/// through the original.
fn copies() -> Vec<Case> {
    let mut g = Gen::new("copies", "capability-fd.cc TEST(Capability, CapNew)");
    for p in COPIED_PROFILES {
        for via in ["dup", "dupfd"] {
            for o in tried(&[
                "read",
                "write",
                "lseek",
                "fstat",
                "fchmod",
                "flock",
                "fsync",
                "fstatfs",
                "ftruncate",
            ]) {
                g.add(
                    p,
                    At {
                        target: "f",
                        via,
                        ..At::default()
                    },
                    *o,
                );
            }
        }
    }
    // A copy of a directory narrowed to `O_PATH`: every `*at` operation
    // through it answers as through the original.
    for via in ["dup", "dupfd"] {
        for o in AT_OPS {
            g.add(
                "cp_path",
                At {
                    target: "d",
                    via,
                    ..At::default()
                },
                *o,
            );
        }
    }
    // "dup/dup2 should preserve rights": a copy onto a number of the
    // program's choosing (dup2(2), dup3(2)), which the Linux backend
    // refuses (rights live with numbers: the Linux table, row 5 (a)).
    for o in [op("dup2", "", &[]), op("dup3", "", &[])] {
        g.add("fo_read_write", on("f"), o);
    }
    // capability-fd.cc TEST(Capability, SocketTransfer): a limited
    // descriptor passed over a Unix socket (SCM_RIGHTS) arrives with its
    // rights; the Linux backend refuses to pass it (its copy would be
    // limited by no number, row 5 (a)).
    g.from("capability-fd.cc TEST(Capability, SocketTransfer)");
    g.add("fo_read_seek_fstat", on("f"), op("scm_rights", "", &[]));
    g.out
}

// ---- capability-fd.cc TEST(Capability, DirOperations): TryDirOps --------

const LOOKUP: &str = "lookup";

/// TryDirOps' operations through `cap` (with `full`, the same directory
/// unlimited, as the other end of links and renames).
const DIR_OPS: &[(&str, Op)] = &[
    (
        "",
        op(
            "openat",
            "cap_create:creat+rdonly",
            &["create", "read", LOOKUP],
        ),
    ),
    (
        "",
        op(
            "openat",
            "cap_create:creat+wronly+append",
            &["create", "write", LOOKUP],
        ),
    ),
    (
        "",
        op(
            "openat",
            "cap_create:creat+rdwr+append",
            &["create", "read", "write", LOOKUP],
        ),
    ),
    ("", op("faccessat", "cap_faccess", &["fstat", LOOKUP])),
    (
        "",
        op(
            "openat",
            "cap_fsync:sync+rdonly",
            &["fsync", "read", LOOKUP],
        ),
    ),
    (
        "",
        op(
            "openat",
            "cap_fsync:sync+wronly+append",
            &["fsync", "write", LOOKUP],
        ),
    ),
    (
        "",
        op(
            "openat",
            "cap_fsync:sync+rdwr+append",
            &["fsync", "read", "write", LOOKUP],
        ),
    ),
    (
        "",
        op(
            "openat",
            "cap_ftruncate:trunc+rdonly",
            &["ftruncate", "read", LOOKUP],
        ),
    ),
    (
        "",
        op(
            "openat",
            "cap_ftruncate:trunc+wronly",
            &["ftruncate", "write", LOOKUP],
        ),
    ),
    (
        "",
        op(
            "openat",
            "cap_ftruncate:trunc+rdwr",
            &["ftruncate", "read", "write", LOOKUP],
        ),
    ),
    (
        "",
        op(
            "openat",
            "cap_create:creat+wronly",
            &["create", "write", "seek", LOOKUP],
        ),
    ),
    (
        "",
        op(
            "openat",
            "cap_create:creat+rdwr",
            &["create", "read", "write", "seek", LOOKUP],
        ),
    ),
    (
        "",
        op(
            "openat",
            "cap_fsync:sync+wronly",
            &["fsync", "write", "seek", LOOKUP],
        ),
    ),
    (
        "",
        op(
            "openat",
            "cap_fsync:sync+rdwr",
            &["fsync", "read", "write", "seek", LOOKUP],
        ),
    ),
    ("", op("fchownat", "cap_fchownat", &["fchown", LOOKUP])),
    ("", op("fchmodat", "cap_fchmodat", &["fchmod", LOOKUP])),
    ("", op("fstatat", "cap_fstatat", &["fstat", LOOKUP])),
    ("", op("futimesat", "cap_futimesat", &["futimes", LOOKUP])),
    (
        "target",
        op2(
            "linkat",
            "cap_linkat_src:cap_linkat_dst",
            &[],
            &["linkat_target"],
        )
        .spelled(Spelling::Refer),
    ),
    (
        "source",
        op2(
            "linkat",
            "cap_linkat_src:cap_linkat_dst",
            &["linkat_source"],
            &[],
        )
        .spelled(Spelling::Refer),
    ),
    ("", op("mkdirat", "cap_mkdirat", &["mkdirat"])),
    ("", op("mkfifoat", "cap_mkfifoat", &["mkfifoat"])),
    ("", op("mknodat", "cap_mknodat:chr", &["mknodat"])),
    (
        "target",
        op2(
            "renameat",
            "cap_renameat_src:cap_renameat_dst",
            &[],
            &["renameat_target"],
        )
        .spelled(Spelling::Refer),
    ),
    (
        "source",
        op2(
            "renameat",
            "cap_renameat_src:cap_renameat_dst",
            &["renameat_source"],
            &[],
        )
        .spelled(Spelling::Refer),
    ),
    ("", op("symlinkat", "test:cap_symlinkat", &["symlinkat"])),
    ("", op("unlinkat", "cap_unlinkat", &["unlinkat"])),
    ("", op("unlinkat", "cap_unlinkat_dir:dir", &["unlinkat"])),
    // sys/kern/vfs_syscalls.c: readlinkat needs CAP_LOOKUP alone; an
    // O_PATH open only looks up; O_RDONLY needs CAP_READ
    // (flags_to_rights).
    ("", op("readlinkat", "symlink.samedir", &[LOOKUP])),
    ("", op("openat", "topfile:path", &[LOOKUP])),
    ("", op("openat", "topfile:rdonly", &["read", LOOKUP])),
];

fn dirops() -> Vec<Case> {
    let mut g = Gen::new("dirops", "capability-fd.cc TEST(Capability, DirOperations)");
    for p in PROFILES.iter().filter(|p| p.name.starts_with("do_")) {
        for (end, o) in DIR_OPS {
            let at = match *end {
                // linkat/renameat(dirfd, src, dfd_cap, dst).
                "target" => At {
                    target: "full",
                    target2: "cap",
                    ..At::default()
                },
                // linkat/renameat(dfd_cap, src, dirfd, dst).
                "source" => At {
                    target: "cap",
                    target2: "full",
                    ..At::default()
                },
                _ => on("cap"),
            };
            g.add(p.name, at, *o);
        }
    }
    g.out
}

// ---- inheritance beneath directories ------------------------------------

/// Every `*at` operation, through one directory: the preopen itself or a
/// descriptor derived from it after entry, which Capsicum gives the same
/// rights (capability-fd.cc TEST(Capability, Inheritance); openat(2)).
const AT_OPS: &[Op] = &[
    op("openat_read", "cap_faccess", &["read", LOOKUP]),
    op("openat", "cap_faccess:path", &[LOOKUP]),
    op(
        "openat",
        "cap_create:creat+rdwr",
        &["create", "read", "write", "seek", LOOKUP],
    ),
    op(
        "openat",
        "cap_create:creat+wronly+append",
        &["create", "write", LOOKUP],
    ),
    op(
        "openat",
        "cap_ftruncate:trunc+wronly",
        &["ftruncate", "write", LOOKUP],
    ),
    op("openat", "cap_faccess:wronly+append", &["write", LOOKUP]),
    op("mkdirat", "cap_mkdirat", &["mkdirat"]),
    op("mkfifoat", "cap_mkfifoat", &["mkfifoat"]),
    // capability-fd.cc TEST(Capability, SyscallAt): a regular file made
    // with mknodat needs CAP_CREATE, a socket CAP_BIND, a FIFO
    // CAP_MKFIFOAT (Linux Capsicum; FreeBSD's kern_mknodat sends FIFOs to
    // mkfifoat).
    op("mknodat", "cap_node:reg", &["create", LOOKUP]),
    op("mknodat", "cap_node:sock", &["bind", LOOKUP]),
    op("mknodat", "cap_node:fifo", &["mkfifoat"]),
    op("symlinkat", "test:cap_symlinkat", &["symlinkat"]),
    op("unlinkat", "cap_unlinkat", &["unlinkat"]),
    op("unlinkat", "cap_unlinkat_dir:dir", &["unlinkat"]),
    op2(
        "linkat",
        "cap_linkat_src:cap_linkat_dst",
        &["linkat_source"],
        &["linkat_target"],
    )
    .spelled(Spelling::Refer),
    op2(
        "renameat",
        "cap_renameat_src:cap_renameat_dst",
        &["renameat_source"],
        &["renameat_target"],
    )
    .spelled(Spelling::Refer),
    op("fstatat", "cap_fstatat", &["fstat", LOOKUP]),
    op("faccessat", "cap_faccess", &["fstat", LOOKUP]),
    op("readlinkat", "symlink.samedir", &[LOOKUP]),
    op("fchmodat", "cap_fchmodat", &["fchmod", LOOKUP]),
    op("fchownat", "cap_fchownat", &["fchown", LOOKUP]),
    op("futimesat", "cap_futimesat", &["futimes", LOOKUP]),
];

/// The kinds of descriptor an operation can act through: the preopen
/// itself, and directories opened beneath it after entry.
const VIAS: &[&str] = &["", "sub", "sub_path", "dot"];

fn inherit() -> Vec<Case> {
    let mut g = Gen::new("inherit", "capability-fd.cc TEST(Capability, Inheritance)");
    for p in PROFILES
        .iter()
        .filter(|p| p.name.starts_with("in_") && p.name != "in_devices")
    {
        for via in VIAS {
            for o in AT_OPS {
                g.add(
                    p.name,
                    At {
                        target: "d",
                        via,
                        ..At::default()
                    },
                    *o,
                );
            }
        }
    }
    // A file opened beneath a directory carries the directory's rights:
    // TryFileOps' calls on it (capability-fd.cc TEST(Capability,
    // Inheritance); openat.cc TEST(Openat, Relative)).
    g.from("capability-fd.cc TEST(Capability, Inheritance)");
    for name in ["in_read", "in_fstat", "in_fchmod", "in_write"] {
        for o in tried(&[
            "read",
            "lseek",
            "fstat",
            "fchmod",
            "fchown",
            "futimes",
            "flock",
            "fsync",
            "fstatfs",
            "ftruncate",
        ]) {
            g.add(
                name,
                At {
                    target: "d",
                    via: "file:cap_faccess",
                    ..At::default()
                },
                *o,
            );
        }
    }
    // The same where another directory lacks the rights Landlock does not
    // mediate: ioctl(2) (any command, the inode-flag setter too), fchmod,
    // fchown, futimes through a file opened beneath each.
    const IOCTLS: [Op; 2] = [ioctl_op("fionread"), ioctl_op("setflags")];
    for target in ["d", "o"] {
        for o in AT_OPS {
            g.add(
                "ix_make",
                At {
                    target,
                    via: "sub",
                    ..At::default()
                },
                *o,
            );
            g.add(
                "ix_two",
                At {
                    target,
                    via: "sub",
                    ..At::default()
                },
                *o,
            );
        }
        for o in IOCTLS
            .iter()
            .chain(tried(&["fchmod", "fchown", "futimes", "fstat"]))
        {
            g.add(
                "ix_two",
                At {
                    target,
                    via: "file:cap_faccess",
                    ..At::default()
                },
                *o,
            );
        }
    }
    g.out
}

// ---- capability-fd.cc TEST(Capability, SyscallAt / SyscallAtIfRoot) ----

fn syscallat() -> Vec<Case> {
    let mut g = Gen::new("syscallat", "capability-fd.cc TEST(Capability, SyscallAt)");
    let ops = [
        op("mkdirat", "cap_subdir", &["mkdirat"]),
        op("unlinkat", "cap_unlinkat_dir:dir", &["unlinkat"]),
        op("mkfifoat", "cap_fifo", &["mkfifoat"]),
        op("mknodat", "cap_regular:reg", &["create", LOOKUP]),
        op("mknodat", "cap_socket:sock", &["bind", LOOKUP]),
        op("mknodat", "cap_fifo:fifo", &["mkfifoat"]),
    ];
    for p in [
        "at_all",
        "at_no_unlink",
        "at_no_mkdir",
        "at_no_mkfifo",
        "in_create",
        "in_bind",
    ] {
        for o in ops {
            g.add(p, on("d"), o);
        }
    }
    g.from("capability-fd.cc TEST(Capability, SyscallAtIfRoot)");
    for p in [
        "at_all",
        "at_no_mkfifo",
        "in_mknodat",
        "in_read",
        "in_devices",
    ] {
        g.add(p, on("d"), op("mknodat", "cap_device:chr", &["mknodat"]));
        g.add(p, on("d"), op("mknodat", "cap_block:blk", &["mknodat"]));
    }
    // A device node made after entry gives no device (FreeBSD serves
    // devices from devfs alone; CAPSICUM.md "Device nodes").
    g.from("capability-fd.cc TEST(Capability, SyscallAtIfRoot); FreeBSD devfs");
    for p in ["at_all", "in_mknodat", "in_devices"] {
        g.add(
            p,
            on("d"),
            op("mknodat_open", "cap_zero", &[]).answer(Capsicum::NoDevice),
        );
    }
    g.out
}

// ---- openat.cc: the walk beneath a directory --------------------------

/// Whether a lookup of `path` that does not follow its final symlink is
/// strictly relative: `ok` of [`POLICING`] when the last component is not
/// one of the world's symlinks.
fn nofollow_ok(path: &str, ok: bool) -> bool {
    let last_is_link = path.starts_with("symlink.") && !path.contains('/');
    ok || last_is_link
}

/// openat.cc `CheckPolicing`: (role, path, strictly relative?). A final
/// symlink is not followed by `m_stat` (fstatat with
/// `AT_SYMLINK_NOFOLLOW`), so only the walk to it counts there
/// ([`nofollow_ok`]).
const POLICING: &[(&str, &str, bool)] = &[
    ("top", "topfile", true),
    ("top", "subdir/bottomfile", true),
    ("sub", "bottomfile", true),
    ("sub", ".", true),
    ("sub", "../topfile", false),
    ("sub", "../subdir/bottomfile", false),
    ("sub", "..", false),
    ("top", "subdir/../topfile", true),
    ("top", "subdir/../../etc/passwd", false),
    ("top", "symlink.samedir", true),
    ("top", "symlink.down", true),
    ("top", "symlink.absolute_in", false),
    ("top", "symlink.absolute_out", false),
    ("top", "symlink.relative_in", false),
    ("top", "symlink.relative_out", false),
    ("sub", "symlink.up", false),
    ("top", "dsymlink.samedir/topfile", true),
    ("top", "dsymlink.down/bottomfile", true),
    ("top", "dsymlink.absolute_in/topfile", false),
    ("top", "dsymlink.absolute_out/passwd", false),
    ("top", "dsymlink.relative_in/topfile", false),
    ("top", "dsymlink.relative_out/passwd", false),
    ("sub", "dsymlink.up/topfile", false),
];

fn walk() -> Vec<Case> {
    let mut g = Gen::new("walk", "openat.cc TEST_F(OpenatTest, InCapabilityMode)");
    let answer = |ok: bool| {
        if ok {
            Capsicum::Allowed
        } else {
            Capsicum::Traversal
        }
    };
    for profile in ["wk_top_sub", "wk_top_sub_etc"] {
        for &(role, path, ok) in POLICING {
            let arg: &'static str = Box::leak(format!("{path}:rdonly").into_boxed_str());
            g.add(profile, on(role), op("openat", arg, &[]).answer(answer(ok)));
        }
        // O_NOFOLLOW on a final symlink: ELOOP.
        for path in ["symlink.samedir", "symlink.down"] {
            let arg: &'static str = Box::leak(format!("{path}:rdonly+nofollow").into_boxed_str());
            g.add(
                profile,
                on("top"),
                op("openat", arg, &[]).answer(Capsicum::Ordinary(libc::ELOOP)),
            );
        }
        // AT_FDCWD is banned in capability mode; absolute paths are not
        // strictly relative.
        for path in ["topfile", "subdir/bottomfile"] {
            let arg: &'static str = Box::leak(format!("{path}:rdonly").into_boxed_str());
            g.add(
                profile,
                on("cwd"),
                op("openat", arg, &[]).answer(Capsicum::CapMode),
            );
        }
        for (role, path) in [
            ("top", "etc/passwd"),
            ("sub", "etc/passwd"),
            ("top", "top/topfile"),
            ("sub", "top/subdir/bottomfile"),
        ] {
            g.add(
                profile,
                on(role),
                op("openat_abs", path, &[]).answer(Capsicum::Traversal),
            );
        }
        // The other lookups walk the same way (sys/kern/vfs_syscalls.c:
        // every *at call resolves with namei beneath its descriptor).
        for (role, path) in [
            ("sub", "../topfile"),
            ("top", "symlink.absolute_in"),
            ("top", "subdir/../../etc/passwd"),
            ("top", "symlink.relative_out"),
        ] {
            for name in ["fstatat", "faccessat"] {
                g.add(
                    profile,
                    on(role),
                    op(name, path, &[]).answer(Capsicum::Traversal),
                );
            }
        }
        g.add(
            profile,
            on("sub"),
            op("readlinkat", "../symlink.samedir", &[]).answer(Capsicum::Traversal),
        );
        g.add(
            profile,
            on("sub"),
            op("openat", "..:path", &[]).answer(Capsicum::Traversal),
        );
    }
    // The same walk through Dir methods.
    g.from("openat.cc TEST_F(OpenatTest, InCapabilityMode), through Dir methods");
    for profile in ["wm_top_sub", "wm_top_sub_etc"] {
        for &(role, path, ok) in POLICING {
            let arg: &'static str = Box::leak(path.to_string().into_boxed_str());
            let name = if path == "." || path == ".." {
                "m_open_dir"
            } else {
                "m_open"
            };
            g.add(profile, on(role), op(name, arg, &[]).answer(answer(ok)));
            g.add(
                profile,
                on(role),
                op("m_stat", arg, &[]).answer(answer(nofollow_ok(path, ok))),
            );
        }
        g.add(
            profile,
            on("sub"),
            op("m_readlink", "../symlink.samedir", &[]).answer(Capsicum::Traversal),
        );
        for path in ["/etc/passwd", "/"] {
            g.add(
                profile,
                on("top"),
                op("m_open", path, &[]).answer(Capsicum::Traversal),
            );
        }
    }
    // capability-fd.cc TEST(Capability, OpenAtDirectoryTraversal).
    g.from("capability-fd.cc TEST(Capability, OpenAtDirectoryTraversal)");
    for arg in ["../etc/passwd:rdonly", "..:rdonly"] {
        g.add(
            "wk_top_sub",
            on("top"),
            op("openat", arg, &[]).answer(Capsicum::Traversal),
        );
    }
    // The changing calls walk too (rename.cc; a renameat of an absolute
    // path onto itself).
    g.from("rename.cc TEST(RenameAt, AbsDesignationSame), in capability mode");
    g.add(
        "wk_write",
        At {
            target: "top",
            target2: "top",
            ..At::default()
        },
        op("renameat", "@top/topfile:@top/topfile", &[])
            .answer(Capsicum::Traversal)
            .spelled(Spelling::Refer),
    );
    g.from("openat.cc TEST_F(OpenatTest, InCapabilityMode), changing calls");
    let changing = [
        op("mkdirat", "../newdir", &[]),
        op("unlinkat", "../topfile", &[]),
        op("symlinkat", "x:../newlink", &[]),
        op("openat", "../newfile:creat+wronly", &[]),
        op("mkfifoat", "../newfifo", &[]),
    ];
    for o in changing {
        g.add("wk_write", on("sub"), o.answer(Capsicum::Traversal));
    }
    for o in [
        op("renameat", "../topfile:moved", &[]),
        op("linkat", "../topfile:hard", &[]),
    ] {
        g.add(
            "wk_write",
            At {
                target: "sub",
                target2: "sub",
                ..At::default()
            },
            o.answer(Capsicum::Traversal).spelled(Spelling::Refer),
        );
    }
    // openat.cc TEST(Openat, Relative) (etc_cap_ro, etc_cap_base).
    g.from("openat.cc TEST(Openat, Relative)");
    for p in ["rel_rl", "rel_base"] {
        g.add(
            p,
            on("etc"),
            op("openat", "passwd:rdonly", &["read", LOOKUP]),
        );
        g.add(
            p,
            on("etc"),
            op("openat", "../etc/passwd:rdonly", &[]).answer(Capsicum::Traversal),
        );
        g.add(
            p,
            on("etc"),
            op("openat_abs", "etc/passwd", &[]).answer(Capsicum::Traversal),
        );
        // capability-fd.cc TEST(Capability, Inheritance): O_WRONLY|O_APPEND
        // beneath a directory without CAP_WRITE.
        g.add(
            p,
            on("etc"),
            op("openat", "passwd:wronly+append", &["write", LOOKUP]),
        );
    }
    // A file opened relative to a capability is itself one: its rights are
    // within the directory's (EXPECT_RIGHTS_IN), fcntls and ioctls too.
    for o in [
        fcntl_op("getfl", &["fcntl"], Some("getfl")),
        fcntl_op("setfl", &["fcntl"], Some("setfl")),
        ioctl_op("fionread"),
        ioctl_op("fioclex"),
        op("fstat", "", &["fstat"]),
        op("lseek", "", &["seek"]),
    ] {
        g.add(
            "rel_base",
            At {
                target: "etc",
                via: "file:passwd",
                ..At::default()
            },
            o,
        );
        g.add(
            "rel_rl",
            At {
                target: "etc",
                via: "file:passwd",
                ..At::default()
            },
            o,
        );
    }
    g.out
}

// ---- capmode.cc (and linux.cc, mqueue.cc, sysctl.cc) --------------------

fn capmode() -> Vec<Case> {
    let mut g = Gen::new(
        "capmode",
        "capmode.cc TEST_F(WithFiles, DisallowedFileSyscalls)",
    );
    let cm = |name: &'static str, a: Capsicum| op(name, "", &[]).answer(a);
    for name in [
        "cm_access",
        "cm_acct",
        "cm_chdir",
        "cm_chmod",
        "cm_chown",
        "cm_chroot",
        "cm_creat",
        "cm_link",
        "cm_lstat",
        "cm_mknod",
        "cm_mount",
        "cm_open",
        "cm_readlink",
        "cm_stat",
        "cm_symlink",
        "cm_unlink",
        "cm_umount2",
    ] {
        g.add("cm", At::default(), cm(name, Capsicum::CapMode));
    }
    g.add(
        "cm",
        on("top"),
        op("fchdir", "", &[]).answer(Capsicum::CapMode),
    );
    g.from("capmode.cc TEST_F(WithFiles, DisallowedSocketSyscalls)");
    g.add(
        "cm",
        At {
            stdin: Stdin::Udp,
            ..At::default()
        },
        cm("cm_bind_inet", Capsicum::CapMode),
    );
    g.add(
        "cm",
        At {
            stdin: Stdin::Tcp,
            ..At::default()
        },
        cm("cm_connect_inet", Capsicum::CapMode),
    );
    g.from("capmode.cc TEST_F(WithFiles, AllowedSocketSyscalls)");
    g.add(
        "cm",
        At::default(),
        op("cm_socket", "inet_dgram", &[]).answer(Capsicum::Allowed),
    );
    g.add("cm", At::default(), cm("cm_socketpair", Capsicum::Allowed));
    for name in [
        "cm_recvfrom",
        "cm_accept",
        "cm_getpeername",
        "cm_getsockname",
        "cm_recvmsg",
        "cm_sendmsg",
        "cm_sendto",
        "cm_sendfile",
    ] {
        g.add(
            "cm",
            At {
                stdin: Stdin::Udp,
                ..At::default()
            },
            cm(name, Capsicum::NotCapMode),
        );
    }
    g.from("capmode.cc TEST_F(WithFiles, AllowedSocketSyscallsIfRoot)");
    for arg in [
        "inet_raw",
        "inet_raw_icmp",
        "inet_raw_tcp",
        "inet_raw_udp",
        "inet6_raw_icmp",
        "inet6_raw_tcp",
        "inet6_raw_udp",
        "route",
    ] {
        g.add(
            "cm",
            At::default(),
            op("cm_socket", arg, &[]).answer(Capsicum::CapMode),
        );
    }
    g.from("capmode.cc TEST(Capmode, AllowedMmsgSendRecv)");
    for name in ["cm_recvmmsg", "cm_sendmmsg"] {
        g.add(
            "cm",
            At {
                stdin: Stdin::Udp,
                ..At::default()
            },
            cm(name, Capsicum::NotCapMode),
        );
    }
    // The calls capmode.cc expects to keep working in capability mode.
    let allowed: [(&str, &[&str]); 5] = [
        (
            "capmode.cc TEST(Capmode, AllowedIdentifierSyscalls)",
            &[
                "cm_getegid",
                "cm_geteuid",
                "cm_getgid",
                "cm_getpid",
                "cm_getppid",
                "cm_getuid",
                "cm_getsid",
                "cm_getgroups",
                "cm_getresuid",
                "cm_getresgid",
                "cm_setgid",
                "cm_setfsgid",
                "cm_setuid",
                "cm_setfsuid",
                "cm_setregid",
                "cm_setresgid",
                "cm_setreuid",
                "cm_setresuid",
                "cm_setsid",
            ],
        ),
        (
            "capmode.cc TEST(Capmode, AllowedSchedSyscalls)",
            &[
                "cm_sched_getscheduler",
                "cm_sched_getparam",
                "cm_sched_setscheduler",
                "cm_sched_setparam",
                "cm_sched_get_priority_max",
                "cm_sched_get_priority_min",
                "cm_sched_rr_get_interval",
                "cm_sched_yield",
            ],
        ),
        (
            "capmode.cc TEST(Capmode, AllowedTimerSyscalls)",
            &[
                "cm_clock_getres",
                "cm_clock_gettime",
                "cm_getitimer",
                "cm_setitimer",
                "cm_gettimeofday",
                "cm_nanosleep",
            ],
        ),
        (
            "capmode.cc TEST(Capmode, AllowedResourceSyscalls)",
            &[
                "cm_getpriority",
                "cm_setpriority",
                "cm_getrlimit",
                "cm_setrlimit",
                "cm_getrusage",
            ],
        ),
        (
            "capmode.cc TEST(CapMode, AllowedMmapSyscalls)",
            &[
                "cm_msync",
                "cm_madvise",
                "cm_mincore",
                "cm_mprotect",
                "cm_mprotect_exec",
                "cm_mlock",
                "cm_munlock",
                "cm_mlockall",
                "cm_munlockall",
                "cm_munmap",
            ],
        ),
    ];
    for (source, names) in allowed {
        g.from(source);
        for name in names {
            g.add("cm", At::default(), cm(name, Capsicum::Allowed));
        }
    }
    g.from("capmode.cc TEST(Capmode, AllowedPipeSyscalls)");
    g.add("cm", At::default(), cm("cm_pipe", Capsicum::Allowed));
    g.add("cm", At::default(), cm("cm_pipe2", Capsicum::Allowed));
    g.add("cm", At::default(), cm("cm_vmsplice", Capsicum::NotCapMode));
    g.from("capmode.cc TEST_F(WithFiles, AllowedFileSyscalls)");
    for o in [
        op("fstat", "", &[]),
        op("lseek", "", &[]),
        op("read", "", &[]),
        op("write", "", &[]),
        op("pwrite", "", &[]),
        op("pread", "", &[]),
        op("writev", "", &[]),
        op("readv", "", &[]),
        op("sync_file_range", "", &[]),
    ] {
        g.add("cm", on("f"), o.answer(Capsicum::Allowed));
    }
    g.add(
        "cm",
        on("top"),
        op("getdents", "", &[]).answer(Capsicum::Allowed),
    );
    // capmode.cc's *at calls: allowed beneath a directory, ECAPMODE from
    // AT_FDCWD.
    let at_calls = [
        op("fstatat", "topfile", &[]),
        op("mkdirat", "subdir2", &[]),
        op("fchmodat", "cap_fchmodat", &[]),
        op("faccessat", "subdir", &[]),
        op("futimesat", "cap_futimesat", &[]),
        op("fchownat", "cap_fchownat", &[]),
        op("symlinkat", "topfile:symlink", &[]),
        op("readlinkat", "symlink.samedir", &[]),
        op("unlinkat", "cap_unlinkat", &[]),
    ];
    let two_dirs = [
        op("renameat", "cap_renameat_src:cap_renameat_dst", &[]),
        op("linkat", "cap_linkat_src:linky", &[]),
    ];
    for (source, dir, answer, extra) in [
        (
            "capmode.cc TEST(Capmode, AllowedAtSyscalls)",
            "top",
            Capsicum::Allowed,
            op("unlinkat", "cap_unlinkat_dir:dir", &[]),
        ),
        (
            "capmode.cc TEST(Capmode, AllowedAtSyscallsCwd)",
            "cwd",
            Capsicum::CapMode,
            op("openat", "topfile:rdonly", &[]),
        ),
    ] {
        g.from(source);
        for o in at_calls.iter().chain([&extra]) {
            g.add("cm", on(dir), o.answer(answer));
        }
        for o in two_dirs {
            g.add(
                "cm",
                At {
                    target: dir,
                    target2: dir,
                    ..At::default()
                },
                o.answer(answer),
            );
        }
        if dir == "top" {
            g.add(
                "cm",
                At::default(),
                cm("cm_readlinkat_badfd", Capsicum::NotCapMode),
            );
        }
    }
    g.from("capmode.cc TEST(Capmode, Abort)");
    g.add(
        "cm",
        At::default(),
        cm("cm_abort", Capsicum::Signal(libc::SIGABRT)),
    );
    g.from("capmode.cc TEST_F(WithFiles, AllowedMiscSyscalls)");
    g.add("cm", At::default(), cm("cm_umask", Capsicum::Allowed));
    g.add("cm", At::default(), cm("cm_sigaltstack", Capsicum::Allowed));
    g.add(
        "cm",
        At::default(),
        cm("cm_waitpid_child", Capsicum::CapMode),
    );
    g.add(
        "cm",
        At::default(),
        cm("cm_ptrace_child", Capsicum::CapMode),
    );
    g.add("cm", At::default(), cm("cm_sync", Capsicum::Allowed));
    g.add("cm", At::default(), cm("cm_ioperm", Capsicum::CapMode));
    g.from("capmode.cc TEST(Capmode, NewThread)");
    g.add("cm", At::default(), cm("cm_thread_open", Capsicum::CapMode));
    g.add("cm", At::default(), cm("cm_child_open", Capsicum::CapMode));
    g.add(
        "cm",
        At::default(),
        cm("cm_child_getpid", Capsicum::Allowed),
    );
    // Calls naming a process by its id (tests/src/conformance/processes.rs):
    // capabilities.conf lists them unscoped, and FreeBSD answers them for
    // the caller (0 or its own id) and for any other process the caller
    // may see (p_cansee) or, for a change, schedule (p_cansched): the
    // parent here, and a child of the probe; affinity, for the calling
    // thread or process alone.
    {
        use super::processes::TARGETS;
        use Capsicum::{Allowed, CapMode};
        const ANY: [Capsicum; 5] = [Allowed; 5];
        const OWN: [Capsicum; 5] = [Allowed, Allowed, Allowed, CapMode, CapMode];
        let calls: [(&str, &[&str], [Capsicum; 5]); 7] = [
            (
                "sys/kern/kern_prot.c sys_getpgid, kern_getsid (p_cansee)",
                &["getpgid", "getsid"],
                ANY,
            ),
            (
                "sys/kern/kern_resource.c kern_getpriority (p_cansee), kern_setpriority (p_cansee, donice: p_cansched)",
                &["getpriority", "setpriority"],
                ANY,
            ),
            (
                "sys/kern/p1003_1b.c kern_sched_getparam, kern_sched_getscheduler, kern_sched_rr_get_interval_td (p_cansee)",
                &["sched_getparam", "sched_getscheduler", "sched_rr_get_interval"],
                ANY,
            ),
            (
                "sys/kern/p1003_1b.c kern_sched_setparam, kern_sched_setscheduler (p_cansched; PRIV_SCHED_SET, held by root)",
                &["sched_setparam", "sched_setscheduler"],
                ANY,
            ),
            (
                "sys/kern/kern_cpuset.c cpuset_check_capabilities (CPU_WHICH_TID, CPU_WHICH_PID: -1 or the caller's own id, else ECAPMODE)",
                &["sched_getaffinity", "sched_setaffinity"],
                OWN,
            ),
            (
                "sys/kern/kern_time.c get_cputime (pget PGET_CANSEE)",
                &["clock_gettime_cputime"],
                ANY,
            ),
            (
                "sys/kern/kern_time.c kern_clock_getres (any CPU clock)",
                &["clock_getres_cputime"],
                ANY,
            ),
        ];
        for (source, names, answers) in calls {
            g.from(source);
            for name in names {
                for (target, answer) in TARGETS.iter().zip(answers) {
                    // The caller itself, as 0, is capmode.cc's own case
                    // (AllowedSchedSyscalls, AllowedResourceSyscalls) where
                    // it has one; a thread's id only where a call takes it.
                    let per_thread = name.contains("affinity");
                    if *target == "own_tid" && !per_thread {
                        continue;
                    }
                    g.add(
                        "cm",
                        At::default(),
                        cm(
                            Box::leak(format!("cm_{name}_{target}").into_boxed_str()),
                            answer,
                        ),
                    );
                }
            }
        }
        // A thread's CPU clock: the caller's threads only (get_cputime:
        // tdfind(tid, the caller's pid), EINVAL otherwise; Linux's
        // lookup_task: the caller's thread group).
        g.from("sys/kern/kern_time.c get_cputime (tdfind in the caller's process)");
        g.add(
            "cm",
            At::default(),
            cm("cm_clock_gettime_thread_cputime_own_tid", Allowed),
        );
        for target in ["parent", "child"] {
            g.add(
                "cm",
                At::default(),
                cm(
                    Box::leak(format!("cm_clock_gettime_thread_cputime_{target}").into_boxed_str()),
                    Capsicum::Ordinary(libc::EINVAL),
                ),
            );
        }
        // Groups and users: every process of them the caller may see and
        // schedule; none here (kern_setpriority: ESRCH when none is found).
        g.from("sys/kern/kern_resource.c kern_setpriority (PRIO_PGRP, PRIO_USER)");
        for name in ["cm_setpriority_pgrp_none", "cm_setpriority_user_none"] {
            g.add(
                "cm",
                At::default(),
                cm(name, Capsicum::Ordinary(libc::ESRCH)),
            );
        }
        g.from("sys/kern/kern_resource.c kern_getpriority (PRIO_PGRP, PRIO_USER: p_cansee)");
        for name in ["cm_getpriority_pgrp", "cm_getpriority_user"] {
            g.add("cm", At::default(), cm(name, Allowed));
        }
    }
    // A child reaped through its process descriptor (pdwait4 of a pdfork
    // child; on Linux clone(CLONE_PIDFD) and waitid(P_PIDFD)).
    g.from("procdesc.cc TEST(Pdfork, DaemonUnrestricted), TEST(Pdfork, MissingRights)");
    g.add(
        "cm",
        At::default(),
        cm("cm_pdwait_child", Capsicum::Allowed),
    );
    g.from("capmode.cc TEST(Capmode, SelfKill)");
    g.add("cm", At::default(), cm("cm_kill_child", Capsicum::CapMode));
    g.add("cm", At::default(), cm("cm_kill_self", Capsicum::Allowed));
    // signal(2) after cap_enter(2) (the test restores SIGUSR1's action):
    // sigaction is in capabilities.conf, for every signal, SIGSYS too.
    g.add(
        "cm",
        At::default(),
        cm("cm_sigaction_sigsys", Capsicum::Allowed),
    );
    g.from("mqueue.cc TEST(PosixMqueue, CapMode)");
    g.add("cm", At::default(), cm("cm_mq_open", Capsicum::CapMode));
    g.from("sysctl.cc TEST(Sysctl, Capability)");
    g.add("cm", At::default(), cm("cm_sysctl_proc", Capsicum::CapMode));
    g.from("linux.cc TEST(Linux, CheckHighWord)");
    g.add("cm", At::default(), cm("cm_prctl_high", Capsicum::CapMode));
    g.from("linux.cc TEST(Linux, GetRandom)");
    g.add("cm", At::default(), cm("cm_getrandom", Capsicum::Allowed));
    g.from("linux.cc TEST(Linux, OpenByHandleAtIfRoot)");
    g.add(
        "cm",
        At::default(),
        cm("cm_open_by_handle_at", Capsicum::CapMode),
    );
    g.from("linux.cc TEST(Linux, NamespaceIfRoot)");
    g.add("cm", At::default(), cm("cm_setns", Capsicum::CapMode));
    g.out
}

// ---- fcntl.cc TEST(Fcntl, Commands), ioctl.cc -------------------------

fn fcntl() -> Vec<Case> {
    let mut g = Gen::new("fcntl", "fcntl.cc TEST(Fcntl, Commands)");
    // fcntl.cc's table of commands and the rights each needs (Linux
    // Capsicum): F_DUPFD, F_GETFD, F_SETFD need none.
    let file_cmds = [
        fcntl_op("dupfd", &[], None),
        fcntl_op("getfd", &[], None),
        fcntl_op("setfd", &[], None),
        fcntl_op("getfl", &["fcntl"], Some("getfl")),
        fcntl_op("setfl", &["fcntl"], Some("setfl")),
        fcntl_op("getlk", &["flock"], None),
        fcntl_op("setlk", &["flock"], None),
        fcntl_op("getsig", &["event", "fsignal"], None),
        fcntl_op("setsig", &["event", "fsignal"], None),
        fcntl_op("getlease", &["flock", "fsignal"], None),
        fcntl_op("setlease", &["flock", "fsignal"], None),
    ];
    for p in PROFILES
        .iter()
        .filter(|p| p.name.starts_with("fc_") && !p.name.starts_with("fc_dir"))
    {
        for o in file_cmds {
            g.add(p.name, on("f"), o);
        }
        // On sockets (fcntl.cc OWNSubRights), pipes and memfds.
        for o in [
            fcntl_op("getown", &["fcntl"], Some("getown")),
            fcntl_op("setown", &["fcntl"], Some("setown")),
        ] {
            g.add(
                p.name,
                At {
                    target: "stdin",
                    stdin: Stdin::Pair,
                    ..At::default()
                },
                o,
            );
        }
        for o in [
            fcntl_op("getpipe_sz", &["getsockopt"], None),
            fcntl_op("setpipe_sz", &["setsockopt"], None),
        ] {
            g.add(
                p.name,
                At {
                    target: "stdin",
                    stdin: Stdin::Pipe,
                    ..At::default()
                },
                o,
            );
        }
        for o in [
            fcntl_op("get_seals", &["fstat"], None),
            fcntl_op("add_seals", &["fchmod"], None),
        ] {
            g.add(
                p.name,
                At {
                    target: "stdin",
                    stdin: Stdin::Memfd,
                    ..At::default()
                },
                o,
            );
        }
    }
    for p in ["fc_dir_read", "fc_dir_fcntl"] {
        g.add(p, on("d"), fcntl_op("notify", &["notify"], None));
    }
    g.out
}

// ---- copy_file_range.cc, capability-fd-pair.cc ------------------------

fn pairs() -> Vec<Case> {
    let mut g = Gen::new("pair", "copy_file_range.cc TEST_F(CopyFileRangeTest, *)");
    let calls: [(&str, bool, bool); 7] = [
        ("-:-", false, false),
        ("0:-", true, false),
        ("-:0", false, true),
        ("0:0", true, true),
        ("20:-", true, false),
        ("-:20", false, true),
        ("20:20", true, true),
    ];
    for p in PROFILES.iter().filter(|p| p.name.starts_with("cfr_")) {
        for (arg, off_in, off_out) in calls {
            let need_in: &'static [&'static str] =
                if off_in { &["read", "seek"] } else { &["read"] };
            let need_out: &'static [&'static str] = if off_out {
                &["write", "seek"]
            } else {
                &["write"]
            };
            g.add(
                p.name,
                At {
                    target: "f",
                    target2: "g",
                    ..At::default()
                },
                op2("copy_file_range", arg, need_in, need_out),
            );
        }
    }
    g.from("capability-fd-pair.cc TEST(CapabilityPair, sendfile)");
    for p in ["sf_in_rs_out_rs", "sf_in_ws_out_ws", "sf_in_rs_out_ws"] {
        // sendfile(out, in, &offset, n): out needs write, in pread.
        g.add(
            p,
            At {
                target: "stdin",
                target2: "f",
                stdin: Stdin::Pair,
                ..At::default()
            },
            op2("sendfile", "", &["write"], &["read", "seek"]),
        );
    }
    g.out
}

// ---- linux.cc on descriptors of other kinds; socket.cc ------------------

fn linux() -> Vec<Case> {
    let mut g = Gen::new("linux", "linux.cc TEST(Linux, fstatat)");
    for p in ["fo_read_fstat", "fo_read"] {
        g.add(p, on("f"), op("fstatat_empty", "", &["fstat"]));
    }
    for p in ["in_fstat", "in_read"] {
        g.add(p, on("d"), op("fstatat_empty", "", &["fstat"]));
    }
    // AT_EMPTY_PATH with an absolute path is a lookup, not fstat: capability
    // mode refuses it through any descriptor (capmode.cc
    // TEST(Capmode, Syscalls) refuses absolute lookups).
    g.from("linux.cc TEST(Linux, fstatat)");
    for p in ["fo_read_fstat", "fo_fstat"] {
        g.add(
            p,
            on("f"),
            op("fstatat_empty_abs", "", &["fstat"]).answer(Capsicum::Traversal),
        );
    }
    for p in ["in_fstat", "in_read"] {
        g.add(
            p,
            on("d"),
            op("fstatat_empty_abs", "", &["fstat"]).answer(Capsicum::Traversal),
        );
    }
    g.from("linux.cc TEST(Linux, EventFD)");
    let ev = |target| At {
        target,
        stdin: Stdin::Eventfd,
        ..At::default()
    };
    for p in ["lx_rs", "lx_ws", "lx_rws", "lx_rwse"] {
        g.add(
            p,
            ev("stdin"),
            op("eventfd_read", "", &["read"]).spelled(Spelling::AccessMode),
        );
        g.add(
            p,
            ev("stdin"),
            op("eventfd_write", "", &["write"]).spelled(Spelling::AccessMode),
        );
        g.add(
            p,
            ev("stdin"),
            op("poll", "", &["event"]).spelled(Spelling::PollNval),
        );
    }
    g.from("linux.cc TEST(Linux, TimerFD)");
    let tfd = |target| At {
        target,
        stdin: Stdin::Timerfd,
        ..At::default()
    };
    for p in ["lx_r", "lx_w", "lx_rws"] {
        g.add(p, tfd("stdin"), op("timerfd_gettime", "", &["read"]));
        g.add(p, tfd("stdin"), op("timerfd_settime", "", &["write"]));
    }
    g.from("linux.cc TEST(Linux, MemFDDeathTestIfAvailable)");
    let mfd = |target| At {
        target,
        stdin: Stdin::Memfd,
        ..At::default()
    };
    for p in ["lx_mmap_r_fstat", "lx_mmap_rw_fchmod", "lx_mmap_rw"] {
        g.add(p, mfd("stdin"), op("mmap", "r", &["mmap_r"]));
        g.add(p, mfd("stdin"), op("mmap", "w", &["mmap_w"]));
        // A shared mapping made to read, then made writable: within the
        // maximum protection the rights fixed (vn_mmap, vm_map_protect).
        g.add(p, mfd("stdin"), op("mprotect", "w", &["mmap_r", "mmap_w"]));
        g.add(p, mfd("stdin"), op("mprotect", "x", &["mmap_r", "mmap_x"]));
        g.add(
            p,
            mfd("stdin"),
            op("dup_mprotect", "w", &["mmap_r", "mmap_w"]),
        );
        g.add(p, mfd("stdin"), op("memfd_mprotect", "x", &[]));
        // A memfd made inside holds every right (memfd_create(2) on
        // FreeBSD: a new descriptor, CAP_ALL), its standard input limited
        // beside it.
        g.add(p, mfd("stdin"), op("memfd_mprotect", "w", &[]));
        g.add(p, mfd("stdin"), fcntl_op("get_seals", &["fstat"], None));
        g.add(p, mfd("stdin"), fcntl_op("add_seals", &["fchmod"], None));
    }
    g.from("socket.cc TEST(Socket, UnixDomain)");
    let sock = |target| At {
        target,
        stdin: Stdin::Pair,
        ..At::default()
    };
    for p in ["so_rw", "so_all"] {
        for (name, need) in [
            ("listen", "listen"),
            ("getsockname", "getsockname"),
            ("getpeername", "getpeername"),
            ("setsockopt", "setsockopt"),
            ("getsockopt", "getsockopt"),
            ("accept", "accept"),
            ("shutdown", "shutdown"),
        ] {
            let need: &'static [&'static str] = Box::leak(vec![need].into_boxed_slice());
            g.add(p, sock("stdin"), op(name, "", need).may_fail());
        }
        g.add(
            p,
            sock("stdin"),
            op("send", "", &["write"]).spelled(Spelling::AccessMode),
        );
        g.add(
            p,
            sock("stdin"),
            op("recv", "", &["read"])
                .spelled(Spelling::AccessMode)
                .may_fail(),
        );
    }
    g.from("capability-fd.cc TEST(Capability, ExtendedAttributesIfAvailable)");
    for p in [
        "fo_read_write",
        "fo_extattr_list",
        "fo_extattr_get",
        "fo_extattr_set",
        "fo_extattr_delete",
    ] {
        g.add(p, on("f"), op("xattr", "set", &["extattr_set"]));
        g.add(p, on("f"), op("xattr", "list", &["extattr_list"]));
        g.add(p, on("f"), op("xattr", "get", &["extattr_get"]).may_fail());
        g.add(
            p,
            on("f"),
            op("xattr", "remove", &["extattr_delete"]).may_fail(),
        );
        // An ACL is no extended attribute on FreeBSD: reading one needs
        // CAP_ACL_GET (sys/kern/vfs_acl.c `__acl_get_fd`).
        g.add(p, on("f"), op("xattr", "acl_get", &["acl_get"]));
    }
    g.out
}

/// The cases of faults found in the backend, each whole kind, for the
/// escape suite, each with its kind:
///
/// - `device_nodes`: `mknodat` of every node type against the right its
///   type needs, and a device node made after entry never serves a device;
/// - `derived_dirs`: every `*at` operation through directories derived
///   from a preopen that holds `renameat_source` or `linkat_target` alone;
/// - `walk`: the walk beneath a directory, raw `*at()` calls and `Dir`
///   methods;
/// - `rights_alone`: rights held alone (`seek`, `seek_tell`, `fcntl`,
///   `fcntls(..)`, `mmap_w`, `mmap_wx`) work.
pub fn reported() -> Vec<(&'static str, Case)> {
    all()
        .into_iter()
        .filter_map(|c| {
            let kind = if matches!(c.spec.op.as_str(), "mknodat" | "mknodat_open") {
                "device_nodes"
            } else if c.family == "inherit"
                && matches!(c.profile, "in_renameat_source" | "in_linkat_target")
                && !c.spec.via.is_empty()
            {
                "derived_dirs"
            } else if c.family == "walk" && c.spec.via.is_empty() {
                "walk"
            } else if c.held
                && matches!(c.answer, Capsicum::Needs(n, _) if !n.rights.is_empty())
                && matches!(
                    c.profile,
                    "fo_seek"
                        | "fo_seek_tell"
                        | "fo_fcntl"
                        | "fo_mmap_w"
                        | "fo_mmap_wx"
                        | "fo_fcntls_getfl"
                        | "fo_fcntls_setfl"
                        | "fo_fcntls_getown"
                        | "fo_fcntls_setown"
                        | "fc_fcntl"
                        | "fc_getown"
                        | "fc_setown"
                )
            {
                "rights_alone"
            } else {
                return None;
            };
            Some((kind, c))
        })
        .collect()
}

// ---- fexecve.cc ---------------------------------------------------------

fn fexecve() -> Vec<Case> {
    let mut g = Gen::new("fexecve", "fexecve.cc TEST_F(Execve, SucceedWithCap)");
    let run = op("fexecve", "", &["fexecve"]);
    let x = At {
        target: "x",
        ..At::default()
    };
    // FreeBSD needs CAP_FEXECVE alone (kern_execve: cap_fexecve_rights).
    g.add("fx_fexecve", x, run);
    g.add("fx_fexecve_read", x, run);
    g.from("fexecve.cc TEST_F(Execve, FailWithoutCap)");
    g.add("fx_read", x, run);
    g.from("fexecve.cc TEST_F(FexecveWithScript, CapModeScriptFail)");
    g.add(
        "fx_script",
        At {
            target: "xs",
            ..At::default()
        },
        run.answer(Capsicum::Fails),
    );
    // A dynamically linked program does not run in capability mode
    // either: FreeBSD's kernel refuses to load its interpreter there
    // (`__elfN(load_file)` in sys/kern/imgact_elf.c: ECAPMODE), as a
    // script's (CapModeScriptFail above); every right it could use held.
    g.from(
        "fexecve.cc TEST_F(FexecveWithScript, CapModeScriptFail); sys/kern/imgact_elf.c load_file",
    );
    g.add(
        "fx_dynamic",
        At {
            target: "xd",
            ..At::default()
        },
        run.answer(Capsicum::Fails),
    );
    // Linux Capsicum's execveat beneath a directory: `fexecve` and
    // `lookup` on it; no traversal out of it (TEST_F(Execveat,
    // NoUpwardTraversal)).
    g.from("fexecve.cc TEST_F(Execveat, NoUpwardTraversal)");
    for p in ["fx_dir", "fx_dir_read", "fx_dir_noread"] {
        g.add(p, on("top"), op("execveat", "prog", &["fexecve", LOOKUP]));
        g.add(
            p,
            on("top"),
            op("execveat", "../prog", &[]).answer(Capsicum::Traversal),
        );
    }
    // A program opened beneath a directory holds the directory's rights
    // (rights(4)), `fexecve` among them.
    g.from(
        "fexecve.cc TEST_F(Execve, SucceedWithCap); capability-fd.cc TEST(Capability, Inheritance)",
    );
    for p in ["fx_dir", "fx_dir_read"] {
        g.add(
            p,
            At {
                target: "top",
                via: "file:prog",
                ..At::default()
            },
            run,
        );
    }
    // fexecve(3) is execveat(fd, "", AT_EMPTY_PATH); with an absolute path
    // instead of "" it is a lookup, which capability mode refuses
    // (capmode.cc TEST(Capmode, Syscalls): no absolute lookups), wherever
    // the path lands.
    g.from("fexecve.cc TEST_F(Execveat, NoUpwardTraversal)");
    for p in ["fx_file_dir", "fx_file_rodir"] {
        g.add(
            p,
            x,
            op("fexecve_abs", "top/prog", &["fexecve"]).answer(Capsicum::Traversal),
        );
    }
    g.out
}

/// Every case, in a stable order.
pub fn all() -> Vec<Case> {
    let mut cases = Vec::new();
    cases.extend(capmode());
    cases.extend(fileops());
    cases.extend(copies());
    cases.extend(dirops());
    cases.extend(inherit());
    cases.extend(syscallat());
    cases.extend(walk());
    cases.extend(fcntl());
    cases.extend(pairs());
    cases.extend(linux());
    cases.extend(fexecve());
    for c in &mut cases {
        c.documented = super::run::documented(c);
    }
    cases
}
