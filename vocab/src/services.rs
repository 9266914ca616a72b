//! The libcasper services `services(...)` declares, and the words of their
//! limits, named as the service's C source and man page name them.

use crate::words;

words! {
    /// A service of `services(...)`; its Rust name is its handle's type
    /// (`sandboxed::services::Dns`).
    pub enum Service {
        /// `system.dns`: cap_dns(3).
        Dns = "dns",
        /// `system.net`: cap_net(3).
        Net = "net",
        /// `system.pwd`: cap_pwd(3).
        Pwd = "pwd",
        /// `system.grp`: cap_grp(3).
        Grp = "grp",
        /// `system.sysctl`: cap_sysctl(3).
        Sysctl = "sysctl",
        /// `system.syslog`: cap_syslog(3).
        Syslog = "syslog",
        /// `system.fileargs`: fileargs(3).
        FileArgs = "fileargs",
    }
}

impl Service {
    /// libcasper's name of the service (`"system.dns"`).
    pub const fn casper_name(self) -> &'static str {
        match self {
            Service::Dns => "system.dns",
            Service::Net => "system.net",
            Service::Pwd => "system.pwd",
            Service::Grp => "system.grp",
            Service::Sysctl => "system.sysctl",
            Service::Syslog => "system.syslog",
            Service::FileArgs => "system.fileargs",
        }
    }

    /// The limits the service takes, as `LIMIT = [...]` keys.
    pub const fn limits(self) -> &'static [&'static str] {
        match self {
            Service::Dns => &["types", "families"],
            Service::Net => &["modes", "hosts", "families", "bind", "connect"],
            Service::Pwd => &["cmds", "fields", "users"],
            Service::Grp => &["cmds", "fields", "groups"],
            Service::Sysctl => &["read", "write", "recursive"],
            Service::Syslog => &[],
            Service::FileArgs => &["rights", "operations"],
        }
    }
}

words! {
    /// `system.dns` lookup types (cap_dns_type_limit(3); cap_dns.c's
    /// `"NAME2ADDR"` and `"ADDR2NAME"`).
    pub enum DnsType {
        /// getaddrinfo, gethostbyname.
        NameToAddr = "name2addr",
        /// getnameinfo, gethostbyaddr.
        AddrToName = "addr2name",
    }
}

words! {
    /// Address families a service may be limited to.
    pub enum Family {
        /// IPv4 (`AF_INET`).
        Inet = "inet",
        /// IPv6 (`AF_INET6`).
        Inet6 = "inet6",
    }
}

words! {
    /// `system.net` modes (cap_net_limit_init(3), the `CAPNET_*` of cap_net.h).
    pub enum NetMode {
        /// `CAPNET_NAME2ADDR`.
        NameToAddr = "name2addr",
        /// `CAPNET_ADDR2NAME`.
        AddrToName = "addr2name",
        /// `CAPNET_BIND`.
        Bind = "bind",
        /// `CAPNET_CONNECT`.
        Connect = "connect",
        /// `CAPNET_CONNECTDNS`: connect only to addresses a name lookup returned.
        ConnectDns = "connectdns",
    }
}

words! {
    /// `system.pwd` commands (cap_pwd_limit_cmds(3)), as cap_pwd.c names them.
    pub enum PwdCmd {
        /// getpwent(3).
        Getpwent = "getpwent",
        /// getpwnam(3).
        Getpwnam = "getpwnam",
        /// getpwuid(3).
        Getpwuid = "getpwuid",
        /// getpwent_r(3).
        GetpwentR = "getpwent_r",
        /// getpwnam_r(3).
        GetpwnamR = "getpwnam_r",
        /// getpwuid_r(3).
        GetpwuidR = "getpwuid_r",
        /// setpassent(3).
        Setpassent = "setpassent",
        /// setpwent(3).
        Setpwent = "setpwent",
        /// endpwent(3).
        Endpwent = "endpwent",
    }
}

