//! Limited descriptors before entry: the kernel-enforced access mode
//! (reopening through `/proc/self/fd`, proc(5)) and the numbering that
//! keeps the seccomp rules flat.
//!
//! Each limited descriptor is moved with dup3(2) into a block of high
//! numbers just below `min(RLIMIT_NOFILE, 4096)`, consecutive descriptors
//! with the same limits sharing one range (a *class*). The seccomp rights
//! filter then costs a few comparisons per class, however many descriptors
//! a class holds. New descriptors get the lowest free number (open(2)), so
//! they never land in a block; copying a block descriptor or dup2'ing over
//! one is denied. Handles do not expose numbers, so moving is invisible.
//!
//! Each class records what its access mode lets through (read, write), so
//! the filter adds read/write rules only where the mode is wider than the
//! rights. Standard streams are reopened too where that is harmless
//! (`narrow_stdio`).

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, IntoRawFd, OwnedFd, RawFd};

use crate::error::Failure;
use crate::rights::{Limits, Right, RightSet};

use super::seccomp::FdClass;
use super::slots;

/// Highest number a block may start from (keeps the descriptor table small
/// where `RLIMIT_NOFILE` is huge).
const BLOCK_CEILING: u64 = 4096;

/// Rights whose operations need an open file description (not `O_PATH`):
/// open(2) says `O_PATH` descriptors allow only fstat, fstatfs, fchdir,
/// *at lookups, close, dup and `F_GETFD`/`F_SETFD`/`F_GETFL`; lseek(2),
/// `F_SETFL`/`F_GETOWN`/`F_SETOWN` and mmap(2) answer `EBADF` there.
const NEEDS_OPEN_FILE: RightSet = RightSet::of(&[
    Right::Read,
    Right::Write,
    Right::SeekTell,
    Right::Fcntl,
    Right::Mmap,
    Right::Fsync,
    Right::Ftruncate,
    Right::Fchmod,
    Right::Fchown,
    Right::Fchflags,
    Right::Futimes,
    Right::Flock,
    Right::Ioctl,
    Right::Event,
    Right::ExtattrGet,
    Right::ExtattrList,
    Right::ExtattrSet,
    Right::ExtattrDelete,
    Right::AclGet,
    Right::AclSet,
    Right::AclCheck,
    Right::AclDelete,
]);

/// Whether any of `rights` needs an open file description: a
/// descriptor limited to rights that need none is narrowed to `O_PATH`
/// ([`narrowest_flags`]), and what it is opened for the filter lets
/// nothing use.
pub(crate) fn needs_open_file(rights: RightSet) -> bool {
    !rights.intersection(NEEDS_OPEN_FILE).is_empty()
}

fn fcntl(fd: RawFd, cmd: libc::c_int) -> io::Result<libc::c_int> {
    // SAFETY: F_GETFL / F_GETFD take no pointer argument.
    let r = unsafe { libc::fcntl(fd, cmd) };
    if r < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(r)
    }
}

/// Whether `fd` is an open descriptor.
pub(crate) fn is_open(fd: RawFd) -> bool {
    fcntl(fd, libc::F_GETFD).is_ok()
}

/// What kind of object `fd` refers to.
fn file_type(fd: RawFd) -> io::Result<libc::mode_t> {
    let mut st = std::mem::MaybeUninit::<libc::stat>::uninit();
    // SAFETY: `st` is a valid out-pointer for one `struct stat`.
    if unsafe { libc::fstat(fd, st.as_mut_ptr()) } < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: fstat succeeded and filled `st`.
    Ok(unsafe { st.assume_init() }.st_mode & libc::S_IFMT)
}

