//! The example tools against their reference tools, on a generated
//! corpus (random data, every option, edge cases: empty, equal, prefix,
//! same file, missing operands, `-`, directories, closed and full stdout,
//! malformed and hostile archives and patches). Each case runs both tools
//! side by side (`common/parity.rs`); stdout, status, stderr and the files
//! left behind must be the same, except where examples/README.md documents
//! a difference (the case says which).
//!
//! References: GNU cmp (diffutils), GNU cat (coreutils), Info-ZIP unzip,
//! Debian's bspatch (`bsdiff` package); `.ci/packages` installs them, and
//! each test prints `skipped: TOOL not installed` without its reference.

mod common;

use std::io::{Read, Write};
use std::path::Path;

use common::noise;
use common::parity::{compare, installed, Case};

/// Writes `files` (name, bytes) into `dir`.
fn write_all(dir: &Path, files: &[(&str, Vec<u8>)]) {
    for (name, data) in files {
        let path = dir.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(path, data).unwrap();
    }
}

// ---------------------------------------------------------------- cmp

fn cmp_scene(dir: &Path) {
    let r1 = noise(100_000, 11);
    let mut r2 = r1.clone();
    r2[5] ^= 0x5a;
    r2[99_990] ^= 0x01;
    let mut lines: Vec<u8> = (0..20_000)
        .flat_map(|i| format!("line {i}\n").into_bytes())
        .collect();
    let lines2 = lines.clone();
    // `-l` output of 7,500 bytes (more than stdio's 4,096-byte buffer,
    // less than a pipe holds), and one cut short for an EOF message among
    // the lines; n1 and n2 differ almost everywhere (1.5 MB of `-l`).
    let m1 = noise(100_000, 13);
    let m2: Vec<u8> = m1
        .iter()
        .enumerate()
        .map(|(i, b)| b ^ u8::from(i % 200 == 0))
        .collect();
    let m3 = m2[..60_000].to_vec();
    let n = lines.len();
    lines[n - 3] = b'X';
    write_all(
        dir,
        &[
            ("a", b"one\ntwo\nthree\n".to_vec()),
            ("a2", b"one\ntwo\nthree\n".to_vec()),
            ("b", b"one\ntwo\nthreE\n".to_vec()),
            ("short", b"one\ntw".to_vec()),
            ("o1", b"one\n".to_vec()),
            ("o2", b"one\ntwo".to_vec()),
            ("empty", Vec::new()),
            ("r1", r1),
            ("r2", r2),
            ("l1", lines),
            ("l2", lines2),
            (
                "bin1",
                vec![1, 0x7f, 0x80, 0xff, 0xe9, b'a', 0, b'\t', 0xa0],
            ),
            ("bin2", b"ABCDEb\0 q".to_vec()),
            ("m1", m1),
            ("m2", m2),
            ("m3", m3),
            ("n1", noise(100_000, 14)),
            ("n2", noise(100_000, 16)),
        ],
    );
    std::fs::create_dir(dir.join("dir")).unwrap();
}

