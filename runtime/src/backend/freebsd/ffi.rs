//! C functions the `libc` and `capsicum` crates do not declare: the libc
//! calls behind capsicum_helpers(3)'s `caph_cache_*`, and (with the
//! `casper` feature) the libcasper system services, each from its own
//! library: cap_dns(3), cap_net(3), cap_pwd(3), cap_grp(3), cap_sysctl(3),
//! cap_syslog(3), cap_fileargs(3). Prototypes are those of the headers in
//! lib/libcasper/services/*/ with `WITH_CASPER` defined.

#![allow(non_camel_case_types)]

use libc::{c_char, c_int};

/// `nl_catd` of nl_types.h: an opaque catalog pointer.
pub(super) type nl_catd = *mut libc::c_void;

/// `NL_CAT_LOCALE` of nl_types.h: pick the catalog by `LC_MESSAGES`.
pub(super) const NL_CAT_LOCALE: c_int = 1;

extern "C" {
    /// tzset(3): loads the time zone named by `TZ` or /etc/localtime.
    pub(super) fn tzset();
    /// catopen(3): opens (and caches) a message catalog.
    pub(super) fn catopen(name: *const c_char, oflag: c_int) -> nl_catd;
}

#[cfg(feature = "casper")]
pub(super) use services::*;

#[cfg(feature = "casper")]
mod services {
    use libc::{addrinfo, c_char, c_int, gid_t, group, passwd, size_t, sockaddr, socklen_t};
    use libc::{mode_t, stat, uid_t};

    /// libcasper's `cap_channel_t` (opaque).
    #[repr(C)]
    pub(in super::super) struct cap_channel_t {
        _opaque: [u8; 0],
    }

    /// cap_net(3)'s `cap_net_limit_t` (opaque).
    #[repr(C)]
    pub(in super::super) struct cap_net_limit_t {
        _opaque: [u8; 0],
    }

    /// cap_sysctl(3)'s `cap_sysctl_limit_t` (opaque).
    #[repr(C)]
    pub(in super::super) struct cap_sysctl_limit_t {
        _opaque: [u8; 0],
    }

    /// cap_fileargs(3)'s `fileargs_t` (opaque).
    #[repr(C)]
    pub(in super::super) struct fileargs_t {
        _opaque: [u8; 0],
    }

    // cap_net.h.
    pub(in super::super) const CAPNET_ADDR2NAME: u64 = 0x01;
    pub(in super::super) const CAPNET_NAME2ADDR: u64 = 0x02;
    pub(in super::super) const CAPNET_CONNECT: u64 = 0x10;
    pub(in super::super) const CAPNET_BIND: u64 = 0x20;
    pub(in super::super) const CAPNET_CONNECTDNS: u64 = 0x40;

    // cap_sysctl.h.
    pub(in super::super) const CAP_SYSCTL_READ: c_int = 0x01;
    pub(in super::super) const CAP_SYSCTL_WRITE: c_int = 0x02;
    pub(in super::super) const CAP_SYSCTL_RECURSIVE: c_int = 0x04;

    // cap_fileargs.h.
    pub(in super::super) const FA_OPEN: c_int = 1;
    pub(in super::super) const FA_LSTAT: c_int = 2;
    pub(in super::super) const FA_REALPATH: c_int = 4;

    #[link(name = "casper")]
    extern "C" {
        /// cap_sock(3): the socket under a channel.
        pub(in super::super) fn cap_sock(chan: *const cap_channel_t) -> c_int;
    }

