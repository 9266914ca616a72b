//! The broker's message format: one request or one answer per
//! `SOCK_SEQPACKET` message, little-endian, each field length-prefixed.
//! Decoding is total: any byte sequence gives a value or [`Malformed`],
//! never a panic, and never allocates more than the message's own length.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use crate::decl::{
    DbLimits, DnsLimits, Family, GrpLimits, NetLimits, Principal, PwdLimits, SysctlAccess, Word,
};
use crate::services::{FileStat, Group, SocketKind, User};

/// Largest request or answer, in bytes: a path of `PATH_MAX`, a syslog line
/// of a few kilobytes and a password database of a few hundred entries fit.
pub(crate) const MAX_MESSAGE: usize = 64 * 1024;

/// A message that does not decode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Malformed;

type Result<T> = std::result::Result<T, Malformed>;

/// One request from the sandboxed program.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Request {
    LookupHost {
        host: String,
        family: Option<Family>,
    },
    /// cap_getaddrinfo(3) with a service name or port.
    LookupService {
        host: String,
        service: String,
        family: Option<Family>,
    },
    LookupAddr(IpAddr),
    DnsLimit(DnsLimits),
    NetConnect(SocketAddr, SocketKind),
    NetBind(SocketAddr, SocketKind),
    NetLimit(NetLimits),
    Users(Query),
    PwdLimit(PwdLimits),
    Groups(Query),
    GrpLimit(GrpLimits),
    SysctlGet(String),
    SysctlSet(String, Vec<u8>),
    SysctlLimit(Vec<(String, SysctlAccess)>),
    SyslogOpen {
        ident: String,
        option: i32,
        facility: i32,
    },
    Syslog {
        priority: i32,
        message: String,
    },
    SyslogClose,
    SyslogSetMask(i32),
    FileOpen(Vec<u8>),
    FileLstat(Vec<u8>),
    FileRealpath(Vec<u8>),
}

/// An owned `DbQuery`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Query {
    ByName(String),
    ById(u32),
    All,
}

/// A successful answer (a descriptor, if any, travels as `SCM_RIGHTS`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Reply {
    Done,
    Addrs(Vec<IpAddr>),
    SockAddrs(Vec<SocketAddr>),
    Name(String),
    Users(Vec<User>),
    Groups(Vec<Group>),
    Bytes(Vec<u8>),
    Mask(i32),
    Stat(FileStat),
    Fd,
}

/// Appends fields to a message.
#[derive(Debug, Default)]
pub(crate) struct Writer(pub(crate) Vec<u8>);

