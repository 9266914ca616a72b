//! Compartments end to end, through the public API: results and errors,
//! every limit, hostile output, workers, handles, and many compartments at
//! once from a multi-threaded tokio runtime. `harness = false`: the
//! zygote must be started while the process is single-threaded, which a
//! libtest runner never is. Cases run in `main`'s thread (compartments
//! forked directly) and again while another thread runs (forked by the
//! zygote). The runner never enters a sandbox; each compartment does.
//!
//! `cargo test -p sandboxed-tests --test compartment [-- FILTER]`

use std::io::Read;
use std::os::fd::OwnedFd;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sandboxed::compartment::{
    prepare, Compartment, CompartmentError, DecodeError, Handle, Resource,
};
use sandboxed::rights::RightsMarker;
use sandboxed::{compartment, Right, RightSet};

#[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq, Clone)]
enum Expr {
    Atom(String),
    Num(i64),
    List(Vec<Expr>),
}

#[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq)]
struct Query {
    text: String,
    limit: u32,
}

/// The rights a handed test file gets.
enum ReadFstat {}
impl RightsMarker for ReadFstat {
    const RIGHTS: RightSet = RightSet::of(&[Right::Read, Right::Fstat]);
    const NAME: &'static str = "handed";
}

type Case = (&'static str, fn() -> Result<(), String>);

/// fork(3), and on Linux clone(2) raw with only `SIGCHLD` (a fork) and,
/// where it exists, fork(2) raw: each one's errno (0: the process was
/// made; it exits at once and is reaped), then what a thread answers (5).
fn make_processes() -> Vec<i32> {
    let errno = || std::io::Error::last_os_error().raw_os_error().unwrap_or(0);
    #[cfg_attr(not(target_os = "linux"), allow(unused_mut))]
    let mut attempts: Vec<fn() -> libc::c_long> = vec![|| {
        // SAFETY: fork(3); the child exits at once (`make_processes`).
        unsafe { libc::fork() as libc::c_long }
    }];
    #[cfg(target_os = "linux")]
    attempts.push(|| {
        // SAFETY: clone(2) with only SIGCHLD and no stack: a fork.
        unsafe { libc::syscall(libc::SYS_clone, libc::SIGCHLD as libc::c_ulong, 0, 0, 0, 0) }
    });
    #[cfg(all(target_os = "linux", target_arch = "x86_64"))]
    attempts.push(|| {
        // SAFETY: fork(2) without libc's wrapper.
        unsafe { libc::syscall(libc::SYS_fork) }
    });
    let mut got = Vec::new();
    for attempt in attempts {
        let r = attempt();
        if r == 0 {
            // SAFETY: the child ends at once, without unwinding.
            unsafe { libc::_exit(0) };
        }
        if r > 0 {
            // SAFETY: reaps the child made above.
            unsafe { libc::waitpid(r as libc::pid_t, std::ptr::null_mut(), 0) };
        }
        got.push(if r < 0 { errno() } else { 0 });
    }
    got.push(std::thread::spawn(|| 5).join().unwrap_or(0));
    got
}

fn check(cond: bool, what: impl FnOnce() -> String) -> Result<(), String> {
    if cond {
        Ok(())
    } else {
        Err(what())
    }
}

fn skip_if_unsupported<T: std::fmt::Debug>(r: &Result<T, CompartmentError>) -> Option<String> {
    match r {
        Err(CompartmentError::Sandbox(e)) if e.contains("cannot enforce") => Some(e.clone()),
        Err(CompartmentError::Spawn(e)) if e.kind() == std::io::ErrorKind::Unsupported => {
            Some(e.to_string())
        }
        _ => None,
    }
}

/// Writes raw bytes on the child's stderr, which is its channel: the way
/// a hostile child forges frames.
fn raw_stderr(bytes: &[u8]) {
    // SAFETY: write(2) of a live buffer.
    unsafe { libc::write(2, bytes.as_ptr().cast(), bytes.len()) };
}

fn reverse(input: &[u8]) -> Result<Vec<u8>, String> {
    Ok(input.iter().rev().copied().collect())
}

fn parse(q: &Query) -> Result<Vec<Expr>, String> {
    Ok(q.text
        .split_whitespace()
        .take(q.limit as usize)
        .map(|w| match w.parse() {
            Ok(n) => Expr::Num(n),
            Err(_) => Expr::Atom(w.to_owned()),
        })
        .collect())
}

const CASES: &[Case] = &[
    ("results_cross", || {
        let r = compartment(reverse, &b"abc"[..]);
        if let Some(why) = skip_if_unsupported(&r) {
            return Err(format!("skipped: {why}"));
        }
        check(r.as_deref().ok() == Some(&b"cba"[..]), || format!("{r:?}"))?;
        let big = vec![7u8; 3 << 20];
        let r = compartment(reverse, &big[..]);
        check(r.as_ref().map(|v| v.len()).ok() == Some(3 << 20), || {
            format!("3 MiB: {:?}", r.map(|v| v.len()))
        })?;
        let r = compartment(|s: &str| Ok::<_, String>(s.to_uppercase()), "h\u{e9}llo");
        check(r.as_deref().ok() == Some("H\u{c9}LLO"), || format!("{r:?}"))?;
        let r = compartment(
            parse,
            &Query {
                text: "a 1 (b)".into(),
                limit: 2,
            },
        );
        check(
            r.as_ref().ok() == Some(&vec![Expr::Atom("a".into()), Expr::Num(1)]),
            || format!("{r:?}"),
        )?;
        let r = compartment(|n: &u64| Ok::<_, String>((*n, n * 2)), &21);
        check(r.ok() == Some((21, 42)), || "tuple".into())
    }),
    ("errors_panics_signals", || {
        let r = compartment(|_: &[u8]| Err::<(), _>("bad input"), &b""[..]);
        check(
            matches!(&r, Err(CompartmentError::Failed(m)) if m == "bad input"),
            || format!("{r:?}"),
        )?;
        let r = compartment(
            |_: &[u8]| -> Result<(), String> { panic!("boom") },
            &b""[..],
        );
        check(
            matches!(&r, Err(CompartmentError::Panicked(m)) if m == "boom"),
            || format!("{r:?}"),
        )?;
        let r = compartment(
            |_: &[u8]| -> Result<(), String> { std::process::abort() },
            &b""[..],
        );
        check(
            matches!(r, Err(CompartmentError::Killed { signal }) if signal == libc::SIGABRT),
            || format!("abort: {r:?}"),
        )?;
        let r = compartment(
            |_: &[u8]| -> Result<(), String> { std::process::exit(3) },
            &b""[..],
        );
        check(matches!(r, Err(CompartmentError::Exited(3))), || {
            format!("{r:?}")
        })?;
        // The child may kill itself (kill(getpid())), inside its sandbox.
        let r = compartment(
            |_: &[u8]| -> Result<(), String> {
                // SAFETY: kill(2) of ourselves.
                unsafe { libc::kill(libc::getpid(), libc::SIGKILL) };
                Err("kill(getpid(), SIGKILL) returned".into())
            },
            &b""[..],
        );
        check(
            matches!(r, Err(CompartmentError::Killed { signal }) if signal == libc::SIGKILL),
            || format!("self kill: {r:?}"),
        )
    }),
    ("the_closure_runs_inside_the_sandbox", || {
        let r = compartment(
            |_: &[u8]| {
                let open = std::fs::File::open("/etc/passwd");
                Ok::<_, String>(format!(
                    "sandboxed={} open={}",
                    sandboxed::is_sandboxed(),
                    match open {
                        Ok(_) => "allowed".to_string(),
                        Err(e) if sandboxed::is_violation(&e) => "denied".to_string(),
                        Err(e) => format!("failed: {e}"),
                    }
                ))
            },
            &b""[..],
        );
        check(
            r.as_deref().ok() == Some("sandboxed=true open=denied"),
            || format!("{r:?}"),
        )
    }),
    ("the_child_keeps_no_descriptor_of_the_parent", || {
        let _files = [
            std::fs::File::open("/dev/null").unwrap(),
            std::fs::File::open("/dev/null").unwrap(),
        ];
        let r = compartment(
            |_: &[u8]| {
                let open: Vec<i32> = (0..1024)
                    // SAFETY: F_GETFD reads the descriptor table only.
                    .filter(|&fd| unsafe { libc::fcntl(fd, libc::F_GETFD) } != -1)
                    .collect();
                Ok::<_, String>(open)
            },
            &b""[..],
        )
        .map_err(|e| e.to_string())?;
        // The channel (a socket, or two pipes) and stderr (a copy of it).
        check((2..=3).contains(&r.len()) && r.contains(&2), || {
            format!("open: {r:?}")
        })
    }),
    // A compartment makes no process (fork(2), clone(2) of anything but a
    // thread answer EPERM): one would keep the channel, hold the call open
    // after the compartment ended and, through the zygote, reach the later
    // compartments of its slot. A thread is still made. Control: the same
    // calls here, outside any compartment, make their processes.
    ("a_compartment_cannot_make_a_process", || {
        let outside = make_processes();
        let n = outside.len() - 1;
        check(
            outside[..n].iter().all(|&e| e == 0) && outside[n] == 5,
            || format!("control: {outside:?}"),
        )?;
        let r = compartment(
            |_: &[u8]| -> Result<Vec<i32>, String> { Ok(make_processes()) },
            &b""[..],
        );
        check(
            r.as_ref().is_ok_and(|got| {
                got.len() == n + 1 && got[..n].iter().all(|&e| e == libc::EPERM) && got[n] == 5
            }),
            || format!("{r:?}"),
        )
    }),
    // No process a compartment tries to make forges the answer of the
    // next compartment or takes its input (here the compartment cannot
    // fork: `a_compartment_cannot_make_a_process`; where it can,
    // `a_leftover_process_reaches_no_later_compartment`).
    ("a_grandchild_cannot_reach_the_next_compartment", || {
        let start = Instant::now();
        let r = compartment(
            |_: &[u8]| -> Result<(), String> {
                // SAFETY: fork(2) of the single-threaded compartment; the
                // child writes a forged answer on every descriptor it kept
                // and reads whatever arrives there, for 1.2 s.
                unsafe {
                    if libc::fork() == 0 {
                        libc::signal(libc::SIGPIPE, libc::SIG_IGN);
                        let forged = [0xffu8, 0, b'F', b'O', b'R', b'G', b'E', b'D'];
                        let mut buf = [0u8; 4096];
                        // After its parent's answer.
                        libc::usleep(100_000);
                        for _ in 0..55 {
                            for fd in 0..16 {
                                libc::send(
                                    fd,
                                    forged.as_ptr().cast(),
                                    forged.len(),
                                    libc::MSG_DONTWAIT,
                                );
                                libc::write(fd, forged.as_ptr().cast(), forged.len());
                                libc::recv(
                                    fd,
                                    buf.as_mut_ptr().cast(),
                                    buf.len(),
                                    libc::MSG_DONTWAIT,
                                );
                            }
                            libc::usleep(20_000);
                        }
                        libc::_exit(0);
                    }
                }
                Ok(())
            },
            &b""[..],
        );
        let mut reached = r.err().map(|e| format!("first: {e}"));
        for _ in 0..3 {
            let r = Compartment::new().timeout(Duration::from_secs(5)).run(
                |input: &[u8]| -> Result<Vec<u8>, String> {
                    std::thread::sleep(Duration::from_millis(300));
                    Ok(input.to_vec())
                },
                &b"secret input"[..],
            );
            if r.as_deref().ok() != Some(&b"secret input"[..]) {
                reached = Some(format!("next: {r:?}"));
            }
        }
        // Let the grandchild end before the next case.
        std::thread::sleep(Duration::from_millis(1500).saturating_sub(start.elapsed()));
        reached.map_or(Ok(()), Err)
    }),
    ("timeout", || {
        let start = Instant::now();
        let r = Compartment::new().timeout(Duration::from_millis(300)).run(
            |_: &[u8]| -> Result<(), String> {
                loop {
                    std::thread::sleep(Duration::from_secs(1));
                }
            },
            &b""[..],
        );
        check(
            matches!(r, Err(CompartmentError::Exceeded(Resource::WallClock))),
            || format!("{r:?}"),
        )?;
        check(start.elapsed() < Duration::from_secs(3), || {
            format!("took {:?}", start.elapsed())
        })?;
        let e = r.unwrap_err().to_string();
        check(e.contains("wall-clock"), || e.clone())
    }),
    ("cpu_time", || {
        let r = Compartment::new()
            .cpu_time(Duration::from_secs(1))
            .timeout(Duration::from_secs(20))
            .run(
                |_: &[u8]| -> Result<u64, String> {
                    let mut x = 0u64;
                    loop {
                        x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(7));
                    }
                },
                &b""[..],
            );
        check(
            matches!(r, Err(CompartmentError::Exceeded(Resource::CpuTime))),
            || format!("{r:?}"),
        )
    }),
    ("memory", || {
        let r = Compartment::new().memory(256 << 20).run(
            |_: &[u8]| -> Result<usize, String> {
                let v = vec![1u8; 1 << 30];
                Ok(std::hint::black_box(v).len())
            },
            &b""[..],
        );
        check(
            matches!(r, Err(CompartmentError::Exceeded(Resource::Memory))),
            || format!("{r:?}"),
        )?;
        // Within the limit it works.
        let r = Compartment::new().memory(256 << 20).run(
            |_: &[u8]| -> Result<usize, String> {
                let v = vec![1u8; 16 << 20];
                Ok(std::hint::black_box(v).len())
            },
            &b""[..],
        );
        check(r.ok() == Some(16 << 20), || "16 MiB within 256".into())
    }),
    ("result_size", || {
        let r = Compartment::new()
            .result_limit(1 << 20)
            .run(|_: &[u8]| Ok::<_, String>(vec![0u8; 2 << 20]), &b""[..]);
        check(
            matches!(r, Err(CompartmentError::Exceeded(Resource::ResultSize))),
            || format!("{r:?}"),
        )?;
        // A hostile child streaming chunks forever is stopped at the
        // limit, not by running out of memory.
        let r = Compartment::new()
            .result_limit(4 << 20)
            .timeout(Duration::from_secs(30))
            .run(
                |_: &[u8]| -> Result<(), String> {
                    let mut frame = vec![0xfe_u8];
                    frame.extend_from_slice(&[b'x'; 4000]);
                    loop {
                        raw_stderr(&frame);
                    }
                },
                &b""[..],
            );
        check(
            matches!(r, Err(CompartmentError::Exceeded(Resource::ResultSize))),
            || format!("stream: {r:?}"),
        )
    }),
    // A write of nothing on stderr (the channel) is no message: on the
    // pipes of a child forked directly it writes nothing; the zygote's
    // child writes on a socket, where it is a zero-length message, which
    // a read returns as 0, as it does the end of file.
    ("an_empty_write_is_no_message", || {
        let r = compartment(
            |_: &[u8]| -> Result<u32, String> {
                // SAFETY: write(2) of nothing.
                let wrote = unsafe { libc::write(2, b"".as_ptr().cast(), 0) };
                raw_stderr(b"");
                Ok(wrote as u32 + 5)
            },
            &b""[..],
        );
        check(matches!(r, Ok(5)), || format!("{r:?}"))
    }),
    ("hostile_output", || {
        // Forged frames: garbage bytes then END OK, for a serde type.
        let r = compartment(
            |_: &[u8]| -> Result<Query, String> {
                raw_stderr(&[0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f]);
                raw_stderr(&[0xff, 0]);
                std::process::exit(0)
            },
            &b""[..],
        );
        check(matches!(r, Err(CompartmentError::Malformed(_))), || {
            format!("garbage: {r:?}")
        })?;
        // A recursive value nested a million levels deep.
        let r = compartment(
            |_: &[u8]| -> Result<Expr, String> {
                for _ in 0..64 {
                    let mut frame = vec![0xfe_u8];
                    frame.extend_from_slice(&[2u8, 1].repeat(2000));
                    raw_stderr(&frame);
                }
                raw_stderr(&[0xff, 0]);
                std::process::exit(0)
            },
            &b""[..],
        );
        check(
            matches!(r, Err(CompartmentError::Malformed(DecodeError::TooDeep))),
            || format!("deep: {r:?}"),
        )?;
        // A message larger than any frame: refused (on a socket), or cut
        // into frames by the pipe, the rest taken for text.
        let r = compartment(
            |_: &[u8]| -> Result<Vec<u8>, String> {
                let mut big = vec![0xfe_u8];
                big.extend_from_slice(&[0u8; 100 * 1024]);
                raw_stderr(&big);
                std::process::exit(0)
            },
            &b""[..],
        );
        check(
            matches!(
                r,
                Err(CompartmentError::Malformed(_) | CompartmentError::Exited(0))
            ),
            || format!("oversized: {r:?}"),
        )?;
        // An unknown end status, trailing bytes, a truncated value.
        let r = compartment(
            |_: &[u8]| -> Result<u32, String> {
                raw_stderr(&[0xff, 9, b'?']);
                std::process::exit(0)
            },
            &b""[..],
        );
        check(matches!(r, Err(CompartmentError::Malformed(_))), || {
            format!("status: {r:?}")
        })?;
        let r = compartment(
            |_: &[u8]| -> Result<u32, String> {
                raw_stderr(&[0xfe, 5, 1]);
                raw_stderr(&[0xff, 0]);
                std::process::exit(0)
            },
            &b""[..],
        );
        check(
            matches!(
                r,
                Err(CompartmentError::Malformed(DecodeError::Trailing(1)))
            ),
            || format!("trailing: {r:?}"),
        )?;
        let r = compartment(
            |_: &[u8]| -> Result<String, String> {
                raw_stderr(&[0xfe, 9, b'a']);
                raw_stderr(&[0xff, 0]);
                std::process::exit(0)
            },
            &b""[..],
        );
        check(
            matches!(r, Err(CompartmentError::Malformed(DecodeError::Truncated))),
            || format!("truncated: {r:?}"),
        )?;
        // Random frames: every outcome is a value or a typed error.
        let mut state = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..64 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let seed = state;
            let r = compartment(
                |seed: &u64| -> Result<Vec<Expr>, String> {
                    let mut s = *seed;
                    for _ in 0..(s % 8) {
                        s ^= s << 13;
                        s ^= s >> 7;
                        s ^= s << 17;
                        let len = (s % 64) as usize;
                        // Frames only: text would be forwarded to stderr.
                        let mut frame: Vec<u8> =
                            (0..len).map(|i| (s >> (i % 8 * 8)) as u8).collect();
                        frame.insert(0, if s.is_multiple_of(3) { 0xff } else { 0xfe });
                        raw_stderr(&frame);
                    }
                    if s.is_multiple_of(2) {
                        raw_stderr(&[0xff, (s % 6) as u8]);
                    }
                    std::process::exit((s % 3) as i32)
                },
                &seed,
            );
            if let Err(CompartmentError::Wait(e)) = r {
                return Err(format!("seed {seed}: {e}"));
            }
        }
        Ok(())
    }),
    ("worker_serves_ten_thousand_calls", || {
        let mut worker = Compartment::new()
            .timeout(Duration::from_secs(10))
            .worker(|n: &u64| Ok::<_, String>(n * 3));
        let start = Instant::now();
        for i in 0..10_000u64 {
            let r = worker.call(&i).map_err(|e| format!("call {i}: {e}"))?;
            check(r == i * 3, || format!("call {i}: {r}"))?;
        }
        check(worker.spawned() == 1, || {
            format!("spawned {}", worker.spawned())
        })?;
        println!(
            "    10,000 worker calls in {:.0} ms",
            start.elapsed().as_secs_f64() * 1e3
        );
        Ok(())
    }),
    ("worker_crash_is_reported_and_replaced", || {
        let mut worker = Compartment::new().worker(|n: &i32| -> Result<i32, String> {
            match *n {
                0 => std::process::abort(),
                1 => Err("one is refused".into()),
                n => Ok(n + 1),
            }
        });
        check(worker.call(&5).ok() == Some(6), || "first".into())?;
        let r = worker.call(&1);
        check(
            matches!(&r, Err(CompartmentError::Failed(m)) if m == "one is refused"),
            || format!("{r:?}"),
        )?;
        check(worker.spawned() == 1, || "an error keeps the worker".into())?;
        let r = worker.call(&0);
        check(
            matches!(r, Err(CompartmentError::Killed { signal }) if signal == libc::SIGABRT),
            || format!("crash: {r:?}"),
        )?;
        check(worker.call(&7).ok() == Some(8), || "after the crash".into())?;
        check(worker.spawned() == 2, || {
            format!("spawned {}", worker.spawned())
        })?;
        // A worker past its time limit is killed; the next call works.
        let mut slow = Compartment::new().timeout(Duration::from_secs(3)).worker(
            |ms: &u64| -> Result<u64, String> {
                std::thread::sleep(Duration::from_millis(*ms));
                Ok(*ms)
            },
        );
        let r = slow.call(&0);
        check(r.as_ref().ok() == Some(&0), || format!("fast: {r:?}"))?;
        let r = slow.call(&10_000);
        check(
            matches!(r, Err(CompartmentError::Exceeded(Resource::WallClock))),
            || format!("{r:?}"),
        )?;
        check(slow.call(&1).ok() == Some(1), || "after the timeout".into())
    }),
    ("handed_file_is_readable_with_its_rights_only", || {
        let file = handed_file();
        let r = Compartment::new().hand(&file).run(
            |fd: &i32| -> Result<(String, String), String> {
                let mut text = String::new();
                let mut f = std::mem::ManuallyDrop::new(unsafe_file(*fd));
                f.read_to_string(&mut text).map_err(|e| e.to_string())?;
                use std::io::Write;
                let write = match f.write_all(b"x") {
                    Ok(()) => "written".to_string(),
                    Err(e) => format!("{:?}", e.raw_os_error()),
                };
                Ok((text, write))
            },
            &raw(&file),
        );
        let (text, write) = r.map_err(|e| e.to_string())?;
        check(text == "handed text", || text.clone())?;
        check(write != "written", || "wrote to a read-only handle".into())
    }),
    // What a compartment opens beneath a directory handed to it holds the
    // directory's rights (rights(4)): `f` reads, but no seek (lseek(2):
    // the sandbox's EACCES, Capsicum's ENOTCAPABLE).
    ("opened_beneath_a_handed_directory_holds_its_rights", || {
        let dir = handed_dir();
        let fd = dir.handed().0;
        let r = Compartment::new().hand(&dir).run(
            |fd: &i32| -> Result<(String, Option<i32>), String> {
                // SAFETY: openat(2) of a NUL-terminated name beneath the
                // handed descriptor; the result is owned below.
                let f =
                    unsafe { libc::openat(*fd, c"f".as_ptr(), libc::O_RDONLY | libc::O_CLOEXEC) };
                if f < 0 {
                    return Err(format!("openat: {}", std::io::Error::last_os_error()));
                }
                let mut file = unsafe_file(f);
                let mut text = String::new();
                file.read_to_string(&mut text).map_err(|e| e.to_string())?;
                // SAFETY: lseek(2) of the descriptor just opened.
                let sought = unsafe { libc::lseek(f, 0, libc::SEEK_SET) };
                let errno = (sought < 0)
                    .then(|| std::io::Error::last_os_error().raw_os_error().unwrap_or(0));
                Ok((text, errno))
            },
            &fd,
        );
        let (text, errno) = r.map_err(|e| e.to_string())?;
        check(text == "beneath", || text.clone())?;
        check(errno == Some(libc::EACCES), || {
            format!("lseek answered {errno:?}")
        })
    }),
];

