//! The logic of the example programs, kept apart from their `main` so that
//! it can be tested without a sandbox. Each program in `src/bin/` declares
//! its sandbox with `#[sandboxed(...)]` and calls in here.

pub mod bspatch;
pub mod cmp;
pub mod sexp;
pub mod unzip;

/// An I/O error in the words the classic tools print: the OS message
/// alone ("No such file or directory"), without std's " (os error 2)".
pub fn os_error(e: &std::io::Error) -> String {
    let text = e.to_string();
    match e.raw_os_error() {
        Some(code) => text
            .strip_suffix(&format!(" (os error {code})"))
            .unwrap_or(&text)
            .to_owned(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn os_error_drops_the_errno_suffix() {
        let e = std::io::Error::from_raw_os_error(2); // ENOENT
        assert_eq!(super::os_error(&e), "No such file or directory");
        let e = std::io::Error::other("plain");
        assert_eq!(super::os_error(&e), "plain");
    }
}
