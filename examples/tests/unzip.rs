//! `unzip` run as a user would, on archives built here with the zip
//! crate's writer: ordinary ones extract; hostile entries (`../`, absolute
//! paths, links out) are cleaned as Info-ZIP cleans them, nothing is
//! written through a link and nothing appears outside DIR.

mod common;

use std::io::Write;
use std::path::Path;

use common::*;
use zip::write::SimpleFileOptions;

const UNZIP: &str = env!("CARGO_BIN_EXE_unzip");

/// Writes an archive of `entries`: (name, Some(content)) files,
/// (name, None) directories, and links given as ("@name", target).
fn archive(path: &Path, entries: &[(&str, Option<&str>)]) {
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let options = SimpleFileOptions::default().unix_permissions(0o640);
    for (name, content) in entries {
        match (name.strip_prefix('@'), content) {
            (Some(link), Some(target)) => zip.add_symlink(link, target, options).unwrap(),
            (None, Some(content)) => {
                zip.start_file(*name, options).unwrap();
                zip.write_all(content.as_bytes()).unwrap();
            }
            _ => zip.add_directory(*name, options).unwrap(),
        }
    }
    zip.finish().unwrap();
}

/// Every path beneath `root`, relative, sorted.
fn tree(root: &Path) -> Vec<String> {
    let mut all = Vec::new();
    let mut todo = vec![root.to_path_buf()];
    while let Some(dir) = todo.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let path = e.unwrap().path();
            all.push(path.strip_prefix(root).unwrap().display().to_string());
            if path.is_dir() && !path.is_symlink() {
                todo.push(path);
            }
        }
    }
    all.sort();
    all
}