/// The rights a handed test directory gets.
enum LookupRead {}
impl RightsMarker for LookupRead {
    const RIGHTS: RightSet = RightSet::of(&[Right::Lookup, Right::Read]);
    const NAME: &'static str = "handed_dir";
}

/// A directory holding `f` ("beneath"), handed as a descriptor typed
/// `[lookup, read]` (a directory handed to a compartment is limited at
/// its number as a file is).
fn handed_dir() -> sandboxed::File<LookupRead> {
    let path = std::env::temp_dir().join(format!("sandboxed-handed-dir-{}", std::process::id()));
    std::fs::create_dir_all(&path).unwrap();
    std::fs::write(path.join("f"), "beneath").unwrap();
    let d = std::fs::File::open(&path).unwrap();
    sandboxed::File::from_fd(OwnedFd::from(d)).assume::<LookupRead>()
}

/// A file holding "handed text", opened read-write, typed read-only.
fn handed_file() -> sandboxed::File<ReadFstat> {
    let path = std::env::temp_dir().join(format!("sandboxed-handed-{}", std::process::id()));
    std::fs::write(&path, "handed text").unwrap();
    let f = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(&path)
        .unwrap();
    let _ = std::fs::remove_file(&path);
    sandboxed::File::from_fd(OwnedFd::from(f)).assume::<ReadFstat>()
}

