//! `system.pwd` and `system.grp`: the password and group databases,
//! limited to the declared commands (`getpwnam`, ...), fields (`pw_name`,
//! ...) and users or groups — cap_pwd(3), cap_grp(3).

use std::io;

use super::contract::Request;
use super::{service_handle, Channel, DbQuery, Group, User};
use crate::decl::{GrpLimits, PwdLimits};

/// `system.pwd`: the password database.
///
/// ```no_run
/// use sandboxed::sandboxed;
/// use sandboxed::services::Pwd;
///
/// #[sandboxed(services(pwd(cmds = [getpwnam], fields = [pw_name, pw_uid], users = ["root"])))]
/// fn main(pwd: Pwd) -> std::io::Result<()> {
///     let root = pwd.user_by_name("root")?.expect("root exists");
///     assert_eq!(root.uid, Some(0));
///     Ok(())
/// }
/// ```
#[derive(Debug)]
pub struct Pwd {
    channel: Channel,
}

service_handle!(Pwd);

impl Pwd {
    /// `getpwnam`: the user named `name`, `None` if there is none or if the
    /// limits leave it out (neither its name nor its uid is in
    /// `users = [...]`): cap_pwd(3) answers such a lookup with no entry, as
    /// if the user did not exist. A command outside `cmds = [...]` fails
    /// with the capability error.
    pub fn user_by_name(&self, name: &str) -> io::Result<Option<User>> {
        self.user(DbQuery::ByName(name))
    }

    /// `getpwuid`: the user with id `uid`, `None` if there is none or the
    /// limits leave it out.
    pub fn user_by_uid(&self, uid: u32) -> io::Result<Option<User>> {
        self.user(DbQuery::ById(uid))
    }

    /// `getpwent` to the end: every user the limits allow.
    pub fn users(&self) -> io::Result<Vec<User>> {
        self.channel.ask(Request::Users {
            query: DbQuery::All,
        })
    }

    /// Narrows the commands, fields and users (`cap_pwd_limit_*`). An
    /// empty list keeps that kind of limit as it is; a command, field or
    /// user not allowed now fails with the capability error.
    ///
    /// ```no_run
    /// use sandboxed::decl::{PwdCmd, PwdLimits};
    ///
    /// fn by_name_only(pwd: &sandboxed::services::Pwd) -> std::io::Result<()> {
    ///     pwd.limit(&PwdLimits {
    ///         cmds: vec![PwdCmd::Getpwnam],
    ///         ..PwdLimits::default()
    ///     })
    /// }
    /// ```
    pub fn limit(&self, limits: &PwdLimits) -> io::Result<()> {
        self.channel.ask(Request::PwdLimit {
            limits: limits.clone(),
        })
    }
}

/// `system.grp`: the group database.
#[derive(Debug)]
pub struct Grp {
    channel: Channel,
}

service_handle!(Grp);

impl Grp {
    /// `getgrnam`: the group named `name`, `None` if there is none or if
    /// the limits leave it out (cap_grp(3), as for users).
    pub fn group_by_name(&self, name: &str) -> io::Result<Option<Group>> {
        self.group(DbQuery::ByName(name))
    }

    /// `getgrgid`: the group with id `gid`, `None` if there is none or the
    /// limits leave it out.
    pub fn group_by_gid(&self, gid: u32) -> io::Result<Option<Group>> {
        self.group(DbQuery::ById(gid))
    }

    /// `getgrent` to the end: every group the limits allow.
    pub fn groups(&self) -> io::Result<Vec<Group>> {
        self.channel.ask(Request::Groups {
            query: DbQuery::All,
        })
    }

    /// Narrows the commands, fields and groups (`cap_grp_limit_*`), as
    /// [`Pwd::limit`] does.
    pub fn limit(&self, limits: &GrpLimits) -> io::Result<()> {
        self.channel.ask(Request::GrpLimit {
            limits: limits.clone(),
        })
    }
}

impl Pwd {
    /// The first entry a lookup by name or id answers.
    fn user(&self, query: DbQuery<'_>) -> io::Result<Option<User>> {
        let users: Vec<User> = self.channel.ask(Request::Users { query })?;
        Ok(users.into_iter().next())
    }
}

impl Grp {
    /// The first entry a lookup by name or id answers.
    fn group(&self, query: DbQuery<'_>) -> io::Result<Option<Group>> {
        let groups: Vec<Group> = self.channel.ask(Request::Groups { query })?;
        Ok(groups.into_iter().next())
    }
}