impl Writer {
    fn u8(&mut self, v: u8) {
        self.0.push(v);
    }
    fn u16(&mut self, v: u16) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn u32(&mut self, v: u32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn i32(&mut self, v: i32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn u64(&mut self, v: u64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn bytes(&mut self, v: &[u8]) {
        // Longer fields cannot fit a message; the length check on the whole
        // message refuses them, so saturating here only keeps this total.
        self.u32(u32::try_from(v.len()).unwrap_or(u32::MAX));
        self.0.extend_from_slice(v);
    }
    fn str(&mut self, v: &str) {
        self.bytes(v.as_bytes());
    }
    fn len(&mut self, n: usize) {
        self.u32(u32::try_from(n).unwrap_or(u32::MAX));
    }
    fn opt_str(&mut self, v: Option<&str>) {
        match v {
            None => self.u8(0),
            Some(s) => {
                self.u8(1);
                self.str(s);
            }
        }
    }
    fn opt_u32(&mut self, v: Option<u32>) {
        match v {
            None => self.u8(0),
            Some(n) => {
                self.u8(1);
                self.u32(n);
            }
        }
    }
    fn ip(&mut self, ip: IpAddr) {
        match ip {
            IpAddr::V4(a) => {
                self.u8(4);
                self.0.extend_from_slice(&a.octets());
            }
            IpAddr::V6(a) => {
                self.u8(6);
                self.0.extend_from_slice(&a.octets());
            }
        }
    }
    fn sockaddr(&mut self, sa: SocketAddr) {
        self.ip(sa.ip());
        self.u16(sa.port());
    }
    fn family(&mut self, f: Family) {
        self.u8(match f {
            Family::Inet => 4,
            Family::Inet6 => 6,
        });
    }
    fn families(&mut self, fs: &[Family]) {
        self.len(fs.len());
        for f in fs {
            self.family(*f);
        }
    }
    fn kind(&mut self, k: SocketKind) {
        self.u8(match k {
            SocketKind::Stream => 1,
            SocketKind::Datagram => 2,
        });
    }
    fn query(&mut self, q: &Query) {
        match q {
            Query::ByName(n) => {
                self.u8(0);
                self.str(n);
            }
            Query::ById(id) => {
                self.u8(1);
                self.u32(*id);
            }
            Query::All => self.u8(2),
        }
    }
    /// A word of a closed list, by its place in the list (from 1).
    fn word<W: Word>(&mut self, w: W) {
        let place = W::ALL.iter().position(|x| *x == w).map_or(0, |i| i + 1);
        self.u8(u8::try_from(place).unwrap_or(0));
    }
    fn words<W: Word>(&mut self, ws: &[W]) {
        self.len(ws.len());
        for w in ws {
            self.word(*w);
        }
    }
    /// A list of words by their names (libcasper's, as cap_pwd_limit_cmds(3)
    /// sends them).
    fn names<W: Word>(&mut self, ws: &[W]) {
        self.len(ws.len());
        for w in ws {
            self.str(w.name());
        }
    }
    fn db_limits<C: Word, F: Word>(&mut self, l: &DbLimits<C, F>) {
        self.names(&l.cmds);
        self.names(&l.fields);
        self.len(l.principals.len());
        for p in &l.principals {
            match p {
                Principal::Name(n) => {
                    self.u8(0);
                    self.str(n);
                }
                Principal::Id(id) => {
                    self.u8(1);
                    self.u32(*id);
                }
            }
        }
    }
}

/// Reads fields from a message, failing on any shortfall or bad value.
#[derive(Debug)]
pub(crate) struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    pub(crate) fn new(message: &'a [u8]) -> Self {
        Reader(message)
    }
    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        if n > self.0.len() {
            return Err(Malformed);
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }
    fn array<const N: usize>(&mut self) -> Result<[u8; N]> {
        self.take(N)?.try_into().map_err(|_| Malformed)
    }
    fn u8(&mut self) -> Result<u8> {
        Ok(self.array::<1>()?[0])
    }
    fn u16(&mut self) -> Result<u16> {
        Ok(u16::from_le_bytes(self.array()?))
    }
    fn u32(&mut self) -> Result<u32> {
        Ok(u32::from_le_bytes(self.array()?))
    }
    fn i32(&mut self) -> Result<i32> {
        Ok(i32::from_le_bytes(self.array()?))
    }
    fn u64(&mut self) -> Result<u64> {
        Ok(u64::from_le_bytes(self.array()?))
    }
    fn bytes(&mut self) -> Result<&'a [u8]> {
        let n = self.u32()? as usize;
        self.take(n)
    }
    fn string(&mut self) -> Result<String> {
        let b = self.bytes()?;
        String::from_utf8(b.to_vec()).map_err(|_| Malformed)
    }
    /// A count of items, each at least `min` bytes long: bounded by what
    /// is left, so a forged count cannot make us allocate.
    fn count(&mut self, min: usize) -> Result<usize> {
        let n = self.u32()? as usize;
        if n.saturating_mul(min.max(1)) > self.0.len() {
            return Err(Malformed);
        }
        Ok(n)
    }
    fn opt_string(&mut self) -> Result<Option<String>> {
        match self.u8()? {
            0 => Ok(None),
            1 => self.string().map(Some),
            _ => Err(Malformed),
        }
    }
    fn opt_u32(&mut self) -> Result<Option<u32>> {
        match self.u8()? {
            0 => Ok(None),
            1 => self.u32().map(Some),
            _ => Err(Malformed),
        }
    }
    fn ip(&mut self) -> Result<IpAddr> {
        match self.u8()? {
            4 => Ok(IpAddr::V4(Ipv4Addr::from(self.array::<4>()?))),
            6 => Ok(IpAddr::V6(Ipv6Addr::from(self.array::<16>()?))),
            _ => Err(Malformed),
        }
    }
    fn sockaddr(&mut self) -> Result<SocketAddr> {
        let ip = self.ip()?;
        Ok(SocketAddr::new(ip, self.u16()?))
    }
    fn family(&mut self) -> Result<Family> {
        match self.u8()? {
            4 => Ok(Family::Inet),
            6 => Ok(Family::Inet6),
            _ => Err(Malformed),
        }
    }
    fn opt_family(&mut self) -> Result<Option<Family>> {
        match self.u8()? {
            0 => Ok(None),
            4 => Ok(Some(Family::Inet)),
            6 => Ok(Some(Family::Inet6)),
            _ => Err(Malformed),
        }
    }
    fn families(&mut self) -> Result<Vec<Family>> {
        let n = self.count(1)?;
        (0..n).map(|_| self.family()).collect()
    }
    fn kind(&mut self) -> Result<SocketKind> {
        match self.u8()? {
            1 => Ok(SocketKind::Stream),
            2 => Ok(SocketKind::Datagram),
            _ => Err(Malformed),
        }
    }
    fn query(&mut self) -> Result<Query> {
        match self.u8()? {
            0 => self.string().map(Query::ByName),
            1 => self.u32().map(Query::ById),
            2 => Ok(Query::All),
            _ => Err(Malformed),
        }
    }
    fn word<W: Word>(&mut self) -> Result<W> {
        let place = usize::from(self.u8()?);
        place
            .checked_sub(1)
            .and_then(|i| W::ALL.get(i))
            .copied()
            .ok_or(Malformed)
    }
    fn words<W: Word>(&mut self) -> Result<Vec<W>> {
        let n = self.count(1)?;
        (0..n).map(|_| self.word()).collect()
    }
    /// A list of words by their names: a name outside `W` (a `cap_grp`
    /// command in a `cap_pwd` limit) is malformed.
    fn names<W: Word>(&mut self) -> Result<Vec<W>> {
        let n = self.count(4)?;
        (0..n)
            .map(|_| {
                let b = self.bytes()?;
                let name = std::str::from_utf8(b).map_err(|_| Malformed)?;
                W::from_name(name).ok_or(Malformed)
            })
            .collect()
    }
    fn db_limits<C: Word, F: Word>(&mut self) -> Result<DbLimits<C, F>> {
        let cmds = self.names()?;
        let fields = self.names()?;
        let n = self.count(5)?;
        let principals = (0..n)
            .map(|_| match self.u8()? {
                0 => self.string().map(Principal::Name),
                1 => self.u32().map(Principal::Id),
                _ => Err(Malformed),
            })
            .collect::<Result<_>>()?;
        Ok(DbLimits {
            cmds,
            fields,
            principals,
        })
    }
    /// Succeeds only if every byte was read.
    fn finish<T>(self, value: T) -> Result<T> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(Malformed)
        }
    }
}

