//! Symbolizing return addresses inside the sandbox: the executable (and
//! its separate debug file, if it has one) is opened before entry, while
//! paths can still be opened, and read only when a backtrace is printed
//! (a panic with `RUST_BACKTRACE`, a `SANDBOXED_TRACE` record): mapped
//! from the descriptor and parsed with `object` and `addr2line` (gimli).
//! Opening costs a few system calls; nothing is read until the first
//! backtrace. Shared objects (libc) are named from their dynamic symbols
//! with dladdr(3), which needs no file.

use std::borrow::Cow;
use std::ffi::{c_int, CStr};
use std::fs::File;
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use addr2line::gimli;
use object::{Object, ObjectSection};

type Reader = gimli::EndianSlice<'static, gimli::RunTimeEndian>;

/// The executable, opened before entry.
struct Opened {
    /// The executable, mapped.
    exe: Option<&'static [u8]>,
    /// Its separate debug file (`.gnu_debuglink` or build id), if any.
    debug: Option<File>,
    /// Where the executable is loaded: runtime address − file address.
    bias: usize,
    /// The addresses its segments occupy at run time.
    ranges: Vec<(usize, usize)>,
    /// The current directory, to print locations beneath it as `./…`.
    cwd: String,
}

/// What the first backtrace parsed, kept for the next ones.
struct Loaded {
    dwarf: Option<addr2line::Context<Reader>>,
    symbols: object::SymbolMap<object::SymbolMapName<'static>>,
}

static OPENED: OnceLock<Opened> = OnceLock::new();
static LOADED: Mutex<Option<Loaded>> = Mutex::new(None);

/// One function at an address (inlined calls give several per address,
/// innermost first).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Symbol {
    /// The address looked up.
    pub ip: usize,
    /// The demangled name without its hash (`violations::main`), if known.
    pub function: Option<String>,
    /// The source file, as the debug information names it.
    pub file: Option<String>,
    /// The compilation's directory (`DW_AT_comp_dir`: the workspace for a
    /// crate cargo builds), which the file may be beneath.
    pub comp_dir: Option<String>,
    /// Line and column.
    pub line: Option<(u32, u32)>,
}

impl Symbol {
    /// `file:line:column`, with the current directory shown as `.`, as
    /// std's backtraces print it.
    pub(crate) fn location(&self) -> Option<String> {
        let file = self.file.as_deref()?;
        let cwd = OPENED.get().map_or("", |o| o.cwd.as_str());
        let file = match file.strip_prefix(cwd).and_then(|f| f.strip_prefix('/')) {
            Some(rel) if !cwd.is_empty() => format!("./{rel}"),
            _ => file.to_owned(),
        };
        Some(self.with_line(file))
    }

    /// `file:line:column` with the file as the compiler was given it:
    /// beneath the compilation's directory, relative to it
    /// (`examples/src/bin/violations.rs` of a workspace), else whole.
    pub(crate) fn source_location(&self) -> Option<String> {
        let file = self.file.as_deref()?;
        let rel = self
            .comp_dir
            .as_deref()
            .and_then(|d| file.strip_prefix(d))
            .and_then(|f| f.strip_prefix('/'))
            .unwrap_or(file);
        Some(self.with_line(rel.to_owned()))
    }

    fn with_line(&self, file: String) -> String {
        match self.line {
            Some((line, 0)) => format!("{file}:{line}"),
            Some((line, column)) => format!("{file}:{line}:{column}"),
            None => file,
        }
    }
}

/// Opens the executable and its debug file. Called before entry; a
/// failure only means backtraces stay unsymbolized.
pub(crate) fn open() {
    if OPENED.get().is_some() {
        return;
    }
    let Ok(path) = std::env::current_exe() else {
        return;
    };
    let Ok(file) = File::open(&path) else { return };
    let (bias, ranges) = main_program();
    // The mapping outlives the descriptor; its pages are read on demand.
    let exe = map(&file);
    let debug = exe.and_then(|data| debug_file(&path, data));
    let cwd = std::env::current_dir()
        .map(|d| d.to_string_lossy().into_owned())
        .unwrap_or_default();
    let _ = OPENED.set(Opened {
        exe,
        debug,
        bias,
        ranges,
        cwd,
    });
}

/// Whether [`open`] has opened the executable.
#[cfg(test)]
pub(crate) fn is_open() -> bool {
    OPENED.get().is_some()
}

/// Maps `file` read-only for the life of the process (never unmapped:
/// the parsed data points into it). The pages are read only as needed.
fn map(file: &File) -> Option<&'static [u8]> {
    let len = file.metadata().ok()?.len() as usize;
    if len == 0 {
        return None;
    }
    // SAFETY: a private read-only mapping of a descriptor we own; the slice
    // lives as long as the mapping, which is never removed.
    unsafe {
        let p = libc::mmap(
            std::ptr::null_mut(),
            len,
            libc::PROT_READ,
            libc::MAP_PRIVATE,
            file.as_raw_fd(),
            0,
        );
        if p == libc::MAP_FAILED {
            return None;
        }
        Some(std::slice::from_raw_parts(p.cast::<u8>(), len))
    }
}

