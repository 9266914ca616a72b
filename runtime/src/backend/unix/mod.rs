//! What Linux and FreeBSD do the same way, through POSIX calls only.

pub(crate) mod compartment;
