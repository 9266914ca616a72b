//! `SANDBOXED_TRACE` on the `violations` example: the trace, trap and
//! dry-run reports, asserted line by line (operation, object, reason; the
//! backtrace is checked to name the user's function).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_violations");

/// Removes a scene when the test ends.
struct Scene(PathBuf);

impl Drop for Scene {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl std::ops::Deref for Scene {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

/// A directory with `config.txt`, `notes.txt`, `escape.txt` and `work/`.
fn scene(name: &str) -> Scene {
    let dir = std::env::temp_dir().join(format!(
        "sandboxed-violations-{name}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("work")).unwrap();
    std::fs::write(dir.join("config.txt"), "key = value\n").unwrap();
    std::fs::write(dir.join("notes.txt"), "notes\n").unwrap();
    std::fs::write(dir.join("escape.txt"), "secret\n").unwrap();
    Scene(dir)
}

fn run(dir: &Path, trace: Option<&str>) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.current_dir(dir).args(["config.txt", "work"]);
    cmd.env_remove("SANDBOXED_TRACE").env("RUST_BACKTRACE", "0");
    if let Some(value) = trace {
        cmd.env("SANDBOXED_TRACE", value);
    }
    cmd.output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// `None` (and a `skipped:` line) where the sandbox cannot be enforced.
fn enforced(name: &str) -> Option<Scene> {
    let dir = scene(name);
    let out = run(&dir, None);
    let stderr = text(&out.stderr);
    if out.status.code() == Some(71) && stderr.contains("cannot enforce") {
        println!("skipped: {}", stderr.trim());
        return None;
    }
    Some(dir)
}

/// Limited descriptors live just below min(RLIMIT_NOFILE, 4096): `4095` → `N`.
fn normalize(line: &str) -> String {
    let mut out = String::new();
    let mut digits = String::new();
    for c in line.chars().chain(std::iter::once('\0')) {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        if !digits.is_empty() {
            if digits.parse::<u32>().is_ok_and(|n| n >= 512) {
                out.push('N');
            } else {
                out.push_str(&digits);
            }
            digits.clear();
        }
        if c != '\0' {
            out.push(c);
        }
    }
    out
}

/// The records of a trace: (head, object, reason, first `at` line).
fn records(stderr: &str) -> Vec<[String; 4]> {
    let mut out = Vec::new();
    let lines: Vec<&str> = stderr.lines().collect();
    for (i, l) in lines.iter().enumerate() {
        if !l.starts_with("sandboxed: denied ") {
            continue;
        }
        let field = |prefix: &str| {
            lines[i + 1..]
                .iter()
                .take_while(|l| !l.starts_with("sandboxed:"))
                .find_map(|l| l.trim_start().strip_prefix(prefix))
                .map(normalize)
                .unwrap_or_default()
        };
        out.push([
            normalize(l),
            field("object: "),
            field("reason: "),
            field("at "),
        ]);
    }
    out
}

const PROGRAM_OUTPUT: &str = "\
read config: ok
open notes.txt: denied (Operation not permitted (os error 1))
write config: Bad file descriptor (os error 9)
connect 127.0.0.1:9: denied (Operation not permitted (os error 1))
read /etc/localtime: denied (Operation not permitted (os error 1))
read /etc/localtime: denied (Operation not permitted (os error 1))
read /etc/localtime: denied (Operation not permitted (os error 1))
open ../escape.txt: denied (Permission denied (os error 13))
";

#[test]
fn without_the_variable_nothing_is_reported() {
    let Some(dir) = enforced("off") else { return };
    let out = run(&dir, None);
    assert!(out.status.success());
    assert_eq!(text(&out.stdout), PROGRAM_OUTPUT);
    assert_eq!(text(&out.stderr), "");
}

#[test]
fn trace_reports_each_denial_and_the_program_sees_the_error() {
    let Some(dir) = enforced("trace") else { return };
    let out = run(&dir, Some("1"));
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert_eq!(
        text(&out.stdout),
        PROGRAM_OUTPUT,
        "the program sees the same errors"
    );
    let localtime = [
        "sandboxed: denied openat(AT_FDCWD, \"/etc/localtime\", O_RDONLY|O_CLOEXEC) -> EPERM",
        "absolute path \"/etc/localtime\"",
        "capability mode: path lookup outside every preopened directory",
        "violations::late_clock",
    ];
    let expected: [[&str; 4]; 7] = [
        [
            "sandboxed: denied openat(AT_FDCWD, \"notes.txt\", O_RDONLY|O_CLOEXEC) -> EPERM",
            "path \"notes.txt\" relative to the current directory",
            "capability mode: path lookup outside every preopened directory",
            "violations::open_from_cwd",
        ],
        [
            "sandboxed: denied write(N, .., 5 bytes) -> EBADF",
            "descriptor N: preopen `config` (argv[1] = \"config.txt\")",
            "missing right CAP_WRITE",
            "violations::write_config",
        ],
        [
            "sandboxed: denied socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, 0) -> EPERM",
            "new AF_INET SOCK_STREAM socket",
            "capability mode: no new network endpoints",
            "violations::connect_socket",
        ],
        localtime,
        localtime,
        localtime,
        // Landlock's refusal, which seccomp does not see, reported by the
        // `Dir` call that met it.
        [
            "sandboxed: denied openat(N, \"../escape.txt\", O_RDONLY|O_CLOEXEC) -> EACCES",
            "path \"../escape.txt\" beneath preopen `work` (argv[2] = \"work\")",
            "path leaves its preopened directory",
            "violations::escape",
        ],
    ];
    let got = records(&stderr);
    assert_eq!(got.len(), expected.len(), "{stderr}");
    for (g, e) in got.iter().zip(&expected) {
        assert_eq!(g[..3], e[..3], "{stderr}");
        assert!(
            g[3].starts_with(e[3]),
            "backtrace of {:?} starts at {:?}",
            e[0],
            g[3]
        );
        assert!(g[3].contains("examples/src/bin/violations.rs:"), "{}", g[3]);
    }
}

#[test]
fn trap_stops_at_the_first_denial_with_sigtrap() {
    use std::os::unix::process::ExitStatusExt;
    let Some(dir) = enforced("trap") else { return };
    let out = run(&dir, Some("trap"));
    let stderr = text(&out.stderr);
    assert_eq!(out.status.signal(), Some(libc_sigtrap()), "{stderr}");
    assert_eq!(text(&out.stdout), "read config: ok\n");
    let got = records(&stderr);
    assert_eq!(got.len(), 1, "{stderr}");
    assert_eq!(
        got[0][0],
        "sandboxed: denied openat(AT_FDCWD, \"notes.txt\", O_RDONLY|O_CLOEXEC) -> EPERM"
    );
    assert!(
        got[0][3].starts_with("violations::open_from_cwd"),
        "{stderr}"
    );
    assert_eq!(
        stderr.lines().last().unwrap(),
        "sandboxed: SANDBOXED_TRACE=trap: stopped at the first denied operation (SIGTRAP)"
    );
}

/// SIGTRAP is 5 on Linux and FreeBSD.
fn libc_sigtrap() -> i32 {
    5
}

#[test]
fn dry_run_enforces_nothing_and_lists_what_would_be_denied() {
    let Some(dir) = enforced("dry-run") else {
        return;
    };
    let out = run(&dir, Some("dry-run"));
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert_eq!(
        text(&out.stdout),
        "\
read config: ok
open notes.txt: ok
write config: Bad file descriptor (os error 9)
connect 127.0.0.1:9: Connection refused (os error 111)
read /etc/localtime: ok
read /etc/localtime: ok
read /etc/localtime: ok
open ../escape.txt: ok
",
        "nothing enforced: the program runs as without the sandbox"
    );
    // The report, without the backtrace lines (checked below).
    let report: Vec<String> = stderr
        .lines()
        .filter(|l| !l.starts_with("          ") && !l.trim_start().starts_with("at "))
        .map(normalize)
        .collect();
    let expected = [
        "sandboxed: SANDBOXED_TRACE=dry-run: the sandbox is NOT enforced; denials are listed at exit",
        "sandboxed: dry-run: the declared sandbox would have denied 8 operations (6 distinct):",
        "   1 x openat(AT_FDCWD, \"notes.txt\", O_RDONLY|O_CLOEXEC) -> EPERM",
        "       object: path \"notes.txt\" relative to the current directory",
        "       reason: capability mode: path lookup outside every preopened directory",
        "       fix: preopen it and use the handle: `preopen(notes = file(\"notes.txt\"))`, the parameter `notes: File`, and `notes` where the code opens \"notes.txt\" (a preopen does not redirect an open by path)",
        "   1 x write(N, .., 5 bytes) -> EBADF",
        "       object: descriptor N: preopen `config` (argv[1] = \"config.txt\")",
        "       reason: missing right CAP_WRITE",
        "       fix: `rights(config = [read, write, fstat])` and open it with `write` (preopen `config`)",
        "   1 x socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, 0) -> EPERM",
        "       object: new AF_INET SOCK_STREAM socket",
        "       reason: capability mode: no new network endpoints",
        "       fix: sockets come from the net service: `net.connect(..)`, `net.listen(..)` or `net.bind_udp(..)` with `services(net(..))` declaring their addresses (`SANDBOXED_TRACE=dry-run` lists them)",
        "   1 x connect(3, 127.0.0.1:9) -> EPERM",
        "       object: connection to address 127.0.0.1:9",
        "       reason: capability mode: no new network endpoints",
        "       fix: connect through the net service: `services(net(modes = [connect], connect = [\"127.0.0.1:9\"]))`, the parameter `net: Net`, and `net.connect(\"127.0.0.1:9\")` instead of std::net",
        "   3 x openat(AT_FDCWD, \"/etc/localtime\", O_RDONLY|O_CLOEXEC) -> EPERM",
        "       object: absolute path \"/etc/localtime\"",
        "       reason: capability mode: path lookup outside every preopened directory",
        "       fix: preopen it and use the handle: `preopen(localtime = file(\"/etc/localtime\"))`, the parameter `localtime: File`, and `localtime` where the code opens \"/etc/localtime\" (a preopen does not redirect an open by path)",
        "   1 x openat(N, \"../escape.txt\", O_RDONLY|O_CLOEXEC) -> EACCES",
        "       object: path \"../escape.txt\" beneath preopen `work` (argv[2] = \"work\")",
        "       reason: path leaves its preopened directory",
        "       fix: \"../escape.txt\" leaves `work`: preopen what it names with a declaration of its own and open it through that handle",
        "sandboxed: dry-run: the declaration with what would allow the above (in place of the attribute and main's parameters):",
        "#[sandboxed::sandboxed(",
        "    preopen(config = file(arg(1), read, write), work = dir(arg(2)), notes = file(\"notes.txt\"), localtime = file(\"/etc/localtime\")),",
        "    rights(config = [read, write, fstat], work = [read, lookup], notes = [read, seek_tell, seek, fstat], localtime = [read, seek_tell, seek, fstat], stdio),",
        "    services(net(modes = [connect], connect = [\"127.0.0.1:9\"])),",
        ")]",
        "fn main(config: sandboxed::File, work: sandboxed::Dir, notes: sandboxed::File, localtime: sandboxed::File, net: sandboxed::services::Net)",
        "sandboxed: dry-run: removed by that declaration alone:",
        "    write(N, .., 5 bytes) in violations::write_config",
        "sandboxed: dry-run: that declaration allows, once the code uses its handles (see each fix):",
        "    openat(AT_FDCWD, \"notes.txt\", O_RDONLY|O_CLOEXEC) in violations::open_from_cwd",
        "    socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, 0) in violations::connect_socket",
        "    connect(3, 127.0.0.1:9) in violations::connect_socket",
        "    openat(AT_FDCWD, \"/etc/localtime\", O_RDONLY|O_CLOEXEC) in violations::late_clock",
        "sandboxed: dry-run: no declaration allows (change the code):",
        "    openat(N, \"../escape.txt\", O_RDONLY|O_CLOEXEC) in violations::escape",
    ];
    assert_eq!(report, expected, "{stderr}");
    let at: Vec<&str> = stderr
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("at "))
        .collect();
    let functions = [
        "violations::open_from_cwd",
        "violations::write_config",
        "violations::connect_socket",
        "violations::connect_socket",
        "violations::late_clock",
        "violations::escape",
    ];
    assert_eq!(at.len(), functions.len(), "{stderr}");
    for (a, f) in at.iter().zip(functions) {
        assert!(a.starts_with(f), "{a} should be in {f}");
    }
}

#[test]
fn an_unknown_value_refuses_to_start() {
    let dir = scene("unknown");
    let out = run(&dir, Some("dryrun"));
    assert_eq!(out.status.code(), Some(71));
    assert_eq!(text(&out.stdout), "");
    assert_eq!(
        text(&out.stderr),
        "sandboxed: SANDBOXED_TRACE=\"dryrun\": expected `1` (or `trace`), `trap` or `dry-run` (or unset)\n"
    );
}
