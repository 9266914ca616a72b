//! cap_pwd's and cap_grp's limits and commands, run against the model of
//! their service.

use super::super::errno::{EEXIST, ENOTCAPABLE};
use super::service::{self, Service};
use super::*;

const USERS: &[(&str, u32)] = &[("root", 0), ("toor", 0), ("daemon", 1), ("operator", 2)];
const GROUPS: &[(&str, u32)] = &[("wheel", 0), ("daemon", 1), ("kmem", 2), ("sys", 3)];

fn decl(cmds: &[&'static str], principals: Vec<Principal>) -> DbNames {
    DbNames {
        cmds: cmds.to_vec(),
        fields: Vec::new(),
        principals,
    }
}

/// Starts the service the way step 5 does: the declared limits through
/// cap_limit_set(3), which fails with the list's error if it has one.
fn start(db: Db, l: &DbNames) -> Result<Service, i32> {
    let nvl = limits(db, l);
    if let Some(nvl) = &nvl {
        service::limit(db, None, nvl.sendable()?)?;
    }
    let entries = match db {
        Db::Pwd => USERS,
        Db::Grp => GROUPS,
    };
    Ok(Service::new(db, nvl, entries))
}

/// `DbQuery::All` as casper/db.rs runs it: rewind (its error is dropped:
/// cap_setpwent returns nothing), the entries to the end, then close.
fn list(svc: &mut Service) -> Result<Vec<&'static str>, i32> {
    let c = svc.db.commands();
    let _ = svc.command(c.rewind, None, None);
    let mut all = Vec::new();
    let walk = loop {
        match svc.command(c.next, None, None) {
            Ok(Some((name, _))) => all.push(name),
            Ok(None) => break Ok(all),
            Err(e) => break Err(e),
        }
    };
    let _ = svc.command(c.end, None, None);
    walk
}

#[test]
fn groups_by_name_and_by_id_together_start() {
    let l = decl(
        &["getgrnam"],
        vec![Principal::Name("wheel".into()), Principal::Id(1)],
    );
    let mut svc = start(Db::Grp, &l).expect("cap_grp accepts names and ids together");
    let by_name = Db::Grp.commands().by_name;
    assert_eq!(
        svc.command(by_name, Some("wheel"), None),
        Ok(Some(("wheel", 0)))
    );
    assert_eq!(
        svc.command(by_name, Some("daemon"), None),
        Ok(Some(("daemon", 1)))
    );
    assert_eq!(svc.command(by_name, Some("kmem"), None), Ok(None));
}

#[test]
fn users_by_name_and_by_id_together_start() {
    let l = decl(
        &["getpwuid"],
        vec![Principal::Id(2), Principal::Name("root".into())],
    );
    let mut svc = start(Db::Pwd, &l).expect("cap_pwd accepts names and ids together");
    assert_eq!(
        svc.command("getpwuid_r", None, Some(2)),
        Ok(Some(("operator", 2)))
    );
}

#[test]
fn a_command_and_its_r_twin_declared_together_start() {
    for (db, cmds) in [
        (Db::Pwd, &["getpwnam", "getpwnam_r"][..]),
        (Db::Pwd, &["getpwent_r", "getpwent"][..]),
        (Db::Grp, &["getgrgid", "getgrgid_r"][..]),
    ] {
        let nvl = limits(db, &decl(cmds, Vec::new())).unwrap();
        assert_ne!(nvl.error(), Some(EEXIST), "{cmds:?}");
        start(db, &decl(cmds, Vec::new())).unwrap_or_else(|e| panic!("{cmds:?}: errno {e}"));
    }
}

#[test]
fn listing_twice_gives_the_same_entries() {
    for (db, cmd, expected) in [
        (
            Db::Pwd,
            "getpwent",
            &["root", "toor", "daemon", "operator"][..],
        ),
        (Db::Grp, "getgrent", &["wheel", "daemon", "kmem", "sys"][..]),
    ] {
        let mut svc = start(db, &decl(&[cmd], Vec::new())).unwrap();
        assert_eq!(
            list(&mut svc).as_deref(),
            Ok(expected),
            "{cmd}: first listing"
        );
        assert_eq!(
            list(&mut svc).as_deref(),
            Ok(expected),
            "{cmd}: second listing"
        );
    }
}

#[test]
fn a_listing_shows_the_allowed_principals_only() {
    let l = decl(
        &["getpwent"],
        vec![Principal::Name("root".into()), Principal::Id(1)],
    );
    let mut svc = start(Db::Pwd, &l).unwrap();
    assert_eq!(list(&mut svc), Ok(vec!["root", "daemon"]));
}

#[test]
fn an_entry_outside_the_limits_reads_as_no_entry() {
    // pwd_getpwnam: pwd_pack() refuses to pack it, the reply has no
    // pw_name, and cap_getpwnam_r returns 0 with a NULL result.
    let l = decl(&["getpwnam"], vec![Principal::Name("root".into())]);
    let mut svc = start(Db::Pwd, &l).unwrap();
    assert_eq!(svc.command("getpwnam_r", Some("daemon"), None), Ok(None));
    assert_eq!(svc.command("getpwnam_r", Some("no-such"), None), Ok(None));
    // A command outside the limits is the capability error.
    assert_eq!(svc.command("getpwuid_r", None, Some(0)), Err(ENOTCAPABLE));
}

#[test]
fn narrowing_keeps_what_it_does_not_name_and_cannot_widen() {
    let declared = decl(
        &["getpwnam", "getpwent"],
        vec![Principal::Name("root".into())],
    );
    let old = limits(Db::Pwd, &declared).unwrap();
    let asked = DbNames {
        fields: vec!["pw_name"],
        ..DbNames::default()
    };
    let new = limits(Db::Pwd, &narrowed(&declared, &asked)).unwrap();
    assert_eq!(service::limit(Db::Pwd, Some(&old), &new), Ok(()));
    let wider = limits(
        Db::Pwd,
        &narrowed(&declared, &decl(&["getpwuid"], Vec::new())),
    )
    .unwrap();
    assert_eq!(
        service::limit(Db::Pwd, Some(&old), &wider),
        Err(ENOTCAPABLE)
    );
}
