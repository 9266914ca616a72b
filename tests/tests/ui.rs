//! Compile-fail cases of `#[sandboxed]`, one mistake per file, and the pass
//! cases (run by trybuild: each is its own process). Bless with
//! `TRYBUILD=overwrite cargo test -p sandboxed-tests --test ui`.

use std::fmt::Write as _;
use std::path::PathBuf;

use sandboxed::decl::{DnsType, Family, FileOp, GrpCmd, GrpField, NetMode, PwdCmd, PwdField, Word};
use sandboxed::rights::{Fcntl, Ioctl};
use sandboxed::Right;

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    for category in [
        "unknown",
        "preopen",
        "rights",
        "services",
        "function",
        "typed-handles",
    ] {
        t.compile_fail(format!("ui/{category}/*.rs"));
    }
    t.pass("ui/pass/*.rs");
    t.pass(every_right());
    t.pass(every_word());
}

/// `a, b, c`: every word of `W`.
fn all<W: Word>() -> String {
    let names: Vec<&str> = W::ALL.iter().map(|w| w.name()).collect();
    names.join(", ")
}

/// A compile-only pass case written from the vocabulary at test time:
/// every ioctl, fcntl and service limit word in one declaration, so the
/// attribute accepts each name and the runtime has the value it expands to.
fn every_word() -> PathBuf {
    let src = format!(
        "// Written by tests/tests/ui.rs from the vocabulary's lists.\n\
         use sandboxed::services::{{Dns, FileArgs, Grp, Net, Pwd}};\n\
         use sandboxed::{{sandboxed, File}};\n\
         #[sandboxed(\n\
         preopen(f = file(\"/dev/null\")),\n\
         rights(f = [read, ioctls({}), fcntls({})]),\n\
         services(\n\
         dns(types = [{}], families = [{}]),\n\
         net(modes = [{}], families = [{}]),\n\
         pwd(cmds = [{}], fields = [{}]),\n\
         grp(cmds = [{}], fields = [{}]),\n\
         fileargs(args(1..), operations = [{}]),\n\
         ),\n\
         )]\n\
         fn run(f: File, dns: Dns, net: Net, pwd: Pwd, grp: Grp, fileargs: FileArgs) {{\n\
         let _ = (f, dns, net, pwd, grp, fileargs);\n\
         }}\n\
         fn main() {{\n\
         let _ = run as fn();\n\
         }}\n",
        all::<Ioctl>(),
        all::<Fcntl>(),
        all::<DnsType>(),
        all::<Family>(),
        all::<NetMode>(),
        all::<Family>(),
        all::<PwdCmd>(),
        all::<PwdField>(),
        all::<GrpCmd>(),
        all::<GrpField>(),
        all::<FileOp>(),
    );
    write_case("every_word.rs", &src)
}

/// A pass case written from the vocabulary at test time, so that it covers
/// every right there is: each right declared alone on its own preopen (a
/// directory, with `lookup`, for the rights that act on a directory alone,
/// which a file rejects). It checks that the attribute accepts every name, that the
/// marker it generates holds exactly the runtime's `Right` set, and that
/// the marker implements the `can` trait of each right that set allows and of no
/// other (the `impls` crate's technique: an inherent const where the bound
/// holds shadows the trait's `false`).
fn every_right() -> PathBuf {
    let var = |r: &Right| format!("r_{}", r.name());
    // A right that acts on a directory alone (`lookup` and what holds it,
    // `create`, `fchdir`) needs a directory; a file rejects it. A directory
    // also needs `lookup`: `extra` is what is declared beside the right.
    let handle = |r: &Right| {
        if r.set().allows(Right::Lookup) {
            ("dir(\"/\")", "Dir", "")
        } else if [Right::Create, Right::Fchdir].contains(r) {
            ("dir(\"/\")", "Dir", "Lookup")
        } else {
            ("file(\"/dev/null\", read, write)", "File", "")
        }
    };
    let konst = |r: &Right| r.name().to_uppercase();
    let mut src = String::from(
        "// Written by tests/tests/ui.rs from `Right::ALL`.\n\
         #![allow(unused_variables, clippy::all)]\n\
         use sandboxed::rights::{can, Right, RightSet, RightsMarker};\n\
         use sandboxed::{sandboxed, Dir, File};\n\
         mod probe {\n    use super::can;\n    pub struct W<T>(std::marker::PhantomData<T>);\n    \
         #[allow(dead_code)]\n    pub trait No {\n",
    );
    for r in Right::ALL {
        writeln!(src, "        const {}: bool = false;", konst(r)).unwrap();
    }
    src.push_str("    }\n    impl<T> No for W<T> {}\n");
    for r in Right::ALL {
        writeln!(
            src,
            "    impl<T: can::{}> W<T> {{ pub const {}: bool = true; }}",
            r.rust_name(),
            konst(r)
        )
        .unwrap();
    }
    src.push_str("}\nuse probe::No as _;\nmacro_rules! table {\n    ($m:ty) => {[\n");
    for r in Right::ALL {
        writeln!(
            src,
            "        (Right::{}, probe::W::<$m>::{}),",
            r.rust_name(),
            konst(r)
        )
        .unwrap();
    }
    src.push_str(
        "    ]};\n}\n\
         fn agree<M: RightsMarker>(declared: RightSet, table: &[(Right, bool)]) {\n    \
         assert_eq!(M::RIGHTS, declared, \"{}\", M::NAME);\n    \
         for (right, has) in table {\n        \
         assert_eq!(M::RIGHTS.allows(*right), *has, \"`{right}` of `{}`: the runtime says {}, the `can` impls say {has}\", M::NAME, M::RIGHTS.allows(*right));\n    \
         }\n}\n#[sandboxed(\n    preopen(\n",
    );
    for r in Right::ALL {
        let (kind, ..) = handle(r);
        writeln!(src, "        {} = {kind},", var(r)).unwrap();
    }
    src.push_str("    ),\n    rights(\n");
    for r in Right::ALL {
        let extra = match handle(r).2 {
            "" => String::new(),
            e => format!(", {}", e.to_lowercase()),
        };
        writeln!(src, "        {} = [{}{extra}],", var(r), r.name()).unwrap();
    }
    src.push_str("    ),\n    on_unsupported = \"warn\",\n)]\nfn main(\n");
    for r in Right::ALL {
        let (_, ty, _) = handle(r);
        writeln!(src, "    {}: {ty},", var(r)).unwrap();
    }
    src.push_str(") {\n");
    for r in Right::ALL {
        writeln!(
            src,
            "    agree::<rights_of_{0}>(RightSet::of(&[Right::{1}{2}]), &table!(rights_of_{0}));",
            var(r),
            r.rust_name(),
            match handle(r).2 {
                "" => String::new(),
                e => format!(", Right::{e}"),
            }
        )
        .unwrap();
    }
    writeln!(
        src,
        "    assert_eq!(Right::ALL.len(), {});\n}}",
        Right::ALL.len()
    )
    .unwrap();
    write_case("every_right.rs", &src)
}

/// Writes a generated case where trybuild can read it.
fn write_case(name: &str, src: &str) -> PathBuf {
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::write(&path, src).expect("write a generated case");
    path
}
