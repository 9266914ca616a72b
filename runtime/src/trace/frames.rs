//! Which frames of a denied call's backtrace are the user's code, and
//! who made the call: the user's code itself, or a library it called.

use super::{Caller, Frame};

/// The crate of a function's path (`tokio` of
/// `<tokio::runtime::Runtime as Drop>::drop`).
pub(super) fn crate_of(function: &str) -> &str {
    let mut f = function;
    loop {
        let trimmed = f
            .trim_start_matches(['<', '&', '*', '('])
            .trim_start_matches("mut ")
            .trim_start_matches("const ")
            .trim_start_matches("dyn ");
        if trimmed == f {
            break;
        }
        f = trimmed;
    }
    f.split("::").next().unwrap_or(f)
}

/// Whether `frame` is the program's own code: Rust source outside std's
/// (`/rustc/…`), the registry's and git checkouts of dependencies, and not
/// this crate's; without debug information, a function of `main_crate`.
fn is_user(frame: &Frame, main_crate: Option<&str>) -> bool {
    let crate_name = crate_of(&frame.function);
    if matches!(
        crate_name,
        "std" | "core" | "alloc" | "sandboxed" | "__rustc" | "<unknown>" | "rust_begin_unwind"
    ) || frame.function.starts_with("__")
    {
        return false;
    }
    match &frame.location {
        Some(location) => {
            let file = location.split(':').next().unwrap_or_default();
            file.ends_with(".rs")
                && !location.starts_with("/rustc/")
                && !location.contains("/.cargo/registry/")
                && !location.contains("/.cargo/git/")
                && !["library/std/", "library/core/", "library/alloc/"]
                    .iter()
                    .any(|l| location.starts_with(l) || location.contains(&format!("/{l}")))
        }
        None => main_crate == Some(crate_name),
    }
}

/// std's functions that take a path or an address from the caller: a
/// denial inside them is the caller's own call.
fn is_std_call_api(function: &str) -> bool {
    let f = function.trim_start_matches('<');
    [
        "std::fs::",
        "std::net::",
        "std::path::",
        "std::os::",
        "std::process::",
        "std::env::",
        "std::io::",
    ]
    .iter()
    .any(|p| f.starts_with(p))
}

/// From every symbolized frame of a denied call (innermost first, starting
/// at the call): the user's frames (at most 8, without std's, libc's,
/// dependencies' and this crate's), and who made the call.
pub(crate) fn user_frames(all: &[Frame]) -> (Vec<Frame>, Option<Caller>) {
    // The program's crate: the one whose `main` std's runtime calls.
    let main_crate = all
        .iter()
        .rev()
        .skip_while(|f| !f.function.starts_with("std::rt::lang_start"))
        .find(|f| f.function.ends_with("::main") && !f.function.starts_with("std::"))
        .map(|f| crate_of(&f.function).to_owned());
    let mut frames = Vec::new();
    let mut caller = None;
    for (i, f) in all.iter().enumerate() {
        if f.function.starts_with("std::rt::lang_start") || f.function.starts_with("__libc_start") {
            break;
        }
        if !is_user(f, main_crate.as_deref()) {
            continue;
        }
        if frames.is_empty() {
            // The function this user frame called, on the way to the call.
            let callee = all[..i]
                .iter()
                .rev()
                .find(|c| c.function != "<unknown>" && c.function.contains("::"));
            caller = Some(match callee {
                Some(c)
                    if !is_std_call_api(&c.function) && !c.function.starts_with("sandboxed::") =>
                {
                    Caller::Library(c.function.clone())
                }
                _ => Caller::User,
            });
        }
        frames.push(f.clone());
        if frames.len() == 8 {
            break;
        }
    }
    if frames.is_empty() {
        // No user code on the stack: a thread the runtime or a library
        // started. Name the outermost function that is not the thread's.
        caller = all
            .iter()
            .take_while(|f| !f.function.starts_with("std::rt::lang_start"))
            .filter(|f| {
                f.function.contains("::")
                    && !f.function.starts_with("core::")
                    && !f.function.starts_with("sandboxed::")
            })
            .last()
            .map(|f| Caller::Library(f.function.clone()));
    }
    (frames, caller)
}
