// `on_setup_error`: the program words its own setup failure and picks the
// status; here it exits 0 so that trybuild sees the report ran.
use sandboxed::{sandboxed, File};

fn report(e: &sandboxed::Error) -> i32 {
    assert_eq!(e.preopen(), Some("input"));
    assert_eq!(e.path(), Some(std::path::Path::new("/nonexistent/sandboxed-pass")));
    assert_eq!(e.reason(), "No such file or directory");
    0
}

#[sandboxed(
    preopen(input = file("/nonexistent/sandboxed-pass")),
    on_setup_error = report,
    on_unsupported = "warn",
)]
fn main(input: File) {
    let _ = input;
    unreachable!("the setup failed");
}
