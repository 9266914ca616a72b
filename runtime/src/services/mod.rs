//! Service handles: what `services(...)` declarations become. Each handle
//! talks to a service process created before entry (libcasper on FreeBSD,
//! the broker on Linux) that enforces the declared limits.

/// A service channel created in step 5 (libcasper `cap_channel_t` on
/// FreeBSD, a broker socket on Linux).
#[doc(hidden)]
#[derive(Debug)]
pub struct Channel(#[allow(dead_code)] pub(crate) crate::backend::Channel);

macro_rules! service_handles {
    ($($(#[$doc:meta])* $name:ident,)*) => {$(
        $(#[$doc])*
        #[derive(Debug)]
        pub struct $name {
            #[allow(dead_code)]
            channel: Channel,
        }

        impl Service for $name {
            fn from_channel(channel: Channel) -> Self {
                $name { channel }
            }
        }
    )*};
}

/// A handle built from a service channel by the generated code.
#[doc(hidden)]
pub trait Service: Sized {
    /// Wraps the channel step 5 created for this service.
    fn from_channel(channel: Channel) -> Self;
}

service_handles! {
    /// `system.dns`: name and address lookups.
    Dns,
    /// `system.net`: lookups, and sockets bound or connected by the service.
    Net,
    /// `system.pwd`: the password database.
    Pwd,
    /// `system.grp`: the group database.
    Grp,
    /// `system.sysctl`: named sysctl entries.
    Sysctl,
    /// `system.syslog`: log lines to syslogd.
    Syslog,
    /// `system.fileargs`: files named on the command line.
    FileArgs,
}