/// The separate debug file of an executable without `.debug_info`, where
/// gdb looks for one ("Separate Debug Files", the GDB manual): by build
/// id under /usr/lib/debug/.build-id, or by `.gnu_debuglink` beside it,
/// in `.debug/`, or under /usr/lib/debug.
fn debug_file(exe: &Path, data: &[u8]) -> Option<File> {
    use object::read::elf::{FileHeader, SectionHeader};
    // Only the section headers are read here (before entry, on every
    // run): not the symbol tables a full parse would index.
    let header = object::elf::FileHeader64::<object::Endianness>::parse(data).ok()?;
    let endian = header.endian().ok()?;
    let sections = header.sections(endian, data).ok()?;
    let index = header.section_strings_index(endian, data).ok()?;
    let names = sections.section(index).ok()?.data(endian, data).ok()?;
    // Names compared in the table's bytes: object's string table finds
    // each name's end with the memchr crate, whose first call detects
    // the processor's features (CPUID, which a virtual machine traps:
    // tens of microseconds of every run).
    let named = |name: &[u8]| {
        sections.iter().find(|s| {
            let at = s.sh_name(endian) as usize;
            names
                .get(at..)
                .and_then(|n| n.strip_prefix(name))
                .is_some_and(|rest| rest.first() == Some(&0))
        })
    };
    if named(b".debug_info").is_some() {
        return None;
    }
    let mut candidates: Vec<PathBuf> = Vec::new();
    let build_id = sections.iter().find_map(|s| {
        let mut notes = s.notes(endian, data).ok()??;
        while let Ok(Some(note)) = notes.next() {
            if note.name() == b"GNU" && note.n_type(endian) == object::elf::NT_GNU_BUILD_ID {
                return Some(note.desc());
            }
        }
        None
    });
    if let Some((first, rest)) = build_id.and_then(<[u8]>::split_first) {
        let hex: String = rest.iter().map(|b| format!("{b:02x}")).collect();
        candidates.push(format!("/usr/lib/debug/.build-id/{first:02x}/{hex}.debug").into());
    }
    let link = named(b".gnu_debuglink")
        .and_then(|s| s.data(endian, data).ok())
        .and_then(|d| d.split(|&b| b == 0).next())
        .and_then(|n| std::str::from_utf8(n).ok())
        .filter(|n| !n.is_empty());
    if let Some(name) = link {
        let name = Path::new(name);
        let dir = exe.parent().unwrap_or(Path::new("/"));
        candidates.push(dir.join(name));
        candidates.push(dir.join(".debug").join(name));
        let mut under = PathBuf::from("/usr/lib/debug");
        under.push(dir.strip_prefix("/").unwrap_or(dir));
        candidates.push(under.join(name));
    }
    candidates.iter().find_map(|p| File::open(p).ok())
}

/// `PT_LOAD` of the ELF specification (elf(5)).
const PT_LOAD: u32 = 1;

/// The main program's load bias and segments, from dl_iterate_phdr(3)
/// (its first entry is the executable).
fn main_program() -> (usize, Vec<(usize, usize)>) {
    struct Found {
        bias: usize,
        ranges: Vec<(usize, usize)>,
        done: bool,
    }
    extern "C" fn each(info: *mut libc::dl_phdr_info, _: usize, data: *mut libc::c_void) -> c_int {
        // SAFETY: `data` is the `Found` passed below; `info` is valid for
        // the call, with `dlpi_phnum` program headers.
        let (found, info) = unsafe { (&mut *data.cast::<Found>(), &*info) };
        if found.done {
            return 1;
        }
        found.done = true;
        found.bias = info.dlpi_addr as usize;
        for i in 0..usize::from(info.dlpi_phnum) {
            // SAFETY: `i` < dlpi_phnum.
            let ph = unsafe { &*info.dlpi_phdr.add(i) };
            if ph.p_type == PT_LOAD {
                let start = found.bias + ph.p_vaddr as usize;
                found.ranges.push((start, start + ph.p_memsz as usize));
            }
        }
        1
    }
    let mut found = Found {
        bias: 0,
        ranges: Vec::new(),
        done: false,
    };
    // SAFETY: `each` matches the callback type and `found` outlives the call.
    unsafe { libc::dl_iterate_phdr(Some(each), (&mut found as *mut Found).cast()) };
    (found.bias, found.ranges)
}

