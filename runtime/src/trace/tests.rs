use super::frames::crate_of;
use super::*;
use crate::rights::{Right, RightSet};

#[test]
fn the_variable_has_three_values_and_rejects_others() {
    let p = |v: &str| Mode::parse(Some(OsStr::new(v)));
    assert_eq!(Mode::parse(None), Ok(Mode::Off));
    assert_eq!(p(""), Ok(Mode::Off));
    assert_eq!(p("0"), Ok(Mode::Off));
    assert_eq!(p("1"), Ok(Mode::Trace));
    assert_eq!(p("trace"), Ok(Mode::Trace));
    assert_eq!(p("trap"), Ok(Mode::Trap));
    assert_eq!(p("dry-run"), Ok(Mode::DryRun));
    assert_eq!(
        p("dryrun").unwrap_err(),
        "SANDBOXED_TRACE=\"dryrun\": expected `1` (or `trace`), `trap` or `dry-run` (or unset)"
    );
    assert!(!Mode::DryRun.enforces() && Mode::Trace.enforces());
}

fn config() -> Described {
    Described {
        fd: 4095,
        name: "config".into(),
        origin: "argv[1] = \"a.txt\"".into(),
        limits: Limits {
            rights: RightSet::of(&[Right::Read, Right::Fstat]),
            ..Limits::default()
        },
        dir: false,
        flags: Some(OpenFlags::READ),
    }
}

fn record(call: &str, object: Object, reason: Reason) -> Record {
    Record {
        syscall: call.split('(').next().unwrap().into(),
        call: call.into(),
        object,
        reason,
        errno: "EPERM",
        frames: vec![Frame {
            function: "violations::main".into(),
            location: Some("examples/src/bin/violations.rs:10:5".into()),
        }],
        caller: Some(Caller::User),
        opened_dir: false,
    }
}

#[test]
fn a_record_names_operation_object_reason_fix_and_the_user_line() {
    let r = record(
        "write(4095, 5 bytes)",
        Object::Descriptor {
            fd: 4095,
            decl: Some(Box::new(config())),
        },
        Reason::MissingRight(Right::Write),
    );
    assert_eq!(
        r.render(),
        "sandboxed: denied write(4095, 5 bytes) -> EPERM\n\
         \x20 object: descriptor 4095: preopen `config` (argv[1] = \"a.txt\")\n\
         \x20 reason: missing right CAP_WRITE\n\
         \x20 fix: `rights(config = [read, write, fstat])` and open it with `write` (preopen `config`)\n\
         \x20 at violations::main (examples/src/bin/violations.rs:10:5)\n"
    );
}

#[test]
fn global_paths_propose_a_preopen_a_service_or_say_what_helps() {
    let r = record(
        "openat(AT_FDCWD, \"/etc/localtime\", O_RDONLY|O_CLOEXEC)",
        Object::GlobalPath("/etc/localtime".into()),
        Reason::GlobalPath,
    );
    let fix = propose::fix(&r);
    assert!(
        fix.text.starts_with(
            "preopen it and use the handle: `preopen(localtime = file(\"/etc/localtime\"))`"
        ),
        "{}",
        fix.text
    );
    assert_eq!(fix.cover, propose::Cover::WithCode);
    let r = record(
        "openat(AT_FDCWD, \"/etc/resolv.conf\", O_RDONLY)",
        Object::GlobalPath("/etc/resolv.conf".into()),
        Reason::GlobalPath,
    );
    assert_eq!(propose::fix(&r).addition, Some(propose::Addition::Dns));
    let r = record(
        "openat(AT_FDCWD, \"out.log\", O_WRONLY|O_CREAT)",
        Object::GlobalPath("out.log".into()),
        Reason::GlobalPath,
    );
    assert!(propose::fix(&r)
        .text
        .contains("`preopen(out = file(\"out.log\", write, create))`"));
    // Code in a library: no preopen, and why.
    let mut r = record(
        "openat(AT_FDCWD, \"/proc/self/cgroup\", O_RDONLY|O_CLOEXEC)",
        Object::GlobalPath("/proc/self/cgroup".into()),
        Reason::GlobalPath,
    );
    r.caller = Some(Caller::Library("std::thread::available_parallelism".into()));
    let fix = propose::fix(&r);
    assert_eq!(fix.addition, None);
    assert_eq!(fix.cover, propose::Cover::Not);
    assert!(fix
        .text
        .contains("a preopen cannot help code that opens by path"));
    assert!(fix.text.contains("before entry"));
}

#[test]
fn bind_proposes_bind_and_a_listening_handle_never_connect() {
    let r = record(
        "bind(3, 127.0.0.1:8090)",
        Object::Bind("127.0.0.1:8090".into()),
        Reason::Endpoint,
    );
    let fix = propose::fix(&r);
    assert!(fix
        .text
        .contains("net(modes = [bind], bind = [\"127.0.0.1:8090\"])"));
    assert!(fix.text.contains("net.listen("));
    assert!(!fix.text.contains("connect") && !fix.text.contains("preopen the socket"));
}

#[test]
fn the_report_groups_and_counts() {
    let a = record(
        "openat(AT_FDCWD, \"/etc/localtime\", O_RDONLY)",
        Object::GlobalPath("/etc/localtime".into()),
        Reason::GlobalPath,
    );
    let b = record(
        "execve(\"/bin/true\")",
        Object::None,
        Reason::CapabilityMode,
    );
    let text = render_report(&[a.clone(), b, a]);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "sandboxed: dry-run: the declared sandbox would have denied 3 operations (2 distinct):"
    );
    assert_eq!(
        lines[1],
        "   2 x openat(AT_FDCWD, \"/etc/localtime\", O_RDONLY) -> EPERM"
    );
    assert_eq!(lines[2], "       object: absolute path \"/etc/localtime\"");
    assert!(lines.contains(&"   1 x execve(\"/bin/true\") -> EPERM"));
    assert!(lines.contains(&"       fix: none (no declaration allows this; change the code)"));
    assert_eq!(render_report(&[]).lines().count(), 1);
}

