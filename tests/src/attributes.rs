//! The supervisor's path forms of chmod, chown and utimes (fchmodat(2),
//! fchmodat2, fchownat(2), futimesat(2), utimensat(2) with a path),
//! attacked from inside a world where EVERY preopened directory holds the
//! rights the calls need, so that the filter lets every attempt through
//! to the supervisor and its own guards must hold. The cases
//! `attributes_probe` runs, each in a fresh process, sandboxed and as the
//! control (the same attempt unsandboxed: the kernel's own answer), and
//! what each must show; tests/tests/attributes.rs compares the two runs.
//!
//! The rules of the walk are Capsicum's (capsicum-test openat.cc: no
//! absolute path, `..` never above the starting directory, symbolic links
//! only within it), answered `EACCES` here where Capsicum answers
//! `ENOTCAPABLE`.
//!
//! The world, built afresh for each run ([`World`]):
//!
//! ```text
//! ROOT/a/            preopened `a`: f, sub/g, sub/deep/h, in_link -> f,
//!                    sub/up_link -> ../f, out_rel -> ../outside/victim,
//!                    out_abs -> ROOT/outside/victim, out_dir -> ../outside/vdir,
//!                    dangling -> missing, loop1 -> loop2 -> loop1
//! ROOT/b/            preopened `b`: f, r1/
//! ROOT/outside/      never preopened: victim (0600), vdir/victim2 (0600)
//! ```
//!
//! Every file and directory is the test's (root's, on CI), every time set
//! to [`WORLD_TIME`].

use std::collections::BTreeMap;
use std::ffi::CString;
use std::io;
use std::os::fd::{FromRawFd, IntoRawFd, OwnedFd, RawFd};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::sys::{c, close, in_child, openat, sys, Attempt};

/// The descriptors a case works on, and where the world is.
#[derive(Clone, Debug)]
pub struct Fds {
    /// `a`: a preopened directory holding `lookup`, `read`, `fstat`,
    /// `fchmodat`, `fchownat`, `futimesat`, renameat and linkat.
    pub a: RawFd,
    /// `b`: another, holding the same.
    pub b: RawFd,
    /// `program`: this probe, preopened with `fexecve`.
    pub program: RawFd,
    /// The world's root (absolute).
    pub root: PathBuf,
    /// Puts a descriptor into the probe's pool `Changes = [lookup, fstat,
    /// fchmodat, fchownat, futimesat, extattr_set, ioctl]`
    /// (`sandboxed::rights::limit`); the control hands it back unchanged.
    pub limit: fn(OwnedFd) -> io::Result<OwnedFd>,
    /// Runs [`from_compartment`] with its input in a compartment handed
    /// the descriptor, limited to `Changes`; the control runs it here.
    pub compartment: fn(OwnedFd, &str) -> Attempt,
}

/// What a compartment tries (`compartment_*`): `input` is `FD ROOT`, `FD`
/// a directory it was handed (`a/sub`). An `O_PATH` descriptor of
/// `ROOT/b`, which it was not handed ([`escaped_opath`] through `FD`),
/// then a chmod beneath that: its errno (0: changed).
pub fn from_compartment(input: &str) -> Result<i32, String> {
    let (fd, root) = input.split_once(' ').ok_or("input: FD ROOT")?;
    let handed: RawFd = fd.parse().map_err(|_| "FD: a number")?;
    let errno = |r: Attempt| r.map_or_else(|e| e.raw_os_error().unwrap_or(-1), |_| 0);
    // A compartment starts with its standard streams closed: numbers
    // 0-2 taken first, whose rights are the streams'.
    let dot = c(".");
    while openat(handed, &dot, libc::O_PATH).map_err(|e| e.to_string())? < 3 {}
    match escaped_opath(handed, "deep", &format!("{root}/b"), libc::O_DIRECTORY) {
        Ok(d) => Ok(errno(chmod(d, "f", 0o777))),
        Err(e) => Err(e.to_string()),
    }
}

impl Fds {
    /// `ROOT/rel`.
    fn world(&self, rel: &str) -> String {
        format!("{}/{rel}", self.root.display())
    }
}

/// Access mode 3 (`O_RDWR | O_WRONLY`): `EINVAL` as FreeBSD's open(2)
/// answers (sys/kern/vfs_syscalls.c `kern_openat`), from the supervisor;
/// `EACCES` from the filter where there is none.
const ACCESS_MODE_3: &[i32] = &[libc::EINVAL, libc::EACCES];

/// What a case must show.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expect {
    /// What the kernel answers unsandboxed: the same result and the same
    /// world after (modes, owners, times exact; times set to "now" in
    /// both runs count as the same).
    AsKernel,
    /// One of these errnos, nothing changed anywhere; unsandboxed the
    /// same attempt changes something (the control escapes).
    Denied(&'static [i32]),
    /// Nothing changed in `outside/` whatever each call answered (races:
    /// some calls change `a`); unsandboxed `outside/` changes.
    Held,
    /// The kernel refuses the caller (unsandboxed: an error, nothing
    /// changed); sandboxed it must not succeed either: the kernel's errno
    /// or `EACCES`, nothing changed.
    Refused,
    /// A documented difference: this errno and nothing changed, where the
    /// kernel allows the call.
    Limit(i32),
}

/// One attempt.
pub type Probe = fn(&Fds) -> Attempt;

/// One case: its name, what it must show, whether it needs root, and the
/// attempt.
#[derive(Clone, Copy, Debug)]
pub struct Case {
    /// The name (argv of the probe).
    pub name: &'static str,
    /// What it must show.
    pub expect: Expect,
    /// Whether only root can make the attempt (changes of credentials).
    pub root: bool,
    /// Whether it is made on x86_64 only (its code or its call is
    /// x86_64's).
    pub x86_64: bool,
    /// The attempt.
    pub run: Probe,
}

const fn case(name: &'static str, expect: Expect, run: Probe) -> Case {
    Case {
        name,
        expect,
        root: false,
        x86_64: false,
        run,
    }
}

const fn on_x86_64(case: Case) -> Case {
    Case {
        x86_64: true,
        ..case
    }
}

const fn as_root(name: &'static str, expect: Expect, run: Probe) -> Case {
    Case {
        root: true,
        ..case(name, expect, run)
    }
}

/// `EACCES`: the sandbox's answer for a walk that leaves (Capsicum's
/// `ENOTCAPABLE`).
const NOTCAP: &[i32] = &[libc::EACCES];
/// A hard link across Landlock's rules: `EXDEV` (landlock(7), REFER) or
/// `EACCES`.
const REFER: &[i32] = &[libc::EXDEV, libc::EACCES];
/// `EPERM`: the sandbox's answer for a lookup from `AT_FDCWD` (Capsicum's
/// `ECAPMODE`: namei(9) refuses `AT_FDCWD` in capability mode).
const ECAPMODE: &[i32] = &[libc::EPERM];

/// The times every entry of the world has: 2001-09-09.
pub const WORLD_TIME: i64 = 1_000_000_000;
/// The times the cases set: distinct, with nanoseconds.
const T: [(i64, i64); 2] = [(1_234_567_890, 123_456_789), (1_300_000_000, 987_654_321)];
/// The same in microseconds, for futimesat(2).
const TV: [(i64, i64); 2] = [(1_234_567_890, 123_456), (1_300_000_000, 987_654)];
/// The uid and gid chown cases give: nobody, nogroup.
const NOBODY: u32 = 65534;

fn ok(r: i64) -> Attempt {
    Ok(format!("{r}"))
}

/// fchmodat(2), the raw call (glibc's emulates flags).
pub fn chmod(dir: RawFd, path: &str, mode: u32) -> Attempt {
    let p = c(path);
    ok(sys!(libc::syscall(
        libc::SYS_fchmodat,
        dir,
        p.as_ptr(),
        mode
    ))?)
}

/// fchmodat2's number, the same on every architecture (Linux 6.6,
/// include/uapi/asm-generic/unistd.h; the libc crate names it for x86_64
/// only).
const SYS_FCHMODAT2: libc::c_long = 452;

/// fchmodat2 (Linux 6.6): fchmodat with flags.
fn chmod2(dir: RawFd, path: &str, mode: u32, flags: i32) -> Attempt {
    let p = c(path);
    ok(sys!(libc::syscall(
        SYS_FCHMODAT2,
        dir,
        p.as_ptr(),
        mode,
        flags
    ))?)
}

/// fchownat(2).
fn chown(dir: RawFd, path: &str, uid: u32, gid: u32, flags: i32) -> Attempt {
    let p = c(path);
    ok(sys!(libc::syscall(
        libc::SYS_fchownat,
        dir,
        p.as_ptr(),
        uid,
        gid,
        flags
    ))?)
}