impl Request {
    /// The message for this request.
    pub(crate) fn encode(&self) -> Vec<u8> {
        let mut w = Writer::default();
        match self {
            Request::LookupHost { host, family } => {
                w.u8(1);
                w.str(host);
                match family {
                    None => w.u8(0),
                    Some(f) => w.family(*f),
                }
            }
            Request::LookupAddr(ip) => {
                w.u8(2);
                w.ip(*ip);
            }
            Request::LookupService {
                host,
                service,
                family,
            } => {
                w.u8(21);
                w.str(host);
                w.str(service);
                match family {
                    None => w.u8(0),
                    Some(f) => w.family(*f),
                }
            }
            Request::DnsLimit(l) => {
                w.u8(3);
                w.words(&l.types);
                w.families(&l.families);
            }
            Request::NetConnect(sa, k) => {
                w.u8(4);
                w.sockaddr(*sa);
                w.kind(*k);
            }
            Request::NetBind(sa, k) => {
                w.u8(5);
                w.sockaddr(*sa);
                w.kind(*k);
            }
            Request::NetLimit(l) => {
                w.u8(6);
                w.words(&l.modes);
                w.len(l.hosts.len());
                for (h, s) in &l.hosts {
                    w.opt_str(h.as_deref());
                    w.opt_str(s.as_deref());
                }
                w.families(&l.families);
                w.len(l.bind.len());
                for sa in &l.bind {
                    w.sockaddr(*sa);
                }
                w.len(l.connect.len());
                for sa in &l.connect {
                    w.sockaddr(*sa);
                }
            }
            Request::Users(q) => {
                w.u8(7);
                w.query(q);
            }
            Request::PwdLimit(l) => {
                w.u8(8);
                w.db_limits(l);
            }
            Request::Groups(q) => {
                w.u8(9);
                w.query(q);
            }
            Request::GrpLimit(l) => {
                w.u8(10);
                w.db_limits(l);
            }
            Request::SysctlGet(name) => {
                w.u8(11);
                w.str(name);
            }
            Request::SysctlSet(name, value) => {
                w.u8(12);
                w.str(name);
                w.bytes(value);
            }
            Request::SysctlLimit(entries) => {
                w.u8(13);
                w.len(entries.len());
                for (name, a) in entries {
                    w.str(name);
                    w.u8(a.flags());
                }
            }
            Request::SyslogOpen {
                ident,
                option,
                facility,
            } => {
                w.u8(14);
                w.str(ident);
                w.i32(*option);
                w.i32(*facility);
            }
            Request::Syslog { priority, message } => {
                w.u8(15);
                w.i32(*priority);
                w.str(message);
            }
            Request::SyslogClose => w.u8(16),
            Request::SyslogSetMask(mask) => {
                w.u8(17);
                w.i32(*mask);
            }
            Request::FileOpen(p) => {
                w.u8(18);
                w.bytes(p);
            }
            Request::FileLstat(p) => {
                w.u8(19);
                w.bytes(p);
            }
            Request::FileRealpath(p) => {
                w.u8(20);
                w.bytes(p);
            }
        }
        w.0
    }

