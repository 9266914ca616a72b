//! libcasper(3) services when `sandboxed` is built without its `casper`
//! feature: none. Declaring a service is a start-up error that names the
//! service and the feature, before anything is entered.

use std::io;

use crate::decl::ServiceDecl;
use crate::error::Error;

/// No channel can exist without libcasper.
pub(crate) type Channel = super::super::unsupported::Channel;

/// Refuses any declared service.
pub(super) fn open(services: &[ServiceDecl]) -> Result<Vec<Channel>, Error> {
    match services.first() {
        None => Ok(Vec::new()),
        Some(s) => Err(Error::Service {
            service: s.service_name(),
            syscall: "libcasper",
            source: io::Error::new(
                io::ErrorKind::Unsupported,
                "sandboxed was built without its `casper` feature; \
                 enable it (`features = [\"casper\"]`) to use libcasper services",
            ),
        }),
    }
}