fn timespecs(t: [(i64, i64); 2]) -> [libc::timespec; 2] {
    t.map(|(tv_sec, tv_nsec)| libc::timespec { tv_sec, tv_nsec })
}

/// utimensat(2) with `times` (`None`: a `NULL` pointer, both now).
fn utimens(dir: RawFd, path: &str, times: Option<[(i64, i64); 2]>, flags: i32) -> Attempt {
    let p = c(path);
    let ts = times.map(timespecs);
    let ptr = ts.as_ref().map_or(std::ptr::null(), |t| t.as_ptr());
    ok(sys!(libc::syscall(
        libc::SYS_utimensat,
        dir,
        p.as_ptr(),
        ptr,
        flags
    ))?)
}

/// futimesat(2) (x86_64 only; elsewhere both runs say so) with `times`
/// in microseconds (`None`: a `NULL` pointer).
fn futimesat(dir: RawFd, path: &str, times: Option<[(i64, i64); 2]>) -> Attempt {
    #[cfg(target_arch = "x86_64")]
    {
        let p = c(path);
        let tv = times.map(|t| t.map(|(tv_sec, tv_usec)| libc::timeval { tv_sec, tv_usec }));
        let ptr = tv.as_ref().map_or(std::ptr::null(), |t| t.as_ptr());
        ok(sys!(libc::syscall(
            libc::SYS_futimesat,
            dir,
            p.as_ptr(),
            ptr
        ))?)
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let _ = (dir, path, times);
        Ok("no futimesat on this architecture".into())
    }
}

/// A raw call with a path pointer the case chose (`EFAULT` cases).
fn chmod_at_ptr(dir: RawFd, path: *const libc::c_char) -> Attempt {
    ok(sys!(libc::syscall(libc::SYS_fchmodat, dir, path, 0o600))?)
}

/// A directory opened beneath `dir` with `flags`.
fn open_dir(dir: RawFd, path: &str, flags: i32) -> io::Result<RawFd> {
    openat(dir, &c(path), flags | libc::O_DIRECTORY)
}

/// An `O_PATH` descriptor of `target` (relative to `f.a`, or absolute)
/// however a program can get one: the supervisor walks an `O_PATH` open
/// as Capsicum walks, then lets the caller's open go on, which reads the
/// path again (seccomp_unotify(2)); a thread turns the path walked, `sub`,
/// into one leaving it, `sub//../target`, in between by storing one byte
/// (no half-written path is ever read). Landlock does not look at the
/// open. Told from `sub` itself by fstat(2): another file, or refused.
fn opath(f: &Fds, target: &str, dir: bool) -> io::Result<RawFd> {
    escaped_opath(f.a, "sub", target, if dir { libc::O_DIRECTORY } else { 0 })
}

/// [`opath`] through `from`, whose directory `inside` the walk sees,
/// opened with `flags` besides `O_PATH` (`O_DIRECTORY`, `O_NOFOLLOW`).
pub fn escaped_opath(from: RawFd, inside: &str, target: &str, flags: i32) -> io::Result<RawFd> {
    let flags = libc::O_PATH | flags;
    let own = stat_id(openat(from, &c(inside), libc::O_PATH)?)?;
    let beyond = match target.strip_prefix('/') {
        // `..` of the root is the root: enough of them reach it.
        Some(abs) => format!("{}{abs}", "../".repeat(64)),
        None => target.to_owned(),
    };
    let at = inside.len();
    let bytes: Vec<u8> = format!("{inside}\0/../{beyond}\0").into_bytes();
    let buf: Arc<Vec<AtomicU8>> = Arc::new(bytes.into_iter().map(AtomicU8::new).collect());
    let flipped = Arc::clone(&buf);
    let hold = || (0..200).for_each(|_| std::hint::spin_loop());
    let racer = Racer::start(move || {
        flipped[at].store(b'/', Ordering::Relaxed);
        hold();
        flipped[at].store(0, Ordering::Relaxed);
        hold();
        true
    });
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        // SAFETY: openat(2) of the NUL-terminated bytes the atomics hold.
        let fd = unsafe { libc::openat(from, buf.as_ptr().cast(), flags | libc::O_CLOEXEC) };
        if fd < 0 {
            continue;
        }
        match stat_id(fd) {
            Ok(id) if id == own => close(fd),
            Err(e) if e.raw_os_error() != Some(libc::EACCES) => close(fd),
            _ => {
                drop(racer);
                return Ok(fd);
            }
        }
    }
    Err(io::Error::other(format!(
        "no O_PATH open of {target} got past the walk"
    )))
}

/// The device and inode of `fd` (fstat(2)).
fn stat_id(fd: RawFd) -> io::Result<(u64, u64)> {
    // SAFETY: `stat` is plain old data; all zeroes is a valid value.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    sys!(libc::fstat(fd, &mut st))?;
    Ok((st.st_dev, st.st_ino))
}

/// `fd` put into the probe's pool.
fn pooled(f: &Fds, fd: RawFd) -> io::Result<RawFd> {
    // SAFETY: `fd` was just opened by the case and is owned by nothing
    // else.
    let owned = unsafe { OwnedFd::from_raw_fd(fd) };
    Ok((f.limit)(owned)?.into_raw_fd())
}

/// A thread repeating `step` (which says whether it did its part) until
/// dropped.
struct Racer {
    stop: Arc<AtomicBool>,
    done: Arc<AtomicUsize>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Racer {
    fn start(mut step: impl FnMut() -> bool + Send + 'static) -> Racer {
        let stop = Arc::new(AtomicBool::new(false));
        let done = Arc::new(AtomicUsize::new(0));
        let thread = {
            let (stop, done) = (Arc::clone(&stop), Arc::clone(&done));
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    if step() {
                        done.fetch_add(1, Ordering::Relaxed);
                    }
                }
            })
        };
        Racer {
            stop,
            done,
            thread: Some(thread),
        }
    }

    /// How many times it did its part.
    fn done(&self) -> usize {
        self.done.load(Ordering::Relaxed)
    }
}

impl Drop for Racer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Which errnos (0: it worked) `n` calls or more of `call` answered,
/// made while a thread repeats `step` (which says whether it did its
/// part): the calls start once the thread has done it once, and go on
/// until it has done it `n` times too (five seconds at most), so that the
/// two overlap however the threads are scheduled. `Err` when the thread
/// never did its part: a race that never ran proves nothing.
fn racing(
    n: usize,
    step: impl FnMut() -> bool + Send + 'static,
    call: &dyn Fn() -> i64,
) -> Attempt {
    let racer = Racer::start(step);
    let deadline = Instant::now() + Duration::from_secs(5);
    while racer.done() == 0 && Instant::now() < deadline {
        std::thread::yield_now();
    }
    let mut answers: BTreeMap<i32, usize> = BTreeMap::new();
    let mut calls = 0;
    while (calls < n || racer.done() < n) && Instant::now() < deadline {
        let errno = if call() == -1 {
            io::Error::last_os_error().raw_os_error().unwrap_or(-1)
        } else {
            0
        };
        *answers.entry(errno).or_default() += 1;
        calls += 1;
    }
    if racer.done() == 0 {
        return Err(io::Error::other("the racing thread never did its part"));
    }
    // Which answers, not how many: the counts follow the scheduling.
    Ok(format!("answered errnos {:?}", answers.keys()))
}

/// [`racing`] calls of `call` on a path a thread flips between `inside`
/// and `outside` (the supervisor must read it once).
fn flipping(
    n: usize,
    inside: &str,
    outside: &str,
    call: &dyn Fn(*const libc::c_char) -> i64,
) -> Attempt {
    let len = inside.len().max(outside.len()) + 1;
    let buf: Arc<Vec<AtomicU8>> = Arc::new((0..len).map(|_| AtomicU8::new(0)).collect());
    let put = |buf: &[AtomicU8], s: &str| {
        for (i, b) in s.bytes().chain(std::iter::once(0)).enumerate() {
            buf[i].store(b, Ordering::Relaxed);
        }
    };
    put(&buf, inside);
    let flipped = Arc::clone(&buf);
    let (inside, outside) = (inside.to_owned(), outside.to_owned());
    // Each path held a while, so that both are read.
    let hold = || (0..200).for_each(|_| std::hint::spin_loop());
    let step = move || {
        put(&flipped, &outside);
        hold();
        put(&flipped, &inside);
        hold();
        true
    };
    racing(n, step, &|| call(buf.as_ptr().cast()))
}

/// [`racing`] calls of `call` while a thread renames `from` to `to` and
/// back beneath `dir`.
fn renaming(n: usize, dir: RawFd, from: &str, to: &str, call: &dyn Fn() -> i64) -> Attempt {
    let (from, to) = (c(from), c(to));
    let step = move || {
        // SAFETY: renameat(2) with live C strings.
        unsafe {
            let moved = libc::renameat(dir, from.as_ptr(), dir, to.as_ptr()) == 0;
            if moved {
                libc::renameat(dir, to.as_ptr(), dir, from.as_ptr());
            }
            moved
        }
    };
    racing(n, step, call)
}