#[test]
fn cmp_matches_gnu_cmp() {
    if !installed("cmp") {
        return;
    }
    let options = [
        "",
        "-b",
        "-l",
        "-lb",
        "-bl",
        "-s",
        "-n 5",
        "-n 13",
        "-n 0",
        "-i 2",
        "-i 2:3",
        "-i 1K",
        "-i 010",
        "-i 0x2",
        "--verbose",
        "--silent",
        "--quiet",
        "--print-bytes",
        "--bytes=3",
        "--ignore-initial=2",
        "--verb",
        "-n 1kB",
    ];
    let pairs = [
        "a b",
        "a a2",
        "short a",
        "a short",
        "empty a",
        "a empty",
        "r1 r2",
        "bin1 bin2",
        "o1 o2",
        "a a",
        "l1 l2",
        "empty empty",
    ];
    let mut cases = Vec::new();
    for o in options {
        for p in pairs {
            cases.push(Case::new(
                format!("cmp {o} {p}"),
                cmp_scene,
                format!("{{tool}} {o} {p}"),
            ));
        }
    }
    for special in [
        "a missing",
        "missing a",
        "-s a missing",
        "a dir",
        "dir a",
        "-s a dir",
        "/dev/zero /dev/zero",
        "-n 1G /dev/zero /dev/null",
        "- a < a",
        "a - < short",
        "- - < a",
        "a < b",
        "a b 2 3",
        "a b 1",
        "-i 3 a b 1 0",
        "a b 1 2 3",
        "a b x",
        "-i x a b",
        "-i 1:x a b",
        "-n -1 a b",
        "-x a b",
        "-l -s a b",
        "-sl a b",
        "",
        "-i",
        "a b -l",
        "-- -x a",
        "--bogus a b",
        "--p a b",
        "--ver a b",
        "--s a b",
        "--print-chars a b",
        "a b > /dev/full",
        "short a > /dev/null",
        "-b o1 o2 > /dev/null",
        "-l r1 r2 > /dev/null",
        "-l r1 r2 > /dev/full",
        "a b >&-",
        "-l l1 r1 | head -c 10; echo \" ${PIPESTATUS[0]}\"",
        "'a b' a",
        // Numbers as gnulib's xstrtoimax reads them; the part named.
        "-i :1 a b",
        "-i 1x:2 a b",
        "-i 1k:k a b",
        "-i ' 1' a b",
        "a b +1",
        "-n -0 a b",
        "-i 1kD a b",
        "-i 9223372036854775808 a b",
        "-n 15E a b",
        // A closed stdin: its fstat fails after both opens, even with -s.
        "- a <&-",
        "a <&-",
        "-s - a <&-",
        "missing - <&-",
        "- missing <&-",
        "-s - missing <&-",
        "- - <&-",
        // stdio's buffering: the EOF message before the buffered lines.
        "-l short a 2>&1 | cat",
        "-l short a > /dev/full",
        // A stdout that fails while `-l` lists ("write failed") and the
        // EOF message between stdio's blocks.
        "-l m1 m2 > /dev/full",
        "-lb m1 m2 > /dev/full",
        "m1 m2 > /dev/full",
        "-l m3 m1 2>&1 | cat",
        "-lb m3 m1 2>&1 | cat",
        "-l m3 m1 > out 2>&1; cat out",
    ] {
        cases.push(Case::new(
            format!("cmp {special}"),
            cmp_scene,
            format!("{{tool}} {special}"),
        ));
    }
    // SIGPIPE ignored by the parent (kept across execve(2)): a closed pipe
    // is EPIPE, reported, instead of the signal.
    for args in ["-l n1 n2", "-lb n1 n2"] {
        cases.push(Case::new(
            format!("cmp {args}, SIGPIPE ignored"),
            cmp_scene,
            format!("trap '' PIPE; {{tool}} {args} | head -c 1 > /dev/null; echo \" ${{PIPESTATUS[0]}}\""),
        ));
    }
    compare("cmp", "cmp", env!("CARGO_BIN_EXE_cmp"), &cases);
}

// ---------------------------------------------------------------- cat

fn cat_scene(dir: &Path) {
    write_all(
        dir,
        &[
            ("f1", b"first\nfile\n".to_vec()),
            ("f2", noise(300_000, 3)),
            ("empty", Vec::new()),
            ("big", noise(2_000_000, 4)),
            ("lines", b"a\tb\n\n\n\nc\x01\x7f\xe9\x89 \n\nlast".to_vec()),
        ],
    );
    std::fs::create_dir(dir.join("dir")).unwrap();
}

#[test]
fn cat_matches_gnu_cat() {
    if !installed("cat") {
        return;
    }
    let mut cases = Vec::new();
    for args in [
        "f1",
        "f1 f2 empty f1",
        "",
        "< f1",
        "- < f1",
        "f1 - f1 < f2",
        "- - < f1",
        "missing",
        "f1 missing f2",
        "dir f1",
        "f1 dir missing f1",
        "-u f1",
        "-- f1",
        "-- -u",
        "-x",
        "--bogus",
        "f1 >&-",
        "<&-",
        "f1 - <&-",
        "f1 > /dev/full",
        "empty > /dev/full",
        "f1 >> f1; cat f1",
        "f1 f1 >> f1; cat f1",
        "< f1 >> f1; cat f1",
        "f1 - >> f1 < f1; cat f1",
        "f1 > f1; cat f1",
        "f1 1<> f1; cat f1",
        "'a b' \"it's\" $'x\\ny' 'a:b' '~x' x#",
        "big | head -c 100 | wc -c; echo \" ${PIPESTATUS[0]}\"",
        "big | head -c 0; echo \" ${PIPESTATUS[0]}\"",
        "--num f1",
        "--s f1",
        "--number=2 f1",
        "-n f1 -- -n",
    ] {
        cases.push(Case::new(
            format!("cat {args}"),
            cat_scene,
            format!("{{tool}} {args}"),
        ));
    }
    cases.push(Case::new(
        "cat big, SIGPIPE ignored",
        cat_scene,
        "trap '' PIPE; {tool} big | head -c 1 > /dev/null; echo \" ${PIPESTATUS[0]}\"",
    ));
    let mut stdout_read_write =
        Case::new("cat f1 1<>/dev/null", cat_scene, "{tool} f1 1<>/dev/null");
    stdout_read_write.known = Some(
        "a read-write /dev/null on stdout is taken for a stream the Rust runtime reopened because it was closed",
    );
    cases.push(stdout_read_write);
    compare("cat", "cat", env!("CARGO_BIN_EXE_cat"), &cases);
}

