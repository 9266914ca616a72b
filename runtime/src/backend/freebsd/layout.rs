//! Struct layouts and constants the backend relies on, checked at compile
//! time against FreeBSD's headers: a `libc` crate built for another ABI, or
//! a constant copied wrong, fails `cargo check --target
//! x86_64-unknown-freebsd` instead of corrupting memory at run time.
//!
//! Each size and offset below is the header's arithmetic for the target's
//! data model (LP64: 8-byte pointers and longs; ILP32: 4).

use std::mem::{offset_of, size_of};

use super::trap::{SigInfo, TRAP_CAP};

const LP64: bool = cfg!(target_pointer_width = "64");
/// A pointer's (and a long's) size.
const P: usize = size_of::<usize>();

// sys/sys/signal.h, `struct __siginfo`: six ints, `si_addr`, `si_value`,
// then the `_reason` union whose largest member is `__spare__` (a long
// and seven ints). The handler reads `si_syscall` through `SigInfo`.
const _: () = {
    assert!(size_of::<SigInfo>() == size_of::<libc::siginfo_t>());
    assert!(size_of::<SigInfo>() == if LP64 { 80 } else { 64 });
    assert!(offset_of!(SigInfo, si_errno) == offset_of!(libc::siginfo_t, si_errno));
    assert!(offset_of!(SigInfo, si_code) == offset_of!(libc::siginfo_t, si_code));
    assert!(offset_of!(SigInfo, si_addr) == offset_of!(libc::siginfo_t, si_addr));
    assert!(offset_of!(SigInfo, si_value) == offset_of!(libc::siginfo_t, si_value));
    assert!(
        offset_of!(SigInfo, reason)
            == offset_of!(libc::siginfo_t, si_value) + size_of::<libc::sigval>()
    );
    assert!(offset_of!(SigInfo, reason) == if LP64 { 40 } else { 32 });
};

// sys/sys/signal.h: `#define TRAP_CAP 4` (codes for SIGTRAP).
const _: () = assert!(TRAP_CAP == 4);

// sys/sys/ktrace.h: `KTROP_SET 0`, `KTR_CAPFAIL 12`,
// `KTRFAC_CAPFAIL (1 << KTR_CAPFAIL)`.
const _: () = {
    assert!(super::trace::KTROP_SET == 0);
    assert!(super::trace::KTR_CAPFAIL == 12);
    assert!(super::trace::KTRFAC_CAPFAIL == 0x1000);
};

// sys/<arch>/include/proc.h: `KINFO_PROC_SIZE`, which sys/sys/user.h
// requires `sizeof(struct kinfo_proc)` to equal (1088 on amd64, arm64 and
// riscv, 768 on i386). The threads check reads `ki_numthreads` from it.
#[cfg(any(
    target_arch = "x86_64",
    target_arch = "aarch64",
    target_arch = "riscv64"
))]
const _: () = assert!(size_of::<libc::kinfo_proc>() == 1088);
#[cfg(target_arch = "x86")]
const _: () = assert!(size_of::<libc::kinfo_proc>() == 768);
const _: () = assert!(offset_of!(libc::kinfo_proc, ki_structsize) == 0);

// sys/sys/stat.h, `struct stat` of FreeBSD 12 and later (64-bit inodes,
// `stat@FBSD_1.5`): fileargs_lstat(3) copies the service's `struct stat`
// byte for byte into ours.
#[cfg(target_pointer_width = "64")]
const _: () = {
    assert!(size_of::<libc::stat>() == 224);
    assert!(offset_of!(libc::stat, st_mode) == 24);
    assert!(offset_of!(libc::stat, st_uid) == 28);
    assert!(offset_of!(libc::stat, st_gid) == 32);
    assert!(offset_of!(libc::stat, st_mtime) == 64);
    assert!(offset_of!(libc::stat, st_size) == 112);
};