/// setresuid(2) of this thread alone (the raw call; glibc's changes
/// every thread's), to nobody.
fn drop_to_nobody() -> io::Result<()> {
    sys!(libc::syscall(libc::SYS_setresuid, NOBODY, NOBODY, NOBODY))?;
    Ok(())
}

/// Two pages, the second unmapped, with `text` (no NUL) ending the first:
/// a path that runs into an unmapped page.
fn unterminated(text: &str) -> io::Result<*const libc::c_char> {
    let p = sys!(libc::mmap(
        std::ptr::null_mut(),
        8192,
        libc::PROT_READ | libc::PROT_WRITE,
        libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
        -1,
        0
    ))?;
    // SAFETY: the second page of the mapping just made.
    sys!(libc::munmap(p.cast::<u8>().add(4096).cast(), 4096))?;
    let start = 4096 - text.len();
    // SAFETY: `text` fits in the first page of the live mapping.
    unsafe {
        std::ptr::copy_nonoverlapping(text.as_ptr(), p.cast::<u8>().add(start), text.len());
        Ok(p.cast::<u8>().add(start).cast())
    }
}

/// The attempts that are answered as the kernel answers: changes beneath,
/// within, and the kernel's own errors.
const ALLOWED: &[Case] = &[
    case("chmod_beneath", Expect::AsKernel, |f| {
        chmod(f.a, "f", 0o600)
    }),
    case("chmod_deep", Expect::AsKernel, |f| {
        chmod(f.a, "sub/deep/h", 0o640)
    }),
    case("chmod_second_preopen", Expect::AsKernel, |f| {
        chmod(f.b, "f", 0o640)
    }),
    case("chmod_dot", Expect::AsKernel, |f| chmod(f.a, ".", 0o700)),
    case("chmod_dir_trailing_slash", Expect::AsKernel, |f| {
        chmod(f.a, "sub/", 0o711)
    }),
    case("chmod_dotdot_within", Expect::AsKernel, |f| {
        chmod(f.a, "sub/../f", 0o600)
    }),
    case("chmod_deep_dotdot_within", Expect::AsKernel, |f| {
        chmod(f.a, "sub/deep/../../sub/g", 0o600)
    }),
    case("chmod_symlink_within", Expect::AsKernel, |f| {
        chmod(f.a, "in_link", 0o600)
    }),
    case("chmod_symlink_up_within", Expect::AsKernel, |f| {
        // sub/up_link -> ../f: above sub/ but within `a`, where the walk
        // starts.
        chmod(f.a, "sub/up_link", 0o600)
    }),
    case("fchmodat2_nofollow_file", Expect::AsKernel, |f| {
        chmod2(f.a, "f", 0o600, libc::AT_SYMLINK_NOFOLLOW)
    }),
    case("fchmodat2_nofollow_symlink", Expect::AsKernel, |f| {
        // EOPNOTSUPP: a symbolic link's mode cannot change.
        chmod2(f.a, "in_link", 0o600, libc::AT_SYMLINK_NOFOLLOW)
    }),
    case("fchmodat2_empty_path_preopen", Expect::AsKernel, |f| {
        chmod2(f.a, "", 0o750, libc::AT_EMPTY_PATH)
    }),
    case("fchmodat2_empty_path_dir_beneath", Expect::AsKernel, |f| {
        let d = open_dir(f.a, "sub", libc::O_PATH)?;
        chmod2(d, "", 0o750, libc::AT_EMPTY_PATH)
    }),
    case(
        "fchmodat2_empty_path_file_opened_beneath",
        Expect::AsKernel,
        |f| {
            let fd = openat(f.a, &c("f"), libc::O_RDONLY)?;
            chmod2(fd, "", 0o604, libc::AT_EMPTY_PATH)
        },
    ),
    case("fchmodat2_empty_flag_with_path", Expect::AsKernel, |f| {
        // AT_EMPTY_PATH with a path that is not empty: looked up.
        chmod2(f.a, "sub/g", 0o600, libc::AT_EMPTY_PATH)
    }),
    case("chown_beneath", Expect::AsKernel, |f| {
        chown(f.a, "f", NOBODY, NOBODY, 0)
    }),
    case("chown_unchanged_ids", Expect::AsKernel, |f| {
        chown(f.a, "f", u32::MAX, u32::MAX, 0)
    }),
    case("chown_follows_symlink", Expect::AsKernel, |f| {
        chown(f.a, "in_link", NOBODY, NOBODY, 0)
    }),
    case("lchown_symlink", Expect::AsKernel, |f| {
        chown(f.a, "in_link", NOBODY, NOBODY, libc::AT_SYMLINK_NOFOLLOW)
    }),
    case("lchown_symlink_out", Expect::AsKernel, |f| {
        // The link itself is inside; what it names is not looked at.
        chown(f.a, "out_rel", NOBODY, NOBODY, libc::AT_SYMLINK_NOFOLLOW)
    }),
    case("lchown_dangling", Expect::AsKernel, |f| {
        chown(f.a, "dangling", NOBODY, NOBODY, libc::AT_SYMLINK_NOFOLLOW)
    }),
    case("chown_empty_path_dir_beneath", Expect::AsKernel, |f| {
        let d = open_dir(f.a, "sub", libc::O_RDONLY)?;
        chown(d, "", NOBODY, NOBODY, libc::AT_EMPTY_PATH)
    }),
    case("chown_empty_flag_with_path", Expect::AsKernel, |f| {
        chown(f.a, "f", NOBODY, NOBODY, libc::AT_EMPTY_PATH)
    }),
    case("utimensat_times", Expect::AsKernel, |f| {
        utimens(f.a, "f", Some(T), 0)
    }),
    case("utimensat_null_times", Expect::AsKernel, |f| {
        utimens(f.a, "f", None, 0)
    }),
    case("utimensat_now_and_omit", Expect::AsKernel, |f| {
        utimens(
            f.a,
            "f",
            Some([(0, libc::UTIME_NOW), (0, libc::UTIME_OMIT)]),
            0,
        )
    }),
    case("utimensat_omit_and_time", Expect::AsKernel, |f| {
        utimens(f.a, "f", Some([(0, libc::UTIME_OMIT), T[1]]), 0)
    }),
    case("utimensat_dir", Expect::AsKernel, |f| {
        utimens(f.a, "sub", Some(T), 0)
    }),
    case("utimensat_follows_symlink", Expect::AsKernel, |f| {
        utimens(f.a, "in_link", Some(T), 0)
    }),
    case("utimensat_nofollow_symlink", Expect::AsKernel, |f| {
        utimens(f.a, "in_link", Some(T), libc::AT_SYMLINK_NOFOLLOW)
    }),
    case("utimensat_empty_path_preopen", Expect::AsKernel, |f| {
        utimens(f.a, "", Some(T), libc::AT_EMPTY_PATH)
    }),
    case(
        "utimensat_empty_path_file_opened_beneath",
        Expect::AsKernel,
        |f| {
            let fd = openat(f.a, &c("f"), libc::O_RDONLY)?;
            utimens(fd, "", Some(T), libc::AT_EMPTY_PATH)
        },
    ),
    case("futimesat_times", Expect::AsKernel, |f| {
        futimesat(f.a, "f", Some(TV))
    }),
    case("futimesat_null_times", Expect::AsKernel, |f| {
        futimesat(f.a, "sub/g", None)
    }),
    case("futimesat_usec_too_large", Expect::AsKernel, |f| {
        futimesat(f.a, "f", Some([(1, 1_000_000), (1, 0)]))
    }),
    case("futimesat_usec_negative", Expect::AsKernel, |f| {
        futimesat(f.a, "f", Some([(1, 0), (1, -1)]))
    }),
    case("dirfd_rdonly_beneath", Expect::AsKernel, |f| {
        let d = open_dir(f.a, "sub", libc::O_RDONLY)?;
        chmod(d, "g", 0o600)
    }),
    case("dirfd_opath_beneath", Expect::AsKernel, |f| {
        let d = open_dir(f.a, "sub", libc::O_PATH)?;
        chown(d, "g", NOBODY, NOBODY, 0)
    }),
    case("dirfd_opath_deep_utimes", Expect::AsKernel, |f| {
        let d = open_dir(f.a, "sub/deep", libc::O_PATH)?;
        utimens(d, "h", Some(T), 0)
    }),
    case("dirfd_opath_dotdot_within", Expect::AsKernel, |f| {
        // sub/deep/.. is sub: never above the starting directory.
        let d = open_dir(f.a, "sub", libc::O_PATH)?;
        chmod(d, "deep/../g", 0o600)
    }),
    case("dirfd_pooled_beneath", Expect::AsKernel, |f| {
        let d = pooled(f, open_dir(f.a, "sub", libc::O_PATH)?)?;
        chmod(d, "g", 0o600)
    }),
    case("in_a_thread", Expect::AsKernel, |f| {
        let a = f.a;
        std::thread::spawn(move || chmod(a, "f", 0o600))
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("the thread panicked")))
    }),
    case("in_a_forked_child", Expect::AsKernel, |f| {
        let a = f.a;
        in_child(|| chown(a, "sub/g", NOBODY, NOBODY, 0))
    }),
    case("chmod_after_a_compartment", Expect::AsKernel, |f| {
        // A compartment (its input names no directory), then a chmod
        // beneath `a` by the program itself: the compartment's capset(2)
        // changes its own credentials, not the program's.
        let d = open_dir(f.a, "sub", libc::O_PATH)?;
        // SAFETY: `d` was just opened and is owned by nothing else.
        let owned = unsafe { OwnedFd::from_raw_fd(d) };
        let _ = (f.compartment)(owned, "");
        chmod(f.a, "f", 0o600)
    }),
    case("opath_file_beneath_empty_path", Expect::AsKernel, |f| {
        // An O_PATH descriptor of a file beneath a preopened directory.
        let o = openat(f.a, &c("f"), libc::O_PATH)?;
        chmod2(o, "", 0o600, libc::AT_EMPTY_PATH)
    }),
    case(
        "opath_symlink_out_empty_path_chown",
        Expect::AsKernel,
        |f| {
            // An O_PATH | O_NOFOLLOW descriptor of a symbolic link beneath
            // `a` that leads out: "" with AT_EMPTY_PATH is the link itself
            // (open(2), O_PATH), never what it names.
            let o = openat(f.a, &c("out_abs"), libc::O_PATH | libc::O_NOFOLLOW)?;
            chown(o, "", NOBODY, NOBODY, libc::AT_EMPTY_PATH)
        },
    ),
    case(
        "opath_symlink_out_empty_path_utimes",
        Expect::AsKernel,
        |f| {
            let o = openat(f.a, &c("out_rel"), libc::O_PATH | libc::O_NOFOLLOW)?;
            utimens(o, "", Some(T), libc::AT_EMPTY_PATH)
        },
    ),
    case(
        "opath_symlink_out_empty_path_chmod",
        Expect::AsKernel,
        |f| {
            // A symbolic link's mode cannot be changed (EOPNOTSUPP).
            let o = openat(f.a, &c("out_abs"), libc::O_PATH | libc::O_NOFOLLOW)?;
            chmod2(o, "", 0o777, libc::AT_EMPTY_PATH)
        },
    ),
    case("missing", Expect::AsKernel, |f| {
        chmod(f.a, "missing", 0o600)
    }),
    case("missing_dir", Expect::AsKernel, |f| {
        chown(f.a, "nodir/f", NOBODY, NOBODY, 0)
    }),
    case("empty_path_without_flag", Expect::AsKernel, |f| {
        chmod(f.a, "", 0o600)
    }),
    case("dangling_followed", Expect::AsKernel, |f| {
        chmod(f.a, "dangling", 0o600)
    }),
    case("loop_followed", Expect::AsKernel, |f| {
        utimens(f.a, "loop1", Some(T), 0)
    }),
    case("lchown_loop", Expect::AsKernel, |f| {
        chown(f.a, "loop1", NOBODY, NOBODY, libc::AT_SYMLINK_NOFOLLOW)
    }),
    case("not_a_directory", Expect::AsKernel, |f| {
        chmod(f.a, "f/x", 0o600)
    }),
    case("file_trailing_slash", Expect::AsKernel, |f| {
        chown(f.a, "f/", NOBODY, NOBODY, 0)
    }),
    case(
        "lchown_symlink_file_trailing_slash",
        Expect::AsKernel,
        |f| {
            // A trailing slash follows the link whatever the flag
            // (path_resolution(7)): in_link names a file, so ENOTDIR.
            chown(f.a, "in_link/", NOBODY, NOBODY, libc::AT_SYMLINK_NOFOLLOW)
        },
    ),
    case("dirfd_is_a_file", Expect::AsKernel, |f| {
        let fd = openat(f.a, &c("f"), libc::O_RDONLY)?;
        chmod(fd, "x", 0o600)
    }),
    case("dirfd_closed", Expect::AsKernel, |f| {
        let fd = openat(f.a, &c("f"), libc::O_RDONLY)?;
        close(fd);
        chmod(fd, "f", 0o600)
    }),
    case("path_bad_pointer", Expect::AsKernel, |f| {
        chmod_at_ptr(f.a, 8 as *const libc::c_char)
    }),
    case("path_into_unmapped_page", Expect::AsKernel, |f| {
        chmod_at_ptr(f.a, unterminated("f")?)
    }),
    case("utimensat_times_bad_pointer", Expect::AsKernel, |f| {
        let p = c("f");
        ok(sys!(libc::syscall(
            libc::SYS_utimensat,
            f.a,
            p.as_ptr(),
            8usize,
            0
        ))?)
    }),
    case("futimesat_times_bad_pointer", Expect::AsKernel, |f| {
        #[cfg(target_arch = "x86_64")]
        {
            let p = c("f");
            ok(sys!(libc::syscall(
                libc::SYS_futimesat,
                f.a,
                p.as_ptr(),
                8usize
            ))?)
        }
        #[cfg(not(target_arch = "x86_64"))]
        futimesat(f.a, "f", None)
    }),
    case("path_too_long", Expect::AsKernel, |f| {
        chmod(f.a, &"x/".repeat(2100), 0o600)
    }),
    case("name_too_long", Expect::AsKernel, |f| {
        chmod(f.a, &"x".repeat(300), 0o600)
    }),
    case("fchownat_bad_flags", Expect::AsKernel, |f| {
        chown(f.a, "f", NOBODY, NOBODY, 1)
    }),
    case("fchmodat2_bad_flags", Expect::AsKernel, |f| {
        chmod2(f.a, "f", 0o600, libc::AT_REMOVEDIR)
    }),
    case("utimensat_bad_flags", Expect::AsKernel, |f| {
        utimens(f.a, "f", Some(T), libc::AT_SYMLINK_FOLLOW)
    }),
    case("utimensat_nsec_out_of_range", Expect::AsKernel, |f| {
        utimens(f.a, "f", Some([(1, 1_000_000_000), (1, 0)]), 0)
    }),
    case("dotdot_while_renaming", Expect::AsKernel, |f| {
        // A `..` walked while a rename happens anywhere: openat2(2) with
        // RESOLVE_BENEATH answers EAGAIN; fchmodat(2) never does.
        let a = f.a;
        let p = c("sub/../f");
        renaming(3000, f.b, "r1", "r2", &|| {
            // SAFETY: fchmodat(2) with a live C string.
            unsafe { libc::syscall(libc::SYS_fchmodat, a, p.as_ptr(), 0o600) }
        })
    }),
];