fn raw(file: &sandboxed::File<ReadFstat>) -> i32 {
    file.handed().0
}

fn unsafe_file(fd: i32) -> std::fs::File {
    // SAFETY: the handed descriptor is open in the child, which owns it.
    unsafe { std::os::fd::FromRawFd::from_raw_fd(fd) }
}

/// Many compartments and workers at once from tokio's worker threads,
/// while a thread holds a lock the children's code takes: forked from
/// the zygote, they never see it held.
fn tokio_concurrency() -> Result<(), String> {
    static LOCK: Mutex<u64> = Mutex::new(0);
    let held = Arc::new(AtomicBool::new(false));
    let holder = {
        let held = held.clone();
        std::thread::spawn(move || {
            let _g = LOCK.lock().unwrap();
            held.store(true, Ordering::SeqCst);
            std::thread::sleep(Duration::from_secs(3));
        })
    };
    while !held.load(Ordering::SeqCst) {
        std::thread::yield_now();
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let start = Instant::now();
    let results: Vec<Result<u64, String>> = rt.block_on(async {
        let mut tasks = Vec::new();
        for i in 0..64u64 {
            tasks.push(tokio::task::spawn_blocking(move || {
                Compartment::new()
                    .timeout(Duration::from_secs(20))
                    .run(
                        |n: &u64| -> Result<u64, String> {
                            // Takes the lock a parent thread holds.
                            let g = LOCK.lock().map_err(|e| e.to_string())?;
                            Ok(*g + n * 2)
                        },
                        &i,
                    )
                    .map_err(|e| format!("compartment {i}: {e}"))
            }));
        }
        for w in 0..8u64 {
            tasks.push(tokio::task::spawn_blocking(move || {
                let mut worker = Compartment::new()
                    .timeout(Duration::from_secs(20))
                    .worker(|n: &u64| Ok::<_, String>(n + 1));
                let mut sum = 0;
                for i in 0..200 {
                    sum += worker
                        .call(&i)
                        .map_err(|e| format!("worker {w} call {i}: {e}"))?;
                }
                Ok(sum)
            }));
        }
        let mut out = Vec::new();
        for t in tasks {
            out.push(t.await.unwrap_or_else(|e| Err(e.to_string())));
        }
        out
    });
    let _ = holder.join();
    for (i, r) in results.iter().enumerate() {
        let want = if i < 64 {
            i as u64 * 2
        } else {
            (1..=200).sum()
        };
        match r {
            Ok(v) if *v == want => {}
            other => return Err(format!("task {i}: {other:?} (want {want})")),
        }
    }
    println!(
        "    64 compartments and 8 workers x 200 calls from 4 tokio threads in {:.0} ms",
        start.elapsed().as_secs_f64() * 1e3
    );
    Ok(())
}

/// Without `prepare`, a threaded process gets `Threads` (run in a fresh
/// copy of this test, which never prepares).
fn threaded_without_zygote() -> Result<(), String> {
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .arg("--threaded-without-zygote")
        .output()
        .map_err(|e| e.to_string())?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    check(stdout.contains("Threads"), || {
        format!("{stdout} {:?}", out.status)
    })
}

/// `--orphan MODE`: the program side of [`dies_with_its_parent`]. A
/// worker (forked here, or by the zygote when MODE starts with `zygote`;
/// a plain fork(2) child for `control`) reports its pid and, for
/// `*_cleared`, the errno of its attempt to clear its parent-death signal
/// (prctl(2) `PR_SET_PDEATHSIG`, 0; 0 when it worked); this process prints
/// both, then waits for the worker's next answer, which never comes
/// (the worker reads nothing more, so it cannot see its channel close).
#[cfg(target_os = "linux")]
fn orphan_program(mode: &str) {
    let report = |pid: i32, errno: i32| {
        println!("{pid} {errno}");
        let _ = std::io::Write::flush(&mut std::io::stdout());
        loop {
            std::thread::park();
        }
    };
    if mode == "control" {
        // SAFETY: fork(2) of a single-threaded process; the child only
        // pauses.
        let pid = unsafe { libc::fork() };
        if pid == 0 {
            loop {
                // SAFETY: pause(2).
                unsafe { libc::pause() };
            }
        }
        report(pid, 0);
    }
    let mut _other = None;
    if mode.starts_with("zygote") {
        prepare(&[]).expect("prepare");
        _other = Some(std::thread::spawn(std::thread::park));
    }
    // 0: its pid; 1: the same after clearing its parent-death signal;
    // 2: never answer (a parser caught in a loop), reading nothing more.
    let mut worker = Compartment::new().worker(|what: &u8| -> Result<(i32, i32), String> {
        let mut errno = 0;
        // SAFETY: prctl(2) with integer arguments.
        if *what == 1 && unsafe { libc::prctl(libc::PR_SET_PDEATHSIG, 0, 0, 0, 0) } != 0 {
            errno = std::io::Error::last_os_error().raw_os_error().unwrap_or(-1);
        }
        if *what == 2 {
            loop {
                // SAFETY: pause(2).
                unsafe { libc::pause() };
            }
        }
        // SAFETY: getpid(2) cannot fail.
        Ok((unsafe { libc::getpid() }, errno))
    });
    match worker.call(&u8::from(mode.ends_with("_cleared"))) {
        Ok((pid, errno)) => {
            println!("{pid} {errno}");
            let _ = std::io::Write::flush(&mut std::io::stdout());
            let r = worker.call(&2);
            println!("error {r:?}");
        }
        Err(e) => println!("error {e}"),
    }
}

/// A compartment dies with the program that started it, as a pdfork(2)
/// child dies when its last process descriptor is closed
/// (google/capsicum-test procdesc.cc, `PipePdfork.Close`,
/// `Pdfork.Bagpuss`), even one that tried to clear its parent-death
/// signal (refused, `EPERM`). Each program is a fresh copy of this test
/// (`--orphan`), SIGKILLed once its worker answered; the `control`
/// program's plain child outlives it, which shows the check can fail.
#[cfg(not(target_os = "linux"))]
fn orphan_program(_: &str) {}

#[cfg(not(target_os = "linux"))]
fn dies_with_its_parent() -> Result<(), String> {
    Err("skipped: the check waits through pidfd_open(2)".into())
}

#[cfg(target_os = "linux")]
fn dies_with_its_parent() -> Result<(), String> {
    for mode in [
        "direct",
        "direct_cleared",
        "zygote",
        "zygote_cleared",
        "control",
    ] {
        let mut program = std::process::Command::new(std::env::current_exe().unwrap())
            .args(["--orphan", mode])
            .stdout(std::process::Stdio::piped())
            .spawn()
            .map_err(|e| e.to_string())?;
        let mut line = String::new();
        std::io::BufRead::read_line(
            &mut std::io::BufReader::new(program.stdout.take().unwrap()),
            &mut line,
        )
        .map_err(|e| e.to_string())?;
        let fields: Vec<i32> = line
            .split_whitespace()
            .filter_map(|w| w.parse().ok())
            .collect();
        let [pid, errno] = fields[..] else {
            let _ = program.kill();
            let _ = program.wait();
            return Err(format!("{mode}: the program said {line:?}"));
        };
        // SAFETY: pidfd_open(2) with integer arguments.
        let pidfd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid, 0) } as i32;
        let _ = program.kill();
        let _ = program.wait();
        if pidfd < 0 {
            // Already gone (and reaped by init).
            continue;
        }
        let mut p = libc::pollfd {
            fd: pidfd,
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: poll(2) of one live pollfd; a pidfd polls readable once
        // its process has ended (pidfd_open(2)).
        let ended = unsafe { libc::poll(&mut p, 1, 3000) } == 1;
        if !ended {
            // SAFETY: pidfd_send_signal(2) of SIGKILL to the lingering
            // process, then close(2) of the pidfd.
            unsafe {
                libc::syscall(libc::SYS_pidfd_send_signal, pidfd, libc::SIGKILL, 0, 0);
                libc::close(pidfd);
            }
        } else {
            // SAFETY: close(2) of the pidfd opened above.
            unsafe { libc::close(pidfd) };
        }
        if mode == "control" {
            check(!ended, || {
                "control: the plain child died with its parent: the check cannot fail".into()
            })?;
            continue;
        }
        check(ended, || {
            format!("{mode}: compartment {pid} outlived its parent (clearing its parent-death signal answered errno {errno})")
        })?;
        if mode.ends_with("_cleared") {
            check(errno == libc::EPERM, || {
                format!(
                    "{mode}: clearing the parent-death signal answered errno {errno}, not EPERM"
                )
            })?;
        }
    }
    Ok(())
}

