//! `journal FILE`: appends the lines of standard input to FILE, numbered
//! on from the last number already there (`1 first`, `2 second`, ...).
//!
//! Pattern (the guide's fourth program): narrowing a descriptor after
//! entry. The journal is opened to be read and appended to; once its last
//! number is read, `journal.limit::<AppendOnly>()` drops `read` and
//! `fstat` for good (cap_rights_limit(2)): whatever the program does with
//! its input from then on, the journal can only grow. `limit` compiles
//! only to a set of `limits(...)` the handle's rights hold.

use std::io::{self, BufRead, Read, Write};

use sandboxed::{sandboxed, File};

#[sandboxed(
    preopen(journal = file(arg(1), read, append, create, mode = 0o644)),
    rights(journal = [read, write, fstat], stdio),
    limits(AppendOnly = [write]),
)]
fn main(mut journal: File) -> io::Result<()> {
    let mut text = String::new();
    journal.read_to_string(&mut text)?;
    let last: u64 = text
        .lines()
        .last()
        .and_then(|line| line.split(' ').next()?.parse().ok())
        .unwrap_or(0);
    let mut journal = journal.limit::<AppendOnly>()?;
    for (n, line) in (last + 1..).zip(io::stdin().lock().lines()) {
        writeln!(journal, "{n} {}", line?)?;
    }
    Ok(())
}