/// The attempts that leave the starting directory: each `EACCES` (or
/// Landlock's `EXDEV` for a link), nothing changed, and each escapes
/// unsandboxed.
const DENIED: &[Case] = &[
    case("chmod_dotdot_out", Expect::Denied(NOTCAP), |f| {
        chmod(f.a, "../outside/victim", 0o777)
    }),
    case("fchmodat2_dotdot_out", Expect::Denied(NOTCAP), |f| {
        chmod2(f.a, "../outside/victim", 0o777, 0)
    }),
    case("chown_dotdot_out", Expect::Denied(NOTCAP), |f| {
        chown(f.a, "../outside/victim", NOBODY, NOBODY, 0)
    }),
    case("lchown_dotdot_out", Expect::Denied(NOTCAP), |f| {
        chown(
            f.a,
            "../outside/victim",
            NOBODY,
            NOBODY,
            libc::AT_SYMLINK_NOFOLLOW,
        )
    }),
    case("chown_empty_flag_dotdot_out", Expect::Denied(NOTCAP), |f| {
        chown(
            f.a,
            "../outside/victim",
            NOBODY,
            NOBODY,
            libc::AT_EMPTY_PATH,
        )
    }),
    case("utimensat_dotdot_out", Expect::Denied(NOTCAP), |f| {
        utimens(f.a, "../outside/victim", Some(T), 0)
    }),
    case("utimensat_null_dotdot_out", Expect::Denied(NOTCAP), |f| {
        utimens(f.a, "../outside/victim", None, 0)
    }),
    case("futimesat_dotdot_out", Expect::Denied(NOTCAP), |f| {
        if cfg!(target_arch = "x86_64") {
            futimesat(f.a, "../outside/victim", Some(TV))
        } else {
            utimens(f.a, "../outside/victim", Some(T), 0)
        }
    }),
    case("chmod_deep_dotdot_out", Expect::Denied(NOTCAP), |f| {
        chmod(f.a, "sub/deep/../../../outside/victim", 0o777)
    }),
    case(
        "chmod_dotdot_into_other_preopen",
        Expect::Denied(NOTCAP),
        |f| {
            // `b` is preopened too, but not where the walk starts.
            chmod(f.a, "../b/f", 0o777)
        },
    ),
    case("chmod_absolute", Expect::Denied(NOTCAP), |f| {
        chmod(f.a, &f.world("outside/victim"), 0o777)
    }),
    case("chown_absolute", Expect::Denied(NOTCAP), |f| {
        chown(f.a, &f.world("outside/victim"), NOBODY, NOBODY, 0)
    }),
    case("utimensat_absolute", Expect::Denied(NOTCAP), |f| {
        utimens(f.a, &f.world("outside/victim"), Some(T), 0)
    }),
    case("chmod_absolute_inside", Expect::Denied(NOTCAP), |f| {
        // Absolute even where it names a file beneath: Capsicum refuses
        // every absolute path.
        chmod(f.a, &f.world("a/f"), 0o777)
    }),
    case("chmod_symlink_out_and_back", Expect::Denied(NOTCAP), |f| {
        // Out through out_dir and back in by `..`: it lands on a/f, but
        // the walk left (Capsicum refuses the path, not the place).
        chmod(f.a, "out_dir/../../a/f", 0o777)
    }),
    // A trailing slash follows the link even with AT_SYMLINK_NOFOLLOW
    // (path_resolution(7)): out_dir/ is outside/vdir.
    case(
        "lchown_symlink_dir_trailing_slash_out",
        Expect::Denied(NOTCAP),
        |f| chown(f.a, "out_dir/", NOBODY, NOBODY, libc::AT_SYMLINK_NOFOLLOW),
    ),
    case(
        "utimensat_nofollow_trailing_slash_out",
        Expect::Denied(NOTCAP),
        |f| utimens(f.a, "out_dir/", Some(T), libc::AT_SYMLINK_NOFOLLOW),
    ),
    case(
        "fchmodat2_nofollow_trailing_slash_out",
        Expect::Denied(NOTCAP),
        |f| chmod2(f.a, "out_dir/", 0o777, libc::AT_SYMLINK_NOFOLLOW),
    ),
    case("chmod_symlink_out_relative", Expect::Denied(NOTCAP), |f| {
        chmod(f.a, "out_rel", 0o777)
    }),
    case("chmod_symlink_out_absolute", Expect::Denied(NOTCAP), |f| {
        chmod(f.a, "out_abs", 0o777)
    }),
    case("chown_symlink_out_relative", Expect::Denied(NOTCAP), |f| {
        chown(f.a, "out_rel", NOBODY, NOBODY, 0)
    }),
    case(
        "utimensat_symlink_out_absolute",
        Expect::Denied(NOTCAP),
        |f| utimens(f.a, "out_abs", Some(T), 0),
    ),
    case(
        "chmod_through_symlinked_dir_out",
        Expect::Denied(NOTCAP),
        |f| chmod(f.a, "out_dir/victim2", 0o777),
    ),
    case("dirfd_dotdot_above_start", Expect::Denied(NOTCAP), |f| {
        // Still inside `a`, but above the directory the walk starts from.
        let d = open_dir(f.a, "sub", libc::O_PATH)?;
        chmod(d, "../f", 0o777)
    }),
    case(
        "dirfd_rdonly_dotdot_above_start",
        Expect::Denied(NOTCAP),
        |f| {
            let d = open_dir(f.a, "sub/deep", libc::O_RDONLY)?;
            chown(d, "../g", NOBODY, NOBODY, 0)
        },
    ),
    case("dirfd_symlink_above_start", Expect::Denied(NOTCAP), |f| {
        // sub/up_link -> ../f leaves sub/.
        let d = open_dir(f.a, "sub", libc::O_PATH)?;
        chmod(d, "up_link", 0o777)
    }),
    case("dirfd_opath_outside", Expect::Denied(NOTCAP), |f| {
        let d = opath(f, &f.world("outside"), true)?;
        chmod(d, "victim", 0o777)
    }),
    case(
        "dirfd_opath_outside_by_dotdot",
        Expect::Denied(NOTCAP),
        |f| {
            let d = opath(f, "../outside", true)?;
            chown(d, "victim", NOBODY, NOBODY, 0)
        },
    ),
    case("dirfd_opath_outside_utimes", Expect::Denied(NOTCAP), |f| {
        let d = opath(f, &f.world("outside/vdir"), true)?;
        utimens(d, "victim2", Some(T), 0)
    }),
    case("dirfd_opath_root", Expect::Denied(NOTCAP), |f| {
        let d = opath(f, "/", true)?;
        let rel = f.world("outside/victim");
        chmod(d, rel.trim_start_matches('/'), 0o777)
    }),
    case(
        "dirfd_opath_parent_of_preopen",
        Expect::Denied(NOTCAP),
        |f| {
            // The world's root holds the preopened directories.
            let d = opath(f, "..", true)?;
            chmod(d, "a/f", 0o777)
        },
    ),
    case("dirfd_pooled_outside", Expect::Denied(NOTCAP), |f| {
        let d = pooled(f, opath(f, &f.world("outside"), true)?)?;
        chmod(d, "victim", 0o777)
    }),
    case(
        "dirfd_pooled_outside_empty_path",
        Expect::Denied(NOTCAP),
        |f| {
            let d = pooled(f, opath(f, &f.world("outside/vdir"), true)?)?;
            chmod2(d, "", 0o777, libc::AT_EMPTY_PATH)
        },
    ),
    case(
        "file_pooled_outside_empty_path",
        Expect::Denied(NOTCAP),
        |f| {
            let o = pooled(f, opath(f, &f.world("outside/victim"), false)?)?;
            chown(o, "", NOBODY, NOBODY, libc::AT_EMPTY_PATH)
        },
    ),
    case(
        "opath_file_outside_fchownat_empty",
        Expect::Denied(NOTCAP),
        |f| {
            let o = opath(f, &f.world("outside/victim"), false)?;
            chown(o, "", NOBODY, NOBODY, libc::AT_EMPTY_PATH)
        },
    ),
    case(
        "opath_file_outside_fchmodat2_empty",
        Expect::Denied(NOTCAP),
        |f| {
            let o = opath(f, &f.world("outside/victim"), false)?;
            chmod2(o, "", 0o777, libc::AT_EMPTY_PATH)
        },
    ),
    case(
        "opath_file_outside_utimensat_empty",
        Expect::Denied(NOTCAP),
        |f| {
            let o = opath(f, &f.world("outside/victim"), false)?;
            utimens(o, "", Some(T), libc::AT_EMPTY_PATH)
        },
    ),
    case(
        "opath_dir_outside_fchmodat2_empty",
        Expect::Denied(NOTCAP),
        |f| {
            let d = opath(f, &f.world("outside/vdir"), true)?;
            chmod2(d, "", 0o777, libc::AT_EMPTY_PATH)
        },
    ),
    case(
        "opath_dir_outside_utimensat_empty",
        Expect::Denied(NOTCAP),
        |f| {
            let d = opath(f, &f.world("outside/vdir"), true)?;
            utimens(d, "", Some(T), libc::AT_EMPTY_PATH)
        },
    ),
    case("proc_fd_absolute", Expect::Denied(NOTCAP), |f| {
        let o = opath(f, &f.world("outside/victim"), false)?;
        chmod(f.a, &format!("/proc/self/fd/{o}"), 0o777)
    }),
    case("proc_fd_dirfd_magic_link", Expect::Denied(NOTCAP), |f| {
        // /proc reached by an O_PATH open; the number names a magic link
        // to a file outside.
        let o = opath(f, &f.world("outside/victim"), false)?;
        let p = opath(f, "/proc/self/fd", true)?;
        chmod(p, &o.to_string(), 0o777)
    }),
    case("proc_self_dirfd_cwd_link", Expect::Denied(NOTCAP), |f| {
        // /proc/self/cwd: the process's working directory (the world's
        // root, set by the harness), a magic link.
        let p = opath(f, "/proc/self", true)?;
        chmod(p, "cwd/outside/victim", 0o777)
    }),
    case("hard_link_outside_in", Expect::Denied(REFER), |f| {
        // A link beneath `b` to a file outside (as root: AT_EMPTY_PATH
        // needs CAP_DAC_READ_SEARCH), then changed through it.
        let o = opath(f, &f.world("outside/victim"), false)?;
        let e = c("");
        let l = c("hl");
        sys!(libc::linkat(
            o,
            e.as_ptr(),
            f.b,
            l.as_ptr(),
            libc::AT_EMPTY_PATH
        ))?;
        chmod(f.b, "hl", 0o777)
    }),
    case("hard_link_by_proc_outside_in", Expect::Denied(REFER), |f| {
        let o = opath(f, &f.world("outside/victim"), false)?;
        let src = c(&format!("/proc/self/fd/{o}"));
        let l = c("hl");
        sys!(libc::linkat(
            f.a,
            src.as_ptr(),
            f.b,
            l.as_ptr(),
            libc::AT_SYMLINK_FOLLOW
        ))?;
        chmod(f.b, "hl", 0o777)
    }),
    case(
        "in_a_forked_child_dotdot_out",
        Expect::Denied(NOTCAP),
        |f| {
            let a = f.a;
            in_child(|| chmod(a, "../outside/victim", 0o777))
        },
    ),
    case("in_a_thread_absolute", Expect::Denied(NOTCAP), |f| {
        let (a, victim) = (f.a, f.world("outside/victim"));
        std::thread::spawn(move || chown(a, &victim, NOBODY, NOBODY, 0))
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("the thread panicked")))
    }),
    case(
        "accmode_3_outside_fchmod",
        Expect::Denied(ACCESS_MODE_3),
        |f| {
            // Access mode 3 (O_RDWR | O_WRONLY) opens for neither reading nor
            // writing: Landlock's open check asks nothing of it.
            let fd = openat(f.a, &c(&f.world("outside/victim")), 3)?;
            ok(sys!(libc::fchmod(fd, 0o777))?.into())
        },
    ),
    case(
        "accmode_3_outside_fchown",
        Expect::Denied(ACCESS_MODE_3),
        |f| {
            let fd = openat(f.a, &c("../outside/victim"), 3)?;
            ok(sys!(libc::fchown(fd, NOBODY, NOBODY))?.into())
        },
    ),
    case(
        "accmode_3_outside_futimens",
        Expect::Denied(ACCESS_MODE_3),
        |f| {
            let fd = openat(f.a, &c(&f.world("outside/victim")), 3)?;
            let ts = timespecs(T);
            ok(sys!(libc::futimens(fd, ts.as_ptr()))?.into())
        },
    ),
    case(
        "accmode_3_outside_fsetxattr",
        Expect::Denied(ACCESS_MODE_3),
        |f| {
            let fd = openat(f.a, &c(&f.world("outside/victim")), 3)?;
            let (name, value) = (c("user.escaped"), b"1");
            ok(sys!(libc::fsetxattr(
                fd,
                name.as_ptr(),
                value.as_ptr().cast(),
                1,
                0
            ))?
            .into())
        },
    ),
    case(
        "accmode_3_outside_setflags",
        Expect::Denied(ACCESS_MODE_3),
        |f| {
            let fd = openat(f.a, &c(&f.world("outside/victim")), 3)?;
            // FS_NODUMP_FL (linux/fs.h): a harmless inode flag.
            let flags: libc::c_long = 0x40;
            ok(sys!(libc::ioctl(fd, libc::FS_IOC_SETFLAGS, &flags))?.into())
        },
    ),
    case(
        "accmode_3_outside_empty_path",
        Expect::Denied(ACCESS_MODE_3),
        |f| {
            let fd = openat(f.a, &c("out_abs"), 3)?;
            chmod2(fd, "", 0o777, libc::AT_EMPTY_PATH)
        },
    ),
    // The working directory is the world's root: AT_FDCWD names no
    // preopened directory, so no path from it reaches the supervisor.
    case("chmod_at_fdcwd", Expect::Denied(ECAPMODE), |_| {
        chmod(libc::AT_FDCWD, "outside/victim", 0o777)
    }),
    case("fchmodat2_at_fdcwd", Expect::Denied(ECAPMODE), |_| {
        chmod2(libc::AT_FDCWD, "outside/victim", 0o777, 0)
    }),
    case("chown_at_fdcwd", Expect::Denied(ECAPMODE), |_| {
        chown(libc::AT_FDCWD, "outside/victim", NOBODY, NOBODY, 0)
    }),
    case("utimensat_at_fdcwd", Expect::Denied(ECAPMODE), |_| {
        utimens(libc::AT_FDCWD, "outside/victim", Some(T), 0)
    }),
    on_x86_64(case("futimesat_at_fdcwd", Expect::Denied(ECAPMODE), |_| {
        futimesat(libc::AT_FDCWD, "outside/victim", Some(TV))
    })),
];

