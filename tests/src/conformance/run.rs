//! One case: a fresh world, a fresh `conformance_probe` entering through
//! the profile's `#[sandboxed(...)]` function, the checks; and the control
//! run (`--baseline`), the same operation on descriptors opened the same
//! way without the sandbox.
//!
//! The world (`ROOT`):
//!
//! ```text
//! file, file2          the files of roles `f` and `g` (2,600 bytes each)
//! top/                 role `top` (and `d`, `cap`, `full`): topfile,
//!                      subdir/ (role `sub`: bottomfile, symlink.up ->
//!                      ../topfile, dsymlink.up -> ../), the symlinks of
//!                      openat.cc (samedir, down, absolute_in/out,
//!                      relative_in/out, to files and directories), and
//!                      the `cap_*` files TryDirOps works on, in top and
//!                      in subdir
//! etc/passwd           beside top (role `etc` when a profile declares it)
//! outside/secret       never preopened
//! ```

use std::io::{self, Write};
use std::os::fd::{FromRawFd, OwnedFd};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

use super::cases::Case;
use super::model::Capsicum;
use crate::harness::{self, Expect, Item, Outcome, Report};

/// What the runner hands the probe as standard input.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Stdin {
    /// `/dev/null`.
    #[default]
    Null,
    /// One end of a connected unix stream socketpair (a byte waiting).
    Pair,
    /// A UDP socket on 127.0.0.1.
    Udp,
    /// A TCP socket, not connected.
    Tcp,
    /// The read end of a pipe (a byte waiting, the write end kept here).
    Pipe,
    /// An eventfd holding 1, non-blocking.
    Eventfd,
    /// A timerfd, disarmed.
    Timerfd,
    /// A memfd of one page.
    Memfd,
}

static WORLDS: AtomicUsize = AtomicUsize::new(0);

/// Where role `role` lives, relative to the world's root.
pub fn role_relative(role: &str) -> &'static str {
    match role {
        "f" => "file",
        "g" => "file2",
        "sub" => "top/subdir",
        "etc" => "etc",
        "x" => "prog",
        "xs" => "script",
        "xd" => "dynprog",
        _ => "top",
    }
}

