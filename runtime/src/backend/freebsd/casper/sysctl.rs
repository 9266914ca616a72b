//! `system.sysctl` (cap_sysctl(3)): named entries read and written through
//! cap_sysctlbyname(3).

use std::ffi::{c_char, c_int, c_void};
use std::io;
use std::ptr;

use super::Chan;

use super::limits;
use super::{c_string, cap_channel_t, libnv, Library};
use crate::decl::{SysctlAccess, SysctlLimits};
use crate::error::Failure;
use crate::services::contract::{Reply, Request};

#[link(name = "cap_sysctl")]
extern "C" {
    fn cap_sysctlbyname(
        chan: *mut cap_channel_t,
        name: *const c_char,
        oldp: *mut c_void,
        oldlenp: *mut usize,
        newp: *const c_void,
        newlen: usize,
    ) -> c_int;
}

/// libcap_sysctl (`system.sysctl`).
pub(super) const LIBRARY: Library = Library(cap_sysctlbyname as *const c_void);

/// A `system.sysctl` channel and its limits now.
pub(super) struct Sysctl {
    pub(super) chan: Chan,
    entries: Vec<(String, SysctlAccess)>,
}

impl Sysctl {
    /// The channel with its limits: always set, an empty list allows
    /// nothing.
    pub(super) fn open(chan: Chan, l: &SysctlLimits) -> Result<Sysctl, Failure> {
        libnv::limit_set(chan.as_ptr(), &limits::sysctl::limits(&l.entries))?;
        Ok(Sysctl {
            chan,
            entries: l
                .entries
                .iter()
                .map(|(n, a)| ((*n).to_owned(), *a))
                .collect(),
        })
    }

    /// The requests of `system.sysctl`.
    pub(super) fn handle(&mut self, request: Request<'_>) -> io::Result<Reply> {
        Ok(match request {
            Request::SysctlGet { name } => Reply::Bytes(self.get(name)?),
            Request::SysctlSet { name, value } => Reply::Done(self.set(name, value)?),
            Request::SysctlLimit { entries } => Reply::Done(self.limit(&entries)?),
            other => return Err(other.unsupported("system.sysctl")),
        })
    }

    /// cap_limit_set(3) with the narrowed limits (`sysctl_limit` refuses a
    /// widening).
    fn limit(&mut self, new: &[(&str, SysctlAccess)]) -> io::Result<()> {
        let new: Vec<(String, SysctlAccess)> =
            new.iter().map(|(n, a)| ((*n).to_owned(), *a)).collect();
        let next = limits::narrow(&self.entries, &new);
        libnv::limit_set(self.chan.as_ptr(), &limits::sysctl::limits(&next))
            .map_err(|f| f.error)?;
        self.entries = next;
        Ok(())
    }

    /// The entry's value: its size first, then the value in a buffer with
    /// room for growth between the two calls.
    fn get(&mut self, name: &str) -> io::Result<Vec<u8>> {
        let chan = self.chan.as_ptr();
        let name = c_string(name)?;
        let mut len = 0;
        // SAFETY: `chan` is live; a size query passes no buffers.
        let rc = unsafe {
            cap_sysctlbyname(
                chan,
                name.as_ptr(),
                ptr::null_mut(),
                &mut len,
                ptr::null(),
                0,
            )
        };
        if rc < 0 {
            return Err(io::Error::last_os_error());
        }
        for _ in 0..4 {
            let mut buf = vec![0u8; len + len / 4 + 16];
            let mut got = buf.len();
            // SAFETY: `buf` has `got` writable bytes.
            let rc = unsafe {
                cap_sysctlbyname(
                    chan,
                    name.as_ptr(),
                    buf.as_mut_ptr().cast(),
                    &mut got,
                    ptr::null(),
                    0,
                )
            };
            if rc == 0 {
                buf.truncate(got);
                return Ok(buf);
            }
            let e = io::Error::last_os_error();
            if e.raw_os_error() != Some(libc::ENOMEM) {
                return Err(e);
            }
            len = buf.len() * 2;
        }
        Err(io::Error::from_raw_os_error(libc::ENOMEM))
    }

    fn set(&mut self, name: &str, value: &[u8]) -> io::Result<()> {
        let name = c_string(name)?;
        // SAFETY: `chan` is live; `value` is readable for its length.
        let rc = unsafe {
            cap_sysctlbyname(
                self.chan.as_ptr(),
                name.as_ptr(),
                ptr::null_mut(),
                ptr::null_mut(),
                value.as_ptr().cast(),
                value.len(),
            )
        };
        if rc < 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(())
    }
}