/// Races on what the supervisor reads and walks: whatever each call
/// answers, nothing outside changes.
const RACES: &[Case] = &[
    case("path_flipped_dotdot", Expect::Held, |f| {
        let a = f.a;
        flipping(3000, "f", "../outside/victim", &|p| {
            // SAFETY: fchmodat(2) of a path the thread keeps live.
            unsafe { libc::syscall(libc::SYS_fchmodat, a, p, 0o777) }
        })
    }),
    case("path_flipped_absolute", Expect::Held, |f| {
        let a = f.a;
        let victim = f.world("outside/victim");
        flipping(3000, "f", &victim, &|p| {
            // SAFETY: fchownat(2) of a path the thread keeps live.
            unsafe { libc::syscall(libc::SYS_fchownat, a, p, NOBODY, NOBODY, 0) }
        })
    }),
    case("path_flipped_symlink_out", Expect::Held, |f| {
        let a = f.a;
        let ts = timespecs(T);
        flipping(3000, "in_link", "out_rel", &|p| {
            // SAFETY: utimensat(2) of a path the thread keeps live and
            // two live timespecs.
            unsafe { libc::syscall(libc::SYS_utimensat, a, p, ts.as_ptr(), 0) }
        })
    }),
    case("dirfd_moved_up_while_walking", Expect::Held, |f| {
        // sub/deep moved to a/deep and back while `..` is walked from
        // it: still never above where it started (unsandboxed, three
        // `..` from sub/deep reach the world's root).
        let d = open_dir(f.a, "sub/deep", libc::O_PATH)?;
        let p = c("../../../outside/victim");
        renaming(3000, f.a, "sub/deep", "deep", &|| {
            // SAFETY: fchmodat(2) with a live C string.
            unsafe { libc::syscall(libc::SYS_fchmodat, d, p.as_ptr(), 0o777) }
        })
    }),
    case("dirfd_number_swapped", Expect::Held, |f| {
        // The number the filter judged holds a directory beneath `a`, then
        // one outside, in turn: the supervisor judges the copy it takes.
        let n = open_dir(f.a, "sub", libc::O_PATH)?;
        let inside = open_dir(f.a, "sub", libc::O_PATH)?;
        let outside = opath(f, &f.world("outside"), true)?;
        let p = c("victim");
        swapping(n, inside, outside, &|| {
            // SAFETY: fchmodat(2) with a live C string.
            unsafe { libc::syscall(libc::SYS_fchmodat, n, p.as_ptr(), 0o777) }
        })
    }),
];

