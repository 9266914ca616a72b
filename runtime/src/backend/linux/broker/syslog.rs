//! `system.syslog` on Linux: RFC 3164 lines (`<PRI>Mmm dd hh:mm:ss
//! ident[pid]: message`, the format glibc's syslog(3) sends) written to the
//! local syslog socket, `/dev/log` unless `SANDBOXED_SYSLOG_SOCKET` named
//! another when the program started.

use std::os::fd::OwnedFd;
use std::path::PathBuf;

use rustix::net::{AddressFamily, SocketAddrUnix, SocketFlags, SocketType};

use crate::services::contract::{Reply, Request};

/// The environment variable that overrides `/dev/log`, read once at start.
pub(crate) const SOCKET_VAR: &str = "SANDBOXED_SYSLOG_SOCKET";

/// cap_syslog.c's buffer for one formatted message, NUL included.
pub(crate) const CAP_SYSLOG_LIMIT: usize = 2048;

/// syslog.c's priority for its own complaints: `LOG_ERR|LOG_CONS|LOG_PERROR|
/// LOG_PID`, whose option bits read as the facility `LOG_AUTH`.
const INTERNALLOG: i32 = libc::LOG_ERR | libc::LOG_CONS | libc::LOG_PERROR | libc::LOG_PID;

/// The state of one `system.syslog` channel (openlog(3)'s state).
#[derive(Debug)]
pub(crate) struct Syslog {
    pub(crate) path: PathBuf,
    /// The program's pid, for `LOG_PID`.
    pub(crate) pid: u32,
    /// The default ident: the program's name.
    pub(crate) program: String,
    pub(crate) ident: Option<String>,
    pub(crate) option: i32,
    pub(crate) facility: i32,
    pub(crate) mask: i32,
    pub(crate) socket: Option<OwnedFd>,
}

impl Syslog {
    pub(crate) fn new(path: PathBuf, pid: u32, program: String) -> Self {
        Syslog {
            path,
            pid,
            program,
            ident: None,
            option: 0,
            facility: libc::LOG_USER,
            mask: 0xff,
            socket: None,
        }
    }

    fn connect(&mut self) -> Result<(), i32> {
        if self.socket.is_some() {
            return Ok(());
        }
        let errno = |e: rustix::io::Errno| e.raw_os_error();
        let fd = rustix::net::socket_with(
            AddressFamily::UNIX,
            SocketType::DGRAM,
            SocketFlags::CLOEXEC,
            None,
        )
        .map_err(errno)?;
        let addr = SocketAddrUnix::new(&self.path).map_err(errno)?;
        rustix::net::connect(&fd, &addr).map_err(errno)?;
        self.socket = Some(fd);
        Ok(())
    }

    fn send(&mut self, line: &[u8]) -> Result<(), i32> {
        // Reconnect once: syslogd may have restarted since the last line.
        for attempt in 0..2 {
            self.connect()?;
            let fd = self.socket.as_ref().expect("connected above");
            match rustix::net::send(fd, line, rustix::net::SendFlags::NOSIGNAL) {
                Ok(_) => return Ok(()),
                Err(e) if attempt == 0 => {
                    let _ = e;
                    self.socket = None;
                }
                Err(e) => return Err(e.raw_os_error()),
            }
        }
        Ok(())
    }

    /// syslog(3) of `message` at `priority`, as FreeBSD's `vsyslog1`
    /// (lib/libc/gen/syslog.c) does it in cap_syslog's service: invalid
    /// bits are reported in a line of their own (`INTERNALLOG`) and
    /// dropped, a masked priority sends nothing, no facility takes the
    /// one `openlog` set.
    fn log(&mut self, priority: i32, message: &[u8]) {
        let valid = libc::LOG_PRIMASK | libc::LOG_FACMASK;
        let mut pri = priority;
        if pri & !valid != 0 {
            let complaint = format!("syslog: unknown facility/priority: {pri:x}");
            self.log(INTERNALLOG, complaint.as_bytes());
            pri &= valid;
        }
        if self.mask & (1 << (pri & libc::LOG_PRIMASK)) == 0 {
            return;
        }
        if pri & libc::LOG_FACMASK == 0 {
            pri |= self.facility;
        }
        let ident = self.ident.as_deref().unwrap_or(&self.program);
        let pid = if self.option & libc::LOG_PID != 0 {
            format!("[{}]", self.pid)
        } else {
            String::new()
        };
        let mut line = format!("<{pri}>{} {ident}{pid}: ", timestamp()).into_bytes();
        line.extend_from_slice(message);
        // `LOG_PERROR` would write to the service's stderr, which libcasper
        // points at /dev/null (lib/libcasper/libcasper/service.c
        // `service_clean`: `stdnull()` for a service created without
        // `CASPER_SERVICE_STDIO`, as cap_syslog's is): nothing is printed.
        // syslog(3) reports no failure to send (cap_syslog(3) returns
        // nothing), so neither does the service.
        let _ = self.send(&line);
    }

    pub(crate) fn handle(&mut self, request: Request<'_>) -> Result<Reply, i32> {
        match request {
            Request::SyslogOpen {
                ident,
                option,
                facility,
            } => {
                self.ident = Some(ident.to_owned());
                self.option = option;
                // A facility with bits outside `LOG_FACMASK` is ignored,
                // not refused: FreeBSD's openlog(3) (lib/libc/gen/syslog.c
                // `openlog_unlocked`) keeps the one it had, and
                // cap_openlog(3) reports nothing.
                if facility != 0 && facility & !libc::LOG_FACMASK == 0 {
                    self.facility = facility;
                }
                if option & libc::LOG_NDELAY != 0 {
                    let _ = self.connect();
                }
                Ok(Reply::Done(()))
            }
            Request::Syslog { priority, message } => {
                // cap_vsyslog(3) formats into `CAP_SYSLOG_LIMIT` (2048)
                // bytes: longer messages lose their end (cap_syslog.c).
                let message = message.as_bytes();
                let message = &message[..message.len().min(CAP_SYSLOG_LIMIT - 1)];
                self.log(priority, message);
                Ok(Reply::Done(()))
            }
            Request::SyslogClose {} => {
                self.socket = None;
                self.ident = None;
                Ok(Reply::Done(()))
            }
            Request::SyslogSetMask { mask } => {
                let old = self.mask;
                if mask != 0 {
                    self.mask = mask;
                }
                Ok(Reply::Mask(old))
            }
            _ => Err(libc::EOPNOTSUPP),
        }
    }
}

/// `Mmm dd hh:mm:ss` in local time (RFC 3164 §4.1.2). The time zone was
/// loaded (tzset) before the broker was confined.
fn timestamp() -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let now = rustix::time::clock_gettime(rustix::time::ClockId::Realtime).tv_sec;
    // SAFETY: an all-zero tm is a valid value to be filled in.
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    let t = now as libc::time_t;
    // SAFETY: both pointers are valid for the call (localtime_r(3)).
    if unsafe { libc::localtime_r(&t, &mut tm) }.is_null() {
        return "Jan  1 00:00:00".into();
    }
    let month = MONTHS[tm.tm_mon.clamp(0, 11) as usize];
    format!(
        "{month} {:2} {:02}:{:02}:{:02}",
        tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec
    )
}

/// Loads the time zone before confinement (tzset(3)).
pub(crate) fn warm() {
    let _ = timestamp();
}