    // cap_getaddrinfo and cap_getnameinfo are defined by both libcap_dns
    // and libcap_net, with the same request format (compare cap_dns.c and
    // cap_net.c): one declaration serves channels of either service.
    #[link(name = "cap_dns")]
    extern "C" {
        pub(in super::super) fn cap_getaddrinfo(
            chan: *mut cap_channel_t,
            hostname: *const c_char,
            servname: *const c_char,
            hints: *const addrinfo,
            res: *mut *mut addrinfo,
        ) -> c_int;
        pub(in super::super) fn cap_getnameinfo(
            chan: *mut cap_channel_t,
            sa: *const sockaddr,
            salen: socklen_t,
            host: *mut c_char,
            hostlen: size_t,
            serv: *mut c_char,
            servlen: size_t,
            flags: c_int,
        ) -> c_int;
        pub(in super::super) fn cap_dns_type_limit(
            chan: *mut cap_channel_t,
            types: *const *const c_char,
            ntypes: size_t,
        ) -> c_int;
        pub(in super::super) fn cap_dns_family_limit(
            chan: *mut cap_channel_t,
            families: *const c_int,
            nfamilies: size_t,
        ) -> c_int;
    }

    #[link(name = "cap_net")]
    extern "C" {
        pub(in super::super) fn cap_bind(
            chan: *mut cap_channel_t,
            s: c_int,
            addr: *const sockaddr,
            addrlen: socklen_t,
        ) -> c_int;
        pub(in super::super) fn cap_connect(
            chan: *mut cap_channel_t,
            s: c_int,
            name: *const sockaddr,
            namelen: socklen_t,
        ) -> c_int;
        pub(in super::super) fn cap_net_limit_init(
            chan: *mut cap_channel_t,
            mode: u64,
        ) -> *mut cap_net_limit_t;
        pub(in super::super) fn cap_net_limit(limit: *mut cap_net_limit_t) -> c_int;
        pub(in super::super) fn cap_net_limit_addr2name_family(
            limit: *mut cap_net_limit_t,
            family: *mut c_int,
            size: size_t,
        ) -> *mut cap_net_limit_t;
        pub(in super::super) fn cap_net_limit_name2addr_family(
            limit: *mut cap_net_limit_t,
            family: *mut c_int,
            size: size_t,
        ) -> *mut cap_net_limit_t;
        pub(in super::super) fn cap_net_limit_name2addr(
            limit: *mut cap_net_limit_t,
            name: *const c_char,
            serv: *const c_char,
        ) -> *mut cap_net_limit_t;
        pub(in super::super) fn cap_net_limit_connect(
            limit: *mut cap_net_limit_t,
            sa: *const sockaddr,
            salen: socklen_t,
        ) -> *mut cap_net_limit_t;
        pub(in super::super) fn cap_net_limit_bind(
            limit: *mut cap_net_limit_t,
            sa: *const sockaddr,
            salen: socklen_t,
        ) -> *mut cap_net_limit_t;
    }

    #[link(name = "cap_pwd")]
    extern "C" {
        pub(in super::super) fn cap_getpwnam_r(
            chan: *mut cap_channel_t,
            name: *const c_char,
            pwd: *mut passwd,
            buffer: *mut c_char,
            bufsize: size_t,
            result: *mut *mut passwd,
        ) -> c_int;
        pub(in super::super) fn cap_getpwuid_r(
            chan: *mut cap_channel_t,
            uid: uid_t,
            pwd: *mut passwd,
            buffer: *mut c_char,
            bufsize: size_t,
            result: *mut *mut passwd,
        ) -> c_int;
        pub(in super::super) fn cap_getpwent_r(
            chan: *mut cap_channel_t,
            pwd: *mut passwd,
            buffer: *mut c_char,
            bufsize: size_t,
            result: *mut *mut passwd,
        ) -> c_int;
        pub(in super::super) fn cap_setpwent(chan: *mut cap_channel_t);
        pub(in super::super) fn cap_endpwent(chan: *mut cap_channel_t);
        pub(in super::super) fn cap_pwd_limit_cmds(
            chan: *mut cap_channel_t,
            cmds: *const *const c_char,
            ncmds: size_t,
        ) -> c_int;
        pub(in super::super) fn cap_pwd_limit_fields(
            chan: *mut cap_channel_t,
            fields: *const *const c_char,
            nfields: size_t,
        ) -> c_int;
        pub(in super::super) fn cap_pwd_limit_users(
            chan: *mut cap_channel_t,
            names: *const *const c_char,
            nnames: size_t,
            uids: *mut uid_t,
            nuids: size_t,
        ) -> c_int;
    }

