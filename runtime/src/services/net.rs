//! `system.net`: lookups, and sockets connected or bound by the service to
//! the declared addresses only — cap_net(3).

use std::io;
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::os::fd::OwnedFd;

use super::contract::Request;
use super::{service_handle, Channel, SocketKind};
use crate::decl::{Family, NetLimits};

/// `system.net`: lookups, and sockets bound or connected by the service.
///
/// The service creates the socket, binds or connects it within the limits
/// and hands it over; the sandboxed program then uses it as any socket.
#[derive(Debug)]
pub struct Net {
    channel: Channel,
}

service_handle!(Net);

impl Net {
    /// The addresses of `host` (`CAPNET_NAME2ADDR`, limited by `hosts` and
    /// `families`), each once, in the order of
    /// [`Dns::lookup_host`](crate::services::Dns::lookup_host): family by
    /// declared family when `families` is declared (cap_net.c
    /// `net_allowed_family` refuses `AF_UNSPEC` then), else the resolver's.
    pub fn lookup_host(&self, host: &str) -> io::Result<Vec<IpAddr>> {
        self.channel.ask(Request::LookupHost { host, family: None })
    }

    /// The addresses of `host` in `family` only.
    pub fn lookup_host_in(&self, host: &str, family: Family) -> io::Result<Vec<IpAddr>> {
        self.channel.ask(Request::LookupHost {
            host,
            family: Some(family),
        })
    }

    /// The addresses and port of `service` on `host`: getaddrinfo(3) with a
    /// service, a name of services(5) (`"https"`) or a port number
    /// (`"8443"`) (`CAPNET_NAME2ADDR`). `hosts = [("host", "service")]`
    /// limits both halves as cap_net_limit_name2addr(3) does: a pair with
    /// a service allows lookups of that service only, and
    /// [`lookup_host`](Net::lookup_host), which names no service, only
    /// pairs without one (`"host"`, `("host", _)`).
    pub fn lookup_service(&self, host: &str, service: &str) -> io::Result<Vec<SocketAddr>> {
        self.channel.ask(Request::LookupService {
            host,
            service,
            family: None,
        })
    }

    /// As [`lookup_service`](Net::lookup_service), in `family` only.
    pub fn lookup_service_in(
        &self,
        host: &str,
        service: &str,
        family: Family,
    ) -> io::Result<Vec<SocketAddr>> {
        self.channel.ask(Request::LookupService {
            host,
            service,
            family: Some(family),
        })
    }

    /// The host name of `addr` (`CAPNET_ADDR2NAME`).
    pub fn lookup_addr(&self, addr: IpAddr) -> io::Result<String> {
        self.channel.ask(Request::LookupAddr { addr })
    }

    /// A TCP connection to `addr` (`CAPNET_CONNECT`, or `CAPNET_CONNECTDNS`
    /// for an address a lookup returned).
    pub fn connect(&self, addr: SocketAddr) -> io::Result<TcpStream> {
        let fd = self.connect_as(addr, SocketKind::Stream)?;
        Ok(TcpStream::from(fd))
    }

    /// A UDP socket connected to `addr`.
    pub fn connect_udp(&self, addr: SocketAddr) -> io::Result<UdpSocket> {
        let fd = self.connect_as(addr, SocketKind::Datagram)?;
        Ok(UdpSocket::from(fd))
    }

    /// A UDP socket bound to `addr` (`CAPNET_BIND`).
    pub fn bind_udp(&self, addr: SocketAddr) -> io::Result<UdpSocket> {
        let fd = self.bind_as(addr, SocketKind::Datagram)?;
        Ok(UdpSocket::from(fd))
    }

    /// A TCP socket bound to `addr` by the service (`CAPNET_BIND`), then
    /// listening here with `backlog` (listen(2) needs no new address).
    pub fn listen(&self, addr: SocketAddr, backlog: i32) -> io::Result<TcpListener> {
        let fd = self.bind_as(addr, SocketKind::Stream)?;
        rustix::net::listen(&fd, backlog)?;
        Ok(TcpListener::from(fd))
    }

    /// Narrows the limits (`cap_net_limit`); never widens them.
    pub fn limit(&self, limits: &NetLimits) -> io::Result<()> {
        self.channel.ask(Request::NetLimit {
            limits: limits.clone(),
        })
    }
}

impl Net {
    /// A socket of `kind` connected by the service.
    fn connect_as(&self, addr: SocketAddr, kind: SocketKind) -> io::Result<OwnedFd> {
        self.channel.ask(Request::NetConnect { addr, kind })
    }

    /// A socket of `kind` bound by the service.
    fn bind_as(&self, addr: SocketAddr, kind: SocketKind) -> io::Result<OwnedFd> {
        self.channel.ask(Request::NetBind { addr, kind })
    }
}
