use super::*;
use crate::decl::{OpenFlags, Preopen};
use crate::rights::{Right, RightSet};

#[derive(Default)]
struct Recorder {
    calls: Vec<String>,
    missing: Vec<String>,
    fail_at: Option<&'static str>,
}

impl Recorder {
    fn step(&mut self, name: String) -> Result<(), Failure> {
        let failing = self.fail_at.is_some_and(|f| name.starts_with(f));
        self.calls.push(name);
        if failing {
            Err(Failure::new(
                "fake",
                std::io::Error::from_raw_os_error(libc::EPERM),
            ))
        } else {
            Ok(())
        }
    }
}

impl Backend for Recorder {
    type Channel = &'static str;
    type Gap = String;

    fn trace_mode(&self) -> crate::trace::Mode {
        crate::trace::Mode::Off
    }

    fn missing(&mut self, _: &Plan) -> Vec<String> {
        self.calls.push("probe".into());
        self.missing.clone()
    }
    fn open(&mut self, p: &Preopen, path: &std::path::Path) -> std::io::Result<OwnedFd> {
        self.step(format!("open {} {}", p.name, path.display()))
            .map_err(|f| f.error)?;
        Ok(std::fs::File::open("/dev/null")?.into())
    }
    fn limit(&mut self, fd: OwnedFd, limits: &Limits) -> Result<OwnedFd, Failure> {
        self.step(format!("limit {}", limits.rights))?;
        Ok(fd)
    }
    fn limit_stdio(&mut self, s: Stdio, _: &Limits) -> Result<(), Failure> {
        self.step(format!("limit {}", s.name()))
    }
    fn warm_caches(&mut self) -> Result<(), Error> {
        self.step("caches".into()).map_err(|f| Error::Cache {
            what: "time zone data",
            source: f.error,
        })
    }
    fn open_services(&mut self, s: &[ServiceDecl]) -> Result<Vec<&'static str>, Error> {
        let names: Vec<_> = s.iter().map(|s| s.service_name()).collect();
        self.step(format!("services {}", names.join(" ")))
            .map_err(|f| Error::Service {
                service: "system.dns",
                syscall: f.syscall,
                source: f.error,
            })?;
        Ok(names)
    }
    fn enter(&mut self) -> Result<(), Error> {
        self.step("enter".into()).map_err(|f| Error::Enter {
            syscall: f.syscall,
            source: f.error,
        })
    }
}

fn plan() -> Plan {
    let file = |name, source| Preopen {
        name,
        kind: Kind::File,
        source,
        flags: OpenFlags::READ,
        limits: Limits {
            rights: RightSet::of(&[Right::Read]),
            ..Limits::default()
        },
    };
    Plan {
        preopens: vec![
            file("old", Source::Arg(1)),
            file("cfg", Source::Literal("/etc/hostname")),
        ],
        stdio: vec![(Stdio::Stdout, Limits::STDOUT)],
        services: vec![ServiceDecl::Syslog],
        on_unsupported: OnUnsupported::Deny,
        exit_code: None,
        on_setup_error: None,
        before_entry: None,
        limits: Vec::new(),
    }
}

fn args() -> Vec<OsString> {
    vec!["prog".into(), "a.bin".into()]
}

#[test]
fn steps_run_in_the_documented_order() {
    let mut b = Recorder::default();
    let mut handles = run(&plan(), &args(), &mut b).unwrap();
    assert_eq!(
        b.calls,
        [
            "probe",
            "open old a.bin",
            "open cfg /etc/hostname",
            "limit read",
            "limit read",
            "limit stdout",
            "caches",
            "services system.syslog",
            "enter",
        ]
    );
    assert_eq!(handles.channel(0), "system.syslog");
}

#[test]
fn a_failing_step_stops_everything_after_it() {
    for (fail_at, last) in [
        ("open cfg", "open cfg /etc/hostname"),
        ("limit stdout", "limit stdout"),
        ("caches", "caches"),
        ("services", "services system.syslog"),
        ("enter", "enter"),
    ] {
        let mut b = Recorder {
            fail_at: Some(fail_at),
            ..Recorder::default()
        };
        assert!(run(&plan(), &args(), &mut b).is_err());
        assert_eq!(b.calls.last().unwrap(), last, "failing at {fail_at}");
    }
}

