//! mprotect(2) and pkey_mprotect(2) adding `PROT_EXEC`, or `PROT_WRITE`
//! where a class open for writing lacks `mmap_w`
//! (`judge::Supervised::Protection`, `judge::writes_judged`): Capsicum
//! lets a mapping change within its maximum protection, which FreeBSD
//! fixes when it is made: every protection for anonymous memory
//! (vm_mmap), for a file what its descriptor's rights allow (vn_mmap's
//! `maxprot &= cap_maxprot`, sys/kern/vfs_vnops.c: `PROT_EXEC` only with
//! `CAP_MMAP_X`, `PROT_WRITE` of a shared mapping only with `CAP_MMAP_W`;
//! a private mapping is a copy, writable whatever the rights), and
//! mprotect answers `EACCES` beyond it (vm_map_protect). seccomp does not
//! see which mapping a range holds, so the supervisor reads the caller's
//! (proc(5), /proc/TID/maps) and lets the call through
//! (`SECCOMP_USER_NOTIF_FLAG_CONTINUE`, its arguments in registers) when
//! every mapping the range meets may take the protection.
//!
//! Executable (`PROT_EXEC`):
//!
//! - anonymous memory: private (no file: the heap, a stack, an anonymous
//!   mapping) or shared (`MAP_SHARED | MAP_ANONYMOUS`, which Linux backs
//!   with a file of its internal shmem mount named `/dev/zero`, mm/shmem.c
//!   `shmem_zero_setup`, shown as `[anon_shmem:NAME]` once the program
//!   names it with prctl(2) `PR_SET_VMA_ANON_NAME`);
//! - a file mapped before entry (the program's image and libraries), a
//!   part of such a mapping that still maps the same file at the same
//!   offset, shared where it was shared;
//! - a file of a descriptor held at entry whose rights hold `mmap_x` (by
//!   device and inode, which the supervisor keeps from being handed to
//!   another file once the program closes and unlinks it), or a
//!   file beneath a preopened directory whose rights hold it (the program
//!   could map it executable through that directory: Capsicum asks it of
//!   the descriptor the mapping was made through);
//! - a memfd (on the shmem mount, named `/memfd:`) that no descriptor
//!   held at entry limits: one made after entry is in no class, where
//!   Capsicum gives it every right.
//!
//! Writable (`PROT_WRITE`): every mapping but a shared one of a file
//! (`s` in its permissions, proc(5)), and such a mapping of shared
//! anonymous memory, of a file mapped shared before entry where that
//! mapping could become writable (`mw` among its `VmFlags` in
//! /proc/PID/smaps, `VM_MAYWRITE`: its file was open for writing; not a
//! private mapping's place, nor a read-only descriptor's, which a mapping
//! made again there after entry through a descriptor without `mmap_w`
//! would otherwise pass for: test `mprotect_before`; one made again
//! where such a writable mapping lay passes for it, the program having
//! held those pages writable), of a file held at
//! entry whose rights hold `mmap_w`, of a file beneath a preopened
//! directory holding `mmap_w` and `write` (the program could open it for
//! writing with `mmap_w` there), or of a memfd as above. The kernel then asks its
//! own question: a shared mapping becomes writable only where its file
//! is open for writing (mm/mprotect.c, `VM_MAYWRITE`).
//!
//! Anything else (a file mapped through a descriptor in no class, a
//! memfd held at entry without the right, a file deleted since) answers
//! `EACCES`, as
//! beyond a maximum protection; so does a caller whose mappings cannot
//! be read (one made non-dumpable, proc(5)). The range is the one the
//! kernel changes, its address without the tag the kernel ignores
//! ([`untagged`]); one meeting no mapping, or misaligned, is left to the
//! kernel's own answer (`ENOMEM`, `EINVAL`). The kernel reads no memory
//! for the call, but the caller's mappings may change between the check
//! and the call: a thread mapping a file over the range meanwhile
//! (`MAP_FIXED`) makes that mapping executable or writable (the Linux
//! table, row 4 (a)).

