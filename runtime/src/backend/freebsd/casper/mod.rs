//! libcasper(3) services: step 5 starts the casper process with `cap_init`,
//! opens one channel per declared service with `cap_service_open` (or
//! fileargs_cinitnv(3) on the same casper process), gives it its limits
//! with one cap_limit_set(3), and closes the casper channel (`cap_close`)
//! so nothing more can be opened after entry. libcasper is called directly
//! rather than through the `capsicum` crate's `Casper`, which does not
//! hand out the casper channel fileargs_cinitnv(3) takes.
//!
//! One casper process serves every service: a second one (fileargs_init(3)
//! calls cap_init(3) itself) would be forked with this process's
//! descriptors, the first casper channel and every service channel among
//! them, and keep them open (neither cap_init's child nor
//! `casper_main_loop` closes what it inherits, lib/libcasper/libcasper/
//! libcasper.c and service.c), so that closing a channel here would not end
//! its service. What each service is limited to, and how the
//! handles' requests are shaped, is decided by plain data in `limits/`
//! (tested on any system against models of the services); the files here
//! carry it out with the C functions of cap_dns(3), cap_net(3), cap_pwd(3),
//! cap_grp(3), cap_sysctl(3), cap_syslog(3) and cap_fileargs(3), one file
//! per service as the Linux broker has them.

pub(crate) mod limits;

mod db;
mod dns;
mod fileargs;
mod libnv;
mod net;
mod sysctl;
mod syslog;

use std::ffi::{c_char, c_int, c_void, CString, OsStr};
use std::fmt;
use std::io;
use std::os::fd::BorrowedFd;
use std::os::unix::ffi::OsStrExt;
use std::ptr::{self, NonNull};
use std::sync::{Mutex, MutexGuard};

use crate::decl::ServiceDecl;
use crate::error::{Error, Failure};
use crate::services::contract::{Reply, Request, Transport};

/// libcasper's `cap_channel_t` (opaque).
#[repr(C)]
pub(super) struct cap_channel_t {
    _opaque: [u8; 0],
}

#[link(name = "casper")]
extern "C" {
    /// cap_init(3): forks the casper process.
    fn cap_init() -> *mut cap_channel_t;
    /// cap_service_open(3).
    fn cap_service_open(chan: *const cap_channel_t, name: *const c_char) -> *mut cap_channel_t;
    /// cap_close(3).
    fn cap_close(chan: *mut cap_channel_t);
    /// cap_sock(3): the socket under a channel.
    fn cap_sock(chan: *const cap_channel_t) -> c_int;
}

/// A libcasper channel, closed with cap_close(3) on drop.
pub(super) struct Chan(NonNull<cap_channel_t>);

// SAFETY: a channel is one socket and a small struct owned by this `Chan`
// alone; it is used under its `Channel`'s lock (or single-threaded in step
// 5), so it is never used from two threads at once.
unsafe impl Send for Chan {}

impl Drop for Chan {
    fn drop(&mut self) {
        // SAFETY: the channel came from cap_init or cap_service_open and is
        // closed once.
        unsafe { cap_close(self.0.as_ptr()) }
    }
}

impl Chan {
    /// The channel, for the service's C functions.
    pub(super) fn as_ptr(&self) -> *mut cap_channel_t {
        self.0.as_ptr()
    }

    /// cap_init(3).
    ///
    /// # Safety
    /// The process must have one thread (cap_init forks).
    unsafe fn init() -> io::Result<Chan> {
        // SAFETY: as the caller promises.
        let chan = unsafe { cap_init() };
        NonNull::new(chan)
            .map(Chan)
            .ok_or_else(io::Error::last_os_error)
    }

    /// cap_service_open(3) on this casper channel.
    fn service_open(&self, name: &str) -> io::Result<Chan> {
        let name = CString::new(name).expect("service names have no NUL");
        // SAFETY: `self` is a live casper channel; `name` is NUL-terminated.
        let chan = unsafe { cap_service_open(self.as_ptr(), name.as_ptr()) };
        NonNull::new(chan)
            .map(Chan)
            .ok_or_else(io::Error::last_os_error)
    }
}

