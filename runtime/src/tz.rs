//! The local time zone, pinned before entry for every library that reads
//! it after (part of step 4, with `caph_cache_tzdata(3)`'s tzset).
//!
//! Inside the sandbox no zone file can be opened, yet libraries read them
//! late: glibc's mktime(3) and localtime(3) load `/etc/localtime` again
//! at every call while `TZ` is unset (tzset.c: only a set `TZ` that did
//! not change counts as unchanged); chrono's `Local` keeps its zone per
//! thread (`offset/local/unix.rs`: a `thread_local!` cache, made at a
//! thread's first use from `TZ`, or from `/etc/localtime`, which it also
//! stats again every second while `TZ` is unset), so each thread started
//! after entry finds no zone and falls back to UTC.
//!
//! Both read `TZ` first, and both compute local time from a POSIX TZ rule
//! string without any file (POSIX.1 8.3, `TZ`). Every TZif file since
//! version 2 ends with the rule that governs times after its last
//! transition (RFC 8536 section 3.3, the footer). So before entry `TZ`
//! is set to the footer of the zone the process would have used: local
//! time is then right in every thread and library, for the present and
//! every time since the zone's current rules began; earlier times follow
//! the current rules too (a zone file also holds the older ones, which no
//! `TZ` string can carry). A zone without a footer (a version 1 file)
//! gets `TZ=:FILE` instead, which glibc loads once and keeps.

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

/// Where tzset(3) looks for a relative `TZ` without `TZDIR` (glibc's
/// `TZDIR`, FreeBSD's `_PATH_TZDIR`).
const ZONEINFO: &str = "/usr/share/zoneinfo";

/// The zone file used with `TZ` unset (tzfile(5)).
const LOCALTIME: &str = "/etc/localtime";

/// Sets `TZ` to the zone's rule (or to `:FILE`), as the module docs say.
/// Call it single-threaded, before entry: it changes the environment.
pub(crate) fn pin() {
    let tz = std::env::var_os("TZ");
    let tzdir = std::env::var_os("TZDIR");
    let value = pinned(tz.as_deref(), tzdir.as_deref(), |p| {
        read_zone(p, |data| rule(data, p))
    });
    if let Some(value) = value.filter(|v| tz.as_deref() != Some(v.as_os_str())) {
        // The caller is single-threaded (before entry), so no other
        // thread reads the environment meanwhile.
        std::env::set_var("TZ", value);
    }
}

/// The value `TZ` should take, given its value `tz`, `TZDIR` and a way to
/// read a zone file into its value (`None`: not a zone file); `None` to
/// leave it as it is (empty, already a rule, or naming no zone file).
fn pinned(
    tz: Option<&OsStr>,
    tzdir: Option<&OsStr>,
    read: impl Fn(&Path) -> Option<OsString>,
) -> Option<OsString> {
    read(&zone_file(tz, tzdir)?)
}

/// The value for `TZ` of the zone file at `file` holding `data`: its
/// footer's rule, or `:FILE` for a file without one; `None` for data that
/// is not a zone file.
fn rule(data: &[u8], file: &Path) -> Option<OsString> {
    if !data.starts_with(b"TZif") {
        return None;
    }
    match footer(data) {
        Some(rule) if !rule.is_empty() => Some(OsStr::from_bytes(rule).to_owned()),
        _ => {
            let mut value = OsString::from(":");
            value.push(file.as_os_str());
            Some(value)
        }
    }
}

/// Zone files this long or shorter are read into one buffer on the stack
/// (the largest of Debian's tzdata 2025b, `right/Europe/Jersey`, is 3,940
/// bytes); longer ones whole, by `std::fs::read`.
const ONE_READ: usize = 4096;

/// Reads the zone file `path` and hands its data to `value`: one open(2)
/// and, for a file up to [`ONE_READ`] bytes, reads until the footer is
/// complete (RFC 8536 section 3.3) or the file ends — no stat, no
/// allocation, no read for the end of the file.
fn read_zone(path: &Path, value: impl Fn(&[u8]) -> Option<OsString>) -> Option<OsString> {
    use std::io::Read;
    // std's open, as step 2's: its code is already in memory.
    let mut file = std::fs::File::open(path).ok()?;
    let mut buf = [0u8; ONE_READ];
    let mut len = 0;
    while len < buf.len() {
        match file.read(&mut buf[len..]) {
            Ok(0) => return value(&buf[..len]),
            Ok(n) => len += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(_) => return None,
        }
        if footer(&buf[..len]).is_some() {
            return value(&buf[..len]);
        }
    }
    // Longer than the buffer: the whole file, from the start.
    let data = std::fs::read(path).ok()?;
    value(&data)
}