use std::os::fd::{AsRawFd, RawFd};

use super::super::seccomp::RIGHTS_ERRNO;
use super::credentials::proc_file;
use super::lookup::named_beneath;
use super::{Reply, State};
use crate::rights::{Right, RightSet};

/// One line of /proc/PID/maps (proc(5)): a mapping.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Mapping {
    /// First address.
    pub start: u64,
    /// One past the last address.
    pub end: u64,
    /// Offset into the file, in bytes.
    pub offset: u64,
    /// The file's device (`makedev(major, minor)`), 0 without a file.
    pub dev: u64,
    /// The file's inode, 0 without a file.
    pub ino: u64,
    /// Shared (`s` in its permissions), not private (`p`).
    pub shared: bool,
    /// The file's name as the kernel prints it (`" (deleted)"` appended
    /// once unlinked), or a pseudo-name (`[heap]`, `[stack]`), or empty.
    pub name: Vec<u8>,
}

/// The name Linux gives the file behind shared anonymous memory
/// (mm/shmem.c `shmem_zero_setup`, unlinked from its internal mount).
const SHARED_ANONYMOUS: &[u8] = b"/dev/zero (deleted)";

/// How /proc/PID/maps names shared anonymous memory the program named
/// with prctl(2) `PR_SET_VMA_ANON_NAME` (fs/proc/task_mmu.c
/// `get_vma_name`: `[anon_shmem:NAME]`; mm/madvise.c names no other
/// file mapping, `EBADF`).
const NAMED_SHARED_ANONYMOUS: &[u8] = b"[anon_shmem:";

impl Mapping {
    /// Parses one line of /proc/PID/maps: `start-end perms offset
    /// major:minor inode name` (hex but the inode, decimal).
    pub(super) fn parse(line: &[u8]) -> Option<Mapping> {
        let mut rest = line;
        let mut field = || {
            let at = rest.iter().position(|&b| b != b' ').unwrap_or(rest.len());
            rest = &rest[at..];
            let end = rest.iter().position(|&b| b == b' ').unwrap_or(rest.len());
            let (f, r) = rest.split_at(end);
            rest = r;
            std::str::from_utf8(f).ok()
        };
        let range = field()?;
        let shared = field()?.as_bytes().get(3) == Some(&b's');
        let offset = u64::from_str_radix(field()?, 16).ok()?;
        let dev = field()?;
        let ino = field()?.parse::<u64>().ok()?;
        let (start, end) = range.split_once('-')?;
        let (major, minor) = dev.split_once(':')?;
        let name = rest.strip_prefix(b" ").unwrap_or(rest);
        let at = name.iter().position(|&b| b != b' ').unwrap_or(name.len());
        Some(Mapping {
            start: u64::from_str_radix(start, 16).ok()?,
            end: u64::from_str_radix(end, 16).ok()?,
            offset,
            dev: libc::makedev(
                u32::from_str_radix(major, 16).ok()?,
                u32::from_str_radix(minor, 16).ok()?,
            ),
            ino,
            shared,
            name: name[at..].to_vec(),
        })
    }

    /// Every mapping of the text of a /proc/PID/maps file.
    pub(super) fn all(text: &[u8]) -> Vec<Mapping> {
        text.split(|&b| b == b'\n')
            .filter(|l| !l.is_empty())
            .filter_map(Mapping::parse)
            .collect()
    }

    /// Whether its name is one Linux gives shared anonymous memory (which
    /// [`Mapping::anonymous`] then tells by the device).
    pub(super) fn shared_anonymous_name(&self) -> bool {
        self.name == SHARED_ANONYMOUS || self.name.starts_with(NAMED_SHARED_ANONYMOUS)
    }

    /// Whether this is anonymous memory, private or shared (module docs);
    /// `shmem`: the device of the kernel's internal shmem mount.
    pub(super) fn anonymous(&self, shmem: Option<u64>) -> bool {
        self.ino == 0 || (Some(self.dev) == shmem && self.shared_anonymous_name())
    }