// ---------------------------------------------------------------- bspatch

/// OLD and NEW versions (edits, an insertion, a deletion), and patches
/// made from them by the reference bsdiff, plus hostile variants.
fn bspatch_scene(dir: &Path) {
    let old = noise(200_000, 7);
    let mut new = old[..80_000].to_vec();
    new.extend(b"an insertion bsdiff puts in the extra block");
    new.extend(old[80_000..150_000].iter().map(|b| b.wrapping_add(3)));
    new.extend(&old[170_000..]);
    for i in (0..new.len()).step_by(997) {
        new[i] ^= 0x20;
    }
    let text = b"The quick brown fox jumps over the lazy dog.\n".repeat(500);
    write_all(
        dir,
        &[
            ("old", old),
            ("new.want", new),
            ("text", text.clone()),
            ("one", b"x".to_vec()),
            ("existing", b"precious\n".to_vec()),
        ],
    );
    for (from, to, patch) in [
        ("old", "new.want", "p"),
        ("one", "text", "p1"),
        ("text", "one", "p2"),
        ("text", "text", "p3"),
    ] {
        let made = std::process::Command::new("bsdiff")
            .args([from, to, patch])
            .current_dir(dir)
            .status()
            .unwrap();
        assert!(made.success(), "bsdiff {from} {to}");
    }
    let p = std::fs::read(dir.join("p")).unwrap();
    let mut bad_magic = p.clone();
    bad_magic[..8].copy_from_slice(b"BSDIFF39");
    let mut negative = p.clone();
    negative[15] |= 0x80;
    let mut negative_size = p.clone();
    negative_size[31] |= 0x80;
    write_all(
        dir,
        &[
            ("bad_magic", bad_magic),
            ("short_header", p[..20].to_vec()),
            ("empty_patch", Vec::new()),
            ("garbage", noise(1_000, 1)),
            ("negative", negative),
            ("negative_size", negative_size),
            ("cut_in_ctrl", p[..40].to_vec()),
        ],
    );
    std::fs::create_dir(dir.join("sub")).unwrap();
    for (link, target) in [
        ("devnull", "/dev/null"),
        ("devfull", "/dev/full"),
        ("dangling", "nowhere"),
        ("dangling_deep", "nowhere/new"),
        ("through_file", "old/new"),
        ("linked_old", "old"),
    ] {
        std::os::unix::fs::symlink(target, dir.join(link)).unwrap();
    }
}

