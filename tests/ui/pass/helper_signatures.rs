// A handle passed to a helper: the attribute's marker types are named
// beside the function (`rights_of_NAME`, or `main::rights_of_NAME`), or
// the helper takes any rights that allow what it does
// (`Dir<impl can::Lookup + can::Read>`). Two `#[sandboxed]` functions of
// one module may declare the same names.
use std::io::Read;

use sandboxed::rights::can;
use sandboxed::{sandboxed, Dir, File};

fn count(root: &Dir<rights_of_root>) -> usize {
    root.entries().map_or(0, |e| e.len())
}

fn read_one(root: &Dir<impl can::Lookup + can::Read>, name: &str) -> String {
    let mut text = String::new();
    if let Ok(mut f) = root.open(name) {
        let _ = f.read_to_string(&mut text);
    }
    text
}

mod helpers {
    use sandboxed::File;

    pub fn size(file: &File<crate::main::rights_of_input>) -> u64 {
        file.metadata().map_or(0, |m| m.len())
    }
}

#[sandboxed(
    preopen(root = dir("/"), input = file("/dev/null")),
    rights(root = [lookup, read], input = [read, fstat]),
    on_unsupported = "warn",
)]
fn main(root: Dir, input: File) {
    assert!(count(&root) > 0);
    let _ = read_one(&root, "etc/hostname");
    assert_eq!(helpers::size(&input), 0);
}

#[sandboxed(preopen(input = file("/dev/null")), on_unsupported = "warn")]
fn other(input: File) {
    let _ = input;
}

#[allow(dead_code)]
fn unused() {
    let _ = other as fn();
}