    /// The request in `message`, if it is one.
    pub(crate) fn decode(message: &[u8]) -> Result<Request> {
        let mut r = Reader::new(message);
        let request = match r.u8()? {
            1 => {
                let host = r.string()?;
                let family = r.opt_family()?;
                Request::LookupHost { host, family }
            }
            2 => Request::LookupAddr(r.ip()?),
            21 => {
                let host = r.string()?;
                let service = r.string()?;
                let family = r.opt_family()?;
                Request::LookupService {
                    host,
                    service,
                    family,
                }
            }
            3 => {
                let types = r.words()?;
                let families = r.families()?;
                Request::DnsLimit(DnsLimits { types, families })
            }
            4 => Request::NetConnect(r.sockaddr()?, r.kind()?),
            5 => Request::NetBind(r.sockaddr()?, r.kind()?),
            6 => {
                let modes = r.words()?;
                let n = r.count(2)?;
                let hosts = (0..n)
                    .map(|_| Ok((r.opt_string()?, r.opt_string()?)))
                    .collect::<Result<_>>()?;
                let families = r.families()?;
                let n = r.count(7)?;
                let bind = (0..n).map(|_| r.sockaddr()).collect::<Result<_>>()?;
                let n = r.count(7)?;
                let connect = (0..n).map(|_| r.sockaddr()).collect::<Result<_>>()?;
                Request::NetLimit(NetLimits {
                    modes,
                    hosts,
                    families,
                    bind,
                    connect,
                })
            }
            7 => Request::Users(r.query()?),
            8 => Request::PwdLimit(r.db_limits()?),
            9 => Request::Groups(r.query()?),
            10 => Request::GrpLimit(r.db_limits()?),
            11 => Request::SysctlGet(r.string()?),
            12 => Request::SysctlSet(r.string()?, r.bytes()?.to_vec()),
            13 => {
                let n = r.count(5)?;
                let entries = (0..n)
                    .map(|_| {
                        let name = r.string()?;
                        let access = SysctlAccess::from_flags(r.u8()?).ok_or(Malformed)?;
                        Ok((name, access))
                    })
                    .collect::<Result<_>>()?;
                Request::SysctlLimit(entries)
            }
            14 => Request::SyslogOpen {
                ident: r.string()?,
                option: r.i32()?,
                facility: r.i32()?,
            },
            15 => Request::Syslog {
                priority: r.i32()?,
                message: r.string()?,
            },
            16 => Request::SyslogClose,
            17 => Request::SyslogSetMask(r.i32()?),
            18 => Request::FileOpen(r.bytes()?.to_vec()),
            19 => Request::FileLstat(r.bytes()?.to_vec()),
            20 => Request::FileRealpath(r.bytes()?.to_vec()),
            _ => return Err(Malformed),
        };
        r.finish(request)
    }
}