fn run(name: &str, case: fn() -> Result<(), String>, filters: &[String], failed: &mut Vec<String>) {
    if !filters.is_empty() && !filters.iter().any(|f| name.contains(f.as_str())) {
        return;
    }
    let start = Instant::now();
    match case() {
        Ok(()) => println!(
            "test compartment::{name} ... ok ({:.0} ms)",
            start.elapsed().as_secs_f64() * 1e3
        ),
        Err(e) if e.starts_with("skipped: ") => println!("test compartment::{name} ... {e}"),
        Err(e) => {
            println!("test compartment::{name} ... FAILED\n    {e}");
            failed.push(name.to_owned());
        }
    }
}

/// A compartment that can fork (its program does not enforce the
/// sandbox here: `SANDBOXED_TRACE=dry-run`, as a sandboxed program's
/// compartment, which cannot add a filter) forks a process that keeps its
/// channel and sleeps; the call still ends when the compartment does,
/// through its process descriptor, not when that process lets go.
/// `--grandchild`: prints the result and how long it took.
fn grandchild_program() {
    let start = Instant::now();
    let r = compartment(
        |_: &[u8]| -> Result<(), String> {
            // SAFETY: fork(2) of the single-threaded compartment; the child
            // only sleeps, holding every descriptor, and exits.
            unsafe {
                if libc::fork() == 0 {
                    libc::sleep(4);
                    libc::_exit(0);
                }
                libc::_exit(7)
            }
        },
        &b""[..],
    );
    println!("{r:?} after {} ms", start.elapsed().as_millis());
}