#[test]
fn bspatch_matches_debian_bspatch() {
    if !installed("bspatch") || !installed("bsdiff") {
        return;
    }
    let mut cases = Vec::new();
    for args in [
        "old new p; cmp new new.want",
        "one new p1",
        "text new p2",
        "text new p3",
        "old sub/new p; cmp sub/new new.want",
        "old existing p",
        "old new missing",
        "missing new p",
        "missing new bad_magic",
        "old nodir/new p",
        // A link into a missing directory, or through a file.
        "old dangling_deep p",
        "old through_file p",
        "old sub/../dangling_deep p",
        "old . p",
        "old sub p",
        "old new",
        "old new p extra",
        "",
        "old new bad_magic",
        "old new short_header",
        "old new empty_patch",
        "old new garbage",
        "old new negative",
        "old new negative_size",
        "old new cut_in_ctrl",
        "old new p > /dev/full",
        "old new p >&-",
        // NEW a device, a FIFO or a descriptor's link: written through,
        // never replaced by a file (the node, the link stay as they are).
        "old devnull p; ls -l devnull | cut -c1",
        "old /proc/self/fd/1 p > out; cmp out new.want",
        "old /dev/fd/1 p | cmp - new.want",
        "old /proc/self/fd/3 p 3> out; cmp out new.want",
        // A link to a new name: the name is created, the link stays.
        "old dangling p; cmp nowhere new.want; ls -l dangling | cut -c1",
    ] {
        cases.push(Case::new(
            format!("bspatch {args}"),
            bspatch_scene,
            format!("{{tool}} {args}"),
        ));
    }
    cases.push(Case::new(
        "bspatch old FIFO p",
        bspatch_scene,
        "mkfifo ff; { cat ff > got & }; {tool} old ff p; wait; rm ff; cmp got new.want",
    ));
    let mut kept = Case::new(
        "bspatch old existing bad_magic",
        bspatch_scene,
        "{tool} old existing bad_magic",
    );
    kept.known = Some("Debian's bspatch removes an existing NEW when the patch is corrupt; ours leaves it untouched");
    cases.push(kept);
    let mut same = Case::new(
        "bspatch old old p",
        bspatch_scene,
        "{tool} old old p; cmp old new.want",
    );
    same.known = Some("Debian's bspatch truncates OLD when it is also NEW and writes a wrong result; ours patches it in place through a temporary");
    cases.push(same);
    for (command, why) in [
        (
            "{tool} old linked_old p; cmp old new.want; ls -l linked_old | cut -c1",
            "NEW a link to OLD: Debian's truncates OLD through the link before reading it; ours follows the link and replaces OLD once it is read",
        ),
        (
            "{tool} old /proc/self/fd/1 p 1<> old; cmp old new.want",
            "NEW stdout's link, stdout OLD: Debian's truncates OLD before reading it; ours replaces OLD once it is read",
        ),
        (
            "{tool} old p p; cmp p new.want",
            "NEW is PATCH: Debian's truncates the patch before reading it, says Corrupt patch and removes it; ours replaces it with NEW once it is read",
        ),
        (
            "{tool} old devfull p; ls -l devfull | cut -c1",
            "NEW a device that fails the write: Debian's removes NEW (the link to /dev/full here, the node itself when named); ours leaves it (same message and status)",
        ),
    ] {
        let mut case = Case::new(format!("bspatch {command}"), bspatch_scene, command);
        case.known = Some(why);
        cases.push(case);
    }
    compare("bspatch", "bspatch", env!("CARGO_BIN_EXE_bspatch"), &cases);
}

// ---------------------------------------------------------------- unzip