/// The open flags (`O_RDONLY`, `O_WRONLY`, `O_RDWR` or `O_PATH` plus
/// status flags) `fd` should have for `rights`, given its current flags:
/// never wider than now.
pub(crate) fn narrowest_flags(current: libc::c_int, dir: bool, rights: RightSet) -> libc::c_int {
    const KEEP: libc::c_int = libc::O_APPEND
        | libc::O_NONBLOCK
        | libc::O_NOATIME
        | libc::O_DIRECT
        | libc::O_DSYNC
        | libc::O_SYNC;
    let kind = if dir { libc::O_DIRECTORY } else { 0 };
    if current & libc::O_PATH != 0 {
        return current;
    }
    if !needs_open_file(rights) {
        return libc::O_PATH | kind;
    }
    let acc = current & libc::O_ACCMODE;
    let had_read = acc == libc::O_RDONLY || acc == libc::O_RDWR;
    let had_write = acc == libc::O_WRONLY || acc == libc::O_RDWR;
    // mmap(2) of a file needs it open for reading whatever the
    // protection ("EACCES: a file mapping was requested, but fd is not
    // open for reading"); a shared writable mapping needs it open for
    // writing too, which `mmap_w` (mmap | seek | write) brings.
    let read = had_read && (rights.allows(Right::Read) || rights.allows(Right::Mmap));
    // ftruncate(2) and fallocate(2) need a descriptor open for writing.
    let write =
        had_write && !dir && (rights.allows(Right::Write) || rights.allows(Right::Ftruncate));
    let mode = match (read, write) {
        (true, true) => libc::O_RDWR,
        (true, false) => libc::O_RDONLY,
        (false, true) => libc::O_WRONLY,
        // Rights such as seek, fcntl or fsync alone need an open file but
        // neither read nor write: read-only where it could read (the
        // rights filter denies read(2) itself), else what it has rather
        // than gain read access it did not have.
        (false, false) if had_read => libc::O_RDONLY,
        (false, false) => acc,
    };
    mode | (current & KEEP) | kind
}

/// A descriptor made ready for its block: what `prepare` found out.
#[derive(Debug)]
pub(crate) struct Prepared {
    /// The descriptor (reopened, when its access mode was narrowed).
    pub fd: OwnedFd,
    /// Whether it is a directory.
    pub dir: bool,
    /// What its access mode lets through: (read(2), write(2)).
    pub access: (bool, bool),
}

/// Looks at `fd` once (fstat(2), `F_GETFL`) and, when `narrow`, reopens
/// it with the narrowest access mode its rights allow. Only regular files
/// and directories are reopened: for FIFOs, devices and sockets a second
/// open has effects of its own (or fails, ENXIO), so they keep their mode
/// and rely on the seccomp rights filter alone.
pub(crate) fn prepare(fd: OwnedFd, limits: &Limits, narrow: bool) -> Result<Prepared, Failure> {
    let raw = fd.as_raw_fd();
    let kind = file_type(raw).map_err(|e| Failure::new("fstat", e))?;
    let current = fcntl(raw, libc::F_GETFL).map_err(|e| Failure::new("fcntl(F_GETFL)", e))?;
    let dir = kind == libc::S_IFDIR;
    let ready = |fd, flags| Prepared {
        fd,
        dir,
        access: access_of(flags),
    };
    if !narrow || (kind != libc::S_IFREG && !dir) {
        return Ok(ready(fd, current));
    }
    let want = narrowest_flags(current, dir, limits.rights);
    let significant = libc::O_ACCMODE | libc::O_PATH;
    if want & significant == current & significant {
        return Ok(ready(fd, current));
    }
    let path = std::ffi::CString::new(format!("/proc/self/fd/{raw}")).expect("no NUL");
    // SAFETY: `path` is NUL-terminated; the result is checked below.
    let new = unsafe { libc::open(path.as_ptr(), want | libc::O_CLOEXEC | libc::O_NOCTTY) };
    if new < 0 {
        let err = io::Error::last_os_error();
        return match err.raw_os_error() {
            // No /proc, or a file whose permission bits deny the narrower
            // mode (created with mode 0): the seccomp rights filter still
            // limits the descriptor.
            Some(libc::ENOENT | libc::EACCES) => Ok(ready(fd, current)),
            _ => Err(Failure::new("open(/proc/self/fd)", err)),
        };
    }
    // SAFETY: `new` was just returned by open(2) and is owned by nobody else.
    Ok(ready(unsafe { OwnedFd::from_raw_fd(new) }, want))
}

