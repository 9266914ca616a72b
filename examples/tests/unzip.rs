//! `unzip` run as a user would, on archives built here with the zip
//! crate's writer: ordinary ones extract; hostile entries (`../`, absolute
//! paths, links out) are refused and nothing appears outside DIR.

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
        stdout(&out).contains("  inflating: docs/readme.txt\n"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn hostile_entries_are_refused_and_nothing_escapes_dir() {
    let d = tempfile::tempdir().unwrap();
    let absolute = d.path().join("absolute-victim");
    let absolute_name = absolute.display().to_string();
    archive(
        &d.path().join("evil.zip"),
        &[
            ("ok.txt", Some("fine\n")),
            ("../escaped", Some("pwned\n")),
            ("a/../../escaped2", Some("pwned\n")),
            ("..\\escaped3", Some("pwned\n")),
            (&absolute_name, Some("pwned\n")),
            ("@up", Some("..")),
            ("up/escaped4", Some("pwned\n")),
            ("@abs", Some(d.path().to_str().unwrap())),
            ("abs/escaped5", Some("pwned\n")),
            ("@sneaky", Some("a/../..")),
        ],
    );
    let Some(out) = run(UNZIP, &["evil.zip", "-d", "out"], d.path()) else {
        return;
    };
    assert_eq!(status(&out), 1, "{out:?}");
    let err = stderr(&out);
    assert!(!err.contains("panicked"), "{err}");
    for name in [
        "../escaped",
        "a/../../escaped2",
        "..\\escaped3",
        "up",
        "abs",
        "sneaky",
    ] {
        assert!(err.contains(&format!("skipping {name:?}")), "{name}: {err}");
    }
    // Outside DIR: only what was there before.
    assert_eq!(
        tree(d.path())
            .iter()
            .filter(|p| !p.starts_with("out"))
            .collect::<Vec<_>>(),
        ["evil.zip"]
    );
    assert!(!absolute.exists());
    // Inside: the good entry, and the links' would-be children as plain
    // directories (the links were refused, so nothing was followed).
    let o = d.path().join("out");
    assert_eq!(std::fs::read_to_string(o.join("ok.txt")).unwrap(), "fine\n");
    assert!(!o.join("up").is_symlink() && !o.join("abs").is_symlink());
}

#[test]
fn a_corrupt_archive_is_one_error_not_a_crash() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("junk.zip"), noise(10_000, 5)).unwrap();
    let Some(out) = run(UNZIP, &["junk.zip", "-d", "out"], d.path()) else {
        return;
    };
    assert_eq!(status(&out), 3, "{out:?}");
    assert_clean_error(&out, "unzip: junk.zip: ");
    assert_eq!(tree(&d.path().join("out")), Vec::<String>::new());
}

#[test]
fn a_missing_archive_is_reported_before_dir_is_created() {
    let d = tempfile::tempdir().unwrap();
    let Some(out) = run(UNZIP, &["nope.zip", "-d", "out"], d.path()) else {
        return;
    };
    assert_eq!(status(&out), 9);
    assert_clean_error(&out, "sandboxed: preopen `archive`");
    assert!(!d.path().join("out").exists());
}
