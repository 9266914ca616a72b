//! Running an example binary as a person would, in its own process.

#![allow(dead_code)] // each test file uses part of it

use std::path::Path;
use std::process::{Command, Output, Stdio};

/// What the runtime prints when this machine cannot enforce a sandbox.
const UNSUPPORTED: &str = "this system cannot enforce the sandbox";

/// Runs `bin` with `args` in `dir`, stdin from `/dev/null`. `None` (after
/// printing `skipped: ...`) when the sandbox cannot be enforced here: the
/// program refused to run, as it must, and there is nothing to check.
pub fn run(bin: &str, args: &[&str], dir: &Path) -> Option<Output> {
    run_with_stdin(bin, args, dir, &[])
}

/// [`run`] with `stdin` piped in.
pub fn run_with_stdin(bin: &str, args: &[&str], dir: &Path, stdin: &[u8]) -> Option<Output> {
    let mut child = Command::new(bin)
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("spawning {bin}: {e}"));
    {
        use std::io::Write;
        let mut input = child.stdin.take().unwrap();
        // A program that refuses to run does not read: a broken pipe.
        match input.write_all(stdin) {
            Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => panic!("stdin: {e}"),
            _ => {}
        }
    }
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    if stderr.contains(UNSUPPORTED) {
        assert_eq!(out.stdout, b"", "nothing may run unsandboxed");
        eprintln!("skipped: {}", stderr.trim());
        return None;
    }
    Some(out)
}

