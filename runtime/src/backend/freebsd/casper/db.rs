//! `system.pwd` and `system.grp` (cap_pwd(3), cap_grp(3)): entries by name,
//! by id, and all of them, through the reentrant `cap_get*_r` calls.

use std::ffi::{c_char, c_int, c_void, CStr, OsString};
use std::io;
use std::os::unix::ffi::OsStringExt;
use std::path::PathBuf;
use std::ptr;

use super::Chan;

use super::limits::{self, db::Db as Which};
use super::{c_string, cap_channel_t, libnv, Library};
use crate::decl::DbNames;
use crate::error::Failure;
use crate::services::contract::{DbQuery, Group, Reply, Request, User};

#[link(name = "cap_pwd")]
extern "C" {
    /// cap_pwd_limit_cmds(3): named only as the library's anchor.
    fn cap_pwd_limit_cmds(chan: *mut cap_channel_t, cmds: *const *const c_char, n: usize) -> c_int;
    fn cap_getpwnam_r(
        chan: *mut cap_channel_t,
        name: *const c_char,
        pwd: *mut libc::passwd,
        buffer: *mut c_char,
        bufsize: usize,
        result: *mut *mut libc::passwd,
    ) -> c_int;
    fn cap_getpwuid_r(
        chan: *mut cap_channel_t,
        uid: libc::uid_t,
        pwd: *mut libc::passwd,
        buffer: *mut c_char,
        bufsize: usize,
        result: *mut *mut libc::passwd,
    ) -> c_int;
    fn cap_getpwent_r(
        chan: *mut cap_channel_t,
        pwd: *mut libc::passwd,
        buffer: *mut c_char,
        bufsize: usize,
        result: *mut *mut libc::passwd,
    ) -> c_int;
    fn cap_setpwent(chan: *mut cap_channel_t);
    fn cap_endpwent(chan: *mut cap_channel_t);
}

#[link(name = "cap_grp")]
extern "C" {
    /// cap_grp_limit_cmds(3): named only as the library's anchor.
    fn cap_grp_limit_cmds(chan: *mut cap_channel_t, cmds: *const *const c_char, n: usize) -> c_int;
    fn cap_getgrnam_r(
        chan: *mut cap_channel_t,
        name: *const c_char,
        grp: *mut libc::group,
        buffer: *mut c_char,
        bufsize: usize,
        result: *mut *mut libc::group,
    ) -> c_int;
    fn cap_getgrgid_r(
        chan: *mut cap_channel_t,
        gid: libc::gid_t,
        grp: *mut libc::group,
        buffer: *mut c_char,
        bufsize: usize,
        result: *mut *mut libc::group,
    ) -> c_int;
    fn cap_getgrent_r(
        chan: *mut cap_channel_t,
        grp: *mut libc::group,
        buffer: *mut c_char,
        bufsize: usize,
        result: *mut *mut libc::group,
    ) -> c_int;
    fn cap_setgrent(chan: *mut cap_channel_t) -> c_int;
    fn cap_endgrent(chan: *mut cap_channel_t);
}

/// libcap_pwd (`system.pwd`).
pub(super) const PWD_LIBRARY: Library = Library(cap_pwd_limit_cmds as *const c_void);
/// libcap_grp (`system.grp`).
pub(super) const GRP_LIBRARY: Library = Library(cap_grp_limit_cmds as *const c_void);

/// A `system.pwd` or `system.grp` channel and its limits now (the fields it
/// leaves out read as `None`).
pub(super) struct Db {
    pub(super) chan: Chan,
    which: Which,
    limits: DbNames,
}

impl Db {
    pub(super) fn open(chan: Chan, which: Which, l: &DbNames) -> Result<Db, Failure> {
        if let Some(nvl) = limits::db::limits(which, l) {
            libnv::limit_set(chan.as_ptr(), &nvl)?;
        }
        Ok(Db {
            chan,
            which,
            limits: l.clone(),
        })
    }

    /// The requests of `system.pwd` or `system.grp`, whichever this is.
    pub(super) fn handle(&mut self, request: Request<'_>) -> io::Result<Reply> {
        Ok(match (self.which, request) {
            (Which::Pwd, Request::Users { query }) => Reply::Users(self.users(query)?),
            (Which::Pwd, Request::PwdLimit { limits }) => Reply::Done(self.limit(&limits.names())?),
            (Which::Grp, Request::Groups { query }) => Reply::Groups(self.groups(query)?),
            (Which::Grp, Request::GrpLimit { limits }) => Reply::Done(self.limit(&limits.names())?),
            (Which::Pwd, other) => return Err(other.unsupported("system.pwd")),
            (Which::Grp, other) => return Err(other.unsupported("system.grp")),
        })
    }

