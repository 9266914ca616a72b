//! The service broker: a process forked before entry that carries out
//! service requests within the declared limits. (Placeholder: no service is
//! provided yet, so declaring one is a start-up error.)

use std::io;

use crate::decl::ServiceDecl;
use crate::error::Error;

/// A channel to the broker for one service.
#[derive(Debug)]
pub(crate) enum Channel {}

/// Forks the broker (the process must be single-threaded) and returns one
/// channel per declared service, in order.
pub(crate) fn start(services: &[ServiceDecl]) -> Result<Vec<Channel>, Error> {
    match services.first() {
        None => Ok(Vec::new()),
        Some(s) => Err(Error::Service {
            service: s.service_name(),
            syscall: "fork",
            source: io::Error::from(io::ErrorKind::Unsupported),
        }),
    }
}