// include/pwd.h, `struct passwd`: name, passwd, uid, gid, change, class,
// gecos, dir, shell, expire, fields.
const _: () = {
    assert!(offset_of!(libc::passwd, pw_name) == 0);
    assert!(offset_of!(libc::passwd, pw_passwd) == P);
    assert!(offset_of!(libc::passwd, pw_uid) == 2 * P);
    assert!(offset_of!(libc::passwd, pw_gid) == 2 * P + 4);
    assert!(offset_of!(libc::passwd, pw_change) == 2 * P + 8);
    assert!(offset_of!(libc::passwd, pw_gecos) == 4 * P + 8);
    assert!(offset_of!(libc::passwd, pw_dir) == 5 * P + 8);
    assert!(offset_of!(libc::passwd, pw_shell) == 6 * P + 8);
};
#[cfg(target_pointer_width = "64")]
const _: () = assert!(size_of::<libc::passwd>() == 80);

// include/grp.h, `struct group`: name, passwd, gid, mem.
const _: () = {
    assert!(offset_of!(libc::group, gr_name) == 0);
    assert!(offset_of!(libc::group, gr_passwd) == P);
    assert!(offset_of!(libc::group, gr_gid) == 2 * P);
    assert!(offset_of!(libc::group, gr_mem) == 3 * P);
    assert!(size_of::<libc::group>() == 4 * P);
};

// include/netdb.h, `struct addrinfo`: FreeBSD puts `ai_canonname` before
// `ai_addr` (glibc has them the other way round).
const _: () = {
    assert!(offset_of!(libc::addrinfo, ai_family) == 4);
    assert!(offset_of!(libc::addrinfo, ai_addrlen) == 16);
    assert!(offset_of!(libc::addrinfo, ai_canonname) == if LP64 { 24 } else { 20 });
    assert!(offset_of!(libc::addrinfo, ai_addr) == offset_of!(libc::addrinfo, ai_canonname) + P);
    assert!(offset_of!(libc::addrinfo, ai_next) == offset_of!(libc::addrinfo, ai_addr) + P);
};

// sys/sys/caprights.h: `struct cap_rights { uint64_t
// cr_rights[CAP_RIGHTS_VERSION + 2]; }` with CAP_RIGHTS_VERSION 0.
const _: () = {
    assert!(libc::CAP_RIGHTS_VERSION == 0);
    assert!(size_of::<libc::cap_rights_t>() == 16);
};

// sys/sys/capsicum.h: `CAPRIGHT(idx, bit) ((1ULL << (57 + (idx))) | (bit))`
// and the rights built from it; the `capsicum` crate's `Right` values (what
// rights.rs hands the kernel) must be the same numbers.
const fn capright(idx: u32, bit: u64) -> u64 {
    (1u64 << (57 + idx)) | bit
}
const _: () = {
    use capsicum::Right as R;
    assert!(libc::CAP_READ == capright(0, 0x1));
    assert!(libc::CAP_WRITE == capright(0, 0x2));
    assert!(libc::CAP_SEEK_TELL == capright(0, 0x4));
    assert!(libc::CAP_SEEK == (libc::CAP_SEEK_TELL | 0x8));
    assert!(libc::CAP_PREAD == (libc::CAP_SEEK | libc::CAP_READ));
    assert!(libc::CAP_LOOKUP == capright(0, 0x400));
    assert!(libc::CAP_FCNTL == capright(0, 0x8000));
    assert!(libc::CAP_FSTAT == capright(0, 0x80000));
    assert!(libc::CAP_CREATE == capright(0, 0x40));
    assert!(libc::CAP_EVENT == capright(1, 0x20));
    assert!(libc::CAP_IOCTL == capright(1, 0x80));
    assert!(R::Read as u64 == libc::CAP_READ);
    assert!(R::Write as u64 == libc::CAP_WRITE);
    assert!(R::Seek as u64 == libc::CAP_SEEK);
    assert!(R::Pread as u64 == libc::CAP_PREAD);
    assert!(R::Lookup as u64 == libc::CAP_LOOKUP);
    assert!(R::Fcntl as u64 == libc::CAP_FCNTL);
    assert!(R::Fstat as u64 == libc::CAP_FSTAT);
    assert!(R::Create as u64 == libc::CAP_CREATE);
    assert!(R::Event as u64 == libc::CAP_EVENT);
    assert!(R::Ioctl as u64 == libc::CAP_IOCTL);
    assert!(R::Mkdirat as u64 == libc::CAP_MKDIRAT);
    assert!(R::Unlinkat as u64 == libc::CAP_UNLINKAT);
    assert!(R::Connect as u64 == libc::CAP_CONNECT);
    assert!(R::Bind as u64 == libc::CAP_BIND);
};