    /// Whether this maps the same file at the same offsets as `before`,
    /// within it, shared where it is shared (a part of a mapping made
    /// before entry).
    pub(super) fn within(&self, before: &Mapping) -> bool {
        self.ino != 0
            && (self.dev, self.ino, &self.name, self.shared)
                == (before.dev, before.ino, &before.name, before.shared)
            && before.start <= self.start
            && self.end <= before.end
            && self.offset.checked_sub(before.offset) == Some(self.start - before.start)
    }
}

/// A file mapping the program held when it entered ([`AtEntry::mapped`]).
#[derive(Debug)]
pub(super) struct Before {
    pub mapping: Mapping,
    /// Whether it may be made writable: `mw` among its `VmFlags` in
    /// /proc/PID/smaps (proc(5); `VM_MAYWRITE`, which mmap(2) sets for a
    /// shared mapping only where its file is open for writing,
    /// mm/mmap.c `do_mmap`).
    pub may_write: bool,
}

impl Before {
    /// Every file mapping of the text of a /proc/PID/smaps file, with its
    /// `VmFlags` (a mapping's line, then lines `Key: value`).
    pub(super) fn all(text: &[u8]) -> Vec<Before> {
        let mut out: Vec<Before> = Vec::new();
        for line in text.split(|&b| b == b'\n') {
            if let Some(flags) = line.strip_prefix(b"VmFlags:") {
                if let Some(last) = out.last_mut() {
                    last.may_write = flags.split(|&b| b == b' ').any(|f| f == b"mw");
                }
            } else if let Some(mapping) = Mapping::parse(line) {
                out.push(Before {
                    mapping,
                    may_write: false,
                });
            }
        }
        out.retain(|b| b.mapping.ino != 0);
        out
    }
}

/// What the supervisor learnt at entry for [`protect`].
#[derive(Debug, Default)]
pub(super) struct AtEntry {
    /// The program's file mappings when it entered.
    pub mapped: Vec<Before>,
    /// The device of the kernel's internal shmem mount, where shared
    /// anonymous memory lies (found by mapping some, when first needed).
    pub shmem: std::cell::OnceCell<Option<u64>>,
    /// Each file (not a directory) the program held at entry in a class;
    /// the supervisor holds the inode of those whose rights hold
    /// `mmap_x` or `mmap_w`.
    pub mappable: Vec<Held>,
}

/// A file the program held at entry in a class ([`AtEntry::mappable`]).
#[derive(Clone, Copy, Debug)]
pub(super) struct Held {
    /// Device and inode.
    pub id: (u64, u64),
    /// The class's rights.
    pub rights: RightSet,
    /// The descriptor's number.
    pub fd: RawFd,
}

impl AtEntry {
    /// Reads what [`protect`] needs through `proc`: the file mappings of
    /// the supervisor itself, forked from the program during its entry
    /// (before Landlock and the filter: the program maps no file after
    /// that before entering), so the program's when it entered;
    /// `mappable`: the files it holds, with their rights.
    pub(super) fn read(proc: Option<RawFd>, mappable: Vec<Held>) -> AtEntry {
        let mapped = proc
            .and_then(|p| proc_file(p, "self/smaps\0").ok())
            .map(|t| Before::all(&t))
            .unwrap_or_default();
        AtEntry {
            mapped,
            shmem: std::cell::OnceCell::new(),
            mappable,
        }
    }

    /// Whether the file `id` (device, inode) was held at entry with
    /// `right` and still is, at the same number, by the caller `tid`
    /// (proc(5) /proc/TID/fd/N, through `proc`): a descriptor narrowed
    /// since (`limits(...)`) has left its number for a pool's, and no
    /// other descriptor lands there (its number lies above
    /// `RLIMIT_NOFILE`, and nothing is copied onto it), so the program no
    /// longer holds the file with that right there (Capsicum: the
    /// narrowed descriptor's rights, cap_rights_limit(2)).
    fn held(&self, id: (u64, u64), right: Right, proc: RawFd, tid: u32) -> bool {
        self.mappable.iter().any(|h| {
            h.id == id
                && h.rights.allows(right)
                && still_held(proc, tid, h.fd).is_some_and(|now| now == id)
        })
    }
}

