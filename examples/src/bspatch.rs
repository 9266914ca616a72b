//! BSDIFF40 patches, checked before they are applied.
//!
//! A patch is a 32-byte header — the magic `BSDIFF40`, the compressed
//! lengths of the control and diff blocks, the size of NEW — followed by
//! three bzip2 streams: control triples `(add, copy, seek)`, the diff bytes
//! added to OLD, the extra bytes copied verbatim (bspatch(1)). Integers are
//! 64-bit sign-and-magnitude, little-endian (`offtin` in bspatch.c).
//!
//! The reference bspatch trusted these numbers: FreeBSD-SA-16:25 and
//! FreeBSD-SA-16:29 are heap overflows from negative or overflowing control
//! and data lengths. Here every number is checked before a byte of NEW is
//! written: the header's lengths against the patch, each control triple
//! against OLD and against the declared size of NEW, with checked arithmetic.
//! Nothing is allocated from a header's claim: NEW is streamed to its file,
//! so a patch announcing 2^62 bytes costs what it really contains.
//! Applying is then qbsdiff's, which expects a well-formed patch.

use std::fmt;
use std::io::{self, Cursor, Read, Write};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

use bzip2::read::BzDecoder;

/// The magic bytes at the start of a BSDIFF40 patch.
pub const MAGIC: &[u8; 8] = b"BSDIFF40";

const HEADER_LEN: usize = 32;

/// Why a patch was refused.
#[derive(Debug)]
#[non_exhaustive]
pub enum PatchError {
    /// Shorter than its header or than the blocks the header announces.
    Truncated(&'static str),
    /// Does not start with `BSDIFF40`.
    BadMagic,
    /// A length or count that must not be negative is.
    Negative(&'static str),
    /// A number that does not fit what it describes.
    Overflow(&'static str),
    /// A control triple that reads or writes outside OLD or NEW.
    Corrupt(String),
    /// A bzip2 stream that does not decode.
    Compression(&'static str, io::Error),
    /// Writing NEW failed.
    Write(io::Error),
}

impl fmt::Display for PatchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PatchError::Truncated(what) => write!(f, "corrupt patch: truncated {what}"),
            PatchError::BadMagic => write!(f, "corrupt patch: not a BSDIFF40 patch (bad magic)"),
            PatchError::Negative(what) => write!(f, "corrupt patch: negative {what}"),
            PatchError::Overflow(what) => write!(f, "corrupt patch: {what} out of range"),
            PatchError::Corrupt(what) => write!(f, "corrupt patch: {what}"),
            PatchError::Compression(block, e) => {
                write!(f, "corrupt patch: {block} block: {e}")
            }
            PatchError::Write(e) => write!(f, "writing NEW: {}", crate::os_error(e)),
        }
    }
}

impl std::error::Error for PatchError {}

/// The header of a patch, checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Header {
    /// Length of the compressed control block.
    pub ctrl_len: u64,
    /// Length of the compressed diff block.
    pub diff_len: u64,
    /// Size of NEW.
    pub new_size: u64,
}

/// A 64-bit sign-and-magnitude integer, as `offtin` reads it; `None` for
/// negative zero, which bsdiff never writes.
fn offtin(bytes: &[u8]) -> Option<i64> {
    let raw = u64::from_le_bytes(bytes[..8].try_into().expect("8 bytes"));
    let magnitude = (raw & !(1 << 63)) as i64; // < 2^63: fits
    match (raw >> 63 == 1, magnitude) {
        (false, m) => Some(m),
        (true, 0) => None,
        (true, m) => Some(-m),
    }
}

/// A length that must be ≥ 0.
fn length(bytes: &[u8], what: &'static str) -> Result<u64, PatchError> {
    match offtin(bytes) {
        Some(n) if n >= 0 => Ok(n as u64),
        _ => Err(PatchError::Negative(what)),
    }
}

/// Checks the header against the patch's real length.
pub fn parse_header(patch: &[u8]) -> Result<Header, PatchError> {
    if patch.len() < MAGIC.len() || &patch[..MAGIC.len()] != MAGIC {
        return if patch.len() < MAGIC.len() && MAGIC.starts_with(patch) {
            Err(PatchError::Truncated("header"))
        } else {
            Err(PatchError::BadMagic)
        };
    }
    if patch.len() < HEADER_LEN {
        return Err(PatchError::Truncated("header"));
    }
    let header = Header {
        ctrl_len: length(&patch[8..16], "control block length")?,
        diff_len: length(&patch[16..24], "diff block length")?,
        new_size: length(&patch[24..32], "size of NEW")?,
    };
    let blocks = header
        .ctrl_len
        .checked_add(header.diff_len)
        .and_then(|n| n.checked_add(HEADER_LEN as u64))
        .ok_or(PatchError::Overflow("control and diff block lengths"))?;
    if blocks > patch.len() as u64 {
        return Err(PatchError::Truncated("control or diff block"));
    }
    Ok(header)
}

