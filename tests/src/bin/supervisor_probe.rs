//! A sandboxed program that outlives a signal sent to its whole process
//! group (a terminal's ^C, `kill -TERM -PGID`, a shell's `kill %1`) and
//! then asks for fstat of a preopened file through `AT_EMPTY_PATH`, as
//! std's `File::metadata` does: the filter's supervisor (a process of the
//! same group) must still answer. Prints `ready`, waits for a line on
//! stdin, prints `fstat: ok` or the error. `argv[2]` adds a step before:
//! `exit-in-fstat` (threads in statx while the program exits), `fork` (a
//! child's fstat), `compartment-direct`/`-zygote` (a compartment's),
//! `sends` (sendmsg(2) that wait on full sockets, each made by a child of
//! the supervisor, until drained), `exit-in-send` (a thread waiting in
//! sendmsg(2) while the program exits);
//! or instead: `abort` (abort(3) at once), `signals` (prints what signals
//! by id to itself, from a raw clone(2) child to the program, and to a
//! forked child answer, then exits).
//! Run by tests/tests/supervisor.rs.

#[cfg(target_os = "linux")]
mod linux {
    use std::io::BufRead;
    use std::os::fd::AsRawFd;
    use std::sync::atomic::{AtomicU32, Ordering};

    use sandboxed::{sandboxed, File};

    static CAUGHT: AtomicU32 = AtomicU32::new(0);

    extern "C" fn caught(_: libc::c_int) {
        CAUGHT.fetch_add(1, Ordering::Relaxed);
    }

    /// fstat of a pipe made there through `AT_EMPTY_PATH` (statx(2), as
    /// std's `File::metadata`), in a compartment.
    fn stdout_size(_: &i32) -> Result<u32, String> {
        let mut pipe = [0; 2];
        // SAFETY: pipe(2) writes two descriptors into `pipe`.
        if unsafe { libc::pipe(pipe.as_mut_ptr()) } != 0 {
            return Err(format!("pipe: {}", std::io::Error::last_os_error()));
        }
        let fd = &pipe[0];
        // SAFETY: `stat` is plain data; all-zero is valid.
        let mut direct: libc::stat = unsafe { std::mem::zeroed() };
        // SAFETY: fstat(2) into a live buffer.
        if unsafe { libc::fstat(*fd, &mut direct) } != 0 {
            return Err(format!("fstat: {}", std::io::Error::last_os_error()));
        }
        // SAFETY: `statx` is plain data; all-zero is valid.
        let mut st: libc::statx = unsafe { std::mem::zeroed() };
        // SAFETY: statx(2) into a live buffer.
        let r = unsafe {
            libc::statx(
                *fd,
                c"".as_ptr(),
                libc::AT_EMPTY_PATH,
                libc::STATX_TYPE,
                &mut st,
            )
        };
        if r != 0 {
            return Err(std::io::Error::last_os_error().to_string());
        }
        Ok(u32::from(st.stx_mode) & libc::S_IFMT)
    }

    /// What kill(2) answers: to itself (`SIGUSR1`, ignored), from a child
    /// of the raw clone(2) call (its parent's Landlock domain) to the
    /// program, and from the program to a child it forked (a domain nested
    /// in the program's), the last two with signal 0.
    fn signals() {
        use sandboxed_tests::sys::{close, in_cloned, pipe};
        let ret = |r: libc::c_int| {
            if r == 0 {
                Ok(String::new())
            } else {
                Err(std::io::Error::last_os_error())
            }
        };
        let show = |r: std::io::Result<String>| match r {
            Ok(_) => "ok".to_owned(),
            Err(e) => format!("{:?}", e.kind()),
        };
        // SAFETY: SIG_IGN installs no handler code; getpid(2) and kill(2)
        // take integers.
        let own = unsafe {
            libc::signal(libc::SIGUSR1, libc::SIG_IGN);
            libc::kill(libc::getpid(), libc::SIGUSR1)
        };
        println!("itself: {}", show(ret(own)));
        // SAFETY: getppid(2) and kill(2) take integers.
        let parent = in_cloned(|| ret(unsafe { libc::kill(libc::getppid(), 0) }));
        println!("cloned child to the program: {}", show(parent));
        let child = pipe().and_then(|[r, w]| {
            // SAFETY: fork(2); the child reads until end of file, then
            // _exit(2).
            let pid = unsafe { libc::fork() };
            if pid == 0 {
                let mut b = [0u8; 1];
                // SAFETY: as above.
                unsafe {
                    libc::close(w);
                    libc::read(r, b.as_mut_ptr().cast(), 1);
                    libc::_exit(0)
                }
            }
            close(r);
            // SAFETY: kill(2) takes integers.
            let sent = ret(unsafe { libc::kill(pid, 0) });
            close(w);
            sent
        });
        println!("program to forked child: {}", show(child));
    }