/// The class of a pool of numbers `lo..=hi` with `limits`: its access
/// mode never trusted (any descriptor within them may be moved in);
/// `served` by a service, or `inherited` (filled by the supervisor, whose
/// copies go there too).
fn pool_class(lo: RawFd, hi: RawFd, limits: &Limits, served: bool, inherited: bool) -> FdClass {
    FdClass {
        lo: lo as u32,
        hi: hi as u32,
        limits: *limits,
        reads: true,
        writes: true,
        pool: true,
        served,
        inherited,
        copied: inherited,
        checked: crate::rights::RightSet::EMPTY,
    }
}

/// The highest open number of `lo..=hi`, if any: one poll(2) of them all
/// (a number not open answers `POLLNVAL`).
fn highest_open(lo: RawFd, hi: RawFd) -> Option<RawFd> {
    let mut fds = slots::pollfds(lo, hi);
    // Unknown: the whole range counts as taken.
    let Some(()) = slots::readable(&mut fds) else {
        return Some(hi);
    };
    fds.iter()
        .rev()
        .find(|p| p.revents & libc::POLLNVAL == 0)
        .map(|p| p.fd)
}

/// What open flags let through: (read(2), write(2)).
fn access_of(flags: libc::c_int) -> (bool, bool) {
    if flags & libc::O_PATH != 0 {
        return (false, false);
    }
    match flags & libc::O_ACCMODE {
        libc::O_RDONLY => (true, false),
        libc::O_WRONLY => (false, true),
        _ => (true, true),
    }
}

/// What `fd`'s access mode lets through: (read(2), write(2)). Unknown
/// flags count as both (the filter then looks).
fn access_mode(fd: RawFd) -> (bool, bool) {
    match fcntl(fd, libc::F_GETFL) {
        Ok(fl) => access_of(fl),
        Err(_) => (true, true),
    }
}

/// Gives standard stream `fd` the narrowest access mode `limits` allow by
/// reopening it through `/proc/self/fd` and dup3(2)'ing the new
/// description over it, where a second open has no effect of its own and
/// no offset is shared: pipes and FIFOs (opened `O_NONBLOCK`, so that
/// open(2) neither waits for a peer nor takes one; fifo(7)), terminals
/// (`O_NOCTTY`) and the memory devices (`/dev/null`...). Regular files
/// share their offset with the parent, sockets cannot be opened (ENXIO),
/// other devices may act on open: they keep their mode and the seccomp
/// rights filter limits them. Best effort: on any failure the stream is
/// left as it was (still limited by the filter). Returns the stream's open
/// flags as it leaves it (`None`: the stream is closed), so that its
/// class need not read them again.
pub(crate) fn narrow_stdio(fd: RawFd, limits: &Limits) -> Option<libc::c_int> {
    let current = fcntl(fd, libc::F_GETFL).ok()?;
    let want = narrowest_flags(current, false, limits.rights);
    if want & libc::O_PATH != 0 || want & libc::O_ACCMODE == current & libc::O_ACCMODE {
        return Some(current);
    }
    let mut st = std::mem::MaybeUninit::<libc::stat>::uninit();
    // SAFETY: `st` is a valid out-pointer for one `struct stat`.
    if unsafe { libc::fstat(fd, st.as_mut_ptr()) } < 0 {
        return Some(current);
    }
    // SAFETY: fstat succeeded and filled `st`.
    let st = unsafe { st.assume_init() };
    let kind = st.st_mode & libc::S_IFMT;
    // SAFETY: isatty takes a descriptor number only.
    let tty = unsafe { libc::isatty(fd) } == 1;
    // Major 1: mem, null, zero, full, random, urandom (devices.txt).
    let memory = kind == libc::S_IFCHR && libc::major(st.st_rdev) == 1;
    if !(kind == libc::S_IFIFO || tty || memory) {
        return Some(current);
    }
    let path = std::ffi::CString::new(format!("/proc/self/fd/{fd}")).expect("no NUL");
    let flags = (want & libc::O_ACCMODE) | libc::O_NOCTTY | libc::O_NONBLOCK | libc::O_CLOEXEC;
    // SAFETY: `path` is NUL-terminated; the result is checked.
    let new = unsafe { libc::open(path.as_ptr(), flags) };
    if new < 0 {
        return Some(current);
    }
    // SAFETY: `new` was just returned by open(2) and is owned here.
    let new = unsafe { OwnedFd::from_raw_fd(new) };
    // The status flags the stream had (O_NONBLOCK off unless it was on).
    let status = current & (libc::O_APPEND | libc::O_NONBLOCK);
    // SAFETY: F_SETFL takes an integer; dup3 onto a standard stream
    // number we limit (the old description is closed, the parent keeps
    // its own).
    let narrowed = unsafe {
        libc::fcntl(new.as_raw_fd(), libc::F_SETFL, status) == 0
            && libc::dup3(new.as_raw_fd(), fd, 0) == fd
    };
    Some(if narrowed {
        (want & libc::O_ACCMODE) | status
    } else {
        current
    })
}

