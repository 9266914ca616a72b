//! The messages' spelling of the contract's values and of the
//! declarations' limits.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use crate::decl::{
    DbLimits, DnsLimits, DnsType, Family, GrpCmd, GrpField, NetLimits, NetMode, Principal, PwdCmd,
    PwdField, SysctlAccess, Word,
};
use crate::services::contract::{DbQuery, FileStat, Group, SocketKind, User};

use super::{Field, Malformed, Reader, Result, Writer};

impl Writer<'_> {
    fn ip(&mut self, ip: IpAddr) {
        match ip {
            IpAddr::V4(a) => {
                self.u8(4);
                self.put_le(a.octets());
            }
            IpAddr::V6(a) => {
                self.u8(6);
                self.put_le(a.octets());
            }
        }
    }
    /// As `Option<String>`'s field.
    fn opt_str(&mut self, v: Option<&str>) {
        match v {
            None => self.u8(0),
            Some(s) => {
                self.u8(1);
                self.raw(s.as_bytes());
            }
        }
    }
}

impl Field<'_> for IpAddr {
    const MIN: usize = 5;
    fn put<'w>(&'w self, w: &mut Writer<'w>) {
        w.ip(*self);
    }
    fn get(r: &mut Reader<'_>) -> Result<Self> {
        match r.u8()? {
            4 => Ok(IpAddr::V4(Ipv4Addr::from(r.array::<4>()?))),
            6 => Ok(IpAddr::V6(Ipv6Addr::from(r.array::<16>()?))),
            _ => Err(Malformed),
        }
    }
}

impl Field<'_> for SocketAddr {
    const MIN: usize = IpAddr::MIN + 2;
    fn put<'w>(&'w self, w: &mut Writer<'w>) {
        w.ip(self.ip());
        w.put_le(self.port().to_le_bytes());
    }
    fn get(r: &mut Reader<'_>) -> Result<Self> {
        let ip = IpAddr::get(r)?;
        Ok(SocketAddr::new(ip, u16::get(r)?))
    }
}

/// A family as its number (4 or 6); an absent one as 0.
impl Field<'_> for Family {
    const MIN: usize = 1;
    fn put<'w>(&'w self, w: &mut Writer<'w>) {
        w.u8(family_code(Some(*self)));
    }
    fn get(r: &mut Reader<'_>) -> Result<Self> {
        Option::<Family>::get(r)?.ok_or(Malformed)
    }
}

impl Field<'_> for Option<Family> {
    const MIN: usize = 1;
    fn put<'w>(&'w self, w: &mut Writer<'w>) {
        w.u8(family_code(*self));
    }
    fn get(r: &mut Reader<'_>) -> Result<Self> {
        match r.u8()? {
            0 => Ok(None),
            4 => Ok(Some(Family::Inet)),
            6 => Ok(Some(Family::Inet6)),
            _ => Err(Malformed),
        }
    }
}

fn family_code(f: Option<Family>) -> u8 {
    match f {
        None => 0,
        Some(Family::Inet) => 4,
        Some(Family::Inet6) => 6,
    }
}

impl Field<'_> for SocketKind {
    const MIN: usize = 1;
    fn put<'w>(&'w self, w: &mut Writer<'w>) {
        w.u8(match self {
            SocketKind::Stream => 1,
            SocketKind::Datagram => 2,
        });
    }
    fn get(r: &mut Reader<'_>) -> Result<Self> {
        match r.u8()? {
            1 => Ok(SocketKind::Stream),
            2 => Ok(SocketKind::Datagram),
            _ => Err(Malformed),
        }
    }
}

/// Words of a closed list by their place in it, from 1.
macro_rules! word_by_place {
    ($($t:ty),*) => {$(
        impl Field<'_> for $t {
            const MIN: usize = 1;
            fn put<'w>(&'w self, w: &mut Writer<'w>) {
                let place = <$t>::ALL.iter().position(|x| x == self).map_or(0, |i| i + 1);
                w.u8(u8::try_from(place).unwrap_or(0));
            }
            fn get(r: &mut Reader<'_>) -> Result<Self> {
                let place = usize::from(r.u8()?);
                place
                    .checked_sub(1)
                    .and_then(|i| <$t>::ALL.get(i))
                    .copied()
                    .ok_or(Malformed)
            }
        }
    )*};
}
word_by_place!(DnsType, NetMode);

/// Words by libcasper's names, as cap_pwd_limit_cmds(3) sends them: a
/// name outside the list (a `cap_grp` command in a `cap_pwd` limit) is
/// malformed.
macro_rules! word_by_name {
    ($($t:ty),*) => {$(
        impl Field<'_> for $t {
            const MIN: usize = 4;
            fn put<'w>(&'w self, w: &mut Writer<'w>) {
                w.raw(self.name().as_bytes());
            }
            fn get(r: &mut Reader<'_>) -> Result<Self> {
                <$t>::from_name(<&str>::get(r)?).ok_or(Malformed)
            }
        }
    )*};
}
word_by_name!(PwdCmd, PwdField, GrpCmd, GrpField);

