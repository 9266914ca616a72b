//! `system.pwd` and `system.grp`: the password and group databases through
//! getpwnam_r(3), getpwuid_r(3), getpwent(3) and their group counterparts
//! (nsswitch: /etc/passwd, /etc/group, ...), limited to the declared
//! commands, fields and users or groups as cap_pwd(3) and cap_grp(3) do.

use std::ffi::{CStr, CString};

use crate::decl::{DbNames, Principal};
use crate::services::contract::{DbQuery, Group, Reply, Request, User};

use super::limits::{allows, narrow_db};
use super::VIOLATION;

/// Largest buffer offered to the `_r` functions before giving up (`ERANGE`).
const MAX_BUFFER: usize = 1 << 20;

/// Which database a channel serves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Db {
    Pwd,
    Grp,
}

/// The state of one `system.pwd` or `system.grp` channel: its limits by
/// libcasper's names, which the checks below compare as cap_pwd.c and
/// cap_grp.c do.
#[derive(Debug)]
pub(crate) struct Database {
    pub(crate) db: Db,
    pub(crate) limits: DbNames,
}

/// An entry as looked up, before its fields are limited.
enum Entry {
    User(User),
    Group(Group),
}

impl Entry {
    fn name(&self) -> Option<&str> {
        match self {
            Entry::User(u) => u.name.as_deref(),
            Entry::Group(g) => g.name.as_deref(),
        }
    }
    fn id(&self) -> Option<u32> {
        match self {
            Entry::User(u) => u.uid,
            Entry::Group(g) => g.gid,
        }
    }
}