#[test]
fn an_ordinary_archive_extracts_into_dir() {
    let d = tempfile::tempdir().unwrap();
    archive(
        &d.path().join("a.zip"),
        &[
            ("docs/", None),
            ("docs/readme.txt", Some("hello\n")),
            ("src/deep/er/main.rs", Some("fn main() {}\n")),
            ("@latest", Some("docs/readme.txt")),
        ],
    );
    let Some(out) = run(UNZIP, &["a.zip", "-d", "out"], d.path()) else {
        return;
    };
    assert_eq!((status(&out), stderr(&out)), (0, String::new()), "{out:?}");
    let o = d.path().join("out");
    assert_eq!(
        tree(&o),
        [
            "docs",
            "docs/readme.txt",
            "latest",
            "src",
            "src/deep",
            "src/deep/er",
            "src/deep/er/main.rs"
        ]
    );
    assert_eq!(
        std::fs::read_to_string(o.join("latest")).unwrap(),
        "hello\n"
    );
    assert_eq!(
        std::fs::read_link(o.join("latest")).unwrap(),
        Path::new("docs/readme.txt")
    );
    assert_eq!(
        std::fs::read_to_string(o.join("src/deep/er/main.rs")).unwrap(),
        "fn main() {}\n"
    );
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(o.join("docs/readme.txt"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o640);
    assert!(
        stdout(&out).contains("  inflating: out/docs/readme.txt     \n"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn hostile_entries_are_cleaned_and_nothing_escapes_dir() {
    let d = tempfile::tempdir().unwrap();
    let absolute = d.path().join("absolute-victim");
    let absolute_name = absolute.display().to_string();
    archive(
        &d.path().join("evil.zip"),
        &[
            ("ok.txt", Some("fine\n")),
            ("../escaped", Some("pwned\n")),
            ("a/../../escaped2", Some("pwned\n")),
            (&absolute_name, Some("pwned\n")),
            ("@up", Some("..")),
            ("up/escaped4", Some("pwned\n")),
            ("@abs", Some(d.path().to_str().unwrap())),
            ("abs/escaped5", Some("pwned\n")),
        ],
    );
    let Some(out) = run(UNZIP, &["evil.zip", "-d", "out"], d.path()) else {
        return;
    };
    // Info-ZIP: warnings for the cleaned names, a "checkdir error" (status
    // 2) for each entry beneath a link: the link holds its name as a
    // placeholder file until the end, so nothing goes through it.
    assert_eq!(status(&out), 2, "{out:?}");
    let (text, err) = (stdout(&out), stderr(&out));
    assert!(!err.contains("panicked"), "{err}");
    assert!(
        text.contains("warning:  skipped \"../\" path component(s) in ../escaped\n"),
        "{text}"
    );
    assert!(
        err.contains(&format!(
            "warning:  stripped absolute path spec from {absolute_name}\n"
        )),
        "{err}"
    );
    assert!(
        err.contains("checkdir error:  out/up exists but is not directory\n"),
        "{err}"
    );
    assert!(err.contains("unable to process out/abs/escaped5."), "{err}");
    // Outside DIR: only what was there before.
    assert_eq!(
        tree(d.path())
            .iter()
            .filter(|p| !p.starts_with("out"))
            .collect::<Vec<_>>(),
        ["evil.zip"]
    );
    assert!(!absolute.exists());
    let o = d.path().join("out");
    assert_eq!(std::fs::read_to_string(o.join("ok.txt")).unwrap(), "fine\n");
    assert_eq!(
        std::fs::read_to_string(o.join("escaped")).unwrap(),
        "pwned\n"
    );
    assert_eq!(
        std::fs::read_to_string(o.join("a/escaped2")).unwrap(),
        "pwned\n"
    );
    assert!(o.join(absolute_name.trim_start_matches('/')).is_file());
    // The links exist, as Info-ZIP makes them; nothing was written
    // through them.
    assert_eq!(std::fs::read_link(o.join("up")).unwrap(), Path::new(".."));
    assert!(!d.path().join("escaped4").exists() && !d.path().join("escaped5").exists());
}

#[test]
fn existing_files_are_replaced_whole_or_kept() {
    let d = tempfile::tempdir().unwrap();
    archive(
        &d.path().join("a.zip"),
        &[("f.txt", Some("new\n")), ("a.zip", Some("inner\n"))],
    );
    std::fs::write(d.path().join("f.txt"), "old\n").unwrap();
    // Without a terminal, no answer: Info-ZIP's "[N]one", status 1, and
    // the archive itself (an entry of the same name) is kept.
    let Some(out) = run(UNZIP, &["a.zip"], d.path()) else {
        return;
    };
    assert_eq!(status(&out), 1, "{out:?}");
    assert!(stderr(&out).contains("(EOF or read error, treating as \"[N]one\" ...)"));
    assert_eq!(
        std::fs::read_to_string(d.path().join("f.txt")).unwrap(),
        "old\n"
    );
    assert!(std::fs::read(d.path().join("a.zip"))
        .unwrap()
        .starts_with(b"PK"));
    // -n keeps everything silently.
    let Some(out) = run(UNZIP, &["-n", "a.zip"], d.path()) else {
        return;
    };
    assert_eq!(status(&out), 0, "{out:?}");
    assert_eq!(
        std::fs::read_to_string(d.path().join("f.txt")).unwrap(),
        "old\n"
    );
    // -o replaces, the archive too: it is read to the end from its
    // descriptor while a temporary is renamed over its name.
    let Some(out) = run(UNZIP, &["-o", "a.zip"], d.path()) else {
        return;
    };
    assert_eq!(status(&out), 0, "{out:?}");
    assert_eq!(
        std::fs::read_to_string(d.path().join("f.txt")).unwrap(),
        "new\n"
    );
    assert_eq!(
        std::fs::read_to_string(d.path().join("a.zip")).unwrap(),
        "inner\n"
    );
}

#[test]
fn overlapping_entries_are_refused_before_anything_is_written() {
    // CVE-2019-13232: many central entries over one local entry.
    let d = tempfile::tempdir().unwrap();
    // 20 central entries, each named differently (`a.txt`, `b.txt`...),
    // all pointing at the one local entry.
    let bomb = overlapping_zip(20);
    std::fs::write(d.path().join("bomb.zip"), bomb).unwrap();
    let Some(out) = run(UNZIP, &["bomb.zip", "-d", "out"], d.path()) else {
        return;
    };
    assert_eq!(status(&out), 12, "{out:?}");
    assert_clean_error(
        &out,
        "error: invalid zip file with overlapped components (possible zip bomb)",
    );
    assert_eq!(tree(&d.path().join("out")), Vec::<String>::new());
}

#[test]
fn a_corrupt_archive_is_info_zips_error_not_a_crash() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("junk.zip"), noise(10_000, 5)).unwrap();
    let Some(out) = run(UNZIP, &["junk.zip", "-d", "out"], d.path()) else {
        return;
    };
    assert_eq!(status(&out), 9, "{out:?}");
    assert!(stderr(&out).contains("End-of-central-directory signature not found."));
    assert_eq!(tree(&d.path().join("out")), Vec::<String>::new());
}

#[test]
fn a_missing_archive_is_reported_before_dir_is_created() {
    let d = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(UNZIP)
        .args(["nope", "-d", "out"])
        .current_dir(d.path())
        .output()
        .unwrap();
    assert_eq!(status(&out), 9);
    assert_clean_error(
        &out,
        "unzip:  cannot find or open nope, nope.zip or nope.ZIP.",
    );
    assert!(!d.path().join("out").exists());
}

/// An archive of two stored entries named `a.txt`: written with other
/// names of the same length (the zip crate's writer refuses a repeated
/// name), then renamed in every header.
fn repeated_name(path: &Path) {
    archive(
        path,
        &[("a.txt", Some("first\n")), ("b.txt", Some("second\n"))],
    );
    repeat_name(path);
}

/// The zip crate keeps one entry per name, so two entries of one name
/// would be listed, piped and extracted as one (Info-ZIP shows both and
/// asks before the second replaces the first): refused before anything
/// is written, in every mode.
#[test]
fn entries_of_one_name_are_refused_not_hidden() {
    let d = tempfile::tempdir().unwrap();
    repeated_name(&d.path().join("dup.zip"));
    for args in [
        &["dup.zip"][..],
        &["-l", "dup.zip"],
        &["-p", "dup.zip"],
        &["-o", "dup.zip"],
    ] {
        let Some(out) = run(UNZIP, args, d.path()) else {
            return;
        };
        assert_eq!(status(&out), 3, "{args:?}: {out:?}");
        assert_eq!(
            stderr(&out),
            "error: invalid zip file with 2 entries under 1 distinct names (an entry would hide another)\n",
            "{args:?}"
        );
        assert!(!stdout(&out).contains("first") && !stdout(&out).contains("second"));
        assert_eq!(tree(d.path()), ["dup.zip"], "{args:?}");
    }
}

/// Entries that cannot be read (a method or version Info-ZIP skips, an
/// encrypted entry with no password to be had) are skipped before
/// anything is written: no file of theirs appears, an existing one is
/// left as it was, and the others are extracted (Info-ZIP's statuses: 81
/// for skipped methods, 5 for a password that cannot be read).
#[test]
fn skipped_entries_write_nothing() {
    let d = tempfile::tempdir().unwrap();
    let text = b"hello\n".repeat(20);
    let entry = |name, method, needs, flags, data| RawEntry {
        name,
        method,
        needs,
        flags,
        data,
        crc32: crc32fast::hash(&text),
        size: text.len() as u32,
    };
    let mut sealed = vec![0; 12];
    sealed.extend(&text);
    for (archive, entries, status_wanted) in [
        (
            "methods.zip",
            vec![
                entry("a.txt", 14, 63, 0, &text[..]),
                entry("b.txt", 93, 20, 0, &text),
                entry("ok.txt", 0, 10, 0, &text),
            ],
            81,
        ),
        (
            "sealed.zip",
            vec![
                entry("a.txt", 0, 20, 1, &sealed),
                entry("b.txt", 8, 20, 1, &sealed),
                entry("ok.txt", 0, 10, 0, &text),
            ],
            5,
        ),
    ] {
        let out_dir = d.path().join(archive.trim_end_matches(".zip"));
        std::fs::create_dir(&out_dir).unwrap();
        std::fs::write(out_dir.join("a.txt"), "precious\n").unwrap();
        std::fs::write(d.path().join(archive), raw_zip(&entries)).unwrap();
        let dir = out_dir.file_name().unwrap().to_str().unwrap();
        let Some(out) = run(UNZIP, &["-o", archive, "-d", dir], d.path()) else {
            return;
        };
        assert_eq!(status(&out), status_wanted, "{out:?}");
        assert!(stderr(&out).contains("   skipping: a.txt "), "{out:?}");
        assert_eq!(tree(&out_dir), ["a.txt", "ok.txt"], "{archive}");
        assert_eq!(
            std::fs::read_to_string(out_dir.join("a.txt")).unwrap(),
            "precious\n"
        );
    }
}

/// A bzip2 entry is extracted (the bzip2 crate decodes it), as Info-ZIP
/// does.
#[test]
fn bzip2_entries_extract() {
    use std::io::Read;
    let d = tempfile::tempdir().unwrap();
    let text = b"bzip2 text\n".repeat(100);
    let mut bz = Vec::new();
    bzip2::read::BzEncoder::new(&text[..], bzip2::Compression::best())
        .read_to_end(&mut bz)
        .unwrap();
    let entry = RawEntry::holding("b.txt", 12, 46, &bz, &text);
    std::fs::write(d.path().join("bz.zip"), raw_zip(&[entry])).unwrap();
    let Some(out) = run(UNZIP, &["bz.zip"], d.path()) else {
        return;
    };
    assert_eq!((status(&out), stderr(&out)), (0, String::new()), "{out:?}");
    assert!(stdout(&out).contains(" bunzipping: b.txt"), "{out:?}");
    assert_eq!(std::fs::read(d.path().join("b.txt")).unwrap(), text);
}

/// Names as long as NAME_MAX allows are replaced like any other (the
/// temporary beside them keeps to NAME_MAX too); a longer name is the
/// output-file error Info-ZIP gives it, status 50 (extract.c:
/// `open_outfile` failing is `PK_DISK`), and the other entries are
/// extracted.
#[test]
fn long_names_are_replaced_or_refused_as_info_zip_does() {
    let d = tempfile::tempdir().unwrap();
    let (fits, too_long) = ("y".repeat(250), "x".repeat(300));
    let entry = |name| RawEntry {
        name,
        method: 0,
        needs: 10,
        flags: 0,
        data: b"new\n",
        crc32: crc32fast::hash(b"new\n"),
        size: 4,
    };
    let zip = raw_zip(&[entry(&fits), entry(&too_long), entry("ok.txt")]);
    std::fs::write(d.path().join("long.zip"), zip).unwrap();
    std::fs::write(d.path().join(&fits), "old\n").unwrap();
    let Some(out) = run(UNZIP, &["-o", "long.zip"], d.path()) else {
        return;
    };
    assert_eq!(status(&out), 50, "{out:?}");
    assert_eq!(
        stderr(&out),
        format!("error:  cannot create {too_long}\n        File name too long\n")
    );
    assert_eq!(
        std::fs::read_to_string(d.path().join(&fits)).unwrap(),
        "new\n"
    );
    assert_eq!(tree(d.path()), ["long.zip", "ok.txt", fits.as_str()]);
}