/// [`grandchild_program`] in a fresh process; it must end with the
/// compartment's status at once (it would wait the 4 s of the process
/// the compartment forked if the program read its channel alone).
fn a_grandchild_holding_the_channel_does_not_hold_the_call() -> Result<(), String> {
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .arg("--grandchild")
        .env("SANDBOXED_TRACE", "dry-run")
        .output()
        .map_err(|e| e.to_string())?;
    let text = String::from_utf8_lossy(&out.stdout);
    let ms: u64 = text
        .trim()
        .rsplit(' ')
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(u64::MAX);
    check(text.starts_with("Err(Exited(7))") && ms < 2000, || {
        format!("{text}{}", String::from_utf8_lossy(&out.stderr))
    })
}

/// A process a compartment leaves behind reaches no later compartment:
/// `leftover_probe`, a sandboxed program whose compartments can fork
/// (seccomp(2) is refused inside the sandbox) and, `--plain` under
/// `SANDBOXED_TRACE=dry-run`, an unsandboxed one whose compartments only
/// dry-run their entry; each forked directly and by the zygote. The
/// probe says which: the leftover read a later compartment's input, or a
/// later call got an answer other than its own.
fn a_leftover_process_reaches_no_later_compartment() -> Result<(), String> {
    let mut failures = Vec::new();
    for trace in ["enforced", "dry-run"] {
        let mut probe = std::process::Command::new(env!("CARGO_BIN_EXE_leftover_probe"));
        if trace == "dry-run" {
            probe.arg("--plain").env("SANDBOXED_TRACE", "dry-run");
        } else {
            probe.env_remove("SANDBOXED_TRACE");
        }
        let out = probe.output().map_err(|e| e.to_string())?;
        let text = String::from_utf8_lossy(&out.stdout);
        for way in ["direct", "zygote"] {
            let line = text
                .lines()
                .find_map(|l| l.strip_prefix(&format!("{way}: ")));
            if line != Some("ok") {
                failures.push(format!(
                    "{trace}, {way}: {}",
                    line.map_or_else(
                        || format!("no answer; {}", String::from_utf8_lossy(&out.stderr)),
                        str::to_owned
                    )
                ));
            }
        }
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("\n    "))
    }
}