/// A static program that exits with [`PROGRAM_EXIT`]: fexecve.cc's
/// `mini-me` must be statically linked, since in capability mode the
/// dynamic linker cannot open libraries by path. One ELF header, one
/// `PT_LOAD` program header mapping the file at 0x400000, then the code
/// (elf(5), syscall(2)): on x86_64 `mov edi, 42; mov eax, 60 (exit);
/// syscall`, on aarch64 `mov x0, #42; mov x8, #93 (exit); svc #0`.
pub fn tiny_program() -> Vec<u8> {
    const BASE: u64 = 0x40_0000;
    const CODE_AT: u64 = 64 + 56;
    #[cfg(not(target_arch = "aarch64"))]
    let (machine, code): (u16, Vec<u8>) = (
        62, // EM_X86_64
        vec![
            0xbf,
            PROGRAM_EXIT as u8,
            0,
            0,
            0,
            0xb8,
            60,
            0,
            0,
            0,
            0x0f,
            0x05,
        ],
    );
    #[cfg(target_arch = "aarch64")]
    let (machine, code): (u16, Vec<u8>) = (
        183, // EM_AARCH64
        [
            0xd280_0000 | ((PROGRAM_EXIT as u32) << 5),
            0xd280_0000 | (93 << 5) | 8,
            0xd400_0001,
        ]
        .iter()
        .flat_map(|i| i.to_le_bytes())
        .collect(),
    );
    let size = CODE_AT + code.len() as u64;
    let mut elf = Vec::with_capacity(size as usize);
    // e_ident: magic, ELFCLASS64, ELFDATA2LSB, EV_CURRENT, padding.
    elf.extend_from_slice(&[0x7f, b'E', b'L', b'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    elf.extend_from_slice(&2u16.to_le_bytes()); // e_type: ET_EXEC
    elf.extend_from_slice(&machine.to_le_bytes()); // e_machine
    elf.extend_from_slice(&1u32.to_le_bytes()); // e_version
    elf.extend_from_slice(&(BASE + CODE_AT).to_le_bytes()); // e_entry
    elf.extend_from_slice(&64u64.to_le_bytes()); // e_phoff
    elf.extend_from_slice(&0u64.to_le_bytes()); // e_shoff
    elf.extend_from_slice(&0u32.to_le_bytes()); // e_flags
    elf.extend_from_slice(&64u16.to_le_bytes()); // e_ehsize
    elf.extend_from_slice(&56u16.to_le_bytes()); // e_phentsize
    elf.extend_from_slice(&1u16.to_le_bytes()); // e_phnum
    elf.extend_from_slice(&[0; 6]); // e_shentsize, e_shnum, e_shstrndx
    elf.extend_from_slice(&1u32.to_le_bytes()); // p_type: PT_LOAD
    elf.extend_from_slice(&5u32.to_le_bytes()); // p_flags: PF_R | PF_X
    elf.extend_from_slice(&0u64.to_le_bytes()); // p_offset
    elf.extend_from_slice(&BASE.to_le_bytes()); // p_vaddr
    elf.extend_from_slice(&BASE.to_le_bytes()); // p_paddr
    elf.extend_from_slice(&size.to_le_bytes()); // p_filesz
    elf.extend_from_slice(&size.to_le_bytes()); // p_memsz
    elf.extend_from_slice(&0x1000u64.to_le_bytes()); // p_align
    elf.extend_from_slice(&code);
    elf
}

/// The exit status of [`tiny_program`].
pub const PROGRAM_EXIT: i32 = 42;
/// The exit status of the world's shell script (fexecve.cc's
/// `cap_sh_script`).
pub const SCRIPT_EXIT: i32 = 99;

/// A dynamically linked program that exits 0 without arguments.
pub const DYNAMIC_PROGRAM: &str = "/bin/true";

/// The files TryDirOps (and the inheritance cases) work on, made in
/// `top` and in `top/subdir`.
const CAP_FILES: &[&str] = &[
    "cap_faccess",
    "cap_fsync",
    "cap_ftruncate",
    "cap_fchownat",
    "cap_fchmodat",
    "cap_fstatat",
    "cap_futimesat",
    "cap_linkat_src",
    "cap_renameat_src",
    "cap_unlinkat",
];

/// A fresh world; removed on drop.
#[derive(Debug)]
pub struct World {
    /// The root directory.
    pub root: PathBuf,
}

impl World {
    /// Builds a fresh world.
    pub fn new() -> io::Result<World> {
        let n = WORLDS.fetch_add(1, Ordering::Relaxed);
        // tmpfs where there is one: thousands of small worlds are made
        // and removed.
        let base = Path::new("/dev/shm");
        let base = if base.is_dir() {
            base.to_path_buf()
        } else {
            std::env::temp_dir()
        };
        let root = base.join(format!("sandboxed-conformance-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let r = |rel: &str| root.join(rel);
        for d in [
            "top/subdir",
            "etc",
            "outside",
            "top/cap_unlinkat_dir",
            "top/subdir/cap_unlinkat_dir",
        ] {
            std::fs::create_dir_all(r(d))?;
        }
        let lorem = "lorem ipsum dolor sit amet".repeat(100);
        std::fs::write(r("file"), &lorem)?;
        std::fs::write(r("file2"), &lorem)?;
        std::fs::write(r("top/topfile"), "Top-level file")?;
        std::fs::write(r("top/subdir/bottomfile"), "File in subdirectory")?;
        std::fs::write(r("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n")?;
        std::fs::write(r("outside/secret"), "secret")?;
        for (at, contents, mode) in [
            ("prog", tiny_program(), 0o755),
            ("top/prog", tiny_program(), 0o755),
            (
                "script",
                format!("#!/bin/sh\nexit {SCRIPT_EXIT}\n").into_bytes(),
                0o755,
            ),
        ] {
            std::fs::write(r(at), contents)?;
            std::fs::set_permissions(r(at), std::fs::Permissions::from_mode(mode))?;
        }
        // A dynamically linked program (its `PT_INTERP` names the system's
        // loader): true(1), which exits 0.
        std::fs::copy(DYNAMIC_PROGRAM, r("dynprog"))?;
        for dir in ["top", "top/subdir"] {
            for f in CAP_FILES {
                let p = r(&format!("{dir}/{f}"));
                std::fs::write(&p, "capsicum")?;
                std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600))?;
            }
        }
        let link = |target: &str, at: &str| std::os::unix::fs::symlink(target, r(at));
        let top = r("top");
        let top = top.to_string_lossy();
        let etc = r("etc");
        let etc = etc.to_string_lossy();
        link("topfile", "top/symlink.samedir")?;
        link("subdir/bottomfile", "top/symlink.down")?;
        link(&format!("{top}/topfile"), "top/symlink.absolute_in")?;
        link(&format!("{etc}/passwd"), "top/symlink.absolute_out")?;
        link("../top/topfile", "top/symlink.relative_in")?;
        link("../etc/passwd", "top/symlink.relative_out")?;
        link("./", "top/dsymlink.samedir")?;
        link("subdir/", "top/dsymlink.down")?;
        link(&format!("{top}/"), "top/dsymlink.absolute_in")?;
        link(&format!("{etc}/"), "top/dsymlink.absolute_out")?;
        link("../top/", "top/dsymlink.relative_in")?;
        link("../etc/", "top/dsymlink.relative_out")?;
        link("../topfile", "top/subdir/symlink.up")?;
        link("../", "top/subdir/dsymlink.up")?;
        link("bottomfile", "top/subdir/symlink.samedir")?;
        Ok(World { root })
    }
}

impl Drop for World {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

/// The standard input for `kind`, and what must stay open beside it.
fn stdin_of(kind: Stdin) -> io::Result<(Stdio, Vec<OwnedFd>)> {
    let fd = |raw: i32| -> io::Result<OwnedFd> {
        if raw < 0 {
            Err(io::Error::last_os_error())
        } else {
            // SAFETY: `raw` was just returned by the kernel and is owned here.
            Ok(unsafe { OwnedFd::from_raw_fd(raw) })
        }
    };
    Ok(match kind {
        Stdin::Null => (Stdio::null(), Vec::new()),
        Stdin::Pair => {
            let (a, mut b) = std::os::unix::net::UnixStream::pair()?;
            b.write_all(b"x")?;
            (Stdio::from(OwnedFd::from(a)), vec![OwnedFd::from(b)])
        }
        Stdin::Udp => {
            let s = std::net::UdpSocket::bind("127.0.0.1:0")?;
            (Stdio::from(OwnedFd::from(s)), Vec::new())
        }
        Stdin::Tcp => {
            // SAFETY: socket(2) with constants.
            let s = fd(unsafe { libc::socket(libc::AF_INET, libc::SOCK_STREAM, 0) })?;
            (Stdio::from(s), Vec::new())
        }
        Stdin::Pipe => {
            let mut p = [0; 2];
            // SAFETY: `p` has room for the two descriptors.
            if unsafe { libc::pipe(p.as_mut_ptr()) } < 0 {
                return Err(io::Error::last_os_error());
            }
            let (r, w) = (fd(p[0])?, fd(p[1])?);
            let mut wf = std::fs::File::from(w);
            wf.write_all(b"x")?;
            (Stdio::from(r), vec![OwnedFd::from(wf)])
        }
        Stdin::Eventfd => {
            // SAFETY: eventfd(2) with constants.
            let e = fd(unsafe { libc::eventfd(1, libc::EFD_NONBLOCK) })?;
            (Stdio::from(e), Vec::new())
        }
        Stdin::Timerfd => {
            // SAFETY: timerfd_create(2) with constants.
            let t = fd(unsafe { libc::timerfd_create(libc::CLOCK_MONOTONIC, libc::TFD_NONBLOCK) })?;
            (Stdio::from(t), Vec::new())
        }
        Stdin::Memfd => {
            // SAFETY: memfd_create(2) with a C string literal and constants.
            let m = fd(unsafe {
                libc::memfd_create(c"conformance".as_ptr(), libc::MFD_ALLOW_SEALING)
            })?;
            let f = std::fs::File::from(m);
            f.set_len(4096)?;
            (Stdio::from(OwnedFd::from(f)), Vec::new())
        }
    })
}

/// Runs `case` in a fresh world with `probe`; with `baseline`, without
/// the sandbox.
/// Runs one case in a fresh world: the probe's report, and what changed in
/// the world (for a denial, which must leave it as it was).
pub fn run_case(
    probe: &Path,
    case: &Case,
    baseline: bool,
) -> Result<(Report, Vec<String>), String> {
    let world = World::new().map_err(|e| format!("building the world: {e}"))?;
    let (stdin, _keep) = stdin_of(case.stdin).map_err(|e| format!("standard input: {e}"))?;
    let before = harness::snapshot(&world.root);
    let mut cmd = Command::new(probe);
    cmd.arg(case.profile)
        .args(case.spec.args())
        .current_dir(world.root.join("top"))
        .env(super::ROOT_ENV, &world.root)
        .env_remove("RUST_BACKTRACE")
        .env_remove("SANDBOXED_TRACE")
        .stdin(stdin)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if baseline {
        cmd.env("CONFORMANCE_BASELINE", "1");
    }
    // A soft limit of 1024 descriptors (the common default) puts the
    // preopens below FD_SETSIZE, where select(2) can name them.
    // SAFETY: the closure runs between fork and exec and calls only
    // getrlimit(2)/setrlimit(2), which are async-signal-safe.
    unsafe {
        std::os::unix::process::CommandExt::pre_exec(&mut cmd, || {
            let mut lim = libc::rlimit {
                rlim_cur: 0,
                rlim_max: 0,
            };
            if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) == 0 && lim.rlim_cur > 1024 {
                lim.rlim_cur = 1024;
                libc::setrlimit(libc::RLIMIT_NOFILE, &lim);
            }
            Ok(())
        });
    }
    let report = Report::of(probe, &mut cmd)?;
    if baseline {
        return Ok((report, Vec::new()));
    }
    let after = harness::snapshot(&world.root);
    let changed: Vec<String> = after
        .iter()
        .filter(|(p, e)| before.get(*p) != Some(e))
        .map(|(p, _)| p.display().to_string())
        .chain(
            before
                .keys()
                .filter(|p| !after.contains_key(*p))
                .map(|p| format!("{} disappeared", p.display())),
        )
        .collect();
    Ok((report, changed))
}

/// The answer a case wants, with the case's source, for messages.
fn context(case: &Case) -> String {
    format!(
        "from {}; Capsicum: {}; declared {} ({})",
        case.source,
        super::model::describe(case.answer, case.held),
        case.profile,
        super::profiles::profile(case.profile)
            .and_then(|p| p.rights_of(if case.spec.target.is_empty() {
                "f"
            } else {
                &case.spec.target
            }))
            .unwrap_or("-"),
    )
}

/// Checks one case's report, and that a denial left the world as it was.
fn check(case: &Case, report: &Report, changed: &[String]) -> Result<(), String> {
    case.expect
        .verify(report)
        .map_err(|e| format!("{e}\n    {}", context(case)))?;
    let denial = matches!(
        case.expect,
        Expect::Denied(_) | Expect::DeniedOrRefused(..) | Expect::Fails
    );
    if denial && !changed.is_empty() {
        return Err(format!(
            "ESCAPED: the call was denied, yet the world changed: {}\n    {}",
            changed.join(", "),
            context(case)
        ));
    }
    Ok(())
}

/// The control run of a denial case: without the sandbox, the operation
/// must not give the denial, or the case could not fail.
fn check_baseline(case: &Case, report: &Report) -> Result<String, String> {
    let (denied, how): (&[i32], &str) = match case.expect {
        Expect::Denied(e) => (e, "denial"),
        Expect::DeniedOrRefused(e, _) => (e, "denial"),
        Expect::Fails => (&[], "failure"),
        _ => return Ok("not a denial".into()),
    };
    match report.answer() {
        Ok(harness::Answer::Ok(detail)) => Ok(format!("unsandboxed: ok {detail}")),
        Ok(harness::Answer::Err { errno, .. }) if how == "failure" || denied.contains(&errno) => {
            Err(format!(
                "unsandboxed, the kernel answers {} too: the case cannot fail\n    {}",
                harness::errno_name(errno),
                context(case)
            ))
        }
        Ok(harness::Answer::Err { errno, text, .. }) => Ok(format!(
            "unsandboxed: {} ({text})",
            harness::errno_name(errno)
        )),
        Err(e) => Ok(format!("unsandboxed: {e}")),
    }
}

/// The suite's items: every case, or the control run of each denial.
pub fn items<'a>(probe: &'a Path, cases: &'a [Case], baseline: bool) -> Vec<Item<'a>> {
    cases
        .iter()
        .map(|case| Item {
            name: case.full_name(),
            documented: case.documented,
            run: Box::new(move || {
                let (report, changed) = run_case(probe, case, baseline)?;
                if baseline {
                    return check_baseline(case, &report)
                        .map(|n| Outcome::Passed(format!(" ({n})")));
                }
                if report.code == Some(sandboxed::SETUP_FAILURE_EXIT)
                    && report.stderr.contains("cannot enforce the sandbox")
                {
                    return Ok(Outcome::Skipped(report.stderr.trim().to_owned()));
                }
                check(case, &report, &changed).map(|()| Outcome::Passed(String::new()))
            }),
        })
        .collect()
}

/// Whether the rights `case` declares for `role` hold `read`.
fn holds_read(case: &Case, role: &str) -> bool {
    super::profiles::profile(case.profile)
        .and_then(|p| p.rights_of(role))
        .is_some_and(|r| r.split(',').any(|r| r.trim() == "read"))
}

/// The row of the "Linux vs Capsicum" table (runtime/src/backend/linux/mod.rs)
/// that documents a Linux answer different from Capsicum's for `case`, if
/// one does.
pub fn documented(case: &Case) -> Option<&'static str> {
    use crate::harness::differences::*;
    let op = case.spec.op.as_str();
    let arg = case.spec.arg.as_str();
    let not_held = matches!(case.answer, Capsicum::Needs(..)) && !case.held;
    match op {
        "mknodat" if case.held && (arg.ends_with(":chr") || arg.ends_with(":blk")) => {
            Some(LANDLOCK_INEXACT)
        }
        "execveat" if case.held && case.answer != Capsicum::Traversal => Some(LANDLOCK_INEXACT),
        // A program file without `read`: Landlock's rule for the exec's
        // open would let any open of it by path read it.
        "fexecve" if case.held && !holds_read(case, &case.spec.target) => Some(LANDLOCK_INEXACT),
        // Capsicum's answer where the supervisor tells thread groups.
        "cm_kill_child" if !crate::harness::tells_thread_groups() => Some(SIGNALS_BY_DOMAIN),
        // Affinity of the caller by its own id: the supervisor tells it
        // from another's where the kernel has PIDFD_GET_INFO.
        "cm_sched_getaffinity_own_pid"
        | "cm_sched_getaffinity_own_tid"
        | "cm_sched_setaffinity_own_pid"
        | "cm_sched_setaffinity_own_tid"
            if !crate::harness::tells_thread_groups() =>
        {
            Some(CALLER_AS_ZERO)
        }
        "ioctl" if arg == "figetbsz" => Some(IOCTL_ALLOWLIST),
        // Rights live with numbers: no copy onto one the program chose,
        // no limited descriptor passed.
        "dup2" | "dup3" | "scm_rights" => Some(RIGHTS_BY_NUMBER),
        // SIGIO by Landlock domain: no process group as an owner, refused
        // before the right is looked at (`EPERM`, not `ENOTCAPABLE`).
        "fcntl" if arg == "setown_group" => Some(SIGNALS_BY_DOMAIN),
        "fpathconf" => Some(FPATHCONF),
        _ if case.spec.via.starts_with("file:")
            && not_held
            && !matches!(op, "fchmod" | "fchown" | "futimes") =>
        {
            Some(OPENED_AFTER_ENTRY)
        }
        _ => None,
    }
}
