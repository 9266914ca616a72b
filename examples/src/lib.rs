//! The logic of the example programs, kept apart from their `main` so that
//! it can be tested without a sandbox. Each program in `src/bin/` declares
//! its sandbox with `#[sandboxed(...)]` and calls in here.

pub mod bspatch;
pub mod cmp;
pub mod sexp;
pub mod unzip;