/// The zone file `TZ` names, as tzset(3) finds it: `/etc/localtime` when
/// unset; `:PATH` or a name, relative to `TZDIR` (or the zoneinfo
/// directory) unless absolute. `None` for an empty `TZ` (UTC).
fn zone_file(tz: Option<&OsStr>, tzdir: Option<&OsStr>) -> Option<PathBuf> {
    let Some(tz) = tz else {
        return Some(PathBuf::from(LOCALTIME));
    };
    let bytes = tz.as_bytes();
    let name = bytes.strip_prefix(b":").unwrap_or(bytes);
    if name.is_empty() {
        return None;
    }
    let name = Path::new(OsStr::from_bytes(name));
    if name.is_absolute() {
        return Some(name.to_owned());
    }
    let dir = match tzdir {
        Some(d) if !d.is_empty() => Path::new(d),
        _ => Path::new(ZONEINFO),
    };
    Some(dir.join(name))
}

/// The footer of TZif `data` (RFC 8536 section 3.3): the TZ string between
/// the two newlines after the version 2+ data block; `None` for a version
/// 1 file or a malformed one.
fn footer(data: &[u8]) -> Option<&[u8]> {
    const HEADER: usize = 44;
    let header = data.get(..HEADER)?;
    if &header[..4] != b"TZif" || header[4] == 0 {
        return None;
    }
    // The counts: isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt.
    let counts = |h: &[u8]| -> [usize; 6] {
        std::array::from_fn(|i| {
            let at = 20 + 4 * i;
            u32::from_be_bytes([h[at], h[at + 1], h[at + 2], h[at + 3]]) as usize
        })
    };
    let block = |c: [usize; 6], time: usize| -> usize {
        let [isut, isstd, leap, times, types, chars] = c;
        times * time + times + types * 6 + chars + leap * (time + 4) + isstd + isut
    };
    let v2 = HEADER + block(counts(header), 4);
    let header2 = data.get(v2..v2 + HEADER)?;
    if &header2[..4] != b"TZif" {
        return None;
    }
    let end = v2 + HEADER + block(counts(header2), 8);
    let rest = data.get(end..)?.strip_prefix(b"\n")?;
    let len = rest.iter().position(|&b| b == b'\n')?;
    Some(&rest[..len])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zone(name: &str) -> Option<Vec<u8>> {
        std::fs::read(Path::new(ZONEINFO).join(name)).ok()
    }

    /// The footer is the file's last line (RFC 8536: the data ends with
    /// "\n" TZ-string "\n"); the parser reaches it through the counts.
    #[test]
    fn the_footer_is_read_through_the_counts() {
        let Some(data) = zone("Asia/Tokyo") else {
            eprintln!("skipped: no {ZONEINFO}/Asia/Tokyo");
            return;
        };
        let last = data[..data.len() - 1]
            .rsplit(|&b| b == b'\n')
            .next()
            .unwrap();
        assert_eq!(footer(&data), Some(last));
        assert_eq!(footer(&data), Some(&b"JST-9"[..]));
        assert_eq!(footer(&data[..100]), None);
        assert_eq!(
            footer(b"not a zone file at all, but long enough to parse"),
            None
        );
    }

    #[test]
    fn tz_names_its_file_as_tzset_does() {
        let z = |tz: Option<&str>, dir: Option<&str>| {
            zone_file(tz.map(OsStr::new), dir.map(OsStr::new))
        };
        assert_eq!(z(None, None), Some(PathBuf::from("/etc/localtime")));
        assert_eq!(z(Some(""), None), None);
        assert_eq!(z(Some(":"), None), None);
        assert_eq!(
            z(Some("Asia/Tokyo"), None),
            Some(PathBuf::from("/usr/share/zoneinfo/Asia/Tokyo"))
        );
        assert_eq!(
            z(Some(":Asia/Tokyo"), Some("/zones")),
            Some(PathBuf::from("/zones/Asia/Tokyo"))
        );
        assert_eq!(
            z(Some(":/etc/localtime"), None),
            Some(PathBuf::from("/etc/localtime"))
        );
    }

    #[test]
    fn a_zone_becomes_its_rule_and_a_rule_stays() {
        let read = |p: &Path| read_zone(p, |data| rule(data, p));
        let Some(_) = zone("Asia/Tokyo") else {
            eprintln!("skipped: no {ZONEINFO}/Asia/Tokyo");
            return;
        };
        assert_eq!(
            pinned(Some(OsStr::new("Asia/Tokyo")), None, read),
            Some(OsString::from("JST-9"))
        );
        // A rule names no file: left alone.
        assert_eq!(pinned(Some(OsStr::new("JST-9")), None, read), None);
        assert_eq!(pinned(Some(OsStr::new("")), None, read), None);
        // A version 1 file has no footer: its path, loaded once.
        let v1 = |p: &Path| {
            let mut data = b"TZif".to_vec();
            data.resize(44, 0);
            rule(&data, p)
        };
        assert_eq!(
            pinned(None, None, v1),
            Some(OsString::from(":/etc/localtime"))
        );
    }

    /// A TZif version 2 file with `times` transitions (one type, no leap
    /// seconds) and `rule` as its footer (RFC 8536 section 3).
    fn synthetic(times: usize, rule: &str) -> Vec<u8> {
        let block = |data: &mut Vec<u8>, time: usize| {
            let header = |d: &mut Vec<u8>| {
                d.extend_from_slice(b"TZif2");
                d.extend_from_slice(&[0; 15]);
                // isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt.
                for n in [0, 0, 0, times as u32, 1, 4] {
                    d.extend_from_slice(&n.to_be_bytes());
                }
            };
            header(data);
            data.resize(data.len() + times * time + times, 0);
            data.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
            data.extend_from_slice(b"UTC\0");
        };
        let mut data = Vec::new();
        block(&mut data, 4);
        block(&mut data, 8);
        data.extend_from_slice(format!("\n{rule}\n").as_bytes());
        data
    }

    /// A zone file is read whole whatever its length: in one buffer up to
    /// `ONE_READ` bytes, by `std::fs::read` beyond.
    #[test]
    fn zone_files_short_and_long_give_their_footer() {
        let dir = std::env::temp_dir().join(format!("sandboxed-tz-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for times in [0, 10, ONE_READ / 20, ONE_READ] {
            let data = synthetic(times, "CET-1CEST,M3.5.0,M10.5.0/3");
            assert_eq!(data.len() > ONE_READ, times == ONE_READ);
            let path = dir.join(format!("zone{times}"));
            std::fs::write(&path, &data).unwrap();
            assert_eq!(
                read_zone(&path, |d| rule(d, &path)),
                Some(OsString::from("CET-1CEST,M3.5.0,M10.5.0/3")),
                "{times} transitions"
            );
        }
        let missing = dir.join("missing");
        assert_eq!(read_zone(&missing, |d| rule(d, &missing)), None);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// The rule gives the offsets the zone file gives, as an outside
    /// program computes them: date(1) under `TZ=Asia/Tokyo` and under
    /// the rule, for times since the rule began.
    #[test]
    fn date_agrees_under_the_zone_and_under_its_rule() {
        let Some(data) = zone("America/New_York") else {
            eprintln!("skipped: no {ZONEINFO}/America/New_York");
            return;
        };
        let rule = std::str::from_utf8(footer(&data).unwrap())
            .unwrap()
            .to_owned();
        let date = |tz: &str, at: i64| {
            std::process::Command::new("date")
                .env("TZ", tz)
                .args([&format!("-d@{at}"), "+%F %T %z %Z"])
                .output()
                .ok()
                .filter(|o| o.status.success())
                .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        };
        // 2008 to 2030, every 41 days and a bit (both sides of each change).
        let mut at = 1_199_145_600_i64;
        while at < 1_893_456_000 {
            let Some(zone) = date("America/New_York", at) else {
                eprintln!("skipped: no date(1)");
                return;
            };
            assert_eq!(Some(zone), date(&rule, at), "at {at}, rule {rule}");
            at += 41 * 86_400 + 3_607;
        }
    }
}
