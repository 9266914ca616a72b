//! `system.syslog` (cap_syslog(3)): no limits (`limits/syslog.rs`).

use std::ffi::{c_char, c_int};
use std::io;

use capsicum::casper::CapChannel;

use super::{c_string, cap_channel_t, libnv, limits, raw};
use crate::error::Failure;

#[link(name = "cap_syslog")]
extern "C" {
    fn cap_openlog(chan: *mut cap_channel_t, ident: *const c_char, logopt: c_int, facility: c_int);
    fn cap_syslog(chan: *mut cap_channel_t, pri: c_int, fmt: *const c_char, ...);
    fn cap_closelog(chan: *mut cap_channel_t);
    fn cap_setlogmask(chan: *mut cap_channel_t, maskpri: c_int) -> c_int;
}

/// A `system.syslog` channel.
pub(super) struct Syslog {
    pub(super) chan: CapChannel,
}

impl Syslog {
    pub(super) fn open(mut chan: CapChannel) -> Result<Syslog, Failure> {
        if let Some(nvl) = limits::syslog::limits() {
            libnv::limit_set(raw(&mut chan), &nvl)?;
        }
        Ok(Syslog { chan })
    }

    pub(super) fn open_log(&mut self, ident: &str, option: i32, facility: i32) -> io::Result<()> {
        let ident = c_string(ident)?;
        // SAFETY: `chan` is live; `ident` is NUL-terminated (the service
        // copies it).
        unsafe { cap_openlog(raw(&mut self.chan), ident.as_ptr(), option, facility) };
        Ok(())
    }

    pub(super) fn log(&mut self, priority: i32, message: &str) -> io::Result<()> {
        let message = c_string(message)?;
        // SAFETY: `chan` is live; the format takes exactly one string.
        unsafe {
            cap_syslog(
                raw(&mut self.chan),
                priority,
                c"%s".as_ptr(),
                message.as_ptr(),
            )
        };
        Ok(())
    }

    pub(super) fn close(&mut self) -> io::Result<()> {
        // SAFETY: `chan` is live.
        unsafe { cap_closelog(raw(&mut self.chan)) };
        Ok(())
    }

    pub(super) fn set_mask(&mut self, mask: i32) -> io::Result<i32> {
        // SAFETY: `chan` is live.
        Ok(unsafe { cap_setlogmask(raw(&mut self.chan), mask) })
    }
}