/// Archives: built with the zip crate (stored and deflated entries, Unix
/// modes, directories, links, DOS times) and hostile ones.
fn unzip_scene(dir: &Path) {
    use zip::write::SimpleFileOptions;
    let when = zip::DateTime::from_date_and_time(2020, 1, 2, 3, 4, 6).unwrap();
    let base = SimpleFileOptions::default().last_modified_time(when);
    let build = |name: &str, entries: &[(&str, &[u8], u32, bool)]| {
        let mut zip = zip::ZipWriter::new(std::fs::File::create(dir.join(name)).unwrap());
        for (entry, data, mode, stored) in entries {
            let method = if *stored {
                zip::CompressionMethod::Stored
            } else {
                zip::CompressionMethod::Deflated
            };
            let options = base
                .compression_method(method)
                .unix_permissions(*mode & 0o7777);
            match *mode & 0o170000 {
                0o040000 => zip.add_directory(*entry, options).unwrap(),
                0o120000 => zip
                    .add_symlink(*entry, std::str::from_utf8(data).unwrap(), options)
                    .unwrap(),
                _ => {
                    zip.start_file(*entry, options).unwrap();
                    zip.write_all(data).unwrap();
                }
            }
        }
        zip.finish().unwrap();
    };
    let text = b"hello\nworld\n".repeat(300);
    let random = noise(50_000, 9);
    // Names with control characters (dropped from the names created,
    // shown as `^X`), one left empty by them, and multibyte names (their
    // columns padded by bytes).
    build(
        "names.zip",
        &[
            ("esc\x1b[31m.txt", b"e\n", 0o100644, true),
            ("nl\nname", b"n\n", 0o100644, true),
            ("del\x7fx.txt", b"d\n", 0o100644, true),
            ("tab\there.txt", b"t\n", 0o100644, true),
            ("\x01/y.txt", b"y\n", 0o100644, true),
            ("\x01", b"z\n", 0o100644, true),
            ("\u{e9}.txt", b"u\n", 0o100644, true),
            ("\u{65e5}\u{672c}.txt", b"j\n", 0o100644, true),
        ],
    );
    // Two entries of one name: written as a.txt and b.txt, renamed in
    // every header (the zip crate's writer refuses a repeated name).
    build(
        "dup.zip",
        &[
            ("a.txt", b"first\n", 0o100644, true),
            ("b.txt", b"second\n", 0o100644, true),
        ],
    );
    common::repeat_name(&dir.join("dup.zip"));
    // More than a pipe holds: `-p` into a closed pipe meets it for sure.
    build(
        "big.zip",
        &[("big.bin", &noise(300_000, 21), 0o100644, true)],
    );
    build(
        "t.zip",
        &[
            ("a.txt", b"hello\n", 0o100755, true),
            ("d/", b"", 0o040700, false),
            ("d/e/", b"", 0o040755, false),
            ("d/e/f.txt", &text, 0o100644, false),
            ("d/r.bin", &random, 0o100600, false),
            ("link", b"a.txt", 0o120777, false),
            ("implicit/parent/g.txt", b"g\n", 0o100640, true),
        ],
    );
    build(
        "modes.zip",
        &[
            ("suid", b"x", 0o104755, true),
            ("ro", b"y", 0o100400, true),
            ("all", b"z", 0o100777, true),
            ("sub/", b"", 0o040750, true),
            ("sub/w", b"w", 0o100666, true),
        ],
    );
    build(
        "slip.zip",
        &[
            ("../evil.txt", b"x", 0o100644, true),
            ("/abs/evil2.txt", b"y", 0o100644, true),
            ("ok/../../e3.txt", b"z", 0o100644, true),
            ("./dot/./x", b"d", 0o100644, true),
        ],
    );
    build(
        "linkesc.zip",
        &[
            ("l", b"../outside", 0o120777, true),
            ("l/x.txt", b"through", 0o100644, true),
        ],
    );
    build(
        "linkabs.zip",
        &[
            ("la", b"/etc", 0o120777, true),
            ("la/passwd", b"pwned", 0o100644, true),
        ],
    );
    build(
        "self.zip",
        &[
            ("self.zip", b"inner\n", 0o100644, true),
            ("other", b"o\n", 0o100644, true),
        ],
    );
    let t = std::fs::read(dir.join("t.zip")).unwrap();
    // Methods and flags beyond stored and deflated, made field by field:
    // bzip2 (extracted), then what Info-ZIP skips unread: a version it
    // cannot do (LZMA as Python's zipfile writes it, 6.3), methods it
    // lacks (LZMA at version 2.0, zstd, reduce), and encrypted entries (no
    // password: status 5).
    let text = b"hello\nworld\n".repeat(50);
    let crc = crc32fast::hash(&text);
    let mut bz = Vec::new();
    bzip2::read::BzEncoder::new(&text[..], bzip2::Compression::best())
        .read_to_end(&mut bz)
        .unwrap();
    let mut bz_bad = bz.clone();
    let middle = bz_bad.len() / 2;
    bz_bad[middle] ^= 0xff;
    let mut sealed = vec![0; 12];
    sealed.extend(&text);
    let size = text.len() as u32;
    let entry = |name, method, needs, flags, data| common::RawEntry {
        name,
        method,
        needs,
        flags,
        data,
        crc32: crc,
        size,
    };
    let plain = || common::RawEntry::holding("plain.txt", 0, 10, b"p\n", b"p\n");
    let raw = |entries: &[common::RawEntry]| common::raw_zip(entries);
    let (d64, d64_text) = deflate64(b"deflate64\n", 60_000);
    let methods = raw(&[
        entry("b.txt", 12, 46, 0, &bz),
        entry("lzma63.txt", 14, 63, 0, &text),
        entry("lzma20.txt", 14, 20, 0, &text),
        entry("zstd.txt", 93, 20, 0, &text),
        entry("reduce.txt", 2, 10, 0, &text),
        entry("v47.txt", 0, 47, 0, &text),
        entry("v46.txt", 0, 46, 0, &text),
        plain(),
    ]);
    let mut bz_crc = entry("b.txt", 12, 46, 0, &bz);
    bz_crc.crc32 ^= 1;
    // Bytes before an archive (a self-extractor's stub), and an archive
    // missing its first bytes.
    let mut lead = vec![0; 777];
    lead.extend(&t);
    let mut lead1 = vec![0];
    lead1.extend(&t);
    write_all(
        dir,
        &[
            ("methods.zip", methods),
            ("lzma.zip", raw(&[entry("only.txt", 14, 63, 0, &text)])),
            (
                "bzbad.zip",
                raw(&[entry("b.txt", 12, 46, 0, &bz_bad), plain()]),
            ),
            ("bzcrc.zip", raw(&[bz_crc, plain()])),
            (
                "sealed.zip",
                raw(&[
                    entry("e.txt", 0, 20, 1, &sealed),
                    plain(),
                    entry("f.txt", 8, 20, 1, &sealed),
                ]),
            ),
            (
                "deflate64.zip",
                raw(&[
                    common::RawEntry::holding("d.txt", 9, 21, &d64, &d64_text),
                    plain(),
                ]),
            ),
            (
                "deflate64bad.zip",
                raw(&[entry("d.txt", 9, 21, 0, &text), plain()]),
            ),
            ("lead.zip", lead),
            // A file's own name that is `.`, `..` or emptied by dropped
            // control characters: never the directory above it.
            (
                "dots.zip",
                raw(&[
                    common::RawEntry {
                        name: "d/f",
                        ..plain()
                    },
                    common::RawEntry {
                        name: "d/..",
                        ..plain()
                    },
                    common::RawEntry {
                        name: "d/.",
                        ..plain()
                    },
                    common::RawEntry {
                        name: "d/\x02",
                        ..plain()
                    },
                    common::RawEntry {
                        name: "e/.\x01.",
                        ..plain()
                    },
                    common::RawEntry {
                        name: "..",
                        ..plain()
                    },
                ]),
            ),
            (
                "dotdot.zip",
                raw(&[common::RawEntry {
                    name: "d/..",
                    ..plain()
                }]),
            ),
            ("lead1.zip", lead1),
            ("cut.zip", t[59..].to_vec()),
        ],
    );
    // Names too long: a file's (NAME_MAX is 255 bytes), a directory's,
    // and one that fits but leaves no room for a longer temporary.
    let (file300, dir300) = ("x".repeat(300), format!("{}/f", "d".repeat(300)));
    let name250 = "y".repeat(250);
    let long = |name| common::RawEntry { name, ..plain() };
    write_all(
        dir,
        &[
            ("long.zip", raw(&[long(&file300), plain()])),
            ("longdir.zip", raw(&[long(&dir300), plain()])),
            ("long250.zip", raw(&[long(&name250)])),
        ],
    );
    // A wrong CRC for a.txt (stored; local header at 0, CRC at 14, and in
    // its central entry at 16), and a damaged deflate stream in d/r.bin.
    let mut crc = t.clone();
    let eocd = crc.windows(4).rposition(|w| w == b"PK\x05\x06").unwrap();
    let cd_at = u32::from_le_bytes(crc[eocd + 16..eocd + 20].try_into().unwrap()) as usize;
    crc[14] ^= 1;
    crc[cd_at + 16] ^= 1;
    let mut inflate = t.clone();
    let r_bin = zip::ZipArchive::new(std::io::Cursor::new(&t))
        .unwrap()
        .by_name("d/r.bin")
        .map(|e| (e.data_start(), e.compressed_size()))
        .unwrap();
    let middle = (r_bin.0 + r_bin.1 / 2) as usize;
    for b in &mut inflate[middle..middle + 64] {
        *b = 0xff;
    }
    write_all(
        dir,
        &[
            ("overlap.zip", common::overlapping_zip(5)),
            ("crc.zip", crc),
            ("inflate.zip", inflate),
            ("junk.zip", noise(5_000, 2)),
            ("empty.zip", Vec::new()),
            ("tail.zip", t[..t.len() / 2].to_vec()),
            ("answers_yn", b"y\nn\n".to_vec()),
            ("answers_all", b"A\n".to_vec()),
            // `[r]ename` to a name that exists: asked about in turn.
            ("answers_rename_no", b"r\nd/r.bin\nn\nN\n".to_vec()),
            ("answers_rename_yes", b"r\nd/r.bin\ny\nN\n".to_vec()),
            (
                "answers_rename_again",
                b"r\nd/r.bin\nr\nnew.txt\nN\n".to_vec(),
            ),
            // An empty new name is asked for again.
            ("answers_rename_empty", b"r\n\nnew.txt\nN\n".to_vec()),
            ("answers_none", b"N\n".to_vec()),
        ],
    );
}