    /// cap_limit_set(3) with the narrowed limits (`pwd_limit` and
    /// `grp_limit` refuse a widening).
    fn limit(&mut self, new: &DbNames) -> io::Result<()> {
        let next = limits::db::narrowed(&self.limits, new);
        if let Some(nvl) = limits::db::limits(self.which, &next) {
            libnv::limit_set(self.chan.as_ptr(), &nvl).map_err(|f| f.error)?;
        }
        self.limits = next;
        Ok(())
    }

    fn users(&mut self, query: DbQuery<'_>) -> io::Result<Vec<User>> {
        let fields = &self.limits.fields;
        lookup(self.chan.as_ptr(), &PWD, query, |pw| user(pw, fields))
    }

    fn groups(&mut self, query: DbQuery<'_>) -> io::Result<Vec<Group>> {
        let fields = &self.limits.fields;
        lookup(self.chan.as_ptr(), &GRP, query, |gr| group(gr, fields))
    }
}

/// A `cap_get*_r` call: channel, entry, buffer, its size, result.
type Next<T> =
    unsafe extern "C" fn(*mut cap_channel_t, *mut T, *mut c_char, usize, *mut *mut T) -> c_int;
/// `cap_getpwnam_r` / `cap_getgrnam_r`.
type ByName<T> = unsafe extern "C" fn(
    *mut cap_channel_t,
    *const c_char,
    *mut T,
    *mut c_char,
    usize,
    *mut *mut T,
) -> c_int;
/// `cap_getpwuid_r` / `cap_getgrgid_r` (`uid_t` and `gid_t` are both
/// `uint32_t`).
type ById<T> =
    unsafe extern "C" fn(*mut cap_channel_t, u32, *mut T, *mut c_char, usize, *mut *mut T) -> c_int;

/// One database's client functions.
struct Calls<T> {
    by_name: ByName<T>,
    by_id: ById<T>,
    rewind: unsafe fn(*mut cap_channel_t),
    next: Next<T>,
    end: unsafe extern "C" fn(*mut cap_channel_t),
}

const PWD: Calls<libc::passwd> = Calls {
    by_name: cap_getpwnam_r,
    by_id: cap_getpwuid_r,
    rewind: setpwent,
    next: cap_getpwent_r,
    end: cap_endpwent,
};

const GRP: Calls<libc::group> = Calls {
    by_name: cap_getgrnam_r,
    by_id: cap_getgrgid_r,
    rewind: setgrent,
    next: cap_getgrent_r,
    end: cap_endgrent,
};

/// cap_setpwent(3), whose errors are not reported.
///
/// # Safety
/// `chan` is a live `system.pwd` channel.
unsafe fn setpwent(chan: *mut cap_channel_t) {
    // SAFETY: as the caller promises.
    unsafe { cap_setpwent(chan) }
}

/// cap_setgrent(3): a failure shows in the next cap_getgrent_r.
///
/// # Safety
/// `chan` is a live `system.grp` channel.
unsafe fn setgrent(chan: *mut cap_channel_t) {
    // SAFETY: as the caller promises.
    let _ = unsafe { cap_setgrent(chan) };
}

/// The entries `query` asks for, converted while their strings are alive.
fn lookup<T: DbEntry, U>(
    chan: *mut cap_channel_t,
    calls: &Calls<T>,
    query: DbQuery<'_>,
    convert: impl Fn(&T) -> U,
) -> io::Result<Vec<U>> {
    Ok(match query {
        DbQuery::ByName(name) => {
            let name = c_string(name)?;
            // SAFETY: `chan` is live under the lock, a channel of the
            // service `calls` belong to; db_lookup passes an entry, a buffer
            // of `len` bytes and a result pointer.
            let call = |e, buf, len, res| unsafe {
                (calls.by_name)(chan, name.as_ptr(), e, buf, len, res)
            };
            db_lookup(call, convert)?.into_iter().collect()
        }
        DbQuery::ById(id) => {
            // SAFETY: as above.
            let call = |e, buf, len, res| unsafe { (calls.by_id)(chan, id, e, buf, len, res) };
            db_lookup(call, convert)?.into_iter().collect()
        }
        DbQuery::All => all(
            // SAFETY: as above.
            || unsafe { (calls.rewind)(chan) },
            // SAFETY: as above.
            |e, buf, len, res| unsafe { (calls.next)(chan, e, buf, len, res) },
            // SAFETY: as above.
            || unsafe { (calls.end)(chan) },
            convert,
        )?,
    })
}