/// [`racing`] calls of `call` on descriptor number `n` while a thread puts
/// a copy of `inside` and of `outside` there in turn (dup2(2)).
fn swapping(n: RawFd, inside: RawFd, outside: RawFd, call: &dyn Fn() -> i64) -> Attempt {
    // Each held a while, so that both are used.
    let hold = || (0..200).for_each(|_| std::hint::spin_loop());
    let step = move || {
        // SAFETY: dup2(2) of descriptors this process holds onto a number
        // it holds.
        let out = unsafe { libc::dup2(outside, n) } == n;
        hold();
        // SAFETY: as above.
        let back = unsafe { libc::dup2(inside, n) } == n;
        hold();
        out && back
    };
    racing(3000, step, call)
}

/// Changes of credentials after entry: the supervisor must never make a
/// change the kernel would refuse the caller.
const CREDENTIALS: &[Case] = &[
    as_root("setresuid_then_chown", Expect::Refused, |f| {
        drop_to_nobody()?;
        chown(f.a, "f", NOBODY, NOBODY, 0)
    }),
    as_root("setresuid_then_chmod", Expect::Refused, |f| {
        drop_to_nobody()?;
        chmod(f.a, "f", 0o777)
    }),
    as_root("setresuid_then_utimes", Expect::Refused, |f| {
        drop_to_nobody()?;
        utimens(f.a, "f", Some(T), 0)
    }),
    as_root("setresuid_then_utimes_now", Expect::Refused, |f| {
        // Times set to now need write permission: f is 0644, root's.
        drop_to_nobody()?;
        utimens(f.a, "f", None, 0)
    }),
    as_root("setresuid_then_chmod_empty_path", Expect::Refused, |f| {
        drop_to_nobody()?;
        chmod2(f.a, "", 0o777, libc::AT_EMPTY_PATH)
    }),
    as_root("setfsuid_then_chown", Expect::Refused, |f| {
        // SAFETY: setfsuid(2) of this thread.
        unsafe { libc::syscall(libc::SYS_setfsuid, NOBODY) };
        chown(f.a, "sub/g", NOBODY, NOBODY, 0)
    }),
    as_root("capset_then_chown", Expect::Refused, |f| {
        // Root without a capability: capset(2) of empty sets
        // (`_LINUX_CAPABILITY_VERSION_3`: a header of version and pid,
        // then two of effective, permitted, inheritable; capget(2), which
        // names a process, is refused inside).
        let header: [u32; 2] = [0x2008_0522, 0];
        let data = [0u32; 6];
        sys!(libc::syscall(libc::SYS_capset, &header, data.as_ptr()))?;
        chown(f.a, "f", NOBODY, NOBODY, 0)
    }),
    as_root("setids_then_chmod_own_setid", Expect::AsKernel, |f| {
        // f made nobody's (group root's), then every id nobody, no
        // supplementary group: the owner's chmod is allowed, but the
        // kernel clears S_ISGID, the caller being neither in the file's
        // group nor holding CAP_FSETID (chmod(2), inode_change_ok /
        // setattr_prepare in fs/attr.c): the supervisor must make it with
        // the same ids, groups and capabilities.
        chown(f.a, "f", NOBODY, 0, 0)?;
        sys!(libc::setgroups(0, std::ptr::null()))?;
        sys!(libc::syscall(libc::SYS_setresgid, NOBODY, NOBODY, NOBODY))?;
        drop_to_nobody()?;
        chmod(f.a, "f", 0o6755)
    }),
    as_root("setresuid_then_utimes_own_file", Expect::AsKernel, |f| {
        // The owner sets any times of its own file after the change.
        chown(f.a, "sub/g", NOBODY, NOBODY, 0)?;
        drop_to_nobody()?;
        utimens(f.a, "sub/g", Some(T), 0)
    }),
    as_root("setresuid_in_one_thread", Expect::AsKernel, |f| {
        // The raw call changes one thread's credentials (credentials(7):
        // they are per thread; glibc's setresuid(2) wrapper changes every
        // thread's): that thread is refused, the main thread still root.
        let a = f.a;
        let thread = std::thread::spawn(move || {
            drop_to_nobody()?;
            chmod(a, "f", 0o777)
        })
        .join()
        .unwrap_or_else(|_| Err(io::Error::other("the thread panicked")));
        let thread = match thread {
            Ok(r) => r,
            Err(e) => format!("errno {}", e.raw_os_error().unwrap_or(-1)),
        };
        let main = chmod(a, "sub/g", 0o700)?;
        Ok(format!("thread: {thread}, main: {main}"))
    }),
    as_root("setresuid_in_child_then_chown", Expect::Refused, |f| {
        let a = f.a;
        in_child(|| {
            drop_to_nobody()?;
            chown(a, "f", NOBODY, NOBODY, 0)
        })
    }),
];