/// The message for an answer: `Ok(reply)` or `Err(errno)`.
pub(crate) fn encode_answer(answer: &std::result::Result<Reply, i32>) -> Vec<u8> {
    let mut w = Writer::default();
    let reply = match answer {
        Err(errno) => {
            w.u8(1);
            w.i32(*errno);
            return w.0;
        }
        Ok(reply) => reply,
    };
    w.u8(0);
    match reply {
        Reply::Done => w.u8(0),
        Reply::Addrs(addrs) => {
            w.u8(1);
            w.len(addrs.len());
            for a in addrs {
                w.ip(*a);
            }
        }
        Reply::Name(n) => {
            w.u8(2);
            w.str(n);
        }
        Reply::SockAddrs(addrs) => {
            w.u8(9);
            w.len(addrs.len());
            for a in addrs {
                w.sockaddr(*a);
            }
        }
        Reply::Users(users) => {
            w.u8(3);
            w.len(users.len());
            for u in users {
                w.opt_str(u.name.as_deref());
                w.opt_str(u.passwd.as_deref());
                w.opt_u32(u.uid);
                w.opt_u32(u.gid);
                w.opt_str(u.gecos.as_deref());
                w.opt_str(u.dir.as_ref().and_then(|p| p.to_str()));
                w.opt_str(u.shell.as_ref().and_then(|p| p.to_str()));
            }
        }
        Reply::Groups(groups) => {
            w.u8(4);
            w.len(groups.len());
            for g in groups {
                w.opt_str(g.name.as_deref());
                w.opt_str(g.passwd.as_deref());
                w.opt_u32(g.gid);
                match &g.members {
                    None => w.u8(0),
                    Some(m) => {
                        w.u8(1);
                        w.len(m.len());
                        for name in m {
                            w.str(name);
                        }
                    }
                }
            }
        }
        Reply::Bytes(b) => {
            w.u8(5);
            w.bytes(b);
        }
        Reply::Mask(m) => {
            w.u8(6);
            w.i32(*m);
        }
        Reply::Stat(s) => {
            w.u8(7);
            w.u64(s.size);
            w.u32(s.mode);
            w.u32(s.uid);
            w.u32(s.gid);
            w.u64(s.mtime as u64);
        }
        Reply::Fd => w.u8(8),
    }
    w.0
}

