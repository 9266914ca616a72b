//! `system.pwd` and `system.grp`: the limits of cap_pwd(3) and cap_grp(3),
//! the commands the handles send, and a model of the two services
//! (lib/libcasper/services/cap_pwd/cap_pwd.c, cap_grp/cap_grp.c: the same
//! code for two databases).

use super::{narrow, Nvlist, Value};
use crate::decl::{DbNames, Principal};

/// One of the two databases.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Db {
    Pwd,
    Grp,
}

impl Db {
    /// The key of the principal limit (`cap_pwd_limit_users`,
    /// `cap_grp_limit_groups`) and the prefix of its numeric entries.
    pub(crate) const fn principals(self) -> (&'static str, &'static str) {
        match self {
            Db::Pwd => ("users", "uid"),
            Db::Grp => ("groups", "gid"),
        }
    }
}

/// The commands a declaration allows, each once (a name added twice to the
/// `cmds` list is `EEXIST` and fails cap_limit_set): each declared one;
/// since the handles send the `_r` twin (the service treats both alike),
/// its twin; and with the enumeration (`getpwent`), the rewind and close
/// commands a listing sends around it (`setpwent`, `endpwent`), without
/// which the service refuses them silently and a second listing finds the
/// enumeration still at its end.
pub(crate) fn commands(db: Db, declared: &[&'static str]) -> Vec<String> {
    let (reentrant, listing): (&[&str], [&str; 3]) = match db {
        Db::Pwd => (
            &["getpwent", "getpwnam", "getpwuid"],
            ["getpwent", "setpwent", "endpwent"],
        ),
        Db::Grp => (
            &["getgrent", "getgrnam", "getgrgid"],
            ["getgrent", "setgrent", "endgrent"],
        ),
    };
    let mut cmds: Vec<String> = Vec::new();
    let mut allow = |c: &str| {
        if !cmds.iter().any(|x| x == c) {
            cmds.push(c.to_owned());
        }
    };
    for c in declared {
        let base = c.strip_suffix("_r").unwrap_or(c);
        allow(c);
        if reentrant.contains(&base) {
            allow(base);
            allow(&format!("{base}_r"));
        }
        if base == listing[0] {
            allow(listing[1]);
            allow(listing[2]);
        }
    }
    cmds
}

/// The limits of a `pwd(...)` or `grp(...)` declaration as
/// cap_pwd_limit_cmds(3), _fields(3) and _users(3) (cap_grp_limit_*(3))
/// leave them: `cmds` and `fields` lists of nulls, and the principals list
/// (`uidN`/`gidN` numbers, `nameN` strings). `None`: nothing declared, no
/// limit set.
pub(crate) fn limits(db: Db, l: &DbNames) -> Option<Nvlist> {
    if *l == DbNames::default() {
        return None;
    }
    let mut nvl = Nvlist::new();
    let nulls = |names: &mut dyn Iterator<Item = String>| {
        let mut list = Nvlist::new();
        for n in names {
            list.add(n, Value::Null);
        }
        list
    };
    if !l.cmds.is_empty() {
        let cmds = commands(db, &l.cmds);
        nvl.add("cmds", Value::Nvlist(nulls(&mut cmds.into_iter())));
    }
    if !l.fields.is_empty() {
        let fields = l.fields.iter().map(|f| f.to_string());
        nvl.add("fields", Value::Nvlist(nulls(&mut fields.into_iter())));
    }
    if !l.principals.is_empty() {
        let (key, id_prefix) = db.principals();
        // Names get keys of their own: cap_grp_limit_groups(3) keys both
        // gids and names "gid%u" in a list with unique names, so a names
        // and ids declaration fails there with EEXIST (cap_grp.c). The
        // service reads the values by type, not by key.
        let name_prefix = "name";
        let mut list = Nvlist::new();
        let ids = l.principals.iter().filter_map(|p| match p {
            Principal::Id(id) => Some(*id),
            Principal::Name(_) => None,
        });
        for (i, id) in ids.enumerate() {
            list.add(format!("{id_prefix}{i}"), Value::Number(u64::from(id)));
        }
        let names = l.principals.iter().filter_map(|p| match p {
            Principal::Name(n) => Some(n.clone()),
            Principal::Id(_) => None,
        });
        for (i, name) in names.enumerate() {
            list.add(format!("{name_prefix}{i}"), Value::String(name));
        }
        nvl.add(key, Value::Nvlist(list));
    }
    Some(nvl)
}

/// The limits after a later `limit(..)`: each empty list keeps the current
/// one.
pub(crate) fn narrowed(current: &DbNames, new: &DbNames) -> DbNames {
    DbNames {
        cmds: narrow(&current.cmds, &new.cmds),
        fields: narrow(&current.fields, &new.fields),
        principals: narrow(&current.principals, &new.principals),
    }
}

/// What cap_pwd.c's and cap_grp.c's services do with limits and commands.
#[cfg(test)]
pub(crate) mod service {
    use std::ffi::OsStr;

    use super::super::errno::{EINVAL, ENOTCAPABLE};
    use super::super::{Nvlist, Value};
    use super::Db;

    /// The commands the client functions the handles call send, as their
    /// names are written in cap_pwd.c and cap_grp.c (`cap_getpwnam_r`
    /// sends "getpwnam_r", and so on).
    #[derive(Debug)]
    pub(crate) struct Commands {
        /// `cap_getpwnam_r` / `cap_getgrnam_r`.
        pub(crate) by_name: &'static str,
        /// `cap_getpwuid_r` / `cap_getgrgid_r`.
        pub(crate) by_id: &'static str,
        /// `cap_setpwent` / `cap_setgrent`: rewinds the enumeration.
        pub(crate) rewind: &'static str,
        /// `cap_getpwent_r` / `cap_getgrent_r`.
        pub(crate) next: &'static str,
        /// `cap_endpwent` / `cap_endgrent`: closes it.
        pub(crate) end: &'static str,
    }

    impl Db {
        pub(crate) const fn commands(self) -> &'static Commands {
            match self {
                Db::Pwd => &Commands {
                    by_name: "getpwnam_r",
                    by_id: "getpwuid_r",
                    rewind: "setpwent",
                    next: "getpwent_r",
                    end: "endpwent",
                },
                Db::Grp => &Commands {
                    by_name: "getgrnam_r",
                    by_id: "getgrgid_r",
                    rewind: "setgrent",
                    next: "getgrent_r",
                    end: "endgrent",
                },
            }
        }
    }

    /// `pwd_allowed_cmd`: no `cmds` list allows every command.
    pub(crate) fn allowed_cmd(limits: Option<&Nvlist>, cmd: impl AsRef<OsStr>) -> bool {
        match limits.and_then(|l| l.nvlist("cmds")) {
            None => true,
            Some(cmds) => cmds.exists_null(cmd),
        }
    }

    /// `pwd_allowed_field`.
    pub(crate) fn allowed_field(limits: Option<&Nvlist>, field: impl AsRef<OsStr>) -> bool {
        match limits.and_then(|l| l.nvlist("fields")) {
            None => true,
            Some(fields) => fields.exists_null(field),
        }
    }

    /// `pwd_allowed_user` / `grp_allowed_group`: an entry passes if its
    /// name or its id is listed (the list's key names do not matter).
    pub(crate) fn allowed_principal(
        db: Db,
        limits: Option<&Nvlist>,
        name: Option<&str>,
        id: Option<u32>,
    ) -> bool {
        let key = db.principals().0;
        let Some(list) = limits.and_then(|l| l.nvlist(key)) else {
            return true;
        };
        list.pairs().any(|(_, v)| match v {
            Value::Number(n) => id.is_some_and(|id| *n == u64::from(id)),
            Value::String(s) => name == Some(s.as_str()),
            _ => false,
        })
    }

    /// `pwd_limit` / `grp_limit`: the answer cap_limit_set(3) gets.
    pub(crate) fn limit(db: Db, old: Option<&Nvlist>, new: &Nvlist) -> Result<(), i32> {
        let key = db.principals().0;
        for kind in ["cmds", "fields", key] {
            if old.is_some_and(|o| o.nvlist(kind).is_some()) && new.nvlist(kind).is_none() {
                return Err(ENOTCAPABLE);
            }
        }
        for (name, v) in new.pairs() {
            let Value::Nvlist(list) = v else {
                return Err(EINVAL);
            };
            let name = name.to_str().unwrap_or("");
            for (entry, value) in list.pairs() {
                let allowed = match (name, value) {
                    ("cmds", Value::Null) => allowed_cmd(old, entry),
                    ("fields", Value::Null) => allowed_field(old, entry),
                    (k, Value::Number(id)) if k == key => {
                        allowed_principal(db, old, None, Some(*id as u32))
                    }
                    (k, Value::String(n)) if k == key => allowed_principal(db, old, Some(n), None),
                    _ => return Err(EINVAL),
                };
                if !allowed {
                    return Err(ENOTCAPABLE);
                }
            }
        }
        Ok(())
    }

    /// One service process over a database of (name, id) entries, with
    /// libc's enumeration cursor (getpwent(3): at the end it stays there
    /// until setpwent or endpwent).
    #[derive(Debug)]
    pub(crate) struct Service {
        pub(crate) db: Db,
        pub(crate) limits: Option<Nvlist>,
        entries: Vec<(&'static str, u32)>,
        cursor: usize,
    }

    impl Service {
        pub(crate) fn new(db: Db, limits: Option<Nvlist>, entries: &[(&'static str, u32)]) -> Self {
            Service {
                db,
                limits,
                entries: entries.to_vec(),
                cursor: 0,
            }
        }

        fn pack(&self, e: (&'static str, u32)) -> Option<(&'static str, u32)> {
            allowed_principal(self.db, self.limits.as_ref(), Some(e.0), Some(e.1)).then_some(e)
        }

        /// `pwd_command` / `grp_command`: `Err(errno)` is the `error` the
        /// client returns; `Ok(None)` no entry (the client's result is
        /// NULL, with error 0).
        pub(crate) fn command(
            &mut self,
            cmd: &str,
            name: Option<&str>,
            id: Option<u32>,
        ) -> Result<Option<(&'static str, u32)>, i32> {
            if !allowed_cmd(self.limits.as_ref(), cmd) {
                return Err(ENOTCAPABLE);
            }
            let c = self.db.commands();
            let base = cmd.strip_suffix("_r").unwrap_or(cmd);
            if base == c.next.trim_end_matches("_r") {
                while let Some(e) = self.entries.get(self.cursor).copied() {
                    self.cursor += 1;
                    if let Some(e) = self.pack(e) {
                        return Ok(Some(e));
                    }
                }
                return Ok(None);
            }
            if base == c.by_name.trim_end_matches("_r") {
                let found = self.entries.iter().find(|e| Some(e.0) == name).copied();
                return Ok(found.and_then(|e| self.pack(e)));
            }
            if base == c.by_id.trim_end_matches("_r") {
                let found = self.entries.iter().find(|e| Some(e.1) == id).copied();
                return Ok(found.and_then(|e| self.pack(e)));
            }
            if cmd == c.rewind || cmd == c.end || cmd == "setpassent" || cmd == "setgroupent" {
                self.cursor = 0;
                return Ok(None);
            }
            Err(EINVAL)
        }
    }
}

#[cfg(test)]
mod tests;
