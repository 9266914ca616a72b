//! Placeholder: this backend is not written yet, so freebsd uses the
//! unsupported backend (deny by default).

pub(crate) mod compartment;

pub(crate) use super::unsupported::{is_sandboxed, is_violation, Channel, Native};