/// A service's library, named by a function only it defines. libcasper
/// runs a service only if its library registered it when it was loaded
/// (`CREATE_SERVICE` is a constructor): step 5 takes the address of the
/// function of each declared service, which keeps the library among the
/// program's needed libraries when the program calls none of its functions
/// (rustc links with `--as-needed`; the FreeBSD link test checks it), and
/// tells `dns.rs` which loaded object its lookups must come from.
#[derive(Clone, Copy)]
pub(super) struct Library(pub(super) *const c_void);

impl Library {
    /// The function's address, read at run time: the reference cannot be
    /// dropped by the linker.
    pub(super) fn anchor(self) -> *const c_void {
        std::hint::black_box(self.0)
    }
}

/// A channel to one libcasper service. libcasper channels are not
/// thread-safe (one request, one reply on a socket), so each is used under
/// a lock.
pub(crate) struct Channel {
    service: &'static str,
    conn: Mutex<Conn>,
}

/// One service's channel and the state its client keeps.
enum Conn {
    Dns(dns::Dns),
    Net(net::Net),
    Db(db::Db),
    Sysctl(sysctl::Sysctl),
    Syslog(syslog::Syslog),
    FileArgs(fileargs::FileArgs),
}

impl fmt::Debug for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Channel")
            .field("service", &self.service)
            .finish_non_exhaustive()
    }
}

/// Step 5: one channel per declaration, in order.
pub(super) fn open(services: &[ServiceDecl]) -> Result<Vec<Channel>, Error> {
    if services.is_empty() {
        return Ok(Vec::new());
    }
    let failed = |decl: &ServiceDecl, f: Failure| Error::Service {
        service: decl.service_name(),
        syscall: f.syscall,
        source: f.error,
    };
    single_threaded().map_err(|f| failed(&services[0], f))?;
    // SAFETY: cap_init forks (libcasper(3)); the process was checked above
    // to have one thread, and step 5 runs from the generated `main` before
    // the body starts any.
    let casper =
        unsafe { Chan::init() }.map_err(|e| failed(&services[0], Failure::new("cap_init", e)))?;
    let mut channels = Vec::with_capacity(services.len());
    for decl in services {
        let conn = Conn::open(&casper, decl).map_err(|f| failed(decl, f))?;
        channels.push(Channel {
            service: decl.service_name(),
            conn: Mutex::new(conn),
        });
    }
    // Dropping `casper` is cap_close(3): no service can be opened later.
    drop(casper);
    Ok(channels)
}

impl Conn {
    /// A channel to `decl`'s service, opened through `casper`, with the
    /// declaration's limits set.
    fn open(casper: &Chan, decl: &ServiceDecl) -> Result<Conn, Failure> {
        let library = match decl {
            ServiceDecl::Dns(_) => dns::LIBRARY,
            ServiceDecl::Net(_) => net::LIBRARY,
            ServiceDecl::Pwd(_) => db::PWD_LIBRARY,
            ServiceDecl::Grp(_) => db::GRP_LIBRARY,
            ServiceDecl::Sysctl(_) => sysctl::LIBRARY,
            ServiceDecl::Syslog => syslog::LIBRARY,
            ServiceDecl::FileArgs(_) => fileargs::LIBRARY,
        };
        let _ = library.anchor();
        let open = || {
            casper
                .service_open(decl.service_name())
                .map_err(|e| Failure::new("cap_service_open", e))
        };
        Ok(match decl {
            ServiceDecl::Dns(l) => Conn::Dns(dns::Dns::open(open()?, l)?),
            ServiceDecl::Net(l) => Conn::Net(net::Net::open(open()?, l)?),
            ServiceDecl::Pwd(l) => {
                Conn::Db(db::Db::open(open()?, limits::db::Db::Pwd, &l.names())?)
            }
            ServiceDecl::Grp(l) => {
                Conn::Db(db::Db::open(open()?, limits::db::Db::Grp, &l.names())?)
            }
            ServiceDecl::Sysctl(l) => Conn::Sysctl(sysctl::Sysctl::open(open()?, l)?),
            ServiceDecl::Syslog => Conn::Syslog(syslog::Syslog::open(open()?)?),
            ServiceDecl::FileArgs(l) => Conn::FileArgs(fileargs::FileArgs::open(casper, l)?),
        })
    }
}