#[test]
fn the_summary_is_the_whole_declaration_with_the_additions() {
    let plan = decl::Plan {
        preopens: vec![decl::Preopen {
            name: "config",
            kind: Kind::File,
            source: decl::Source::Arg(1),
            flags: OpenFlags::READ,
            limits: config().limits,
        }],
        ..decl::Plan::default()
    };
    let path = |p: &str, flags: &str| {
        record(
            &format!("openat(AT_FDCWD, {p:?}, {flags})"),
            Object::GlobalPath(p.into()),
            Reason::GlobalPath,
        )
    };
    let right = |r: Right| {
        record(
            "x(4095)",
            Object::Descriptor {
                fd: 4095,
                decl: Some(Box::new(config())),
            },
            Reason::MissingRights(r, r.set()),
        )
    };
    let mut dir = path("/sys/fs/cgroup/cpu", "O_RDONLY|O_DIRECTORY");
    dir.opened_dir = true;
    let records = [
        path("/etc/localtime", "O_RDONLY"),
        path("/etc/resolv.conf", "O_RDONLY"),
        path("/etc/hosts", "O_RDONLY"),
        // A directory and a file of the same stem: two names.
        dir,
        path("/sys/fs/cgroup/cpu/", "O_RDONLY"),
        path("/tmp/cpu", "O_RDONLY"),
        right(Right::Write),
        right(Right::Seek),
    ];
    let groups: Vec<(&Record, usize)> = records.iter().map(|r| (r, 1)).collect();
    let text = summary(&plan, &groups);
    assert!(text.contains(
        "    preopen(config = file(arg(1), read, write), localtime = file(\"/etc/localtime\"), cpu = dir(\"/sys/fs/cgroup/cpu\"), cpu_2 = dir(\"/sys/fs/cgroup/cpu/\"), cpu_3 = file(\"/tmp/cpu\")),\n"
    ), "{text}");
    assert!(
        text.contains("    rights(config = [read, write, seek_tell, seek, fstat], "),
        "{text}"
    );
    assert!(text.contains("    services(dns),\n"), "{text}");
    assert!(text.contains("fn main(config: sandboxed::File, localtime: sandboxed::File, cpu: sandboxed::Dir, cpu_2: sandboxed::Dir, cpu_3: sandboxed::File, dns: sandboxed::services::Dns)"), "{text}");
    assert!(text.contains("sandboxed: dry-run: removed by that declaration alone:\n    x(4095) in violations::main\n"), "{text}");
}

fn frame(function: &str, location: Option<&str>) -> Frame {
    Frame {
        function: function.into(),
        location: location.map(Into::into),
    }
}

#[test]
fn the_crate_of_a_trait_method_is_its_type_s() {
    assert_eq!(crate_of("<&std::fs::File as std::io::Write>::write"), "std");
    assert_eq!(
        crate_of("<*mut tokio::x as core::ops::Drop>::drop"),
        "tokio"
    );
    assert_eq!(crate_of("violations::main"), "violations");
}

#[test]
fn user_frames_skip_std_libc_and_dependencies() {
    let all = [
        frame(
            "__open64",
            Some("./io/../sysdeps/unix/sysv/linux/open64.c:41:10"),
        ),
        frame(
            "std::fs::read::inner",
            Some("/rustc/abc/library/std/src/fs.rs:300:5"),
        ),
        frame(
            "violations::late_clock",
            Some("./examples/src/bin/violations.rs:40:13"),
        ),
        frame(
            "violations::main",
            Some("./examples/src/bin/violations.rs:20:5"),
        ),
        frame(
            "core::ops::function::FnOnce::call_once",
            Some("/rustc/abc/library/core/src/ops/function.rs:250:5"),
        ),
        frame(
            "std::rt::lang_start::{{closure}}",
            Some("/rustc/abc/library/std/src/rt.rs:160:18"),
        ),
        frame("main", None),
    ];
    let (frames, caller) = user_frames(&all);
    assert_eq!(frames, [all[2].clone(), all[3].clone()]);
    assert_eq!(caller, Some(Caller::User));
}

#[test]
fn a_library_call_is_named_by_the_function_the_user_called() {
    let all = [
        frame("__open64", None),
        frame(
            "std::fs::read_to_string::inner",
            Some("/rustc/abc/library/std/src/fs.rs:300:5"),
        ),
        frame(
            "std::sys::pal::unix::thread::cgroups::quota",
            Some("/rustc/abc/library/std/src/sys/pal/unix/thread.rs:1:1"),
        ),
        frame(
            "std::thread::available_parallelism",
            Some("/rustc/abc/library/std/src/thread/mod.rs:1:1"),
        ),
        frame(
            "tokio::runtime::builder::Builder::build",
            Some("/root/.cargo/registry/src/x/tokio-1.0/src/runtime/builder.rs:1:1"),
        ),
        frame("tok::main", Some("./src/main.rs:4:5")),
        frame("std::rt::lang_start::{{closure}}", None),
    ];
    let (frames, caller) = user_frames(&all);
    assert_eq!(frames, [all[5].clone()]);
    assert_eq!(
        caller,
        Some(Caller::Library(
            "tokio::runtime::builder::Builder::build".into()
        ))
    );
    // Without debug information: the crate whose `main` std calls.
    let bare: Vec<Frame> = all.iter().map(|f| frame(&f.function, None)).collect();
    let (frames, _) = user_frames(&bare);
    assert_eq!(frames, [bare[5].clone()]);
}
