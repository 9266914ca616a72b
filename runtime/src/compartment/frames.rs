//! The frames of a call, either way, each one message on the channel (a
//! `SOCK_SEQPACKET` message or a packet-mode pipe write): a value in
//! `CHUNK` frames and an `END` frame with its status and last part. A
//! frame's first byte is never the first byte of UTF-8 text, so what the
//! child prints on stderr (the same channel) cannot be taken for a frame
//! by accident.

/// Part of a value: appended to the bytes so far.
pub(super) const CHUNK: u8 = 0xfe;
/// The end of a value: a status byte, then the value's last part (the
/// whole of a small one: one message per call each way, as in a raw
/// round trip) or the error text.
pub(super) const END: u8 = 0xff;
/// Largest payload of one message: a frame fits `PIPE_BUF` (4096), the
/// most a packet-mode pipe keeps in one message.
pub(super) const CHUNK_BYTES: usize = 4096 - 2;
/// Statuses after `END`.
pub(super) const OK: u8 = 0;
pub(super) const FAILED: u8 = 1;
pub(super) const PANICKED: u8 = 2;
pub(super) const BAD_INPUT: u8 = 3;
pub(super) const BAD_OUTPUT: u8 = 4;
/// Most error text kept from the child (its `Display`, a panic message).
pub(super) const TEXT_BYTES: usize = CHUNK_BYTES;
/// Most stderr output of one call forwarded to the parent's stderr.
pub(super) const STDERR_BYTES: usize = 64 * 1024;

/// Sends `bytes` as frames through `send` (false: stop): every full
/// chunk but the last as `CHUNK`, the rest in the `END` frame with
/// `status`.
pub(super) fn send_frames(
    bytes: &[u8],
    status: u8,
    frame: &mut Vec<u8>,
    mut send: impl FnMut(&[u8]) -> bool,
) -> bool {
    let mut rest = bytes;
    while rest.len() > CHUNK_BYTES {
        let (head, tail) = rest.split_at(CHUNK_BYTES);
        frame.clear();
        frame.push(CHUNK);
        frame.extend_from_slice(head);
        if !send(frame) {
            return false;
        }
        rest = tail;
    }
    frame.clear();
    frame.extend_from_slice(&[END, status]);
    frame.extend_from_slice(rest);
    send(frame)
}