#[test]
fn before_entry_runs_after_the_limits_and_before_the_caches() {
    fn fails() -> crate::decl::BeforeEntry {
        Err("no config".into())
    }
    fn succeeds() -> crate::decl::BeforeEntry {
        Ok(())
    }
    let mut plan = plan();
    plan.before_entry = Some(fails);
    let mut b = Recorder::default();
    let err = run(&plan, &args(), &mut b).unwrap_err();
    assert_eq!(err.to_string(), "before entry: no config");
    assert_eq!(b.calls.last().unwrap(), "limit stdout");
    plan.before_entry = Some(succeeds);
    let mut b = Recorder::default();
    run(&plan, &args(), &mut b).unwrap();
    assert_eq!(b.calls.last().unwrap(), "enter");
}

#[test]
fn an_absent_option_source_opens_nothing() {
    let mut plan = plan();
    plan.preopens[1].source = Source::Absent { text: "cli.config" };
    let mut b = Recorder::default();
    let mut handles = run(&plan, &args(), &mut b).unwrap();
    assert!(
        !b.calls.iter().any(|c| c.starts_with("open cfg")),
        "{:?}",
        b.calls
    );
    assert!(handles
        .file_as::<crate::Unknown, _>(1, crate::decl::MaybeAbsent)
        .is_none());
    assert!(handles
        .file_as::<crate::Unknown, _>(0, crate::decl::MaybeAbsent)
        .is_some());
}

#[test]
fn a_missing_argument_is_reported_before_anything_is_opened() {
    let mut b = Recorder::default();
    let err = run(&plan(), &["prog".into()], &mut b).unwrap_err();
    assert_eq!(
        err.to_string(),
        "preopen `old` (argv[1]): missing command-line argument"
    );
    assert!(err.is_missing_argument());
    assert_eq!(b.calls, ["probe"]);
}

#[test]
fn fallible_preopens_keep_each_operands_error_and_go_on() {
    let mut plan = plan();
    plan.preopens[0].kind = Kind::Files;
    plan.preopens[0].flags.fallible = true;
    plan.preopens[0].source = Source::Exprs {
        text: "names",
        values: vec!["a".into(), "bad".into(), "c".into()],
    };
    let mut b = Recorder {
        fail_at: Some("open old bad"),
        ..Recorder::default()
    };
    let mut handles = run(&plan, &args(), &mut b).unwrap();
    assert_eq!(b.calls.last().unwrap(), "enter");
    let operands = handles.operands::<crate::Unknown>(0);
    let seen: Vec<_> = operands
        .iter()
        .map(|o| (o.path.to_str().unwrap(), o.file.is_ok()))
        .collect();
    assert_eq!(seen, [("a", true), ("bad", false), ("c", true)]);
    // Only the opened ones are limited.
    assert_eq!(b.calls.iter().filter(|c| *c == "limit read").count(), 3);
}

#[test]
fn dash_names_the_standard_stream_without_opening_a_file() {
    let mut plan = plan();
    plan.preopens[0].flags.dash = true;
    let mut b = Recorder::default();
    let mut handles = run(&plan, &["prog".into(), "-".into()], &mut b).unwrap();
    assert!(
        !b.calls.iter().any(|c| c.starts_with("open old")),
        "{:?}",
        b.calls
    );
    let file = handles.file::<crate::Unknown>(0);
    let stdin = rustix::fs::fstat(std::io::stdin()).unwrap();
    let copy = rustix::fs::fstat(&file).unwrap();
    assert_eq!((copy.st_dev, copy.st_ino), (stdin.st_dev, stdin.st_ino));
    // Without `dash`, `-` is a file name.
    let mut b = Recorder::default();
    run(&self::plan(), &["prog".into(), "-".into()], &mut b).unwrap();
    assert!(b.calls.iter().any(|c| c == "open old -"));
}

#[test]
fn unsupported_denies_by_default_and_warn_runs() {
    let mut b = Recorder {
        missing: vec!["capability mode".into()],
        ..Recorder::default()
    };
    let err = run(&plan(), &args(), &mut b).unwrap_err();
    assert!(matches!(err, Error::Unsupported { .. }));
    assert_eq!(b.calls, ["probe"]);

    let mut warn = plan();
    warn.on_unsupported = OnUnsupported::Warn;
    let mut b = Recorder {
        missing: vec!["capability mode".into()],
        ..Recorder::default()
    };
    run(&warn, &args(), &mut b).unwrap();
    assert_eq!(b.calls.last().unwrap(), "enter");
}