// The constants `casper/limits/` writes into the services' limits and
// requests, from the headers that define them; where the `libc` crate has
// them too, they must agree.
#[cfg(feature = "casper")]
const _: () = {
    use super::casper::limits::{af, dns, errno, fileargs, net, sysctl};
    // sys/sys/errno.h.
    assert!(errno::EEXIST == libc::EEXIST);
    assert!(errno::EINVAL == libc::EINVAL);
    assert!(errno::EOPNOTSUPP == libc::EOPNOTSUPP);
    assert!(errno::ENAMETOOLONG == libc::ENAMETOOLONG);
    assert!(errno::ENOTCAPABLE == libc::ENOTCAPABLE);
    // sys/sys/socket.h.
    assert!(af::UNSPEC == libc::AF_UNSPEC);
    assert!(af::INET == libc::AF_INET);
    assert!(af::INET6 == libc::AF_INET6);
    // include/netdb.h: `EAI_SYSTEM 11`; `NO_RECOVERY 3`.
    assert!(net::EAI_SYSTEM == libc::EAI_SYSTEM);
    assert!(dns::NO_RECOVERY == 3);
    // lib/libcasper/services/cap_net/cap_net.h.
    assert!(net::CAPNET_ADDR2NAME == 0x01);
    assert!(net::CAPNET_NAME2ADDR == 0x02);
    assert!(net::CAPNET_CONNECT == 0x10);
    assert!(net::CAPNET_BIND == 0x20);
    assert!(net::CAPNET_CONNECTDNS == 0x40);
    // lib/libcasper/services/cap_sysctl/cap_sysctl.h.
    assert!(sysctl::CAP_SYSCTL_READ == 0x01);
    assert!(sysctl::CAP_SYSCTL_WRITE == 0x02);
    assert!(sysctl::CAP_SYSCTL_RECURSIVE == 0x04);
    // lib/libcasper/services/cap_fileargs/cap_fileargs.h.
    assert!(fileargs::FA_OPEN == 1);
    assert!(fileargs::FA_LSTAT == 2);
    assert!(fileargs::FA_REALPATH == 4);
    // sys/sys/fcntl.h and sys/sys/syslimits.h.
    assert!(fileargs::o::RDONLY == libc::O_RDONLY as u64);
    assert!(fileargs::o::WRONLY == libc::O_WRONLY as u64);
    assert!(fileargs::o::RDWR == libc::O_RDWR as u64);
    assert!(fileargs::o::APPEND == libc::O_APPEND as u64);
    assert!(fileargs::o::CREAT == libc::O_CREAT as u64);
    assert!(fileargs::o::TRUNC == libc::O_TRUNC as u64);
    assert!(fileargs::o::EXCL == libc::O_EXCL as u64);
    assert!(fileargs::MAXPATHLEN == libc::PATH_MAX as usize);
};

// sys/netinet/in.h and sys/netinet6/in6.h: the byte layout
// `casper/limits/mod.rs` `sockaddr` writes, which cap_net compares byte for
// byte with what getaddrinfo(3) returns.
const _: () = {
    assert!(size_of::<libc::sockaddr_in>() == 16);
    assert!(offset_of!(libc::sockaddr_in, sin_len) == 0);
    assert!(offset_of!(libc::sockaddr_in, sin_family) == 1);
    assert!(offset_of!(libc::sockaddr_in, sin_port) == 2);
    assert!(offset_of!(libc::sockaddr_in, sin_addr) == 4);
    assert!(size_of::<libc::sockaddr_in6>() == 28);
    assert!(offset_of!(libc::sockaddr_in6, sin6_port) == 2);
    assert!(offset_of!(libc::sockaddr_in6, sin6_flowinfo) == 4);
    assert!(offset_of!(libc::sockaddr_in6, sin6_addr) == 8);
    assert!(offset_of!(libc::sockaddr_in6, sin6_scope_id) == 24);
};