/// Device and inode of the file at descriptor number `fd` of thread
/// `tid` (fstatat(2) of /proc/TID/fd/N, which follows the link to the
/// file, proc(5)), if one is there.
fn still_held(proc: RawFd, tid: u32, fd: RawFd) -> Option<(u64, u64)> {
    let path = std::ffi::CString::new(format!("{tid}/fd/{fd}")).ok()?;
    // SAFETY: `stat` is plain old data; fstatat(2) fills it from a live C
    // string relative to our /proc descriptor.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    // SAFETY: as above.
    (unsafe { libc::fstatat(proc, path.as_ptr(), &mut st, 0) } == 0)
        .then_some((st.st_dev, st.st_ino))
}

/// How memfd_create(2) names its files (mm/memfd.c, `MFD_NAME_PREFIX`).
const MEMFD: &[u8] = b"/memfd:";

/// The device of the kernel's internal shmem mount: that of a shared
/// anonymous mapping made (and unmade) here.
fn shmem_device(proc: RawFd) -> Option<u64> {
    // SAFETY: an anonymous shared mapping of one page, checked, unmapped
    // below; nothing else refers to it.
    let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) } as usize;
    // SAFETY: as above.
    let p = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            page,
            libc::PROT_NONE,
            libc::MAP_SHARED | libc::MAP_ANONYMOUS,
            -1,
            0,
        )
    };
    if p == libc::MAP_FAILED {
        return None;
    }
    let found = proc_file(proc, "self/maps\0").ok().and_then(|t| {
        Mapping::all(&t)
            .into_iter()
            .find(|m| m.start == p as u64 && m.name == SHARED_ANONYMOUS)
            .map(|m| m.dev)
    });
    // SAFETY: unmaps the page mapped above.
    unsafe { libc::munmap(p, page) };
    found
}

/// Address `addr` without the tag the kernel strips before it looks for
/// mappings (do_mprotect_pkey: `untagged_addr(start)`, mm/mprotect.c):
/// arm64 ignores the top byte of an address whose bit 55 is clear (TBI,
/// Documentation/arch/arm64/tagged-address-abi.rst); x86_64 bits 57-62
/// of one whose bit 63 is clear once the process turned LAM on
/// (arch_prctl(2) `ARCH_ENABLE_TAGGED_ADDR`, arch/x86/include/asm/uaccess_64.h).
/// The supervisor cannot tell whether LAM is on, so it judges the range
/// without those bits all the same: without LAM the kernel answers
/// `ENOMEM` for the tagged range (no mapping there), and the supervisor
/// at worst `EACCES` first.
fn untagged(addr: u64) -> u64 {
    if cfg!(target_arch = "aarch64") {
        if addr & (1 << 55) == 0 {
            addr & !(0xff << 56)
        } else {
            addr
        }
    } else if cfg!(target_arch = "x86_64") && addr & (1 << 63) == 0 {
        addr & !(0x3f << 57)
    } else {
        addr
    }
}

