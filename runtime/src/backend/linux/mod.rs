//! Placeholder: the Linux backend (Landlock + seccomp) is not written yet,
//! so Linux uses the unsupported backend (deny by default).

#[allow(dead_code)]
mod broker;
pub(crate) mod compartment;

pub(crate) use super::unsupported::{is_sandboxed, is_violation, Channel, Native};