/// A pool: numbers of the block reserved at entry for descriptors limited
/// after it (those a service hands in), all with the same limits.
///
/// Limiting a descriptor after entry is moving it onto a number of a pool
/// holding the placeholder ([`into_pool`]): the seccomp rights filter
/// gives the pool's numbers their limits from the start, so the
/// descriptor holds them from its first use on, and for good: it is never
/// copied but into a pool within them (dup2/dup3 rules), and a copy is
/// the only way to another number. A pool number is never free
/// (`slots.rs`: a placeholder holds it whenever no limited descriptor
/// does, and a close puts it back), so no descriptor the kernel hands out
/// later lands there. Descriptors of other classes may be moved only into
/// pools within their own limits, and any other descriptor may be, since
/// a pool holds no right that descriptors outside every class lack
/// (`judge::outside_rights`): rights only shrink.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Pool {
    /// First number.
    pub lo: RawFd,
    /// Last number.
    pub hi: RawFd,
}

/// Serialises the choice of a free pool number between threads.
static POOL_LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Moves `fd` into a number of `pool` holding the placeholder
/// (`slots.rs`): the descriptor takes the pool's limits for good. dup3(2)
/// replaces the placeholder atomically, so no other thread's open(2) can
/// take the number in between (it is never free). `EMFILE` when every
/// number of the pool is in use (the descriptor is closed: it is never
/// handed out unlimited). A descriptor taken from another pool leaves
/// the placeholder at its old number.
pub(crate) fn into_pool(fd: OwnedFd, pool: Pool) -> io::Result<OwnedFd> {
    try_into_pool(fd, pool).map_err(|refused| match refused {
        Refused::Full(fd) => {
            release(fd);
            io::Error::from_raw_os_error(libc::EMFILE)
        }
        Refused::Failed(e) => e,
    })
}

/// Why [`try_into_pool`] did not move a descriptor.
#[derive(Debug)]
pub(crate) enum Refused {
    /// Every number of the pool is in use: the descriptor, handed back
    /// unlimited for the caller to make room or to close.
    Full(OwnedFd),
    /// dup3(2) failed.
    Failed(io::Error),
}

