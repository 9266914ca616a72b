//! The attempts of promise 3: no new network endpoints.

use super::calls::*;
use super::*;
use crate::sys::*;

pub(super) const CASES: &[(&str, Probe)] = &[
    ("tcp_connect", |_| {
        let fd = socket(libc::AF_INET, libc::SOCK_STREAM, 0)?;
        connect_inet(fd, port_env("ESCAPE_TCP_PORT"))
    }),
    ("tcp_bind", |_| {
        let fd = socket(libc::AF_INET, libc::SOCK_STREAM, 0)?;
        let addr = inet(0);
        sys!(libc::bind(
            fd,
            (&addr as *const libc::sockaddr_in).cast(),
            std::mem::size_of_val(&addr) as u32
        ))?;
        Ok("bound".into())
    }),
    ("tcp_listen_autobind", |_| {
        let fd = socket(libc::AF_INET, libc::SOCK_STREAM, 0)?;
        sys!(libc::listen(fd, 1))?;
        Ok("listening".into())
    }),
    ("udp_sendto", |_| {
        let fd = socket(libc::AF_INET, libc::SOCK_DGRAM, 0)?;
        sendto_inet(fd, port_env("ESCAPE_UDP_PORT"))
    }),
    ("unix_connect_path", |_| {
        let fd = socket(libc::AF_UNIX, libc::SOCK_STREAM, 0)?;
        connect_unix(fd, env("ESCAPE_UNIX").as_bytes())
    }),
    ("unix_connect_abstract", |_| {
        let fd = socket(libc::AF_UNIX, libc::SOCK_STREAM, 0)?;
        let name = format!("\0{}", env("ESCAPE_ABSTRACT"));
        connect_unix(fd, name.as_bytes())
    }),
    ("unix_dgram_sendto_path", |_| {
        let fd = socket(libc::AF_UNIX, libc::SOCK_DGRAM, 0)?;
        let (addr, len) = unix_addr(env("ESCAPE_UNIX_DGRAM").as_bytes());
        sendto(fd, (&addr as *const libc::sockaddr_un).cast(), len)
    }),
    ("socketpair_dgram_sendmsg_name", |_| {
        // A datagram socketpair is allowed; sendmsg's msg_name overrides
        // the peer with a path in the global namespace.
        let sp = socketpair(libc::SOCK_DGRAM)?;
        let (mut addr, len) = unix_addr(env("ESCAPE_UNIX_DGRAM").as_bytes());
        sendmsg_to(sp[0], (&mut addr as *mut libc::sockaddr_un).cast(), len)
    }),
    ("netlink_socket", |_| {
        let fd = socket(libc::AF_NETLINK, libc::SOCK_RAW, libc::NETLINK_ROUTE)?;
        close(fd);
        Ok("netlink".into())
    }),
    ("packet_socket", |_| {
        let fd = socket(
            libc::AF_PACKET,
            libc::SOCK_RAW,
            i32::from((libc::ETH_P_ALL as u16).to_be()),
        )?;
        close(fd);
        Ok("packet".into())
    }),
    ("raw_inet_socket", |_| {
        let fd = socket(libc::AF_INET, libc::SOCK_RAW, libc::IPPROTO_ICMP)?;
        close(fd);
        Ok("raw".into())
    }),
    ("alg_socket", |_| {
        let fd = socket(libc::AF_ALG, libc::SOCK_SEQPACKET, 0)?;
        close(fd);
        Ok("af_alg".into())
    }),
    ("handed_udp_sendto", |_| {
        sendto_inet(HANDED_UDP, port_env("ESCAPE_UDP_PORT"))
    }),
    ("handed_udp_sendmsg_name", |_| {
        let mut addr = inet(port_env("ESCAPE_UDP_PORT"));
        sendmsg_to(
            HANDED_UDP,
            (&mut addr as *mut libc::sockaddr_in).cast(),
            std::mem::size_of_val(&addr) as u32,
        )
    }),
    ("handed_udp_connect", |_| {
        connect_inet(HANDED_UDP, port_env("ESCAPE_UDP_PORT"))
    }),
    ("handed_tcp_reconnect", |_| {
        connect_inet(HANDED_TCP, port_env("ESCAPE_TCP_PORT"))
    }),
    // positive twins
    ("handed_tcp_write", |_| {
        write_text(HANDED_TCP, "through the handed socket")
    }),
    ("handed_listener_accept", |_| {
        let fd = sys!(libc::accept4(
            HANDED_LISTENER,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            libc::SOCK_CLOEXEC
        ))?;
        write_text(fd, "accepted")
    }),
    ("socketpair_stream", |_| {
        let sp = socketpair(libc::SOCK_STREAM)?;
        write_text(sp[0], "ping")?;
        read_text(sp[1])
    }),
    ("unix_bind_abstract", |_| {
        let fd = socket(libc::AF_UNIX, libc::SOCK_STREAM, 0)?;
        let name = format!("\0sandboxed-escape-bound-{}", std::process::id());
        let (addr, len) = unix_addr(name.as_bytes());
        sys!(libc::bind(
            fd,
            (&addr as *const libc::sockaddr_un).cast(),
            len
        ))?;
        sys!(libc::listen(fd, 1))?;
        Ok("listening in the abstract namespace".into())
    }),
    ("socketpair_sendmsg", |_| {
        let sp = socketpair(libc::SOCK_STREAM)?;
        sendmsg_to(sp[0], std::ptr::null_mut(), 0)?;
        read_text(sp[1])
    }),
    ("socketpair_send", |_| {
        // send(2) is sendto without an address: allowed.
        let sp = socketpair(libc::SOCK_STREAM)?;
        let msg = b"ping";
        sys!(libc::send(sp[0], msg.as_ptr().cast(), msg.len(), 0))?;
        read_text(sp[1])
    }),
    ("socket_ioctl_set_mtu", |_| {
        // Interface ioctls work on any socket, even a Unix one made inside.
        // Set `lo`'s MTU to the value it has: no change if it got through.
        let fd = socket(libc::AF_UNIX, libc::SOCK_STREAM, 0)?;
        let mut ifr = [0u8; 40]; // struct ifreq: name[16], then the union
        ifr[..2].copy_from_slice(b"lo");
        sys!(libc::ioctl(fd, nr::SIOCGIFMTU, ifr.as_mut_ptr()))?;
        sys!(libc::ioctl(fd, nr::SIOCSIFMTU, ifr.as_mut_ptr()))?;
        let mtu = i32::from_ne_bytes(ifr[16..20].try_into().expect("4 bytes"));
        Ok(format!("set lo's MTU (to {mtu})"))
    }),
];
