//! The panic hook installed when `RUST_BACKTRACE` asks for backtraces: it
//! prints what std's default hook prints (std/src/panicking.rs,
//! `default_hook`; the short style trimmed between
//! `__rust_end_short_backtrace` and `__rust_begin_short_backtrace`), but
//! symbolizes with the executable opened before entry ([`symbols`]) instead
//! of std's symbolizer, which opens it by path — denied inside the sandbox —
//! and would otherwise have to be warmed before entry (tens of
//! milliseconds and megabytes for every run, panicking or not).

use std::fmt::Write as _;
use std::panic::PanicHookInfo;

use super::symbols::{self, Symbol};
use super::unwind;
use crate::backend::unix::write_stderr;

/// How many frames a panic's backtrace shows at most.
const FRAMES: usize = 256;

/// `RUST_BACKTRACE`'s styles (std::panic::BacktraceStyle).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Style {
    /// `1` (any value but `0` and `full`).
    Short,
    /// `full`.
    Full,
}

/// The style `RUST_BACKTRACE` asks for; `None` when unset or `0` (std's
/// default hook then prints no backtrace, and symbolizes nothing).
pub(crate) fn style(value: Option<&std::ffi::OsStr>) -> Option<Style> {
    match value?.to_str() {
        Some("0") => None,
        Some("full") => Some(Style::Full),
        _ => Some(Style::Short),
    }
}

/// Installs the hook (before entry).
pub(crate) fn install(style: Style) {
    std::panic::set_hook(Box::new(move |info| hook(info, style)));
}

fn hook(info: &PanicHookInfo<'_>, style: Style) {
    let mut ips = [0usize; FRAMES];
    let n = unwind::capture(&mut ips);
    let thread = std::thread::current();
    let name = thread.name().unwrap_or("<unnamed>");
    let message = info.payload_as_str().unwrap_or("Box<dyn Any>");
    let mut text = String::new();
    let _ = write!(
        text,
        "\nthread '{name}' ({}) panicked at ",
        crate::backend::imp::thread_id()
    );
    if let Some(l) = info.location() {
        let _ = write!(text, "{}:{}:{}", l.file(), l.line(), l.column());
    }
    let _ = writeln!(text, ":\n{message}");
    text.push_str(&backtrace(&ips[..n], style));
    write_stderr(&text);
}

/// The backtrace of `ips` as std prints it.
pub(crate) fn backtrace(ips: &[usize], style: Style) -> String {
    let symbols: Vec<Symbol> = ips.iter().flat_map(|&ip| symbols::resolve(ip)).collect();
    let named =
        |s: &Symbol, marker: &str| s.function.as_deref().is_some_and(|f| f.contains(marker));
    let shown: &[Symbol] = match style {
        Style::Full => &symbols,
        Style::Short => {
            let start = symbols
                .iter()
                .rposition(|s| named(s, "__rust_end_short_backtrace"))
                .map_or(0, |i| i + 1);
            let end = symbols[start..]
                .iter()
                .position(|s| named(s, "__rust_begin_short_backtrace"))
                .map_or(symbols.len(), |i| start + i);
            &symbols[start..end]
        }
    };
    let mut text = String::from("stack backtrace:\n");
    for (i, s) in shown.iter().enumerate() {
        let name = s.function.as_deref().unwrap_or("<unknown>");
        let indent = match style {
            Style::Short => {
                let _ = writeln!(text, "{i:>4}: {name}");
                13
            }
            Style::Full => {
                let _ = writeln!(text, "{i:>4}: {:>18} - {name}", format!("{:#x}", s.ip));
                31
            }
        };
        if let Some(location) = s.location() {
            let _ = writeln!(text, "{:indent$}at {location}", "");
        }
    }
    if style == Style::Short {
        text.push_str(
            "note: Some details are omitted, run with `RUST_BACKTRACE=full` for a verbose backtrace.\n",
        );
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsStr;

    #[test]
    fn the_style_follows_rust_backtrace() {
        assert_eq!(style(None), None);
        assert_eq!(style(Some(OsStr::new("0"))), None);
        assert_eq!(style(Some(OsStr::new("1"))), Some(Style::Short));
        assert_eq!(style(Some(OsStr::new("full"))), Some(Style::Full));
    }
}
