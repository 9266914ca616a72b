//! `system.syslog` (cap_syslog(3)): no limits (`limits/syslog.rs`).

use std::ffi::{c_char, c_int, c_void};
use std::io;

use super::Chan;

use super::{c_string, cap_channel_t, libnv, limits, Library};
use crate::error::Failure;
use crate::services::contract::{Reply, Request};

#[link(name = "cap_syslog")]
extern "C" {
    fn cap_openlog(chan: *mut cap_channel_t, ident: *const c_char, logopt: c_int, facility: c_int);
    fn cap_syslog(chan: *mut cap_channel_t, pri: c_int, fmt: *const c_char, ...);
    fn cap_closelog(chan: *mut cap_channel_t);
    fn cap_setlogmask(chan: *mut cap_channel_t, maskpri: c_int) -> c_int;
}

/// libcap_syslog (`system.syslog`): a program may declare the service and
/// never log, and still needs the library loaded for the service to exist.
pub(super) const LIBRARY: Library = Library(cap_openlog as *const c_void);

/// A `system.syslog` channel.
pub(super) struct Syslog {
    pub(super) chan: Chan,
}

impl Syslog {
    pub(super) fn open(chan: Chan) -> Result<Syslog, Failure> {
        if let Some(nvl) = limits::syslog::limits() {
            libnv::limit_set(chan.as_ptr(), &nvl)?;
        }
        Ok(Syslog { chan })
    }

    /// The requests of `system.syslog`.
    pub(super) fn handle(&mut self, request: Request<'_>) -> io::Result<Reply> {
        Ok(match request {
            Request::SyslogOpen {
                ident,
                option,
                facility,
            } => Reply::Done(self.open_log(ident, option, facility)?),
            Request::Syslog { priority, message } => Reply::Done(self.log(priority, message)?),
            Request::SyslogClose {} => Reply::Done(self.close()?),
            Request::SyslogSetMask { mask } => Reply::Mask(self.set_mask(mask)?),
            other => return Err(other.unsupported("system.syslog")),
        })
    }

    fn open_log(&mut self, ident: &str, option: i32, facility: i32) -> io::Result<()> {
        let ident = c_string(ident)?;
        // SAFETY: `chan` is live; `ident` is NUL-terminated (the service
        // copies it).
        unsafe { cap_openlog(self.chan.as_ptr(), ident.as_ptr(), option, facility) };
        Ok(())
    }

    fn log(&mut self, priority: i32, message: &str) -> io::Result<()> {
        let message = c_string(message)?;
        // SAFETY: `chan` is live; the format takes exactly one string.
        unsafe {
            cap_syslog(
                self.chan.as_ptr(),
                priority,
                c"%s".as_ptr(),
                message.as_ptr(),
            )
        };
        Ok(())
    }

    fn close(&mut self) -> io::Result<()> {
        // SAFETY: `chan` is live.
        unsafe { cap_closelog(self.chan.as_ptr()) };
        Ok(())
    }

    fn set_mask(&mut self, mask: i32) -> io::Result<i32> {
        // SAFETY: `chan` is live.
        Ok(unsafe { cap_setlogmask(self.chan.as_ptr(), mask) })
    }
}