    /// sendmsg(2) of 64 KiB on a Unix stream pair filled beforehand, so
    /// that it waits (the supervisor hands it to a child of its own);
    /// with `drain`, a thread reads it all: whether every byte was sent.
    fn blocked_send(drain: bool) -> bool {
        let mut sp = [0; 2];
        // SAFETY: socketpair(2) into a live array.
        if unsafe { libc::socketpair(libc::AF_UNIX, libc::SOCK_STREAM, 0, sp.as_mut_ptr()) } != 0 {
            return false;
        }
        let fill = [0u8; 4096];
        let mut queued = 0usize;
        loop {
            // SAFETY: send(2) of a live buffer.
            let n =
                unsafe { libc::send(sp[0], fill.as_ptr().cast(), fill.len(), libc::MSG_DONTWAIT) };
            if n <= 0 {
                break;
            }
            queued += n as usize;
        }
        let data = vec![1u8; 1 << 16];
        let total = queued + data.len();
        let reader = sp[1];
        let drained = drain.then(|| {
            std::thread::spawn(move || {
                std::thread::sleep(std::time::Duration::from_millis(20));
                let mut buf = vec![0u8; 1 << 16];
                let mut got = 0usize;
                while got < total {
                    // SAFETY: read(2) into a live buffer.
                    let n = unsafe { libc::read(reader, buf.as_mut_ptr().cast(), buf.len()) };
                    if n <= 0 {
                        break;
                    }
                    got += n as usize;
                }
            })
        });
        let mut iov = libc::iovec {
            iov_base: data.as_ptr().cast_mut().cast(),
            iov_len: data.len(),
        };
        // SAFETY: `msghdr` is plain old data; all zeroes is a valid value.
        let mut hdr: libc::msghdr = unsafe { std::mem::zeroed() };
        hdr.msg_iov = &mut iov;
        hdr.msg_iovlen = 1;
        // SAFETY: sendmsg(2) of live buffers.
        let n = unsafe { libc::sendmsg(sp[0], &hdr, 0) };
        if let Some(t) = drained {
            let _ = t.join();
        }
        n == data.len() as isize
    }

    #[sandboxed(preopen(file = file(arg(1))), rights(file = [read, fstat], stdio))]
    pub fn main(file: File) {
        for sig in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP, libc::SIGQUIT] {
            // SAFETY: the handler only adds to an atomic.
            unsafe { libc::signal(sig, caught as *const () as libc::sighandler_t) };
        }
        let mode = std::env::args().nth(2).unwrap_or_default();
        if mode == "abort" {
            std::process::abort();
        }
        if mode == "signals" {
            signals();
            return;
        }
        if mode == "exit-in-fstat" {
            // Threads in fstat while the program exits.
            let fd = file.as_raw_fd();
            for _ in 0..4 {
                std::thread::spawn(move || loop {
                    // SAFETY: statx(2) into a live buffer.
                    let mut st: libc::statx = unsafe { std::mem::zeroed() };
                    // SAFETY: as above.
                    unsafe { libc::statx(fd, c"".as_ptr(), libc::AT_EMPTY_PATH, 0x7ff, &mut st) };
                });
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
            println!("exiting");
            std::process::exit(0);
        }
        if mode == "sends" {
            let mut sent = 0;
            for _ in 0..20 {
                sent += usize::from(blocked_send(true));
            }
            println!("sent {sent}");
        }
        if mode == "exit-in-send" {
            std::thread::spawn(|| blocked_send(false));
            std::thread::sleep(std::time::Duration::from_millis(200));
            println!("exiting");
            std::process::exit(0);
        }
        if mode == "fork" {
            // SAFETY: fork(2); the child only calls fstat and _exit(2).
            match unsafe { libc::fork() } {
                0 => {
                    let code = i32::from(file.metadata().is_err());
                    // SAFETY: leaves the child without exit handlers.
                    unsafe { libc::_exit(code) }
                }
                child => {
                    let mut status = 0;
                    // SAFETY: waits for the child just forked.
                    unsafe { libc::waitpid(child, &mut status, 0) };
                    println!("child status {status}");
                }
            }
        }
        if let Some(how) = mode.strip_prefix("compartment-") {
            if how == "zygote" {
                let _ = sandboxed::compartment::prepare(&[]);
                // A second thread: compartments come from the zygote.
                std::thread::spawn(|| std::thread::sleep(std::time::Duration::from_secs(3)));
            }
            let c = sandboxed::compartment::Compartment::new()
                .timeout(std::time::Duration::from_secs(5));
            println!("compartment {how}: {:?}", c.run(stdout_size, &1));
        }
        println!("ready");
        let mut line = String::new();
        let _ = std::io::stdin().lock().read_line(&mut line);
        let seen = CAUGHT.load(Ordering::Relaxed);
        match file.metadata() {
            Ok(m) => println!("caught {seen}; fstat: ok, size {}", m.len()),
            Err(e) => println!("caught {seen}; fstat: {e}"),
        }
    }
}

#[cfg(target_os = "linux")]
fn main() {
    linux::main()
}

#[cfg(not(target_os = "linux"))]
fn main() {
    println!("skipped: the escape suite attacks the Linux backend");
}