impl Database {
    fn cmd_allowed(&self, cmds: [&'static str; 2]) -> bool {
        self.limits.cmds.is_empty() || cmds.iter().any(|c| self.limits.cmds.contains(c))
    }

    fn principal_allowed(&self, entry: &Entry) -> bool {
        self.limits.principals.is_empty()
            || self.limits.principals.iter().any(|p| match p {
                Principal::Name(n) => entry.name() == Some(n.as_str()),
                Principal::Id(id) => entry.id() == Some(*id),
            })
    }

    /// Drops the fields the limits leave out.
    fn fields(&self, entry: Entry) -> Entry {
        let keep = |f: &str| allows(&self.limits.fields, &f);
        match entry {
            Entry::User(u) => Entry::User(User {
                name: u.name.filter(|_| keep("pw_name")),
                passwd: u.passwd.filter(|_| keep("pw_passwd")),
                uid: u.uid.filter(|_| keep("pw_uid")),
                gid: u.gid.filter(|_| keep("pw_gid")),
                gecos: u.gecos.filter(|_| keep("pw_gecos")),
                dir: u.dir.filter(|_| keep("pw_dir")),
                shell: u.shell.filter(|_| keep("pw_shell")),
            }),
            Entry::Group(g) => Entry::Group(Group {
                name: g.name.filter(|_| keep("gr_name")),
                passwd: g.passwd.filter(|_| keep("gr_passwd")),
                gid: g.gid.filter(|_| keep("gr_gid")),
                members: g.members.filter(|_| keep("gr_mem")),
            }),
        }
    }

    fn reply(&self, entries: Vec<Entry>) -> Reply {
        let entries = entries.into_iter().map(|e| self.fields(e));
        match self.db {
            Db::Pwd => Reply::Users(
                entries
                    .filter_map(|e| match e {
                        Entry::User(u) => Some(u),
                        Entry::Group(_) => None,
                    })
                    .collect(),
            ),
            Db::Grp => Reply::Groups(
                entries
                    .filter_map(|e| match e {
                        Entry::Group(g) => Some(g),
                        Entry::User(_) => None,
                    })
                    .collect(),
            ),
        }
    }

    pub(crate) fn handle(&mut self, request: Request<'_>) -> Result<Reply, i32> {
        let (db, query) = match request {
            Request::Users { query } => (Db::Pwd, query),
            Request::Groups { query } => (Db::Grp, query),
            Request::PwdLimit { limits } if self.db == Db::Pwd => {
                narrow_db(&mut self.limits, &limits.names())?;
                return Ok(Reply::Done(()));
            }
            Request::GrpLimit { limits } if self.db == Db::Grp => {
                narrow_db(&mut self.limits, &limits.names())?;
                return Ok(Reply::Done(()));
            }
            _ => return Err(libc::EOPNOTSUPP),
        };
        if db != self.db {
            return Err(libc::EOPNOTSUPP);
        }
        let pwd = db == Db::Pwd;
        match query {
            DbQuery::All => {
                let cmds = if pwd {
                    ["getpwent", "getpwent_r"]
                } else {
                    ["getgrent", "getgrent_r"]
                };
                if !self.cmd_allowed(cmds) {
                    return Err(VIOLATION);
                }
                let all = if pwd { all_users() } else { all_groups() };
                let entries = all.into_iter().filter(|e| self.principal_allowed(e));
                Ok(self.reply(entries.collect()))
            }
            DbQuery::ByName(name) => {
                let cmds = if pwd {
                    ["getpwnam", "getpwnam_r"]
                } else {
                    ["getgrnam", "getgrnam_r"]
                };
                if !self.cmd_allowed(cmds) {
                    return Err(VIOLATION);
                }
                // Any name is looked up, as cap_pwd.c `pwd_getpwnam` and
                // cap_grp.c `grp_getgrnam` do: an empty or overlong one
                // finds no entry (the message bounds its length).
                let name = CString::new(name).map_err(|_| libc::EINVAL)?;
                let found = if pwd {
                    user_by_name(&name)?
                } else {
                    group_by_name(&name)?
                };
                self.answer(found)
            }
            DbQuery::ById(id) => {
                let cmds = if pwd {
                    ["getpwuid", "getpwuid_r"]
                } else {
                    ["getgrgid", "getgrgid_r"]
                };
                if !self.cmd_allowed(cmds) {
                    return Err(VIOLATION);
                }
                let found = if pwd {
                    user_by_id(id)?
                } else {
                    group_by_id(id)?
                };
                self.answer(found)
            }
        }
    }

    /// An entry found is answered only if the limits allow it; one they
    /// leave out reads as no entry, as cap_pwd(3) and cap_grp(3) answer it
    /// (cap_pwd.c `pwd_pack` packs nothing and the client returns no
    /// entry), so that nothing tells it from an entry that does not exist.
    fn answer(&self, found: Option<Entry>) -> Result<Reply, i32> {
        let allowed = found.filter(|e| self.principal_allowed(e));
        Ok(self.reply(allowed.into_iter().collect()))
    }
}

fn text(p: *const libc::c_char) -> Option<String> {
    if p.is_null() {
        return None;
    }
    // SAFETY: a non-null string field of an entry libc returned is a
    // NUL-terminated string alive as long as the entry's buffer.
    Some(unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned())
}

/// SAFETY: `pw` must point to an entry libc filled in.
unsafe fn user(pw: &libc::passwd) -> Entry {
    Entry::User(User {
        name: text(pw.pw_name),
        passwd: text(pw.pw_passwd),
        uid: Some(pw.pw_uid),
        gid: Some(pw.pw_gid),
        gecos: text(pw.pw_gecos),
        dir: text(pw.pw_dir).map(Into::into),
        shell: text(pw.pw_shell).map(Into::into),
    })
}

/// SAFETY: `gr` must point to an entry libc filled in.
unsafe fn group(gr: &libc::group) -> Entry {
    let mut members = Vec::new();
    let mut cur = gr.gr_mem;
    // SAFETY: gr_mem is a NULL-terminated array of NUL-terminated strings
    // (getgrnam(3)).
    unsafe {
        while !cur.is_null() && !(*cur).is_null() {
            members.extend(text(*cur));
            cur = cur.add(1);
        }
    }
    Entry::Group(Group {
        name: text(gr.gr_name),
        passwd: text(gr.gr_passwd),
        gid: Some(gr.gr_gid),
        members: Some(members),
    })
}

/// Calls a `get*_r` function with a growing buffer: `Ok(None)` when there is
/// no such entry.
fn with_buffer<T: Copy>(
    zero: T,
    mut call: impl FnMut(&mut T, &mut [libc::c_char], &mut *mut T) -> i32,
    convert: impl Fn(&T) -> Entry,
) -> Result<Option<Entry>, i32> {
    let mut size = 1024;
    loop {
        let mut buf = vec![0 as libc::c_char; size];
        let mut entry = zero;
        let mut result: *mut T = std::ptr::null_mut();
        match call(&mut entry, &mut buf, &mut result) {
            0 if result.is_null() => return Ok(None),
            0 => return Ok(Some(convert(&entry))),
            libc::ERANGE if size < MAX_BUFFER => size *= 4,
            // "Not found" may come back as one of these (getpwnam_r(3) NOTES).
            libc::ENOENT | libc::ESRCH | libc::EBADF => return Ok(None),
            e => return Err(e),
        }
    }
}

fn user_by_name(name: &CStr) -> Result<Option<Entry>, i32> {
    // SAFETY: an all-zero passwd is a valid value to be filled in.
    let zero: libc::passwd = unsafe { std::mem::zeroed() };
    with_buffer(
        zero,
        // SAFETY: every pointer is valid for the call and `buf.len()` is the
        // buffer's size (getpwnam_r(3)).
        |pw, buf, res| unsafe {
            libc::getpwnam_r(name.as_ptr(), pw, buf.as_mut_ptr(), buf.len(), res)
        },
        // SAFETY: called only on an entry getpwnam_r filled in, before `buf` is freed.
        |pw| unsafe { user(pw) },
    )
}

fn user_by_id(uid: u32) -> Result<Option<Entry>, i32> {
    // SAFETY: as in user_by_name.
    let zero: libc::passwd = unsafe { std::mem::zeroed() };
    with_buffer(
        zero,
        // SAFETY: as in user_by_name (getpwuid_r(3)).
        |pw, buf, res| unsafe { libc::getpwuid_r(uid, pw, buf.as_mut_ptr(), buf.len(), res) },
        // SAFETY: as in user_by_name.
        |pw| unsafe { user(pw) },
    )
}

fn group_by_name(name: &CStr) -> Result<Option<Entry>, i32> {
    // SAFETY: an all-zero group is a valid value to be filled in.
    let zero: libc::group = unsafe { std::mem::zeroed() };
    with_buffer(
        zero,
        // SAFETY: as in user_by_name (getgrnam_r(3)).
        |gr, buf, res| unsafe {
            libc::getgrnam_r(name.as_ptr(), gr, buf.as_mut_ptr(), buf.len(), res)
        },
        // SAFETY: as in user_by_name.
        |gr| unsafe { group(gr) },
    )
}

fn group_by_id(gid: u32) -> Result<Option<Entry>, i32> {
    // SAFETY: as in group_by_name.
    let zero: libc::group = unsafe { std::mem::zeroed() };
    with_buffer(
        zero,
        // SAFETY: as in user_by_name (getgrgid_r(3)).
        |gr, buf, res| unsafe { libc::getgrgid_r(gid, gr, buf.as_mut_ptr(), buf.len(), res) },
        // SAFETY: as in user_by_name.
        |gr| unsafe { group(gr) },
    )
}

/// Most entries enumerated (the answer must fit one message anyway).
const MAX_ENTRIES: usize = 4096;

fn all_users() -> Vec<Entry> {
    let mut out = Vec::new();
    // SAFETY: the broker is single-threaded, so getpwent's static state is
    // ours; each entry is copied before the next call (getpwent(3)).
    unsafe {
        libc::setpwent();
        while out.len() < MAX_ENTRIES {
            let pw = libc::getpwent();
            if pw.is_null() {
                break;
            }
            out.push(user(&*pw));
        }
        libc::endpwent();
    }
    out
}

fn all_groups() -> Vec<Entry> {
    let mut out = Vec::new();
    // SAFETY: as in all_users (getgrent(3)).
    unsafe {
        libc::setgrent();
        while out.len() < MAX_ENTRIES {
            let gr = libc::getgrent();
            if gr.is_null() {
                break;
            }
            out.push(group(&*gr));
        }
        libc::endgrent();
    }
    out
}

/// Looks up one entry of `db` so that the NSS modules nsswitch.conf names
/// are loaded before the broker is confined.
pub(crate) fn warm(db: Db) -> Result<(), i32> {
    match db {
        Db::Pwd => user_by_id(0).map(drop),
        Db::Grp => group_by_id(0).map(drop),
    }
}
