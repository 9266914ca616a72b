//! A program that declares a libcasper service and never calls it, for the
//! FreeBSD link test (`.ci/freebsd-link/run`): libcasper starts a service
//! only if the library that registers it (`CREATE_SERVICE`, a constructor)
//! is loaded, so `libcap_syslog.so.1` must stay among the program's needed
//! libraries although the program calls none of its functions, whatever
//! `--as-needed` (which rustc passes on FreeBSD) would drop.
//!
//! Run anywhere, it enters the sandbox and exits 0.

use sandboxed::sandboxed;
use sandboxed::services::Syslog;

#[sandboxed(services(syslog))]
fn main(syslog: Syslog) {
    let _ = syslog;
}
