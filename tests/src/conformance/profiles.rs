//! The declarations the conformance probe enters with. One list,
//! [`conformance_profiles!`](crate::conformance_profiles), read twice:
//! `conformance_probe` turns each entry into a `#[sandboxed(...)]`
//! function (so every case enters through the real attribute), and this
//! module turns it into the [`PROFILES`] table the case generator reads the
//! rights from.
//!
//! An entry: `NAME { ROLE: Type = kind(flags) [rights], ... } stdin [rights]
//! @methods;`. Roles name places in the world ([`super::run`]): `f`, `g`
//! files; `top` (with `sub` = `top/subdir` and `etc` beside it), `d`, `cap`,
//! `full` directories (`cap` and `full` are the same directory, as
//! capsicum-test's `dfd_cap` and `dirfd`). `stdin [...]` limits the
//! standard input the runner hands in (a socket, pipe, eventfd, ... per
//! case). `@methods` also hands the directories to `Dir` methods.

/// Calls `$then!` with every profile. Rights lists are written out (no
/// nested macros) because the attribute reads them as tokens.
#[macro_export]
macro_rules! conformance_profiles {
    ($then:ident) => {
        $then! {
            // ---- capability-fd.cc TEST(Capability, Operations) and the
            // rights held alone (TryFileOps on a file opened O_RDWR).
            fo_none { f: File = file(read, write) [] };
            fo_read { f: File = file(read, write) [read] };
            fo_pread { f: File = file(read, write) [pread] };
            fo_write { f: File = file(read, write) [write] };
            fo_pwrite { f: File = file(read, write) [pwrite] };
            fo_read_write { f: File = file(read, write) [read, write] };
            fo_pread_pwrite { f: File = file(read, write) [pread, pwrite] };
            fo_seek { f: File = file(read, write) [seek] };
            fo_seek_tell { f: File = file(read, write) [seek_tell] };
            fo_fchflags { f: File = file(read, write) [fchflags] };
            fo_ioctl { f: File = file(read, write) [ioctl] };
            fo_fstat { f: File = file(read, write) [fstat] };
            fo_mmap { f: File = file(read, write) [mmap] };
            fo_mmap_r { f: File = file(read, write) [mmap_r] };
            fo_mmap_w { f: File = file(read, write) [mmap_w] };
            fo_mmap_x { f: File = file(read, write) [mmap_x] };
            fo_mmap_rw { f: File = file(read, write) [mmap_rw] };
            fo_mmap_rx { f: File = file(read, write) [mmap_rx] };
            fo_mmap_wx { f: File = file(read, write) [mmap_wx] };
            fo_mmap_rwx { f: File = file(read, write) [mmap_rwx] };
            // A descriptor open for writing (ftruncate(2) needs it on
            // Linux) without `mmap_w` (`write` and `mmap_r` would hold
            // it: CAP_MMAP_W is CAP_MMAP | CAP_SEEK | CAP_WRITE,
            // sys/sys/capsicum.h): a shared mapping may be made to read,
            // never made writable.
            fo_ftruncate_mmap_r { f: File = file(read, write) [ftruncate, mmap_r] };
            fo_fcntl { f: File = file(read, write) [fcntl] };
            fo_event { f: File = file(read, write) [event] };
            fo_fsync { f: File = file(read, write) [fsync] };
            fo_fchown { f: File = file(read, write) [fchown] };
            fo_fchmod { f: File = file(read, write) [fchmod] };
            fo_ftruncate { f: File = file(read, write) [ftruncate] };
            fo_flock { f: File = file(read, write) [flock] };
            fo_fstatfs { f: File = file(read, write) [fstatfs] };
            fo_fpathconf { f: File = file(read, write) [fpathconf] };
            fo_futimes { f: File = file(read, write) [futimes] };
            fo_acl_get { f: File = file(read, write) [acl_get] };
            fo_acl_set { f: File = file(read, write) [acl_set] };
            fo_acl_delete { f: File = file(read, write) [acl_delete] };
            fo_acl_check { f: File = file(read, write) [acl_check] };
            fo_extattr_get { f: File = file(read, write) [extattr_get] };
            fo_extattr_set { f: File = file(read, write) [extattr_set] };
            fo_extattr_delete { f: File = file(read, write) [extattr_delete] };
            fo_extattr_list { f: File = file(read, write) [extattr_list] };
            fo_mac_get { f: File = file(read, write) [mac_get] };
            fo_mac_set { f: File = file(read, write) [mac_set] };
            fo_getpeername { f: File = file(read, write) [getpeername] };
            fo_getsockname { f: File = file(read, write) [getsockname] };
            fo_accept { f: File = file(read, write) [accept] };
            // fexecve.cc: a static program (`x`), a shell script (`xs`);
            // and execveat beneath a directory (Linux Capsicum's
            // execveat).
            fx_fexecve { x: File = file(read) [fexecve] };
            fx_fexecve_read { x: File = file(read) [fexecve, read] };
            fx_read { x: File = file(read) [read] };
            fx_script { xs: File = file(read) [fexecve, read, seek] };
            fx_dynamic { xd: File = file(read) [fexecve, read, seek, fstat, mmap_rx] };
            fx_dir { top: Dir = dir() [lookup, read, fexecve] };
            fx_dir_read { top: Dir = dir() [lookup, read] };
            fx_dir_noread { top: Dir = dir() [lookup, fexecve] };
            fx_file_dir { x: File = file(read) [fexecve, read], top: Dir = dir() [lookup, read, fexecve] };
            fx_file_rodir { x: File = file(read) [fexecve, read], top: Dir = dir() [lookup, read] };
            // fcntl.cc TEST(Fcntl, FLSubRights) / OWNSubRights, ioctl.cc
            // TEST(Ioctl, SubRights), capability-fd.cc TEST(Capability,
            // FileInSync), linux.cc TEST(Linux, fstatat).
            fo_fcntls_getfl { f: File = file(read, write) [fcntls(getfl)] };
            fo_fcntls_setfl { f: File = file(read, write) [fcntls(setfl)] };
            fo_fcntls_getown { f: File = file(read, write) [fcntls(getown)] };
            fo_fcntls_setown { f: File = file(read, write) [fcntls(setown)] };
            fo_ioctls_fionread { f: File = file(read, write) [ioctls(fionread)] };
            fo_ioctls_fioclex { f: File = file(read, write) [ioctls(fioclex)] };
            fo_read_seek_fstat { f: File = file(read, write) [read, seek, fstat] };
            fo_read_fstat { f: File = file(read, write) [read, fstat] };
            fo_read_write_seek_fstat_fsync { f: File = file(read, write) [read, write, seek, fstat, fsync] };
            fo_read_write_flock_fcntl { f: File = file(read, write) [read, write, flock, fcntl] };
            fo_setsockopt { f: File = file(read, write) [setsockopt] };
            fo_getsockopt { f: File = file(read, write) [getsockopt] };

            // ---- capability-fd.cc TEST(Capability, DirOperations)
            // (TryDirOps: `cap` limited, `full` the same directory).
            do_linkat_source { full: Dir = dir() [lookup, read, write, create, seek, fstat, ftruncate, fsync, fchmod, fchown, futimes, mkdirat, mkfifoat, mknodat, unlinkat, renameat_source, renameat_target, linkat_source, linkat_target, symlinkat, bind], cap: Dir = dir() [linkat_source] };
            do_linkat_target { full: Dir = dir() [lookup, read, write, create, seek, fstat, ftruncate, fsync, fchmod, fchown, futimes, mkdirat, mkfifoat, mknodat, unlinkat, renameat_source, renameat_target, linkat_source, linkat_target, symlinkat, bind], cap: Dir = dir() [linkat_target] };
            do_create_read { full: Dir = dir() [lookup, read, write, create, seek, fstat, ftruncate, fsync, fchmod, fchown, futimes, mkdirat, mkfifoat, mknodat, unlinkat, renameat_source, renameat_target, linkat_source, linkat_target, symlinkat, bind], cap: Dir = dir() [create, read, lookup] };
            do_create_write { full: Dir = dir() [lookup, read, write, create, seek, fstat, ftruncate, fsync, fchmod, fchown, futimes, mkdirat, mkfifoat, mknodat, unlinkat, renameat_source, renameat_target, linkat_source, linkat_target, symlinkat, bind], cap: Dir = dir() [create, write, lookup] };
            do_create_read_write { full: Dir = dir() [lookup, read, write, create, seek, fstat, ftruncate, fsync, fchmod, fchown, futimes, mkdirat, mkfifoat, mknodat, unlinkat, renameat_source, renameat_target, linkat_source, linkat_target, symlinkat, bind], cap: Dir = dir() [create, read, write, lookup] };
            do_fsync_read { full: Dir = dir() [lookup, read, write, create, seek, fstat, ftruncate, fsync, fchmod, fchown, futimes, mkdirat, mkfifoat, mknodat, unlinkat, renameat_source, renameat_target, linkat_source, linkat_target, symlinkat, bind], cap: Dir = dir() [fsync, read, lookup] };
            do_fsync_write { full: Dir = dir() [lookup, read, write, create, seek, fstat, ftruncate, fsync, fchmod, fchown, futimes, mkdirat, mkfifoat, mknodat, unlinkat, renameat_source, renameat_target, linkat_source, linkat_target, symlinkat, bind], cap: Dir = dir() [fsync, write, lookup] };
            do_fsync_read_write { full: Dir = dir() [lookup, read, write, create, seek, fstat, ftruncate, fsync, fchmod, fchown, futimes, mkdirat, mkfifoat, mknodat, unlinkat, renameat_source, renameat_target, linkat_source, linkat_target, symlinkat, bind], cap: Dir = dir() [fsync, read, write, lookup] };
            do_ftruncate_read { full: Dir = dir() [lookup, read, write, create, seek, fstat, ftruncate, fsync, fchmod, fchown, futimes, mkdirat, mkfifoat, mknodat, unlinkat, renameat_source, renameat_target, linkat_source, linkat_target, symlinkat, bind], cap: Dir = dir() [ftruncate, read, lookup] };
            do_ftruncate_write { full: Dir = dir() [lookup, read, write, create, seek, fstat, ftruncate, fsync, fchmod, fchown, futimes, mkdirat, mkfifoat, mknodat, unlinkat, renameat_source, renameat_target, linkat_source, linkat_target, symlinkat, bind], cap: Dir = dir() [ftruncate, write, lookup] };
            do_ftruncate_read_write { full: Dir = dir() [lookup, read, write, create, seek, fstat, ftruncate, fsync, fchmod, fchown, futimes, mkdirat, mkfifoat, mknodat, unlinkat, renameat_source, renameat_target, linkat_source, linkat_target, symlinkat, bind], cap: Dir = dir() [ftruncate, read, write, lookup] };
            do_fchown { full: Dir = dir() [lookup, read, write, create, seek, fstat, ftruncate, fsync, fchmod, fchown, futimes, mkdirat, mkfifoat, mknodat, unlinkat, renameat_source, renameat_target, linkat_source, linkat_target, symlinkat, bind], cap: Dir = dir() [fchown, lookup] };
            do_fchmod { full: Dir = dir() [lookup, read, write, create, seek, fstat, ftruncate, fsync, fchmod, fchown, futimes, mkdirat, mkfifoat, mknodat, unlinkat, renameat_source, renameat_target, linkat_source, linkat_target, symlinkat, bind], cap: Dir = dir() [fchmod, lookup] };
            do_fstat { full: Dir = dir() [lookup, read, write, create, seek, fstat, ftruncate, fsync, fchmod, fchown, futimes, mkdirat, mkfifoat, mknodat, unlinkat, renameat_source, renameat_target, linkat_source, linkat_target, symlinkat, bind], cap: Dir = dir() [fstat, lookup] };
            do_futimes { full: Dir = dir() [lookup, read, write, create, seek, fstat, ftruncate, fsync, fchmod, fchown, futimes, mkdirat, mkfifoat, mknodat, unlinkat, renameat_source, renameat_target, linkat_source, linkat_target, symlinkat, bind], cap: Dir = dir() [futimes, lookup] };
            do_mkdirat { full: Dir = dir() [lookup, read, write, create, seek, fstat, ftruncate, fsync, fchmod, fchown, futimes, mkdirat, mkfifoat, mknodat, unlinkat, renameat_source, renameat_target, linkat_source, linkat_target, symlinkat, bind], cap: Dir = dir() [mkdirat, lookup] };
            do_mkfifoat { full: Dir = dir() [lookup, read, write, create, seek, fstat, ftruncate, fsync, fchmod, fchown, futimes, mkdirat, mkfifoat, mknodat, unlinkat, renameat_source, renameat_target, linkat_source, linkat_target, symlinkat, bind], cap: Dir = dir() [mkfifoat, lookup] };
            do_mknodat { full: Dir = dir() [lookup, read, write, create, seek, fstat, ftruncate, fsync, fchmod, fchown, futimes, mkdirat, mkfifoat, mknodat, unlinkat, renameat_source, renameat_target, linkat_source, linkat_target, symlinkat, bind], cap: Dir = dir() [mknodat, lookup] };
            do_symlinkat { full: Dir = dir() [lookup, read, write, create, seek, fstat, ftruncate, fsync, fchmod, fchown, futimes, mkdirat, mkfifoat, mknodat, unlinkat, renameat_source, renameat_target, linkat_source, linkat_target, symlinkat, bind], cap: Dir = dir() [symlinkat, lookup] };
            do_unlinkat { full: Dir = dir() [lookup, read, write, create, seek, fstat, ftruncate, fsync, fchmod, fchown, futimes, mkdirat, mkfifoat, mknodat, unlinkat, renameat_source, renameat_target, linkat_source, linkat_target, symlinkat, bind], cap: Dir = dir() [unlinkat, lookup] };
            do_renameat_source { full: Dir = dir() [lookup, read, write, create, seek, fstat, ftruncate, fsync, fchmod, fchown, futimes, mkdirat, mkfifoat, mknodat, unlinkat, renameat_source, renameat_target, linkat_source, linkat_target, symlinkat, bind], cap: Dir = dir() [renameat_source, unlinkat, lookup] };
            do_renameat_target { full: Dir = dir() [lookup, read, write, create, seek, fstat, ftruncate, fsync, fchmod, fchown, futimes, mkdirat, mkfifoat, mknodat, unlinkat, renameat_source, renameat_target, linkat_source, linkat_target, symlinkat, bind], cap: Dir = dir() [renameat_target, unlinkat, lookup] };

            // ---- one directory alone, so that Landlock's mapping of the
            // rights is tested too (inheritance beneath directories;
            // capability-fd.cc TEST(Capability, Inheritance), SyscallAt).
            in_read { d: Dir = dir() [lookup, read] };
            in_unlinkat { d: Dir = dir() [lookup, read, unlinkat] };
            in_renameat_source { d: Dir = dir() [lookup, read, renameat_source] };
            in_renameat_target { d: Dir = dir() [lookup, read, renameat_target] };
            in_renameat { d: Dir = dir() [lookup, read, renameat_source, renameat_target] };
            in_linkat_source { d: Dir = dir() [lookup, read, linkat_source] };
            in_linkat_target { d: Dir = dir() [lookup, read, linkat_target] };
            in_linkat { d: Dir = dir() [lookup, read, linkat_source, linkat_target] };
            in_mkdirat { d: Dir = dir() [lookup, read, mkdirat] };
            in_mkfifoat { d: Dir = dir() [lookup, read, mkfifoat] };
            in_mknodat { d: Dir = dir() [lookup, read, mknodat] };
            in_symlinkat { d: Dir = dir() [lookup, read, symlinkat] };
            in_create { d: Dir = dir() [lookup, read, write, seek, create] };
            in_write { d: Dir = dir() [lookup, read, write] };
            in_ftruncate { d: Dir = dir() [lookup, read, write, ftruncate] };
            in_fstat { d: Dir = dir() [lookup, read, fstat] };
            in_fchmod { d: Dir = dir() [lookup, read, fchmod] };
            in_fchown { d: Dir = dir() [lookup, read, fchown] };
            in_futimes { d: Dir = dir() [lookup, read, futimes] };
            in_bind { d: Dir = dir() [lookup, read, bind] };
            // A directory that may make nodes of every type.
            in_devices { d: Dir = dir() [lookup, read, write, create, fstat, mknodat] };
            // A directory whose rights need no open file (narrowed to
            // `O_PATH`), copied (capability-fd.cc TEST(Capability, CapNew)).
            cp_path { d: Dir = dir() [lookup, fstat, mkdirat, unlinkat, symlinkat, renameat_source, renameat_target] };
            // Two directories, one holding the rights a descriptor outside
            // every class lacks (Landlock does not mediate them): what is
            // opened beneath `d` holds them, beneath `o` not
            // (capability-fd.cc TEST(Capability, Inheritance)).
            ix_two { d: Dir = dir() [lookup, read, ioctl, fchmod, fchown, futimes, fstat], o: Dir = dir() [lookup, read] };
            // Two directories Landlock lets make regular files in, one
            // holding the other creations, removals, renames and links.
            ix_make { d: Dir = dir() [lookup, read, write, create, mkdirat, unlinkat, symlinkat, mkfifoat, mknodat, renameat_source, renameat_target, linkat_source, linkat_target, bind], o: Dir = dir() [lookup, read, write, create] };
            // capability-fd.cc TEST(Capability, SyscallAt): r_all,
            // r_no_unlink, r_no_mkdir, r_no_mkfifo.
            at_all { d: Dir = dir() [read, lookup, mknodat, unlinkat, mkdirat, mkfifoat] };
            at_no_unlink { d: Dir = dir() [read, lookup, mkdirat, mkfifoat] };
            at_no_mkdir { d: Dir = dir() [read, lookup, unlinkat, mkfifoat] };
            at_no_mkfifo { d: Dir = dir() [read, lookup, unlinkat, mkdirat] };

            // ---- openat.cc: the walk beneath a directory.
            wk_top_sub { top: Dir = dir() [lookup, read], sub: Dir = dir() [lookup, read] };
            wk_top_sub_etc { top: Dir = dir() [lookup, read], sub: Dir = dir() [lookup, read], etc: Dir = dir() [lookup, read] };
            wm_top_sub { top: Dir = dir() [lookup, read, fstatat], sub: Dir = dir() [lookup, read, fstatat] } @methods;
            wm_top_sub_etc { top: Dir = dir() [lookup, read, fstatat], sub: Dir = dir() [lookup, read, fstatat], etc: Dir = dir() [lookup, read, fstatat] } @methods;
            // The walk for the changing calls (rename.cc).
            wk_write { top: Dir = dir() [lookup, read, write, create, seek, fstat, unlinkat, mkdirat, symlinkat, renameat_source, renameat_target, linkat_source, linkat_target], sub: Dir = dir() [lookup, read, write, create, seek, fstat, unlinkat, mkdirat, symlinkat, renameat_source, renameat_target, linkat_source, linkat_target] };
            // openat.cc TEST(Openat, Relative): etc_cap_ro and etc_cap_base.
            rel_rl { etc: Dir = dir() [read, lookup] };
            rel_base { etc: Dir = dir() [read, write, seek, lookup, fcntls(getfl), ioctls(fionread)] };

            // ---- capmode.cc: capability mode.
            cm { top: Dir = dir() [lookup, read, write, create, seek, fstat, ftruncate, fsync, fchmod, fchown, futimes, mkdirat, mkfifoat, mknodat, unlinkat, renameat_source, renameat_target, linkat_source, linkat_target, symlinkat, bind, fchdir], f: File = file(read, write) [read, write, seek, fstat, fsync, ftruncate, fchmod, fchown, futimes, flock, fcntl, ioctl, event, mmap_rw, fstatfs, fpathconf] };

            // ---- fcntl.cc TEST(Fcntl, Commands), on a file and on
            // standard input (a socket, a pipe, a memfd per case).
            fc_none { f: File = file(read, write) [] } stdin [];
            fc_read_write { f: File = file(read, write) [read, write] } stdin [read, write];
            fc_fcntl { f: File = file(read, write) [fcntl] } stdin [fcntl];
            fc_flock { f: File = file(read, write) [flock] } stdin [flock];
            fc_event { f: File = file(read, write) [event] } stdin [event];
            fc_setsockopt { f: File = file(read, write) [setsockopt] } stdin [setsockopt];
            fc_getsockopt { f: File = file(read, write) [getsockopt] } stdin [getsockopt];
            fc_fstat { f: File = file(read, write) [fstat] } stdin [fstat];
            fc_fchmod { f: File = file(read, write) [fchmod] } stdin [fchmod];
            fc_getown { f: File = file(read, write) [fcntls(getown)] } stdin [fcntls(getown)];
            fc_setown { f: File = file(read, write) [fcntls(setown)] } stdin [fcntls(setown)];
            // F_NOTIFY on a directory (dnotify).
            fc_dir_read { d: Dir = dir() [lookup, read] };
            fc_dir_fcntl { d: Dir = dir() [lookup, read, fcntl] };

            // ---- copy_file_range.cc (fd_in = f, fd_out = g).
            cfr_write_read { f: File = file(read, write) [write], g: File = file(read, write) [read] };
            cfr_read_read { f: File = file(read, write) [read], g: File = file(read, write) [read] };
            cfr_write_write { f: File = file(read, write) [write], g: File = file(read, write) [write] };
            cfr_read_write { f: File = file(read, write) [read], g: File = file(read, write) [write] };
            cfr_readseek_write { f: File = file(read, write) [read, seek], g: File = file(read, write) [write] };
            cfr_read_writeseek { f: File = file(read, write) [read], g: File = file(read, write) [write, seek] };
            cfr_readseek_writeseek { f: File = file(read, write) [read, seek], g: File = file(read, write) [write, seek] };
            // capability-fd-pair.cc TEST(CapabilityPair, sendfile): in = f,
            // out = standard input (a socket).
            sf_in_rs_out_rs { f: File = file(read, write) [read, seek] } stdin [read, seek];
            sf_in_ws_out_ws { f: File = file(read, write) [write, seek] } stdin [write, seek];
            sf_in_rs_out_ws { f: File = file(read, write) [read, seek] } stdin [write, seek];

            // ---- linux.cc on standard input: TEST(Linux, EventFD),
            // TEST(Linux, TimerFD), TEST(Linux, MemFDDeathTestIfAvailable);
            // socket.cc TEST(Socket, UnixDomain).
            lx_rs { f: File = file(read, write) [] } stdin [read, seek];
            lx_ws { f: File = file(read, write) [] } stdin [write, seek];
            lx_rws { f: File = file(read, write) [] } stdin [read, write, seek];
            lx_rwse { f: File = file(read, write) [] } stdin [read, write, seek, event];
            lx_r { f: File = file(read, write) [] } stdin [read];
            lx_w { f: File = file(read, write) [] } stdin [write];
            lx_mmap_r_fstat { f: File = file(read, write) [] } stdin [mmap_r, fstat];
            lx_mmap_rw_fchmod { f: File = file(read, write) [] } stdin [mmap_rw, fchmod];
            lx_mmap_rw { f: File = file(read, write) [] } stdin [mmap_rw];
            so_rw { f: File = file(read, write) [] } stdin [read, write];
            so_all { f: File = file(read, write) [] } stdin [read, write, sock_client, sock_server];
        }
    };
}

