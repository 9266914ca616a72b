//! The attempts of promise 3: no new network endpoints.

use std::io;
use std::os::fd::RawFd;

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
        // A datagram socketpair, whose sendmsg's msg_name would override
        // the peer with a path in the global namespace: refused at
        // socketpair(2) already (only stream and seqpacket Unix sockets
        // are made); the supervisor's refusal of an address is tried on
        // a socket that exists by `handed_udp_sendmsg_name` and
        // `racing_udp_sendmsg_name`.
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
    ("socketpair_sendmsg_name_len_0", |_| {
        // A msg_name of length 0 is no address (net/socket.c
        // `__copy_msghdr`): sent to the peer.
        let sp = socketpair(libc::SOCK_SEQPACKET)?;
        let (mut addr, _) = unix_addr(env("ESCAPE_UNIX_DGRAM").as_bytes());
        sendmsg_to(sp[0], (&mut addr as *mut libc::sockaddr_un).cast(), 0)?;
        read_text(sp[1])
    }),
    ("socketpair_scm_rights_pipe", |_| {
        // A pipe made after entry is in no class: passed, and the
        // receiver writes through its copy.
        let sp = socketpair(libc::SOCK_SEQPACKET)?;
        let mut p = [0; 2];
        sys!(libc::pipe2(p.as_mut_ptr(), libc::O_CLOEXEC))?;
        send_msg(sp[0], None, b"pipe", &rights(&[p[1]]), 0)?;
        let (data, fds) = recv_msg(sp[1])?;
        let [copy] = fds[..] else {
            return Err(io::Error::other(format!(
                "received {} descriptors",
                fds.len()
            )));
        };
        write_text(copy, "through the passed pipe")?;
        let got = read_text(p[0])?;
        Ok(format!("{}: {got}", String::from_utf8_lossy(&data)))
    }),
    ("socketpair_scm_rights_ro", |f| {
        // A limited descriptor: its receiver would hold it without its
        // limits.
        let sp = socketpair(libc::SOCK_SEQPACKET)?;
        send_msg(sp[0], None, b"ro", &rights(&[f.ro]), 0)?;
        let (_, fds) = recv_msg(sp[1])?;
        Ok(format!("passed ro as {fds:?}"))
    }),
    ("socketpair_scm_rights_stdout", |_| {
        // A standard stream's class: limited too.
        let sp = socketpair(libc::SOCK_SEQPACKET)?;
        send_msg(sp[0], None, b"stdout", &rights(&[1]), 0)?;
        let (_, fds) = recv_msg(sp[1])?;
        Ok(format!("passed stdout as {fds:?}"))
    }),
    ("socketpair_scm_credentials_other", |_| {
        // Another process's id and another user's: the kernel checks them
        // against the sender's (net/core/scm.c scm_check_creds), which is
        // the supervisor when it sends.
        let sp = socketpair(libc::SOCK_SEQPACKET)?;
        let cred = libc::ucred {
            // SAFETY: getppid(2) cannot fail.
            pid: unsafe { libc::getppid() },
            uid: 65534,
            gid: 65534,
        };
        // SAFETY: ucred is plain old data, read as its 12 bytes.
        let raw: [u8; 12] = unsafe { std::mem::transmute(cred) };
        let control = cmsg(libc::SOL_SOCKET, libc::SCM_CREDENTIALS, &raw);
        let n = send_msg(sp[0], None, b"creds", &control, 0)?;
        Ok(format!("sent {n} as pid {} uid 65534", cred.pid))
    }),
    ("socketpair_sendmsg_ip_ttl", |_| {
        // A control message that sets a header field passes (a Unix
        // socket ignores other levels than SOL_SOCKET, net/core/scm.c).
        let sp = socketpair(libc::SOCK_SEQPACKET)?;
        let control = cmsg(libc::IPPROTO_IP, libc::IP_TTL, &64i32.to_ne_bytes());
        send_msg(sp[0], None, b"ttl", &control, 0)?;
        read_text(sp[1])
    }),
    ("socketpair_sendmsg_ip_retopts", |_| {
        // IP options (a source route can name another first hop,
        // net/ipv4/udp.c udp_sendmsg) are refused, whatever the socket.
        let sp = socketpair(libc::SOCK_SEQPACKET)?;
        // A loose source route to 127.0.0.1 (RFC 791 LSRR), padded.
        let opts = [0x83u8, 7, 4, 127, 0, 0, 1, 1];
        let control = cmsg(libc::IPPROTO_IP, libc::IP_RETOPTS, &opts);
        send_msg(sp[0], None, b"routed", &control, 0)?;
        read_text(sp[1])
    }),
    ("socketpair_sendmsg_fastopen", |_| {
        // MSG_FASTOPEN connects (net/ipv4/tcp.c); a Unix socket ignores it.
        let sp = socketpair(libc::SOCK_STREAM)?;
        send_msg(sp[0], None, b"fast", &[], libc::MSG_FASTOPEN)?;
        read_text(sp[1])
    }),
    ("socketpair_sendmmsg_mixed", |_| {
        // Two messages, then one with an address: two sent, each
        // `msg_len` written, the refusal not answered (net/socket.c
        // `__sys_sendmmsg`: the first error only when none was sent).
        let sp = socketpair(libc::SOCK_SEQPACKET)?;
        let mut addr = inet(port_env("ESCAPE_UDP_PORT"));
        let name = (&mut addr as *mut libc::sockaddr_in).cast();
        let len = std::mem::size_of_val(&addr) as u32;
        let (n, lens) = send_mmsg(
            sp[0],
            &[(None, b"one"), (None, b"two!"), (Some((name, len)), b"out")],
        )?;
        let first = read_text(sp[1])?;
        let second = read_text(sp[1])?;
        if n != 2 || lens[..2] != [3, 4] || first != "one" || second != "two!" {
            return Err(io::Error::other(format!(
                "sendmmsg answered {n}, msg_len {lens:?}, received {first:?} {second:?}"
            )));
        }
        Ok(format!("sent {n} of 3: {first}, {second}"))
    }),
    ("handed_udp_sendmmsg_name", |_| {
        // The first message with an address: refused, nothing sent.
        let mut addr = inet(port_env("ESCAPE_UDP_PORT"));
        let name = (&mut addr as *mut libc::sockaddr_in).cast();
        let len = std::mem::size_of_val(&addr) as u32;
        let (n, _) = send_mmsg(HANDED_UDP, &[(Some((name, len)), b"out"), (None, b"in")])?;
        Ok(format!("sent {n}"))
    }),
    ("socketpair_sendmsg_blocking_full", |f| {
        // A send that waits on a full socket, drained by another thread
        // that makes a supervised call (fstatat beneath dir) first: the
        // supervisor must not wait with it; every byte arrives in order.
        let sp = socketpair(libc::SOCK_STREAM)?;
        let filler = [0xffu8; 4096];
        let mut queued = 0usize;
        while let Ok(n) = sys!(libc::send(
            sp[0],
            filler.as_ptr().cast(),
            filler.len(),
            libc::MSG_DONTWAIT
        )) {
            queued += n as usize;
        }
        let data: Vec<u8> = (0..(1usize << 18)).map(|i| (i * 7 % 251) as u8).collect();
        let (reader, dir) = (sp[1], f.dir);
        let total = queued + data.len();
        let drain = std::thread::spawn(move || -> io::Result<Vec<u8>> {
            std::thread::sleep(std::time::Duration::from_millis(200));
            // SAFETY: `stat` is plain old data; all zeroes is a valid value.
            let mut st: libc::stat = unsafe { std::mem::zeroed() };
            sys!(libc::fstatat(dir, c"inside.txt".as_ptr(), &mut st, 0))?;
            let mut got = Vec::with_capacity(total);
            let mut buf = vec![0u8; 65536];
            while got.len() < total {
                let n = sys!(libc::read(reader, buf.as_mut_ptr().cast(), buf.len()))?;
                if n == 0 {
                    break;
                }
                got.extend_from_slice(&buf[..n as usize]);
            }
            Ok(got)
        });
        let sent = send_msg(sp[0], None, &data, &[], 0);
        let got = drain
            .join()
            .map_err(|_| io::Error::other("the drain panicked"))??;
        let sent = sent?;
        if sent != data.len() || got.len() != total || got[queued..] != data[..] {
            return Err(io::Error::other(format!(
                "sent {sent} of {}, {} of {total} bytes arrived, intact: {}",
                data.len(),
                got.len(),
                got.len() == total && got[queued..] == data[..]
            )));
        }
        Ok(format!("sent {sent} bytes after {queued} queued, intact"))
    }),
    ("socketpair_sendmmsg_blocking_full", |_| {
        // sendmmsg(2) of two messages on a full seqpacket pair: waits,
        // then both are sent (count 2, each `msg_len` written) once a
        // thread drains the queue.
        let sp = socketpair(libc::SOCK_SEQPACKET)?;
        let filler = [0xffu8; 1024];
        let mut queued = 0usize;
        while sys!(libc::send(
            sp[0],
            filler.as_ptr().cast(),
            filler.len(),
            libc::MSG_DONTWAIT
        ))
        .is_ok()
        {
            queued += 1;
        }
        let reader = sp[1];
        let drain = std::thread::spawn(move || -> io::Result<Vec<Vec<u8>>> {
            std::thread::sleep(std::time::Duration::from_millis(200));
            let mut last = Vec::new();
            let mut buf = [0u8; 2048];
            for _ in 0..queued + 2 {
                let n = sys!(libc::recv(reader, buf.as_mut_ptr().cast(), buf.len(), 0))?;
                last.push(buf[..n as usize].to_vec());
                if last.len() > 2 {
                    last.remove(0);
                }
            }
            Ok(last)
        });
        let sent = send_mmsg(sp[0], &[(None, b"first"), (None, b"second")]);
        let last = drain
            .join()
            .map_err(|_| io::Error::other("the drain panicked"))??;
        let (n, lens) = sent?;
        if n != 2 || lens != [5, 6] || last != [b"first".to_vec(), b"second".to_vec()] {
            return Err(io::Error::other(format!(
                "sendmmsg answered {n}, msg_len {lens:?}, last received {last:?}"
            )));
        }
        Ok(format!("sent {n} after {queued} queued"))
    }),
    ("socketpair_sendmsg_sndtimeo", |_| {
        // A send that waits gives up after SO_SNDTIMEO with EAGAIN
        // (socket(7)).
        let sp = socketpair(libc::SOCK_STREAM)?;
        let filler = [0xffu8; 4096];
        while sys!(libc::send(
            sp[0],
            filler.as_ptr().cast(),
            filler.len(),
            libc::MSG_DONTWAIT
        ))
        .is_ok()
        {}
        let tv = libc::timeval {
            tv_sec: 0,
            tv_usec: 200_000,
        };
        sys!(libc::setsockopt(
            sp[0],
            libc::SOL_SOCKET,
            libc::SO_SNDTIMEO,
            (&tv as *const libc::timeval).cast(),
            std::mem::size_of_val(&tv) as u32
        ))?;
        let t = std::time::Instant::now();
        match send_msg(sp[0], None, &filler, &[], 0) {
            Err(e) if e.raw_os_error() == Some(libc::EAGAIN) => {
                Ok(format!("EAGAIN after {} ms", t.elapsed().as_millis()))
            }
            other => Err(io::Error::other(format!("answered {other:?}"))),
        }
    }),
    ("socketpair_sendmsg_epipe", |_| {
        // EPIPE raises SIGPIPE in the sending thread (socket(7) and
        // send(2): unless MSG_NOSIGNAL).
        static PIPED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
        extern "C" fn on_pipe(_: libc::c_int) {
            PIPED.store(true, std::sync::atomic::Ordering::Relaxed);
        }
        // SAFETY: `sigaction` is plain old data; the handler only stores
        // to an atomic.
        let mut act: libc::sigaction = unsafe { std::mem::zeroed() };
        act.sa_sigaction = on_pipe as extern "C" fn(libc::c_int) as usize;
        sys!(libc::sigaction(libc::SIGPIPE, &act, std::ptr::null_mut()))?;
        let sp = socketpair(libc::SOCK_STREAM)?;
        close(sp[1]);
        let quiet = send_msg(sp[0], None, b"lost", &[], libc::MSG_NOSIGNAL);
        let quiet_piped = PIPED.load(std::sync::atomic::Ordering::Relaxed);
        let loud = send_msg(sp[0], None, b"lost", &[], 0);
        let piped = PIPED.load(std::sync::atomic::Ordering::Relaxed);
        match (&quiet, &loud) {
            (Err(q), Err(l))
                if q.raw_os_error() == Some(libc::EPIPE)
                    && l.raw_os_error() == Some(libc::EPIPE)
                    && !quiet_piped
                    && piped =>
            {
                Ok("EPIPE, SIGPIPE only without MSG_NOSIGNAL".into())
            }
            _ => Err(io::Error::other(format!(
                "answered {quiet:?} (SIGPIPE {quiet_piped}) then {loud:?} (SIGPIPE {piped})"
            ))),
        }
    }),
    ("racing_sendmsg_rights", |f| {
        // A thread adds and takes away SCM_RIGHTS of a limited descriptor
        // while the message is sent: what is sent is what was checked, so
        // no descriptor arrives.
        let sp = socketpair(libc::SOCK_SEQPACKET)?;
        let control = rights(&[f.ro]);
        race_sendmsg(sp[0], None, &control, Some(sp[1]))
    }),
    ("racing_udp_sendmsg_name", |_| {
        // A thread puts an address in and takes it away while the
        // message is sent: nothing reaches the outside (the harness
        // checks its UDP socket).
        let addr = inet(port_env("ESCAPE_UDP_PORT"));
        let len = std::mem::size_of_val(&addr) as u32;
        race_sendmsg(HANDED_UDP, Some((addr, len)), &[], None)
    }),
    ("socketpair_passpidfd_signal_sender", |_| {
        // A receiver asking for its sender's pidfd (SO_PASSPIDFD, socket(7))
        // gets the supervisor's, which sends: a process outside the
        // sandbox. Signal 0 through it (the permission check alone,
        // pidfd_send_signal(2)): Landlock's signal scope refuses it.
        let sp = socketpair(libc::SOCK_SEQPACKET)?;
        let on: libc::c_int = 1;
        sys!(libc::setsockopt(
            sp[1],
            libc::SOL_SOCKET,
            SO_PASSPIDFD,
            (&on as *const libc::c_int).cast(),
            4
        ))?;
        send_msg(sp[0], None, b"who", &[], 0)?;
        let (_, control) = recv_with_control(sp[1])?;
        let Some(pidfd) = cmsg_ints(&control, libc::SOL_SOCKET, SCM_PIDFD)
            .first()
            .copied()
        else {
            return Err(io::Error::other("no SCM_PIDFD arrived"));
        };
        sys!(libc::syscall(
            libc::SYS_pidfd_send_signal,
            pidfd,
            0,
            std::ptr::null::<libc::siginfo_t>(),
            0
        ))?;
        Ok("signal 0 reached the sender's process".into())
    }),
    ("socketpair_scm_rights_pipe_then_ro", |f| {
        // Two SCM_RIGHTS messages, a pipe's then a limited descriptor's:
        // each one is looked at (net/core/scm.c `__scm_send` takes them
        // all), so nothing is sent.
        let sp = socketpair(libc::SOCK_SEQPACKET)?;
        let p = pipe()?;
        let mut control = rights(&[p[1]]);
        control.extend(rights(&[f.ro]));
        send_msg(sp[0], None, b"two", &control, 0)?;
        let (_, fds) = recv_msg(sp[1])?;
        Ok(format!("passed {fds:?}"))
    }),
    ("socketpair_scm_rights_after_short_ttl", |f| {
        // An IP_TTL message whose cmsg_len (17) is no multiple of 8: the
        // next one starts at CMSG_ALIGN(17) = 24 (include/linux/socket.h
        // __cmsg_nxthdr), where an SCM_RIGHTS of a limited descriptor lies.
        let sp = socketpair(libc::SOCK_SEQPACKET)?;
        let mut control = cmsg(libc::IPPROTO_IP, libc::IP_TTL, &64i32.to_ne_bytes());
        control[..8].copy_from_slice(&17usize.to_ne_bytes());
        control.extend(rights(&[f.ro]));
        send_msg(sp[0], None, b"ttl", &control, 0)?;
        let (_, fds) = recv_msg(sp[1])?;
        Ok(format!("passed {fds:?}"))
    }),
    ("socketpair_scm_rights_last_unaligned", |f| {
        // An SCM_RIGHTS of a limited descriptor as the last message,
        // msg_controllen one byte short of its CMSG_SPACE (the kernel
        // needs only cmsg_len within it, net/core/scm.c CMSG_OK).
        let sp = socketpair(libc::SOCK_SEQPACKET)?;
        let mut control = cmsg(libc::IPPROTO_IP, libc::IP_TTL, &64i32.to_ne_bytes());
        let ro = rights(&[f.ro]);
        control.extend_from_slice(&ro[..20]);
        send_msg(sp[0], None, b"short", &control, 0)?;
        let (_, fds) = recv_msg(sp[1])?;
        Ok(format!("passed {fds:?}"))
    }),
    ("socketpair_scm_rights_pipe_twice", |_| {
        // The same number twice in one message: two copies arrive, as the
        // kernel sends them (`scm_fp_copy`).
        let sp = socketpair(libc::SOCK_SEQPACKET)?;
        let p = pipe()?;
        send_msg(sp[0], None, b"twice", &rights(&[p[1], p[1]]), 0)?;
        let (_, fds) = recv_msg(sp[1])?;
        if fds.len() != 2 {
            return Err(io::Error::other(format!("received {fds:?}")));
        }
        write_text(fds[1], "x")?;
        let got = read_text(p[0])?;
        Ok(format!("two copies, wrote {got:?} through one"))
    }),
    ("socketpair_sendmmsg_rights_last", |f| {
        // sendmmsg(2): a plain message, then one passing a limited
        // descriptor: the first is sent (count 1), the second refused
        // and not answered (net/socket.c `__sys_sendmmsg`); no descriptor
        // arrives.
        let sp = socketpair(libc::SOCK_SEQPACKET)?;
        let control = rights(&[f.ro]);
        let n = send_mmsg_control(sp[0], &[(b"plain", &[]), (b"ro", &control)])?;
        let mut arrived = Vec::new();
        // SAFETY: fcntl(2) of our own socket.
        unsafe { libc::fcntl(sp[1], libc::F_SETFL, libc::O_NONBLOCK) };
        while let Ok((_, fds)) = recv_msg(sp[1]) {
            arrived.extend(fds);
        }
        if n != 1 || !arrived.is_empty() {
            return Err(io::Error::other(format!(
                "sendmmsg answered {n}, {arrived:?} arrived"
            )));
        }
        Ok("sent 1 of 2, no descriptor".into())
    }),
    ("socketpair_sendmmsg_len_readonly", |_| {
        // sendmmsg(2) whose msghdr array is read-only: the message is
        // sent, its msg_len cannot be written, so EFAULT (net/socket.c
        // `__sys_sendmmsg`: put_user fails before any was counted); the
        // read-only page is not written.
        let sp = socketpair(libc::SOCK_SEQPACKET)?;
        let page = 4096;
        let mem = sys!(libc::mmap(
            std::ptr::null_mut(),
            page,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
            -1,
            0
        ))
        .map_err(|e| io::Error::other(format!("mmap: {e}")))?;
        let data = *b"readonly";
        let iov = libc::iovec {
            iov_base: data.as_ptr().cast_mut().cast(),
            iov_len: data.len(),
        };
        let hdr = mem.cast::<libc::mmsghdr>();
        // SAFETY: `mem` is a fresh page, large enough for one mmsghdr and
        // its iovec.
        unsafe {
            let at = mem.cast::<u8>().add(256).cast::<libc::iovec>();
            at.write(iov);
            hdr.write(std::mem::zeroed());
            (*hdr).msg_hdr.msg_iov = at;
            (*hdr).msg_hdr.msg_iovlen = 1;
            (*hdr).msg_len = 77;
        }
        sys!(libc::mprotect(mem, page, libc::PROT_READ))?;
        let r = sys!(libc::sendmmsg(sp[0], hdr, 1, 0));
        // SAFETY: the page is still mapped and readable.
        let len = unsafe { (*hdr).msg_len };
        let got = read_text(sp[1])?;
        match r {
            Err(e) if e.raw_os_error() == Some(libc::EFAULT) && len == 77 && got == "readonly" => {
                Ok("EFAULT, the message sent, msg_len untouched".into())
            }
            other => Err(io::Error::other(format!(
                "answered {other:?}, msg_len {len}, received {got:?}"
            ))),
        }
    }),
    ("handed_tcp_sendmsg_so_priority", |_| {
        // SO_PRIORITY as a control message (net/core/sock.c
        // `__sock_cmsg_send`, checked against the sender's
        // capabilities, here the supervisor's).
        let control = cmsg(libc::SOL_SOCKET, libc::SO_PRIORITY, &6u32.to_ne_bytes());
        let n = send_msg(HANDED_TCP, None, b"prio", &control, 0)?;
        Ok(format!("sent {n} at priority 6"))
    }),
    ("handed_udp_sendmsg_pktinfo", |_| {
        // IP_PKTINFO chooses the source address and interface
        // (net/ipv4/ip_sockglue.c `ip_cmsg_send`).
        // struct in_pktinfo: ifindex, spec_dst, addr.
        let mut info = [0u8; 12];
        info[4..8].copy_from_slice(&[127, 0, 0, 2]);
        info[8..12].copy_from_slice(&[127, 0, 0, 1]);
        let control = cmsg(libc::IPPROTO_IP, libc::IP_PKTINFO, &info);
        let n = send_msg(HANDED_UDP, None, b"spoof", &control, 0)?;
        Ok(format!("sent {n} from 127.0.0.2"))
    }),
    ("socketpair_sendmsg_name_unmapped", |_| {
        // An address at an unmapped page with a length: refused without
        // being read (the kernel would answer EFAULT).
        let sp = socketpair(libc::SOCK_SEQPACKET)?;
        send_msg(sp[0], Some((16 as *mut libc::c_void, 16)), b"x", &[], 0)?;
        read_text(sp[1])
    }),
    ("socketpair_sendmsg_name_huge_len", |_| {
        // An address with a length beyond sockaddr_storage: the kernel
        // cuts it to 128 bytes (net/socket.c `__copy_msghdr`) and a
        // seqpacket socket ignores it (net/unix/af_unix.c
        // `unix_seqpacket_sendmsg`); capability mode refuses any.
        let sp = socketpair(libc::SOCK_SEQPACKET)?;
        let (mut addr, _) = unix_addr(env("ESCAPE_UNIX_DGRAM").as_bytes());
        send_msg(
            sp[0],
            Some(((&mut addr as *mut libc::sockaddr_un).cast(), 0x7fff_ffff)),
            b"huge",
            &[],
            0,
        )?;
        read_text(sp[1])
    }),
    ("racing_sendmsg_rights_number", |f| {
        // A thread flips the descriptor number inside the SCM_RIGHTS
        // message between a pipe's and a limited one's while it is sent:
        // the number checked is the number sent.
        let sp = socketpair(libc::SOCK_SEQPACKET)?;
        let p = pipe()?;
        race_rights_number(sp[0], sp[1], p[1], f.ro)
    }),
    ("many_blocked_senders", |f| {
        // Many threads each waiting in a send on a full socket (each a
        // child of the supervisor): the supervisor still answers another
        // call at once, and every send completes once drained.
        const SENDERS: usize = 48;
        let mut pairs = Vec::new();
        for _ in 0..SENDERS {
            let sp = socketpair(libc::SOCK_STREAM)?;
            let filler = [0xffu8; 4096];
            while sys!(libc::send(
                sp[0],
                filler.as_ptr().cast(),
                filler.len(),
                libc::MSG_DONTWAIT
            ))
            .is_ok()
            {}
            pairs.push(sp);
        }
        let senders: Vec<_> = pairs
            .iter()
            .map(|&sp| std::thread::spawn(move || send_msg(sp[0], None, &[7u8; 8192], &[], 0)))
            .collect();
        std::thread::sleep(std::time::Duration::from_millis(300));
        let t = std::time::Instant::now();
        // SAFETY: `stat` is plain old data; all zeroes is a valid value.
        let mut st: libc::stat = unsafe { std::mem::zeroed() };
        sys!(libc::fstatat(f.dir, c"inside.txt".as_ptr(), &mut st, 0))?;
        let answered = t.elapsed();
        let mut buf = vec![0u8; 1 << 16];
        for sp in &pairs {
            // SAFETY: fcntl(2) of our own socket.
            unsafe { libc::fcntl(sp[1], libc::F_SETFL, libc::O_NONBLOCK) };
            while sys!(libc::read(sp[1], buf.as_mut_ptr().cast(), buf.len())).is_ok() {}
        }
        let mut sent = 0;
        for (s, sp) in senders.into_iter().zip(&pairs) {
            loop {
                if s.is_finished() {
                    break;
                }
                while sys!(libc::read(sp[1], buf.as_mut_ptr().cast(), buf.len())).is_ok() {}
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
            if s.join()
                .map_err(|_| io::Error::other("a sender panicked"))??
                == 8192
            {
                sent += 1;
            }
        }
        if answered > std::time::Duration::from_secs(1) || sent != SENDERS {
            return Err(io::Error::other(format!(
                "fstatat answered after {answered:?}; {sent} of {SENDERS} sends whole"
            )));
        }
        Ok(format!(
            "fstatat answered in {} ms; {sent} sends whole",
            answered.as_millis()
        ))
    }),
    ("socketpair_blocked_send_epipe_thread", |_| {
        // A send that waits (made by the supervisor's child) and then
        // finds its peer gone: EPIPE, and SIGPIPE to the sending thread
        // only (net/unix/af_unix.c `unix_stream_sendmsg`: send_sig to
        // current when nothing was sent).
        use std::sync::atomic::{AtomicI32, Ordering};
        static PIPED: AtomicI32 = AtomicI32::new(0);
        extern "C" fn on_pipe(_: libc::c_int) {
            // SAFETY: gettid(2) is async-signal-safe.
            PIPED.store(unsafe { libc::gettid() }, Ordering::Relaxed);
        }
        // SAFETY: `sigaction` is plain old data; the handler only stores
        // to an atomic.
        let mut act: libc::sigaction = unsafe { std::mem::zeroed() };
        act.sa_sigaction = on_pipe as extern "C" fn(libc::c_int) as usize;
        sys!(libc::sigaction(libc::SIGPIPE, &act, std::ptr::null_mut()))?;
        let sp = socketpair(libc::SOCK_STREAM)?;
        let filler = [0xffu8; 4096];
        while sys!(libc::send(
            sp[0],
            filler.as_ptr().cast(),
            filler.len(),
            libc::MSG_DONTWAIT
        ))
        .is_ok()
        {}
        let sender = std::thread::spawn(move || {
            // SAFETY: gettid(2) cannot fail.
            let tid = unsafe { libc::gettid() };
            (tid, send_msg(sp[0], None, &[1u8; 8192], &[], 0))
        });
        std::thread::sleep(std::time::Duration::from_millis(200));
        close(sp[1]);
        let (tid, r) = sender
            .join()
            .map_err(|_| io::Error::other("the sender panicked"))?;
        let piped = PIPED.load(Ordering::Relaxed);
        match r {
            Err(e) if e.raw_os_error() == Some(libc::EPIPE) && piped == tid => {
                Ok("EPIPE, SIGPIPE in the sending thread".into())
            }
            other => Err(io::Error::other(format!(
                "answered {other:?}; SIGPIPE in thread {piped}, the sender is {tid}"
            ))),
        }
    }),
    ("socketpair_sendmsg_iovlen_1025", |_| {
        // More iovecs than UIO_MAXIOV: EMSGSIZE (net/socket.c
        // `__copy_msghdr`), nothing read.
        let sp = socketpair(libc::SOCK_SEQPACKET)?;
        let byte = [b'x'];
        let iov = vec![
            libc::iovec {
                iov_base: byte.as_ptr().cast_mut().cast(),
                iov_len: 1,
            };
            1025
        ];
        // SAFETY: `msghdr` is plain old data; all zeroes is a valid value.
        let mut hdr: libc::msghdr = unsafe { std::mem::zeroed() };
        hdr.msg_iov = iov.as_ptr().cast_mut();
        hdr.msg_iovlen = iov.len();
        match sys!(libc::sendmsg(sp[0], &hdr, 0)) {
            Err(e) if e.raw_os_error() == Some(libc::EMSGSIZE) => Ok("EMSGSIZE".into()),
            other => Err(io::Error::other(format!("answered {other:?}"))),
        }
    }),
    ("socketpair_scm_rights_254", |_| {
        // 200 and then 54 copies of a pipe's number: beyond SCM_MAX_FD
        // (253, include/net/scm.h) across the messages, EINVAL
        // (net/core/scm.c `scm_fp_copy`); 253 pass.
        let sp = socketpair(libc::SOCK_SEQPACKET)?;
        let p = pipe()?;
        let mut control = rights(&[p[1]; 200]);
        control.extend(rights(&[p[1]; 54]));
        let over = send_msg(sp[0], None, b"254", &control, 0);
        let mut control = rights(&[p[1]; 200]);
        control.extend(rights(&[p[1]; 53]));
        let at_most = send_msg(sp[0], None, b"253", &control, 0);
        match (&over, &at_most) {
            (Err(e), Ok(3)) if e.raw_os_error() == Some(libc::EINVAL) => {
                Ok("254: EINVAL, 253: sent".into())
            }
            _ => Err(io::Error::other(format!(
                "254 answered {over:?}, 253 answered {at_most:?}"
            ))),
        }
    }),
    ("socketpair_sendmsg_zero_length", |_| {
        // Empty messages: a seqpacket one is sent and received as such; a
        // stream's sends nothing (the kernel's answers: 0, then a 0-byte
        // message, and nothing queued).
        let sp = socketpair(libc::SOCK_SEQPACKET)?;
        let seq = send_msg(sp[0], None, b"", &[], 0)?;
        let mut buf = [0u8; 8];
        let got = sys!(libc::recv(
            sp[1],
            buf.as_mut_ptr().cast(),
            buf.len(),
            libc::MSG_DONTWAIT
        ))?;
        let st = socketpair(libc::SOCK_STREAM)?;
        let stream = send_msg(st[0], None, b"", &[], 0)?;
        let queued = sys!(libc::recv(
            st[1],
            buf.as_mut_ptr().cast(),
            buf.len(),
            libc::MSG_DONTWAIT
        ));
        match (seq, got, stream, &queued) {
            (0, 0, 0, Err(e)) if e.raw_os_error() == Some(libc::EAGAIN) => {
                Ok("0 and an empty message; 0 and nothing queued".into())
            }
            _ => Err(io::Error::other(format!(
                "seqpacket sent {seq}, received {got}; stream sent {stream}, then {queued:?}"
            ))),
        }
    }),
    ("socketpair_sendmsg_oob", |_| {
        // MSG_OOB on a Unix stream (CONFIG_AF_UNIX_OOB): the last byte
        // goes out of band (net/unix/af_unix.c `queue_oob`).
        let sp = socketpair(libc::SOCK_STREAM)?;
        let n = send_msg(sp[0], None, b"ab", &[], libc::MSG_OOB)?;
        let mut oob = [0u8; 1];
        let o = sys!(libc::recv(sp[1], oob.as_mut_ptr().cast(), 1, libc::MSG_OOB))?;
        let inline = read_text(sp[1])?;
        if n != 2 || o != 1 || oob[0] != b'b' || inline != "a" {
            return Err(io::Error::other(format!(
                "sent {n}; out of band {o} {:?}; inline {inline:?}",
                oob[0] as char
            )));
        }
        Ok("b out of band, a inline".into())
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

/// `SO_PASSPIDFD` and `SCM_PIDFD` (include/uapi/asm-generic/socket.h,
/// Linux 6.5).
const SO_PASSPIDFD: libc::c_int = 76;
const SCM_PIDFD: libc::c_int = 0x04;

/// A pipe made after entry (in no class).
fn pipe() -> io::Result<[RawFd; 2]> {
    let mut p = [0; 2];
    sys!(libc::pipe2(p.as_mut_ptr(), libc::O_CLOEXEC))?;
    Ok(p)
}

/// recvmsg(2) of one message: its data and its control data.
fn recv_with_control(fd: RawFd) -> io::Result<(Vec<u8>, Vec<u8>)> {
    let mut data = vec![0u8; 256];
    let mut control = vec![0u8; 256];
    let mut iov = libc::iovec {
        iov_base: data.as_mut_ptr().cast(),
        iov_len: data.len(),
    };
    // SAFETY: `msghdr` is plain old data; all zeroes is a valid value.
    let mut hdr: libc::msghdr = unsafe { std::mem::zeroed() };
    hdr.msg_iov = &mut iov;
    hdr.msg_iovlen = 1;
    hdr.msg_control = control.as_mut_ptr().cast();
    hdr.msg_controllen = control.len();
    let n = sys!(libc::recvmsg(fd, &mut hdr, libc::MSG_CMSG_CLOEXEC))? as usize;
    data.truncate(n);
    control.truncate(hdr.msg_controllen);
    Ok((data, control))
}

/// The `int`s of the control messages of `level` and `kind` in `control`.
fn cmsg_ints(control: &[u8], level: i32, kind: i32) -> Vec<i32> {
    let mut out = Vec::new();
    let mut off = 0;
    while control.len() - off >= 16 {
        let len = usize::from_ne_bytes(control[off..off + 8].try_into().expect("8 bytes"));
        let l = i32::from_ne_bytes(control[off + 8..off + 12].try_into().expect("4 bytes"));
        let k = i32::from_ne_bytes(control[off + 12..off + 16].try_into().expect("4 bytes"));
        if len < 16 || len > control.len() - off {
            break;
        }
        if (l, k) == (level, kind) {
            for c in control[off + 16..off + len].chunks_exact(4) {
                out.push(i32::from_ne_bytes(c.try_into().expect("4 bytes")));
            }
        }
        off += len.div_ceil(8) * 8;
    }
    out
}

/// sendmmsg(2) of messages of data and control data (no address): its
/// answer.
fn send_mmsg_control(fd: RawFd, msgs: &[(&[u8], &[u8])]) -> io::Result<usize> {
    let mut iovs: Vec<libc::iovec> = msgs
        .iter()
        .map(|(d, _)| libc::iovec {
            iov_base: d.as_ptr().cast_mut().cast(),
            iov_len: d.len(),
        })
        .collect();
    // SAFETY: `mmsghdr` is plain old data; all zeroes is a valid value.
    let mut hdrs: Vec<libc::mmsghdr> = vec![unsafe { std::mem::zeroed() }; msgs.len()];
    for (i, (_, c)) in msgs.iter().enumerate() {
        hdrs[i].msg_hdr.msg_iov = &mut iovs[i];
        hdrs[i].msg_hdr.msg_iovlen = 1;
        if !c.is_empty() {
            hdrs[i].msg_hdr.msg_control = c.as_ptr().cast_mut().cast();
            hdrs[i].msg_hdr.msg_controllen = c.len();
        }
    }
    Ok(sys!(libc::sendmmsg(fd, hdrs.as_mut_ptr(), hdrs.len() as u32, 0))? as usize)
}

/// sendmsg(2) of an SCM_RIGHTS message on `fd`, many times, while a thread
/// flips the number in it between `free` (in no class) and `limited`: an
/// escape when a descriptor other than `free`'s file arrives at `peer`
/// (told by device and inode), else the first refusal, else the first
/// error.
fn race_rights_number(fd: RawFd, peer: RawFd, free: RawFd, limited: RawFd) -> Attempt {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    const ROUNDS: usize = 3000;
    let ino = |fd: RawFd| -> io::Result<(u64, u64)> {
        // SAFETY: `stat` is plain old data; all zeroes is a valid value.
        let mut st: libc::stat = unsafe { std::mem::zeroed() };
        sys!(libc::fstat(fd, &mut st))?;
        Ok((st.st_dev, st.st_ino))
    };
    // fstat(2) of the limited descriptor may itself be refused: what
    // arrives is told from the pipe instead.
    let pipe_id = ino(free)?;
    let mut control = rights(&[free]);
    let at = control.as_mut_ptr() as usize + 16;
    let (stop, flips) = (
        std::sync::Arc::new(AtomicBool::new(false)),
        std::sync::Arc::new(AtomicUsize::new(0)),
    );
    let flipper = {
        let (stop, flips) = (stop.clone(), flips.clone());
        std::thread::spawn(move || {
            let n = at as *mut i32;
            let mut on = false;
            while !stop.load(Ordering::Relaxed) {
                on = !on;
                // SAFETY: `control` outlives the thread (joined below);
                // the write races the supervisor's read on purpose.
                unsafe { std::ptr::write_volatile(n, if on { limited } else { free }) };
                flips.fetch_add(1, Ordering::Relaxed);
                for _ in 0..256 {
                    std::hint::spin_loop();
                }
            }
        })
    };
    // SAFETY: fcntl(2) of our own socket.
    unsafe { libc::fcntl(peer, libc::F_SETFL, libc::O_NONBLOCK) };
    let mut data = *b"raced";
    let mut iov = libc::iovec {
        iov_base: data.as_mut_ptr().cast(),
        iov_len: data.len(),
    };
    // SAFETY: `msghdr` is plain old data; all zeroes is a valid value.
    let mut hdr: libc::msghdr = unsafe { std::mem::zeroed() };
    hdr.msg_iov = &mut iov;
    hdr.msg_iovlen = 1;
    hdr.msg_control = control.as_mut_ptr().cast();
    hdr.msg_controllen = control.len();
    let (mut refused, mut failed, mut sent, mut other) = (None, None, 0, 0);
    let began = std::time::Instant::now();
    let (mut round, mut concurrent) = (0, 0);
    while round < ROUNDS || (concurrent < ROUNDS && began.elapsed().as_secs() < 5) {
        let before = flips.load(Ordering::Relaxed);
        round += 1;
        // SAFETY: `hdr` and what it points to are live.
        let r = unsafe { libc::sendmsg(fd, &hdr, libc::MSG_DONTWAIT) };
        if r >= 0 {
            sent += 1;
        } else {
            let e = io::Error::last_os_error();
            if matches!(e.raw_os_error(), Some(libc::EPERM | libc::EACCES)) {
                refused.get_or_insert(e);
            } else {
                failed.get_or_insert(e);
            }
        }
        if flips.load(Ordering::Relaxed) != before {
            concurrent += 1;
        }
        while let Ok((_, fds)) = recv_msg(peer) {
            for got in fds {
                if ino(got).ok() != Some(pipe_id) {
                    other += 1;
                }
                close(got);
            }
        }
    }
    stop.store(true, Ordering::Relaxed);
    let _ = flipper.join();
    if other > 0 {
        return Ok(format!("{other} limited descriptors arrived"));
    }
    match refused.or(failed) {
        Some(e) => Err(e),
        None => Ok(format!("sent {sent} of {round}, none refused")),
    }
}

/// One control message of `level` and `kind` holding `data`.
fn cmsg(level: i32, kind: i32, data: &[u8]) -> Vec<u8> {
    // SAFETY: CMSG_SPACE and CMSG_LEN only compute sizes.
    let (space, len) = unsafe {
        (
            libc::CMSG_SPACE(data.len() as u32) as usize,
            libc::CMSG_LEN(data.len() as u32) as usize,
        )
    };
    let mut out = vec![0u8; space];
    out[..8].copy_from_slice(&len.to_ne_bytes());
    out[8..12].copy_from_slice(&level.to_ne_bytes());
    out[12..16].copy_from_slice(&kind.to_ne_bytes());
    out[16..16 + data.len()].copy_from_slice(data);
    out
}

/// An `SCM_RIGHTS` message of `fds`.
fn rights(fds: &[RawFd]) -> Vec<u8> {
    let raw: Vec<u8> = fds.iter().flat_map(|fd| fd.to_ne_bytes()).collect();
    cmsg(libc::SOL_SOCKET, libc::SCM_RIGHTS, &raw)
}

/// sendmsg(2) of `data` with `control`, to `name` if given.
fn send_msg(
    fd: RawFd,
    name: Option<(*mut libc::c_void, libc::socklen_t)>,
    data: &[u8],
    control: &[u8],
    flags: i32,
) -> io::Result<usize> {
    let mut iov = libc::iovec {
        iov_base: data.as_ptr().cast_mut().cast(),
        iov_len: data.len(),
    };
    // SAFETY: `msghdr` is plain old data; all zeroes is a valid value.
    let mut hdr: libc::msghdr = unsafe { std::mem::zeroed() };
    if let Some((n, len)) = name {
        hdr.msg_name = n;
        hdr.msg_namelen = len;
    }
    hdr.msg_iov = &mut iov;
    hdr.msg_iovlen = 1;
    if !control.is_empty() {
        hdr.msg_control = control.as_ptr().cast_mut().cast();
        hdr.msg_controllen = control.len();
    }
    Ok(sys!(libc::sendmsg(fd, &hdr, flags))? as usize)
}

/// recvmsg(2) of one message and the descriptors it carried.
fn recv_msg(fd: RawFd) -> io::Result<(Vec<u8>, Vec<RawFd>)> {
    let (data, control) = recv_with_control(fd)?;
    Ok((data, received_fds(&control)))
}

/// The descriptors of the `SCM_RIGHTS` messages in `control`.
fn received_fds(control: &[u8]) -> Vec<RawFd> {
    let mut fds = Vec::new();
    let mut off = 0;
    while control.len() - off >= 16 {
        let len = usize::from_ne_bytes(control[off..off + 8].try_into().expect("8 bytes"));
        let level = i32::from_ne_bytes(control[off + 8..off + 12].try_into().expect("4 bytes"));
        let kind = i32::from_ne_bytes(control[off + 12..off + 16].try_into().expect("4 bytes"));
        if len < 16 || len > control.len() - off {
            break;
        }
        if (level, kind) == (libc::SOL_SOCKET, libc::SCM_RIGHTS) {
            for c in control[off + 16..off + len].chunks_exact(4) {
                fds.push(i32::from_ne_bytes(c.try_into().expect("4 bytes")));
            }
        }
        off += len.div_ceil(8) * 8;
    }
    fds
}

/// A destination (if any) and the data of one message.
type Outgoing<'a> = (Option<(*mut libc::c_void, libc::socklen_t)>, &'a [u8]);

/// sendmmsg(2) of `msgs`: its answer and each `msg_len`.
fn send_mmsg(fd: RawFd, msgs: &[Outgoing<'_>]) -> io::Result<(usize, Vec<u32>)> {
    let mut iovs: Vec<libc::iovec> = msgs
        .iter()
        .map(|(_, d)| libc::iovec {
            iov_base: d.as_ptr().cast_mut().cast(),
            iov_len: d.len(),
        })
        .collect();
    // SAFETY: `mmsghdr` is plain old data; all zeroes is a valid value.
    let mut hdrs: Vec<libc::mmsghdr> = vec![unsafe { std::mem::zeroed() }; msgs.len()];
    for (i, (name, _)) in msgs.iter().enumerate() {
        if let Some((n, len)) = name {
            hdrs[i].msg_hdr.msg_name = *n;
            hdrs[i].msg_hdr.msg_namelen = *len;
        }
        hdrs[i].msg_hdr.msg_iov = &mut iovs[i];
        hdrs[i].msg_hdr.msg_iovlen = 1;
        hdrs[i].msg_len = u32::MAX;
    }
    let n = sys!(libc::sendmmsg(fd, hdrs.as_mut_ptr(), hdrs.len() as u32, 0))? as usize;
    Ok((n, hdrs.iter().map(|h| h.msg_len).collect()))
}

/// sendmsg(2) on `fd`, many times, while a thread flips its message
/// between nothing and `name` (if any) with `control`: an escape when a
/// descriptor arrives at `peer`, or, without a peer (an unconnected
/// socket), when a message is sent; else the first refusal (`EPERM`,
/// `EACCES`), else the first error.
fn race_sendmsg(
    fd: RawFd,
    name: Option<(libc::sockaddr_in, libc::socklen_t)>,
    control: &[u8],
    peer: Option<RawFd>,
) -> Attempt {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    const ROUNDS: usize = 3000;
    let (mut addr, len) = name.unwrap_or((inet(0), 0));
    let mut data = *b"raced";
    let mut iov = libc::iovec {
        iov_base: data.as_mut_ptr().cast(),
        iov_len: data.len(),
    };
    // SAFETY: `msghdr` is plain old data; all zeroes is a valid value.
    let mut hdr: libc::msghdr = unsafe { std::mem::zeroed() };
    hdr.msg_iov = &mut iov;
    hdr.msg_iovlen = 1;
    hdr.msg_namelen = len;
    hdr.msg_control = control.as_ptr().cast_mut().cast();
    let at = &mut hdr as *mut libc::msghdr as usize;
    let on_name = if name.is_some() {
        &mut addr as *mut libc::sockaddr_in as usize
    } else {
        0
    };
    let space = control.len();
    let stop = std::sync::Arc::new(AtomicBool::new(false));
    let flips = std::sync::Arc::new(AtomicUsize::new(0));
    let flipper = {
        let (stop, flips) = (stop.clone(), flips.clone());
        std::thread::spawn(move || {
            let h = at as *mut libc::msghdr;
            let mut on = false;
            while !stop.load(Ordering::Relaxed) {
                on = !on;
                // SAFETY: `hdr` outlives the thread (joined below); the
                // writes race the kernel's and the supervisor's reads on
                // purpose (volatile: each one is made).
                unsafe {
                    std::ptr::write_volatile(
                        std::ptr::addr_of_mut!((*h).msg_name),
                        (if on { on_name } else { 0 }) as *mut libc::c_void,
                    );
                    std::ptr::write_volatile(
                        std::ptr::addr_of_mut!((*h).msg_controllen),
                        if on { space } else { 0 },
                    );
                }
                flips.fetch_add(1, Ordering::Relaxed);
                // Each state held a while, so that the sends see both.
                for _ in 0..256 {
                    std::hint::spin_loop();
                }
            }
        })
    };
    if let Some(p) = peer {
        // SAFETY: fcntl(2) of our own socket.
        unsafe { libc::fcntl(p, libc::F_SETFL, libc::O_NONBLOCK) };
    }
    let mut refused = None;
    let mut failed = None;
    let mut sent = 0;
    let mut arrived = Vec::new();
    // More rounds while fewer than `ROUNDS` of them saw the thread flip
    // the message (on two shared cores it may start late, or wait).
    let began = std::time::Instant::now();
    let mut round = 0;
    let mut concurrent = 0;
    while round < ROUNDS || (concurrent < ROUNDS && began.elapsed().as_secs() < 5) {
        let before = flips.load(Ordering::Relaxed);
        round += 1;
        // SAFETY: `hdr` and what it points to are live.
        let r = unsafe { libc::sendmsg(fd, at as *const libc::msghdr, libc::MSG_DONTWAIT) };
        if r >= 0 {
            sent += 1;
        } else {
            let e = io::Error::last_os_error();
            if matches!(e.raw_os_error(), Some(libc::EPERM | libc::EACCES)) {
                refused.get_or_insert(e);
            } else {
                failed.get_or_insert(e);
            }
        }
        if flips.load(Ordering::Relaxed) != before {
            concurrent += 1;
        }
        // Keep the peer's queue from filling up, keeping what arrives.
        if let Some(p) = peer {
            while let Ok((_, fds)) = recv_msg(p) {
                arrived.extend(fds);
            }
        }
    }
    stop.store(true, Ordering::Relaxed);
    let _ = flipper.join();
    if !arrived.is_empty() {
        return Ok(format!("{} limited descriptors arrived", arrived.len()));
    }
    if peer.is_none() && sent > 0 {
        // Unconnected: only a message with the address is sent.
        return Ok(format!("sent {sent} of {round} to the address"));
    }
    match refused.or(failed) {
        Some(e) => Err(e),
        None => Ok(format!("sent {sent} of {round}, none refused")),
    }
}
