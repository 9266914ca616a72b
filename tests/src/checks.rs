//! The checks the service probes (`service_probe`, `casper_probe`) print:
//! `ok: <check>` on stdout for each that holds, a panic (exit 101) naming
//! the first that does not.

/// `ok` holds.
pub fn check(what: &str, ok: bool) {
    assert!(ok, "failed: {what}");
    println!("ok: {what}");
}

/// The request fails with the capability error (`ENOTCAPABLE` on
/// FreeBSD, what [`sandboxed::is_violation`] recognizes).
pub fn refused<T: std::fmt::Debug>(what: &str, r: std::io::Result<T>) {
    match r {
        Err(e) if sandboxed::is_violation(&e) => println!("ok: refused: {what} ({e})"),
        other => panic!("failed: {what} should be refused, got {other:?}"),
    }
}

/// The request fails with errno `code`.
pub fn errno<T: std::fmt::Debug>(what: &str, r: std::io::Result<T>, code: i32) {
    match r {
        Err(e) if e.raw_os_error() == Some(code) => println!("ok: {what} ({e})"),
        other => panic!("failed: {what} should fail with errno {code}, got {other:?}"),
    }
}

/// A sysctl limit entry that reads its node only (cap_sysctl(3)
/// `CAP_SYSCTL_READ`, not recursive).
pub const READ: sandboxed::decl::SysctlAccess = sandboxed::decl::SysctlAccess {
    read: true,
    write: false,
    recursive: false,
};
