// `file(.., fallible)` gives one `Operand`; `dash` reads `-` as stdin.
use sandboxed::{sandboxed, Operand};

#[sandboxed(
    preopen(
        first = file({ "-" }, dash, fallible),
        second = file({ "/nonexistent/sandboxed-pass" }, fallible),
    ),
    rights(first = [read, fstat], second = [read]),
    on_setup_error = { |_: &sandboxed::Error| 3 },
    on_unsupported = "warn",
)]
fn main(first: Operand, second: Operand) {
    assert!(first.is_stdio());
    assert!(first.file.unwrap().metadata().is_ok());
    assert_eq!(second.path, std::path::Path::new("/nonexistent/sandboxed-pass"));
    assert!(second.file.is_err());
}