words! {
    /// `system.pwd` fields (cap_pwd_limit_fields(3)): the `struct passwd`
    /// members cap_pwd.c returns; the others read as empty.
    pub enum PwdField {
        /// The login name.
        PwName = "pw_name",
        /// The encrypted password.
        PwPasswd = "pw_passwd",
        /// The user id.
        PwUid = "pw_uid",
        /// The group id.
        PwGid = "pw_gid",
        /// The password change time.
        PwChange = "pw_change",
        /// The login class.
        PwClass = "pw_class",
        /// The full name.
        PwGecos = "pw_gecos",
        /// The home directory.
        PwDir = "pw_dir",
        /// The login shell.
        PwShell = "pw_shell",
        /// The account expiration time.
        PwExpire = "pw_expire",
    }
}

words! {
    /// `system.grp` commands (cap_grp_limit_cmds(3)), as cap_grp.c names them.
    pub enum GrpCmd {
        /// getgrent(3).
        Getgrent = "getgrent",
        /// getgrnam(3).
        Getgrnam = "getgrnam",
        /// getgrgid(3).
        Getgrgid = "getgrgid",
        /// getgrent_r(3).
        GetgrentR = "getgrent_r",
        /// getgrnam_r(3).
        GetgrnamR = "getgrnam_r",
        /// getgrgid_r(3).
        GetgrgidR = "getgrgid_r",
        /// setgroupent(3).
        Setgroupent = "setgroupent",
        /// setgrent(3).
        Setgrent = "setgrent",
        /// endgrent(3).
        Endgrent = "endgrent",
    }
}

words! {
    /// `system.grp` fields (cap_grp_limit_fields(3)): the `struct group`
    /// members cap_grp.c returns; the others read as empty.
    pub enum GrpField {
        /// The group name.
        GrName = "gr_name",
        /// The encrypted password.
        GrPasswd = "gr_passwd",
        /// The group id.
        GrGid = "gr_gid",
        /// The members.
        GrMem = "gr_mem",
    }
}

words! {
    /// fileargs operations (fileargs_init(3), the `FA_*` of fileargs.h).
    pub enum FileOp {
        /// `FA_OPEN`.
        Open = "open",
        /// `FA_LSTAT`.
        Lstat = "lstat",
        /// `FA_REALPATH`.
        Realpath = "realpath",
    }
}

/// Access to one sysctl entry (cap_sysctl_limit_name(3)): `read`, `write`,
/// `recursive` in `sysctl(...)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SysctlAccess {
    /// `CAP_SYSCTL_READ`.
    pub read: bool,
    /// `CAP_SYSCTL_WRITE`.
    pub write: bool,
    /// `CAP_SYSCTL_RECURSIVE`: the entry and everything beneath it.
    pub recursive: bool,
}

impl SysctlAccess {
    /// `CAP_SYSCTL_READ` of cap_sysctl.h.
    pub const READ: u8 = 0x01;
    /// `CAP_SYSCTL_WRITE`.
    pub const WRITE: u8 = 0x02;
    /// `CAP_SYSCTL_RECURSIVE`.
    pub const RECURSIVE: u8 = 0x04;

    /// The access as cap_sysctl_limit_name(3)'s flags.
    pub const fn flags(self) -> u8 {
        (if self.read { Self::READ } else { 0 })
            | (if self.write { Self::WRITE } else { 0 })
            | (if self.recursive { Self::RECURSIVE } else { 0 })
    }

    /// The access these flags give; `None` for a bit cap_sysctl.h does not
    /// define.
    pub const fn from_flags(flags: u8) -> Option<SysctlAccess> {
        if flags & !(Self::READ | Self::WRITE | Self::RECURSIVE) != 0 {
            return None;
        }
        Some(SysctlAccess {
            read: flags & Self::READ != 0,
            write: flags & Self::WRITE != 0,
            recursive: flags & Self::RECURSIVE != 0,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sysctl_flags_round_trip() {
        for bits in 0..8 {
            assert_eq!(
                SysctlAccess::from_flags(bits).map(SysctlAccess::flags),
                Some(bits)
            );
        }
        assert_eq!(SysctlAccess::from_flags(8), None);
    }
}