/// Documented differences: the supervisor refuses where the kernel
/// allows, changing nothing.
const LIMITS: &[Case] = &[
    on_x86_64(case(
        "futimesat_null_path",
        Expect::Limit(libc::EFAULT),
        |f| {
            // Linux reads a NULL path as futimes(2) of the descriptor;
            // FreeBSD's futimesat(2) answers EFAULT.
            #[cfg(target_arch = "x86_64")]
            {
                let fd = openat(f.a, &c("f"), libc::O_RDONLY)?;
                let tv = TV.map(|(tv_sec, tv_usec)| libc::timeval { tv_sec, tv_usec });
                ok(sys!(libc::syscall(
                    libc::SYS_futimesat,
                    fd,
                    std::ptr::null::<libc::c_char>(),
                    tv.as_ptr()
                ))?)
            }
            #[cfg(not(target_arch = "x86_64"))]
            {
                let _ = f;
                Err(io::Error::from_raw_os_error(libc::EFAULT))
            }
        },
    )),
    case("accmode_3_beneath", Expect::Limit(libc::EINVAL), |f| {
        // Refused wherever it opens, as FreeBSD's open(2) refuses the
        // access mode (EINVAL, kern_openat): Linux allows it.
        let fd = openat(f.a, &c("f"), 3)?;
        ok(sys!(libc::fchmod(fd, 0o600))?.into())
    }),
];

/// A static x86_64 program of 180 bytes that makes one call,
/// fchownat(3, "f", 65534, 65534, 0), and exits with its errno (0 when it
/// worked): a plain image for fexecve(3) (the sandbox executes no
/// dynamically linked program: Landlock refuses the loader), holding no
/// file capability.
pub fn chown_image() -> Vec<u8> {
    const BASE: u64 = 0x40_0000;
    const CODE: usize = 64 + 56;
    let mut code = Vec::new();
    code.extend([0xbf, 3, 0, 0, 0]); // mov edi, 3
    let lea = code.len();
    code.extend([0x48, 0x8d, 0x35, 0, 0, 0, 0]); // lea rsi, [rip + path]
    code.extend([0xba, 0xfe, 0xff, 0, 0]); // mov edx, 65534
    code.extend([0x41, 0xba, 0xfe, 0xff, 0, 0]); // mov r10d, 65534
    code.extend([0x45, 0x31, 0xc0]); // xor r8d, r8d
    code.extend([0xb8, 0x04, 0x01, 0, 0]); // mov eax, 260 (fchownat)
    code.extend([0x0f, 0x05]); // syscall
    code.extend([0xf7, 0xd8]); // neg eax
    code.extend([0x89, 0xc7]); // mov edi, eax
    code.extend([0xb8, 0xe7, 0, 0, 0]); // mov eax, 231 (exit_group)
    code.extend([0x0f, 0x05]); // syscall
    let path = code.len();
    code.extend(b"f\0");
    let disp = (path - (lea + 7)) as u32;
    code[lea + 3..lea + 7].copy_from_slice(&disp.to_le_bytes());
    let size = (CODE + code.len()) as u64;
    let mut elf = Vec::new();
    // The ELF header (elf(5)): 64-bit, little-endian, an executable for
    // x86_64, one program header right after it.
    elf.extend([0x7f, b'E', b'L', b'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    elf.extend(2u16.to_le_bytes()); // ET_EXEC
    elf.extend(0x3eu16.to_le_bytes()); // EM_X86_64
    elf.extend(1u32.to_le_bytes());
    elf.extend((BASE + CODE as u64).to_le_bytes()); // e_entry
    elf.extend(64u64.to_le_bytes()); // e_phoff
    elf.extend(0u64.to_le_bytes()); // e_shoff
    elf.extend(0u32.to_le_bytes()); // e_flags
    elf.extend(64u16.to_le_bytes()); // e_ehsize
    elf.extend(56u16.to_le_bytes()); // e_phentsize
    elf.extend(1u16.to_le_bytes()); // e_phnum
    elf.extend([0u8; 6]); // no section headers
                          // One PT_LOAD of the whole file, readable and executable.
    elf.extend(1u32.to_le_bytes());
    elf.extend(5u32.to_le_bytes());
    elf.extend(0u64.to_le_bytes());
    elf.extend(BASE.to_le_bytes());
    elf.extend(BASE.to_le_bytes());
    elf.extend(size.to_le_bytes());
    elf.extend(size.to_le_bytes());
    elf.extend(0x1000u64.to_le_bytes());
    elf.extend(code);
    elf
}

/// What the probe prints before it starts an image that answers by its
/// exit status.
pub const EXEC_MARK: &str = "exec: the image answers by its exit status";

/// Starts the program preopened as `f.program` ([`chown_image`], by
/// fexecve(3), which keeps the sandbox) with `a` at number 3 (opened
/// again beneath itself, `O_PATH`, which takes the lowest free number: a
/// directory opened for reading takes a number of its directory's pool,
/// and the preopened descriptors close on exec).
/// Returns only if that fails.
fn exec_image(f: &Fds) -> Attempt {
    close(3);
    let dot = c(".");
    let d = sys!(libc::openat(
        f.a,
        dot.as_ptr(),
        libc::O_PATH | libc::O_DIRECTORY
    ))?;
    if d != 3 {
        return Err(io::Error::other(format!("`a` landed on {d}, not 3")));
    }
    println!("{EXEC_MARK}");
    std::io::Write::flush(&mut std::io::stdout())?;
    let name = c("image");
    let argv = [name.as_ptr(), std::ptr::null()];
    let envp = [std::ptr::null::<libc::c_char>()];
    let empty = c("");
    sys!(libc::syscall(
        libc::SYS_execveat,
        f.program,
        empty.as_ptr(),
        argv.as_ptr(),
        envp.as_ptr(),
        libc::AT_EMPTY_PATH
    ))?;
    Err(io::Error::other("execveat returned"))
}

/// An image started through fexecve(3), which may hold fewer
/// capabilities than the program (capabilities(7), "Transformation of
/// capabilities during execve()"): as root it keeps root's and both runs
/// change the file; tests/tests/attributes.rs also runs it as nobody
/// holding file capabilities, which the image loses, where the kernel
/// refuses it.
const EXEC: &[Case] = &[on_x86_64(case(
    "exec_then_chown",
    Expect::AsKernel,
    exec_image,
))];

/// Every case, in the order the suite runs them.
pub fn all() -> impl Iterator<Item = &'static Case> {
    [ALLOWED, DENIED, RACES, CREDENTIALS, EXEC, LIMITS]
        .into_iter()
        .flatten()
}

/// The case named `name`.
pub fn find(name: &str) -> Option<&'static Case> {
    all().find(|c| c.name == name)
}