/// As [`into_pool`], but a full pool hands the descriptor back.
pub(crate) fn try_into_pool(fd: OwnedFd, pool: Pool) -> Result<OwnedFd, Refused> {
    let _guard = POOL_LOCK
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let Some(free) = slots::free_slot(pool.lo, pool.hi) else {
        return Err(Refused::Full(fd));
    };
    // SAFETY: dup3 of a descriptor we own onto a number holding the
    // placeholder (found under the lock); the result is checked below.
    let moved = unsafe { libc::dup3(fd.as_raw_fd(), free, libc::O_CLOEXEC) };
    if moved < 0 {
        return Err(Refused::Failed(io::Error::last_os_error()));
    }
    release(fd);
    // SAFETY: `moved` is a new descriptor nobody else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(moved) })
}

/// Closes `fd`; a pool number gets the placeholder back instead of being
/// freed (before entry too, when the filter does not yet trap close(2)).
pub(crate) fn release(fd: OwnedFd) {
    if slots::is_pool_number(fd.as_raw_fd()) {
        slots::release(fd)
    } else {
        drop(fd)
    }
}

/// Gives the class of the placeholders' source (number `source`)
/// `limits`: what a pool may hold at most (the source is copied into
/// every pool, `Into` rules).
pub(crate) fn set_source_limits(classes: &mut [FdClass], source: RawFd, limits: Limits) {
    let n = source as u32;
    for c in classes.iter_mut().filter(|c| c.lo == n && c.hi == n) {
        c.limits = limits;
    }
}

/// The block allocator and the classes of limited descriptors.
#[derive(Debug, Default)]
pub(crate) struct Table {
    /// Next number to try, going down; `None` until first used.
    next: Option<RawFd>,
    /// Classes in the block, in allocation order (descending numbers).
    block: Vec<FdClass>,
    /// Classes of the standard streams.
    stdio: Vec<FdClass>,
    /// Pools, in reservation order.
    pools: Vec<FdClass>,
    /// The number of the placeholders' source (`slots.rs`), once a pool
    /// is reserved.
    source: Option<RawFd>,
}