/// One control triple of the control block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Control {
    add: u64,
    copy: u64,
    seek: i64,
}

/// Reads the next triple; `None` at the end of the block.
fn next_control(block: &mut impl Read) -> Result<Option<Control>, PatchError> {
    let mut raw = [0u8; 24];
    let mut filled = 0;
    while filled < raw.len() {
        match block.read(&mut raw[filled..]) {
            Ok(0) if filled == 0 => return Ok(None),
            Ok(0) => return Err(PatchError::Truncated("control triple")),
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(PatchError::Compression("control", e)),
        }
    }
    Ok(Some(Control {
        add: length(&raw[0..8], "diff length in a control triple")?,
        copy: length(&raw[8..16], "extra length in a control triple")?,
        seek: offtin(&raw[16..24]).ok_or(PatchError::Corrupt("negative zero seek".into()))?,
    }))
}

/// Walks the control block and checks that every triple stays inside OLD
/// and NEW and that together they write exactly the size the header
/// declares. Memory use is constant whatever the block claims.
pub fn check_controls(patch: &[u8], header: &Header, old_len: u64) -> Result<(), PatchError> {
    let start = HEADER_LEN;
    let block = &patch[start..start + header.ctrl_len as usize];
    let mut controls = BzDecoder::new(block);
    let (mut new_pos, mut old_pos) = (0u64, 0i64);
    let old_len = i64::try_from(old_len).map_err(|_| PatchError::Overflow("size of OLD"))?;
    let mut index = 0u64;
    while let Some(c) = next_control(&mut controls)? {
        let at = |what: &str| format!("control triple {index}: {what}");
        new_pos = new_pos
            .checked_add(c.add)
            .and_then(|n| n.checked_add(c.copy))
            .filter(|n| *n <= header.new_size)
            .ok_or_else(|| PatchError::Corrupt(at("writes past the declared size of NEW")))?;
        let add = i64::try_from(c.add).map_err(|_| PatchError::Corrupt(at("diff too long")))?;
        let read_end = old_pos
            .checked_add(add)
            .filter(|end| c.add == 0 || (old_pos >= 0 && *end <= old_len))
            .ok_or_else(|| PatchError::Corrupt(at("diff reads outside OLD")))?;
        old_pos = read_end
            .checked_add(c.seek)
            .filter(|p| *p >= 0)
            .ok_or_else(|| PatchError::Corrupt(at("seeks outside OLD")))?;
        index += 1;
    }
    if new_pos != header.new_size {
        return Err(PatchError::Corrupt(format!(
            "controls write {new_pos} bytes, the header declares {}",
            header.new_size
        )));
    }
    Ok(())
}

/// Size of the buffers NEW is written in.
const CHUNK: usize = 1 << 20;

/// qbsdiff's output, handed in CHUNK-sized buffers to the thread that
/// writes NEW, so that decompressing and write(2) overlap. Written buffers
/// come back through `empty` to be reused.
struct Chunks {
    full: SyncSender<Vec<u8>>,
    empty: Receiver<Vec<u8>>,
    current: Vec<u8>,
}

impl Chunks {
    fn send(&mut self) -> io::Result<()> {
        let next = self
            .empty
            .try_recv()
            .unwrap_or_else(|_| Vec::with_capacity(CHUNK));
        let full = std::mem::replace(&mut self.current, next);
        self.full
            .send(full)
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "NEW is not written any more"))
    }
}

impl Write for Chunks {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.current.len() == CHUNK {
            self.send()?;
        }
        let n = buf.len().min(CHUNK - self.current.len());
        self.current.extend_from_slice(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        if !self.current.is_empty() {
            self.send()?;
        }
        Ok(())
    }
}

/// Runs qbsdiff on `old` and `patch`, writing NEW to `new` from this
/// thread while another decompresses. Returns qbsdiff's result and the
/// error writing NEW, if any.
fn patch_into(
    old: &[u8],
    patch: &[u8],
    mut new: impl Write,
) -> (io::Result<u64>, Option<io::Error>) {
    let run = |out: &mut dyn Write| {
        qbsdiff::Bspatch::new(patch).and_then(|p| p.buffer_size(CHUNK).apply(old, out))
    };
    std::thread::scope(|scope| {
        let (full_tx, full_rx) = sync_channel::<Vec<u8>>(2);
        let (empty_tx, empty_rx) = sync_channel::<Vec<u8>>(4);
        let worker = std::thread::Builder::new().spawn_scoped(scope, move || {
            let mut chunks = Chunks {
                full: full_tx,
                empty: empty_rx,
                current: Vec::with_capacity(CHUNK),
            };
            run(&mut chunks)
        });
        let Ok(worker) = worker else {
            // No second thread: do it all here.
            let mut failed = None;
            let mut out = ErrorKeeping {
                inner: &mut new,
                error: &mut failed,
            };
            return (run(&mut out), failed);
        };
        let mut failed = None;
        for mut buf in &full_rx {
            if let Err(e) = new.write_all(&buf).and_then(|()| new.flush()) {
                failed = Some(e);
                break;
            }
            buf.clear();
            let _ = empty_tx.try_send(buf);
        }
        // Dropping the receiver stops the worker at its next chunk.
        drop(full_rx);
        let result = worker
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("the patching thread panicked")));
        (result, failed)
    })
}