/// Refuses to fork the casper process from a threaded process: libcasper(3)
/// must be started single-threaded (a `{ expr }` source could have spawned
/// threads). The count comes from kinfo_proc's `ki_numthreads`
/// (sysctl `kern.proc.pid.<pid>`; the struct's size is checked against
/// `KINFO_PROC_SIZE` in layout.rs); a record of another size from the
/// kernel skips the check rather than guess.
fn single_threaded() -> Result<(), Failure> {
    // SAFETY: getpid has no preconditions.
    let mib = [
        libc::CTL_KERN,
        libc::KERN_PROC,
        libc::KERN_PROC_PID,
        unsafe { libc::getpid() },
    ];
    // SAFETY: kinfo_proc is plain data; all-zero is valid.
    let mut info: libc::kinfo_proc = unsafe { std::mem::zeroed() };
    let mut len = std::mem::size_of::<libc::kinfo_proc>();
    // SAFETY: `mib` has 4 entries; `info` is writable for `len` bytes; no
    // new value is set.
    let rc = unsafe {
        libc::sysctl(
            mib.as_ptr(),
            mib.len() as libc::c_uint,
            ptr::from_mut(&mut info).cast(),
            &mut len,
            ptr::null(),
            0,
        )
    };
    if rc != 0 || len != std::mem::size_of::<libc::kinfo_proc>() {
        return Ok(());
    }
    match info.ki_numthreads {
        n if n > 1 => Err(Failure::new(
            "cap_init",
            io::Error::other(format!(
                "the process has {n} threads; libcasper services must be started \
                 before any thread is spawned"
            )),
        )),
        _ => Ok(()),
    }
}

fn c_string(s: impl AsRef<OsStr>) -> io::Result<CString> {
    CString::new(s.as_ref().as_bytes()).map_err(|_| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            "a string passed to a libcasper service contains a NUL byte",
        )
    })
}

/// An errno the model layer names (FreeBSD's values) as an `io::Error`.
fn errno(e: i32) -> io::Error {
    io::Error::from_raw_os_error(e)
}

impl Channel {
    fn lock(&self) -> MutexGuard<'_, Conn> {
        // A panic while holding the lock leaves no half-done request: each
        // libcasper call is one exchange.
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Transport for Channel {
    /// The request, carried out by the file of the channel's service.
    fn call(&self, request: Request<'_>) -> io::Result<Reply> {
        match &mut *self.lock() {
            Conn::Dns(d) => d.handle(request),
            Conn::Net(n) => n.handle(request),
            Conn::Db(d) => d.handle(request),
            Conn::Sysctl(s) => s.handle(request),
            Conn::Syslog(s) => s.handle(request),
            Conn::FileArgs(f) => f.handle(request),
        }
    }

    fn socket(&self) -> Option<BorrowedFd<'_>> {
        let chan = match &*self.lock() {
            Conn::Dns(d) => d.chan.as_ptr(),
            Conn::Net(n) => n.chan.as_ptr(),
            Conn::Db(d) => d.chan.as_ptr(),
            Conn::Sysctl(s) => s.chan.as_ptr(),
            Conn::Syslog(s) => s.chan.as_ptr(),
            // fileargs(3) does not expose its channel.
            Conn::FileArgs(_) => return None,
        };
        // SAFETY: `chan` is live; cap_sock(3) only reads it.
        let fd = unsafe { cap_sock(chan) };
        // SAFETY: the socket is owned by the channel, which `self` keeps
        // open for the borrow's lifetime (only Drop closes it).
        (fd >= 0).then(|| unsafe { BorrowedFd::borrow_raw(fd) })
    }
}