fn main() {
    if std::env::args().any(|a| a == "--threaded-without-zygote") {
        let t = std::thread::spawn(|| std::thread::sleep(Duration::from_secs(2)));
        let r = compartment(reverse, &b"x"[..]);
        println!("{r:?}");
        drop(t);
        return;
    }
    let args: Vec<String> = std::env::args().collect();
    if args.len() == 2 && args[1] == "--grandchild" {
        grandchild_program();
        return;
    }
    if let [_, flag, mode] = &args[..] {
        if flag == "--orphan" {
            orphan_program(mode);
            return;
        }
    }
    let filters: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let file: &'static sandboxed::File<ReadFstat> = Box::leak(Box::new(handed_file()));
    PREPARED.with(|p| p.set(Some(file)));
    // While single-threaded: the zygote, which may hand `file`.
    if let Err(e) = prepare(&[file]) {
        println!("test compartment::prepare ... FAILED\n    {e}");
        std::process::exit(101);
    }
    let mut failed = Vec::new();
    println!("\nrunning compartment cases, forked directly");
    for (name, case) in CASES {
        run(&format!("direct::{name}"), *case, &filters, &mut failed);
    }
    println!("\nrunning compartment cases, forked by the zygote");
    let stop = Arc::new(AtomicBool::new(false));
    let other = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(5));
            }
        })
    };
    for (name, case) in CASES {
        if *name == "handed_file_is_readable_with_its_rights_only" {
            // The zygote holds the handle given to `prepare`.
            run(
                "zygote::handed_prepared_file",
                || {
                    let file = prepared_file();
                    let r = Compartment::new().hand(file).run(
                        |fd: &i32| -> Result<String, String> {
                            let mut text = String::new();
                            let mut f = std::mem::ManuallyDrop::new(unsafe_file(*fd));
                            f.read_to_string(&mut text).map_err(|e| e.to_string())?;
                            Ok(text)
                        },
                        &raw(file),
                    );
                    check(r.as_deref().ok() == Some("handed text"), || {
                        format!("{r:?}")
                    })?;
                    let other = handed_file();
                    let r = Compartment::new()
                        .hand(&other)
                        .run(|_: &[u8]| Ok::<_, String>(()), &b""[..]);
                    check(matches!(r, Err(CompartmentError::NotPrepared(_))), || {
                        format!("{r:?}")
                    })
                },
                &filters,
                &mut failed,
            );
            continue;
        }
        if *name == "opened_beneath_a_handed_directory_holds_its_rights" {
            // The zygote hands only what `prepare` was given (the case
            // above shows it); the compartment enters as the direct one.
            continue;
        }
        run(&format!("zygote::{name}"), *case, &filters, &mut failed);
    }
    run(
        "zygote::tokio_concurrency",
        tokio_concurrency,
        &filters,
        &mut failed,
    );
    run(
        "dies_with_its_parent",
        dies_with_its_parent,
        &filters,
        &mut failed,
    );
    run(
        "a_grandchild_holding_the_channel_does_not_hold_the_call",
        a_grandchild_holding_the_channel_does_not_hold_the_call,
        &filters,
        &mut failed,
    );
    run(
        "a_leftover_process_reaches_no_later_compartment",
        a_leftover_process_reaches_no_later_compartment,
        &filters,
        &mut failed,
    );
    run(
        "threaded_without_zygote",
        threaded_without_zygote,
        &filters,
        &mut failed,
    );
    stop.store(true, Ordering::Relaxed);
    let _ = other.join();
    println!(
        "\ntest result: {}. {} failed",
        if failed.is_empty() { "ok" } else { "FAILED" },
        failed.len()
    );
    if !failed.is_empty() {
        std::process::exit(101);
    }
}

thread_local! {
    static PREPARED: std::cell::Cell<Option<&'static sandboxed::File<ReadFstat>>> =
        const { std::cell::Cell::new(None) };
}

fn prepared_file() -> &'static sandboxed::File<ReadFstat> {
    PREPARED.with(|p| p.get()).expect("set in main")
}