/// Every entry: rewind, read to the end, close (the order the commands of
/// `limits::db::Commands` model).
fn all<T: DbEntry, U>(
    rewind: impl FnOnce(),
    mut next: impl FnMut(*mut T, *mut c_char, usize, *mut *mut T) -> c_int,
    end: impl FnOnce(),
    convert: impl Fn(&T) -> U,
) -> io::Result<Vec<U>> {
    rewind();
    let mut entries = Vec::new();
    let walk = loop {
        match db_lookup(&mut next, &convert) {
            Ok(Some(e)) => entries.push(e),
            Ok(None) => break Ok(entries),
            Err(e) => break Err(e),
        }
    };
    end();
    walk
}

/// `passwd` and `group`: C structs of integers and pointers.
trait DbEntry: Sized {
    fn zeroed() -> Self;
}

impl DbEntry for libc::passwd {
    fn zeroed() -> Self {
        // SAFETY: integers and nullable pointers: all-zero is valid.
        unsafe { std::mem::zeroed() }
    }
}

impl DbEntry for libc::group {
    fn zeroed() -> Self {
        // SAFETY: integers and nullable pointers: all-zero is valid.
        unsafe { std::mem::zeroed() }
    }
}

/// Runs one `cap_get*_r` call, growing the buffer on `ERANGE`; converts the
/// entry while its strings (in the buffer) are alive. `None`: no entry —
/// none by that name or id, or one the limits leave out (cap_pwd.c
/// `pwd_pack` packs nothing for it, and the call returns 0 with a NULL
/// result).
fn db_lookup<T: DbEntry, U>(
    mut call: impl FnMut(*mut T, *mut c_char, usize, *mut *mut T) -> c_int,
    convert: impl Fn(&T) -> U,
) -> io::Result<Option<U>> {
    let mut size = 1024;
    loop {
        let mut buf = vec![0 as c_char; size];
        let mut entry = T::zeroed();
        let mut result: *mut T = ptr::null_mut();
        match call(&mut entry, buf.as_mut_ptr(), buf.len(), &mut result) {
            0 if result.is_null() => return Ok(None),
            0 => return Ok(Some(convert(&entry))),
            libc::ERANGE if size < 1 << 20 => size *= 2,
            e => return Err(io::Error::from_raw_os_error(e)),
        }
    }
}

/// A C string field, `None` when NULL.
///
/// # Safety
/// `p` is NULL or points to a NUL-terminated string.
unsafe fn c_field(p: *const c_char) -> Option<String> {
    // SAFETY: as the caller promises.
    (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned())
}

/// # Safety
/// `p` is NULL or points to a NUL-terminated string.
unsafe fn c_path(p: *const c_char) -> Option<PathBuf> {
    // SAFETY: as the caller promises.
    let bytes = (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) }.to_bytes().to_vec());
    bytes.map(|b| PathBuf::from(OsString::from_vec(b)))
}

fn wants(fields: &[&str], field: &str) -> bool {
    fields.is_empty() || fields.contains(&field)
}

fn user(pw: &libc::passwd, fields: &[&str]) -> User {
    let want = |f| wants(fields, f);
    // SAFETY: the service fills each string field with NULL or a
    // NUL-terminated string in the call's buffer, still alive here.
    unsafe {
        User {
            name: want("pw_name").then(|| c_field(pw.pw_name)).flatten(),
            passwd: want("pw_passwd").then(|| c_field(pw.pw_passwd)).flatten(),
            uid: want("pw_uid").then_some(pw.pw_uid),
            gid: want("pw_gid").then_some(pw.pw_gid),
            gecos: want("pw_gecos").then(|| c_field(pw.pw_gecos)).flatten(),
            dir: want("pw_dir").then(|| c_path(pw.pw_dir)).flatten(),
            shell: want("pw_shell").then(|| c_path(pw.pw_shell)).flatten(),
        }
    }
}

fn group(gr: &libc::group, fields: &[&str]) -> Group {
    let want = |f| wants(fields, f);
    // SAFETY: as in `user`; `gr_mem` is NULL or a NULL-terminated array of
    // strings in the same buffer.
    unsafe {
        let members = want("gr_mem").then(|| {
            let mut names = Vec::new();
            let mut p = gr.gr_mem;
            while !p.is_null() && !(*p).is_null() {
                names.extend(c_field(*p));
                p = p.add(1);
            }
            names
        });
        Group {
            name: want("gr_name").then(|| c_field(gr.gr_name)).flatten(),
            passwd: want("gr_passwd").then(|| c_field(gr.gr_passwd)).flatten(),
            gid: want("gr_gid").then_some(gr.gr_gid),
            members,
        }
    }
}
