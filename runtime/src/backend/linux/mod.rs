//! Placeholder: this backend is not written yet, so linux uses the
//! unsupported backend (deny by default).

pub(crate) use super::unsupported::{is_sandboxed, is_violation, Channel, Native};