/// One path's state: what a chmod, chown or utimes would change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    kind: u32,
    mode: u32,
    uid: u32,
    gid: u32,
    atime: Time,
    mtime: Time,
    /// A regular file's inode flags (`FS_IOC_GETFLAGS`; -1 unknown).
    flags: i64,
    /// The names of its extended attributes (llistxattr(2)).
    xattrs: Vec<u8>,
}

impl Entry {
    /// What differs in `now`, in words.
    fn changes(&self, now: &Entry) -> String {
        let mut d = Vec::new();
        if (self.kind, self.mode) != (now.kind, now.mode) {
            d.push(format!("mode {:o} -> {:o}", self.mode, now.mode));
        }
        if (self.uid, self.gid) != (now.uid, now.gid) {
            d.push(format!(
                "owner {}:{} -> {}:{}",
                self.uid, self.gid, now.uid, now.gid
            ));
        }
        if self.atime != now.atime {
            d.push(format!("atime {:?} -> {:?}", self.atime, now.atime));
        }
        if self.mtime != now.mtime {
            d.push(format!("mtime {:?} -> {:?}", self.mtime, now.mtime));
        }
        if self.flags != now.flags {
            d.push(format!("flags {:#x} -> {:#x}", self.flags, now.flags));
        }
        if self.xattrs != now.xattrs {
            d.push(format!(
                "xattrs {:?} -> {:?}",
                String::from_utf8_lossy(&self.xattrs),
                String::from_utf8_lossy(&now.xattrs)
            ));
        }
        d.join(", ")
    }
}

/// A time as the world holds it: exact, or "now" (set during the run).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Time {
    /// Seconds and nanoseconds.
    Exact(i64, i64),
    /// At or after the world was built (UTIME_NOW, a NULL `times`).
    Recent,
}

/// Every path of the world, by its name beneath the root.
pub type Snapshot = BTreeMap<String, Entry>;

/// A world at a root of its own, built by [`World::build`].
#[derive(Debug)]
pub struct World {
    /// Its root.
    pub root: PathBuf,
    /// When it was built (seconds since the epoch).
    built: i64,
}

/// The world's paths beneath its root, and what each is: `Ok(dir)`
/// (true: a directory) or a symbolic link's target (with `ROOT` in it
/// for the root).
const LAYOUT: &[(&str, Result<bool, &str>)] = &[
    ("a", Ok(true)),
    ("a/f", Ok(false)),
    ("a/sub", Ok(true)),
    ("a/sub/g", Ok(false)),
    ("a/sub/deep", Ok(true)),
    ("a/sub/deep/h", Ok(false)),
    ("a/in_link", Err("f")),
    ("a/sub/up_link", Err("../f")),
    ("a/out_rel", Err("../outside/victim")),
    ("a/out_abs", Err("ROOT/outside/victim")),
    ("a/out_dir", Err("../outside/vdir")),
    ("a/dangling", Err("missing")),
    ("a/loop1", Err("loop2")),
    ("a/loop2", Err("loop1")),
    ("b", Ok(true)),
    ("b/f", Ok(false)),
    ("b/r1", Ok(true)),
    ("outside", Ok(true)),
    ("outside/victim", Ok(false)),
    ("outside/vdir", Ok(true)),
    ("outside/vdir/victim2", Ok(false)),
];

impl World {
    /// Builds the world at `root` (removing what was there): directories
    /// 0755, files 0644 but `outside/`'s 0600, every time [`WORLD_TIME`].
    pub fn build(root: &Path) -> io::Result<World> {
        let _ = std::fs::remove_dir_all(root);
        std::fs::create_dir_all(root)?;
        let root = root.canonicalize()?;
        for (rel, what) in LAYOUT {
            let p = root.join(rel);
            match what {
                Ok(true) => std::fs::create_dir(&p)?,
                Ok(false) => {
                    std::fs::write(&p, rel)?;
                    let mode = if rel.starts_with("outside") {
                        0o600
                    } else {
                        0o644
                    };
                    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode))?;
                }
                Err(target) => {
                    std::os::unix::fs::symlink(target.replace("ROOT", &root.to_string_lossy()), &p)?
                }
            }
        }
        let world = World {
            root,
            built: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs() as i64),
        };
        // Children before their directories: a directory's times stay.
        for (rel, _) in LAYOUT.iter().rev() {
            world.set_times(rel)?;
        }
        world.set_times("")?;
        Ok(world)
    }

    fn set_times(&self, rel: &str) -> io::Result<()> {
        let p = CString::new(self.root.join(rel).into_os_string().into_encoded_bytes())
            .map_err(io::Error::other)?;
        let ts = timespecs([(WORLD_TIME, 0), (WORLD_TIME, 0)]);
        sys!(libc::utimensat(
            libc::AT_FDCWD,
            p.as_ptr(),
            ts.as_ptr(),
            libc::AT_SYMLINK_NOFOLLOW
        ))?;
        Ok(())
    }

    /// The state of every path of the layout (lstat(2) alone: reading a
    /// file or a directory would change its access time).
    pub fn snapshot(&self) -> Snapshot {
        let time = |s: i64, ns: i64| {
            if s >= self.built {
                Time::Recent
            } else {
                Time::Exact(s, ns)
            }
        };
        std::iter::once("")
            .chain(LAYOUT.iter().map(|(rel, _)| *rel))
            .filter_map(|rel| {
                let m = std::fs::symlink_metadata(self.root.join(rel)).ok()?;
                let link = m.file_type().is_symlink();
                let atime = match time(m.atime(), m.atime_nsec()) {
                    // Following a symbolic link reads it, which sets its
                    // access time to now (relatime): not a change made.
                    Time::Recent if link => Time::Exact(WORLD_TIME, 0),
                    t => t,
                };
                Some((
                    rel.to_owned(),
                    Entry {
                        kind: m.mode() & libc::S_IFMT,
                        mode: m.mode() & !libc::S_IFMT,
                        uid: m.uid(),
                        gid: m.gid(),
                        atime,
                        mtime: time(m.mtime(), m.mtime_nsec()),
                        flags: if m.file_type().is_file() {
                            inode_flags(&self.root.join(rel))
                        } else {
                            0
                        },
                        xattrs: xattr_names(&self.root.join(rel)),
                    },
                ))
            })
            .collect()
    }

    /// `ROOT/rel`.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }
}

/// A file's inode flags (`FS_IOC_GETFLAGS` through an open that reads
/// nothing, which leaves its times); -1 when they cannot be read.
fn inode_flags(path: &Path) -> i64 {
    let Ok(file) = std::fs::File::open(path) else {
        return -1;
    };
    let mut flags: libc::c_long = 0;
    match sys!(libc::ioctl(
        std::os::fd::AsRawFd::as_raw_fd(&file),
        libc::FS_IOC_GETFLAGS,
        &mut flags
    )) {
        Ok(_) => flags,
        Err(_) => -1,
    }
}

/// The names of the extended attributes of `path` itself (llistxattr(2)).
fn xattr_names(path: &Path) -> Vec<u8> {
    let Ok(p) = CString::new(path.as_os_str().as_encoded_bytes()) else {
        return Vec::new();
    };
    let mut buf = vec![0u8; 1024];
    let n = sys!(libc::llistxattr(
        p.as_ptr(),
        buf.as_mut_ptr().cast(),
        buf.len()
    ))
    .unwrap_or(0);
    buf.truncate(n.max(0) as usize);
    buf
}

impl Drop for World {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

/// What differs between two snapshots, in words (empty: nothing).
pub fn diff(before: &Snapshot, after: &Snapshot) -> String {
    let mut d = Vec::new();
    for (rel, b) in before {
        match after.get(rel) {
            None => d.push(format!("{rel}: gone")),
            Some(a) if a != b => d.push(format!("{rel}: {}", b.changes(a))),
            Some(_) => {}
        }
    }
    for rel in after.keys().filter(|k| !before.contains_key(*k)) {
        d.push(format!("{rel}: new"));
    }
    d.join("; ")
}

/// `snapshot` restricted to `outside/`.
pub fn outside(snapshot: &Snapshot) -> Snapshot {
    snapshot
        .iter()
        .filter(|(k, _)| k.starts_with("outside"))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}