/// One profile: a declaration a probe can enter with.
#[derive(Clone, Copy, Debug)]
pub struct Profile {
    /// The function name (`fo_read`).
    pub name: &'static str,
    /// `(role, kind, rights as written)`, kind `file` or `dir`.
    pub roles: &'static [(&'static str, &'static str, &'static str)],
    /// The rights of standard input, when limited.
    pub stdin: Option<&'static str>,
    /// Whether the directories are handed to `Dir` methods.
    pub methods: bool,
}

macro_rules! profile_table {
    ($( $name:ident { $($role:ident : $ty:ident = $kind:ident ( $($flag:ident),* ) [ $($r:tt)* ]),* $(,)? }
        $(stdin [ $($s:tt)* ])? $(@ $m:ident)? ; )*) => {
        /// Every profile, as [`conformance_profiles!`](crate::conformance_profiles) lists them.
        pub const PROFILES: &[Profile] = &[$(
            Profile {
                name: stringify!($name),
                roles: &[$( (stringify!($role), stringify!($kind), stringify!($($r)*)) ),*],
                stdin: { let s: &[&str] = &[$(stringify!($($s)*))?]; if s.is_empty() { None } else { Some(s[0]) } },
                methods: { let m: &[&str] = &[$(stringify!($m))?]; !m.is_empty() },
            }
        ),*];
    };
}

crate::conformance_profiles!(profile_table);

/// The profile named `name`.
pub fn profile(name: &str) -> Option<&'static Profile> {
    PROFILES.iter().find(|p| p.name == name)
}

impl Profile {
    /// The rights written for `role` (`"stdin"` for standard input), or
    /// `None` when the profile does not declare it.
    pub fn rights_of(&self, role: &str) -> Option<&'static str> {
        if role == "stdin" {
            return self.stdin;
        }
        self.roles
            .iter()
            .find(|(r, _, _)| *r == role)
            .map(|(_, _, rights)| *rights)
    }
}