/// A writer that keeps its own error, so that a failure to write NEW is
/// told apart from a corrupt diff or extra block inside qbsdiff.
struct ErrorKeeping<'a, W> {
    inner: W,
    error: &'a mut Option<io::Error>,
}

impl<W: Write> Write for ErrorKeeping<'_, W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.inner.write(buf).inspect_err(|e| {
            *self.error = Some(io::Error::new(e.kind(), e.to_string()));
        })
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush().inspect_err(|e| {
            *self.error = Some(io::Error::new(e.kind(), e.to_string()));
        })
    }
}

/// Applies `patch` to `old`, writing NEW to `new`; returns the size of NEW.
/// Everything is checked first (see the module docs).
pub fn apply(old: &[u8], patch: &[u8], new: impl Write) -> Result<u64, PatchError> {
    let header = parse_header(patch)?;
    check_controls(patch, &header, old.len() as u64)?;
    match patch_into(old, patch, new) {
        (_, Some(e)) => Err(PatchError::Write(e)),
        (Ok(n), None) if n == header.new_size => Ok(n),
        (Ok(n), None) => Err(PatchError::Corrupt(format!(
            "wrote {n} bytes, the header declares {}",
            header.new_size
        ))),
        (Err(e), None) if e.kind() == io::ErrorKind::UnexpectedEof => {
            Err(PatchError::Truncated("diff or extra block"))
        }
        (Err(e), None) => Err(PatchError::Compression("diff or extra", e)),
    }
}

/// Writes a sign-and-magnitude integer, as bsdiff's `offtout` does.
pub fn offtout(x: i64) -> [u8; 8] {
    let raw = if x < 0 {
        x.unsigned_abs() | 1 << 63
    } else {
        x as u64
    };
    raw.to_le_bytes()
}