/// The exit status (panics if killed by a signal).
pub fn status(out: &Output) -> i32 {
    out.status
        .code()
        .unwrap_or_else(|| panic!("killed by a signal: {out:?}"))
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Asserts an error is reported cleanly: one line, no panic.
pub fn assert_clean_error(out: &Output, prefix: &str) {
    let err = stderr(out);
    assert!(!err.contains("panicked"), "panic: {err}");
    assert_eq!(err.lines().count(), 1, "one line: {err:?}");
    assert!(err.starts_with(prefix), "{prefix:?}: {err:?}");
}

/// Deterministic pseudo-random bytes (xorshift), for test files.
pub fn noise(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

/// A zip bomb of the CVE-2019-13232 kind: `copies` central-directory
/// entries, named `a.txt`, `b.txt`..., all pointing at one local entry of
/// 10 000 bytes (Info-ZIP refuses such overlapped components).
pub fn overlapping_zip(copies: u8) -> Vec<u8> {
    use std::io::Write;
    let mut one = Vec::new();
    {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(&mut one));
        zip.start_file("a.txt", zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(&[b'A'; 10_000]).unwrap();
        zip.finish().unwrap();
    }
    // The end-of-central-directory record gives the directory's offset;
    // each central entry's name starts 46 bytes in (APPNOTE.TXT 4.3.12).
    let eocd = one.windows(4).rposition(|w| w == b"PK\x05\x06").unwrap();
    let cd_at = u32::from_le_bytes(one[eocd + 16..eocd + 20].try_into().unwrap()) as usize;
    let (body, central) = (&one[..cd_at], &one[cd_at..eocd]);
    let mut bomb = body.to_vec();
    for i in 0..copies {
        let mut entry = central.to_vec();
        entry[46] = b'a' + i;
        bomb.extend(entry);
    }
    let mut end = one[eocd..].to_vec();
    let n = u16::from(copies).to_le_bytes();
    end[8..10].copy_from_slice(&n);
    end[10..12].copy_from_slice(&n);
    end[12..16].copy_from_slice(&((central.len() * usize::from(copies)) as u32).to_le_bytes());
    bomb.extend(end);
    bomb
}

/// What `/proc` shows of a program confined and blocked reading `fifo`.
#[cfg(target_os = "linux")]
#[derive(Debug)]
pub struct Seen {
    /// Files it holds open for writing, canonical paths (not pipes,
    /// sockets or anonymous inodes: the sandbox's placeholders are
    /// eventfds open for both, slots.rs).
    pub writable: Vec<String>,
    /// How it ended once `feed` was written to the FIFO.
    pub out: Output,
}

/// Runs `bin` with `args` in `dir`, where `fifo` (created here) is one of
/// its inputs; once `/proc` shows it confined (seccomp mode 2) and
/// `ready(open files)` holds, records its descriptors open for writing,
/// then writes `feed` into the FIFO and waits. `None` (after `skipped:`)
/// where the sandbox cannot be enforced.
#[cfg(target_os = "linux")]
pub fn seen_while_blocked(
    bin: &str,
    args: &[&str],
    dir: &Path,
    fifo: &str,
    feed: &[u8],
    ready: impl Fn(&[String]) -> bool,
) -> Option<Seen> {
    use std::io::Write;

    let made = Command::new("mkfifo").arg(dir.join(fifo)).status().unwrap();
    assert!(made.success(), "mkfifo");
    let mut child = Command::new(bin)
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Open the FIFO for writing once the program has opened it for reading
    // (ENXIO until then); a program that refused to run never will.
    let mut writer = loop {
        use std::os::unix::fs::OpenOptionsExt;
        match std::fs::OpenOptions::new()
            .write(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(dir.join(fifo))
        {
            Ok(w) => break w,
            Err(e) if e.raw_os_error() == Some(libc::ENXIO) => {
                if child.try_wait().unwrap().is_some() {
                    let out = child.wait_with_output().unwrap();
                    let stderr = String::from_utf8_lossy(&out.stderr);
                    assert!(
                        stderr.contains(UNSUPPORTED),
                        "ended before reading {fifo}: {out:?}"
                    );
                    eprintln!("skipped: {}", stderr.trim());
                    return None;
                }
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            Err(e) => panic!("opening {fifo}: {e}"),
        }
    };
    let proc = format!("/proc/{}", child.id());
    let files = || -> Vec<(String, String)> {
        let Ok(fds) = std::fs::read_dir(format!("{proc}/fd")) else {
            return Vec::new();
        };
        fds.flatten()
            .filter_map(|fd| {
                let n = fd.file_name().into_string().ok()?;
                let target = std::fs::read_link(fd.path()).ok()?;
                Some((n, target.display().to_string()))
            })
            .collect()
    };
    let confined = (0..250).any(|_| {
        let status = std::fs::read_to_string(format!("{proc}/status")).unwrap_or_default();
        let targets: Vec<String> = files().into_iter().map(|(_, t)| t).collect();
        // Blocked reading the FIFO (`pipe_read`; `anon_pipe_read` on newer
        // kernels): past entry, whose last step (handing
        // the seccomp listener to the supervisor) holds it open for a
        // moment after the filter is in place. Where the kernel does not
        // show where a process waits, the filter alone tells.
        let wchan = std::fs::read_to_string(format!("{proc}/wchan")).unwrap_or_default();
        let waiting = wchan.ends_with("pipe_read") || wchan.is_empty() || wchan == "0";
        let seen = status.lines().any(|l| l == "Seccomp:\t2") && waiting && ready(&targets);
        if !seen {
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        seen
    });
    let mut writable = Vec::new();
    for (n, target) in files() {
        let info = std::fs::read_to_string(format!("{proc}/fdinfo/{n}")).unwrap_or_default();
        let Some(flags) = info.lines().find_map(|l| l.strip_prefix("flags:\t")) else {
            continue;
        };
        let flags = u32::from_str_radix(flags.trim(), 8).unwrap();
        if flags & 3 != 0 && target.starts_with('/') {
            writable.push(target);
        }
    }
    writer.write_all(feed).unwrap();
    drop(writer);
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    if stderr.contains(UNSUPPORTED) {
        eprintln!("skipped: {}", stderr.trim());
        return None;
    }
    assert!(confined, "never seen confined and ready: {out:?}");
    Some(Seen { writable, out })
}
pub mod parity;

/// Renames every `b.txt` in the archive at `path` to `a.txt`, headers
/// local and central: an archive with two entries of one name, which the
/// zip crate's writer refuses to make (the names must be stored, not in
/// the compressed data).
pub fn repeat_name(path: &Path) {
    let bytes = std::fs::read(path).unwrap();
    let renamed: Vec<u8> = (0..bytes.len())
        .map(|at| match bytes.get(at..at + 5) {
            Some(b"b.txt") => b'a',
            _ => bytes[at],
        })
        .collect();
    std::fs::write(path, renamed).unwrap();
}

/// One entry of [`raw_zip`]: written as given, whatever its method.
pub struct RawEntry<'a> {
    pub name: &'a str,
    /// APPNOTE.TXT 4.4.5's number.
    pub method: u16,
    /// Version needed to extract (PKZIP version times 10).
    pub needs: u8,
    /// General purpose flags (bit 0: encrypted).
    pub flags: u16,
    /// The entry's data as stored (compressed, encrypted).
    pub data: &'a [u8],
    pub crc32: u32,
    pub size: u32,
}

impl<'a> RawEntry<'a> {
    /// An entry named `name`, not encrypted, storing `data` by `method`
    /// (needing version `needs`), that holds `content` once undone: its CRC
    /// and size are `content`'s.
    pub fn holding(name: &'a str, method: u16, needs: u8, data: &'a [u8], content: &[u8]) -> Self {
        RawEntry {
            name,
            method,
            needs,
            flags: 0,
            data,
            crc32: crc32fast::hash(content),
            size: content.len() as u32,
        }
    }
}

/// An archive of `entries` made field by field (APPNOTE.TXT 4.3.7, 4.3.12,
/// 4.3.16), for methods and flags the zip crate's writer does not make:
/// bzip2, LZMA, encryption. Unix mode 0644, DOS time 2020-01-01 00:00.
pub fn raw_zip(entries: &[RawEntry]) -> Vec<u8> {
    let (mut out, mut central) = (Vec::new(), Vec::new());
    let u16le = |v: u16| v.to_le_bytes();
    let u32le = |v: u32| v.to_le_bytes();
    for e in entries {
        let at = out.len() as u32;
        let common = [
            &u16le(e.flags)[..],
            &u16le(e.method),
            &u16le(0),      // time
            &u16le(0x5021), // date
            &u32le(e.crc32),
            &u32le(e.data.len() as u32),
            &u32le(e.size),
            &u16le(e.name.len() as u16),
            &u16le(0), // extra field
        ]
        .concat();
        out.extend(b"PK\x03\x04");
        out.extend(u16le(u16::from(e.needs)));
        out.extend(&common);
        out.extend(e.name.as_bytes());
        out.extend(e.data);
        central.extend(b"PK\x01\x02");
        central.extend(u16le(0x0300 | u16::from(e.needs))); // made by: Unix
        central.extend(u16le(u16::from(e.needs)));
        central.extend(&common);
        central.extend(u16le(0)); // comment
        central.extend(u16le(0)); // disk
        central.extend(u16le(0)); // internal attributes
        central.extend(u32le(0o100644 << 16));
        central.extend(u32le(at));
        central.extend(e.name.as_bytes());
    }
    let (start, n) = (out.len() as u32, entries.len() as u16);
    out.extend(&central);
    out.extend(b"PK\x05\x06");
    out.extend([0; 4]);
    out.extend(u16le(n));
    out.extend(u16le(n));
    out.extend(u32le(central.len() as u32));
    out.extend(u32le(start));
    out.extend(u16le(0));
    out
}