impl Field<'_> for SysctlAccess {
    const MIN: usize = 1;
    fn put<'w>(&'w self, w: &mut Writer<'w>) {
        w.u8(self.flags());
    }
    fn get(r: &mut Reader<'_>) -> Result<Self> {
        SysctlAccess::from_flags(r.u8()?).ok_or(Malformed)
    }
}

impl<'a> Field<'a> for DbQuery<'a> {
    const MIN: usize = 1;
    fn put<'w>(&'w self, w: &mut Writer<'w>) {
        match self {
            DbQuery::ByName(n) => {
                w.u8(0);
                n.put(w);
            }
            DbQuery::ById(id) => {
                w.u8(1);
                id.put(w);
            }
            DbQuery::All => w.u8(2),
        }
    }
    fn get(r: &mut Reader<'a>) -> Result<Self> {
        match r.u8()? {
            0 => <&str>::get(r).map(DbQuery::ByName),
            1 => u32::get(r).map(DbQuery::ById),
            2 => Ok(DbQuery::All),
            _ => Err(Malformed),
        }
    }
}

impl Field<'_> for Principal {
    const MIN: usize = 5;
    fn put<'w>(&'w self, w: &mut Writer<'w>) {
        match self {
            Principal::Name(n) => {
                w.u8(0);
                n.put(w);
            }
            Principal::Id(id) => {
                w.u8(1);
                id.put(w);
            }
        }
    }
    fn get(r: &mut Reader<'_>) -> Result<Self> {
        match r.u8()? {
            0 => String::get(r).map(Principal::Name),
            1 => u32::get(r).map(Principal::Id),
            _ => Err(Malformed),
        }
    }
}

impl Field<'_> for DnsLimits {
    const MIN: usize = 8;
    fn put<'w>(&'w self, w: &mut Writer<'w>) {
        self.types.put(w);
        self.families.put(w);
    }
    fn get(r: &mut Reader<'_>) -> Result<Self> {
        Ok(DnsLimits {
            types: Field::get(r)?,
            families: Field::get(r)?,
        })
    }
}

impl Field<'_> for NetLimits {
    const MIN: usize = 20;
    fn put<'w>(&'w self, w: &mut Writer<'w>) {
        self.modes.put(w);
        self.hosts.put(w);
        self.families.put(w);
        self.bind.put(w);
        self.connect.put(w);
    }
    fn get(r: &mut Reader<'_>) -> Result<Self> {
        Ok(NetLimits {
            modes: Field::get(r)?,
            hosts: Field::get(r)?,
            families: Field::get(r)?,
            bind: Field::get(r)?,
            connect: Field::get(r)?,
        })
    }
}

impl<'a, C: Field<'a> + Word, F: Field<'a> + Word> Field<'a> for DbLimits<C, F> {
    const MIN: usize = 12;
    fn put<'w>(&'w self, w: &mut Writer<'w>) {
        self.cmds.put(w);
        self.fields.put(w);
        self.principals.put(w);
    }
    fn get(r: &mut Reader<'a>) -> Result<Self> {
        Ok(DbLimits {
            cmds: Field::get(r)?,
            fields: Field::get(r)?,
            principals: Field::get(r)?,
        })
    }
}

impl Field<'_> for User {
    const MIN: usize = 7;
    fn put<'w>(&'w self, w: &mut Writer<'w>) {
        self.name.put(w);
        self.passwd.put(w);
        self.uid.put(w);
        self.gid.put(w);
        self.gecos.put(w);
        // A directory or shell that is not UTF-8 reads as absent.
        w.opt_str(self.dir.as_ref().and_then(|p| p.to_str()));
        w.opt_str(self.shell.as_ref().and_then(|p| p.to_str()));
    }
    fn get(r: &mut Reader<'_>) -> Result<Self> {
        Ok(User {
            name: Field::get(r)?,
            passwd: Field::get(r)?,
            uid: Field::get(r)?,
            gid: Field::get(r)?,
            gecos: Field::get(r)?,
            dir: Option::<String>::get(r)?.map(Into::into),
            shell: Option::<String>::get(r)?.map(Into::into),
        })
    }
}

impl Field<'_> for Group {
    const MIN: usize = 4;
    fn put<'w>(&'w self, w: &mut Writer<'w>) {
        self.name.put(w);
        self.passwd.put(w);
        self.gid.put(w);
        match &self.members {
            None => w.u8(0),
            Some(m) => {
                w.u8(1);
                m.put(w);
            }
        }
    }
    fn get(r: &mut Reader<'_>) -> Result<Self> {
        Ok(Group {
            name: Field::get(r)?,
            passwd: Field::get(r)?,
            gid: Field::get(r)?,
            members: match r.u8()? {
                0 => None,
                1 => Some(Field::get(r)?),
                _ => return Err(Malformed),
            },
        })
    }
}

impl Field<'_> for FileStat {
    const MIN: usize = 28;
    fn put<'w>(&'w self, w: &mut Writer<'w>) {
        self.size.put(w);
        self.mode.put(w);
        self.uid.put(w);
        self.gid.put(w);
        self.mtime.put(w);
    }
    fn get(r: &mut Reader<'_>) -> Result<Self> {
        Ok(FileStat {
            size: Field::get(r)?,
            mode: Field::get(r)?,
            uid: Field::get(r)?,
            gid: Field::get(r)?,
            mtime: Field::get(r)?,
        })
    }
}
