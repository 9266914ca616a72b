//! `system.syslog`: cap_syslog(3) has no limits. Its service is created
//! with no limit function (`CREATE_SERVICE("system.syslog", NULL, ...)` in
//! lib/libcasper/services/cap_syslog/cap_syslog.c), and libcasper answers a
//! cap_limit_set(3) on it with `EOPNOTSUPP` (`service_message` in
//! lib/libcasper/libcasper/service.c): none is ever sent.

#[cfg(test)]
use super::errno::EOPNOTSUPP;
use super::Nvlist;

/// The limits of a `syslog` declaration: none.
pub(crate) fn limits() -> Option<Nvlist> {
    None
}

/// What libcasper answers a limit on the service.
#[cfg(test)]
pub(crate) fn limit(_old: Option<&Nvlist>, _new: &Nvlist) -> Result<(), i32> {
    Err(EOPNOTSUPP)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syslog_is_never_limited() {
        assert!(limits().is_none());
        assert_eq!(limit(None, &Nvlist::new()), Err(EOPNOTSUPP));
    }
}
