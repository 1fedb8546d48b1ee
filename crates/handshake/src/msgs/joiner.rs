//! Reassembly of handshake messages from handshake record payloads
//! (RFC 8446 section 5.1): a record may carry several messages, and a
//! message may span several records.

use ferrotls_core::error::{Error, InvalidMessage};

use super::message::HANDSHAKE_HEADER_LEN;

/// The default bound on one message, header included: OpenSSL's default
/// `max_cert_list` (100 KiB) plus the header. Certificate chains are the
/// only large messages.
pub const DEFAULT_MAX_HANDSHAKE_MESSAGE_LEN: usize = 100 * 1024 + HANDSHAKE_HEADER_LEN;

/// Buffers record payloads and yields whole handshake messages.
///
/// Bytes live in one `Vec` read from an offset; consumed bytes are dropped
/// only once they are at least half the buffer, so every byte is moved a
/// bounded number of times however the input is split.
#[derive(Debug)]
pub struct HandshakeJoiner {
    buf: Vec<u8>,
    /// Where the next message not yet returned starts.
    start: usize,
    /// Where the next header not yet checked against the bound starts.
    checked: usize,
    max_message_len: usize,
}

impl Default for HandshakeJoiner {
    fn default() -> Self {
        Self::new(DEFAULT_MAX_HANDSHAKE_MESSAGE_LEN)
    }
}

impl HandshakeJoiner {
    /// A joiner that refuses messages longer than `max_message_len` bytes,
    /// header included.
    pub fn new(max_message_len: usize) -> Self {
        Self {
            buf: Vec::new(),
            start: 0,
            checked: 0,
            max_message_len,
        }
    }

    /// Adds the payload of one handshake record. An empty payload is
    /// refused (RFC 8446 section 5.1 forbids zero-length handshake
    /// fragments), and so is a header declaring a message over the bound:
    /// that is seen as soon as the header is complete, before the body is
    /// waited for or buffered.
    pub fn push(&mut self, fragment: &[u8]) -> Result<(), Error> {
        if fragment.is_empty() {
            return Err(InvalidMessage::InvalidEmptyPayload.into());
        }
        if self.start > 0 && self.start * 2 >= self.buf.len() {
            self.buf.drain(..self.start);
            self.checked -= self.start;
            self.start = 0;
        }
        self.buf.extend_from_slice(fragment);
        while let Some(len) = self.body_len_at(self.checked) {
            if HANDSHAKE_HEADER_LEN + len > self.max_message_len {
                // The connection is over; drop what we hold.
                self.buf = Vec::new();
                self.start = 0;
                self.checked = 0;
                return Err(InvalidMessage::HandshakeMessageTooLarge.into());
            }
            self.checked += HANDSHAKE_HEADER_LEN + len;
        }
        Ok(())
    }

    /// The next complete message, header included, in arrival order,
    /// borrowed from the joiner (no copy per message): it stays valid until
    /// the joiner is used again.
    pub fn next_message(&mut self) -> Option<&[u8]> {
        if self.start > 0 && self.start == self.buf.len() {
            // Everything handed out has been handled: start over at the
            // front of the allocation.
            self.buf.clear();
            self.start = 0;
            self.checked = 0;
        }
        let begin = self.start;
        let end = begin + HANDSHAKE_HEADER_LEN + self.body_len_at(begin)?;
        if end > self.buf.len() {
            return None;
        }
        self.start = end;
        Some(&self.buf[begin..end])
    }

    /// True when no bytes are buffered, whole or partial. Keys may change
    /// only then: a message must not straddle a key change.
    pub fn is_empty(&self) -> bool {
        self.start == self.buf.len()
    }

    /// The body length declared by a complete header at `at`, if any.
    fn body_len_at(&self, at: usize) -> Option<usize> {
        match self.buf.get(at..at + HANDSHAKE_HEADER_LEN)? {
            [_, a, b, c] => Some(usize::from(*a) << 16 | usize::from(*b) << 8 | usize::from(*c)),
            _ => None,
        }
    }
}