/// The caller's mprotect(2) or pkey_mprotect(2) in `req`, adding
/// `PROT_EXEC` or `PROT_WRITE` (module docs).
pub(super) fn protect(req: &libc::seccomp_notif, state: &State) -> Result<Reply, i32> {
    let args = req.data.args;
    let exec = args[2] as u32 & libc::PROT_EXEC as u32 != 0;
    let write = args[2] as u32 & libc::PROT_WRITE as u32 != 0;
    // SAFETY: sysconf(3) of the page size reads no memory of ours.
    let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) } as u64;
    let (start, len) = (untagged(args[0]), args[1]);
    let Some(end) = len
        .checked_add(page - 1)
        .map(|l| l & !(page - 1))
        .and_then(|l| start.checked_add(l))
    else {
        return Ok(Reply::Continue);
    };
    if start % page != 0 || len == 0 {
        return Ok(Reply::Continue);
    }
    let proc = state.proc.as_ref().ok_or(RIGHTS_ERRNO)?.as_raw_fd();
    let text = proc_file(proc, &format!("{}/maps\0", req.pid))?;
    let at_entry = &state.at_entry;
    let anchors = &state.anchors;
    let dirs_holding = |rights: &'static [Right]| {
        anchors
            .dirs
            .iter()
            .zip(&anchors.limits)
            .filter(move |(_, l)| rights.iter().all(|&r| l.rights.allows(r)))
            .map(|(d, _)| d)
    };
    let shmem = || *at_entry.shmem.get_or_init(|| shmem_device(proc));
    let before = |m: &Mapping| at_entry.mapped.iter().any(|b| m.within(&b.mapping));
    // Made before entry, where it could become writable then: one made
    // again at the same place of the same file through a descriptor
    // without `mmap_w` cannot (its `VM_MAYWRITE` unknown here, a private
    // mapping's always set).
    let before_writable = |m: &Mapping| {
        at_entry
            .mapped
            .iter()
            .any(|b| b.may_write && m.within(&b.mapping))
    };
    let beneath = |m: &Mapping, rights: &'static [Right]| {
        m.name.starts_with(b"/")
            && named_beneath(proc, &m.name, (m.dev, m.ino), dirs_holding(rights))
    };
    // A memfd no descriptor held at entry limits: made after entry, in
    // no class, where Capsicum gives it every right.
    let free_memfd = |m: &Mapping| {
        m.name.starts_with(MEMFD)
            && Some(m.dev) == shmem()
            && !at_entry.mappable.iter().any(|h| h.id == (m.dev, m.ino))
    };
    let executable = |m: &Mapping| {
        m.ino == 0
            || (m.shared_anonymous_name() && m.anonymous(shmem()))
            || before(m)
            || at_entry.held((m.dev, m.ino), Right::MmapX, proc, req.pid)
            || free_memfd(m)
            || beneath(m, &[Right::MmapX])
    };
    let writable = |m: &Mapping| {
        !m.shared
            || m.ino == 0
            || (m.shared_anonymous_name() && m.anonymous(shmem()))
            || before_writable(m)
            || at_entry.held((m.dev, m.ino), Right::MmapW, proc, req.pid)
            || free_memfd(m)
            || beneath(m, &[Right::MmapW, Right::Write])
    };
    let all = Mapping::all(&text)
        .into_iter()
        .filter(|m| m.start < end && start < m.end)
        .all(|m| (!exec || executable(&m)) && (!write || writable(&m)));
    if all {
        Ok(Reply::Continue)
    } else {
        Err(RIGHTS_ERRNO)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A mapping of /proc/PID/smaps may be made writable only with `mw`
    /// among its `VmFlags` (fs/proc/task_mmu.c `show_smap_vma_flags`).
    #[test]
    fn smaps_flags_parse() {
        let text = b"55d0c8a00000-55d0c8a21000 r--s 00000000 fd:01 77  /tmp/ro\n\
Size:                132 kB\n\
THPeligible:    0\n\
VmFlags: rd sh mr me ms \n\
55d0c8b00000-55d0c8b01000 r--s 00000000 fd:01 78  /tmp/rw\n\
Rss:                   4 kB\n\
VmFlags: rd sh mr mw me ms \n\
55d0c8c00000-55d0c8c01000 rw-p 00000000 00:00 0 \n\
VmFlags: rd wr mr mw me ac \n";
        let all = Before::all(text);
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].mapping.name, b"/tmp/ro");
        assert!(!all[0].may_write);
        assert_eq!(all[1].mapping.ino, 78);
        assert!(all[1].may_write);
    }

    /// Lines as Linux 6.x prints them (fs/proc/task_mmu.c `show_map_vma`).
    #[test]
    fn maps_lines_parse() {
        let m = Mapping::parse(
            b"55d0c8a00000-55d0c8a21000 r-xp 00001000 fd:01 1835043                    /usr/bin/cat",
        )
        .unwrap();
        assert_eq!(
            (m.start, m.end, m.offset),
            (0x55d0c8a00000, 0x55d0c8a21000, 0x1000)
        );
        assert_eq!((m.dev, m.ino), (libc::makedev(0xfd, 1), 1835043));
        assert_eq!(m.name, b"/usr/bin/cat");
        assert!(!m.shared);
        let heap =
            Mapping::parse(b"55d0c9a21000-55d0c9a42000 rw-p 00000000 00:00 0          [heap]")
                .unwrap();
        assert!(heap.anonymous(None));
        let anon = Mapping::parse(b"7f1e2c000000-7f1e2c021000 rw-p 00000000 00:00 0 ").unwrap();
        assert!(anon.anonymous(None) && anon.name.is_empty());
        let shared = Mapping::parse(
            b"7f1e2c200000-7f1e2c201000 rw-s 00000000 00:01 2055  /dev/zero (deleted)",
        )
        .unwrap();
        assert!(shared.shared && shared.anonymous(Some(libc::makedev(0, 1))));
        assert!(!shared.anonymous(Some(libc::makedev(0, 5))));
        let named =
            Mapping::parse(b"7f1e2c200000-7f1e2c201000 rw-s 00000000 00:01 2055  [anon_shmem:jit]")
                .unwrap();
        assert!(named.anonymous(Some(libc::makedev(0, 1))));
        assert!(!named.anonymous(Some(libc::makedev(0, 5))));
        let memfd = Mapping::parse(
            b"7f1e2c300000-7f1e2c301000 rw-s 00000000 00:01 2056  /memfd:jit (deleted)",
        )
        .unwrap();
        assert!(!memfd.anonymous(Some(libc::makedev(0, 1))));
        // A name with spaces is kept whole.
        let spaced =
            Mapping::parse(b"7f1e2c400000-7f1e2c401000 r--p 00000000 fd:01 77  /tmp/a b").unwrap();
        assert_eq!(spaced.name, b"/tmp/a b");
        assert_eq!(Mapping::parse(b"garbage"), None);
    }

    /// The range judged is the one the kernel changes: without the
    /// address tag it ignores.
    #[test]
    fn tags_are_stripped_as_the_kernel_strips_them() {
        let user = 0x7f1e_2c40_0000;
        assert_eq!(untagged(user), user);
        if cfg!(target_arch = "aarch64") {
            assert_eq!(untagged(user | (0x2a << 56)), user);
            // Bit 55 set: a kernel address, kept.
            assert_eq!(untagged(0xffff_8000_0000_0000), 0xffff_8000_0000_0000);
        } else if cfg!(target_arch = "x86_64") {
            assert_eq!(untagged(user | (0x15 << 57)), user);
            assert_eq!(untagged(user | (0x3f << 57)), user);
            // Bit 63 set: not untagged (a kernel address).
            assert_eq!(untagged(1 << 63 | 1 << 57 | user), 1 << 63 | 1 << 57 | user);
        }
    }

    /// A part of a mapping made before entry counts only where it maps the
    /// same file at the same offsets.
    #[test]
    fn parts_of_a_mapping_before_entry() {
        let before = Mapping {
            start: 0x1000,
            end: 0x5000,
            offset: 0x2000,
            dev: 9,
            ino: 7,
            shared: false,
            name: b"/bin/p".to_vec(),
        };
        let part = Mapping {
            start: 0x2000,
            end: 0x3000,
            offset: 0x3000,
            ..before.clone()
        };
        assert!(part.within(&before));
        assert!(!Mapping {
            offset: 0x2000,
            ..part.clone()
        }
        .within(&before));
        assert!(!Mapping {
            ino: 8,
            ..part.clone()
        }
        .within(&before));
        assert!(!Mapping {
            end: 0x6000,
            ..part.clone()
        }
        .within(&before));
        // A shared mapping where a private one lay is another mapping.
        assert!(!Mapping {
            shared: true,
            ..part.clone()
        }
        .within(&before));
        assert!(!Mapping { ino: 0, ..part }.within(&Mapping { ino: 0, ..before }));
    }
}