    #[link(name = "cap_grp")]
    extern "C" {
        pub(in super::super) fn cap_getgrnam_r(
            chan: *mut cap_channel_t,
            name: *const c_char,
            grp: *mut group,
            buffer: *mut c_char,
            bufsize: size_t,
            result: *mut *mut group,
        ) -> c_int;
        pub(in super::super) fn cap_getgrgid_r(
            chan: *mut cap_channel_t,
            gid: gid_t,
            grp: *mut group,
            buffer: *mut c_char,
            bufsize: size_t,
            result: *mut *mut group,
        ) -> c_int;
        pub(in super::super) fn cap_getgrent_r(
            chan: *mut cap_channel_t,
            grp: *mut group,
            buffer: *mut c_char,
            bufsize: size_t,
            result: *mut *mut group,
        ) -> c_int;
        pub(in super::super) fn cap_setgrent(chan: *mut cap_channel_t) -> c_int;
        pub(in super::super) fn cap_endgrent(chan: *mut cap_channel_t);
        pub(in super::super) fn cap_grp_limit_cmds(
            chan: *mut cap_channel_t,
            cmds: *const *const c_char,
            ncmds: size_t,
        ) -> c_int;
        pub(in super::super) fn cap_grp_limit_fields(
            chan: *mut cap_channel_t,
            fields: *const *const c_char,
            nfields: size_t,
        ) -> c_int;
        pub(in super::super) fn cap_grp_limit_groups(
            chan: *mut cap_channel_t,
            names: *const *const c_char,
            nnames: size_t,
            gids: *const gid_t,
            ngids: size_t,
        ) -> c_int;
    }

    #[link(name = "cap_sysctl")]
    extern "C" {
        pub(in super::super) fn cap_sysctlbyname(
            chan: *mut cap_channel_t,
            name: *const c_char,
            oldp: *mut libc::c_void,
            oldlenp: *mut size_t,
            newp: *const libc::c_void,
            newlen: size_t,
        ) -> c_int;
        pub(in super::super) fn cap_sysctl_limit_init(
            chan: *mut cap_channel_t,
        ) -> *mut cap_sysctl_limit_t;
        pub(in super::super) fn cap_sysctl_limit_name(
            limit: *mut cap_sysctl_limit_t,
            name: *const c_char,
            flags: c_int,
        ) -> *mut cap_sysctl_limit_t;
        pub(in super::super) fn cap_sysctl_limit(limit: *mut cap_sysctl_limit_t) -> c_int;
    }

    #[link(name = "cap_syslog")]
    extern "C" {
        pub(in super::super) fn cap_openlog(
            chan: *mut cap_channel_t,
            ident: *const c_char,
            logopt: c_int,
            facility: c_int,
        );
        pub(in super::super) fn cap_syslog(
            chan: *mut cap_channel_t,
            pri: c_int,
            fmt: *const c_char,
            ...
        );
        pub(in super::super) fn cap_closelog(chan: *mut cap_channel_t);
        pub(in super::super) fn cap_setlogmask(chan: *mut cap_channel_t, maskpri: c_int) -> c_int;
    }

    #[link(name = "cap_fileargs")]
    extern "C" {
        pub(in super::super) fn fileargs_init(
            argc: c_int,
            argv: *mut *mut c_char,
            flags: c_int,
            mode: mode_t,
            rightsp: *mut libc::cap_rights_t,
            operations: c_int,
        ) -> *mut fileargs_t;
        pub(in super::super) fn fileargs_open(fa: *mut fileargs_t, name: *const c_char) -> c_int;
        pub(in super::super) fn fileargs_lstat(
            fa: *mut fileargs_t,
            name: *const c_char,
            sb: *mut stat,
        ) -> c_int;
        pub(in super::super) fn fileargs_realpath(
            fa: *mut fileargs_t,
            pathname: *const c_char,
            reserved_path: *mut c_char,
        ) -> *mut c_char;
        pub(in super::super) fn fileargs_free(fa: *mut fileargs_t);
    }
}