/// Builds a BSDIFF40 patch from control triples and raw (uncompressed)
/// diff and extra bytes. For tests and the benchmark, which need patches
/// that bsdiff would never write.
pub fn build_patch(controls: &[(i64, i64, i64)], diff: &[u8], extra: &[u8]) -> Vec<u8> {
    let compress = |data: &[u8]| {
        let mut out = Vec::new();
        let mut enc = bzip2::read::BzEncoder::new(Cursor::new(data), bzip2::Compression::best());
        enc.read_to_end(&mut out).expect("bzip2 into memory");
        out
    };
    let mut raw = Vec::with_capacity(controls.len() * 24);
    let mut new_size = 0i64;
    for &(add, copy, seek) in controls {
        raw.extend(offtout(add));
        raw.extend(offtout(copy));
        raw.extend(offtout(seek));
        new_size = new_size
            .saturating_add(add.max(0))
            .saturating_add(copy.max(0));
    }
    let (ctrl, diff, extra) = (compress(&raw), compress(diff), compress(extra));
    let mut patch = MAGIC.to_vec();
    patch.extend(offtout(ctrl.len() as i64));
    patch.extend(offtout(diff.len() as i64));
    patch.extend(offtout(new_size));
    patch.extend(ctrl);
    patch.extend(diff);
    patch.extend(extra);
    patch
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply_vec(old: &[u8], patch: &[u8]) -> Result<Vec<u8>, PatchError> {
        let mut new = Vec::new();
        apply(old, patch, &mut new)?;
        Ok(new)
    }

    #[test]
    fn offtin_reads_sign_and_magnitude() {
        assert_eq!(offtin(&offtout(5)), Some(5));
        assert_eq!(offtin(&offtout(-5)), Some(-5));
        assert_eq!(offtin(&offtout(i64::MAX)), Some(i64::MAX));
        assert_eq!(offtin(&offtout(-i64::MAX)), Some(-i64::MAX));
        assert_eq!(offtin(&(1u64 << 63).to_le_bytes()), None);
    }

    #[test]
    fn a_built_patch_applies() {
        let old = b"hello, world";
        // Keep "hello", add 1 to ", wo" → "-!xp", then copy "XYZ".
        let patch = build_patch(
            &[(5, 0, 0), (4, 3, 0)],
            &[0, 0, 0, 0, 0, 1, 1, 1, 1],
            b"XYZ",
        );
        assert_eq!(apply_vec(old, &patch).unwrap(), b"hello-!xpXYZ");
    }

    #[test]
    fn bad_magic_and_truncation_are_refused() {
        let good = build_patch(&[(3, 0, 0)], &[0; 3], b"");
        assert!(matches!(
            apply_vec(b"abc", b"BSDIFF"),
            Err(PatchError::Truncated(_))
        ));
        assert!(matches!(
            apply_vec(b"abc", b""),
            Err(PatchError::Truncated(_))
        ));
        assert!(matches!(
            apply_vec(b"abc", b"BSDIFF41xxxxxxxxxxxxxxxxxxxxxxxxx"),
            Err(PatchError::BadMagic)
        ));
        assert!(matches!(
            apply_vec(b"abc", &good[..20]),
            Err(PatchError::Truncated("header"))
        ));
        let h = parse_header(&good).unwrap();
        let diff_start = 32 + h.ctrl_len as usize;
        for cut in [33, diff_start - 1, diff_start + h.diff_len as usize / 2] {
            assert!(apply_vec(b"abc", &good[..cut]).is_err(), "cut at {cut}");
        }
    }

    #[test]
    fn negative_and_overflowing_header_lengths_are_refused() {
        let good = build_patch(&[(3, 0, 0)], &[0; 3], b"");
        for (field, value, want) in [
            (8, offtout(-1), "negative"),
            (16, offtout(-1), "negative"),
            (24, offtout(-1), "negative"),
            (8, offtout(i64::MAX), "out of range"),
            (16, offtout(i64::MAX - 10), "out of range"),
            (8, (1u64 << 63).to_le_bytes(), "negative"),
        ] {
            let mut bad = good.clone();
            bad[field..field + 8].copy_from_slice(&value);
            let err = apply_vec(b"abc", &bad).unwrap_err().to_string();
            assert!(
                err.contains(want) || err.contains("truncated"),
                "{field}: {err}"
            );
        }
    }

    #[test]
    fn a_lying_new_size_allocates_nothing_and_is_refused() {
        let mut bad = build_patch(&[(3, 0, 0)], &[0; 3], b"");
        bad[24..32].copy_from_slice(&offtout(1 << 62));
        let err = apply_vec(b"abc", &bad).unwrap_err().to_string();
        assert!(
            err.contains("the header declares 4611686018427387904"),
            "{err}"
        );
    }

    #[test]
    fn hostile_control_triples_are_refused() {
        for (controls, want) in [
            (vec![(-1, 0, 0)], "negative diff length"),
            (vec![(0, -1, 0)], "negative extra length"),
            (vec![(i64::MAX, i64::MAX, 0)], "past the declared size"),
            (vec![(4, 0, 0)], "reads outside OLD"),
            (vec![(1, 0, -5), (2, 0, 0)], "seeks outside OLD"),
            (
                vec![(1, 0, i64::MAX), (0, 0, i64::MAX)],
                "seeks outside OLD",
            ),
        ] {
            let patch = build_patch(&controls, &[0; 8], &[0; 8]);
            let err = apply_vec(b"abc", &patch).unwrap_err().to_string();
            assert!(err.contains(want), "{controls:?}: {err}");
        }
    }

    #[test]
    fn short_diff_or_extra_blocks_are_refused() {
        let patch = build_patch(&[(3, 2, 0)], &[0; 3], b"x");
        let err = apply_vec(b"abc", &patch).unwrap_err().to_string();
        assert!(err.contains("corrupt patch"), "{err}");
    }

    #[test]
    fn a_large_new_crosses_chunks_and_a_failing_writer_is_a_write_error() {
        let old = vec![1u8; 3 * CHUNK + 5];
        let patch = build_patch(
            &[(old.len() as i64, 7, 0)],
            &vec![2u8; old.len()],
            b"tail!!!",
        );
        let new = apply_vec(&old, &patch).unwrap();
        assert_eq!(new.len(), old.len() + 7);
        assert!(new[..old.len()].iter().all(|b| *b == 3));
        assert_eq!(&new[old.len()..], b"tail!!!");

        struct Full(usize);
        impl Write for Full {
            fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
                if self.0 < buf.len() {
                    return Err(io::Error::from_raw_os_error(28)); // ENOSPC
                }
                self.0 -= buf.len();
                Ok(buf.len())
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let err = apply(&old, &patch, Full(CHUNK + 10))
            .unwrap_err()
            .to_string();
        assert_eq!(err, "writing NEW: No space left on device");
    }

    #[test]
    fn garbage_in_a_block_is_a_compression_error() {
        let mut patch = build_patch(&[(3, 0, 0)], &[0; 3], b"");
        let n = patch.len();
        patch[n - 20..].fill(0x55);
        assert!(apply_vec(b"abc", &patch).is_err());
    }
}
