//! `system.syslog`: log lines to syslogd — cap_syslog(3). Priorities,
//! options and facilities are syslog(3)'s (`libc::LOG_ERR`, `LOG_PID`,
//! `LOG_DAEMON`, ...).

use std::io;

use super::contract::Request;
use super::{service_handle, Channel};

/// `system.syslog`: log lines to syslogd.
///
/// ```no_run
/// use sandboxed::sandboxed;
/// use sandboxed::services::Syslog;
///
/// #[sandboxed(services(syslog))]
/// fn main(syslog: Syslog) -> std::io::Result<()> {
///     let log = syslog;
///     log.open("demo", libc::LOG_PID, libc::LOG_USER)?;
///     log.log(libc::LOG_NOTICE, "started")
/// }
/// ```
#[derive(Debug)]
pub struct Syslog {
    channel: Channel,
}

service_handle!(Syslog);

impl Syslog {
    /// `openlog(ident, option, facility)`.
    pub fn open(&self, ident: &str, option: i32, facility: i32) -> io::Result<()> {
        self.channel.ask(Request::SyslogOpen {
            ident,
            option,
            facility,
        })
    }

    /// `syslog(priority, "%s", message)`.
    pub fn log(&self, priority: i32, message: &str) -> io::Result<()> {
        self.channel.ask(Request::Syslog { priority, message })
    }

    /// `closelog()`.
    pub fn close(&self) -> io::Result<()> {
        self.channel.ask(Request::SyslogClose {})
    }

    /// `setlogmask(mask)`: returns the previous mask; 0 only reads it.
    pub fn set_mask(&self, mask: i32) -> io::Result<i32> {
        self.channel.ask(Request::SyslogSetMask { mask })
    }
}