fn load(opened: &Opened) -> Option<Loaded> {
    let data = opened.exe?;
    let exe = object::File::parse(data).ok()?;
    let symbols = exe.symbol_map();
    let debug = opened
        .debug
        .as_ref()
        .and_then(map)
        .and_then(|d| object::File::parse(d).ok());
    let source = debug.as_ref().unwrap_or(&exe);
    let endian = if source.is_little_endian() {
        gimli::RunTimeEndian::Little
    } else {
        gimli::RunTimeEndian::Big
    };
    let section = |id: gimli::SectionId| -> Result<Reader, gimli::Error> {
        let data: &'static [u8] = match source.section_by_name(id.name()) {
            Some(s) => match s.uncompressed_data() {
                Ok(Cow::Borrowed(b)) => b,
                // Decompressed once and kept, like the mapping.
                Ok(Cow::Owned(v)) => Box::leak(v.into_boxed_slice()),
                Err(_) => &[],
            },
            None => &[],
        };
        Ok(gimli::EndianSlice::new(data, endian))
    };
    let dwarf = gimli::Dwarf::load(section)
        .ok()
        .and_then(|d| addr2line::Context::from_dwarf(d).ok());
    Some(Loaded { dwarf, symbols })
}

/// Strips the `::h0123456789abcdef` hash rustc-demangle leaves.
fn without_hash(name: &str) -> &str {
    match name.rsplit_once("::h") {
        Some((base, hash)) if hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()) => {
            base
        }
        _ => name,
    }
}

fn demangle(name: &str) -> String {
    let demangled = addr2line::demangle_auto(Cow::Borrowed(name), None);
    without_hash(&demangled).to_owned()
}

/// The name of the function at `ip` in a shared object, from dladdr(3).
fn shared_object_name(ip: usize) -> Option<String> {
    // SAFETY: dladdr fills `info` for an address; the strings it points to
    // belong to the loaded object.
    unsafe {
        let mut info: libc::Dl_info = std::mem::zeroed();
        if libc::dladdr(ip as *const libc::c_void, &mut info) == 0 || info.dli_sname.is_null() {
            return None;
        }
        let name = CStr::from_ptr(info.dli_sname).to_string_lossy();
        Some(demangle(&name))
    }
}

/// The functions at `ip` (a call's own address), innermost first; one
/// entry without a name when nothing is known.
pub(crate) fn resolve(ip: usize) -> Vec<Symbol> {
    let unknown = || Symbol {
        ip,
        function: None,
        file: None,
        comp_dir: None,
        line: None,
    };
    let Some(opened) = OPENED.get() else {
        return vec![Symbol {
            function: shared_object_name(ip),
            ..unknown()
        }];
    };
    if !opened.ranges.iter().any(|&(lo, hi)| (lo..hi).contains(&ip)) {
        return vec![Symbol {
            function: shared_object_name(ip),
            ..unknown()
        }];
    }
    let probe = (ip - opened.bias) as u64;
    let mut loaded = LOADED.lock().unwrap_or_else(|p| p.into_inner());
    if loaded.is_none() {
        *loaded = load(opened);
    }
    let Some(loaded) = loaded.as_ref() else {
        return vec![unknown()];
    };
    let mut out = Vec::new();
    if let Some(ctx) = &loaded.dwarf {
        let comp_dir = ctx
            .find_dwarf_and_unit(probe)
            .skip_all_loads()
            .and_then(|u| u.comp_dir)
            .map(|d| String::from_utf8_lossy(d.slice()).into_owned());
        if let Ok(mut frames) = ctx.find_frames(probe).skip_all_loads() {
            while let Ok(Some(frame)) = frames.next() {
                let function = frame
                    .function
                    .as_ref()
                    .and_then(|f| f.demangle().ok())
                    .map(|n| without_hash(&n).to_owned());
                let (file, line) = match frame.location {
                    Some(l) => (
                        l.file.map(str::to_owned),
                        l.line.map(|line| (line, l.column.unwrap_or(0))),
                    ),
                    None => (None, None),
                };
                out.push(Symbol {
                    ip,
                    function,
                    file,
                    comp_dir: comp_dir.clone(),
                    line,
                });
            }
        }
    }
    if out.iter().all(|s| s.function.is_none()) {
        let function = loaded.symbols.before(probe).map(|s| demangle(s.name()));
        match out.first_mut() {
            Some(first) => first.function = function,
            None => out.push(Symbol {
                function,
                ..unknown()
            }),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[inline(never)]
    fn here() -> Vec<usize> {
        let mut frames = [0; 8];
        let n = super::super::unwind::capture(&mut frames);
        frames[..n].to_vec()
    }

    #[test]
    fn this_test_function_is_found_with_its_file() {
        open();
        assert!(is_open());
        let symbols: Vec<Symbol> = here().into_iter().flat_map(resolve).collect();
        let names: Vec<String> = symbols.iter().filter_map(|s| s.function.clone()).collect();
        assert!(
            names
                .iter()
                .any(|n| n.ends_with("this_test_function_is_found_with_its_file")),
            "{symbols:?}"
        );
        assert!(
            symbols
                .iter()
                .filter_map(Symbol::location)
                .any(|l| l.contains("symbols.rs:")),
            "{symbols:?}"
        );
    }

    #[test]
    fn hashes_are_stripped() {
        assert_eq!(without_hash("a::b::h0123456789abcdef"), "a::b");
        assert_eq!(without_hash("a::b::hello"), "a::b::hello");
    }
}