/// The scene with `t.zip` already extracted and `a.txt` changed.
/// A deflate64 stream (APPNOTE.TXT 4.4.5, method 9) and what it holds: one
/// block of fixed Huffman codes (RFC 1951 3.2.6) with `lead` as literals,
/// then one match of distance 1 and `run` bytes through length code 285,
/// which deflate64 reads with 16 extra bits (lengths 3 to 65,538) where
/// deflate reads 258 and no extra bits: only a deflate64 reader gets the
/// text back.
fn deflate64(lead: &[u8], run: u32) -> (Vec<u8>, Vec<u8>) {
    assert!((3..=65_538).contains(&run) && !lead.is_empty());
    let mut out = Vec::new();
    let (mut acc, mut used) = (0u64, 0u32);
    // Bits go out least significant first; Huffman codes most significant
    // first (RFC 1951 3.1.1).
    let mut put = |value: u64, count: u32, reversed: bool| {
        let value = if reversed {
            (0..count).fold(0, |v, i| v | (((value >> i) & 1) << (count - 1 - i)))
        } else {
            value
        };
        acc |= value << used;
        used += count;
        while used >= 8 {
            out.push(acc as u8);
            acc >>= 8;
            used -= 8;
        }
    };
    put(1, 1, false); // BFINAL
    put(1, 2, false); // BTYPE 01: fixed Huffman codes
    for &b in lead {
        match b {
            0..=143 => put(0x30 + u64::from(b), 8, true),
            _ => put(0x190 + u64::from(b - 144), 9, true),
        }
    }
    put(0xc0 + 5, 8, true); // length code 285
    put(u64::from(run - 3), 16, false); // its 16 extra bits (deflate64)
    put(0, 5, true); // distance code 0: distance 1
    put(0, 7, true); // end of block (256)
    put(0, 7, false); // to a byte boundary
    let mut text = lead.to_vec();
    let last = *lead.last().expect("not empty");
    text.extend(std::iter::repeat_n(last, run as usize));
    (out, text)
}