/// The answer in `message`.
pub(crate) fn decode_answer(message: &[u8]) -> Result<std::result::Result<Reply, i32>> {
    let mut r = Reader::new(message);
    if r.u8()? == 1 {
        let errno = r.i32()?;
        return r.finish(Err(errno));
    }
    let reply = match r.u8()? {
        0 => Reply::Done,
        1 => {
            let n = r.count(5)?;
            Reply::Addrs((0..n).map(|_| r.ip()).collect::<Result<_>>()?)
        }
        2 => Reply::Name(r.string()?),
        3 => {
            let n = r.count(7)?;
            let users = (0..n)
                .map(|_| {
                    Ok(User {
                        name: r.opt_string()?,
                        passwd: r.opt_string()?,
                        uid: r.opt_u32()?,
                        gid: r.opt_u32()?,
                        gecos: r.opt_string()?,
                        dir: r.opt_string()?.map(Into::into),
                        shell: r.opt_string()?.map(Into::into),
                    })
                })
                .collect::<Result<_>>()?;
            Reply::Users(users)
        }
        4 => {
            let n = r.count(4)?;
            let groups = (0..n)
                .map(|_| {
                    let name = r.opt_string()?;
                    let passwd = r.opt_string()?;
                    let gid = r.opt_u32()?;
                    let members = match r.u8()? {
                        0 => None,
                        1 => {
                            let n = r.count(4)?;
                            Some((0..n).map(|_| r.string()).collect::<Result<_>>()?)
                        }
                        _ => return Err(Malformed),
                    };
                    Ok(Group {
                        name,
                        passwd,
                        gid,
                        members,
                    })
                })
                .collect::<Result<_>>()?;
            Reply::Groups(groups)
        }
        5 => Reply::Bytes(r.bytes()?.to_vec()),
        6 => Reply::Mask(r.i32()?),
        7 => Reply::Stat(FileStat {
            size: r.u64()?,
            mode: r.u32()?,
            uid: r.u32()?,
            gid: r.u32()?,
            mtime: r.u64()? as i64,
        }),
        8 => Reply::Fd,
        9 => {
            let n = r.count(7)?;
            Reply::SockAddrs((0..n).map(|_| r.sockaddr()).collect::<Result<_>>()?)
        }
        _ => return Err(Malformed),
    };
    r.finish(Ok(reply))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decl::{DnsType, GrpCmd, NetMode, PwdCmd, PwdField};

    fn requests() -> Vec<Request> {
        vec![
            Request::LookupHost {
                host: "localhost".into(),
                family: Some(Family::Inet6),
            },
            Request::LookupAddr("127.0.0.1".parse().unwrap()),
            Request::LookupService {
                host: "localhost".into(),
                service: "53".into(),
                family: None,
            },
            Request::DnsLimit(DnsLimits {
                types: vec![DnsType::NameToAddr],
                families: vec![Family::Inet, Family::Inet6],
            }),
            Request::NetConnect("[::1]:80".parse().unwrap(), SocketKind::Stream),
            Request::NetBind("127.0.0.1:0".parse().unwrap(), SocketKind::Datagram),
            Request::NetLimit(NetLimits {
                modes: vec![NetMode::Connect, NetMode::ConnectDns],
                hosts: vec![(Some("localhost".into()), None)],
                families: vec![Family::Inet],
                bind: vec!["127.0.0.1:1".parse().unwrap()],
                connect: vec!["127.0.0.1:2".parse().unwrap()],
            }),
            Request::Users(Query::ByName("root".into())),
            Request::PwdLimit(PwdLimits {
                cmds: vec![PwdCmd::Getpwnam, PwdCmd::Endpwent],
                fields: vec![PwdField::PwName, PwdField::PwUid],
                principals: vec![Principal::Name("root".into()), Principal::Id(0)],
            }),
            Request::Groups(Query::All),
            Request::GrpLimit(GrpLimits::default()),
            Request::SysctlGet("kernel.ostype".into()),
            Request::SysctlSet("kernel.x".into(), b"1\n".to_vec()),
            Request::SysctlLimit(vec![(
                "kernel".into(),
                SysctlAccess {
                    read: true,
                    write: false,
                    recursive: true,
                },
            )]),
            Request::SyslogOpen {
                ident: "t".into(),
                option: 1,
                facility: 8,
            },
            Request::Syslog {
                priority: 5,
                message: "hello".into(),
            },
            Request::SyslogClose,
            Request::SyslogSetMask(0xff),
            Request::FileOpen(b"a".to_vec()),
            Request::FileLstat(b"b".to_vec()),
            Request::FileRealpath(b"c".to_vec()),
        ]
    }

    #[test]
    fn every_request_round_trips() {
        for request in requests() {
            assert_eq!(Request::decode(&request.encode()), Ok(request));
        }
    }

    #[test]
    fn every_prefix_and_extension_of_a_request_is_malformed() {
        for request in requests() {
            let message = request.encode();
            for cut in 0..message.len() {
                assert_eq!(
                    Request::decode(&message[..cut]),
                    Err(Malformed),
                    "{request:?}"
                );
            }
            let mut longer = message.clone();
            longer.push(0);
            assert_eq!(Request::decode(&longer), Err(Malformed), "{request:?}");
        }
    }

    #[test]
    fn words_travel_by_name_or_place_and_nothing_else_decodes() {
        // libcasper's names: "getpwnam", and no `cap_grp` command in a
        // `cap_pwd` limit.
        let pwd = |cmd: &str| {
            let mut w = Writer::default();
            w.u8(8);
            w.len(1);
            w.str(cmd);
            w.len(0);
            w.len(0);
            Request::decode(&w.0)
        };
        assert_eq!(
            pwd("getpwnam"),
            Ok(Request::PwdLimit(PwdLimits {
                cmds: vec![PwdCmd::Getpwnam],
                ..PwdLimits::default()
            }))
        );
        assert_eq!(pwd(GrpCmd::Getgrnam.name()), Err(Malformed));
        assert_eq!(pwd("GETPWNAM"), Err(Malformed));
        // Lookup types and modes by their place in the vocabulary, from 1,
        // as the fuzz seeds spell them.
        let dns = |code: u8| Request::decode(&[3, 1, 0, 0, 0, code, 0, 0, 0, 0]);
        assert_eq!(
            dns(1),
            Ok(Request::DnsLimit(DnsLimits {
                types: vec![DnsType::NameToAddr],
                families: vec![],
            }))
        );
        assert_eq!(dns(0), Err(Malformed));
        assert_eq!(dns(DnsType::ALL.len() as u8 + 1), Err(Malformed));
        let net = Request::NetLimit(NetLimits {
            modes: NetMode::ALL.to_vec(),
            ..NetLimits::default()
        })
        .encode();
        assert_eq!(&net[..10], [6, 5, 0, 0, 0, 1, 2, 3, 4, 5]);
    }

    #[test]
    fn forged_counts_do_not_allocate() {
        // DnsLimit with a count of 2^32-1 types and nothing after it.
        assert_eq!(
            Request::decode(&[3, 0xff, 0xff, 0xff, 0xff]),
            Err(Malformed)
        );
        assert_eq!(
            decode_answer(&[0, 3, 0xff, 0xff, 0xff, 0xff]),
            Err(Malformed)
        );
    }

    #[test]
    fn answers_round_trip() {
        let answers = [
            Err(libc::EPERM),
            Ok(Reply::Done),
            Ok(Reply::Addrs(vec!["::1".parse().unwrap()])),
            Ok(Reply::Name("localhost".into())),
            Ok(Reply::SockAddrs(vec!["127.0.0.1:53".parse().unwrap()])),
            Ok(Reply::Users(vec![User {
                name: Some("root".into()),
                uid: Some(0),
                dir: Some("/root".into()),
                ..User::default()
            }])),
            Ok(Reply::Groups(vec![Group {
                name: Some("wheel".into()),
                members: Some(vec!["root".into()]),
                ..Group::default()
            }])),
            Ok(Reply::Bytes(b"Linux\n".to_vec())),
            Ok(Reply::Mask(3)),
            Ok(Reply::Stat(FileStat {
                size: 1,
                mode: 0o100644,
                uid: 0,
                gid: 0,
                mtime: -1,
            })),
            Ok(Reply::Fd),
        ];
        for answer in answers {
            assert_eq!(decode_answer(&encode_answer(&answer)), Ok(answer));
        }
    }
}
