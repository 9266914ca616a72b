//! Placeholder: the Linux backend (Landlock + seccomp) is not written yet,
//! so Linux enforces nothing on the program itself (deny by default), but
//! its services already run in the broker (`broker/`), which enforces
//! their limits and is confined.

use std::io;
use std::os::fd::OwnedFd;

use crate::decl::{Plan, ServiceDecl, Stdio};
use crate::error::{Error, Failure};
use crate::rights::Limits;
use crate::steps::Backend;

mod broker;
pub(crate) mod compartment;

pub(crate) use super::unsupported::is_sandboxed;
pub(crate) use broker::Channel;

/// The unsupported backend, with the broker's services.
#[derive(Debug, Default)]
pub(crate) struct Native(super::unsupported::Native);

impl Native {
    pub(crate) fn new() -> Self {
        Native::default()
    }
}

impl Backend for Native {
    type Channel = Channel;

    fn missing(&mut self, plan: &Plan) -> Vec<String> {
        self.0.missing(plan)
    }
    fn limit(&mut self, fd: OwnedFd, limits: &Limits) -> Result<OwnedFd, Failure> {
        self.0.limit(fd, limits)
    }
    fn limit_stdio(&mut self, stream: Stdio, limits: &Limits) -> Result<(), Failure> {
        self.0.limit_stdio(stream, limits)
    }
    fn warm_caches(&mut self) -> Result<(), Error> {
        self.0.warm_caches()
    }
    fn open_services(&mut self, services: &[ServiceDecl]) -> Result<Vec<Channel>, Error> {
        broker::start(services)
    }
    fn enter(&mut self) -> Result<(), Error> {
        self.0.enter()
    }
}

/// A service request outside its limits (the broker's `EPERM`).
pub(crate) fn is_violation(error: &io::Error) -> bool {
    error.raw_os_error() == Some(broker::VIOLATION)
}