fn unzip_again_scene(dir: &Path) {
    unzip_scene(dir);
    let made = std::process::Command::new("unzip")
        .args(["-qq", "t.zip"])
        .current_dir(dir)
        .status()
        .unwrap();
    assert!(made.success());
    std::fs::write(dir.join("a.txt"), "changed\n").unwrap();
}

#[test]
fn unzip_matches_info_zip() {
    if !installed("unzip") {
        return;
    }
    let mut cases = Vec::new();
    let timed = |name: String, scene: fn(&Path), command: String| {
        let mut c = Case::new(name, scene, command);
        c.times = true;
        c
    };
    for args in [
        "t.zip",
        "t",
        "-q t.zip",
        "-qq t.zip",
        "-l t.zip",
        "-t t.zip",
        "-tq t.zip",
        "-p t.zip",
        "-p t.zip 'd/*'",
        "-p t.zip a.txt",
        "t.zip 'd/*'",
        "t.zip '*.txt' -x 'd/*'",
        "t.zip nomatch",
        "t.zip a.txt nomatch",
        "t.zip '[ab].txt'",
        "t.zip -d out",
        "-d out t.zip",
        "t.zip -d out/",
        "-o t.zip -d out",
        "modes.zip",
        "slip.zip",
        "linkesc.zip",
        "linkabs.zip",
        "self.zip",
        "-o self.zip",
        "junk.zip",
        "empty.zip",
        "tail.zip",
        "nothere",
        "",
        "-k t.zip",
        "-t crc.zip",
        "-t inflate.zip",
        "-p crc.zip a.txt",
        "-d",
        "t.zip > /dev/full",
        "TZ=UTC {tool} -l t.zip",
        "TZ=Asia/Tokyo {tool} -l t.zip",
        "TZ=Asia/Tokyo {tool} t.zip",
        "names.zip",
        "-l names.zip",
        "-t names.zip",
        "-p names.zip",
        "methods.zip",
        "-q methods.zip",
        "-t methods.zip",
        "-tq methods.zip",
        "-p methods.zip",
        "-l methods.zip",
        "-p methods.zip b.txt",
        "methods.zip b.txt plain.txt",
        "lzma.zip",
        "-t lzma.zip",
        "-t bzbad.zip",
        "-p bzbad.zip",
        "-p inflate.zip",
        "-t bzcrc.zip",
        "-p bzcrc.zip",
        "lead.zip",
        "lead1.zip",
        "-l lead.zip",
        "-t lead.zip",
        "-qq lead.zip",
        "-p lead.zip a.txt",
        "-t t.zip a.txt",
        "-t t.zip -x a.txt",
        "long.zip",
        "longdir.zip",
        "{tool} -qq long250.zip; {tool} -o long250.zip",
        "dots.zip",
        "{tool} -o dots.zip; {tool} -o dots.zip",
        // -d with what extracts nothing: ignored, not created.
        "-l -d new t.zip",
        "-t -d new t.zip",
        "-p -d new t.zip",
        "-l -d no/such/dir t.zip",
        // A user's file `d` is not what the entry `d/..` names (stderr
        // dropped: Info-ZIP's checkdir message names the entry as stored,
        // ours as it would be created, `d/__`).
        "echo mine > d; {tool} -o dotdot.zip 2> /dev/null; cat d",
        // Skipped entries leave an existing file of their name alone.
        "{tool} -o methods.zip; echo kept > lzma63.txt; {tool} -o methods.zip lzma63.txt",
    ] {
        let command = if args.contains("{tool}") {
            args.to_owned()
        } else {
            format!("{{tool}} {args}")
        };
        cases.push(timed(format!("unzip {args}"), unzip_scene, command));
    }
    for args in [
        "t.zip",
        "t.zip < answers_yn",
        "t.zip < answers_all",
        "t.zip < answers_rename_no",
        "t.zip < answers_rename_yes",
        "t.zip < answers_rename_again",
        "t.zip < answers_rename_empty",
        "t.zip < answers_none",
        "-o t.zip",
        "-n t.zip",
        "-n t.zip -d .",
    ] {
        cases.push(timed(
            format!("unzip again {args}"),
            unzip_again_scene,
            format!("{{tool}} {args}"),
        ));
    }
    // Info-ZIP asks for a password on /dev/tty: without a controlling
    // terminal (setsid) it cannot, the answer ours always gives.
    for args in [
        "sealed.zip",
        "-t sealed.zip",
        "-p sealed.zip",
        "-q sealed.zip",
        "-l sealed.zip",
        "-o sealed.zip; echo kept > e.txt; setsid -w {tool} -o sealed.zip",
    ] {
        cases.push(timed(
            format!("unzip {args}, no terminal"),
            unzip_scene,
            format!("setsid -w {{tool}} {args}"),
        ));
    }
    for args in ["deflate64.zip", "-t deflate64.zip", "-p deflate64.zip"] {
        cases.push(timed(
            format!("unzip {args}"),
            unzip_scene,
            format!("{{tool}} {args}"),
        ));
    }
    let mut deflate64_bad = timed(
        "unzip deflate64bad.zip".into(),
        unzip_scene,
        "{tool} deflate64bad.zip".into(),
    );
    deflate64_bad.known = Some("an entry that fails to inflate: Info-ZIP keeps what it wrote; ours removes it (same messages and status)");
    cases.push(deflate64_bad);
    for args in ["bzbad.zip", "bzcrc.zip"] {
        let mut bad = timed(
            format!("unzip {args}"),
            unzip_scene,
            format!("{{tool}} {args}"),
        );
        bad.known = Some("a bzip2 entry that fails (bad data, bad CRC): Info-ZIP keeps what it wrote; ours removes it (same messages and status)");
        cases.push(bad);
    }
    let mut cut = timed("unzip cut.zip".into(), unzip_scene, "{tool} cut.zip".into());
    cut.known = Some("an archive missing its first bytes: Info-ZIP says `missing N bytes in zipfile' and goes on (here status 12); ours finds no archive (status 9)");
    cases.push(cut);
    let mut bomb = timed(
        "unzip overlap.zip".into(),
        unzip_scene,
        "{tool} overlap.zip".into(),
    );
    bomb.known = Some("Info-ZIP extracts the first overlapping entry before it stops with status 12; ours refuses before writing anything (same status)");
    cases.push(bomb);
    for args in ["dup.zip", "-l dup.zip", "-p dup.zip"] {
        let mut dup = timed(
            format!("unzip {args}"),
            unzip_scene,
            format!("{{tool}} {args}"),
        );
        dup.known = Some("entries of one name: Info-ZIP lists and extracts each (asking before the second replaces the first); ours refuses the archive, status 3 (the zip crate keeps one entry per name)");
        cases.push(dup);
    }
    for command in [
        "{tool} -p big.zip > /dev/full",
        "trap '' PIPE; {tool} -p big.zip | head -c 1 > /dev/null; echo \" ${PIPESTATUS[0]}\"",
    ] {
        let mut failed = timed(format!("unzip {command}"), unzip_scene, command.into());
        failed.known = Some("-p to a stdout that fails (full, or a closed pipe with SIGPIPE ignored): Info-ZIP ignores the error and exits 0; ours reports it, status 50");
        cases.push(failed);
    }
    compare("unzip", "unzip", env!("CARGO_BIN_EXE_unzip"), &cases);
}