impl Table {
    fn top() -> RawFd {
        let mut lim = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: `lim` is a valid out-pointer.
        let soft = if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) } == 0 {
            lim.rlim_cur
        } else {
            1024
        };
        (soft.min(BLOCK_CEILING) as RawFd) - 1
    }

    /// Moves `fd` to the next free number of the block and records its
    /// class, reading its access mode.
    pub(crate) fn place(&mut self, fd: OwnedFd, limits: &Limits) -> Result<OwnedFd, Failure> {
        let access = access_mode(fd.as_raw_fd());
        self.place_with(fd, limits, access)
    }

    /// [`place`](Table::place) of a descriptor whose access mode is known
    /// (`prepare`).
    pub(crate) fn place_with(
        &mut self,
        fd: OwnedFd,
        limits: &Limits,
        access: (bool, bool),
    ) -> Result<OwnedFd, Failure> {
        let mut target = self.next.unwrap_or_else(Self::top);
        while target > 2 && is_open(target) {
            target -= 1;
        }
        if target <= 2 {
            return Err(Failure::new(
                "dup3",
                io::Error::from_raw_os_error(libc::EMFILE),
            ));
        }
        // SAFETY: dup3 on a descriptor we own onto a number we checked is
        // free; the result is checked below.
        let moved = unsafe { libc::dup3(fd.as_raw_fd(), target, libc::O_CLOEXEC) };
        if moved < 0 {
            return Err(Failure::last_os_error("dup3"));
        }
        drop(fd);
        // SAFETY: `moved` is a new descriptor nobody else owns.
        let moved = unsafe { OwnedFd::from_raw_fd(moved) };
        let n = target as u32;
        let (reads, writes) = access;
        match self.block.last_mut() {
            Some(last)
                if last.limits == *limits
                    && (last.reads, last.writes) == (reads, writes)
                    && last.lo == n + 1 =>
            {
                last.lo = n
            }
            _ => self.block.push(FdClass {
                lo: n,
                hi: n,
                limits: *limits,
                reads,
                writes,
                pool: false,
                served: false,
                inherited: false,
                copied: false,
                checked: crate::rights::RightSet::EMPTY,
            }),
        }
        self.next = Some(target - 1);
        Ok(moved)
    }

    /// Records the limits of standard stream `fd` (kept at its number; see
    /// `narrow_stdio` for its access mode). A closed stream is skipped
    /// (`CAPH_IGNORE_EBADF`).
    pub(crate) fn stdio(&mut self, fd: RawFd, limits: &Limits) {
        if let Ok(flags) = fcntl(fd, libc::F_GETFL) {
            self.stdio_with(fd, limits, flags);
        }
    }

    /// [`stdio`](Table::stdio) of a stream whose open `flags` are known
    /// (`narrow_stdio`).
    pub(crate) fn stdio_with(&mut self, fd: RawFd, limits: &Limits, flags: libc::c_int) {
        let n = fd as u32;
        let (reads, writes) = access_of(flags);
        self.stdio.retain(|c| c.lo != n);
        self.stdio.push(FdClass {
            lo: n,
            hi: n,
            limits: *limits,
            reads,
            writes,
            pool: false,
            served: false,
            inherited: false,
            copied: false,
            checked: crate::rights::RightSet::EMPTY,
        });
    }

    /// Reserves a pool of `size` free numbers of the block for
    /// descriptors limited to `limits` after entry, each holding a
    /// placeholder (`slots.rs`); the first pool places the placeholders'
    /// source in the block above it. `served`: a service hands its
    /// descriptors in ([`FdClass::served`]).
    pub(crate) fn pool(
        &mut self,
        limits: &Limits,
        size: u32,
        served: bool,
    ) -> Result<Pool, Failure> {
        if self.source.is_none() {
            let src = slots::source().map_err(|e| Failure::new("eventfd", e))?;
            // Its class's limits are set at entry (`set_source_limits`):
            // every right a pool may hold, so that it may be copied into
            // any pool.
            let placed = self.place_with(src, &Limits::default(), (true, true))?;
            let n = placed.into_raw_fd();
            slots::set_source(n);
            self.source = Some(n);
        }
        let mut hi = self.next.unwrap_or_else(Self::top);
        'search: while hi as i64 - size as i64 > 2 {
            for n in (hi + 1 - size as RawFd..=hi).rev() {
                if is_open(n) {
                    hi = n - 1;
                    continue 'search;
                }
            }
            let lo = hi + 1 - size as RawFd;
            for n in lo..=hi {
                slots::fill(n).map_err(|e| Failure::new("dup3", e))?;
            }
            slots::reserve(lo, hi);
            self.pools.push(pool_class(lo, hi, limits, served, false));
            self.next = Some(lo - 1);
            return Ok(Pool { lo, hi });
        }
        Err(Failure::new(
            "pool",
            io::Error::from_raw_os_error(libc::EMFILE),
        ))
    }

    /// A pool of `size` free numbers of the block for descriptors opened
    /// beneath directories and copies (`inherited.rs`), which the
    /// supervisor fills ([`FdClass::inherited`]): no placeholder is put
    /// there (the supervisor takes a closed number as it would take a
    /// placeholder's, and a close is not trapped), so reserving it costs
    /// one poll(2) of its numbers. `None` when the block has no room
    /// for it.
    pub(crate) fn inherited_pool(&mut self, limits: &Limits, size: u32) -> Option<Pool> {
        let size = size as RawFd;
        let mut hi = self.next.unwrap_or_else(Self::top);
        while hi - size > 2 {
            let lo = hi + 1 - size;
            match highest_open(lo, hi) {
                Some(n) => hi = n - 1,
                None => {
                    self.pools.push(pool_class(lo, hi, limits, false, true));
                    self.next = Some(lo - 1);
                    return Some(Pool { lo, hi });
                }
            }
        }
        None
    }

    /// How many numbers the block has left below it (above the standard
    /// streams).
    pub(crate) fn room(&self) -> u32 {
        (self.next.unwrap_or_else(Self::top) - 2).max(0) as u32
    }

    /// Marks the class of numbers `lo..=hi` [`copied`](FdClass::copied):
    /// a copy of its descriptors goes into a pool of its limits.
    pub(crate) fn mark_copied(&mut self, lo: u32, hi: u32) {
        for c in self
            .stdio
            .iter_mut()
            .chain(&mut self.block)
            .chain(&mut self.pools)
        {
            if (c.lo, c.hi) == (lo, hi) {
                c.copied = true;
            }
        }
    }

    /// Whether a close of some pool number is trapped (a pool that is not
    /// [`inherited`](FdClass::inherited)): the `SIGSYS` handler then puts
    /// its placeholder back (`slots.rs`).
    pub(crate) fn traps_closes(&self) -> bool {
        self.pools.iter().any(|c| !c.inherited)
    }

    /// The placeholders' source, once a pool is reserved.
    pub(crate) fn source(&self) -> Option<RawFd> {
        self.source
    }

    /// The number `RLIMIT_NOFILE` is fixed to at entry: the lowest number
    /// of the block, where no descriptor made after entry may land (its
    /// number keeps its rights); `None` when nothing was placed there.
    /// Pools, reserved after the block is filled, lie below it, so that
    /// dup3(2) into them (`into_pool`) still works (`ksys_dup3` refuses a
    /// target at or above the limit).
    pub(crate) fn block_floor(&self) -> Option<RawFd> {
        let floor = self.block.iter().map(|c| c.lo).min()?;
        debug_assert!(
            self.pools.iter().all(|p| p.hi < floor),
            "a pool above the block"
        );
        Some(floor as RawFd)
    }

    /// Every class, for the seccomp rights filter.
    pub(crate) fn classes(&self) -> Vec<FdClass> {
        self.stdio
            .iter()
            .chain(&self.block)
            .chain(&self.pools)
            .copied()
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rights(r: &[Right]) -> RightSet {
        RightSet::of(r)
    }

    #[test]
    fn access_mode_is_the_narrowest_the_rights_allow() {
        let rdwr = libc::O_RDWR;
        assert_eq!(
            narrowest_flags(rdwr, false, rights(&[Right::Read])),
            libc::O_RDONLY
        );
        assert_eq!(
            narrowest_flags(rdwr, false, rights(&[Right::Write])),
            libc::O_WRONLY
        );
        assert_eq!(
            narrowest_flags(rdwr, false, rights(&[Right::Fstat])),
            libc::O_PATH
        );
        assert_eq!(
            narrowest_flags(libc::O_RDONLY, true, rights(&[Right::Lookup])),
            libc::O_PATH | libc::O_DIRECTORY
        );
        // Never wider than before, append kept.
        let wr_append = libc::O_WRONLY | libc::O_APPEND;
        assert_eq!(
            narrowest_flags(wr_append, false, rights(&[Right::Read, Right::Write])),
            wr_append
        );
        assert_eq!(
            narrowest_flags(libc::O_WRONLY, false, rights(&[Right::Fsync])),
            libc::O_WRONLY
        );
    }

    /// Each right held alone keeps working: lseek(2) and most fcntl(2)
    /// commands need an open file, mmap(2) a readable one, a shared
    /// writable mapping a read-write one (conformance suite,
    /// capability-fd.cc TEST(Capability, Operations)).
    #[test]
    fn rights_held_alone_get_a_mode_they_work_with() {
        let rdwr = libc::O_RDWR;
        for r in [
            Right::Seek,
            Right::SeekTell,
            Right::Fcntl,
            Right::Mmap,
            Right::MmapX,
        ] {
            assert_eq!(
                narrowest_flags(rdwr, false, rights(&[r])),
                libc::O_RDONLY,
                "{r}"
            );
        }
        for r in [Right::MmapW, Right::MmapWx, Right::MmapRw, Right::MmapRwx] {
            assert_eq!(
                narrowest_flags(rdwr, false, rights(&[r])),
                libc::O_RDWR,
                "{r}"
            );
        }
        assert_eq!(
            narrowest_flags(libc::O_WRONLY, false, rights(&[Right::Seek])),
            libc::O_WRONLY
        );
    }

    /// The tests that place descriptors at the top of the table, one at
    /// a time (the runner's threads share the table).
    static TOP: std::sync::Mutex<()> = std::sync::Mutex::new(());

    /// Every number of a pool holds the placeholder from setup on, and
    /// the probe tells them from other descriptors; prints what reserving
    /// a pool costs (eventfd(2) and its placement for the first pool, one
    /// dup3(2) per number).
    #[test]
    fn every_pool_number_holds_a_placeholder_and_the_probe_finds_it() {
        let _top = TOP
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut table = Table::default();
        // The descriptor table grown to the top first, as the preopens
        // placed before any pool grow it (growing it in a threaded
        // process waits for an RCU grace period, fs/file.c
        // `expand_fdtable`): the figures are the pools' own.
        let grow: OwnedFd = std::fs::File::open("/dev/null").unwrap().into();
        // SAFETY: dup3 onto the top number, closed at once.
        unsafe {
            assert_eq!(libc::dup3(grow.as_raw_fd(), Table::top(), 0), Table::top());
            libc::close(Table::top());
        }
        let first = std::time::Instant::now();
        let a = table.pool(&Limits::default(), 64, false).unwrap();
        let first = first.elapsed();
        let second = std::time::Instant::now();
        let b = table.pool(&Limits::default(), 64, false).unwrap();
        let second = second.elapsed();
        println!(
            "pool of 64 numbers: first {:.1} µs (with its source), next {:.1} µs",
            first.as_secs_f64() * 1e6,
            second.as_secs_f64() * 1e6
        );
        let source = table.source().expect("a source");
        assert!((a.lo..=a.hi).chain(b.lo..=b.hi).all(is_open));
        assert_eq!(slots::free_slot(a.lo, a.hi), Some(a.lo));
        // A descriptor of the program's on the lowest number is not one.
        let (rd, _wr) = rustix::pipe::pipe().unwrap();
        // SAFETY: dup3 onto a pool number this test owns.
        assert_eq!(unsafe { libc::dup3(rd.as_raw_fd(), a.lo, 0) }, a.lo);
        assert_eq!(slots::free_slot(a.lo, a.hi), Some(a.lo + 1));
        for n in (a.lo..=a.hi).chain(b.lo..=b.hi).chain([source]) {
            // SAFETY: numbers this test made.
            unsafe { libc::close(n) };
        }
    }

    #[test]
    fn descriptors_with_the_same_limits_share_one_class() {
        let _top = TOP
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let read = Limits {
            rights: rights(&[Right::Read]),
            ..Limits::default()
        };
        let write = Limits {
            rights: rights(&[Right::Write]),
            ..Limits::default()
        };
        let mut table = Table::default();
        let mut kept = Vec::new();
        for limits in [read, read, read, write, write] {
            let fd: OwnedFd = std::fs::File::open("/dev/null").unwrap().into();
            kept.push(table.place(fd, &limits).unwrap());
        }
        let classes = table.classes();
        assert_eq!(classes.len(), 2, "{classes:?}");
        assert_eq!(classes[0].hi - classes[0].lo, 2);
        assert_eq!(classes[1].hi - classes[1].lo, 1);
        assert_eq!(classes[0].lo, classes[1].hi + 1);
        for fd in &kept {
            let n = fd.as_raw_fd() as u32;
            assert!(classes.iter().any(|c| (c.lo..=c.hi).contains(&n)));
        }
    }
}
