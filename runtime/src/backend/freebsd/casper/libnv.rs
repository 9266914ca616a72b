//! The limits of `limits/` handed to a service: the [`Nvlist`] made into
//! libnv's nvlist(9) and sent with cap_limit_set(3). libnv's functions are
//! declared here, under the names the library exports (sys/sys/nv.h
//! renames them through sys/sys/nv_namespace.h: `nvlist_create` is
//! `FreeBSD_nvlist_create`, version FBSD_1.0 of lib/libnv/Version.map).

use std::ffi::{c_char, c_int, c_void, CString};
use std::io;
use std::os::unix::ffi::OsStrExt;

use super::cap_channel_t;
use super::limits::{Nvlist, Value};
use crate::error::Failure;

/// libnv's `nvlist_t` (opaque).
#[repr(C)]
struct nvlist_t {
    _opaque: [u8; 0],
}

/// `NV_FLAG_NO_UNIQUE` of sys/sys/nv.h.
pub(super) const NV_FLAG_NO_UNIQUE: c_int = 0x02;

#[link(name = "nv")]
extern "C" {
    #[link_name = "FreeBSD_nvlist_create"]
    fn nvlist_create(flags: c_int) -> *mut nvlist_t;
    #[link_name = "FreeBSD_nvlist_destroy"]
    fn nvlist_destroy(nvl: *mut nvlist_t);
    #[link_name = "FreeBSD_nvlist_error"]
    fn nvlist_error(nvl: *const nvlist_t) -> c_int;
    #[link_name = "FreeBSD_nvlist_add_null"]
    fn nvlist_add_null(nvl: *mut nvlist_t, name: *const c_char);
    #[link_name = "FreeBSD_nvlist_add_number"]
    fn nvlist_add_number(nvl: *mut nvlist_t, name: *const c_char, value: u64);
    #[link_name = "FreeBSD_nvlist_add_string"]
    fn nvlist_add_string(nvl: *mut nvlist_t, name: *const c_char, value: *const c_char);
    #[link_name = "FreeBSD_nvlist_add_binary"]
    fn nvlist_add_binary(
        nvl: *mut nvlist_t,
        name: *const c_char,
        value: *const c_void,
        size: usize,
    );
    #[link_name = "FreeBSD_nvlist_add_number_array"]
    fn nvlist_add_number_array(
        nvl: *mut nvlist_t,
        name: *const c_char,
        value: *const u64,
        nitems: usize,
    );
    #[link_name = "FreeBSD_nvlist_move_nvlist"]
    fn nvlist_move_nvlist(nvl: *mut nvlist_t, name: *const c_char, value: *mut nvlist_t);
}

#[link(name = "casper")]
extern "C" {
    /// cap_limit_set(3): sends the limits and always frees them.
    fn cap_limit_set(chan: *const cap_channel_t, limits: *mut nvlist_t) -> c_int;
}

/// An nvlist this process owns; nvlist_destroy(3) on drop.
struct Owned(*mut nvlist_t);

impl Drop for Owned {
    fn drop(&mut self) {
        // SAFETY: the list came from nvlist_create and is destroyed once.
        unsafe { nvlist_destroy(self.0) }
    }
}

impl Owned {
    /// Hands the list over to a call that frees it.
    fn into_raw(self) -> *mut nvlist_t {
        let p = self.0;
        std::mem::forget(self);
        p
    }
}

fn c_name(s: &[u8]) -> io::Result<CString> {
    CString::new(s).map_err(|_| io::Error::from_raw_os_error(libc::EINVAL))
}

/// libnv's list for `list`, pair by pair.
fn build(list: &Nvlist) -> io::Result<Owned> {
    let flags = if list.is_no_unique() {
        NV_FLAG_NO_UNIQUE
    } else {
        0
    };
    // SAFETY: nvlist_create takes flags only; NULL means no memory.
    let nvl = unsafe { nvlist_create(flags) };
    if nvl.is_null() {
        return Err(io::Error::from_raw_os_error(libc::ENOMEM));
    }
    let nvl = Owned(nvl);
    for (name, value) in list.pairs() {
        let name = c_name(name.as_bytes())?;
        let n = name.as_ptr();
        // SAFETY: `nvl.0` is a live list; every pointer passed is valid for
        // the call (libnv copies names and values; nvlist_move_nvlist takes
        // the inner list, which is no longer owned here).
        unsafe {
            match value {
                Value::Null => nvlist_add_null(nvl.0, n),
                Value::Number(x) => nvlist_add_number(nvl.0, n, *x),
                Value::String(s) => {
                    let s = c_name(s.as_bytes())?;
                    nvlist_add_string(nvl.0, n, s.as_ptr());
                }
                Value::Binary(b) => nvlist_add_binary(nvl.0, n, b.as_ptr().cast(), b.len()),
                Value::NumberArray(a) => nvlist_add_number_array(nvl.0, n, a.as_ptr(), a.len()),
                Value::Nvlist(inner) => nvlist_move_nvlist(nvl.0, n, build(inner)?.into_raw()),
            }
        }
    }
    // SAFETY: `nvl.0` is live.
    match unsafe { nvlist_error(nvl.0) } {
        0 => Ok(nvl),
        e => Err(io::Error::from_raw_os_error(e)),
    }
}

/// libnv's list for `list`, handed over to a call that frees it
/// (fileargs_initnv(3)).
pub(super) fn build_owned(list: &Nvlist) -> io::Result<*mut c_void> {
    let list = list.sendable().map_err(io::Error::from_raw_os_error)?;
    Ok(build(list)?.into_raw().cast())
}

/// cap_limit_set(3) with `limits`. A list the model already knows to be in
/// error (a name added twice) fails the same way, without a round trip.
pub(super) fn limit_set(chan: *mut cap_channel_t, limits: &Nvlist) -> Result<(), Failure> {
    let fail = |e: io::Error| Failure::new("cap_limit_set", e);
    let limits = limits
        .sendable()
        .map_err(|e| fail(io::Error::from_raw_os_error(e)))?;
    let nvl = build(limits).map_err(fail)?;
    // SAFETY: `chan` is a live channel; cap_limit_set frees the list.
    if unsafe { cap_limit_set(chan, nvl.into_raw()) } < 0 {
        return Err(Failure::last_os_error("cap_limit_set"));
    }
    Ok(())
}
